"""Helpers for the verdict tests: the real CLI in-process, and raw servers that answer
like Postfix (texts as a real Postfix 3.7 sends them)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from smtptui import cli
from tests.conftest import CANARY
from tests.servers import Conn, Handler

Answer = Callable[[Conn, str, str], Awaitable[bool | None]]
"""``(conn, verb, line)`` -> None: not handled here (QUIT gets 221, anything else 502);
True: answered; False: answered, and the server hangs up."""


def cli_env(monkeypatch: pytest.MonkeyPatch, *commands: str) -> None:
    """Only these subcommands (their siblings are tested alone), the test secrets set."""
    monkeypatch.setattr(cli, "SUBCOMMANDS", commands)
    monkeypatch.setenv("SMTP_PW", CANARY)
    monkeypatch.setenv("OAUTH_TOK", "tok-" + CANARY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SMTPTUI_PROFILES", raising=False)


async def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The real CLI in-process (in a thread: the servers keep running on this loop)."""
    code = await asyncio.to_thread(cli.main, list(argv))
    out, err = capsys.readouterr()
    assert CANARY not in out + err and "Traceback" not in err
    return code, out, err


def postfix_dialogue(answer: Answer,
                     banner: str = "220 mx.test.local ESMTP Postfix (Debian/GNU)") -> Handler:
    """A Postfix-like session: the banner, then each command through ``answer``."""
    async def handler(conn: Conn) -> None:
        await conn.send(banner)
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            handled = await answer(conn, verb, line)
            if handled is False:
                return
            if handled:
                continue
            if verb == "QUIT":
                await conn.send("221 2.0.0 Bye")
                return
            await conn.send("502 5.5.2 Error: command not recognized")
    return handler
