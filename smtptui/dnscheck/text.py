"""Text from DNS: bytes decoded for display (escape it with ``probe.sanitize.clean``)."""

from __future__ import annotations


def decode(data: bytes) -> str:
    """Bytes from DNS as text: UTF-8, undecodable bytes shown as ``\\xNN``."""
    return data.decode("utf-8", errors="backslashreplace")
