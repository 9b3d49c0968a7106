"""The "DNS" section of the diagnostics panel, built from a :class:`DnsOutcome`.

Findings are already escaped by :mod:`smtptui.dnscheck`; raw record texts go through
:func:`smtptui.probe.sanitize.clean`. Everything is plain :class:`Content`, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from smtptui.app.render import MUTED, Bullet, Card, field, title
from smtptui.app.status import ms
from smtptui.app.verdicts import bullet, finding_rows, summary
from smtptui.probe.sanitize import clean

if TYPE_CHECKING:
    from smtptui.app.dns_plan import DnsOutcome, DnsPlan
    from smtptui.dnscheck.domain import DomainReport
    from smtptui.dnscheck.model import Finding, Level

PATH_STEPS = 6
"""SPF evaluation steps shown (the deciding one is always among them)."""


def _scope(plan: DnsPlan) -> Card:
    """What is (not) checked, and why."""
    rows: Card = [field("Resolver", f"{plan.resolver}, {plan.timeout:g} s per lookup")]
    if plan.host_is_ip:
        rows.append(bullet("info", f"{plan.host} is an IP address: no host checks (A/AAAA, "
                                   "DANE TLSA); only its reverse DNS"))
    if plan.from_domain is None:
        rows.append(bullet("info", "no From address in this profile: no sender-domain checks "
                                   "(SPF, DMARC, DKIM); set From with e"))
    if plan.relay_ip is None and not plan.host_is_ip:
        rows.append(bullet("info", "the profile has not been probed yet: SPF uses the host's "
                                   "DNS addresses; run it (r) to use the connected IP"))
    elif plan.cert_der is None and not plan.host_is_ip:
        rows.append(bullet("info", "no certificate from the last probe: TLSA records are "
                                   "listed but not compared"))
    return rows


def running_card(plan: DnsPlan) -> Card:
    """While the checks run."""
    return [title("DNS"),
            Content.styled(f"◌ checking {plan.host}"
                           + (f" and {plan.from_domain}" if plan.from_domain else "")
                           + " … (Esc cancels)", MUTED),
            *_scope(plan)]


def _section(name: str, findings: tuple[Finding, ...], extra: Card | None = None) -> Card:
    if not findings and not extra:
        return []
    return ["", Content.styled(name, "bold"), *(extra or []), *finding_rows(findings)]


def _spf_extra(r: DomainReport) -> Card:
    rows: Card = [field("record", clean(t, 500), MUTED) for t in r.spf.records]
    for ev in r.spf.evaluations:
        where = ("an address of the relay host in DNS" if r.spf_ips_from_host
                 else "the relay's IP")
        rows.append(Content.styled(f"evaluated for {ev.ip}, {where} (its outgoing IP may "
                                   f"differ), {ev.lookups} DNS lookup(s):", MUTED))
        steps = list(ev.path)
        if len(steps) > PATH_STEPS:
            steps = steps[:PATH_STEPS - 1] + [f"… {len(steps) - PATH_STEPS} more", steps[-1]]
        rows += [Content.styled(f"  {clean(step)}", MUTED) for step in steps]
    return rows


def _domain_rows(r: DomainReport, covered: set[str]) -> tuple[Card, list[Level]]:
    """Relay host first, then the connected IP, then the sender domain."""
    rows: Card = []
    levels: list[Level] = []

    def add(name: str, findings: tuple[Finding, ...], extra: Card | None = None) -> None:
        rows.extend(_section(name, findings, extra))
        levels.extend(f.level for f in findings)

    if r.host is not None:
        add(f"Relay host {r.host.host}:{r.host.port}", r.unrepeated(r.host.findings))
    reverse = r.unrepeated(tuple(x.finding() for x in r.reverse if x.ip not in covered))
    add("Reverse DNS of the connected IP", reverse)
    rows += ["", title(f"Sender domain {r.domain}")]
    if r.headline is not None:
        add("Domain", (r.headline,))
        return rows, levels
    add("SPF", r.spf.findings, _spf_extra(r))
    add("DMARC", r.dmarc.findings,
        [field("record", clean(t, 500), MUTED) for t in r.dmarc.records])
    add("DKIM", r.dkim.findings)
    add("MX", r.mx.findings)
    add("MTA-STS", r.mta_sts.findings)
    add("TLS-RPT", r.tls_rpt.findings)
    return rows, levels


def _build(outcome: DnsOutcome) -> tuple[Bullet, Card]:
    """The one-line verdict, and the rows below it."""
    plan = outcome.plan
    if outcome.status == "cancelled":
        return bullet("warn", "DNS checks cancelled; press D to run them again"), _scope(plan)
    if outcome.status == "invalid":
        first, *rest = outcome.problems or ("invalid input",)
        return bullet("fail", first), [*(bullet("fail", p) for p in rest), *_scope(plan)]
    body: Card = []
    levels: list[Level] = []
    if outcome.domain is not None:
        covered = {x.ip for x in outcome.domain.host.reverse} if outcome.domain.host else set()
        body, levels = _domain_rows(outcome.domain, covered)
    else:
        if outcome.host is not None:
            body += _section(f"Relay host {outcome.host.host}:{outcome.host.port}",
                             outcome.host.findings)
            levels += [f.level for f in outcome.host.findings]
        reverse = tuple(x.finding() for x in outcome.reverse)
        body += _section("Reverse DNS of the connected IP", reverse)
        levels += [f.level for f in reverse]
    status: Card = []
    if outcome.status == "deadline":
        status.append(bullet("fail", f"timed out: the checks took longer than "
                                     f"{outcome.deadline_s:g} s ({plan.resolver})"))
        levels.append("fail")
    if outcome.timeouts:
        status.append(bullet("fail", f"{outcome.timeouts} of {outcome.lookups} lookup(s) timed "
                                     f"out after {plan.timeout:g} s: {plan.resolver} did not "
                                     "answer"))
    status += [bullet("fail", p) for p in outcome.problems]
    levels += ["fail"] * len(outcome.problems)
    done = Content.styled(f"{outcome.lookups} lookup(s) in {ms(outcome.elapsed_s * 1000)}",
                          MUTED)
    nothing = outcome.status == "done" and not body and not outcome.problems
    verdict = summary(levels, clean_text="nothing to check" if nothing else "all checks passed")
    return verdict, [*status, done, *_scope(plan), *body]


def headline(outcome: DnsOutcome) -> Bullet:
    """The verdict line alone (for a notification)."""
    return _build(outcome)[0]


def outcome_card(outcome: DnsOutcome) -> Card:
    """The finished checks: a verdict line, then each section with ✓/⚠/✗ and words."""
    verdict, rows = _build(outcome)
    return [title("DNS"), verdict, *rows]
