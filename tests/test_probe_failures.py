"""Relays that say no, break TLS or misbehave: each failure lands on the right stage
with the right diagnosis, within its time bound, without leaking the password."""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import time
import warnings
from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from tests.conftest import CANARY, RelayFactory
from tests.servers import EHLO_BASIC, Conn, RawFactory, smtp_loop, unanswering_listener

ConfigFor = Callable[..., ProbeConfig]


def failed(report):  # type: ignore[no-untyped-def]
    stage = report.failed_stage
    assert stage is not None, "expected a failed stage"
    assert stage.diagnosis is not None
    assert CANARY not in json.dumps(report.to_json())
    return stage


async def test_wrong_password_fails_at_auth_with_535(relay_factory: RelayFactory,
                                                     server_ctx: ssl.SSLContext,
                                                     config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=server_ctx, users={"ops@acme.test": "other"})
    report = await probe(config_for(relay.port))
    stage = failed(report)
    assert stage.stage == "auth"
    assert (stage.replies[-1].code, stage.replies[-1].enhanced) == (535, "5.7.8")
    assert stage.diagnosis.layer == "auth"
    assert report.stages[-1].stage == "quit"  # a polite QUIT after the failure
    assert relay.verbs[-1] == "QUIT"


async def test_starttls_not_offered_never_sends_auth(raw_server: RawFactory,
                                                     config_for: ConfigFor) -> None:
    async def handler(conn: Conn) -> None:
        await conn.send("220 raw.test ESMTP")
        await smtp_loop(conn, {"EHLO": (*EHLO_BASIC[:-1], "250 AUTH PLAIN LOGIN"),
                               "QUIT": "221 bye", "AUTH": "235 ok (must never be reached)"})

    server = await raw_server(handler)
    report = await probe(config_for(server.port, mail_from="a@b.test", rcpt_to=("c@d.test",)))
    stage = failed(report)
    assert stage.stage == "starttls"
    assert stage.diagnosis.layer == "tls"
    assert "STARTTLS" in stage.diagnosis.summary
    assert server.verbs == ["EHLO", "QUIT"]  # the server's log: no AUTH, no MAIL


@pytest.mark.parametrize(("problem", "kind_word"), [
    ("expired", "expired"),
    ("not_yet_valid", "not yet valid"),
    ("self_signed", "self-signed"),
    ("wrong_host", "mismatch"),
    ("unknown_ca", "issuer"),
])
async def test_certificate_problems_fail_at_starttls(relay_factory: RelayFactory,
                                                     bad_certs: dict[str, ssl.SSLContext],
                                                     config_for: ConfigFor, problem: str,
                                                     kind_word: str) -> None:
    relay = await relay_factory(starttls=bad_certs[problem])
    report = await probe(config_for(relay.port))
    stage = failed(report)
    assert stage.stage == "starttls"
    assert stage.diagnosis.layer == "tls"
    assert "AUTH" not in relay.verbs
    # the certificate is still shown, with why it failed
    assert report.tls is not None and report.tls.cert is not None
    assert report.tls.cert.verified is False
    assert kind_word in (report.tls.cert.error or "").lower()


async def test_a_name_mismatch_names_the_name_that_was_checked(
        relay, config_for: ConfigFor) -> None:
    """The relay's certificate is for localhost/127.0.0.1; --servername asks for another."""
    report = await probe(config_for(relay.port, servername="mail.example.com"))
    diagnosis = failed(report).diagnosis
    assert "not for the name mail.example.com" in diagnosis.summary
    assert "add mail.example.com to the certificate" in diagnosis.advice
    assert "127.0.0.1" not in diagnosis.summary


async def test_expiring_certificate_is_a_warning(relay_factory: RelayFactory,
                                                 bad_certs: dict[str, ssl.SSLContext],
                                                 config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=bad_certs["expiring"])
    report = await probe(config_for(relay.port))
    assert report.ok
    assert report.stage("starttls").status == "warn"  # type: ignore[union-attr]
    assert any("expires in 5 days" in w for w in report.warnings)


async def test_insecure_accepts_a_bad_certificate_with_a_warning(
        relay_factory: RelayFactory, bad_certs: dict[str, ssl.SSLContext],
        config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=bad_certs["self_signed"])
    report = await probe(config_for(relay.port, insecure=True, cafile=None))
    assert report.ok
    assert report.stage("starttls").status == "warn"  # type: ignore[union-attr]
    assert report.tls is not None and report.tls.cert is not None
    assert report.tls.cert.verified is False and report.tls.cert.self_signed


