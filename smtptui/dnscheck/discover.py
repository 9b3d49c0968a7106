"""Suggest a submission server for an address: RFC 6186/8314 SRV, MX provider, name guesses."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

from smtptui.dnscheck.model import Finding, JsonMixin
from smtptui.dnscheck.mx import mx_hosts
from smtptui.dnscheck.providers import match_domain, match_mx
from smtptui.dnscheck.resolver import (
    DEFAULT_TIMEOUT,
    Dns,
    DnsInputError,
    Lookup,
    normalise_domain,
)
from smtptui.probe.sanitize import clean

Security = Literal["implicit", "starttls"]
Source = Literal["domain", "srv", "mx", "guess"]
SRV_SERVICES: tuple[tuple[str, Security], ...] = (
    ("_submissions._tcp", "implicit"), ("_submission._tcp", "starttls"))


@dataclass(frozen=True)
class Suggestion(JsonMixin):
    """A server to try, best first. ``preset`` is a provider preset key or ``None``."""

    host: str
    port: int
    security: Security
    source: Source
    reason: str
    preset: str | None = None
    region: str | None = None
    priority: int | None = None
    weight: int | None = None


@dataclass(frozen=True)
class Discovery(JsonMixin):
    address: str
    domain: str
    suggestions: tuple[Suggestion, ...]
    mx: tuple[str, ...]
    findings: tuple[Finding, ...]
    unanswered: tuple[Lookup, ...] = ()
    """Lookups that got no answer (timeout, SERVFAIL, error): "nothing found" is then
    not proof that nothing exists."""

    @property
    def best(self) -> Suggestion | None:
        return self.suggestions[0] if self.suggestions else None

    @property
    def timed_out(self) -> bool:
        """Some lookups got no answer, and every one of those timed out."""
        return bool(self.unanswered) and all(lk.status == "timeout" for lk in self.unanswered)


def split_address(address: str) -> tuple[str, str]:
    """``user@domain`` (or a bare domain) -> ``(address, normalised domain)``."""
    text = address.strip()
    domain = text.rpartition("@")[2]
    if text.count("@") > 1 or (("@" in text) and not text.partition("@")[0]):
        raise DnsInputError(f"invalid address {address!r}")
    return text, normalise_domain(domain)


async def _srv(dns: Dns, domain: str) -> tuple[list[Suggestion], list[Finding], list[Lookup]]:
    names = [f"{svc}.{domain}" for svc, _ in SRV_SERVICES]
    lookups = await asyncio.gather(*(dns.query(n, "SRV") for n in names))
    out: list[Suggestion] = []
    findings: list[Finding] = []
    for (svc, security), lookup in zip(SRV_SERVICES, lookups, strict=True):
        if lookup.failed:
            findings.append(Finding("warn", f"SRV {lookup.name}: {lookup.describe()}"))
            continue
        records = sorted(lookup.rdata, key=lambda r: (r.priority, -r.weight))
        targets = [(r, r.target.to_text(omit_final_dot=True).lower()) for r in records]
        if len(targets) == 1 and targets[0][1] in ("", "."):
            findings.append(Finding("info", f"{svc}: explicitly not offered (target '.')"))
            continue
        before = len(out)
        for r, target in targets:
            if target in ("", "."):
                continue
            out.append(Suggestion(target, r.port, security, "srv",
                                  f"SRV {svc}.{domain} (priority {r.priority}, "
                                  f"weight {r.weight})", priority=r.priority, weight=r.weight))
        if targets:
            findings.append(Finding("pass", f"{svc}: {len(out) - before} server(s) advertised"))
    return out, findings, lookups


async def _mx(dns: Dns, domain: str
              ) -> tuple[list[Suggestion], tuple[str, ...], list[Finding], Lookup]:
    lookup = await dns.query(domain, "MX")
    hosts = tuple(h.host for h in mx_hosts(lookup) if h.host != ".")
    findings: list[Finding] = []
    if lookup.failed:
        findings.append(Finding("warn", f"MX {domain}: {lookup.describe()}"))
    out: list[Suggestion] = []
    for host in hosts:
        match = match_mx(host)
        if match is None or any(s.preset == match.preset for s in out):
            continue
        out.append(Suggestion(match.host, match.port, match.security,  # type: ignore[arg-type]
                              "mx", f"MX {host} is {match.provider}", match.preset,
                              match.region))
    if hosts and not out:
        findings.append(Finding("info", f"MX {clean(hosts[0])} matches no known provider"))
    return out, hosts, findings, lookup


async def _guesses(dns: Dns, domain: str) -> tuple[list[Suggestion], list[Lookup]]:
    names = [f"smtp.{domain}", f"mail.{domain}"]
    lookups = await asyncio.gather(*(dns.query(n, "A") for n in names),
                                   *(dns.query(n, "AAAA") for n in names))
    found = {lk.name for lk in lookups if lk.ok}
    return [Suggestion(n, 587, "starttls", "guess", f"{n} exists (a guess: no SRV, no known "
                                                     "provider)")
            for n in names if n in found], lookups


def _nothing_found(domain: str, lookups: list[Lookup]) -> Finding:
    """Why nothing was found: no records, or lookups that got no answer."""
    failed = [lk for lk in lookups if lk.failed]
    if not failed:
        return Finding("fail", f"nothing found for {domain}: no SRV records, no recognised "
                               "MX provider")
    timeouts = [lk for lk in failed if lk.status == "timeout"]
    what = (timeouts[0].describe() if len(timeouts) == len(failed)
            else f"got no answer ({failed[0].describe()})")
    return Finding("fail", f"nothing found for {domain}, but {len(failed)} of {len(lookups)} "
                           f"DNS lookup(s) {what}: the records may exist; try again or ask "
                           "another resolver")


async def discover(address: str, nameserver: str | None = None,
                   timeout: float = DEFAULT_TIMEOUT, dns: Dns | None = None) -> Discovery:
    """Suggest host/port/security for sending as ``address`` (``user@domain`` or a domain).

    Order: a known mailbox domain (gmail.com, outlook.com … need no DNS), then
    ``_submissions._tcp`` SRV (implicit TLS, preferred by RFC 8314), then
    ``_submission._tcp`` (STARTTLS), each by priority then weight; then providers recognised
    from the MX; only when nothing else is found, ``smtp.``/``mail.`` names that resolve.
    """
    address, domain = split_address(address)
    dns = dns or Dns(nameserver, timeout)
    (srv, srv_findings, lookups), (by_mx, mx, mx_findings, mx_lookup) = await asyncio.gather(
        _srv(dns, domain), _mx(dns, domain))
    lookups.append(mx_lookup)
    known = match_domain(domain)
    by_domain = [Suggestion(known.host, known.port, known.security,  # type: ignore[arg-type]
                            "domain", f"{domain} is {known.provider}", known.preset)
                 ] if known else []
    suggestions = by_domain + srv + by_mx
    if not suggestions:
        suggestions, guessed = await _guesses(dns, domain)
        lookups += guessed
    unique = {(s.host, s.port): s for s in reversed(suggestions)}
    ordered = tuple(s for s in suggestions if unique.get((s.host, s.port)) is s)
    findings = srv_findings + mx_findings
    if not ordered:
        findings.append(_nothing_found(domain, lookups))
    return Discovery(address, domain, ordered, mx, tuple(findings),
                     tuple(lk for lk in lookups if lk.failed))
