"""A/AAAA with TTLs, PTR and forward-confirmed reverse DNS (FCrDNS)."""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass
from typing import Literal

from dns.reversename import from_address as reverse_name

from smtptui.dnscheck.ipkind import internal_ip
from smtptui.dnscheck.model import Finding, JsonMixin, Level
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.probe.sanitize import clean

ReverseStatus = Literal["confirmed", "mismatch", "no-ptr", "error"]

@dataclass(frozen=True)
class Address(JsonMixin):
    ip: str
    rdtype: str
    ttl: int


@dataclass(frozen=True)
class ReverseCheck(JsonMixin):
    """PTR names of ``ip`` and whether one of them resolves back to it."""

    ip: str
    ptr_names: tuple[str, ...]
    status: ReverseStatus
    confirmed_name: str | None = None
    detail: str | None = None

    @property
    def internal(self) -> bool:
        """A loopback or private address: its reverse DNS does not matter for delivery."""
        return internal_ip(self.ip)

    @property
    def level(self) -> Level:
        if self.internal and self.status in ("no-ptr", "mismatch"):
            return "info"
        return {"confirmed": "pass", "mismatch": "warn", "no-ptr": "warn",
                "error": "fail"}[self.status]  # type: ignore[return-value]

    def finding(self) -> Finding:
        names = clean(", ".join(self.ptr_names)) or "-"
        if self.internal and self.status in ("no-ptr", "mismatch"):
            what = (f"PTR {names} does not resolve back" if self.status == "mismatch"
                    else "no PTR record")
            return Finding("info", f"{self.ip}: {what}; a loopback/private address, which no "
                                   "receiver on the internet sees: reverse DNS does not "
                                   "matter for delivery from here (the relay's public "
                                   "address does)")
        text = {
            "confirmed": f"{self.ip}: PTR {names}, forward-confirmed",
            "mismatch": f"{self.ip}: PTR {names} does not resolve back to {self.ip} "
                        "(no FCrDNS: many receivers distrust such senders)",
            "no-ptr": f"{self.ip}: no PTR record (receivers often reject mail from IPs "
                      "without reverse DNS)",
            "error": f"{self.ip}: PTR lookup {clean(self.detail or 'failed')}",
        }[self.status]
        return Finding(self.level, text)


def addresses_of(*lookups: Lookup) -> tuple[Address, ...]:
    return tuple(Address(r.address, lk.rdtype, lk.ttl or 0)
                 for lk in lookups for r in lk.rdata)


async def resolve_host(dns: Dns, host: str) -> tuple[Lookup, Lookup]:
    """The A and AAAA lookups of ``host``, run together."""
    a, aaaa = await asyncio.gather(dns.query(host, "A"), dns.query(host, "AAAA"))
    return a, aaaa


async def check_reverse(dns: Dns, ip: str) -> ReverseCheck:
    """PTR of ``ip``, then A/AAAA of each name (up to 10) looking for ``ip`` again."""
    addr = ipaddress.ip_address(ip)
    rev = reverse_name(str(addr)).to_text(omit_final_dot=True)
    lookup = await dns.query(rev, "PTR")
    if lookup.failed:
        return ReverseCheck(str(addr), (), "error", detail=lookup.describe())
    names = tuple(r.target.to_text(omit_final_dot=True) for r in lookup.rdata)
    if not names:
        return ReverseCheck(str(addr), (), "no-ptr", detail=lookup.describe())
    rdtype = "A" if addr.version == 4 else "AAAA"
    forwards = await asyncio.gather(*(dns.query(n, rdtype) for n in names[:10]))
    for name, fwd in zip(names, forwards, strict=False):
        if any(ipaddress.ip_address(r.address) == addr for r in fwd.rdata):
            return ReverseCheck(str(addr), names, "confirmed", confirmed_name=name)
    failed = [f for f in forwards if f.failed]
    detail = f"{failed[0].name}: {failed[0].describe()}" if failed else None
    return ReverseCheck(str(addr), names, "mismatch", detail=detail)
