"""Comparing two real loopback relays: differences, speed, concurrency, failures, cold/warm."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable

import pytest
import trustme

from smtptui.compare import run_comparison
from smtptui.compare.model import WARM_NEEDS
from smtptui.compare.rows import KNOWN_EXTENSIONS
from smtptui.demo.relay import LogEntry, Relay
from smtptui.probe.config import ProbeConfig, Secret
from tests.conftest import RelayFactory

ConfigFor = Callable[..., ProbeConfig]
MB = 1024 * 1024
FAST = dict(extensions=("PIPELINING", "ENHANCEDSTATUSCODES", "SMTPUTF8"), size=10 * MB,
            hostname="fast.relay.test")
SLOW = dict(extensions=("CHUNKING", "DSN"), size=20 * MB, hostname="slow.relay.test",
            greeting_delay=0.15)
MAIL = dict(mail_from="ops@acme.test", rcpt_to=("seed@example.test",))


@pytest.fixture(scope="module")
def ca_b() -> trustme.CA:
    """A second CA, so the two relays' certificates have different issuers."""
    return trustme.CA()


@pytest.fixture(scope="module")
def cafile_b(ca_b: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca_b") / "ca_b.pem"
    ca_b.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="module")
def server_ctx_b(ca_b: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca_b.issue_cert("localhost", "127.0.0.1").configure_cert(ctx)
    return ctx


@pytest.fixture
async def fast(relay_factory: RelayFactory, server_ctx: ssl.SSLContext) -> Relay:
    return await relay_factory(starttls=server_ctx, **FAST)


@pytest.fixture
async def slow(relay_factory: RelayFactory, server_ctx_b: ssl.SSLContext) -> Relay:
    return await relay_factory(starttls=server_ctx_b, **SLOW)


def sessions(relay: Relay) -> list[tuple[float, float]]:
    """(CONNECT, QUIT) monotonic times of each connection the relay saw, in order."""
    by_peer: dict[str, list[LogEntry]] = {}
    for entry in relay.log:
        by_peer.setdefault(entry.peer, []).append(entry)
    out = []
    for entries in by_peer.values():
        verbs = [e.verb for e in entries]
        assert verbs[0] == "CONNECT" and verbs[-1] == "QUIT", verbs
        out.append((entries[0].t, entries[-1].t))
    return sorted(out)


def expected_differences(a: Relay, b: Relay) -> set[str]:
    """What really differs between the two relays, from how they were configured."""
    oa, ob = a.options, b.options
    keys = {f"ext.{k}" for k in KNOWN_EXTENSIONS if (k in oa.extensions) != (k in ob.extensions)}
    if oa.size != ob.size:
        keys.add("ext.SIZE")
    if oa.hostname != ob.hostname:
        keys.add("greeting")
    return keys | {"tls.issuer"}  # two different CAs


async def test_table_shows_every_difference_and_no_false_one(
        fast: Relay, slow: Relay, config_for: ConfigFor, cafile_b: str) -> None:
    comparison = await run_comparison(
        ("fast", config_for(fast.port, **MAIL)),
        ("slow", config_for(slow.port, cafile=cafile_b, **MAIL)), runs=3)
    assert comparison.runs == 3
    assert len(comparison.a.reports) == len(comparison.b.reports) == 3
    assert fast.connections == slow.connections == 3

    differing = {r.key for r in comparison.differences}
    non_latency = {k for k in differing if not k.startswith("latency.")}
    assert non_latency == expected_differences(fast, slow)
    keys = {r.key for r in comparison.rows}
    for same in ("ext.8BITMIME", "ext.AUTH", "ext.STARTTLS", "ext.REQUIRETLS", "tls.version",
                 "tls.cipher", "tls.days_left", "tls.verified", "failing_stage"):
        assert same in keys and same not in differing, comparison.row(same)
    size = comparison.row("ext.SIZE")
    assert (size.a, size.b) == ("10.0 MiB", "20.0 MiB")
    assert comparison.row("ext.AUTH").a == comparison.row("ext.AUTH").b == "LOGIN PLAIN"
    assert comparison.row("ext.CHUNKING").b.startswith("yes")
    assert comparison.row("ext.CHUNKING").a == "no"

    # the slower relay, from the medians of 3 runs
    assert comparison.row("latency.greeting").differs
    assert comparison.faster["greeting"] == "a"
    assert comparison.faster["overall"] == "a"
    assert comparison.stats["b"]["greeting"] is not None
    # the relay waits 150 ms from its accept; the client's clock starts a little later
    assert comparison.stats["b"]["greeting"].min >= 120
    assert comparison.stats["a"]["greeting"] is not None
    assert comparison.stats["a"]["greeting"].median < 50
    latency = {k.removeprefix("latency.") for k in differing if k.startswith("latency.")}
    assert {"greeting", "total", "cold"} <= latency
    assert not latency & {"resolve", "connect", "auth", "send", "warm"}, latency


async def test_both_probes_run_at_the_same_time(
        fast: Relay, slow: Relay, config_for: ConfigFor, cafile_b: str) -> None:
    await run_comparison(("fast", config_for(fast.port)),
                         ("slow", config_for(slow.port, cafile=cafile_b)), runs=2)
    a, b = sessions(fast), sessions(slow)
    assert len(a) == len(b) == 2
    # the first runs overlap in time: each relay was connected before the other said QUIT
    assert max(a[0][0], b[0][0]) < min(a[0][1], b[0][1])
    # the runs of one side follow each other
    for runs in (a, b):
        assert runs[0][1] <= runs[1][0]
    assert fast.max_active == slow.max_active == 1


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("failure", ["wrong_password", "nothing_listening"])
async def test_one_side_failing_does_not_stop_the_other(
        failure: str, fast: Relay, slow: Relay, config_for: ConfigFor, cafile_b: str) -> None:
    if failure == "wrong_password":
        broken = config_for(slow.port, cafile=cafile_b, password=Secret("not-the-password"))
    else:
        broken = config_for(_closed_port())
    comparison = await run_comparison(("good", config_for(fast.port)), ("broken", broken),
                                      runs=2)
    assert comparison.a.ok and comparison.a.passed == 2
    assert not comparison.b.ok and comparison.b.passed == 0
    assert not comparison.ok
    assert fast.connections == 2
    result = comparison.row("result")
    assert result.differs and result.a.startswith("passed") and result.b.startswith("failed")
    failing = comparison.row("failing_stage")
    assert failing.a == "none"
    if failure == "wrong_password":
        assert failing.b == "auth (535 5.7.8)"
        assert slow.verbs.count("AUTH") == 4  # per run: PLAIN, then LOGIN once (auto)
    else:
        assert failing.b == "connect (refused)"
        # nothing is known about B's extensions: not reported as differences
        for key in ("ext.SIZE", "ext.PIPELINING", "tls.version", "greeting"):
            row = comparison.row(key)
            assert row.b.startswith("unknown") and not row.differs
        assert comparison.faster["overall"] is None


async def test_cold_and_warm_are_both_reported(
        fast: Relay, slow: Relay, config_for: ConfigFor, cafile_b: str) -> None:
    comparison = await run_comparison(
        ("with mail", config_for(fast.port, **MAIL)),
        ("no mail", config_for(slow.port, cafile=cafile_b)), runs=2)
    cw_a, cw_b = comparison.cold_warm["a"], comparison.cold_warm["b"]
    assert cw_a.cold is not None and cw_a.warm is not None
    assert cw_a.cold.n == 2 and cw_a.warm.n == 2 * 3  # 3 warm messages per connection
    assert fast.verbs.count("RSET") == 6 and fast.verbs.count("MAIL") == 2 + 6
    assert cw_a.ratio is not None and cw_a.ratio > 1  # the connection costs more
    assert cw_b.cold is not None and cw_b.cold.min >= 150  # the slow greeting is cold cost
    assert cw_b.warm is None and cw_b.warm_note == WARM_NEEDS
    assert "RSET" not in slow.verbs
    warm = comparison.row("latency.warm")
    assert warm.b == WARM_NEEDS and not warm.differs
    doc = comparison.to_json()["cold_warm"]
    assert doc["a"]["warm"]["n"] == 6 and doc["b"]["warm"] is None
    assert doc["b"]["warm_note"] == WARM_NEEDS



async def test_sending_delivers_one_message_per_run_and_side(
        fast: Relay, config_for: ConfigFor) -> None:
    """Warm runs time RSET/MAIL/RCPT only: `compare --send --runs 3` sends 3 per side."""
    comparison = await run_comparison(
        ("a", config_for(fast.port, send=True, **MAIL)),
        ("b", config_for(fast.port, send=True, **MAIL)), runs=3)
    assert comparison.cold_warm["a"].warm is not None  # the warm runs did happen
    assert len(fast.messages) == 2 * 3
    assert fast.verbs.count("DATA") == 2 * 3


async def test_a_certificate_failure_is_named_not_the_220_before_it(
        fast: Relay, relay_factory: RelayFactory, bad_certs: dict[str, ssl.SSLContext],
        config_for: ConfigFor) -> None:
    expired = await relay_factory(starttls=bad_certs["expired"])
    comparison = await run_comparison(("good", config_for(fast.port)),
                                      ("expired", config_for(expired.port)))
    failing = comparison.row("failing_stage")
    assert failing.a == "none"
    assert failing.b.startswith("starttls (tls: ") and "expired" in failing.b
    assert "220" not in failing.b


async def test_a_failure_without_a_refusing_reply_is_named_by_its_cause(
        fast: Relay, relay_factory: RelayFactory, config_for: ConfigFor) -> None:
    plain = await relay_factory()  # offers no STARTTLS
    comparison = await run_comparison(("good", config_for(fast.port)),
                                      ("plain", config_for(plain.port)))
    assert comparison.row("failing_stage").b == "starttls (STARTTLS not offered)"
    doc = comparison.b.reports[0].to_json()
    failed = next(s for s in doc["stages"] if s["status"] == "fail")
    assert failed["diagnosis"]["kind"] == "starttls_not_offered"  # for scripts, additive
