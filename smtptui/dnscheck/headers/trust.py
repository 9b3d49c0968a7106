"""Which Authentication-Results to believe (RFC 8601 section 5 and 7.1).

Anyone can write an Authentication-Results header into a message before sending it; only
those the receiving domain added are evidence. A receiver may write several, one per
filter, each with its own authserv-id (iCloud: ``dmarcmilter.…``, ``spfmilter.…``,
``dkimmilter.…``). So the trusted set is found from the trace, top down:

* the receiving domain is the organisational domain of the topmost authserv-id and of the
  topmost ``Received: … by HOST``;
* the first external hop is the first Received (top down) whose client is not one of the
  receiving domain's hosts (by its reverse-DNS name when the receiver recorded one, else its
  announced name) and not a loopback/private address;
* trusted: every Authentication-Results above that hop, and those between it and the next
  Received (where the MX writes them, Gmail does) whose authserv-id is in the receiving
  domain (an empty authserv-id, as Microsoft writes, counts as the receiver's).

Without a Received header only the receiving domain's ids are trusted. ``--trust ID`` names
the ids instead: a header is trusted when its authserv-id is ID or a host under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smtptui.dnscheck.headers.authres import AuthResultsHeader, parse_auth_results
from smtptui.dnscheck.headers.received import parse_received
from smtptui.dnscheck.ipkind import internal_ip
from smtptui.dnscheck.orgdomain import org_domain


@dataclass(frozen=True)
class Trusted:
    headers: tuple[AuthResultsHeader, ...]
    """Every Authentication-Results header, in message order (newest first)."""
    trusted: tuple[AuthResultsHeader, ...]
    ids: tuple[str, ...]
    """The authserv-ids of the trusted headers, in order, without repeats."""


def _name(host: str | None) -> str | None:
    """A host name worth an org-domain test (has a dot, is not an address literal)."""
    if not host:
        return None
    host = host.strip("[]").rstrip(".").lower()
    if "." not in host or ":" in host or host.replace(".", "").isdigit():
        return None
    return host


def _matches(authserv_id: str, names: Sequence[str]) -> bool:
    return any(authserv_id == n or authserv_id.endswith("." + n) for n in names)


def trusted_results(trace: Sequence[tuple[str, str]], trust: Sequence[str] = ()) -> Trusted:
    """``trace``: (lower-case field name, value) of the Received and Authentication-Results
    fields in message order. ``trust``: authserv-ids named by the user."""
    items: list[tuple[str, AuthResultsHeader | dict[str, str | None]]] = []
    for name, value in trace:
        if name == "authentication-results":
            items.append(("ar", parse_auth_results(value)))
        elif name == "received":
            items.append(("rcvd", parse_received(value)[0]))
    headers = tuple(h for kind, h in items if isinstance(h, AuthResultsHeader))
    if trust:
        names = [t.strip().rstrip(".").lower() for t in trust]
        chosen = [h for h in headers if _matches(h.authserv_id, names)]
        return Trusted(headers, tuple(chosen), tuple(dict.fromkeys(h.authserv_id
                                                                    for h in chosen)))
    ours: set[str] = set()
    first_id = next((h.authserv_id for h in headers if h.authserv_id), None)
    first_by = next((_name(f.get("by_host")) for kind, f in items
                     if isinstance(f, dict) and _name(f.get("by_host"))), None)
    ours.update(org_domain(n) for n in (first_id, first_by) if n)

    def in_ours(host: str | None) -> bool:
        return host is not None and org_domain(host) in ours

    chosen = []
    boundary = None          # index of the first external hop
    for index, (_kind, item) in enumerate(items):
        if isinstance(item, AuthResultsHeader):
            own = not item.authserv_id or in_ours(item.authserv_id)
            if (boundary is None and any(k == "rcvd" for k, _ in items[index:])) or own:
                chosen.append(item)
            continue
        if boundary is not None:
            break                    # the sender's own hops and below: never trusted
        by = _name(item.get("by_host"))
        if by:
            ours.add(org_domain(by))
        client = _name(item.get("from_rdns")) or _name(item.get("from_host"))
        if item.get("from_host") is None or internal_ip(item.get("from_ip")) or in_ours(client):
            continue
        boundary = index
    if boundary is None:
        # No external hop seen: trust the receiving domain's ids only.
        chosen = [h for h in headers if not h.authserv_id or in_ours(h.authserv_id)]
    return Trusted(headers, tuple(chosen), tuple(dict.fromkeys(h.authserv_id for h in chosen)))
