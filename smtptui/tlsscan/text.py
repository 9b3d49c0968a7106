"""Text for ``smtptui tls`` and ``smtptui mx``: graded sections, then what to change."""

from __future__ import annotations

from smtptui.dnscheck.render import Renderer
from smtptui.glyphs import glyph
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.advice import FIXES
from smtptui.tlsscan.inbound import InboundReport
from smtptui.tlsscan.model import CHAIN_SHOWN, TlsScanReport

_TITLES = {"protocols": "Protocol versions", "ciphers": "Cipher suites and key exchange",
           "certificate": "Certificate chain as served", "dane": "DANE (TLSA)",
           "connection": "Connection"}


def render_tls(report: TlsScanReport, *, ascii_only: bool = False) -> str:
    r = Renderer(ascii_only=ascii_only)
    out = [f"TLS inspection of {clean(report.where)}"]
    if report.version:
        out.append(f"  a default client gets {report.version} with {clean(report.cipher or '?')}")
    for section in report.sections:
        out.append("")
        out.append(r.line(section.level, _TITLES.get(section.name, section.name), 0))
        out += [r.line(f.level, f.text, 4) for f in section.findings]
    if report.chain:
        out.append("")
        out.append("Served chain (leaf first):")
        for i, cert in enumerate(report.chain[:CHAIN_SHOWN], start=1):
            out.append(f"  {i}. {cert.subject}")
            out.append(f"     issuer {cert.issuer}; {cert.key}; {cert.signature}; "
                       f"until {cert.not_after[:10]}; sha256 {cert.sha256[:16]}…")
        if len(report.chain) > CHAIN_SHOWN:
            out.append(f"  … and {len(report.chain) - CHAIN_SHOWN:,} more certificates "
                       "(all in --json)")
    out += fixes_text(report.fixes, r.arrow)
    out.append("")
    out.append(r.summary([s.level for s in report.sections]) +
               f" — {report.handshakes} handshakes in {report.elapsed_ms / 1000:.2f} s")
    return "\n".join(out)


def fixes_text(keys: tuple[str, ...], arrow: str = "→") -> list[str]:
    """'What to change' with the Postfix, Exim and Exchange setting for each fix."""
    if not keys:
        return []
    out = ["", "What to change:"]
    for key in keys:
        fix = FIXES[key]
        out.append(f"  {arrow} {fix.what}")
        out.append(f"      Postfix:  {fix.postfix}")
        out.append(f"      Exim:     {fix.exim}")
        out.append(f"      Exchange: {fix.exchange}")
    return out


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 1)] + "…"


def render_inbound(report: InboundReport, *, ascii_only: bool = False,
                   width: int = 100) -> str:
    """One table, one line per MX with its failing reason; then the domain's findings,
    each MX's details and what to change."""
    r = Renderer(ascii_only=ascii_only)
    out = [f"Inbound mail for {clean(report.domain)} (MX hosts on port {report.port})"]
    if report.open_relay_checked:
        out.append("  open-relay check: ON (asked for with --open-relay-check; RFC 2606 "
                   "addresses, never DATA)")
    if report.hosts:
        out.append("")
        out.append(f"  {'pref':>4}  {'MX host':<24} {'STARTTLS':<8} {'TLS':<4} verdict")
        for h in report.hosts:
            tls = (h.tls.version or "fail") if h.tls else "-"
            tls = tls.replace("TLSv", "")
            starttls = {True: "yes", False: "NO", None: "-"}[h.starttls]
            mark = glyph(h.level, ascii_only=ascii_only)
            row = f"  {h.preference:>4}  {_fit(clean(h.host), 24):<24} {starttls:<8} {tls:<4} "
            out.append(row + f"{mark} " + _fit(clean(h.reason), max(width - len(row) - 3, 20)))
    if report.findings:
        out.append("")
        out.append("Domain:")
        out += [r.line(f.level, f.text, 2) for f in report.findings]
    fixes: dict[str, None] = {}
    for h in report.hosts:
        details = [f for f in h.findings if f.level in ("warn", "fail")]
        if h.tls is not None:
            fixes.update(dict.fromkeys(h.tls.fixes))
        if details or (h.tls and h.tls.chain):  # the full reasons, never only a cut one
            out.append("")
            out.append(f"{clean(h.host)} ({h.address}):")
            if h.banner:
                out.append(f"    banner: {clean(h.banner, 200)}")
            if h.tls and h.tls.chain:
                leaf = h.tls.chain[0]
                more = f" … and {len(leaf.san) - 4:,} more" if len(leaf.san) > 4 else ""
                out.append(f"    certificate: {leaf.subject}; names "
                           f"{', '.join(leaf.san[:4]) or '-'}{more}; until "
                           f"{leaf.not_after[:10]}")
            out += [r.line(f.level, f.text, 4) for f in h.findings]
    out += fixes_text(tuple(fixes), r.arrow)
    out.append("")
    levels = [f.level for f in report.findings] + [h.level for h in report.hosts]
    out.append(r.summary(levels) + f" — {len(report.hosts)} MX host(s) in "
               f"{report.elapsed_ms / 1000:.2f} s")
    return "\n".join(out)
