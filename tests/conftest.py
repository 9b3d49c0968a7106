"""Shared fixtures: trustme certificates, loopback relays (aiosmtpd) and raw servers.

Everything listens on 127.0.0.1 with an ephemeral port. No other network is used.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import trustme

from smtptui.demo.relay import Relay, RelayOptions
from smtptui.probe.config import ProbeConfig, Secret

pytest_plugins = [
    "tests.servers", "tests.dns_fixtures", "tests.app_fixtures", "tests.oauth_fixtures",
]

CANARY = "Canary-Pw-7d1e9c"
"""The password every test relay accepts. It must never appear in any output."""
USER = "ops@acme.test"


_REPLY_CODE = re.compile(r"(?m)^.*?\d{3}[- ](?:\d\.\d{1,3}\.\d{1,3} )?")
_JSON_TEXT = re.compile(r'"text": "(?:\d{3}[- ](?:\d\.\d{1,3}\.\d{1,3} )?)?((?:[^"\\]|\\.)*)"')
_CANARY_B64 = base64.b64encode(CANARY.encode()).decode()


def canary_shows(content: str) -> bool:
    """Is the canary in ``content``, whole, base64-encoded, or spread over lines (one
    character per reply line, a few per line: reply codes and whitespace taken out)?"""
    if CANARY in content or _CANARY_B64 in content:
        return True
    flat = "".join(_REPLY_CODE.sub("", content).split())
    quoted = "".join("".join(_JSON_TEXT.findall(content)).split())
    return CANARY in flat or CANARY in quoted


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Fail any test whose captured output or log shows the canary password."""
    report = yield
    for name, content in report.sections:
        if canary_shows(content):
            report.outcome = "failed"
            report.longrepr = f"the canary password leaked into {name}"
    return report


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def cafile(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_ctx(cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


@pytest.fixture(scope="session")
def server_ctx(ca: trustme.CA) -> ssl.SSLContext:
    """A valid certificate for localhost and 127.0.0.1."""
    return _server_ctx(ca.issue_cert("localhost", "127.0.0.1"))


@pytest.fixture(scope="session")
def bad_certs(ca: trustme.CA) -> dict[str, ssl.SSLContext]:
    """Server contexts with one certificate problem each."""
    now = dt.datetime.now(dt.UTC)
    self_signed = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    other = trustme.CA()
    with_key = other.cert_pem.bytes() + other.private_key_pem.bytes()
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pem") as f:
        f.write(with_key)
        f.flush()
        self_signed.load_cert_chain(f.name)
    return {
        "expired": _server_ctx(ca.issue_cert(
            "localhost", "127.0.0.1", not_before=now - dt.timedelta(days=90),
            not_after=now - dt.timedelta(days=3))),
        "not_yet_valid": _server_ctx(ca.issue_cert(
            "localhost", "127.0.0.1", not_before=now + dt.timedelta(days=3),
            not_after=now + dt.timedelta(days=90))),
        "wrong_host": _server_ctx(ca.issue_cert("mail.example.net")),
        "unknown_ca": _server_ctx(other.issue_cert("localhost", "127.0.0.1")),
        "self_signed": self_signed,
        "expiring": _server_ctx(ca.issue_cert(
            "localhost", "127.0.0.1", not_before=now - dt.timedelta(days=80),
            not_after=now + dt.timedelta(days=5, hours=12))),
    }


RelayFactory = Callable[..., Awaitable[Relay]]


@pytest.fixture
async def relay_factory() -> AsyncIterator[RelayFactory]:
    """Start aiosmtpd relays with the given options; all are stopped after the test."""
    started: list[Relay] = []

    async def start(**options: object) -> Relay:
        options.setdefault("users", {USER: CANARY})
        relay = await Relay(RelayOptions(**options)).start()  # type: ignore[arg-type]
        started.append(relay)
        return relay

    yield start
    for relay in started:
        await relay.stop()


@pytest.fixture
async def relay(relay_factory: RelayFactory, server_ctx: ssl.SSLContext) -> Relay:
    """A healthy STARTTLS + AUTH relay."""
    return await relay_factory(starttls=server_ctx, auth_mechanisms=("PLAIN", "LOGIN", "CRAM-MD5"))


def make_config(port: int, **fields: object) -> ProbeConfig:
    """A probe of 127.0.0.1:port with the canary credentials, verifying against ``cafile``."""
    base: dict[str, object] = dict(host="127.0.0.1", port=port, tls="starttls",
                                   username=USER, password=Secret(CANARY), timeout=5.0)
    base.update(fields)
    return ProbeConfig(**base)  # type: ignore[arg-type]


@pytest.fixture
def config_for(cafile: str) -> Callable[..., ProbeConfig]:
    def make(port: int, **fields: object) -> ProbeConfig:
        fields.setdefault("cafile", cafile)
        return make_config(port, **fields)

    return make


@pytest.fixture
def profiles_path(tmp_path: Path) -> Path:
    return tmp_path / "profiles.toml"


_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


@pytest.fixture(autouse=True)
def _private_history(tmp_path_factory: pytest.TempPathFactory,
                     monkeypatch: pytest.MonkeyPatch) -> Path:
    """Runs are recorded in a history of the test's own, never the user's."""
    path = tmp_path_factory.mktemp("history") / "history.sqlite3"
    monkeypatch.setenv("SMTPTUI_HISTORY", str(path))
    return path


@pytest.fixture(autouse=True)
def _only_loopback_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard: no test may ask the machine's resolver about anything but loopback."""
    import ipaddress
    import socket

    import dns.resolver

    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name.lower() not in _LOOPBACK_NAMES:
            try:
                loopback = ipaddress.ip_address(name.split("%")[0]).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise AssertionError(f"a test tried to resolve {name!r} with the system resolver")
        return real(host, *args, **kwargs)

    def no_resolv_conf(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("a test tried to use the system's DNS configuration")

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    monkeypatch.setattr(dns.resolver.Resolver, "read_resolv_conf", no_resolv_conf)
