"""The TLS tab's cards: a relay's TLS inspection, and the inbound view of a domain.

Built from :mod:`smtptui.tlsscan` reports; every text there is already display-safe
(server and certificate text goes through :func:`smtptui.probe.sanitize.clean`), and it is
placed as plain :class:`Content`, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from smtptui.app.render import MUTED, Card, field, title
from smtptui.app.status import ms
from smtptui.app.verdicts import bullet, summary
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.advice import FIXES
from smtptui.tlsscan.model import CHAIN_SHOWN

if TYPE_CHECKING:
    from smtptui.dnscheck.model import Level
    from smtptui.tlsscan.inbound import InboundReport
    from smtptui.tlsscan.model import TlsScanReport

SECTION_TITLES = {"protocols": "Protocol versions", "ciphers": "Cipher suites and key exchange",
                  "certificate": "Certificate chain as served", "dane": "DANE (TLSA)",
                  "connection": "Connection"}


def running_card(what: str) -> Card:
    return [title("TLS"), Content.styled(f"◌ {what} … (Esc cancels)", MUTED)]


def message_card(heading: str, text: str) -> Card:
    return [title(heading), Content.styled(text, MUTED)]


def fixes_rows(keys: tuple[str, ...], levels: dict[str, Level] | None = None) -> Card:
    if not keys:
        return []
    rows: Card = ["", Content.styled("What to change", "bold")]
    for key in keys:
        fix = FIXES[key]
        rows.append(bullet((levels or {}).get(key, "warn"), fix.what))
        rows += [field("  Postfix", fix.postfix, MUTED), field("  Exim", fix.exim, MUTED),
                 field("  Exchange", fix.exchange, MUTED)]
    return rows


def tls_card(report: TlsScanReport) -> Card:
    """What is wrong first, then the graded sections, the served chain, what to change."""
    rows: Card = [title(f"TLS of {clean(report.where)}"),
                  summary([s.level for s in report.sections]),
                  Content.styled(f"{report.handshakes} handshakes in "
                                 f"{ms(report.elapsed_ms)}", MUTED)]
    problems = [f for section in report.sections for f in section.findings
                if f.level in ("fail", "warn")]
    problems.sort(key=lambda f: f.level != "fail")
    rows += [bullet(f.level, f.text) for f in problems]  # first, on a small screen too
    if report.version:
        rows.append(field("Default", f"{report.version} with {clean(report.cipher or '?')}"))
    for section in report.sections:
        rows += ["", Content.styled(SECTION_TITLES.get(section.name, section.name), "bold")]
        rows += [bullet(f.level, f.text) for f in section.findings]
    if report.chain:
        rows += ["", Content.styled("Served chain (leaf first)", "bold")]
        for i, cert in enumerate(report.chain[:CHAIN_SHOWN], start=1):
            rows.append(field(f"{i}. subject", cert.subject))
            rows.append(field("   issuer", cert.issuer, MUTED))
            rows.append(field("   key", f"{cert.key}, {cert.signature}, until "
                              f"{cert.not_after[:10]}", MUTED))
        if len(report.chain) > CHAIN_SHOWN:
            rows.append(Content.styled(f"… and {len(report.chain) - CHAIN_SHOWN:,} more "
                                       "certificates", MUTED))
    return rows + fixes_rows(report.fixes, {k: report.fix_level(k) for k in report.fixes})


def inbound_card(report: InboundReport) -> Card:
    """One line per MX with its reason, then the domain's findings and each MX's details."""
    rows: Card = [title(f"Inbound mail for {clean(report.domain)}"),
                  summary([f.level for f in report.findings] + [h.level for h in report.hosts]),
                  Content.styled(f"{len(report.hosts)} MX host(s) on port {report.port} in "
                                 f"{ms(report.elapsed_ms)}", MUTED)]
    if report.open_relay_checked:
        rows.append(bullet("info", "open-relay check was on (RFC 2606 addresses, never DATA)"))
    if report.hosts:
        rows += ["", Content.styled("MX hosts", "bold")]
        for h in report.hosts:
            tls = h.tls.version if h.tls and h.tls.version else "no TLS"
            rows.append(bullet(h.level, f"{h.preference} {clean(h.host)} "
                               f"({h.address or 'unresolved'}, {tls}): {h.reason}"))
    if report.findings:
        rows += ["", Content.styled("Domain", "bold")]
        rows += [bullet(f.level, f.text) for f in report.findings]
    fixes: dict[str, None] = {}
    for h in report.hosts:
        if h.tls is not None:
            fixes.update(dict.fromkeys(h.tls.fixes))
        problems = [f for f in h.findings if f.level in ("warn", "fail")]
        if len(problems) > 1:
            rows += ["", Content.styled(clean(h.host), "bold")]
            rows += [bullet(f.level, f.text) for f in h.findings]
    return rows + fixes_rows(tuple(fixes))
