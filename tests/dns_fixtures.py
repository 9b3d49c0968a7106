"""Pytest fixtures for DNS tests: loopback responders, and a resolver that never answers.

Register with ``pytest_plugins = ["tests.dns_fixtures"]`` in tests/conftest.py.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from tests.dnsserver import DnsServer

DnsServerFactory = Callable[..., DnsServer]


@pytest.fixture
def dns_server_factory() -> Iterator[DnsServerFactory]:
    """``start(zones, **options)`` -> a running :class:`DnsServer`; all stop after the test."""
    started: list[DnsServer] = []

    def start(zones: Mapping[str, Any], **options: Any) -> DnsServer:
        server = DnsServer(zones, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def silent_nameserver() -> Iterator[str]:
    """``127.0.0.1:PORT`` of a UDP socket (and a TCP listener) that never answer."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    port = udp.getsockname()[1]
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        tcp.bind(("127.0.0.1", port))
        tcp.listen(1)
    except OSError:
        tcp.close()
        tcp = None  # type: ignore[assignment]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        udp.close()
        if tcp is not None:
            tcp.close()
