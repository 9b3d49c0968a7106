"""Settings of the DNS checks that both front ends read (a tiny module: no dnspython)."""

from __future__ import annotations

import ipaddress
import os
import re

NAMESERVER_ENV = "SMTPTUI_NAMESERVER"
"""Resolver (IP[:port]) for DNS checks and discovery when none is given."""


def env_nameserver() -> str | None:
    """``$SMTPTUI_NAMESERVER`` when set and not empty, else None (the system's resolver)."""
    return os.environ.get(NAMESERVER_ENV) or None


class DnsInputError(ValueError):
    """A nameserver, domain, IP or timeout given by the user is not valid."""


def parse_nameserver(text: str) -> tuple[str, int]:
    """``"HOST[:PORT]"`` -> ``(ip, port)``. HOST must be an IP address; IPv6 with a port is
    written ``[::1]:5353``."""
    text = text.strip()
    host, port_text = text, ""
    if text.startswith("["):
        m = re.fullmatch(r"\[([^\]]+)\](?::(\d+))?", text)
        if not m:
            raise DnsInputError(f"invalid nameserver {text!r} (use [IPv6]:PORT)")
        host, port_text = m.group(1), m.group(2) or ""
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise DnsInputError(
            f"invalid nameserver {text!r}: HOST must be an IP address") from None
    port = 53
    if port_text or text.endswith(":"):
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DnsInputError(f"invalid nameserver port in {text!r}")
        port = int(port_text)
    return str(ip), port