async def test_connection_refused(config_for: ConfigFor) -> None:

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens here now
    report = await probe(config_for(port))
    stage = failed(report)
    assert stage.stage == "connect" and stage.diagnosis.layer == "network"
    assert stage.diagnosis.summary == (
        f"127.0.0.1:{port} refused the TCP connection: nothing listens on port {port} there, "
        "or a firewall rejects it.")  # said once, not twice
    assert "Check the port. Submission ports" in stage.diagnosis.advice


async def test_silent_server_times_out_within_the_bound(raw_server: RawFactory,
                                                        config_for: ConfigFor) -> None:
    server = await raw_server(lambda conn: conn.until_eof())
    start = time.monotonic()
    report = await probe(config_for(server.port, timeout=1.5))
    took = time.monotonic() - start
    stage = failed(report)
    assert stage.stage == "greeting"
    assert 1.4 <= stage.elapsed_ms / 1000 < 2.5 and took < 3.5
    assert any("timeout" in w.text for w in report.transcript if w.direction == "*")


async def test_slow_drip_cannot_hold_a_stage_past_its_timeout(raw_server: RawFactory,
                                                              config_for: ConfigFor) -> None:
    async def drip(conn: Conn) -> None:
        for ch in b"220 drip" * 100:  # one byte every 0.2 s, never a line end
            await conn.send(bytes([ch]))
            await asyncio.sleep(0.2)

    server = await raw_server(drip)
    start = time.monotonic()
    report = await probe(config_for(server.port, timeout=1.0))
    assert failed(report).stage == "greeting"
    assert time.monotonic() - start < 2.5


async def test_421_on_connect(raw_server: RawFactory, config_for: ConfigFor) -> None:
    async def busy(conn: Conn) -> None:
        await conn.send("421 4.3.2 raw.test Service not available, try again later")

    server = await raw_server(busy)
    report = await probe(config_for(server.port))
    stage = failed(report)
    assert stage.stage == "greeting"
    assert stage.replies[0].code == 421 and stage.replies[0].enhanced == "4.3.2"


async def test_server_drops_after_ehlo(raw_server: RawFactory, config_for: ConfigFor) -> None:
    async def rude(conn: Conn) -> None:
        await conn.send("220 raw.test ESMTP")
        await conn.readline()
        await conn.send(*EHLO_BASIC[:-1], "250 STARTTLS")
        await conn.readline()  # STARTTLS ... and hang up

    server = await raw_server(rude)
    report = await probe(config_for(server.port))
    stage = failed(report)
    assert stage.stage == "starttls"
    assert stage.diagnosis.layer == "network"
    assert not any(s.stage == "quit" for s in report.stages)


async def test_helo_fallback(raw_server: RawFactory, config_for: ConfigFor) -> None:
    async def old(conn: Conn) -> None:
        await conn.send("220 old.test SMTP")
        await smtp_loop(conn, {"EHLO": "500 5.5.1 command unrecognized",
                               "HELO": "250 old.test", "QUIT": "221 bye"})

    server = await raw_server(old)
    report = await probe(config_for(server.port, tls="none", username=None, password=None))
    assert report.ok
    ehlo = report.stage("ehlo")
    assert ehlo is not None and ehlo.status == "warn"
    assert [r.code for r in ehlo.replies] == [500, 250]
    assert server.verbs[:2] == ["EHLO", "HELO"]


async def test_huge_line_without_crlf_fails_cleanly(raw_server: RawFactory,
                                                    config_for: ConfigFor) -> None:
    async def flood(conn: Conn) -> None:
        chunk = b"2" * 65536
        for _ in range(32):  # 2 MiB, no line end
            await conn.send(chunk)
        await conn.until_eof()

    server = await raw_server(flood)
    report = await probe(config_for(server.port, timeout=5))
    stage = failed(report)
    assert stage.stage == "greeting"
    assert stage.diagnosis.layer == "protocol"
    longest = max(len(w.text) for w in report.transcript)
    assert longest < 10_000  # the transcript holds a capped line, not 2 MiB


