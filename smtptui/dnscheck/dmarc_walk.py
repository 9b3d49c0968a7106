"""DMARCbis policy discovery: the DNS tree walk (draft-ietf-dmarc-dmarcbis 4.10).

RFC 7489 looks at ``_dmarc.DOMAIN`` and then at the organisational domain found with the
Public Suffix List. DMARCbis drops the list: it walks up the tree, from DOMAIN straight to
its last four labels (when it has five or more) and then one label at a time, up to and
including the top-level domain, and the first valid record applies. The two mostly agree;
where they do not, receivers following one or the other apply different records.
"""

from __future__ import annotations

from collections.abc import Callable

from smtptui.dnscheck.resolver import Dns, Lookup


def walk_names(domain: str) -> list[str]:
    """The domains whose ``_dmarc`` records the walk asks for, in order."""
    labels = domain.rstrip(".").lower().split(".")
    out = [".".join(labels)]
    if len(labels) >= 5:
        labels = labels[-4:]
        out.append(".".join(labels))
    else:
        labels = labels[1:]
        if labels:
            out.append(".".join(labels))
    while len(labels) > 1:
        labels = labels[1:]
        out.append(".".join(labels))
    return list(dict.fromkeys(out))


async def tree_walk(dns: Dns, domain: str, is_record: Callable[[str], bool]
                    ) -> tuple[str | None, tuple[Lookup, ...]]:
    """The domain whose ``_dmarc`` record DMARCbis applies to ``domain`` (``None``: no
    record anywhere on the way, or a lookup failed first), and the lookups made.
    ``is_record`` tells a DMARC record from other TXT records."""
    lookups: list[Lookup] = []
    for name in walk_names(domain):
        lookup = await dns.query(f"_dmarc.{name}", "TXT")
        lookups.append(lookup)
        if lookup.failed:
            return None, tuple(lookups)
        if sum(1 for r in lookup.records if is_record(r)) == 1:
            return name, tuple(lookups)
    return None, tuple(lookups)
