"""Whole process: `smtptui probe --json` against swaks (the classic tool), same loopback
relay, STARTTLS + AUTH PLAIN + QUIT, interleaved runs. Prints medians and two ratios:

- smtptui / swaks (target <= 1.5x);
- smtptui / `python -c "import asyncio, ssl"` (target <= 1.25x): what smtptui adds to the
  floor of any asyncio client (its own imports, argument parsing, the probe, the JSON).

    apt-get install swaks; python bench/vs_swaks.py [N]

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


def main(n: int) -> None:
    swaks = shutil.which("swaks")
    import tempfile

    history = Path(tempfile.mkdtemp()) / "history.db"  # recorded, as by default; not in ~
    env = {**os.environ, "BENCH_PW": PASSWORD, "SMTPTUI_HISTORY": str(history)}
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
        a: list[float] = []
        b: list[float] = []
        floor: list[float] = []
        stdlib: list[float] = []
        model: list[float] = []
        no_history: list[float] = []
        for _ in range(3):
            timed(ours, env)
            if swaks:
                timed(theirs, env)
        for _ in range(n):
            floor.append(timed(floor_cmd, env))
            stdlib.append(timed(stdlib_cmd, env))
            model.append(timed(model_cmd, env))
            a.append(timed(ours, env))
            no_history.append(timed(bare, env))
            if swaks:
                b.append(timed(theirs, env))
    print(f"runs: {n} interleaved, STARTTLS + AUTH PLAIN + QUIT, loopback relay")
    print(f"smtptui probe --json: median {statistics.median(a):.1f} ms")
    if b:
        print(f"swaks:                median {statistics.median(b):.1f} ms")
        print(f"ratio smtptui/swaks: {statistics.median(a) / statistics.median(b):.2f}x "
              "(target <= 1.5x)")
    else:
        print("swaks is not installed (apt-get install swaks): no comparison")
    print(f"ratio smtptui/floor: {statistics.median(a) / statistics.median(floor):.2f}x "
          "(target <= 1.25x; floor: `python -c 'import asyncio, ssl'`)")
    nh = statistics.median(no_history)
    print(f"with --no-history (the run not recorded in the history database): median "
          f"{nh:.1f} ms, {nh / statistics.median(b):.2f}x swaks, "
          f"{nh / statistics.median(floor):.2f}x the floor" if b else
          f"with --no-history: median {nh:.1f} ms, {nh / statistics.median(floor):.2f}x the floor")
    print("references, same runs:")
    print(f"  blocking stdlib client (socket + ssl, no asyncio): median "
          f"{statistics.median(stdlib):.1f} ms")
    print(f"  the same, after importing smtptui's data model:     median "
          f"{statistics.median(model):.1f} ms  (typed events, config, profiles; no asyncio)")
    print(f"  `python -c 'import asyncio, ssl'`, nothing else:   median "
          f"{statistics.median(floor):.1f} ms  (the floor of any asyncio-based client)")
    diagnosis_time()


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
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