async def test_escape_sequences_and_markup_are_neutralised(raw_server: RawFactory,
                                                           config_for: ConfigFor) -> None:
    async def evil(conn: Conn) -> None:
        await conn.send("220 evil.test \x1b[2J\x1b]0;pwned\x07 [/help] [bold red]hi\x9b")
        await smtp_loop(conn, {"EHLO": "250 evil.test", "QUIT": "221 bye"})

    server = await raw_server(evil)
    report = await probe(config_for(server.port, tls="none", username=None, password=None))
    banner = report.stage("greeting").replies[0].text  # type: ignore[union-attr]
    assert "\x1b" not in banner and "\x07" not in banner
    assert "\\x1b[2J" in banner and "[/help] [bold red]" in banner
    for line in report.transcript:
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in line.text), line


@pytest.mark.parametrize(("reply", "code"), [
    ("550 5.1.1 <nobody@acme.test>: Recipient address rejected: User unknown", 550),
    ("451 4.7.1 Greylisted, please try again later", 451),
])
async def test_rcpt_rejections(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                               config_for: ConfigFor, reply: str, code: int) -> None:
    relay = await relay_factory(starttls=server_ctx, rcpt_replies={"nobody@acme.test": reply})
    report = await probe(config_for(relay.port, mail_from="ops@acme.test",
                                    rcpt_to=("nobody@acme.test",), send=True))
    stage = failed(report)
    assert stage.stage == "rcpt" and stage.replies[0].code == code
    assert "DATA" not in relay.verbs and relay.messages == []


async def test_one_rejected_recipient_of_two_fails_rcpt(relay_factory: RelayFactory,
                                                         server_ctx: ssl.SSLContext,
                                                         config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=server_ctx,
                                rcpt_replies={"nobody@acme.test": "550 5.1.1 unknown"})
    report = await probe(config_for(relay.port, mail_from="ops@acme.test",
                                    rcpt_to=("nobody@acme.test", "ok@acme.test"), send=True))
    assert not report.ok  # a CI job must not pass when a recipient it asked for is refused
    stage = failed(report)
    assert stage.stage == "rcpt" and stage.note == "1/2 accepted"
    assert [(r.address, r.reply.code) for r in stage.refused] == [("nobody@acme.test", 550)]
    assert "DATA" not in relay.verbs and relay.messages == []


async def test_plaintext_auth_refused_without_permission(raw_server: RawFactory,
                                                         config_for: ConfigFor) -> None:
    async def plain(conn: Conn) -> None:
        await conn.send("220 plain.test ESMTP")
        await smtp_loop(conn, {"EHLO": ("250-plain.test", "250 AUTH PLAIN LOGIN"),
                               "AUTH": "235 ok", "QUIT": "221 bye"})

    server = await raw_server(plain)
    report = await probe(config_for(server.port, tls="none"))
    stage = failed(report)
    assert stage.stage == "auth" and "AUTH" not in server.verbs
    assert report.stage("ehlo").status == "warn"  # type: ignore[union-attr]
    # explicitly allowed: sent
    report = await probe(config_for(server.port, tls="none", allow_plaintext_auth=True))
    assert report.ok and "AUTH" in server.verbs


async def test_opportunistic_without_starttls_warns(raw_server: RawFactory,
                                                    config_for: ConfigFor) -> None:
    async def plain(conn: Conn) -> None:
        await conn.send("220 plain.test ESMTP")
        await smtp_loop(conn, {"EHLO": "250 plain.test", "QUIT": "221 bye"})

    server = await raw_server(plain)
    report = await probe(config_for(server.port, tls="opportunistic", username=None,
                                    password=None))
    assert report.ok
    assert report.stage("starttls").status == "warn"  # type: ignore[union-attr]


@pytest.mark.parametrize("mech", ["xoauth2", "oauthbearer"])
async def test_oauth_error_flow_is_completed_and_decoded(relay_factory: RelayFactory,
                                                         server_ctx: ssl.SSLContext,
                                                         config_for: ConfigFor,
                                                         mech: str) -> None:
    from smtptui.probe.config import Secret

    relay = await relay_factory(starttls=server_ctx, tokens={"ops@acme.test": "right"},
                                auth_mechanisms=("XOAUTH2", "OAUTHBEARER"))
    report = await probe(config_for(relay.port, auth=mech, password=None,
                                    oauth_token=Secret(CANARY)))
    stage = failed(report)
    assert stage.stage == "auth"
    assert [r.code for r in stage.replies] == [334, 535]
    client = [w.text for w in report.transcript if w.direction == "C"]
    ack = {"xoauth2": "", "oauthbearer": "AQ=="}[mech]
    assert client[client.index(f"AUTH {mech.upper()} <redacted>") + 1] == ack
    assert any('"status": "401"' in w.text for w in report.transcript if w.direction == "*")


