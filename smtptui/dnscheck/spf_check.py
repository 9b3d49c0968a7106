"""The SPF section of a domain check: record found, syntax, lookup budget, evaluations."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.spf_eval import LOOKUP_LIMIT, SpfEvaluation, evaluate_spf
from smtptui.dnscheck.spf_macro import IPAddress
from smtptui.dnscheck.spf_parse import SpfRecord, SpfSyntaxError, is_spf, parse_spf
from smtptui.probe.sanitize import clean

_RESULT_LEVEL: dict[str, Level] = {
    "pass": "pass", "fail": "fail", "softfail": "fail", "neutral": "warn", "none": "fail",
    "permerror": "fail", "temperror": "fail",
}
_MAX_WALK = 40


@dataclass(frozen=True)
class SpfReport(JsonMixin):
    domain: str
    records: tuple[str, ...]
    """Every TXT record at the domain that starts with ``v=spf1`` (one is right)."""
    worst_case_lookups: int | None
    """DNS-querying terms across the include/redirect tree (RFC limit 10)."""
    evaluations: tuple[SpfEvaluation, ...]
    findings: tuple[Finding, ...]
    helo: str | None = None
    """The HELO identity checked beside the domain (``--helo``), and its evaluations."""
    helo_evaluations: tuple[SpfEvaluation, ...] = ()

    @property
    def level(self) -> Level:
        return level_of(self.findings)


async def _walk(dns: Dns, domain: str, seen: set[str], problems: list[str]) -> int:
    """Count lookup terms under ``domain`` (includes and reachable redirects, no macros)."""
    if domain in seen or len(seen) > _MAX_WALK:
        return 0
    seen.add(domain)
    lookup = await dns.query(domain, "TXT")
    records = [r for r in lookup.records if is_spf(r)]
    if lookup.failed:
        problems.append(f"{domain}: TXT {lookup.describe()}")
        return 0
    if len(records) != 1:
        problems.append(f"{domain}: {'no' if not records else len(records)} SPF record(s)")
        return 0
    try:
        record = parse_spf(records[0])
    except SpfSyntaxError as exc:
        problems.append(f"{domain}: syntax error: {exc}")
        return 0
    total = record.lookup_terms
    targets = [m.domain for m in record.mechanisms if m.name == "include" and m.domain]
    if record.redirect and not record.all_mechanism:
        targets.append(record.redirect)
    for target in targets:
        if "%" not in target:
            total += await _walk(dns, target.rstrip(".").lower(), seen, problems)
    return total


def _record_findings(record: SpfRecord) -> list[Finding]:
    out: list[Finding] = []
    final = record.all_mechanism
    if final is None and not record.redirect:
        out.append(Finding("warn", "no 'all' and no redirect: unmatched senders get neutral"))
    elif final is not None:
        verdict: dict[str, tuple[Level, str]] = {
            "-": ("pass", "ends in -all: everything else fails"),
            "~": ("pass", "ends in ~all: everything else soft-fails"),
            "?": ("warn", "ends in ?all: everything else is neutral (no protection)"),
            "+": ("fail", "+all lets any host on the internet send as this domain"),
        }
        out.append(Finding(*verdict[final.qualifier]))
        if record.redirect:
            out.append(Finding("warn", "redirect= is ignored because the record has 'all'"))
        if record.mechanisms[-1] is not final:
            out.append(Finding("warn", "terms after 'all' are never evaluated"))
    if any(m.name == "ptr" for m in record.mechanisms):
        out.append(Finding("warn", "uses 'ptr', deprecated by RFC 7208 5.5 (slow, unreliable)"))
    if len(record.text) > 450:
        out.append(Finding("warn", f"record is {len(record.text)} characters; keep SPF "
                                   "answers small (UDP size limits)"))
    return out


def _evaluation_finding(ev: SpfEvaluation, identity: str = "") -> Finding:
    deciding = clean(ev.path[-1]) if ev.path else ev.result
    text = f"{identity}{ev.ip}: {ev.result} ({deciding})"
    if ev.explanation:
        text += f"; explanation: {clean(ev.explanation, 200)}"
    return Finding(_RESULT_LEVEL[ev.result], text)


async def check_spf(dns: Dns, domain: str, ips: Sequence[IPAddress] = (),
                    sender: str | None = None, helo: str | None = None) -> SpfReport:
    """Find, syntax-check and size the SPF record, and evaluate it for each IP in ``ips``;
    with ``helo``, also the HELO identity (RFC 7208 2.3) and ``%{h}`` in the domain's."""
    lookup = await dns.query(domain, "TXT")
    records = tuple(r for r in lookup.records if is_spf(r))
    evaluations = tuple(await asyncio.gather(
        *(evaluate_spf(dns, ip, domain, sender, helo) for ip in ips)))
    helo_evals = tuple(await asyncio.gather(
        *(evaluate_spf(dns, ip, helo, f"postmaster@{helo}", helo) for ip in ips))
    ) if helo else ()
    findings: list[Finding] = []
    worst: int | None = None
    found = one_record(lookup, records, absent=Finding(
        "fail", "no SPF record (v=spf1): receivers cannot tell which hosts may send for this "
                "domain"),
        several="SPF records: permerror for every receiver; merge them into one")
    if isinstance(found, Finding):
        findings.append(found)
    else:
        try:
            record = parse_spf(found)
        except SpfSyntaxError as exc:
            findings.append(Finding("fail", f"syntax error: {clean(str(exc))} (permerror)"))
        else:
            findings.append(Finding("pass", "one SPF record, valid syntax"))
            findings.extend(_record_findings(record))
            problems: list[str] = []
            worst = await _walk(dns, domain, set(), problems)
            findings.extend(Finding("fail", f"include/redirect target {clean(p)}")
                            for p in problems)
            level: Level = "pass" if worst <= 8 else "warn" if worst <= LOOKUP_LIMIT else "fail"
            findings.append(Finding(level, f"{worst} DNS lookup(s) in the worst case "
                                           f"(limit {LOOKUP_LIMIT})"))
    findings.extend(_evaluation_finding(ev) for ev in evaluations)
    findings.extend(_evaluation_finding(ev, f"HELO {clean(helo or '', 100)}, ")
                    for ev in helo_evals)
    if helo and not ips:
        findings.append(Finding("info", f"HELO {clean(helo, 100)}: give --ip (or --host) to "
                                        "evaluate the HELO identity"))
    for ev in (*evaluations, *helo_evals):
        findings.extend(Finding("warn", clean(w)) for w in ev.warnings)
    return SpfReport(domain, records, worst, evaluations, tuple(dict.fromkeys(findings)),
                     helo, helo_evals)
