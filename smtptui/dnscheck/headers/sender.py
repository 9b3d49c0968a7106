"""The From address checks: none usable, several, a display name showing another address,
and the receiver's own ``header.from`` naming another domain (RFC 5322, RFC 7489 6.6.1)."""

from __future__ import annotations

from smtptui.dnscheck.headers.authres import AuthResult
from smtptui.dnscheck.headers.mailbox import Mailbox
from smtptui.dnscheck.headers.verdict import Verdict, by_method, domain_of


def from_verdicts(boxes: tuple[Mailbox, ...], fields: int,
                  results: list[AuthResult]) -> list[Verdict]:
    """No usable From, several From addresses, a display name showing another address,
    and the receiver's own ``header.from`` when it names another domain."""
    usable = [b for b in boxes if b.domain]
    if not usable:
        return [Verdict("from", "none", "warn", "no usable From address",
                        "the From header is missing or malformed")]
    out = []
    if len(boxes) > 1 or fields > 1:
        listing = ", ".join(b.address for b in boxes)
        where = f"{fields} From header fields" if fields > 1 else f"{len(boxes)} addresses"
        out.append(Verdict(
            "from", "several", "fail",
            f"{where} ({listing}): RFC 5322 allows one From field; DMARC receivers reject "
            f"such a message or check every domain (RFC 7489 6.6.1); {usable[0].address} is "
            "used here", "several From addresses: receivers reject such messages"))
    first = usable[0]
    shown = first.shown_address
    if shown:
        out.append(Verdict(
            "from", "display-name", "warn",
            f"the display name shows {shown}, but the message is from {first.address}: the "
            "verdicts below are for " + str(first.domain),
            f"the display name pretends to be {shown} (the sender is {first.address})"))
    dmarc = by_method(results, "dmarc")
    theirs = domain_of(dmarc[0].prop("header.from")) if dmarc else None
    if theirs and first.domain and theirs != first.domain:
        out.append(Verdict("from", "mismatch", "warn",
                           f"the receiver checked DMARC for header.from={theirs}, but the "
                           f"From address is {first.address}"))
    return out
