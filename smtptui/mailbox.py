"""RFC 5321 mailboxes (with RFC 6531 SMTPUTF8): is ``--from`` / ``--to`` an address the
server could accept?  A typo such as ``x@@example.com`` is bad input, not a relay verdict."""

from __future__ import annotations

import functools
import re

LOCAL_MAX = 64
DOMAIN_MAX = 255
PATH_MAX = 254
"""RFC 5321 4.5.3.1: a forward-path holds at most 256 octets including the brackets."""


@functools.cache
def _dot_string() -> re.Pattern[str]:
    """Atoms of atext (RFC 5321 4.1.2; any non-ASCII character too, RFC 6531) and dots."""
    atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]+"
    return re.compile(rf"{atom}(?:\.{atom})*")


@functools.cache
def _label() -> re.Pattern[str]:
    """A domain label: letters, digits and hyphens (U-labels allowed), no edge hyphen."""
    return re.compile(r"(?!-)[A-Za-z0-9\-\u0080-\U0010ffff]{1,63}(?<!-)")


def _quoted_end(address: str) -> int | None:
    """Index of the closing quote of a quoted local part starting at 0, else None."""
    i = 1
    while i < len(address):
        char = address[i]
        if char == "\\":
            if i + 1 >= len(address) or not 32 <= ord(address[i + 1]) <= 126:
                return None
            i += 2
            continue
        if char == '"':
            return i
        if not (ord(char) in (32, 33) or 35 <= ord(char) <= 126 or ord(char) > 127):
            return None
        i += 1
    return None


def _domain_problem(domain: str) -> str | None:
    if not domain:
        return "nothing after the @"
    if domain.startswith("["):
        if not domain.endswith("]"):
            return f"the address literal {domain!r} has no closing ]"
        inner = domain[1:-1]
        import ipaddress  # here: only an address literal needs it (1 ms at start-up)

        try:
            if inner.lower().startswith("ipv6:"):
                ipaddress.IPv6Address(inner[5:])
            else:
                ipaddress.IPv4Address(inner)
        except ValueError:
            return f"{domain!r} is not an IPv4 or [IPv6:…] address literal"
        return None
    if len(domain.encode()) > DOMAIN_MAX:
        return f"the domain is longer than {DOMAIN_MAX} octets"
    if not all(_label().fullmatch(label) for label in domain.split(".")):
        return f"{domain!r} is not a domain name"
    return None


def mailbox_problem(address: str) -> str | None:
    """Why ``address`` is not an RFC 5321 mailbox (``local@domain``), or None if it is."""
    if not address:
        return "it is empty"
    if address.startswith("<") or address.endswith(">"):
        return "leave out the angle brackets (they are added)"
    if address.startswith('"'):
        end = _quoted_end(address)
        if end is None:
            return "the quoted local part is not closed or holds a character it may not"
        local, rest = address[:end + 1], address[end + 1:]
        if not rest.startswith("@"):
            return "an @ must follow the quoted local part"
        domain = rest[1:]
    else:
        if address.count("@") != 1:
            return "it has no @" if "@" not in address else "it has more than one @"
        local, domain = address.split("@")
        if not local:
            return "nothing before the @"
        if not _dot_string().fullmatch(local):
            return (f"the local part {local!r} has a character or dot where it may not "
                    "(quote it, or check for a typo)")
    if len(local.encode()) > LOCAL_MAX:
        return f"the local part is longer than {LOCAL_MAX} octets"
    problem = _domain_problem(domain)
    if problem is None and len(address.encode()) > PATH_MAX:
        problem = f"it is longer than {PATH_MAX} octets"
    return problem
