"""The header analyser's result as a card: verdicts, spam reasons, alignment, Received hops.

Verdict texts are escaped by :mod:`smtptui.dnscheck`; header values (From, Subject, host
names) go through :func:`smtptui.probe.sanitize.clean`. Plain :class:`Content` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from smtptui.app.render import MUTED, Bullet, Card, field, title
from smtptui.app.verdicts import bullet, summary
from smtptui.dnscheck.headers.results import ENVELOPE_PROPS
from smtptui.dnscheck.orgdomain import aligned
from smtptui.probe.sanitize import clean

if TYPE_CHECKING:
    from smtptui.dnscheck.headers.analyse import HeaderReport
    from smtptui.dnscheck.headers.authres import AuthResult

MECHANISMS = {
    "from": "From", "spf": "SPF", "dkim": "DKIM", "dmarc": "DMARC", "arc": "ARC",
    "unsubscribe": "List-Unsubscribe", "spam-filter": "Spam filter", "delivery": "Delivery",
    "headers": "Headers",
}


def _domain(value: str | None) -> str | None:
    return (value or "").rpartition("@")[2].strip("<>\"").lower().rstrip(".") or None


def _trusted(report: HeaderReport, method: str) -> list[AuthResult]:
    """``method`` results written by the receiving domain (the trusted headers)."""
    return report.results_for(method)


def _envelope(report: HeaderReport) -> tuple[str | None, str | None]:
    """(MAIL FROM domain, SPF result) as the trusted receiver recorded them."""
    for result in _trusted(report, "spf"):
        domain = _domain(result.prop(*ENVELOPE_PROPS))
        if domain:
            return domain, result.result
    for spf in report.received_spf:
        domain = _domain(spf.props.get("envelope-from"))
        if domain:
            return domain, spf.result
    return None, None


def _aligned_row(what: str, frm: str, strict: bool, relaxed: bool,
                 result: str | None) -> Bullet:
    how = "aligned (strict)" if strict else "aligned (relaxed)" if relaxed else "not aligned"
    text = f"{what}: {how} with From {clean(frm)}"
    if not relaxed:
        return bullet("warn", text)
    if result is None:
        return bullet("info", text + "; no receiver result")
    if result != "pass":
        return bullet("warn", text + f", but the receiver says {clean(result)}")
    return bullet("pass", text + ", and it passed")


def _alignment(report: HeaderReport) -> Card:
    """Which authenticated domains line up with the From domain (what DMARC needs)."""
    frm = report.from_domain
    if frm is None:
        return [bullet("warn", "no From domain to align with")]
    rows: Card = []
    envelope, spf = _envelope(report)
    if envelope:
        rows.append(_aligned_row(f"SPF envelope {clean(envelope)}", frm, envelope == frm,
                                 aligned(envelope, frm), spf))
    else:
        rows.append(bullet("info", "SPF: the envelope domain is not recorded"))
    dkim = {_domain(r.prop("header.d", "header.i")): r.result for r in _trusted(report, "dkim")}
    for sig in report.dkim_signatures:
        rows.append(_aligned_row(f"DKIM d={clean(sig.domain)} s={clean(sig.selector)}", frm,
                                 bool(sig.aligned_strict),
                                 bool(sig.aligned_relaxed), dkim.get(sig.domain)))
    if not report.dkim_signatures:
        rows += _unseen_signatures(report)
    return rows


def _unseen_signatures(report: HeaderReport) -> Card:
    """No DKIM-Signature in the text: say what the receiver reported instead, if anything."""
    reported = _trusted(report, "dkim")
    if not reported:
        return [bullet("info", "DKIM: no DKIM-Signature header and no receiver result")]
    rows: Card = []
    for result in reported:
        domain = _domain(result.prop("header.d", "header.i"))
        rows.append(bullet("info", "DKIM-Signature not in the pasted headers; the receiving "
                                   f"server reported dkim={clean(result.result)}"
                                   + (f" for d={clean(domain)}" if domain else "")))
    return rows


def _hops(report: HeaderReport) -> Card:
    rows: Card = []
    for hop in report.hops:
        delay = hop.delay_text or ("" if hop.number == 1 else "?")
        source = clean(hop.from_host or "?", 120) + (f" [{hop.from_ip}]" if hop.from_ip else "")
        line = f"{source} → {clean(hop.by_host or '?', 120)}"
        if hop.protocol:
            line += f" with {clean(hop.protocol, 40)}"
        rows.append(field(f"{hop.number:>2}. {delay:>7}", line))
    if report.total_delay_s is not None:
        rows.append(field("total", f"{report.total_delay_s:.0f} s in transit", MUTED))
    return rows


def headers_card(report: HeaderReport) -> Card:
    """The whole result: overall verdict, per mechanism, spam reasons, alignment, hops."""
    rows: Card = [title("Verdict"), summary([v.level for v in report.verdicts],
                                            clean_text="nothing points to spam")]
    rows.append(field("From", clean(report.from_shown or "(none)", 300)))
    if report.subject:
        rows.append(field("Subject", clean(report.subject, 300)))
    if report.authserv_id is not None:
        ids = ", ".join(i or "(no authserv-id)" for i in report.trusted_ids)
        rows.append(field("Results from", clean(ids, 300)))
    rows += ["", title("Mechanisms")]
    for v in report.verdicts:
        name = MECHANISMS.get(v.mechanism, v.mechanism)
        rows.append(bullet(v.level, Content.assemble((name, "bold"), f": {v.detail}")))
    reasons = report.spam_reasons
    rows += ["", title("Why it may land in spam" if reasons else "Nothing points to spam")]
    rows += [bullet(v.level, v.reason) for v in report.verdicts if v.reason]
    rows += ["", title("Alignment with From"), *_alignment(report)]
    if report.hops:
        rows += ["", title("Received hops (oldest first, delay since the previous hop)")]
        rows += _hops(report)
    if report.skipped_lines:
        rows += ["", Content.styled(f"{report.skipped_lines} line(s) that were not headers "
                                    "were ignored", MUTED)]
    return rows
