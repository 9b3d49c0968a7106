"""Redaction cost: server lines recorded through the engine's transcript path
(scrub, per-connection quote guard, clean) with a password and a 2,000-character OAuth
token to look for, against the same path with no secret (only cleaning), in the same
run. Prints both medians per line and the ratio.

    python bench/redaction.py [LINES]        (a long multi-line reply, 20,000 lines)
"""

from __future__ import annotations

import statistics
import sys
import time

from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.session_base import SessionBase

TOKEN = "ya29." + "".join(f"{i:04x}Zq" for i in range(330))


def record(lines: list[str], secrets: bool, token: bool = True) -> float:
    """Seconds to record ``lines`` as one multi-line reply (the last ends it)."""
    config = ProbeConfig(host="h", port=25, tls="none", username="u",
                         password=Secret("S3cr3t-P@ss w0rd!") if secrets else None,
                         oauth_token=Secret(TOKEN) if secrets and token else None)
    session = SessionBase(config, lambda _event: None)
    start = time.perf_counter()
    for line in lines:
        session.line("S", line)
    return time.perf_counter() - start


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    lines = [f"250-5.0.0 line {i} of a long reply: some text the server chose" for i in
             range(count - 1)] + ["250 5.0.0 end"]
    base, password, guarded = [], [], []
    for _ in range(7):
        base.append(record(lines, secrets=False))
        password.append(record(lines, secrets=True, token=False))
        guarded.append(record(lines, secrets=True))
    b, p, g = (statistics.median(x) for x in (base, password, guarded))
    print(f"{count} lines: no secrets {b * 1e6 / count:.1f} µs/line; "
          f"a password {p * 1e6 / count:.1f} µs/line ({p / b:.2f}x); "
          f"password + 2,000-char token {g * 1e6 / count:.1f} µs/line ({g / b:.2f}x)")


if __name__ == "__main__":
    main()
