"""Organisational domain, by a simple heuristic (no Public Suffix List).

The last two labels, or three when the last two are a common second-level public suffix
such as ``co.uk``. Good enough for DMARC fallback and alignment hints; say so in output.
"""

from __future__ import annotations

_TWO_LEVEL_SUFFIXES = frozenset({
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "ltd.uk", "plc.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au",
    "co.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "co.kr", "co.za", "co.in", "co.il",
    "com.br", "com.cn", "com.mx", "com.tr", "com.sg", "com.hk", "com.tw", "com.ar",
})


def org_domain(domain: str) -> str:
    """``mail.eu.example.com`` -> ``example.com``; ``www.example.co.uk`` -> ``example.co.uk``."""
    labels = domain.rstrip(".").lower().split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


def aligned(a: str, b: str, mode: str = "r") -> bool:
    """DMARC identifier alignment: strict ``s`` = equal, relaxed ``r`` = same org domain."""
    a, b = a.rstrip(".").lower(), b.rstrip(".").lower()
    if mode == "s":
        return a == b
    return org_domain(a) == org_domain(b)
