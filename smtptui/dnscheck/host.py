"""Relay host checks: addresses with TTLs, reverse DNS per address, DANE TLSA for the port."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.dnscheck.addresses import Address, ReverseCheck, addresses_of, check_reverse
from smtptui.dnscheck.addresses import resolve_host as _resolve
from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.tlsa import TlsaReport, check_tlsa
from smtptui.probe.sanitize import clean


@dataclass(frozen=True)
class HostReport(JsonMixin):
    host: str
    port: int
    addresses: tuple[Address, ...]
    reverse: tuple[ReverseCheck, ...]
    tlsa: TlsaReport
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


async def check_relay_host(dns: Dns, host: str, port: int,
                           cert_chain: Sequence[bytes] = ()) -> HostReport:
    """A/AAAA (with TTLs), PTR + FCrDNS of each address, TLSA ``_PORT._tcp.HOST``.

    ``cert_chain`` is the certificate the relay presented (DER, leaf first), if known.
    """
    (a, aaaa), tlsa = await asyncio.gather(_resolve(dns, host), check_tlsa(dns, host, port,
                                                                           cert_chain))
    addresses = addresses_of(a, aaaa)
    reverse = tuple(await asyncio.gather(*(check_reverse(dns, x.ip) for x in addresses)))
    findings: list[Finding] = []
    for lk in (a, aaaa):
        if lk.failed:
            findings.append(Finding("fail", f"{lk.rdtype} lookup for {host}: {lk.describe()}"))
    if addresses:
        listing = ", ".join(f"{x.ip} (TTL {x.ttl})" for x in addresses)
        findings.append(Finding("pass", f"{host} resolves: {clean(listing, 400)}"))
    elif not (a.failed or aaaa.failed):
        findings.append(Finding("fail", f"{host} has no A or AAAA record"))
    findings.extend(r.finding() for r in reverse)
    findings.extend(tlsa.findings)
    return HostReport(host, port, addresses, reverse, tlsa, tuple(findings))
