"""Reply codes are exactly three digits followed by a space, ``-`` or the line end
(RFC 5321 section 4.2); anything else fails the stage with a diagnosis that quotes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeFinished, ProbeReport
from tests.servers import Conn, RawFactory

ConfigFor = Callable[..., ProbeConfig]


async def probe_until_ehlo(raw_server: RawFactory, config_for: ConfigFor,
                           greeting: tuple[str, ...], ehlo: tuple[str, ...],
                           bye: str = "221 bye") -> ProbeReport:
    """Probe a server that greets with ``greeting`` and answers EHLO with ``ehlo``."""
    async def handler(conn: Conn) -> None:
        await conn.send(*greeting)
        while line := await conn.readline():
            if line.upper().startswith("EHLO"):
                await conn.send(*ehlo)
            else:
                await conn.send(bye)
                return

    server = await raw_server(handler)
    final = [e async for e in run_probe(config_for(server.port, tls="none", username=None,
                                                   password=None, stop_after="ehlo"))][-1]
    assert isinstance(final, ProbeFinished)
    return final.report


@pytest.mark.parametrize(("greeting", "ehlo"), [
    ("220 ok", ("2500 weird",)),
    ("220 ok", ("250-first", "2500 weird")),
    ("220 ok", ("250-first", "25- second", "250 last")),
    ("220 ok", ("+35-x", "250 last")),
    ("220 ok", (" 250 padded",)),
    ("220 ok", ("250\tTAB",)),
    ("2200 hello", ("250 ok",)),
])
async def test_a_reply_code_that_is_not_three_digits_then_a_separator_fails(
        raw_server: RawFactory, config_for: ConfigFor, greeting: str,
        ehlo: tuple[str, ...]) -> None:
    report = await probe_until_ehlo(raw_server, config_for, (greeting,), ehlo)
    failed = report.failed_stage
    bad = next(line for line in (greeting, *ehlo) if line not in ("220 ok", "250-first"))
    assert failed is not None and failed.stage == ("greeting" if bad == greeting else "ehlo")
    assert failed.diagnosis is not None and failed.diagnosis.layer == "protocol"
    assert bad.replace("\t", " ") in failed.diagnosis.summary
    assert not report.ok


async def test_three_digit_codes_with_every_allowed_separator_pass(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    report = await probe_until_ehlo(raw_server, config_for, ("220-mx.test", "220"),
                                    ("250-mx.test", "250-SIZE 1000", "250 8BITMIME"), "221")
    assert report.failed_stage is None


async def test_an_escaped_extension_keyword_keeps_its_escape_when_upper_cased(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    report = await probe_until_ehlo(raw_server, config_for, ("220 ok",), (
        "250-mx.test", "250-\x1bx1 param", "250-auth plain \u202egin", "250 size 10"))
    ext = report.extensions
    assert "\\x1bX1" in ext and "\\X1B" not in str(ext)
    assert ext["AUTH"] == "PLAIN \\u202eGIN" and ext["SIZE"] == "10"
