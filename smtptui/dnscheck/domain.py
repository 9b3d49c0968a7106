"""Everything about one sending domain in one call: MX, SPF, DMARC, DKIM, MTA-STS, TLS-RPT,
reverse DNS of given IPs and, optionally, the relay host."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.dnscheck.addresses import ReverseCheck, check_reverse
from smtptui.dnscheck.dkim import DkimReport, check_dkim
from smtptui.dnscheck.dmarc import DmarcReport, check_dmarc
from smtptui.dnscheck.host import HostReport, check_relay_host
from smtptui.dnscheck.model import Finding, JsonMixin, Level, worst
from smtptui.dnscheck.mtasts import MtaStsReport, check_mtasts
from smtptui.dnscheck.mx import MxReport, check_mx
from smtptui.dnscheck.resolver import (
    DEFAULT_TIMEOUT,
    Dns,
    Lookup,
    normalise_domain,
    normalise_host,
    parse_ip,
)
from smtptui.dnscheck.spf_check import SpfReport, check_spf
from smtptui.dnscheck.tlsrpt import TlsRptReport, check_tlsrpt


@dataclass(frozen=True)
class DomainReport(JsonMixin):
    domain: str
    nameserver: str | None
    timeout: float
    mx: MxReport
    spf: SpfReport
    dmarc: DmarcReport
    dkim: DkimReport
    mta_sts: MtaStsReport
    tls_rpt: TlsRptReport
    reverse: tuple[ReverseCheck, ...]
    """PTR/FCrDNS of the IPs given explicitly (sending IPs)."""
    host: HostReport | None
    spf_ips_from_host: bool
    """SPF was evaluated for the relay host's addresses because no IP was given."""
    headline: Finding | None = None
    """One verdict that replaces the domain's sections: the domain does not exist
    (NXDOMAIN), the resolver answered no query, or it answered every query with the same
    error."""
    exists: bool | None = None
    """False: NXDOMAIN for the domain; None: the resolver could not say."""
    resolver_error: str | None = None
    """The error the resolver gave every query (the headline says it once)."""

    def domain_sections(self) -> list[tuple[str, tuple[Finding, ...]]]:
        """The sending domain's sections, or the one headline that stands for them all."""
        if self.headline is not None:
            return [("Domain", (self.headline,))]
        return [("MX", self.mx.findings), ("SPF", self.spf.findings),
                ("DMARC", self.dmarc.findings), ("DKIM", self.dkim.findings),
                ("MTA-STS", self.mta_sts.findings), ("TLS-RPT", self.tls_rpt.findings)]

    def sections(self) -> list[tuple[str, tuple[Finding, ...]]]:
        """(title, findings) in display order, for any front end."""
        out = self.domain_sections()
        more: list[tuple[str, tuple[Finding, ...]]] = []
        if self.reverse:
            more.append(("Reverse DNS", tuple(r.finding() for r in self.reverse)))
        if self.host is not None:
            more.append((f"Relay {self.host.label}", self.host.findings))
        for title, findings in more:
            findings = self.unrepeated(findings)
            if findings:
                out.append((title, findings))
        return out

    def unrepeated(self, findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
        """``findings`` without the resolver error the headline already states."""
        error = self.resolver_error
        return tuple(f for f in findings if not error or error not in f.text)

    @property
    def level(self) -> Level:
        return worst(f.level for _, findings in self.sections() for f in findings)


async def check_domain(domain: str, *, ips: Sequence[str] = (), selectors: Sequence[str] = (),
                       host: str | None = None, port: int = 25,
                       cert_chain: Sequence[bytes] = (), sender: str | None = None,
                       helo: str | None = None,
                       common_selectors: bool = True, nameserver: str | None = None,
                       timeout: float = DEFAULT_TIMEOUT, dns: Dns | None = None
                       ) -> DomainReport:
    """Run every sender-domain check (and the relay host checks when ``host`` is given).

    ``host`` is a relay host name or IP address. SPF is evaluated for ``ips``; without them,
    for the relay host's addresses. Raises
    :class:`~smtptui.dnscheck.resolver.DnsInputError` for an invalid domain, IP or nameserver.
    """
    domain = normalise_domain(domain)
    addrs = [parse_ip(ip) for ip in ips]
    relay = normalise_host(host) if host else None
    dns = dns or Dns(nameserver, timeout)
    probe = await dns.query(domain, "MX")      # answered from cache by check_mx
    host_report = await check_relay_host(dns, relay, port, cert_chain) if relay else None
    spf_ips = addrs or ([parse_ip(ip) for ip in host_report.ips] if host_report else [])
    (mx, spf, dmarc, dkim, sts, rpt), reverse = await asyncio.gather(
        asyncio.gather(
            check_mx(dns, domain), check_spf(dns, domain, spf_ips, sender, helo),
            check_dmarc(dns, domain), check_dkim(dns, domain, selectors, common_selectors),
            check_mtasts(dns, domain), check_tlsrpt(dns, domain)),
        asyncio.gather(*(check_reverse(dns, str(ip)) for ip in addrs)))
    headline = await _headline(dns, domain, probe, dmarc)
    resolver_error = (probe.describe() if headline is not None and probe.status != "nxdomain"
                      else None)
    return DomainReport(domain, nameserver, dns.timeout, mx, spf, dmarc, dkim, sts, rpt,
                        tuple(reverse), host_report, bool(spf_ips) and not addrs, headline,
                        False if probe.status == "nxdomain" else True if not probe.failed
                        else None, resolver_error)


async def _headline(dns: Dns, domain: str, probe: Lookup, dmarc: DmarcReport
                    ) -> Finding | None:
    """NXDOMAIN for the domain, a server that answered no lookup at all, or the same error
    for three different names (the domain's MX and TXT, its ``_dmarc`` TXT): one line
    instead of a failure per section."""
    if probe.status == "nxdomain":
        return Finding("fail", f"{domain} does not exist (NXDOMAIN from {dns.label}): check "
                               "the spelling; no MX, SPF, DMARC or DKIM record can exist "
                               "under it, and receivers reject mail from it")
    silent = dns.silence()
    if silent:
        return Finding("fail", f"{silent}: nothing about {domain} could be checked; check "
                               "--nameserver, or that this machine can reach that server")
    if probe.status not in ("servfail", "error"):
        return None          # some timeouts: the overall DNS deadline speaks for them
    others = [await dns.query(domain, "TXT"), *dmarc.lookups[:1]]
    if all(lk.status == probe.status and lk.describe() == probe.describe() for lk in others):
        what = probe.describe().removeprefix("server answered ")
        return Finding("fail", f"the resolver {dns.label} answered {what} to every query "
                               f"({probe.name} MX, TXT, "
                               f"{others[-1].name} TXT): nothing about {domain} could be "
                               "checked; the resolver refuses this client or cannot reach "
                               "the domain's servers: try another --nameserver")
    return None
