"""Secrets quoted across the lines of a connection, in pieces of any size.

A server may spread a secret over its reply lines: one character per line, a few per
line, over any number of lines. :class:`QuoteGuard` follows the text of every server
line of one connection, from its first byte, joined without whitespace (reply codes
left out), and holds each line back only while a quote still to come could include its
characters. So whatever
the reply's length or split, the lines carrying a quote are released as
``<redacted>``; the decision never depends on where a batch of lines ends. (A line is
held until the reply ends or enough text follows it to rule a quote in or out.)

Lines are held at most :data:`HOLD_LIMIT` at a time; past that, the oldest is
released, and as ``<redacted>`` if a quote could still include it.
"""

from __future__ import annotations

from collections import deque

from smtptui.probe.redact import REDACTED, Redactor, squeeze
from smtptui.probe.sanitize import clean

HOLD_LIMIT = 256
"""Server lines held back at most."""


class Held:
    """One server line waiting; ``start``/``end`` index its characters in the text.
    (A plain class: ``quoted`` changes while it waits, and the probe's start-up path
    does not import :mod:`dataclasses`.)"""

    __slots__ = ("text", "prefix", "t_ms", "start", "end", "quoted", "raw")

    def __init__(self, text: str, prefix: str, t_ms: float, start: int, end: int,
                 quoted: bool = False, raw: str = "") -> None:
        self.text, self.prefix, self.t_ms = text, prefix, t_ms
        self.start, self.end, self.quoted = start, end, quoted
        self.raw = raw
        """The line as received, secrets already replaced, before cleaning or cutting."""

    @property
    def shown(self) -> str:
        return f"{clean(self.prefix)}{REDACTED}" if self.quoted else self.text


class QuoteGuard:
    """Holds one connection's server lines until no quote can still include them."""

    def __init__(self, redactor: Redactor, limit: int = HOLD_LIMIT) -> None:
        self._redactor = redactor
        self._limit = limit
        self._held: deque[Held] = deque()
        self._tail = ""
        """The last characters of the text (enough to find a quote ending later)."""
        self._pos = 0
        """Characters of text seen so far on this connection."""

    def feed(self, text: str, prefix: str, body: str, t_ms: float, raw: str = ""
             ) -> list[Held]:
        """Add a line (``body`` is the part that may quote, ``prefix`` the reply code
        kept in view); return the lines that can now be shown, in order."""
        find = self._redactor.squeezed()
        if not find.secrets:  # nothing to look for: nothing to hold
            return [*self.release(), Held(text, prefix, t_ms, self._pos, self._pos, raw=raw)]
        chars = squeeze(body)
        entry = Held(text, prefix, t_ms, self._pos, self._pos + len(chars), raw=raw)
        self._held.append(entry)
        self._pos = entry.end
        self._tail += chars
        base = self._pos - len(self._tail)
        for start, end in find.spans(self._tail):
            self._mark(base + start, base + end)
        keep = max(find.window - 1, 0)
        # A quote still to come can include at most the last `keep` characters: lines
        # before them are safe. Only when forced to show a line among them is it worth
        # asking how many of them really read as the start of a quote.
        safe = self._pos - min(keep, len(self._tail))
        out: list[Held] = []
        while self._held and self._held[0].end <= safe:
            out.append(self._held.popleft())
        if len(self._held) > self._limit:
            safe = self._pos - find.quotes_end_of(self._tail, keep)
            while len(self._held) > self._limit:
                first = self._held.popleft()
                first.quoted = first.quoted or first.end > safe
                out.append(first)
        self._tail = self._tail[-keep:] if keep else ""
        return out

    def release(self) -> list[Held]:
        """Every line held (the reply is complete or cut short). The text stays
        remembered: a quote continued in a later reply is still found there."""
        out = list(self._held)
        self._held.clear()
        return out

    def _mark(self, start: int, end: int) -> None:
        for held in self._held:
            if held.start < end and held.end > start:
                held.quoted = True
