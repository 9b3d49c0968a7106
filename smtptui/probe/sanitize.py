"""Make untrusted text (server replies, certificate fields) safe to show anywhere.

Control characters, ESC, DEL, C1 controls and bidi overrides become visible escapes
(``\\x1b``), undecodable bytes become ``\\xff`` and lines are length-capped. This runs
once, in the engine, so every front end receives text that cannot drive a terminal.
Rich markup is *not* escaped here: front ends render server text as plain ``Text``.
"""

from __future__ import annotations

import re

LINE_LIMIT = 2000
"""Characters kept of one line; the rest is replaced by a marker saying how much was cut."""

_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(text: str, limit: int = LINE_LIMIT) -> str:
    """Escape control characters and cap the length of one line of untrusted text."""
    if text.isprintable() and len(text) <= limit:
        return text  # the common case, decided in C: nothing to escape or cut
    if len(text) > limit:
        text = f"{text[:limit]}… [+{len(text) - limit} chars]"
    return _UNSAFE.sub(_escape, text.replace("\t", " "))


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
