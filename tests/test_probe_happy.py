"""Well-behaved relays: every security mode and mechanism, over real TLS on loopback."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import planned_stages, probe, run_probe
from smtptui.probe.events import ProbeFinished, StageFinished, StageStarted, WireLine
from tests.conftest import CANARY, USER, RelayFactory

ConfigFor = Callable[..., ProbeConfig]


def stages(report) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(s.stage, s.status) for s in report.stages]


def assert_no_canary(report) -> None:  # type: ignore[no-untyped-def]
    assert CANARY not in json.dumps(report.to_json())
    assert CANARY not in repr(report)


@pytest.mark.parametrize("mech", ["plain", "login", "cram-md5", "auto"])
async def test_starttls_auth_succeeds_with_each_mechanism(relay, config_for: ConfigFor,
                                                          mech: str) -> None:
    report = await probe(config_for(relay.port, auth=mech))
    assert report.ok
    assert stages(report) == [
        ("resolve", "pass"), ("connect", "pass"), ("greeting", "pass"), ("ehlo", "pass"),
        ("starttls", "pass"), ("ehlo", "pass"), ("auth", "pass"), ("quit", "pass"),
    ]
    auth = report.stage("auth")
    assert auth is not None and auth.replies[-1].code == 235
    expected = "PLAIN" if mech == "auto" else mech.upper()  # auto over TLS: PLAIN first
    assert auth.note == f"{expected} accepted"
    # the server really saw the upgrade before the credentials
    assert relay.verbs[:5] == ["CONNECT", "EHLO", "STARTTLS", "EHLO", "AUTH"]
    client_lines = [w.text for w in report.transcript if w.direction == "C"]
    assert any(line.startswith("AUTH") for line in client_lines)
    assert "<redacted>" in " ".join(client_lines)
    assert_no_canary(report)


async def test_tls_details_are_reported(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port))
    assert report.tls is not None
    assert report.tls.version in ("TLSv1.2", "TLSv1.3")
    assert report.tls.bits >= 128
    cert = report.tls.cert
    assert cert is not None and cert.verified and cert.error is None
    assert "localhost" in cert.san and "127.0.0.1" in cert.san
    assert cert.days_left > 14
    assert "trustme" in cert.issuer
    doc = report.to_json()
    assert set(doc["tls"]["cert"]) >= {"subject", "issuer", "san", "not_before", "not_after",
                                       "days_left", "verified", "error"}
    assert "der" not in doc["tls"]["cert"]  # kept for DANE checks, not exported
    from cryptography import x509

    assert x509.load_der_x509_certificate(cert.der or b"").subject.rfc4514_string()


async def test_extensions_and_changes_across_tls(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port))
    ext = report.extensions
    assert ext["SIZE"] == str(10 * 1024 * 1024)
    assert ext["AUTH"].split() == ["CRAM-MD5", "LOGIN", "PLAIN"]
    assert "PIPELINING" in ext and "ENHANCEDSTATUSCODES" in ext
    assert "STARTTLS" not in ext  # the post-TLS EHLO is the one kept
    assert report.ehlo_changes["added"] == ["AUTH"]
    assert report.ehlo_changes["removed"] == ["STARTTLS"]
    assert report.warnings == []


async def test_implicit_tls_succeeds(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                                     config_for: ConfigFor) -> None:
    relay = await relay_factory(implicit_tls=server_ctx)
    report = await probe(config_for(relay.port, tls="implicit"))
    assert report.ok, report.failed_stage
    assert stages(report)[:4] == [("resolve", "pass"), ("connect", "pass"), ("tls", "pass"),
                                  ("greeting", "pass")]
    assert report.tls is not None and report.tls.cert is not None and report.tls.cert.verified


async def test_send_delivers_a_message_the_server_received(relay, config_for: ConfigFor) -> None:
    config = config_for(relay.port, mail_from="ops@acme.test",
                        rcpt_to=("a@example.test", "b@example.test"), send=True)
    report = await probe(config)
    assert report.ok
    assert [s for s, _ in stages(report)][-4:] == ["mail", "rcpt", "data", "quit"]
    assert len(relay.messages) == 1
    envelope = relay.messages[0]
    assert envelope.mail_from == "ops@acme.test"
    assert envelope.rcpt_tos == ["a@example.test", "b@example.test"]
    body = envelope.original_content.decode()
    for header in ("Date:", "Message-ID:", "From: ops@acme.test", "Subject: smtptui test"):
        assert header in body


async def test_stop_after_auth_sends_no_mail(relay, config_for: ConfigFor) -> None:
    config = config_for(relay.port, mail_from="ops@acme.test", rcpt_to=("a@example.test",),
                        send=True, stop_after="auth")
    report = await probe(config)
    assert [s for s, _ in stages(report)][-2:] == ["auth", "quit"]
    assert "MAIL" not in relay.verbs and relay.messages == []


async def test_stop_after_rcpt_checks_recipients_without_data(relay, config_for: ConfigFor) -> None:
    config = config_for(relay.port, mail_from="ops@acme.test", rcpt_to=("a@example.test",),
                        send=True, stop_after="rcpt")
    report = await probe(config)
    assert [s for s, _ in stages(report)][-3:] == ["mail", "rcpt", "quit"]
    assert "DATA" not in relay.verbs


@pytest.mark.parametrize("stop", ["greeting", "ehlo", "tls"])
async def test_stop_after_early_stages(relay, config_for: ConfigFor, stop: str) -> None:
    config = config_for(relay.port, stop_after=stop)
    report = await probe(config)
    assert report.ok
    assert [s for s, _ in stages(report)] == planned_stages(config)
    assert "AUTH" not in relay.verbs
    assert relay.verbs[-1] == "QUIT"


async def test_events_stream_in_order(relay, config_for: ConfigFor) -> None:
    events = [e async for e in run_probe(config_for(relay.port))]
    assert isinstance(events[0], StageStarted) and events[0].stage == "resolve"
    assert isinstance(events[-1], ProbeFinished)
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    finished = [e.stage for e in events if isinstance(e, StageFinished)]
    assert started == finished == [s.stage for s in events[-1].report.stages]
    times = [e.t_ms for e in events if isinstance(e, WireLine)]
    assert times == sorted(times)
    # wire lines of a stage arrive between its start and its end
    i_start = next(i for i, e in enumerate(events)
                   if isinstance(e, StageStarted) and e.stage == "greeting")
    i_end = next(i for i, e in enumerate(events)
                 if isinstance(e, StageFinished) and e.stage == "greeting")
    assert any(isinstance(e, WireLine) and e.text.startswith("220 ")
               for e in events[i_start:i_end])


@pytest.mark.parametrize("mech", ["xoauth2", "oauthbearer"])
async def test_oauth_success(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                             config_for: ConfigFor, mech: str) -> None:
    relay = await relay_factory(starttls=server_ctx, tokens={USER: "tok-" + CANARY},
                                auth_mechanisms=("XOAUTH2", "OAUTHBEARER"))
    config = config_for(relay.port, auth=mech, password=None,
                        oauth_token=Secret("tok-" + CANARY))
    report = await probe(config)
    assert report.ok, report.failed_stage
    assert report.stage("auth").note == f"{mech.upper()} accepted"  # type: ignore[union-attr]
    assert_no_canary(report)


async def test_opportunistic_upgrades_when_offered(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port, tls="opportunistic"))
    assert report.ok and report.stage("starttls").status == "pass"  # type: ignore[union-attr]


async def test_dns_name_is_resolved(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port, host="localhost", servername="localhost"))
    assert report.ok, report.failed_stage
    assert report.target.address in ("127.0.0.1", "::1")


def _has_ipv6_loopback() -> bool:
    import socket

    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
async def test_ipv6_literal(server_ctx: ssl.SSLContext, config_for: ConfigFor) -> None:
    from smtptui.demo.relay import Relay, RelayOptions

    relay = await Relay(RelayOptions(starttls=server_ctx, users={USER: CANARY})).start(host="::1")
    try:
        report = await probe(config_for(relay.port, host="::1", servername="localhost"))
    finally:
        await relay.stop()
    assert report.ok, report.failed_stage
    assert report.target.address == "::1"
    import socket

    name = socket.gethostname()
    expected = name if "." in name else "[IPv6:::1]"  # no FQDN: an address literal
    assert f"EHLO {expected}" in [w.text for w in report.transcript]
