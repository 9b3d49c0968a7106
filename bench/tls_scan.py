"""`smtptui tls` against one loopback STARTTLS relay: the whole inspection's wall time,
against one plain `smtptui probe --stop-after tls` of the same relay (the baseline, in the
same run), and against testssl.sh's full run (`testssl --starttls smtp`) where installed.

    python bench/tls_scan.py [RUNS]          (target: the inspection's handshakes <= 2 s)

Prints each time, the median, the spread and the ratios.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _relay_thread import relay_in_thread  # noqa: E402


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with relay_in_thread() as relay:
        target = f"127.0.0.1:{relay.port}"
        common = ["--servername", "localhost", "--cafile", str(relay.pki.ca_file)]
        tls_cmd = [sys.executable, "-m", "smtptui", "tls", target, *common, "--no-dane",
                   "--json"]
        probe_cmd = [sys.executable, "-m", "smtptui", "probe", "--host", "127.0.0.1",
                     "--port", str(relay.port), "--stop-after", "tls", "--json", *common]
        scans, probes, inner = [], [], []
        for _ in range(runs):  # interleaved
            seconds, out = timed(tls_cmd)
            scans.append(seconds)
            data = json.loads(out)
            inner.append(data["elapsed_ms"] / 1000)
            probes.append(timed(probe_cmd)[0])
        handshakes = data["handshakes"]
        print(f"smtptui tls (whole process): {_fmt(scans)}")
        print(f"  its {handshakes} handshakes (elapsed_ms in the report): {_fmt(inner)}")
        print(f"smtptui probe --stop-after tls (baseline): {_fmt(probes)}")
        print(f"ratio tls / probe: {statistics.median(scans) / statistics.median(probes):.2f}x")
        testssl = shutil.which("testssl") or shutil.which("testssl.sh")
        if testssl is None:
            print("testssl.sh: not installed (apt-get install testssl.sh) — not compared")
            return
        seconds, _ = timed([testssl, "--quiet", "--color", "0", "--warnings", "off",
                            "--starttls", "smtp", target])
        print(f"testssl.sh --starttls smtp (full run, once): {seconds:.1f} s "
              f"({seconds / statistics.median(scans):.0f}x smtptui tls)")


def _fmt(values: list[float]) -> str:
    return (f"median {statistics.median(values):.3f} s "
            f"(min {min(values):.3f}, max {max(values):.3f}, {len(values)} runs)")


if __name__ == "__main__":
    main()
