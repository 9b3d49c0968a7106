"""The domain's MX records (RFC 5321 5.1, null MX RFC 7505) and whether their hosts resolve."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.probe.sanitize import clean


@dataclass(frozen=True)
class MxHost(JsonMixin):
    preference: int
    host: str
    addresses: tuple[str, ...] = ()


def mx_hosts(lookup: Lookup) -> tuple[MxHost, ...]:
    """MX records sorted by preference (host names without the final dot)."""
    hosts = [MxHost(r.preference, r.exchange.to_text(omit_final_dot=True).lower() or ".")
             for r in lookup.rdata]
    return tuple(sorted(hosts, key=lambda h: (h.preference, h.host)))


@dataclass(frozen=True)
class MxReport(JsonMixin):
    domain: str
    hosts: tuple[MxHost, ...]
    ttl: int | None
    null_mx: bool
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


async def check_mx(dns: Dns, domain: str) -> MxReport:
    lookup = await dns.query(domain, "MX")
    hosts = mx_hosts(lookup)
    null_mx = len(hosts) == 1 and hosts[0].host == "."
    findings: list[Finding] = []
    if lookup.failed:
        findings.append(Finding("fail", f"MX lookup for {domain}: {lookup.describe()}"))
    elif not hosts:
        findings.append(Finding("warn", "no MX record: mail to this domain falls back to its "
                                        "A/AAAA record; replies and bounces may be lost"))
    elif null_mx:
        findings.append(Finding("info", "null MX (RFC 7505): the domain accepts no mail; "
                                        "many receivers reject mail from such senders"))
    else:
        resolved = await asyncio.gather(*(_addresses(dns, h.host) for h in hosts))
        hosts = tuple(MxHost(h.preference, h.host, addrs)
                      for h, addrs in zip(hosts, resolved, strict=True))
        listing = ", ".join(f"{h.preference} {h.host}" for h in hosts)
        findings.append(Finding("pass", f"{len(hosts)} MX host(s): {clean(listing, 300)}"))
        for h in hosts:
            if not h.addresses:
                findings.append(Finding("fail", f"MX host {clean(h.host)} does not resolve"))
    return MxReport(domain, hosts, lookup.ttl, null_mx, tuple(findings))


async def _addresses(dns: Dns, host: str) -> tuple[str, ...]:
    a, aaaa = await asyncio.gather(dns.query(host, "A"), dns.query(host, "AAAA"))
    return a.records + aaaa.records
