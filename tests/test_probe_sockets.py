"""When a probe returns, its connection is closed on our side: no socket left open,
whatever the outcome (checked in the kernel's socket table, not in our own objects)."""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable
from pathlib import Path

import pytest

from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import probe
from tests.conftest import RelayFactory

ConfigFor = Callable[..., ProbeConfig]

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")


def open_client_sockets(server_port: int) -> int:
    """Sockets of this process connected to ``server_port`` (any state but closed)."""
    ours = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            ours.add(target[8:-1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if remote_port == server_port and fields[9] in ours:
                count += 1
    return count


async def test_a_successful_starttls_probe_leaves_no_socket(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port))
    assert report.ok
    assert open_client_sockets(relay.port) == 0


async def test_an_implicit_tls_probe_leaves_no_socket(relay_factory: RelayFactory,
                                                     server_ctx: ssl.SSLContext,
                                                     config_for: ConfigFor) -> None:
    relay = await relay_factory(implicit_tls=server_ctx)
    report = await probe(config_for(relay.port, tls="implicit"))
    assert report.ok
    assert open_client_sockets(relay.port) == 0


async def test_a_failed_probe_leaves_no_socket(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port, password=Secret("wrong-password")))
    assert report.failed_stage is not None and report.failed_stage.stage == "auth"
    assert open_client_sockets(relay.port) == 0
