"""Whole process: `smtptui probe --json` against swaks (the classic tool), same loopback
relay, STARTTLS + AUTH PLAIN + QUIT, interleaved runs. Prints medians and two ratios:

- smtptui / swaks (target <= 1.5x);
- smtptui / `python -c "import asyncio, ssl"` (target <= 1.25x): what smtptui adds to the
  floor of any asyncio client (its own imports, argument parsing, the probe, the JSON).

    apt-get install swaks; python bench/vs_swaks.py [RUNS] [--rounds 3]

Three rounds by default, each printed, then the spread of each ratio over them (the
README reports that spread, not the best round).

Also prints the time to a correct diagnosis when a STARTTLS-mode probe meets a silent
implicit-TLS port with default settings (swaks waits its 30 s timeout there).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _relay_thread import PASSWORD, USER, relay_in_thread  # noqa: E402


def smtptui_script() -> str:
    """The installed console script, as users run it (after byte-compiling the package,
    as a regular wheel install does)."""
    import compileall

    import smtptui

    compileall.compile_dir(Path(smtptui.__file__).parent, quiet=1)
    script = Path(sys.executable).with_name("smtptui")
    return str(script) if script.exists() else "smtptui"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    took = (time.perf_counter() - start) * 1000
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stdout[-500:]}"
                         f"{proc.stderr[-500:]}")
    return took


def main(n: int, rounds: int) -> None:
    swaks = shutil.which("swaks")
    import tempfile

    history = Path(tempfile.mkdtemp()) / "history.db"  # recorded, as by default; not in ~
    env = {**os.environ, "BENCH_PW": PASSWORD, "SMTPTUI_HISTORY": str(history)}
    summary: list[tuple[float, float, float, float]] = []
    with relay_in_thread() as relay:
        ca = str(relay.pki.ca_file)
        ours = [smtptui_script(), "probe", "--host", "127.0.0.1", "--port",
                str(relay.port), "--servername", "localhost", "--cafile", ca, "--user", USER,
                "--password-env", "BENCH_PW", "--auth", "plain", "--json"]
        theirs = [swaks or "swaks", "--server", f"127.0.0.1:{relay.port}", "--tls",
                  "--tls-verify", "--tls-ca-path", ca, "--tls-sni", "localhost",
                  "--auth", "PLAIN", "--auth-user", USER, "--auth-password", PASSWORD,
                  "--quit-after", "auth", "--helo", "bench.local"]
        bare = [*ours, "--no-history"]
        floor_cmd = [sys.executable, "-c", "import asyncio, ssl"]
        stdlib_cmd = [sys.executable, str(Path(__file__).with_name("_stdlib_client.py")),
                      "127.0.0.1", str(relay.port), ca, "localhost", USER]
        model_cmd = [*stdlib_cmd, "--with-model"]
        for _ in range(3):
            timed(ours, env)
            if swaks:
                timed(theirs, env)
        for number in range(1, rounds + 1):
            a: list[float] = []
            b: list[float] = []
            floor: list[float] = []
            stdlib: list[float] = []
            model: list[float] = []
            no_history: list[float] = []
            for _ in range(n):
                floor.append(timed(floor_cmd, env))
                stdlib.append(timed(stdlib_cmd, env))
                model.append(timed(model_cmd, env))
                a.append(timed(ours, env))
                no_history.append(timed(bare, env))
                if swaks:
                    b.append(timed(theirs, env))
            print(f"round {number} of {rounds} (load average {_load()}): {n} interleaved runs, "
                  "STARTTLS + AUTH PLAIN + QUIT, loopback relay")
            summary.append(_report(a, b, floor, no_history, stdlib, model))
    if rounds > 1:
        print(f"spread over {rounds} rounds (min-max of each round's median ratio):")
        for index, label in enumerate(("smtptui/swaks", "smtptui/floor",
                                       "--no-history/swaks", "--no-history/floor")):
            values = [row[index] for row in summary if row[index] == row[index]]  # not NaN
            if values:
                print(f"  {label:<20} {min(values):.2f}x-{max(values):.2f}x  "
                      f"({', '.join(f'{v:.2f}' for v in values)})")
    diagnosis_time()


def _load() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "n/a"


def _report(a: list[float], b: list[float], floor: list[float], no_history: list[float],
            stdlib: list[float], model: list[float]) -> tuple[float, float, float, float]:
    """Print one round; return its ratios (smtptui/swaks, smtptui/floor, and the same
    with --no-history; NaN without swaks)."""
    med = statistics.median
    nan = float("nan")
    print(f"  smtptui probe --json: median {med(a):.1f} ms")
    if b:
        print(f"  swaks:                median {med(b):.1f} ms")
        print(f"  ratio smtptui/swaks: {med(a) / med(b):.2f}x (target <= 1.5x)")
    else:
        print("  swaks is not installed (apt-get install swaks): no comparison")
    print(f"  ratio smtptui/floor: {med(a) / med(floor):.2f}x "
          "(target <= 1.25x; floor: `python -c 'import asyncio, ssl'`)")
    nh = med(no_history)
    print(f"  with --no-history (the run not recorded in the history database): median "
          f"{nh:.1f} ms, {nh / med(b):.2f}x swaks, {nh / med(floor):.2f}x the floor" if b else
          f"  with --no-history: median {nh:.1f} ms, {nh / med(floor):.2f}x the floor")
    print("  references, same runs:")
    print(f"    blocking stdlib client (socket + ssl, no asyncio): median {med(stdlib):.1f} ms")
    print(f"    the same, after importing smtptui's data model:     median {med(model):.1f} ms"
          "  (typed events, config, profiles; no asyncio)")
    print(f"    `python -c 'import asyncio, ssl'`, nothing else:   median {med(floor):.1f} ms"
          "  (the floor of any asyncio-based client)")
    return (med(a) / med(b) if b else nan, med(a) / med(floor),
            nh / med(b) if b else nan, nh / med(floor))


def diagnosis_time() -> None:
    """Default settings, STARTTLS mode, a port that speaks implicit TLS and stays silent."""
    import asyncio

    from smtptui.demo.certs import make_pki
    from smtptui.demo.relay import Relay, RelayOptions
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.engine import probe

    async def run() -> tuple[float, str, str]:
        pki = make_pki()
        relay = await Relay(RelayOptions(implicit_tls=pki.good)).start()
        start = time.perf_counter()
        report = await probe(ProbeConfig(host="127.0.0.1", port=relay.port))
        took = time.perf_counter() - start
        await relay.stop()
        failed = report.failed_stage
        assert failed is not None and failed.diagnosis is not None
        return took, failed.stage, failed.diagnosis.summary

    took, stage, summary = asyncio.run(run())
    print(f"time to diagnosis, STARTTLS probe at a silent implicit-TLS port: {took:.2f} s "
          f"(target <= 3 s; swaks: 30 s timeout)")
    print(f"  failed at {stage}: {summary}")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=20,
                        help="interleaved runs per round (default 20)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, each reported, then their spread (default 3)")
    options = parser.parse_args()
    main(options.runs, options.rounds)
