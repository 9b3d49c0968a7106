"""MTA-STS TXT record (RFC 8461 3.1). The HTTPS policy file itself is not fetched."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.tags import scan_tags
from smtptui.probe.sanitize import clean

POLICY_NOTE = ("policy file https://mta-sts.{domain}/.well-known/mta-sts.txt not fetched "
               "(HTTPS fetch is out of scope for DNS checks)")


def is_mtasts(text: str) -> bool:
    return bool(re.match(r"v\s*=\s*STSv1\s*(;|$)", text))


def validate_mtasts(text: str) -> tuple[str | None, list[str]]:
    """Return ``(id, problems)`` for one ``v=STSv1`` record."""
    tags, problems = scan_tags(text, lower_names=False)
    sts_id = tags.get("id")
    if next(iter(tags), None) != "v" or tags.get("v") != "STSv1":
        problems.append("v=STSv1 must be the first tag")
    if sts_id is None:
        problems.append("id= is missing")
    elif not re.fullmatch(r"[A-Za-z0-9]{1,32}", sts_id):
        problems.append(f"id={sts_id!r} must be 1-32 letters or digits")
    return sts_id, problems


@dataclass(frozen=True)
class MtaStsReport(JsonMixin):
    domain: str
    records: tuple[str, ...]
    policy_id: str | None
    policy_host_addresses: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


async def check_mtasts(dns: Dns, domain: str) -> MtaStsReport:
    """``_mta-sts.DOMAIN`` TXT parsed and validated; ``mta-sts.DOMAIN`` resolvability."""
    lookup, host_a, host_aaaa = await asyncio.gather(
        dns.query(f"_mta-sts.{domain}", "TXT"),
        dns.query(f"mta-sts.{domain}", "A"), dns.query(f"mta-sts.{domain}", "AAAA"))
    records = tuple(r for r in lookup.records if is_mtasts(r))
    addresses = host_a.records + host_aaaa.records
    findings: list[Finding] = []
    policy_id = None
    record = one_record(lookup, records, absent=Finding(
        "info", "no MTA-STS record: senders may deliver to this domain without enforced "
                "TLS (optional)"),
        several="v=STSv1 records: senders treat the domain as having no MTA-STS (RFC 8461 3.1)")
    if isinstance(record, Finding):
        findings.append(record)
    else:
        policy_id, problems = validate_mtasts(record)
        if problems:
            findings.extend(Finding("fail", f"malformed: {clean(p)}") for p in problems)
        else:
            findings.append(Finding("pass", f"MTA-STS record, id={clean(policy_id or '')}"))
        if addresses:
            findings.append(Finding("pass", f"policy host mta-sts.{domain} resolves"))
        elif host_a.failed or host_aaaa.failed:
            findings.append(Finding("fail", f"policy host mta-sts.{domain}: "
                                            f"{host_a.describe()}"))
        else:
            findings.append(Finding("fail", f"policy host mta-sts.{domain} does not resolve: "
                                            "senders cannot fetch the policy"))
        findings.append(Finding("info", POLICY_NOTE.format(domain=domain)))
    return MtaStsReport(domain, records, policy_id, addresses, tuple(findings))
