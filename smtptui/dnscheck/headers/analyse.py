"""Header analysis: authentication verdicts, ARC, the Received chain and bulk-sender rules.

Pure (no DNS): it reads what receivers already wrote into the headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smtptui.dnscheck.headers.authres import (
    AuthResult,
    AuthResultsHeader,
    ReceivedSpf,
    parse_auth_results,
    parse_received_spf,
)
from smtptui.dnscheck.headers.mailbox import Mailbox, parse_mailboxes
from smtptui.dnscheck.headers.parse import header_values, parse_block, raw_values, trace_fields
from smtptui.dnscheck.headers.received import Hop, received_chain
from smtptui.dnscheck.headers.results import ENVELOPE_PROPS, meaning
from smtptui.dnscheck.headers.sender import from_verdicts
from smtptui.dnscheck.headers.signatures import (
    ArcSeal,
    DkimSignature,
    parse_arc_seal,
    parse_dkim_signature,
)
from smtptui.dnscheck.headers.trust import trusted_results
from smtptui.dnscheck.headers.verdict import Verdict, by_method, domain_of
from smtptui.dnscheck.model import JsonMixin, Level, worst
from smtptui.dnscheck.orgdomain import aligned
from smtptui.probe.sanitize import clean

SLOW_DELIVERY_S = 600.0


@dataclass(frozen=True)
class ArcChain(JsonMixin):
    instances: int
    seals: tuple[ArcSeal, ...]
    results: tuple[AuthResultsHeader, ...]
    valid: bool | None
    """cv=none at i=1, cv=pass above it, instances 1..N: True; cv=fail: False; no ARC: None."""


@dataclass(frozen=True)
class HeaderReport(JsonMixin):
    from_address: str | None
    from_domain: str | None
    subject: str | None
    message_id: str | None
    authserv_id: str | None
    """The first trusted authserv-id (``None``: no trusted Authentication-Results)."""
    auth_results: tuple[AuthResultsHeader, ...]
    received_spf: tuple[ReceivedSpf, ...]
    dkim_signatures: tuple[DkimSignature, ...]
    arc: ArcChain
    hops: tuple[Hop, ...]
    total_delay_s: float | None
    list_unsubscribe: str | None
    one_click: bool
    verdicts: tuple[Verdict, ...]
    skipped_lines: int
    header_count: int = 0
    """Header fields found in the text (0: nothing to analyse)."""
    trusted_ids: tuple[str, ...] = ()
    """Every authserv-id whose results were used (one receiver may write several)."""
    from_mailboxes: tuple[Mailbox, ...] = ()
    """Every address of every From field (one is right)."""
    trusted_results: tuple[AuthResult, ...] = field(default=(), metadata={"json": False},
                                                    repr=False)
    """The results of the trusted Authentication-Results headers, in message order."""

    @property
    def from_shown(self) -> str | None:
        """The From address as a reader sees it: ``"Display name" <address>``."""
        box = next((b for b in self.from_mailboxes if b.address == self.from_address), None)
        if box is None or not box.display_name:
            return self.from_address
        return f'"{box.display_name}" <{box.address}>'

    def results_for(self, method: str) -> list[AuthResult]:
        return [r for r in self.trusted_results if r.method == method]

    @property
    def level(self) -> Level:
        return worst(v.level for v in self.verdicts)

    @property
    def spam_reasons(self) -> tuple[str, ...]:
        return tuple(v.reason for v in self.verdicts if v.reason)


def _spf_verdict(results: list[AuthResult], received: list[ReceivedSpf],
                 from_domain: str | None, dkim_ok: bool) -> tuple[Verdict, str | None]:
    """The SPF verdict and the envelope domain when it passed aligned with From."""
    spf = by_method(results, "spf")
    if spf:
        result, mailfrom = spf[0].result, domain_of(spf[0].prop(*ENVELOPE_PROPS))
    elif received:
        result = received[0].result
        mailfrom = domain_of(received[0].props.get("envelope-from"))
    else:
        return Verdict("spf", "none", "warn", "no SPF result in the headers",
                       "no SPF result recorded by the receiver"), None
    is_aligned = bool(mailfrom and from_domain and aligned(mailfrom, from_domain))
    where = f"smtp.mailfrom={mailfrom}" if mailfrom else "envelope sender unknown"
    if result == "pass":
        if from_domain is None:
            return Verdict("spf", result, "pass", f"pass ({where})"), None
        if is_aligned:
            return Verdict("spf", result, "pass", f"pass, {where} aligned with From"), mailfrom
        level: Level = "info" if dkim_ok else "warn"
        return Verdict("spf", result, level, f"pass, but {where} is not aligned with From "
                       f"{from_domain}; DMARC relies on DKIM",
                       None if dkim_ok else "SPF passed for another domain, not the From "
                                            "domain"), None
    lvl, means = meaning("spf", result)
    return Verdict("spf", result, lvl, f"{result}: {means} ({where})",
                   f"SPF {result}: {means}"), None


def _dkim_verdict(results: list[AuthResult], sigs: list[DkimSignature],
                  from_domain: str | None) -> tuple[Verdict, str | None]:
    """The DKIM verdict and the signing domain when it passed aligned with From."""
    dkim = by_method(results, "dkim")
    passing = [r for r in dkim if r.result == "pass"]
    domains = [domain_of(r.prop("header.d", "header.i")) for r in passing]
    good = [d for d in domains if d and from_domain and aligned(d, from_domain)]
    weak_alg = [s for s in sigs if s.algorithm == "rsa-sha1"]
    suffix = "; uses rsa-sha1 (deprecated, RFC 8301)" if weak_alg else ""
    if good:
        return Verdict("dkim", "pass", "warn" if weak_alg else "pass",
                       f"pass, d={good[0]} aligned with From" + suffix), good[0]
    if passing:
        others = ", ".join(d for d in domains if d) or "another domain"
        broken = [domain_of(r.prop("header.d", "header.i")) or "?" for r in dkim
                  if r.result != "pass"]
        if broken:
            suffix = f"; d={', '.join(broken)} did not verify (changed in transit?)" + suffix
        return Verdict("dkim", "pass", "warn",
                       f"pass for d={others}, not aligned with From {from_domain}" + suffix,
                       "DKIM signed by another domain only (no aligned signature)"), None
    if dkim:
        first = dkim[0]
        found, means = meaning("dkim", first.result)
        why = first.reason or ("; ".join(first.comments) if first.result != "none" else "")
        detail = f"{first.result}: {means}" + (f" ({why})" if why else "")
        reason = ("no DKIM signature: Gmail and Yahoo require one from bulk senders"
                  if first.result == "none" else f"DKIM {first.result}: {means}")
        return Verdict("dkim", first.result, found, detail, reason), None
    if sigs:
        names = ", ".join(f"d={s.domain} s={s.selector}" for s in sigs)
        signer = next((s.domain for s in sigs if s.aligned_relaxed), None)
        level: Level = "pass" if signer else "warn"
        return Verdict("dkim", "unknown", level, f"signed ({names}); no receiver result "
                       "in the headers" + suffix), signer
    return Verdict("dkim", "none", "warn", "the message is not signed (no DKIM signature "
                   "and no receiver result)",
                   "no DKIM signature: Gmail and Yahoo require one from bulk senders"), None


def _dmarc_verdict(results: list[AuthResult], from_domain: str | None,
                   aligned_passes: dict[str, str], arc_ok: bool) -> Verdict:
    """``aligned_passes``: mechanism -> the domain that passed aligned with From (relaxed)."""
    dmarc = by_method(results, "dmarc")
    passed = [m.upper() for m in ("spf", "dkim") if m in aligned_passes]
    relaxed_only = not any(from_domain and aligned(d, from_domain, "s")
                           for d in aligned_passes.values())
    if not dmarc:
        if passed:
            return Verdict("dmarc", "unknown", "info", "no receiver result; the aligned "
                           f"{passed[-1]} pass above satisfies DMARC"
                           + (" unless the domain requires strict alignment"
                              if relaxed_only else ""))
        return Verdict("dmarc", "unknown", "warn", "no receiver result and nothing aligned "
                       "passed", "neither SPF nor DKIM passed aligned with the From domain")
    r = dmarc[0]
    policy = r.prop("policy.dmarc", "policy.published-domain-policy")
    for comment in r.comments:
        m = re.search(r"\bp=(\w+)", comment, re.I)
        if m and not policy:
            policy = m.group(1).lower()
    action = r.prop("action", "policy.applied-disposition")
    where = f"header.from={r.prop('header.from') or from_domain}"
    tail = f", policy {policy}" if policy else ""
    if r.result == "pass":
        return Verdict("dmarc", "pass", "pass", f"pass ({where}{tail})")
    level, means = meaning("dmarc", r.result)
    if r.result in ("bestguesspass", "none"):
        return Verdict("dmarc", r.result, level, f"{r.result}: {means}",
                       "no DMARC record for the From domain (required for bulk senders)")
    if r.result != "fail":
        return Verdict("dmarc", r.result, level, f"{r.result}: {means} ({where}{tail})",
                       f"DMARC {r.result}: {means}")
    if not action:
        action = next((m.group(1).lower() for c in r.comments
                       if (m := re.search(r"\bdis=(\w+)", c, re.I))), None)
    if passed:
        # Our own SPF/DKIM lines say an aligned pass exists: "neither passed aligned" would
        # contradict them, so say what can make the receiver's fail agree with them.
        which = " and ".join(f"{m.upper()} ({d})" for m, d in aligned_passes.items())
        means = (f"the receiver found no aligned pass: {which} passed, aligned "
                 "with From only in relaxed mode; the domain's DMARC record probably requires "
                 "strict alignment (aspf=s/adkim=s)" if relaxed_only else
                 f"the receiver found no aligned pass, although {which} passed with the "
                 "From domain itself; it judged another From or result than these headers "
                 "show")
    detail = (f"{r.result}: {means} ({where}{tail}"
              f"{f', action {action}' if action else ''})")
    if arc_ok:
        detail += "; a valid ARC chain may let the receiver override it"
    return Verdict("dmarc", r.result, "fail", detail,
                   f"DMARC {r.result}: {means}"
                   + (f"; the domain asks receivers to {policy}" if policy and policy != "none"
                      else ""))


def _arc(msg_seals: list[str], msg_ar: list[str], results: list[AuthResult]) -> ArcChain:
    seals = tuple(sorted((parse_arc_seal(v) for v in msg_seals),
                         key=lambda s: s.instance or 0))
    ars = tuple(parse_auth_results(v, arc=True) for v in msg_ar)
    if not seals:
        return ArcChain(0, seals, ars, None)
    numbers = [s.instance for s in seals]
    valid = (numbers == list(range(1, len(seals) + 1)) and seals[0].cv == "none"
             and all(s.cv == "pass" for s in seals[1:]))
    reported = by_method(results, "arc")
    if reported and reported[0].result != "pass":
        valid = False
    return ArcChain(len(seals), seals, ars, valid)


def _arc_verdict(chain: ArcChain, results: list[AuthResult]) -> Verdict:
    reported = by_method(results, "arc")
    result = reported[0].result if reported else ("none" if not chain.instances else "unknown")
    if not chain.instances:
        return Verdict("arc", result, "info", "no ARC headers (not relayed through an ARC "
                       "sealer)")
    sealers = ", ".join(f"i={s.instance} d={s.domain} cv={s.cv}" for s in chain.seals)
    if chain.valid:
        return Verdict("arc", result if reported else "pass", "pass",
                       f"{chain.instances} instance(s): {sealers}")
    return Verdict("arc", result if reported else "fail", "warn",
                   f"chain broken or incomplete: {sealers}",
                   "ARC chain broken: forwarded mail cannot vouch for its original "
                   "authentication")


def _unsubscribe_verdict(unsub: str | None, post: str | None) -> tuple[Verdict, bool]:
    one_click = bool(post and re.fullmatch(r"\s*List-Unsubscribe\s*=\s*One-Click\s*", post,
                                           re.I))
    https = bool(unsub and re.search(r"<https://", unsub, re.I))
    if not unsub:
        return Verdict("unsubscribe", "none", "info", "no List-Unsubscribe: fine for personal "
                       "mail; bulk senders (5000+/day to Gmail) must offer one-click "
                       "unsubscribe"), False
    if one_click and https:
        return Verdict("unsubscribe", "one-click", "pass", "List-Unsubscribe with "
                       "List-Unsubscribe-Post: One-Click (RFC 8058)"), True
    if one_click:
        return Verdict("unsubscribe", "invalid", "warn", "List-Unsubscribe-Post present but "
                       "no https: URI in List-Unsubscribe (RFC 8058 needs one)",
                       "one-click unsubscribe is not usable"), False
    return Verdict("unsubscribe", "present", "warn", "List-Unsubscribe present, but no "
                   "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                   "no one-click unsubscribe (Gmail/Yahoo bulk-sender requirement)"), False


def _spam_filter_verdicts(get: dict[str, list[str]]) -> list[Verdict]:
    out = []
    scl = None
    for value in get.get("x-ms-exchange-organization-scl", []):
        if re.fullmatch(r"-?\d+", value.strip()):
            scl = int(value)
    for value in get.get("x-forefront-antispam-report", []):
        m = re.search(r"\bSCL:(-?\d+)", value)
        if m:
            scl = int(m.group(1))
    if scl is not None:
        junk = scl >= 5
        out.append(Verdict("spam-filter", f"SCL {scl}", "fail" if junk else "pass",
                           f"Microsoft spam confidence level {scl}"
                           + (" (Junk folder)" if junk else ""),
                           f"Microsoft rated the message spam (SCL {scl})" if junk else None))
    flag = next(iter(get.get("x-spam-flag", [])), "")
    status = next(iter(get.get("x-spam-status", [])), "")
    if flag or status:
        spam = flag.strip().lower() == "yes" or status.strip().lower().startswith("yes")
        score = re.search(r"score=(-?[\d.]+)", status)
        detail = f"SpamAssassin {'spam' if spam else 'not spam'}" + (
            f", score {score.group(1)}" if score else "")
        out.append(Verdict("spam-filter", "spam" if spam else "ham",
                           "fail" if spam else "pass", detail,
                           f"a spam filter flagged it ({detail})" if spam else None))
    return out


def _delivery_verdict(hops: tuple[Hop, ...], total: float | None) -> Verdict:
    if not hops:
        return Verdict("delivery", "none", "info", "no Received headers")
    skew = [h for h in hops if h.delay_s is not None and h.delay_s < 0]
    detail = f"{len(hops)} hop(s)" + (f", {total:.0f} s in transit" if total is not None else "")
    if skew:
        detail += f"; clock skew at hop {skew[0].number} ({skew[0].delay_text})"
    if total is not None and total < 0:
        return Verdict("delivery", "clock-skew", "warn", detail + ": the last hop is dated "
                       "before the first, so the servers' clocks disagree and the transit "
                       "time is unknown")
    if total is not None and total > SLOW_DELIVERY_S:
        slow = max((h for h in hops if h.delay_s), key=lambda h: h.delay_s or 0.0)
        return Verdict("delivery", "slow", "warn", detail + f"; slowest at hop {slow.number} "
                       f"({clean(slow.by_host or '?')})",
                       "delivery was delayed (greylisting or a queue)")
    return Verdict("delivery", "ok", "pass" if total is not None else "info", detail)


def _completeness_verdict(get: dict[str, list[str]], count: int) -> Verdict | None:
    """Says which headers of a delivered message the pasted text lacks, if any."""
    missing = []
    if not get["received"]:
        missing.append("no Received headers (the delivery path is unknown)")
    if not get["authentication-results"]:
        missing.append("no Authentication-Results (the receiving server's SPF, DKIM and "
                       "DMARC results are unknown"
                       + ("; Received-SPF is there)" if get["received-spf"] else ")"))
    if not missing:
        return None
    return Verdict("headers", "partial", "info", f"{count} header field(s); "
                   + "; ".join(missing) + ": paste all the headers of the delivered message")


def analyse_headers(text: str, trust: tuple[str, ...] = ()) -> HeaderReport:
    """Analyse a pasted header block (a whole message is fine: the body is ignored).

    ``trust``: authserv-ids whose Authentication-Results to believe (default: those the
    receiving domain added, see :mod:`~smtptui.dnscheck.headers.trust`)."""
    msg, skipped = parse_block(text)

    def get(name: str) -> list[str]:
        return header_values(msg, name)

    from_fields = raw_values(msg, "From")
    boxes = parse_mailboxes(from_fields)
    first = next((b for b in boxes if b.domain), None)
    address = first.address if first else (boxes[0].address if boxes else
                                            (from_fields[0] if from_fields else None))
    from_domain = first.domain if first else None
    chosen = trusted_results(trace_fields(msg), trust)
    ar_headers = list(chosen.headers)
    results = [r for h in chosen.trusted for r in h.results]
    authserv = chosen.ids[0] if chosen.ids else None
    received_spf = [parse_received_spf(v) for v in get("Received-SPF")]
    sigs = [parse_dkim_signature(v, from_domain) for v in get("DKIM-Signature")]
    arc = _arc(get("ARC-Seal"), get("ARC-Authentication-Results"), results)
    hops, total = received_chain(get("Received"))
    dkim_v, dkim_signer = _dkim_verdict(results, sigs, from_domain)
    spf_v, spf_domain = _spf_verdict(results, received_spf, from_domain, dkim_signer is not None)
    aligned_passes = {m: d for m, d in (("spf", spf_domain), ("dkim", dkim_signer)) if d}
    unsub_v, one_click = _unsubscribe_verdict(
        next(iter(get("List-Unsubscribe")), None), next(iter(get("List-Unsubscribe-Post")),
                                                        None))
    spam = _spam_filter_verdicts({n.lower(): get(n) for n in (
        "X-MS-Exchange-Organization-SCL", "X-Forefront-Antispam-Report", "X-Spam-Flag",
        "X-Spam-Status")})
    verdicts = [*from_verdicts(boxes, len(from_fields), results), spf_v, dkim_v,
                _dmarc_verdict(results, from_domain, aligned_passes, bool(arc.valid)),
                _arc_verdict(arc, results), unsub_v, *spam, _delivery_verdict(hops, total)]
    count = len(msg.keys())
    partial = _completeness_verdict({n.lower(): get(n) for n in (
        "Received", "Authentication-Results", "Received-SPF")}, count)
    if partial is not None:
        verdicts.insert(0, partial)
    cleaned = tuple(Verdict(v.mechanism, clean(v.result), v.level, clean(v.detail),
                            clean(v.reason) if v.reason else None) for v in verdicts)
    return HeaderReport(
        address, from_domain, next(iter(get("Subject")), None),
        next(iter(get("Message-ID")), None), authserv, tuple(ar_headers),
        tuple(received_spf), tuple(sigs), arc, hops, total,
        next(iter(get("List-Unsubscribe")), None), one_click, cleaned, skipped, count,
        chosen.ids, boxes, tuple(results))
