"""``host:port`` as people and tools write it: IPv6 addresses in brackets (``[::1]:25``)."""

from __future__ import annotations


def host_port(host: str, port: int | str) -> str:
    """``smtp.example.com:587``, ``192.0.2.1:25``, ``[2001:db8::1]:465``."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
