"""Addresses no receiver on the internet sees (loopback, private, link-local)."""

from __future__ import annotations

import ipaddress

_INTERNAL_NETS = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
    "169.254.0.0/16", "0.0.0.0/8", "::1/128", "::/128", "fc00::/7", "fe80::/10"))


def internal_ip(ip: str | None) -> bool:
    """Loopback, RFC 1918/6598 private, ULA or link-local: an address no receiver on the
    internet ever sees. (Not the stdlib's ``is_private``, which also covers the
    documentation ranges.)"""
    if not ip:
        return False
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr in net for net in _INTERNAL_NETS if net.version == addr.version)
