"""What each Authentication-Results result means, per method (RFC 8601 2.7, RFC 7208 2.6,
RFC 7489 11.2, RFC 8617 for ARC), and how serious it is for delivery.

``none`` never means "failed": for DKIM it is "not signed", for SPF "no record", for DMARC
"no policy". ``bestguesspass`` is Microsoft's DMARC result for a domain without a record
that would have passed.
"""

from __future__ import annotations

from smtptui.dnscheck.model import Level

ENVELOPE_PROPS = ("smtp.mailfrom", "smtp.mail", "smtp.mfrom", "smtp.helo")
"""Where the envelope sender is: RFC 8601 ``smtp.mailfrom``, Yandex's ``smtp.mail``, RFC
8617's examples' ``smtp.mfrom``; the HELO name when the sender was empty."""

MEANINGS: dict[str, dict[str, tuple[Level, str]]] = {
    "dkim": {
        "none": ("warn", "the message is not signed (no DKIM signature)"),
        "pass": ("pass", "a signature verified"),
        "fail": ("fail", "a signature did not verify (the message changed in transit, or "
                         "the published key does not match)"),
        "policy": ("fail", "a signature verified but the receiver does not accept it (its "
                           "policy: e.g. a weak key or the wrong signed headers)"),
        "neutral": ("fail", "a signature could not be processed (syntax errors)"),
        "temperror": ("warn", "the receiver could not verify it for now (a temporary error, "
                              "e.g. the key lookup timed out)"),
        "permerror": ("fail", "the signature cannot be verified (a permanent error: a "
                              "malformed signature, a missing key record or signed field)"),
    },
    "spf": {
        "none": ("warn", "no SPF record for the envelope domain (or no domain to check)"),
        "neutral": ("warn", "the SPF record says nothing about this IP (?all)"),
        "pass": ("pass", "the sending IP is authorised"),
        "fail": ("fail", "the sending IP is not authorised for the envelope domain (-all)"),
        "softfail": ("warn", "the sending IP is probably not authorised (~all)"),
        "temperror": ("warn", "the receiver could not look the record up (temporary DNS "
                              "error)"),
        "permerror": ("fail", "the SPF record is broken (syntax, too many lookups)"),
    },
    "dmarc": {
        "none": ("warn", "the From domain publishes no DMARC record"),
        "pass": ("pass", "SPF or DKIM passed aligned with the From domain"),
        "fail": ("fail", "neither SPF nor DKIM passed aligned with the From domain"),
        "temperror": ("warn", "the receiver could not fetch the DMARC record (temporary DNS "
                              "error)"),
        "permerror": ("fail", "the From domain's DMARC record is unusable (malformed)"),
        "bestguesspass": ("warn", "the From domain publishes no DMARC record; it would have "
                                  "passed if it had one"),
    },
    "arc": {
        "none": ("info", "no ARC sets (not relayed through an ARC sealer)"),
        "pass": ("pass", "the ARC chain verified"),
        "fail": ("warn", "the ARC chain is broken or did not verify"),
    },
}


def meaning(method: str, result: str) -> tuple[Level, str]:
    """(level, meaning) of ``method=result``; an unregistered result is a warning."""
    known = MEANINGS.get(method, {}).get(result)
    if known:
        return known
    return "warn", f"result {result!r} is not one RFC 8601 defines for {method}"
