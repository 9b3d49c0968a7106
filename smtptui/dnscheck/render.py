"""Human-readable text for the CLI: sections with ✓/⚠/✗ and words, untrusted text escaped."""

from __future__ import annotations

from collections.abc import Iterable

from smtptui.dnscheck.discover import Discovery
from smtptui.dnscheck.domain import DomainReport
from smtptui.dnscheck.headers.analyse import HeaderReport
from smtptui.dnscheck.model import Finding, Level
from smtptui.glyphs import glyph
from smtptui.probe.sanitize import clean


class Renderer:
    def __init__(self, ascii_only: bool = False) -> None:
        self.ascii_only = ascii_only
        self.arrow = "->" if ascii_only else "→"

    def line(self, level: Level, text: str, indent: int = 2) -> str:
        mark = glyph(level, ascii_only=self.ascii_only)
        return f"{' ' * indent}{mark} {level:<4}  {clean(text)}"

    def findings(self, findings: Iterable[Finding]) -> list[str]:
        return [self.line(f.level, f.text) for f in findings]

    def summary(self, levels: list[Level]) -> str:
        fails, warns = levels.count("fail"), levels.count("warn")
        if fails:
            return self.line("fail", f"{fails} failed, {warns} warning(s)", 0)
        if warns:
            return self.line("warn", f"no failures, {warns} warning(s)", 0)
        return self.line("pass", "all checks passed", 0)

    def domain(self, r: DomainReport) -> str:
        out = [f"DNS checks for {r.domain} (nameserver {clean(r.nameserver or 'system')}, "
               f"timeout {r.timeout:g} s)"]
        extra: dict[str, list[str]] = {
            "SPF": [f"    record: {clean(t, 500)}" for t in r.spf.records],
            "DMARC": [f"    record ({r.dmarc.queried}): {clean(t, 500)}"
                      for t in r.dmarc.records]
            + [f"    organisational domain {r.dmarc.org_domain or '- (a public suffix)'} "
               f"(Public Suffix List {r.dmarc.psl_snapshot}); verdict per "
               f"{r.dmarc.specification}"],
        }
        if r.spf_ips_from_host:
            extra["SPF"].append("    evaluated for the relay's addresses (your sending IP "
                                "may differ: pass --ip)")
        for ev in r.spf.evaluations:
            extra["SPF"].append(f"    path for {ev.ip} ({ev.lookups} lookup(s)):")
            extra["SPF"].extend(f"      {clean(step)}" for step in ev.path)
        for ev in r.spf.helo_evaluations:
            extra["SPF"].append(f"    path for HELO {clean(ev.domain, 100)}, {ev.ip} "
                                f"({ev.lookups} lookup(s)):")
            extra["SPF"].extend(f"      {clean(step)}" for step in ev.path)
        levels: list[Level] = []
        for title, findings in r.sections():
            out.append("")
            out.append(title)
            out.extend(extra.get(title, []))
            out.extend(self.findings(findings))
            levels.extend(f.level for f in findings)
        out += ["", self.summary(levels)]
        return "\n".join(out)

    def discovery(self, d: Discovery) -> str:
        out = [f"Submission servers for {clean(d.address)}"]
        if d.mx:
            out.append(f"  MX: {clean(', '.join(d.mx), 300)}")
        for n, s in enumerate(d.suggestions, start=1):
            preset = f"  preset {s.preset}" if s.preset else ""
            region = f" ({s.region})" if s.region else ""
            out.append(f"  {n}. {clean(s.host)}:{s.port} {s.security}{preset}{region}")
            out.append(f"     {clean(s.reason)}")
        out.extend(self.findings(d.findings))
        return "\n".join(out)

    def headers(self, h: HeaderReport) -> str:
        out = [f"From: {clean(h.from_shown or '-')}"]
        if h.subject:
            out.append(f"Subject: {clean(h.subject, 200)}")
        if h.authserv_id is not None:
            ids = ", ".join(i or "(no authserv-id)" for i in h.trusted_ids)
            out.append(f"Results from: {clean(ids, 300)}")
        out += ["", "Verdicts"]
        out += [self.line(v.level, f"{v.mechanism}: {v.detail}") for v in h.verdicts]
        if h.dkim_signatures:
            out += ["", "DKIM signatures"]
            for s in h.dkim_signatures:
                align = ("strict" if s.aligned_strict else "relaxed" if s.aligned_relaxed
                         else "not aligned" if s.aligned_relaxed is False else "unknown")
                out.append(f"  d={clean(s.domain)} s={clean(s.selector)} "
                           f"a={clean(s.algorithm)} alignment {align}")
        if h.hops:
            out += ["", "Received chain (oldest first)"]
            for hop in h.hops:
                delay = hop.delay_text or "   ?"
                src = hop.from_host or "?"
                if hop.from_ip:
                    src += f" [{hop.from_ip}]"
                out.append(f"  {hop.number:>2}. {delay:>8}  {clean(src, 120)} {self.arrow} "
                           f"{clean(hop.by_host or '?', 120)}"
                           + (f" with {clean(hop.protocol)}" if hop.protocol else ""))
            if h.total_delay_s is not None:
                out.append(f"  total {h.total_delay_s:.0f} s")
        if h.skipped_lines:
            out += ["", f"({h.skipped_lines} line(s) that were not headers were ignored)"]
        reasons = h.spam_reasons
        out += ["", "Why it may land in spam" if reasons else "Nothing points to spam"]
        out += [f"  - {r}" for r in reasons]
        out += ["", self.summary([v.level for v in h.verdicts])]
        return "\n".join(out)
