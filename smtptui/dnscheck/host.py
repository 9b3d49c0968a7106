"""Relay host checks: addresses with TTLs, reverse DNS per address, DANE TLSA for the port.

The host may be an IP address: then there is nothing to resolve and no name to look TLSA up
under, and only its reverse DNS is checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.dnscheck.addresses import Address, ReverseCheck, addresses_of, check_reverse
from smtptui.dnscheck.addresses import resolve_host as _resolve
from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.resolver import Dns, host_address
from smtptui.dnscheck.tlsa import TlsaReport, check_tlsa
from smtptui.probe.sanitize import clean


@dataclass(frozen=True)
class HostReport(JsonMixin):
    host: str
    port: int
    addresses: tuple[Address, ...]
    """A/AAAA answers (empty when ``host`` is an IP address)."""
    reverse: tuple[ReverseCheck, ...]
    tlsa: TlsaReport
    findings: tuple[Finding, ...]
    ip_literal: bool = False
    """``host`` is an IP address: no A/AAAA or TLSA lookup was made."""

    @property
    def level(self) -> Level:
        return level_of(self.findings)

    @property
    def ips(self) -> tuple[str, ...]:
        """The relay's addresses: ``host`` itself when it is one, else the A/AAAA answers."""
        return (self.host,) if self.ip_literal else tuple(a.ip for a in self.addresses)

    @property
    def label(self) -> str:
        """``host:port``, an IPv6 address in brackets."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


async def check_relay_host(dns: Dns, host: str, port: int,
                           cert_chain: Sequence[bytes] = ()) -> HostReport:
    """A/AAAA (with TTLs), PTR + FCrDNS of each address, TLSA ``_PORT._tcp.HOST``.

    ``cert_chain`` is the certificate the relay presented (DER, leaf first), if known.
    ``host`` may be an IP address (see :func:`check_ip_host`).
    """
    ip = host_address(host)
    if ip is not None:
        return await check_ip_host(dns, str(ip), port, cert_chain)
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


async def check_ip_host(dns: Dns, ip: str, port: int,
                        cert_chain: Sequence[bytes] = ()) -> HostReport:
    """A relay given by address: PTR + FCrDNS of ``ip``; A/AAAA and TLSA do not apply."""
    reverse = await check_reverse(dns, ip)
    tlsa_note = Finding("info", f"DANE TLSA is published under the relay's host name "
                                f"(_{port}._tcp.HOST): give --host a name to check it"
                        + ("; the certificate was not matched" if cert_chain else ""))
    tlsa = TlsaReport("", (), False, False, None, (tlsa_note,))
    findings = (Finding("info", f"{ip} is an IP address: no A/AAAA lookup"),
                reverse.finding(), tlsa_note)
    return HostReport(ip, port, (), (reverse,), tlsa, findings, ip_literal=True)
