"""Servers that echo credentials back in every shape we know of: whole, cut to a piece,
spread over reply lines, re-encoded, wrapped in control characters, or quoted before we
sent them. No piece of a secret may reach the report, its text rendering or the events."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable

from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeFinished, ProbeReport
from smtptui.probe.redact import MIN_RUN
from smtptui.reports.text import render_text
from tests.servers import Conn, RawFactory

ConfigFor = Callable[..., ProbeConfig]
Answer = Callable[[str], list[str]]

# An OAuth access token as long as real ones (Microsoft's run to 2,000+ characters).
TOKEN = "ya29." + "".join(
    base64.urlsafe_b64encode(hashlib.sha256(str(i).encode()).digest()).decode()[:40]
    for i in range(60))


def echo_server(answer: Answer, mechs: str = "PLAIN LOGIN XOAUTH2") -> Callable[[Conn], object]:
    """Plain SMTP; every AUTH line (and LOGIN answer) gets ``answer(line)`` back."""
    async def handler(conn: Conn) -> None:
        await conn.send("220 echo.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-echo.test", f"250 AUTH {mechs}")
            elif verb == "QUIT":
                await conn.send("221 bye")
                return
            else:
                await conn.send(*answer(line))

    return handler


async def run(raw_server: RawFactory, config_for: ConfigFor, answer: Answer,
              **fields: object) -> tuple[ProbeReport, str, list[str]]:
    """Probe the echoing server; return the report, everything it shows, and the lines
    the server received."""
    server = await raw_server(echo_server(answer))
    config = config_for(server.port, tls="none", allow_plaintext_auth=True, **fields)
    events = [event async for event in run_probe(config)]
    final = events[-1]
    assert isinstance(final, ProbeFinished)
    report = final.report
    shown = "\n".join([json.dumps(report.to_json()), repr(report), repr(events),
                       render_text(report, verbose=True, color=False)])
    return report, shown, server.received


def pieces_of(secret: str, text: str) -> list[str]:
    """Runs of MIN_RUN characters of ``secret`` found in ``text``."""
    return [secret[i:i + MIN_RUN] for i in range(len(secret) - MIN_RUN + 1)
            if secret[i:i + MIN_RUN] in text]


async def test_a_long_oauth_payload_echoed_whole_leaves_no_piece(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    report, shown, received = await run(
        raw_server, config_for,
        lambda line: [f"504 5.5.4 Unrecognized authentication type: {line}"],
        auth="xoauth2", password=None, oauth_token=Secret(TOKEN))
    payload = received[1].split(" ", 2)[2]
    assert len(payload) > 2000  # longer than a transcript line is kept
    assert report.failed_stage is not None and report.failed_stage.stage == "auth"
    assert pieces_of(TOKEN, shown) == [] and pieces_of(payload, shown) == []
    assert "<redacted>" in report.failed_stage.replies[-1].text


async def test_a_piece_of_the_token_in_an_error_is_removed(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    report, shown, _ = await run(
        raw_server, config_for,
        lambda _line: [f"535 5.7.8 token {TOKEN[40:140]}… rejected"],
        auth="xoauth2", password=None, oauth_token=Secret(TOKEN))
    assert pieces_of(TOKEN, shown) == []
    assert report.failed_stage is not None
    assert report.failed_stage.replies[-1].text == "token <redacted>… rejected"


async def test_a_password_spread_over_reply_lines_is_removed_everywhere(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    password = "S3cr3t-P@ss w0rd!"
    first, second = password.split(" ")
    report, shown, _ = await run(
        raw_server, config_for, lambda _line: [f"535-5.7.8 {first}", f"535 5.7.8 {second}"],
        auth="plain", password=Secret(password))
    assert first not in shown and second not in shown and password not in shown
    failed = report.failed_stage
    assert failed is not None and failed.replies[-1].text == "<redacted>"
    assert failed.diagnosis is not None and failed.diagnosis.layer == "auth"


async def test_a_password_with_control_characters_is_removed_before_escaping(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    password = "tab\there\x1b[0m"
    report, shown, _ = await run(raw_server, config_for,
                                 lambda _line: [f"535 5.7.8 pw is {password}"],
                                 auth="plain", password=Secret(password))
    assert "tab here" not in shown and "tab\\x09here" not in shown
    assert report.failed_stage is not None
    assert report.failed_stage.replies[-1].text == "pw is <redacted>"


async def test_a_challenge_quoting_the_encoded_password_before_it_was_sent(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    password = "Login-Challenge-Pw"
    encoded = base64.b64encode(password.encode()).decode()
    report, shown, received = await run(
        raw_server, config_for,
        lambda line: ([f"334 {encoded}"] if line.upper() == "AUTH LOGIN"
                      else ["535 5.7.8 no"]),
        auth="login", password=Secret(password))
    assert received[1] == "AUTH LOGIN"  # the server quoted it before any payload was sent
    assert encoded not in shown and password not in shown
    assert any(line.text == "334 <redacted>" for line in report.transcript)


async def test_unit_redactor_finds_pieces_wherever_they_start() -> None:
    from smtptui.probe.redact import REDACTED, Redactor

    secret = "0123456789abcdefghijKLMNOPQRST"
    redact = Redactor([secret])
    for start in range(len(secret) - MIN_RUN + 1):
        piece = secret[start:start + MIN_RUN]
        for prefix in ("", "x", "xy z", "pad-to-shift "):
            assert redact(f"{prefix}{piece} tail") == f"{prefix}{REDACTED} tail"
    short = secret[:MIN_RUN - 1]  # shorter pieces are ordinary text
    assert redact(f"--{short}--") == f"--{short}--"
    assert redact("ab") == "ab" and Redactor(["ab"])("ab") == "ab"  # too short to look for


async def test_short_pieces_of_the_password_over_two_lines_are_removed(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    password = "Wrapped-Password-12345"
    first, second = password[:9], password[9:18]  # each shorter than a piece alone
    report, shown, _ = await run(
        raw_server, config_for, lambda _line: [f"535-5.7.8 {first}", f"535 5.7.8 {second}"],
        auth="plain", password=Secret(password))
    assert first not in shown and second not in shown


async def test_the_token_quoted_inside_a_base64_challenge_is_removed(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    """The OAuth error challenge is base64 JSON; the token sits at any alignment in it."""
    for prefix in ('{"status":"401","token":"', '{"s":"1","token":"', '{"token":"'):
        blob = base64.b64encode(f'{prefix}{TOKEN}"}}'.encode()).decode()
        report, shown, _ = await run(
            raw_server, config_for,
            lambda line, blob=blob: ([f"334 {blob}"] if line.upper().startswith("AUTH")
                                     else ["535 5.7.8 no"]),
            auth="xoauth2", password=None, oauth_token=Secret(TOKEN))
        decoded = [base64.b64decode(word + "==", validate=False).decode("latin-1")
                   for line in report.transcript for word in line.text.split()
                   if len(word) > 40]
        assert not any(pieces_of(TOKEN, d) for d in decoded), prefix
        assert pieces_of(TOKEN, shown) == []


async def test_a_secret_split_where_a_long_reply_is_recorded_in_parts(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    from smtptui.probe.quotes import HOLD_LIMIT

    password = "S3cr3t-P@ss w0rd!"
    first, second = password.split(" ")
    filler = [f"535-5.7.8 line {i}" for i in range(HOLD_LIMIT - 1)]
    report, shown, _ = await run(
        raw_server, config_for,
        lambda _line: [*filler, f"535-5.7.8 {first}", f"535-5.7.8 {second}", "535 5.7.8 end"],
        auth="plain", password=Secret(password))
    assert first not in shown and second not in shown


async def test_a_line_aiosmtplib_reads_as_a_continuation_is_held_too(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    password = "S3cr3t-P@ss w0rd!"
    first, second = password.split(" ")
    report, shown, _ = await run(
        raw_server, config_for, lambda _line: [f"+35-{first}", f"535 {second}"],
        auth="plain", password=Secret(password))
    assert first not in shown and second not in shown


async def test_the_transcript_keeps_wire_order_around_stray_lines(
        raw_server: RawFactory, config_for: ConfigFor) -> None:
    async def stray(conn: Conn) -> None:
        await conn.send("220 hi", "250-stray")
        while line := await conn.readline():
            if line.startswith("EHLO"):
                await conn.send("250-echo.test", "250 SIZE 1")
            else:
                await conn.send("221 bye")
                return

    server = await raw_server(stray)
    report = [e async for e in run_probe(config_for(server.port, tls="none", username=None,
                                                    password=None, stop_after="ehlo"))][-1]
    assert isinstance(report, ProbeFinished)
    times = [line.t_ms for line in report.report.transcript]
    assert times == sorted(times)
    texts = [line.text for line in report.report.transcript]
    assert texts.index("250-stray") < texts.index("EHLO [127.0.0.1]")
