"""The opt-in open-relay check: will this MX accept mail for a domain that is not its own?

After EHLO, ``MAIL FROM:<probe@example.invalid>`` and ``RCPT TO`` an outside address
(RFC 2606 names), then the classic ways around broken relay rules (percent hack, source
route, quoted local parts, bang path). ``RSET`` between tries; never ``DATA``; ``QUIT``.
A 2xx to any RCPT names the server an open relay, with the variant; only a 5xx to every
variant says it is not one (a 4xx, such as greylisting, tells nothing).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from smtptui.dnscheck.model import JsonMixin
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.handshake import READ_LIMIT, close_writer, read_reply

SENDER = "probe@example.invalid"
OUTSIDE = "probe@example.net"


def variants(domain: str) -> tuple[tuple[str, str], ...]:
    """(label, RCPT address) for the receiving ``domain``."""
    return (
        ("plain", OUTSIDE),
        ("percent hack", f"probe%example.net@{domain}"),
        ("source route", f"@{domain}:{OUTSIDE}"),
        ("quoted local part", f'"{OUTSIDE}"'),
        ("quoted local part at the domain", f'"{OUTSIDE}"@{domain}'),
        ("bang path", f"example.net!probe@{domain}"),
    )


@dataclass(frozen=True)
class RelayTry(JsonMixin):
    variant: str
    rcpt: str
    code: int
    reply: str

    @property
    def accepted(self) -> bool:
        return 200 <= self.code < 300

    @property
    def refused(self) -> bool:
        """A permanent refusal; a 4xx (greylisting, rate limits) is no answer."""
        return 500 <= self.code < 600


@dataclass(frozen=True)
class RelayCheck(JsonMixin):
    tries: tuple[RelayTry, ...]
    error: str | None = None
    """Why the check could not be completed (a sender refusal, a dropped connection)."""

    @property
    def open_variants(self) -> tuple[str, ...]:
        return tuple(t.variant for t in self.tries if t.accepted)

    @property
    def unanswered(self) -> tuple[RelayTry, ...]:
        """Tries neither accepted nor refused for good (4xx, garbage)."""
        return tuple(t for t in self.tries if not t.accepted and not t.refused)


async def check_open_relay(address: str, port: int, domain: str, *,
                           timeout: float = 10.0) -> RelayCheck:
    """Run the variants on one connection to ``address``; bounded by ``timeout`` overall."""
    tries: list[RelayTry] = []
    try:
        await asyncio.wait_for(_session(address, port, domain, tries), timeout)
    except TimeoutError:
        return RelayCheck(tuple(tries), f"no answer within {timeout:g} s")
    except _Stopped as exc:
        return RelayCheck(tuple(tries), str(exc))
    except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
        return RelayCheck(tuple(tries), clean(str(exc) or type(exc).__name__, 200))
    return RelayCheck(tuple(tries))


class _Stopped(Exception):
    pass


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def _session(address: str, port: int, domain: str, tries: list[RelayTry]) -> None:
    reader, writer = await asyncio.open_connection(address, port, limit=READ_LIMIT)

    async def say(line: str) -> tuple[int, str]:
        if "\r" in line or "\n" in line:  # one command per line: nothing smuggled (DATA)
            raise _Stopped(f"refused to send a command with a line break in it: "
                           f"{clean(line, 120)}")
        writer.write(line.encode() + b"\r\n")
        code, text = await read_reply(reader)
        return code, clean(" ".join(text), 200)

    try:
        code, _ = await read_reply(reader)
        if code != 220:
            raise _Stopped(f"greeting {code}")
        try:
            code, _ = await say("EHLO smtptui.invalid")
            if code != 250:
                code, _ = await say("HELO smtptui.invalid")
            for label, rcpt in variants(domain):
                code, text = await say(f"MAIL FROM:<{SENDER}>")
                if code // 100 != 2:
                    raise _Stopped(f"MAIL FROM:<{SENDER}> refused ({code} {text}): the relay "
                                   "test needs a sender the server takes")
                code, text = await say(f"RCPT TO:<{rcpt}>")
                tries.append(RelayTry(label, rcpt, code, text))
                await say("RSET")
        finally:  # a polite end, also after a refusal (not after a timeout: no one listens)
            if not writer.is_closing() and not _cancelling():
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(say("QUIT"), 2.0)
    finally:
        await close_writer(writer)
