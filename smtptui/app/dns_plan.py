"""The DNS checks of one profile: what to look at (a plan) and running it. No widgets.

Relay host checks (A/AAAA, reverse DNS of the connected IP, DANE TLSA against the
certificate the last probe saw) and sender-domain checks for the From domain (SPF
evaluated for the relay's IP, DMARC, DKIM, MX, MTA-STS, TLS-RPT), through
:mod:`smtptui.dnscheck`. Every lookup has a finite timeout and the whole run a deadline.
Imports dnspython: import this module lazily (when a check runs), not at start-up.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Literal

from smtptui.app.entries import Entry, nameserver_for
from smtptui.dnscheck.addresses import ReverseCheck, check_reverse
from smtptui.dnscheck.domain import DomainReport, check_domain
from smtptui.dnscheck.host import HostReport, check_relay_host
from smtptui.dnscheck.resolver import Dns, DnsInputError, Lookup, normalise_host
from smtptui.probe.events import ProbeReport

LOOKUP_TIMEOUT = 5.0
"""Seconds one DNS lookup may take."""
DEADLINE = 30.0
"""Seconds all the checks of one profile may take together."""


@dataclass(frozen=True)
class DnsPlan:
    """What the checks of one profile look at."""

    name: str
    host: str
    port: int
    host_is_ip: bool
    """The relay is given as an IP address: no A/AAAA/TLSA checks."""
    from_address: str | None
    from_domain: str | None
    """Sender domain (from the From address); None: no sender-domain checks."""
    selectors: tuple[str, ...]
    nameserver: str | None
    relay_ip: str | None
    """The address the last probe connected to, if it got that far."""
    cert_der: bytes | None
    """The certificate the last probe was shown (DER), for TLSA."""
    timeout: float = LOOKUP_TIMEOUT

    @property
    def resolver(self) -> str:
        return self.nameserver or "the system resolver"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def plan_for(entry: Entry, report: ProbeReport | None, *,
             timeout: float = LOOKUP_TIMEOUT) -> DnsPlan:
    """The checks for ``entry``, using its last ``report`` (connected IP, certificate)."""
    if entry.profile is not None:
        p = entry.profile
        host, port, mail_from, selectors, ns = (p.host, p.port, p.mail_from,
                                                tuple(p.dkim_selectors), p.nameserver)
    else:
        assert entry.config is not None
        c = entry.config
        host, port, mail_from, selectors, ns = c.host, c.port, c.mail_from, (), c.nameserver
    address = parseaddr(mail_from or "")[1] or (mail_from or "").strip()
    domain = address.rpartition("@")[2].strip() if "@" in address else ""
    relay_ip = cert = None
    if report is not None and report.target.host == host and report.target.port == port:
        relay_ip = report.target.address
        if report.tls is not None and report.tls.cert is not None:
            cert = report.tls.cert.der
    return DnsPlan(entry.name, host.strip("[]"), port, _is_ip(host), address or None,
                   domain or None, selectors, nameserver_for(ns), relay_ip, cert, timeout)


Status = Literal["done", "deadline", "cancelled", "invalid"]


@dataclass(frozen=True)
class DnsOutcome:
    """The result of one run: reports, or why there are none."""

    plan: DnsPlan
    status: Status
    domain: DomainReport | None = None
    """Sender-domain checks (including the relay host when it has a name)."""
    host: HostReport | None = None
    """Relay host checks when there was no sender domain to check."""
    reverse: tuple[ReverseCheck, ...] = ()
    """Reverse DNS of the connected IP when the host checks did not cover it."""
    problems: tuple[str, ...] = ()
    """Input the checks could not use (an invalid nameserver, host or domain)."""
    lookups: int = 0
    timeouts: int = 0
    elapsed_s: float = 0.0
    deadline_s: float = DEADLINE


class CountingDns(Dns):
    """Counts the lookups that timed out, to say so once at the top."""

    timeouts = 0

    async def query(self, name: str, rdtype: str) -> Lookup:
        result = await super().query(name, rdtype)
        if result.status == "timeout":
            self.timeouts += 1
        return result


async def run_checks(plan: DnsPlan, deadline: float = DEADLINE) -> DnsOutcome:
    """Run every check of ``plan``; never raises for DNS trouble or bad input."""
    started = time.monotonic()
    try:
        dns = CountingDns(plan.nameserver, plan.timeout)
    except DnsInputError as exc:
        return DnsOutcome(plan, "invalid", problems=(str(exc),), deadline_s=deadline)
    host = None
    problems: list[str] = []
    if not plan.host_is_ip:
        try:
            host = normalise_host(plan.host)
        except DnsInputError as exc:
            problems.append(f"relay host: {exc}")
    ips = [plan.relay_ip] if plan.relay_ip else ([plan.host] if plan.host_is_ip else [])
    chain = [plan.cert_der] if plan.cert_der else []
    domain_report = host_report = None
    reverse: tuple[ReverseCheck, ...] = ()
    status: Status = "done"
    try:
        async with asyncio.timeout(deadline):
            if plan.from_domain:
                try:
                    domain_report = await check_domain(
                        plan.from_domain, ips=ips, selectors=plan.selectors, host=host,
                        port=plan.port, cert_chain=chain, nameserver=plan.nameserver,
                        timeout=plan.timeout, dns=dns)
                except DnsInputError as exc:
                    problems.append(f"sender domain: {exc}")
            if domain_report is None:
                if host is not None:
                    host_report = await check_relay_host(dns, host, plan.port, chain)
                covered = {r.ip for r in host_report.reverse} if host_report else set()
                reverse = tuple(await asyncio.gather(
                    *(check_reverse(dns, ip) for ip in ips if ip not in covered)))
    except TimeoutError:
        status = "deadline"
    return DnsOutcome(plan, status, domain_report, host_report, reverse, tuple(problems),
                      dns.queries, dns.timeouts, time.monotonic() - started, deadline)
