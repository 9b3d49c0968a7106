"""Make untrusted text (server replies, certificate fields) safe to show anywhere.

Every character that is not printable (controls, ESC, DEL, C1, bidi and other format
characters) becomes a visible escape (``\\x1b``, ``\\u202e``), undecodable bytes become
``\\xff`` and lines are length-capped. This runs
once, in the engine, so every front end receives text that cannot drive a terminal.
Rich markup is *not* escaped here: front ends render server text as plain ``Text``.
"""

from __future__ import annotations

LINE_LIMIT = 2000
"""Characters kept of one line; the rest is replaced by a marker saying how much was cut."""


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def clean(text: str, limit: int = LINE_LIMIT) -> str:
    """Escape control characters and cap the length of one line of untrusted text.

    Everything Python does not call printable is escaped: controls, format characters
    (bidi marks and overrides, zero-width and tag characters, soft hyphens), separators
    other than the space, unassigned and private-use code points. A tab becomes a space.
    """
    if text.isprintable() and len(text) <= limit:
        return text  # the common case, decided in C: nothing to escape or cut
    if len(text) > limit:
        text = f"{text[:limit]}… [+{len(text) - limit} chars]"
    text = text.replace("\t", " ")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def clean_bytes(data: bytes, limit: int = LINE_LIMIT) -> str:
    """Decode untrusted bytes (UTF-8, invalid bytes shown as ``\\xNN``) and :func:`clean` them."""
    if len(data) > limit * 4:
        extra = len(data) - limit
        return clean(data[:limit].decode("utf-8", "backslashreplace"), limit) + (
            f"… [+{extra} bytes]"
        )
    return clean(data.decode("utf-8", "backslashreplace"), limit)


def clean_multiline(text: str, limit: int = LINE_LIMIT) -> str:
    """:func:`clean` each line of a multi-line text, keeping the line breaks."""
    if len(text) <= limit and text.replace("\n", "").isprintable():
        return text  # the common case: no line can need escaping or cutting
    return "\n".join(clean(line, limit) for line in text.split("\n"))
