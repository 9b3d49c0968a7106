"""Issue 11 items 2, 3, 4, 6, 7: a reply or a silence means what the stage it answers
says — STARTTLS refusals, silent ports, certificate names and one clause per fact."""

from __future__ import annotations

import pytest

from smtptui.probe.engine import probe
from tests.conftest import make_config
from tests.postfix_like import postfix_dialogue
from tests.servers import Conn, Handler, RawFactory

EHLO = ("250-mx.test.local", "250-PIPELINING", "250-SIZE 10240000", "250-STARTTLS",
        "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250 8BITMIME")


def refusing_starttls(reply: str) -> Handler:
    async def answer(conn: Conn, verb: str, line: str) -> bool | None:
        if verb == "EHLO":
            await conn.send(*EHLO)
        elif verb == "STARTTLS":
            await conn.send(reply)
            return not reply.startswith("421")  # 421: the server hangs up
        else:
            return None
        return True
    return postfix_dialogue(answer, "220 mx.test.local ESMTP Postfix")


@pytest.mark.parametrize(("reply", "layer", "words"), [
    ("454 4.7.0 TLS not available due to local problem", "tls", "its own TLS setup is broken"),
    ("421 4.7.0 mx.test.local Error: too many errors", "tls",
     "closed the session instead of starting TLS"),
    ("535 5.7.8 Error: authentication failed", "protocol", "no credentials were sent yet"),
])
async def test_a_refused_starttls_is_the_servers_tls_problem(
        raw_server: RawFactory, reply: str, layer: str, words: str) -> None:
    server = await raw_server(refusing_starttls(reply))
    report = await probe(make_config(server.port, tls="starttls", mail_from="a@test.local",
                                     rcpt_to=("b@test.local",)))
    failed = report.failed_stage
    assert failed is not None and failed.stage == "starttls"
    assert failed.diagnosis is not None and failed.diagnosis.layer == layer
    assert words in failed.diagnosis.summary
    assert "retry in a few minutes" not in failed.diagnosis.advice.lower()
    assert "AUTH" not in server.verbs and "MAIL" not in server.verbs
    if reply.startswith("454"):
        assert "AUTH and mail were not sent" in failed.diagnosis.advice


async def silent(conn: Conn) -> None:
    await conn.until_eof()  # accepts, never speaks (neither SMTP nor TLS)


async def test_a_silent_port_is_not_called_implicit_tls(raw_server: RawFactory) -> None:
    server = await raw_server(silent)
    report = await probe(make_config(server.port, timeout=1.2, stop_after="ehlo"))
    failed = report.failed_stage
    assert failed is not None and failed.stage == "greeting" and failed.diagnosis
    summary, advice = failed.diagnosis.summary, failed.diagnosis.advice
    assert "got no answer either" in summary
    assert "--tls implicit" not in advice and "not an implicit-TLS port" in advice
    assert "firewall, load balancer" in advice and "wrong port" in advice
    assert summary.count("1.2 s") == 1 and "in time" not in summary  # one clause per fact
    assert server.connections == 2  # the greeting wait and the TLS handshake


@pytest.mark.parametrize("timeout", [0.6, 1.0])
async def test_implicit_tls_is_recognised_at_short_timeouts(
        raw_server: RawFactory, server_ctx, timeout: float) -> None:  # type: ignore[no-untyped-def]
    async def implicit(conn: Conn) -> None:
        await conn.send("220 mx.test.local ESMTP")
        await conn.until_eof()

    server = await raw_server(implicit, ssl=server_ctx)
    report = await probe(make_config(server.port, tls="starttls", timeout=timeout,
                                     stop_after="ehlo"))
    failed = report.failed_stage
    assert failed is not None and failed.diagnosis is not None
    assert failed.diagnosis.kind == "greeting_timeout_implicit_tls"
    assert "--tls implicit" in failed.diagnosis.advice


async def test_an_expired_certificate_is_said_once(relay_factory, bad_certs,  # type: ignore[no-untyped-def]
                                                   config_for) -> None:
    relay = await relay_factory(starttls=bad_certs["expired"])
    report = await probe(config_for(relay.port, stop_after="tls"))
    failed = report.failed_stage
    assert failed is not None and failed.diagnosis is not None
    assert failed.diagnosis.kind == "tls_expired"
    assert failed.diagnosis.summary.lower().count("expired") == 1, failed.diagnosis.summary


@pytest.mark.parametrize("problem", ["unknown_ca", "expired", "self_signed"])
async def test_a_certificate_problem_names_the_name_tls_checked(
        relay_factory, bad_certs, config_for, problem: str) -> None:  # type: ignore[no-untyped-def]
    relay = await relay_factory(starttls=bad_certs[problem])
    report = await probe(config_for(relay.port, stop_after="tls", servername="localhost"))
    failed = report.failed_stage
    assert failed is not None and failed.diagnosis is not None
    summary = failed.diagnosis.summary
    assert "localhost" in summary and "127.0.0.1" not in summary, summary
