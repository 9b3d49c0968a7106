"""Issue 11 items 2, 3, 4, 6, 7: a reply or a silence means what the stage it answers
says — STARTTLS refusals, silent ports, certificate names and one clause per fact."""

from __future__ import annotations

import pytest

from smtptui.probe.engine import probe
from tests.conftest import make_config
from tests.servers import Conn, RawFactory

EHLO = ("250-mx.test.local", "250-PIPELINING", "250-SIZE 10240000", "250-STARTTLS",
        "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES", "250 8BITMIME")


def refusing_starttls(reply: str):  # type: ignore[no-untyped-def]
    async def handler(conn: Conn) -> None:
        await conn.send("220 mx.test.local ESMTP Postfix")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send(*EHLO)
            elif verb == "STARTTLS":
                await conn.send(reply)
                if reply.startswith("421"):
                    return
            elif verb == "QUIT":
                await conn.send("221 2.0.0 Bye")
                return
            else:
                await conn.send("502 5.5.2 Error: command not recognized")
    return handler


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
