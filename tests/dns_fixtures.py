"""Pytest fixtures for DNS tests: loopback responders, and a resolver that never answers.

Register with ``pytest_plugins = ["tests.dns_fixtures"]`` in tests/conftest.py. A test
module that defines ``ZONES`` (and optionally ``ZONE_OPTIONS``, keyword arguments of
:class:`DnsServer`) gets ``server``, one responder for the module, and ``dns``, a resolver
that asks it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from smtptui.dnscheck.resolver import Dns
from tests.dnsserver import DnsServer

DnsServerFactory = Callable[..., DnsServer]


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest) -> Iterator[DnsServer]:
    """A loopback responder for the requesting module's ``ZONES``, shared by its tests."""
    zones = getattr(request.module, "ZONES", None)
    if zones is None:
        pytest.fail(f"{request.module.__name__} uses the DNS `server` fixture without ZONES")
    with DnsServer(zones, **getattr(request.module, "ZONE_OPTIONS", {})) as running:
        yield running


@pytest.fixture
def dns(server: DnsServer) -> Dns:
    """A resolver that asks :func:`server` (2 s per lookup)."""
    return Dns(server.address, timeout=2.0)


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
