"""Secrets quoted in the shapes an adversarial review found: one character per reply
line across any number of hold windows, on a later connection (greeting, split over
``220-`` lines, or a long piece), and inside a line that never ends."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeFinished, ProbeReport
from smtptui.reports.text import render_text
from tests.conftest import CANARY
from tests.servers import Conn, RawFactory

ConfigFor = Callable[..., ProbeConfig]
Greeting = list[str | bytes]


def shown_by(report: ProbeReport, events: list[object]) -> str:
    return "\n".join([json.dumps(report.to_json()), repr(report), repr(events),
                      render_text(report, verbose=True, color=False)])


def leaked(secret: str, shown: str) -> list[str]:
    """Any run of 4+ characters of the secret in what is shown, with reply codes and
    line breaks taken out (so a secret spread one character per line shows too)."""
    import re

    flat = re.sub(r"(?m)^.*?\d{3}[- ](\d\.\d{1,3}\.\d{1,3} )?", "", shown.replace("\\n", "\n"))
    flat = "".join(flat.split())
    return [secret[i:i + 4] for i in range(len(secret) - 3) if secret[i:i + 4] in flat]


async def probe(raw_server: RawFactory, config_for: ConfigFor, greeting: Greeting,
                auth_answer: list[str], **fields: object) -> tuple[ProbeReport, str]:
    async def handler(conn: Conn) -> None:
        await conn.send(*greeting)
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-echo.test", "250 AUTH PLAIN LOGIN")
            elif verb == "QUIT":
                await conn.send("221 bye")
                return
            else:
                await conn.send(*auth_answer)

    server = await raw_server(handler)
    fields.setdefault("password", Secret(CANARY))
    config = config_for(server.port, tls="none", allow_plaintext_auth=True, auth="plain",
                        **fields)
    events = [event async for event in run_probe(config)]
    final = events[-1]
    assert isinstance(final, ProbeFinished)
    shown = shown_by(final.report, events)
    print(shown)  # the suite's canary check reads it too (whole, encoded, or per line)
    return final.report, shown


@pytest.mark.parametrize("filler", [0, 1, 200, 248, 250, 255, 256, 257, 503, 740, 1000])
@pytest.mark.parametrize("per_line", [1, 3])
async def test_a_secret_echoed_in_small_pieces_per_line_never_shows(
        raw_server: RawFactory, config_for: ConfigFor, filler: int, per_line: int) -> None:
    pieces = [CANARY[i:i + per_line] for i in range(0, len(CANARY), per_line)]
    lines = [f"535-5.7.8 line {i}" for i in range(filler)]
    lines += [f"535-5.7.8 {piece}" for piece in pieces] + ["535 5.7.8 end"]
    report, shown = await probe(raw_server, config_for, ["220 echo.test"], lines)
    assert report.failed_stage is not None and report.failed_stage.stage == "auth"
    assert leaked(CANARY, shown) == []
    assert any(line.text == "535-5.7.8 line 0" for line in report.transcript) or not filler


@pytest.mark.parametrize("greeting", [
    [f"220 mx.test ESMTP {CANARY}"],
    [f"220 mx.test ESMTP {CANARY[:-1]} ready"],
    [f"220-{CANARY[:8]}", f"220 {CANARY[8:]}"],
    [f"220-mx {CANARY[:5]}", f"220-{CANARY[5:11]}", f"220 {CANARY[11:]} ESMTP"],
    [*(f"220-{c}" for c in CANARY), "220 ready"],
])
async def test_a_secret_quoted_before_auth_never_shows(
        raw_server: RawFactory, config_for: ConfigFor, greeting: Greeting) -> None:
    report, shown = await probe(raw_server, config_for, greeting, ["535 5.7.8 no"],
                                stop_after="ehlo")
    assert leaked(CANARY, shown) == []
    assert report.stages[0].stage in ("resolve", "connect", "greeting")


@pytest.mark.parametrize("offset", [0, 150, 185, 192, 195, 199, 1990, 7990, 7995, 8100])
async def test_a_secret_in_a_line_that_never_ends_never_shows(
        raw_server: RawFactory, config_for: ConfigFor, offset: int) -> None:
    data = b"x" * offset + CANARY.encode() + b"y" * 50
    report, shown = await probe(raw_server, config_for, [data], [], timeout=0.5)
    assert report.failed_stage is not None
    assert leaked(CANARY, shown) == []
    assert any("bytes without a line end" in line.text for line in report.transcript)


@pytest.mark.parametrize("offset", [0, 1990, 7990, 7995])
async def test_a_secret_in_a_very_long_line_never_shows(
        raw_server: RawFactory, config_for: ConfigFor, offset: int) -> None:
    line = "220 " + "x" * offset + CANARY + "y" * 9000
    report, shown = await probe(raw_server, config_for, [line], ["535 5.7.8 no"],
                                stop_after="ehlo", timeout=2.0)
    assert leaked(CANARY, shown) == []


def learning_server(split: Callable[[str], list[str]]) -> Callable[[Conn], object]:
    """A server that learns the password from AUTH PLAIN on one connection and quotes
    it on every later one, in its greeting, shaped by ``split``."""
    learned: list[str] = []

    async def handler(conn: Conn) -> None:
        import base64

        await conn.send(*(split(learned[0]) if learned else ["220 mx.test ESMTP"]))
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-mx.test", "250 AUTH PLAIN")
            elif verb == "AUTH":
                learned.append(base64.b64decode(line.split()[2]).split(b"\0")[2].decode())
                await conn.send("235 2.7.0 ok")
            elif verb == "QUIT":
                await conn.send("221 bye")
                return
            else:
                await conn.send("250 ok")

    return handler


SPLITS: dict[str, Callable[[str], list[str]]] = {
    "whole": lambda pw: [f"220 mx.test {pw}"],
    "two 220- lines": lambda pw: [f"220-mx.test {pw[:8]}", f"220 {pw[8:]} ESMTP"],
    "one char per line": lambda pw: [*(f"220-{c}" for c in pw), "220 ESMTP"],
    "all but one char": lambda pw: [f"220 mx.test {pw[1:]} ESMTP"],
}


@pytest.mark.parametrize("shape", SPLITS)
async def test_a_secret_learned_on_one_connection_never_shows_on_the_next(
        raw_server: RawFactory, shape: str, tmp_path: object,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Two real ``compare --runs 2 --json`` invocations of one profile: the second
    connection's greeting quotes the password the first one sent."""
    import asyncio
    import os
    import sys

    server = await raw_server(learning_server(SPLITS[shape]))
    profiles = f"{tmp_path}/profiles.toml"
    with open(profiles, "w", encoding="utf-8") as file:
        file.write(f'[[profile]]\nname = "A"\nhost = "127.0.0.1"\nport = {server.port}\n'
                   'tls = "none"\nallow_plaintext_auth = true\nusername = "u"\n'
                   'password = { env = "SMTP_PW" }\nauth = "plain"\ntimeout = 5.0\n')
    os.chmod(profiles, 0o600)
    for args in (["probe", "A", "-v"], ["compare", "A", "A", "--runs", "2", "--json"]):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "smtptui", *args, "--profiles", profiles,
            env={**os.environ, "SMTP_PW": CANARY, "NO_COLOR": "1"},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        print(out.decode(), err.decode())  # the suite's canary check reads this too
        assert leaked(CANARY, out.decode() + err.decode()) == [], args
        assert "Traceback" not in err.decode()
    assert server.connections >= 3  # the secret was learned, then quoted back


