"""SPF macro expansion (RFC 7208 section 7)."""

from __future__ import annotations

import ipaddress
import time
import urllib.parse
from dataclasses import dataclass

from smtptui.dnscheck.spf_parse import _MACRO

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class MacroContext:
    """What macros can refer to: sender, client IP, HELO name and the current domain."""

    sender: str
    ip: IPAddress
    domain: str
    helo: str
    receiver: str = "unknown"
    validated: str = "unknown"
    """``%{p}``: the validated domain name of the IP (RFC 7208 7.3), looked up by the
    evaluator only when a macro asks for it."""

    @property
    def local_part(self) -> str:
        return self.sender.rpartition("@")[0] or "postmaster"

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def _ip_dotted(ip: IPAddress) -> str:
    if ip.version == 4:
        return str(ip)
    return ".".join(ip.exploded.replace(":", ""))


def _value(letter: str, ctx: MacroContext) -> str:
    return {
        "s": ctx.sender,
        "l": ctx.local_part,
        "o": ctx.sender_domain,
        "d": ctx.domain,
        "i": _ip_dotted(ctx.ip),
        "p": ctx.validated,
        "v": "in-addr" if ctx.ip.version == 4 else "ip6",
        "h": ctx.helo,
        "c": str(ctx.ip),
        "r": ctx.receiver,
        "t": str(int(time.time())),
    }[letter]


def expand(spec: str, ctx: MacroContext) -> str:
    """Expand every macro in ``spec`` (syntax already checked by the parser)."""
    out: list[str] = []
    pos = 0
    while (i := spec.find("%", pos)) >= 0:
        out.append(spec[pos:i])
        m = _MACRO.match(spec, i)
        if m is None:  # pragma: no cover - the parser rejects this
            out.append(spec[i:])
            pos = len(spec)
            break
        esc = m.group("esc")
        if esc:
            out.append({"%": "%", "_": " ", "-": "%20"}[esc])
        else:
            letter = m.group("letter")
            value = _value(letter.lower(), ctx)
            delims = m.group("delims") or "."
            parts = [value]
            for d in delims:
                parts = [p for part in parts for p in part.split(d)]
            if m.group("rev"):
                parts.reverse()
            if m.group("digits"):
                parts = parts[-int(m.group("digits")):]
            value = ".".join(parts)
            if letter.isupper():
                value = urllib.parse.quote(value, safe="")
            out.append(value)
        pos = m.end()
    out.append(spec[pos:])
    return "".join(out)


def uses_p(spec: str) -> bool:
    """Does ``spec`` contain a ``%{p}`` macro (which needs DNS to expand)?"""
    return "%{p" in spec.lower()


def valid_name(name: str) -> bool:
    """A name DNS can carry: labels of 1-63 octets (RFC 1035 2.3.4). A macro expansion can
    produce one that is not (RFC 7208 4.8): such a term matches nothing."""
    labels = name.rstrip(".").split(".")
    return all(0 < len(label.encode("utf-8", "surrogateescape")) <= 63 for label in labels)


def truncate_domain(name: str) -> str:
    """Drop labels from the left until the name fits in 253 characters (RFC 7208 7.3)."""
    name = name.rstrip(".")
    while len(name) > 253 and "." in name:
        name = name.split(".", 1)[1]
    return name
