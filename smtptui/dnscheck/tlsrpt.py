"""SMTP TLS Reporting TXT record (RFC 8460 3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.tags import scan_tags
from smtptui.probe.sanitize import clean


def is_tlsrpt(text: str) -> bool:
    return bool(re.match(r"v\s*=\s*TLSRPTv1\s*(;|$)", text))


def validate_tlsrpt(text: str) -> tuple[tuple[str, ...], list[str]]:
    """Return ``(rua URIs, problems)`` for one ``v=TLSRPTv1`` record."""
    tags, problems = scan_tags(text, lower_names=False)
    if next(iter(tags), None) != "v" or tags.get("v") != "TLSRPTv1":
        problems.append("v=TLSRPTv1 must be the first tag")
    rua = tuple(u.strip() for u in tags.get("rua", "").split(",") if u.strip())
    if not rua:
        problems.append("rua= is missing (where reports go)")
    for uri in rua:
        low = uri.lower()
        if low.startswith("mailto:"):
            if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", uri[7:]):
                problems.append(f"rua: invalid address {uri!r}")
        elif low.startswith("https://"):
            if not re.fullmatch(r"https://[^/\s]+\.[^/\s]+(/\S*)?", uri, re.I):
                problems.append(f"rua: invalid URL {uri!r}")
        else:
            problems.append(f"rua: {uri!r} must be mailto: or https:")
    return rua, problems


@dataclass(frozen=True)
class TlsRptReport(JsonMixin):
    domain: str
    records: tuple[str, ...]
    rua: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


async def check_tlsrpt(dns: Dns, domain: str) -> TlsRptReport:
    """``_smtp._tls.DOMAIN`` TXT parsed and validated."""
    lookup = await dns.query(f"_smtp._tls.{domain}", "TXT")
    records = tuple(r for r in lookup.records if is_tlsrpt(r))
    findings: list[Finding] = []
    rua: tuple[str, ...] = ()
    record = one_record(lookup, records, absent=Finding(
        "info", "no TLS-RPT record: you get no reports of TLS delivery failures (optional)"),
        several="v=TLSRPTv1 records: senders ignore them all (RFC 8460 3)")
    if isinstance(record, Finding):
        findings.append(record)
    else:
        rua, problems = validate_tlsrpt(record)
        if problems:
            findings.extend(Finding("fail", f"malformed: {clean(p)}") for p in problems)
        else:
            findings.append(Finding("pass", "TLS-RPT record, reports to "
                                            + clean(", ".join(rua))))
    return TlsRptReport(domain, records, rua, tuple(findings))
