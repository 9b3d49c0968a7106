"""Make untrusted text (DNS records, pasted headers) safe to print on a terminal.

Uses the engine's sanitiser (:mod:`smtptui.probe.sanitize`) so the whole program escapes
control characters the same way.
"""

from __future__ import annotations

from smtptui.probe.sanitize import LINE_LIMIT
from smtptui.probe.sanitize import clean as _clean


def clean(text: str, limit: int = LINE_LIMIT) -> str:
    """Escape control characters (ESC, C0/C1, bidi overrides ...) and cap the length."""
    return _clean(text, limit)


def decode(data: bytes) -> str:
    """Bytes from DNS as text: UTF-8, undecodable bytes shown as ``\\xNN``."""
    return data.decode("utf-8", errors="backslashreplace")