async def test_starttls_probe_on_implicit_tls_port_is_diagnosed_fast(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor) -> None:
    relay = await relay_factory(implicit_tls=server_ctx)
    start = time.monotonic()
    report = await probe(config_for(relay.port, timeout=30))  # default-sized timeout
    took = time.monotonic() - start
    stage = failed(report)
    assert stage.stage == "greeting"
    assert "implicit" in (stage.diagnosis.summary + stage.diagnosis.advice).lower()
    assert took < 3.0


async def test_implicit_probe_on_plain_port_is_diagnosed(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port, tls="implicit"))
    stage = failed(report)
    assert stage.stage == "tls"
    assert "starttls" in (stage.diagnosis.summary + stage.diagnosis.advice).lower()


async def test_banner_timeout_on_implicit_tls_port(raw_server: RawFactory,
                                                   server_ctx: ssl.SSLContext,
                                                   config_for: ConfigFor) -> None:
    server = await raw_server(lambda conn: conn.until_eof(), ssl=server_ctx)
    report = await probe(config_for(server.port, tls="implicit", timeout=1.0))
    stage = failed(report)
    assert stage.stage == "greeting"
    assert report.stage("tls").status == "pass"  # type: ignore[union-attr]


async def test_starttls_injection_is_flagged(raw_server: RawFactory, server_ctx: ssl.SSLContext,
                                             config_for: ConfigFor) -> None:
    async def inject(conn: Conn) -> None:
        await conn.send("220 inj.test ESMTP")
        await conn.readline()
        await conn.send(*EHLO_BASIC[:-1], "250 STARTTLS")
        await conn.readline()
        await conn.send("220 2.0.0 go ahead", "250 injected")  # one write, before TLS
        await conn.start_tls(server_ctx)
        await smtp_loop(conn, {"EHLO": (*EHLO_BASIC[:-1], "250 AUTH PLAIN"),
                               "AUTH": "235 2.7.0 ok", "QUIT": "221 bye"})

    server = await raw_server(inject)
    report = await probe(config_for(server.port))
    assert report.ok, report.failed_stage
    assert report.stage("starttls").status == "warn"  # type: ignore[union-attr]
    assert any("before the TLS handshake" in w for w in report.warnings)


async def test_cancelling_the_consumer_closes_the_socket(raw_server: RawFactory,
                                                         config_for: ConfigFor) -> None:
    from smtptui.probe.engine import run_probe
    from smtptui.probe.events import StageStarted

    server = await raw_server(lambda conn: conn.until_eof())
    before = {t for t in asyncio.all_tasks()}

    async def consume() -> None:
        async for event in run_probe(config_for(server.port, timeout=30)):
            if isinstance(event, StageStarted) and event.stage == "greeting":
                reached.set()

    reached = asyncio.Event()
    task = asyncio.create_task(consume())
    await reached.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(server.closed.wait(), 2)  # the server saw the socket close
    leftover = {t for t in asyncio.all_tasks() if not t.done()} - before
    leftover.discard(asyncio.current_task())  # type: ignore[arg-type]
    assert [t.get_name() for t in leftover if "probe" in t.get_name()] == []


async def test_tls_version_too_old_is_diagnosed(raw_server: RawFactory,
                                               ca, config_for: ConfigFor) -> None:  # type: ignore[no-untyped-def]
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old.minimum_version = ssl.TLSVersion.TLSv1
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    ca.issue_cert("localhost", "127.0.0.1").configure_cert(old)
    server = await raw_server(lambda conn: conn.until_eof(), ssl=old)
    report = await probe(config_for(server.port, tls="implicit"))
    stage = failed(report)
    assert stage.stage == "tls"
    assert "TLSv1.1" in stage.diagnosis.summary
    assert "1.2" in stage.diagnosis.summary + stage.diagnosis.advice


async def test_auth_only_after_starttls_in_plain_mode(relay, config_for: ConfigFor) -> None:
    report = await probe(config_for(relay.port, tls="none"))
    stage = failed(report)
    assert stage.stage == "auth" and stage.diagnosis.layer in ("auth", "tls")
    assert "STARTTLS" in stage.diagnosis.summary + stage.diagnosis.advice
    assert "AUTH" not in relay.verbs