async def test_unit_quote_guard_finds_every_split_and_releases_the_rest() -> None:
    """Random splits of a secret between filler lines, at every hold limit: no piece of
    the secret shows; lines that carry none of it show unchanged."""
    import random

    from smtptui.probe.quotes import QuoteGuard
    from smtptui.probe.redact import REDACTED, Redactor

    rng = random.Random(10)
    for secret in (CANARY, "short-pw", "x" * 2 + "Long-Token-" * 9):
        for limit in (1, 2, 7, 256):
            for _round in range(40):
                count = rng.randint(0, min(8, len(secret) - 1))
                cuts = sorted(rng.sample(range(1, len(secret)), count))
                pieces = [secret[a:b] for a, b in zip([0, *cuts], [*cuts, len(secret)],
                                                      strict=True)]
                lines = [f"filler {i}" for i in range(rng.randint(0, 600))]
                at = rng.randint(0, len(lines))
                lines[at:at] = pieces
                guard = QuoteGuard(Redactor([secret]), limit=limit)
                shown = [h.shown for line in lines for h in guard.feed(line, "", line, 0)]
                shown += [h.shown for h in guard.release()]
                assert len(shown) == len(lines)
                joined = "".join("".join(shown).split())
                assert all(secret[i:i + 4] not in joined.replace("filler", "")
                           for i in range(len(secret) - 3)), (secret, pieces)
                assert all(s in (line, REDACTED) for s, line in zip(shown, lines,
                                                                   strict=True))
                if limit == 256:
                    assert shown[0] == lines[0] or at == 0


async def test_a_secret_in_the_servers_certificate_never_shows(
        ca: object, relay_factory: object, config_for: ConfigFor) -> None:
    """Certificate names are server text too: a server that learned the password may
    put it in the certificate it presents on the next connection."""
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", "127.0.0.1", f"{CANARY.lower()}.example.test",  # type: ignore[attr-defined]
                  organization_unit_name=f"unit {CANARY.lower()}").configure_cert(ctx)
    relay = await relay_factory(starttls=ctx)  # type: ignore[operator]
    events = [e async for e in run_probe(config_for(relay.port, stop_after="tls",
                                                    password=Secret(CANARY.lower())))]
    final = events[-1]
    assert isinstance(final, ProbeFinished)
    shown = shown_by(final.report, events)
    assert leaked(CANARY.lower(), shown.lower()) == []
    assert final.report.tls is not None and final.report.tls.cert is not None
    assert "<redacted>" in final.report.tls.cert.subject
