"""DMARC policy record (RFC 7489): lookup with org-domain fallback, parse, warnings."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.orgdomain import org_domain, psl_snapshot, registrable_domain
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.dnscheck.tags import scan_tags
from smtptui.probe.sanitize import clean

POLICIES = ("none", "quarantine", "reject")
_VERSION = re.compile(r"v\s*=\s*DMARC1\s*(;|$)", re.I)


def is_dmarc(text: str) -> bool:
    return bool(_VERSION.match(text))


@dataclass(frozen=True)
class DmarcRecord(JsonMixin):
    """A parsed record. ``problems`` make it unusable (p= missing or invalid...);
    ``ignored`` are malformed elements that receivers skip (RFC 7489 6.3), the other tags
    still apply."""

    text: str
    policy: str | None
    subdomain_policy: str | None
    pct: int
    adkim: str
    aspf: str
    rua: tuple[str, ...]
    ruf: tuple[str, ...]
    tags: dict[str, str]
    problems: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class DmarcReport(JsonMixin):
    domain: str
    queried: str
    """The ``_dmarc`` name whose record applies (the org domain's when falling back)."""
    org_fallback: bool
    records: tuple[str, ...]
    record: DmarcRecord | None
    effective_policy: str | None
    """``p`` for the domain itself, ``sp`` (or ``p``) when the org domain's record applies."""
    findings: tuple[Finding, ...]
    lookups: tuple[Lookup, ...] = field(default=(), metadata={"json": False}, repr=False)

    @property
    def level(self) -> Level:
        return level_of(self.findings)


def _uris(value: str, tag: str, problems: list[str]) -> tuple[str, ...]:
    uris = tuple(u.strip() for u in value.split(",") if u.strip())
    for uri in uris:
        target = uri.rsplit("!", 1)[0] if re.search(r"![0-9]+[kmgt]?$", uri, re.I) else uri
        if target.lower().startswith("mailto:"):
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", target[7:]):
                problems.append(f"{tag}: invalid address {uri!r}")
        elif not target.lower().startswith("https://"):
            problems.append(f"{tag}: unsupported URI {uri!r} (use mailto:)")
    return uris


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse a ``v=DMARC1`` record, collecting every problem instead of stopping at one."""
    problems: list[str] = []
    tags, ignored = scan_tags(text)
    p = tags.get("p", "").lower() or None
    if p is None:
        problems.append("p= is missing (required)")
    elif p not in POLICIES:
        problems.append(f"p={p!r} is not none/quarantine/reject")
    sp = tags.get("sp", "").lower() or None
    if sp is not None and sp not in POLICIES:
        problems.append(f"sp={sp!r} is not none/quarantine/reject")
    pct_text = tags.get("pct", "100")
    pct = int(pct_text) if pct_text.isdigit() and int(pct_text) <= 100 else 100
    if not pct_text.isdigit() or int(pct_text) > 100:
        problems.append(f"pct={pct_text!r} is not 0-100")
    align = {}
    for tag in ("adkim", "aspf"):
        align[tag] = tags.get(tag, "r").lower()
        if align[tag] not in ("r", "s"):
            problems.append(f"{tag}={tags[tag]!r} is not r or s")
    for opt in tags.get("fo", "0").split(":"):
        if opt.strip() not in ("0", "1", "d", "s"):
            problems.append(f"fo={tags['fo']!r}: options are 0, 1, d, s")
            break
    rua = _uris(tags.get("rua", ""), "rua", problems)
    ruf = _uris(tags.get("ruf", ""), "ruf", problems)
    return DmarcRecord(text, p, sp, pct, align["adkim"], align["aspf"], rua, ruf, tags,
                       tuple(problems), tuple(ignored))


def _policy_findings(rec: DmarcRecord, effective: str | None) -> list[Finding]:
    out = [Finding("warn", f"{clean(p)}: receivers ignore it (RFC 7489 6.3)")
           for p in rec.ignored]
    if rec.problems:
        out.extend(Finding("fail", f"invalid: {clean(p)}") for p in rec.problems)
        return out
    if effective == "none":
        out.append(Finding("warn", "p=none: monitoring only; mail that fails DMARC is still "
                                   "delivered (spoofing not blocked)"))
    else:
        out.append(Finding("pass", f"policy {effective}: mail that fails DMARC is {effective}"
                                   + ("ed" if effective == "reject" else "d")))
    if rec.pct < 100:
        out.append(Finding("warn", f"pct={rec.pct}: the policy applies to only {rec.pct}% of "
                                   "failing mail"))
    if not rec.rua:
        out.append(Finding("warn", "no rua=: you receive no aggregate reports, so failures "
                                   "go unnoticed"))
    if rec.subdomain_policy and rec.policy and (
            POLICIES.index(rec.subdomain_policy) < POLICIES.index(rec.policy)):
        out.append(Finding("info", f"sp={rec.subdomain_policy} is weaker than "
                                   f"p={rec.policy} for subdomains"))
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


async def check_dmarc(dns: Dns, domain: str) -> DmarcReport:
    """Look up ``_dmarc.DOMAIN`` (falling back to the org domain) and judge the policy."""
    org = registrable_domain(domain) or domain
    queried = f"_dmarc.{domain}"
    lookup = await dns.query(queried, "TXT")
    lookups = [lookup]
    records = tuple(r for r in lookup.records if is_dmarc(r))
    fallback = False
    if not lookup.failed and not records and org != domain:
        queried = f"_dmarc.{org}"
        lookup = await dns.query(queried, "TXT")
        lookups.append(lookup)
        records = tuple(r for r in lookup.records if is_dmarc(r))
        fallback = bool(records) or lookup.failed
    findings: list[Finding] = []
    record: DmarcRecord | None = None
    effective: str | None = None
    found = one_record(lookup, records, absent=Finding(
        "fail", f"no DMARC record at _dmarc.{domain}"
                + (f" or _dmarc.{org}" if org != domain else "")
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
                                            f"{psl_snapshot()}) applies"))
        findings.extend(_policy_findings(record, effective))
        if not record.problems:
            findings.extend(await _external_rua(dns, org if fallback else domain, record))
    return DmarcReport(domain, queried, fallback, records, record, effective,
                       tuple(findings), tuple(lookups))
