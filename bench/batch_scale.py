"""`smtptui probe --all` over 10,000 profiles, as a user runs it: the real CLI on a
profiles file of RELAYS loopback relays x PER profiles each, default (adaptive)
concurrency. Against the same relays with 200 profiles, in the same run, it prints:

- time per probe at 200 and at 10,000 (target: no worse at 10,000);
- peak RSS of the CLI process (target <= 150 MB);
- when the first result was printed (streaming: long before the end);
- that `--ordered` prints the profiles in file order, and its peak RSS;
- how long `load()` takes on the 10,000-profile file (target <= 0.3 s; median of 3).

    python bench/batch_scale.py [RELAYS] [PER] [LATENCY_S]     (default 50 200 0)

The relays (aiosmtpd, STARTTLS + AUTH) run in a separate process.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _relay_process import PASSWORD, USER, relays_in_process  # noqa: E402


def write_profiles(path: Path, ports: list[int], per: int, cafile: str) -> int:
    tables = []
    for i in range(len(ports) * per):
        tables.append(
            f'[[profile]]\nname = "relay {i:05d}"\nclient = "Client {i // 100:03d}"\n'
            f'host = "127.0.0.1"\nport = {ports[i % len(ports)]}\nservername = "localhost"\n'
            f'cafile = "{cafile}"\nusername = "{USER}"\npassword = {{ env = "BENCH_PW" }}\n')
    path.write_text("\n".join(tables), encoding="utf-8")
    return len(tables)


def run_cli(path: Path, *extra: str) -> tuple[float, float, float, list[str], int]:
    """(seconds, seconds to the first line, peak RSS in MB, profile names in print order,
    exit code) of `smtptui probe --all --json`."""
    cmd = [sys.executable, "-m", "smtptui", "probe", "--all", "--json", "--profiles",
           str(path), "--history", str(path.with_suffix(".history.db")), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "BENCH_PW": PASSWORD})
    assert proc.stdout is not None
    first = 0.0
    names: list[str] = []
    failed = 0
    for line in proc.stdout:
        if not names:
            first = time.perf_counter() - start
        doc = json.loads(line)
        names.append(doc["profile"])
        failed += not doc["ok"]
    _pid, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if failed:
        print(f"  ({failed} probes failed)")
    return took, first, usage.ru_maxrss / 1024, names, os.waitstatus_to_exitcode(status)


def main(relays: int, per: int, latency: float) -> None:
    with relays_in_process(relays, latency, processes=1) as served, \
            tempfile.TemporaryDirectory() as tmp:
        ports, cafile = served.ports, served.cafile
        small, big = Path(tmp) / "small.toml", Path(tmp) / "big.toml"
        n_small = write_profiles(small, ports[:1], 200, cafile)
        n_big = write_profiles(big, ports, per, cafile)
        run_cli(small)  # one-off: byte-compiled modules, page cache
        t_small, _, rss_small, _, _ = run_cli(small)
        t_big, first, rss_big, names, code = run_cli(big)
        t_ord, _, rss_ord, ordered, _ = run_cli(big, "--ordered")
        loads = []
        code_load = ("import sys, time; from pathlib import Path; "
                     "from smtptui.profiles import load; t = time.perf_counter(); "
                     f"load(Path({str(big)!r})); print(time.perf_counter() - t)")
        for _ in range(3):
            out = subprocess.run([sys.executable, "-c", code_load], capture_output=True,
                                 text=True, check=True)
            loads.append(float(out.stdout))
    per_small, per_big = t_small / n_small * 1000, t_big / n_big * 1000
    print(f"{relays} loopback relays (STARTTLS + AUTH + QUIT, {latency * 1000:.0f} ms greeting "
          "latency), default concurrency")
    print(f"{n_small} profiles:   {t_small:6.2f} s, {per_small:.2f} ms per probe, "
          f"peak RSS {rss_small:.0f} MB")
    print(f"{n_big} profiles: {t_big:6.2f} s, {per_big:.2f} ms per probe "
          f"({per_big / per_small:.2f}x the time per probe at {n_small}; target <= 1.0x), "
          f"peak RSS {rss_big:.0f} MB (target <= 150), exit {code}")
    print(f"  first result printed after {first:.2f} s of {t_big:.2f} s; "
          f"{len(set(names))} distinct profiles reported")
    in_order = ordered == sorted(ordered)
    print(f"--ordered: {t_ord:.2f} s, peak RSS {rss_ord:.0f} MB, file order: "
          f"{'yes' if in_order else 'NO'}")
    print(f"load() of the {n_big}-profile file: median {statistics.median(loads) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{x * 1000:.0f}' for x in loads)}; target <= 300 ms)")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 50, int(args[1]) if len(args) > 1 else 200,
         float(args[2]) if len(args) > 2 else 0.0)
