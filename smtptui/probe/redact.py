"""Keep credentials out of everything the engine stores or shows.

A server may echo what it was sent: the password, an AUTH payload, or just a long piece
of an OAuth token inside an error message — and it may do so on any connection, from
its first byte (it may have learned the secret on an earlier one). :class:`Redactor`
replaces, in untrusted text *before* it is cleaned or cut to length:

- every whole secret (and every encoding of it registered with :meth:`Redactor.add`);
- every run of :data:`MIN_RUN` or more characters copied from a secret that long.

Secrets shorter than :data:`MIN_SECRET` characters cannot be told apart from ordinary
text and are not looked for (smtptui itself never writes any secret, whatever its length).
A secret spread over several lines is the job of :class:`smtptui.probe.quotes.QuoteGuard`.
"""

from __future__ import annotations

REDACTED = "<redacted>"
MIN_SECRET = 3
GRAM = 8
"""Length of the pieces looked up; windows are tried every ``GRAM`` characters."""
MIN_RUN = 2 * GRAM - 1
"""Copied runs this long always contain a whole window, so they are always found."""

Span = tuple[int, int]


def squeeze(text: str) -> str:
    """``text`` without any whitespace: how a quote spread over lines is compared."""
    return "".join(text.split())


class Redactor:
    """Replaces secrets, whole or in long pieces, by ``<redacted>``."""

    def __init__(self, secrets: tuple[str, ...] | list[str] = ()) -> None:
        self._whole: list[str] = []
        self._grams: set[str] = set()
        self._long: list[str] = []
        """Secrets long enough for pieces whose windows are not in ``_grams`` yet."""
        self._squeezed: Redactor | None = None
        self.add(*secrets)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every text looked for whole, longest first."""
        return tuple(self._whole)

    @property
    def window(self) -> int:
        """Characters that always suffice to find a quote: a whole short secret or a
        run of :data:`MIN_RUN` (0 when there is nothing to look for)."""
        return self._window

    def add(self, *secrets: str | bytes) -> None:
        """Look for these too (for bytes, their ASCII text: base64 payloads)."""
        for value in secrets:
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
            if len(text) < MIN_SECRET or text in self._whole:
                continue
            self._whole.append(text)
            if len(text) >= MIN_RUN:
                self._long.append(text)
            self._squeezed = None
        self._whole.sort(key=len, reverse=True)
        self._window = max((min(len(s), MIN_RUN) for s in self._whole), default=0)

    def squeezed(self) -> Redactor:
        """The same secrets without whitespace, to look for in text without whitespace
        (lines joined: a secret split at a space, or one character per line)."""
        if self._squeezed is None:
            self._squeezed = Redactor([squeeze(s) for s in self._whole])
        return self._squeezed

    def quoted(self, text: str) -> bool:
        """Does ``text`` quote a secret once its whitespace and line breaks are gone —
        a secret spread over its lines or padded with spaces?"""
        return bool(self.squeezed().spans(squeeze(text)))

    def __call__(self, text: str) -> str:
        for secret in self._whole:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if len(text) >= MIN_RUN and (self._long or self._grams):
            for start, end in reversed(self._pieces(text)):
                text = text[:start] + REDACTED + text[end:]
        return text

    def spans(self, text: str) -> list[Span]:
        """Where ``text`` quotes a secret, whole or a long piece (spans may overlap)."""
        found: list[Span] = []
        for secret in self._whole:
            pos = text.find(secret)
            while pos != -1:
                found.append((pos, pos + len(secret)))
                pos = text.find(secret, pos + 1)
        if len(text) >= MIN_RUN and (self._long or self._grams):
            found += self._pieces(text)
        return found

    def quotes_end_of(self, text: str, limit: int) -> int:
        """How many of the last characters of ``text`` (at most ``limit``) are copied
        from a secret: text a quote still to come could continue."""
        size = 0
        while size < min(limit, len(text)):
            tail = text[len(text) - size - 1:]
            if not any(tail in secret for secret in self._whole):
                break
            size += 1
        return size

    def _pieces(self, text: str) -> list[Span]:
        for secret in self._long:  # windows are made on first need
            self._grams.update(secret[i:i + GRAM] for i in range(len(secret) - GRAM + 1))
        self._long.clear()
        grams, size = self._grams, len(text)
        spans: list[Span] = []
        pos = 0
        while pos + GRAM <= size:
            if text[pos:pos + GRAM] not in grams:
                pos += GRAM
                continue
            start, end = pos, pos + GRAM
            while start > 0 and text[start - 1:start - 1 + GRAM] in grams:
                start -= 1
            while end < size and text[end + 1 - GRAM:end + 1] in grams:
                end += 1
            if end - start >= MIN_RUN:
                spans.append((start, end))
            pos = end
        return spans
