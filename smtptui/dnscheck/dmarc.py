"""DMARC policy record (RFC 7489): lookup with org-domain fallback, parse, warnings."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

from smtptui.dnscheck.dmarc_walk import tree_walk
from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.orgdomain import org_domain, psl_snapshot, registrable_domain
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.dnscheck.tags import scan_tags
from smtptui.probe.sanitize import clean

POLICIES = ("none", "quarantine", "reject")
_VERSION = re.compile(r"v\s*=\s*DMARC1\s*(;|$)", re.I)
_STRICT_VERSION = re.compile(r"[vV][ \t]*=[ \t]*DMARC1[ \t]*(;|$)")
_SIZE = re.compile(r"[0-9]{1,20}[kmgtKMGT]?")
_MAX_SIZE = 2**64 - 1
_KNOWN = frozenset({"v", "p", "sp", "np", "pct", "adkim", "aspf", "fo", "rua", "ruf", "rf",
                    "ri", "psd", "t"})


def is_dmarc(text: str) -> bool:
    """A record receivers use: ``v=DMARC1`` first, the version exactly so (RFC 7489 6.4)."""
    return bool(_STRICT_VERSION.match(text))


def looks_like_dmarc(text: str) -> bool:
    """``v=dmarc1`` and the like: meant as DMARC, discarded by receivers."""
    return bool(_VERSION.match(text.strip())) and not is_dmarc(text)


@dataclass(frozen=True)
class DmarcRecord(JsonMixin):
    """A parsed record. ``problems`` make receivers discard it (no usable policy);
    ``ignored`` are malformed or unknown elements receivers skip; ``tag_errors`` are
    invalid values of optional tags, replaced by their defaults (RFC 7489 6.3): the policy
    stands."""

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
    tag_errors: tuple[str, ...] = ()
    nonexistent_policy: str | None = None
    """``np=`` (RFC 9091, DMARCbis): the policy for subdomains that do not exist."""
    implied_policy: bool = False
    """``p=`` missing or invalid but a valid ``rua``: receivers act as if ``p=none``
    (RFC 7489 6.6.3)."""


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


def _size_ok(size: str) -> bool:
    return bool(_SIZE.fullmatch(size)) and int(size.rstrip("kmgtKMGT")) <= _MAX_SIZE


def _uris(value: str, tag: str, errors: list[str]) -> tuple[str, ...]:
    """The valid URIs of a ``rua``/``ruf`` list (RFC 7489 6.2/6.4); each bad one is an
    error, and receivers skip it."""
    if not value.strip():
        errors.append(f"{tag}= is empty (it needs a mailto: URI): receivers ignore it")
        return ()
    good = []
    for uri in (u.strip() for u in value.split(",")):
        target, bang, size = uri.partition("!")
        problem = None
        if not uri:
            problem = "an empty entry in the list"
        elif bang and not _size_ok(size):
            problem = (f"{uri!r} has an invalid size limit {('!' + size)!r} (write a number, "
                       "optionally k, m, g or t)")
        elif target.lower().startswith("mailto:"):
            if not re.fullmatch(r"[^@\s,;!]+@[^@\s,;!]+\.[^@\s,;!]+", target[7:]):
                problem = f"{uri!r} is not a mailto: address"
        else:
            problem = f"{uri!r} is not a mailto: URI (receivers send reports only to mailto:)"
        if problem:
            errors.append(f"{tag}: {problem}; receivers skip it")
        else:
            good.append(uri)
    return tuple(good)


def _keyword(tags: dict[str, str], tag: str, allowed: tuple[str, ...], default: str,
             errors: list[str]) -> str:
    value = tags.get(tag)
    if value is None:
        return default
    if value.lower() not in allowed:
        errors.append(f"{tag}={value!r} is not {'/'.join(allowed)}: receivers use the default "
                      f"{tag}={default} (RFC 7489 6.3)" if default else
                      f"{tag}={value!r} is not {'/'.join(allowed)}: receivers ignore it")
        return default
    return value.lower()


def _number(tags: dict[str, str], tag: str, default: int, maximum: int,
            errors: list[str]) -> int:
    value = tags.get(tag)
    if value is None:
        return default
    if not value.isdigit() or int(value) > maximum:
        errors.append(f"{tag}={value!r} is not a whole number 0-{maximum}: receivers use the "
                      f"default {tag}={default} (RFC 7489 6.3)")
        return default
    return int(value)


def _order_problems(text: str) -> list[str]:
    """RFC 7489 6.4: ``v=`` first, then ``p=`` (DMARCbis drops the second rule)."""
    names = [part.partition("=")[0].strip().lower() for part in text.split(";")
             if "=" in part]
    if len(names) > 1 and names[1] != "p" and "p" in names:
        return [f"p= is not right after v=DMARC1 (tag {names[1]}= comes first): RFC 7489 6.4 "
                "requires v=DMARC1; p=… in that order, and receivers that follow it discard "
                "the record (DMARCbis allows any order)"]
    return []


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse a ``v=DMARC1`` record, collecting every problem instead of stopping at one."""
    problems: list[str] = []
    errors: list[str] = []
    if not is_dmarc(text):
        problems.append("the record does not start with v=DMARC1 (exactly so, upper case): "
                        "receivers discard it (RFC 7489 6.4)")
    tags, malformed = scan_tags(text)
    ignored = [m for m in malformed if "given twice" not in m]
    for dup in (m for m in malformed if "given twice" in m):
        problems.append(dup.replace("(the first value counts)",
                                    "(receivers reject a record with a repeated tag)"))
    ignored += [f"unknown tag {name}={value!r}" for name, value in tags.items()
                if name not in _KNOWN]
    problems += _order_problems(text)
    rua = _uris(tags["rua"], "rua", errors) if "rua" in tags else ()
    ruf = _uris(tags["ruf"], "ruf", errors) if "ruf" in tags else ()
    p = tags.get("p", "").lower() or None
    implied = False
    if p not in POLICIES:
        what = "p= is missing" if "p" not in tags else f"p={tags['p']!r} is not " \
            "none/quarantine/reject"
        if rua:
            errors.append(f"{what}: with a valid rua= receivers act as if p=none "
                          "(RFC 7489 6.6.3)")
            p, implied = "none", True
        else:
            problems.append(f"{what} (required): receivers treat the domain as having no "
                            "DMARC record (RFC 7489 6.6.3)")
            p = None
    sp = _keyword(tags, "sp", POLICIES, "", errors) or None
    np = _keyword(tags, "np", POLICIES, "", errors) or None
    pct = _number(tags, "pct", 100, 100, errors)
    adkim = _keyword(tags, "adkim", ("r", "s"), "r", errors)
    aspf = _keyword(tags, "aspf", ("r", "s"), "r", errors)
    fo = tags.get("fo")
    if fo is not None and not all(o.strip() in ("0", "1", "d", "s") for o in fo.split(":")):
        errors.append(f"fo={fo!r}: options are 0, 1, d and s separated by ':'; receivers use "
                      "the default fo=0 (RFC 7489 6.3)")
    _number(tags, "ri", 86400, 2**32 - 1, errors)
    rf = tags.get("rf")
    if rf is not None and not all(f.strip().lower() == "afrf" for f in rf.split(":")):
        errors.append(f"rf={rf!r}: the only report format is afrf; receivers use the default "
                      "rf=afrf (RFC 7489 6.3)")
    for tag in ("psd", "t"):
        if tag in tags and tags[tag].lower() not in (("y", "n", "u") if tag == "psd"
                                                     else ("y", "n")):
            errors.append(f"{tag}={tags[tag]!r} is not a DMARCbis value: receivers ignore it")
    return DmarcRecord(text, p, sp, pct, adkim, aspf, rua, ruf, tags, tuple(problems),
                       tuple(ignored), tuple(errors), np, implied)


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
