"""A demo-style loopback relay running in a background thread (for process benchmarks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from smtptui.demo.certs import DemoPKI, make_pki
from smtptui.demo.relay import Relay, RelayOptions
from smtptui.loopthread import LoopThread

USER = "bench@smtptui.test"
PASSWORD = "bench-password"


@dataclass
class Running:
    port: int
    pki: DemoPKI
    relay: Relay


@contextmanager
def relay_in_thread(**options: object) -> Iterator[Running]:
    """Start a STARTTLS + AUTH relay on 127.0.0.1 in its own thread and event loop."""
    pki = make_pki()
    opts = dict(starttls=pki.good, users={USER: PASSWORD}, auth_mechanisms=("PLAIN", "LOGIN"))
    opts.update(options)
    runner = LoopThread("bench-relay")
    relay = runner.submit(Relay(RelayOptions(**opts)).start()).result(10)  # type: ignore[arg-type]
    try:
        yield Running(relay.port, pki, relay)
    finally:
        runner.submit(relay.stop()).result(10)
        runner.close()
