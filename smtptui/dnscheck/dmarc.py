"""DMARC policy record (RFC 7489): lookup with org-domain fallback (PSL), DMARCbis's tree
walk beside it, ``np=`` for domains that do not exist (RFC 9091), warnings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from smtptui.dnscheck.dmarc_record import (
    POLICIES,
    DmarcRecord,
    is_dmarc,
    looks_like_dmarc,
    parse_dmarc,
)
from smtptui.dnscheck.dmarc_walk import tree_walk
from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.orgdomain import org_domain, psl_snapshot, registrable_domain
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.probe.sanitize import clean

__all__ = ["POLICIES", "DmarcRecord", "DmarcReport", "check_dmarc", "is_dmarc",
           "looks_like_dmarc", "parse_dmarc"]


@dataclass(frozen=True)
class DmarcReport(JsonMixin):
    domain: str
    queried: str
    """The ``_dmarc`` name whose record applies (the org domain's when falling back)."""
    org_fallback: bool
    records: tuple[str, ...]
    record: DmarcRecord | None
    effective_policy: str | None
    """``p`` for the domain itself, ``sp`` (or ``p``) when the org domain's record applies,
    ``np`` (or ``sp``, ``p``) when the domain does not exist."""
    findings: tuple[Finding, ...]
    lookups: tuple[Lookup, ...] = field(default=(), metadata={"json": False}, repr=False)
    org_domain: str | None = None
    """The organisational domain (Public Suffix List, see ``psl_snapshot``)."""
    psl_snapshot: str | None = None
    exists: bool | None = None
    """The domain has an A, AAAA or MX record or other data (None: unknown)."""
    specification: str = "RFC 7489"
    """The verdict follows RFC 7489 (PSL fallback); ``np=`` from RFC 9091."""
    dmarcbis_domain: str | None = None
    """Whose ``_dmarc`` record the DMARCbis tree walk applies (None: none)."""

    @property
    def level(self) -> Level:
        return level_of(self.findings)


def _policy_findings(rec: DmarcRecord, effective: str | None) -> list[Finding]:
    out = [Finding("warn", f"{clean(p)}: receivers ignore it (RFC 7489 6.3)")
           for p in rec.ignored]
    out += [Finding("warn", clean(e)) for e in rec.tag_errors]
    if rec.problems:
        out.extend(Finding("fail", f"invalid: {clean(p)}") for p in rec.problems)
        return out
    if effective == "none":
        out.append(Finding("warn", ("no valid p=, so p=none" if rec.implied_policy else
                                    "p=none") + ": monitoring only; mail that fails DMARC is "
                                   "still delivered (spoofing not blocked)"))
    else:
        out.append(Finding("pass", f"policy {effective}: mail that fails DMARC is {effective}"
                                   + ("ed" if effective == "reject" else "d")))
    if rec.pct < 100:
        out.append(Finding("warn", f"pct={rec.pct}: the policy applies to only {rec.pct}% of "
                                   "failing mail"))
    if not rec.rua:
        out.append(Finding("warn", "no usable rua=: you receive no aggregate reports, so "
                                   "failures go unnoticed"))
    if rec.subdomain_policy and rec.policy and (
            POLICIES.index(rec.subdomain_policy) < POLICIES.index(rec.policy)):
        out.append(Finding("info", f"sp={rec.subdomain_policy} is weaker than "
                                   f"p={rec.policy} for subdomains"))
    if rec.nonexistent_policy:
        out.append(Finding("info", f"np={rec.nonexistent_policy}: the policy for subdomains "
                                   "that do not exist (RFC 9091, DMARCbis; receivers that "
                                   "follow only RFC 7489 use sp/p)"))
    for tag in ("adkim", "aspf"):
        if getattr(rec, tag) == "s":
            out.append(Finding("info", f"{tag}=s: strict alignment (exact domain match)"))
    return out


async def _external_rua(dns: Dns, domain: str, rec: DmarcRecord) -> list[Finding]:
    """RFC 7489 7.1: a report address in another org domain must authorise this domain."""
    targets: dict[str, str] = {}
    for uri in rec.rua:
        if uri.lower().startswith("mailto:") and "@" in uri:
            host = uri.rsplit("@", 1)[1].split("!")[0].rstrip(".").lower()
            if host and org_domain(host) != org_domain(domain):
                targets.setdefault(host, uri)
    names = [f"{domain}._report._dmarc.{host}" for host in targets]
    lookups = await asyncio.gather(*(dns.query(n, "TXT") for n in names))
    out = []
    for (host, uri), lookup in zip(targets.items(), lookups, strict=True):
        if lookup.failed:
            out.append(Finding("warn", f"could not verify {clean(uri)}: {lookup.describe()}"))
        elif not any(is_dmarc(r) for r in lookup.records):
            out.append(Finding("warn", f"{clean(uri)} is in another domain and {host} does not "
                                       f"authorise it ({lookup.name} has no v=DMARC1): "
                                       "reports will not be sent"))
        else:
            out.append(Finding("pass", f"external report address {clean(uri)} is authorised"))
    return out


async def _exists(dns: Dns, domain: str) -> bool | None:
    """RFC 9091 2.7: a domain does not exist when A, AAAA and MX all come back void."""
    lookups = await asyncio.gather(*(dns.query(domain, t) for t in ("A", "AAAA", "MX")))
    if any(lk.ok for lk in lookups):
        return True
    return None if any(lk.failed for lk in lookups) else False


def _discarded(lookup: Lookup) -> list[Finding]:
    return [Finding("fail", f"{lookup.name}: {clean(r, 80)!r} is meant as DMARC but the "
                            "version is not exactly v=DMARC1: receivers discard it "
                            "(RFC 7489 6.4)")
            for r in lookup.records if looks_like_dmarc(r)]


async def check_dmarc(dns: Dns, domain: str) -> DmarcReport:
    """Look up ``_dmarc.DOMAIN`` (falling back to the organisational domain, RFC 7489 6.6.3)
    and judge the policy; ``np=`` (RFC 9091) when the domain does not exist."""
    org = registrable_domain(domain)
    queried = f"_dmarc.{domain}"
    lookup = await dns.query(queried, "TXT")
    lookups = [lookup]
    findings: list[Finding] = _discarded(lookup)
    records = tuple(r for r in lookup.records if is_dmarc(r))
    fallback = False
    if not lookup.failed and not records and org and org != domain:
        queried = f"_dmarc.{org}"
        lookup = await dns.query(queried, "TXT")
        lookups.append(lookup)
        findings += _discarded(lookup)
        records = tuple(r for r in lookup.records if is_dmarc(r))
        fallback = bool(records) or lookup.failed
    record: DmarcRecord | None = None
    effective: str | None = None
    exists: bool | None = None
    found = one_record(lookup, records, absent=Finding(
        "fail", f"no DMARC record at _dmarc.{domain}"
                + (f" or _dmarc.{org}" if org and org != domain else "")
                + ": Gmail and Yahoo require one for bulk senders"),
        several=f"DMARC records at {queried}: receivers ignore them all (RFC 7489 6.6.3)")
    if isinstance(found, Finding):
        findings.append(found)
    else:
        record = parse_dmarc(found)
        effective = (record.subdomain_policy or record.policy) if fallback else record.policy
        if fallback:
            findings.append(Finding("info", f"no record at _dmarc.{domain}; the organisational "
                                            f"domain's ({org}, by the Public Suffix List of "
                                            f"{psl_snapshot()}) applies (RFC 7489 6.6.3)"))
            if record.nonexistent_policy and not record.problems:
                exists = await _exists(dns, domain)
                if exists is False:
                    effective = record.nonexistent_policy
                    findings.append(Finding("info", f"{domain} does not exist: np="
                                                    f"{effective} applies (RFC 9091)"))
        findings.extend(_policy_findings(record, effective))
        if not record.problems:
            findings.extend(await _external_rua(dns, org if fallback and org else domain,
                                                record))
    applied = queried.removeprefix("_dmarc.") if len(records) == 1 else None
    bis, _ = await tree_walk(dns, domain, is_dmarc)
    findings += _walk_findings(domain, applied, bis, lookup.failed)
    return DmarcReport(domain, queried, fallback, records, record, effective,
                       tuple(findings), tuple(lookups), org,
                       psl_snapshot(), exists, dmarcbis_domain=bis)


def _walk_findings(domain: str, applied: str | None, bis: str | None,
                   failed: bool) -> list[Finding]:
    """Where DMARCbis's tree walk applies another record than RFC 7489 does."""
    if failed or applied == bis:
        return []
    theirs = f"_dmarc.{bis}'s record" if bis else "no record"
    ours = f"_dmarc.{applied}" if applied else "no record"
    return [Finding("warn", f"receivers that follow DMARCbis (DNS tree walk) apply {theirs}, "
                            f"those that follow RFC 7489 (Public Suffix List) {ours}: publish "
                            f"a record at _dmarc.{domain} so both agree")]