@pytest.mark.parametrize("port25", [False, True])
async def test_connect_timeout_and_the_port_25_hint(config_for: ConfigFor, port25: bool) -> None:
    host, port = ("127.0.0.25", 25) if port25 else ("127.0.0.1", 0)
    try:
        listener, fillers = unanswering_listener(host, port)
    except OSError as exc:  # port 25 needs root and a free address
        pytest.skip(f"cannot listen on {host}:{port}: {exc}")
    try:
        report = await probe(config_for(listener.getsockname()[1], host=host, timeout=1.0))
    finally:
        for s in (listener, *fillers):
            s.close()
    stage = failed(report)
    assert stage.stage == "connect" and stage.diagnosis.layer == "network"
    text = stage.diagnosis.summary + stage.diagnosis.advice
    assert ("port 25" in text and "blocked" in text) is port25
    assert "587" in text


async def test_a_server_echoing_credentials_never_gets_them_stored(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    """A hostile or buggy server repeats the password and the AUTH payload back."""
    async def echo(conn: Conn) -> None:
        await conn.send("220 echo.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-echo.test", "250 AUTH PLAIN")
            elif verb == "AUTH":
                await conn.send(f"535 5.7.8 you sent {line} i.e. password {CANARY}")
            else:
                await conn.send("221 bye")
                return

    server = await raw_server(echo)
    report = await probe(config_for(server.port, tls="none", allow_plaintext_auth=True,
                                    auth="plain"))
    stage = failed(report)  # asserts the canary is absent from the whole JSON
    payload = [line for line in server.received if line.startswith("AUTH PLAIN ")][0][11:]
    everything = json.dumps(report.to_json()) + repr(report)
    assert payload not in everything and CANARY not in everything
    assert "<redacted>" in stage.replies[-1].text


@pytest.mark.parametrize(("mech", "has"), [("xoauth2", "password"), ("plain", "token")])
async def test_a_forced_mechanism_without_its_credential_sends_nothing(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor,
        mech: str, has: str) -> None:
    from smtptui.probe.config import Secret

    relay = await relay_factory(starttls=server_ctx,
                                auth_mechanisms=("PLAIN", "LOGIN", "XOAUTH2"))
    creds = ({"password": Secret(CANARY)} if has == "password"
             else {"password": None, "oauth_token": Secret(CANARY)})
    report = await probe(config_for(relay.port, auth=mech, **creds))
    stage = failed(report)
    assert stage.stage == "auth" and "AUTH" not in relay.verbs


async def test_insecure_still_warns_about_an_expired_certificate(
        relay_factory: RelayFactory, bad_certs: dict[str, ssl.SSLContext],
        config_for: ConfigFor) -> None:
    relay = await relay_factory(starttls=bad_certs["expired"])
    report = await probe(config_for(relay.port, insecure=True, cafile=None))
    assert report.ok
    assert any("expired 3 days ago" in w for w in report.warnings)


async def test_silent_port_says_the_tls_sniff_failed_too(raw_server: RawFactory,
                                                         config_for: ConfigFor,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import smtptui.probe.sniff

    monkeypatch.setattr(smtptui.probe.sniff, "HANDSHAKE_TIMEOUT", 0.5)  # a silent TLS peer
    server = await raw_server(lambda conn: conn.until_eof())
    report = await probe(config_for(server.port, timeout=2.5))
    stage = failed(report)
    notes = [w.text for w in report.transcript if w.direction == "*"]
    assert any("TLS handshake failed too" in n for n in notes)
    assert "failed too" in stage.diagnosis.summary
    assert "not an implicit-TLS port" in stage.diagnosis.advice
    assert "--tls implicit" not in stage.diagnosis.advice


async def test_an_unreadable_secret_stops_at_auth_with_the_reason(relay,
                                                                  config_for: ConfigFor) -> None:
    reason = 'profile "Acme": password: environment variable ACME_PW is not set'
    report = await probe(config_for(relay.port, password=None, secret_problem=reason))
    assert [(s.stage, s.status) for s in report.stages][-3:] == [
        ("ehlo", "pass"), ("auth", "fail"), ("quit", "pass")]
    assert report.tls is not None and report.tls.cert is not None
    diagnosis = failed(report).diagnosis
    assert diagnosis.layer == "auth"
    assert "could not be read, so AUTH was not tried" in diagnosis.summary
    assert "ACME_PW is not set" in diagnosis.summary
    assert any(line.text == f"AUTH not tried: {reason}" for line in report.transcript)
    assert "AUTH" not in relay.verbs
