"""The one policy record of a TXT lookup (SPF, DMARC, MTA-STS, TLS-RPT allow exactly one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from smtptui.dnscheck.model import Finding

if TYPE_CHECKING:
    from smtptui.dnscheck.resolver import Lookup


def one_record(lookup: Lookup, records: tuple[str, ...], *, absent: Finding,
               several: str) -> str | Finding:
    """The single record among ``records`` (those of ``lookup`` of the wanted kind), or
    the finding that says why there is none: the lookup failed, ``absent`` when there is
    no record, or a fail "N ``several``" when there are more than one."""
    if lookup.failed:
        return Finding("fail", f"TXT lookup for {lookup.name}: {lookup.describe()}")
    if not records:
        return absent
    if len(records) > 1:
        return Finding("fail", f"{len(records)} {several}")
    return records[0]
