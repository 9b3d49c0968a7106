"""Keep credentials out of everything the engine stores or shows.

A server may echo what it was sent: the password, an AUTH payload, or just a long piece
of an OAuth token inside an error message. :class:`Redactor` replaces, in untrusted
text *before* it is cleaned or cut to length:

- every whole secret (and every encoding of it registered with :meth:`Redactor.add`);
- every run of :data:`MIN_RUN` or more characters copied from a secret that long.

Secrets shorter than :data:`MIN_SECRET` characters cannot be told apart from ordinary
text and are not looked for (smtptui itself never writes any secret, whatever its length).
"""

from __future__ import annotations

REDACTED = "<redacted>"
MIN_SECRET = 3
GRAM = 8
"""Length of the pieces looked up; windows are tried every ``GRAM`` characters."""
MIN_RUN = 2 * GRAM - 1
"""Copied runs this long always contain a whole window, so they are always found."""


class Redactor:
    """Replaces secrets, whole or in long pieces, by ``<redacted>``.

    Whole secrets are always looked for. Pieces, and secrets spread over the lines of
    a reply, are looked for once :attr:`pieces` is set — from the moment credentials
    are exchanged, since only a server that has received a secret can quote it so.
    """

    def __init__(self, secrets: tuple[str, ...] | list[str] = (), *, pieces: bool = True
                 ) -> None:
        self._whole: list[str] = []
        self._grams: set[str] = set()
        self._long: list[str] = []
        """Secrets long enough for pieces whose windows are not in ``_grams`` yet."""
        self.pieces = pieces
        self.add(*secrets)

    def add(self, *secrets: str | bytes) -> None:
        """Look for these too (for bytes, their ASCII text: base64 payloads)."""
        for value in secrets:
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
            if len(text) < MIN_SECRET or text in self._whole:
                continue
            self._whole.append(text)
            if len(text) >= MIN_RUN:
                self._long.append(text)
        self._whole.sort(key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._whole:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if self.pieces and len(text) >= MIN_RUN and (self._long or self._grams):
            text = self._pieces(text)
        return text

    def spans_lines(self, text: str) -> bool:
        """Would a secret (or, with :attr:`pieces`, a long piece of one) show once the
        line breaks of ``text`` are removed or made spaces — quoted over several lines?"""
        if "\n" not in text:
            return False
        return any(self(joined) != joined
                   for joined in (text.replace("\n", ""), text.replace("\n", " ")))

    def _pieces(self, text: str) -> str:
        for secret in self._long:  # windows are made on first need
            self._grams.update(secret[i:i + GRAM] for i in range(len(secret) - GRAM + 1))
        self._long.clear()
        grams, size = self._grams, len(text)
        spans: list[tuple[int, int]] = []
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
        for start, end in reversed(spans):
            text = text[:start] + REDACTED + text[end:]
        return text
