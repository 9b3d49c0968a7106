"""Cards for the diagnostics panel: a report, a profile, a problem.

A card is a list of rows: a line of :class:`Content`, or a :class:`Field` (label and
value) that :func:`layout` wraps under its label at any width. Everything is assembled
from plain strings and theme-variable styles: text from servers, certificates or the
profiles file is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.content import Content

from smtptui.app.entries import Entry
from smtptui.app.phrasebook import for_app
from smtptui.app.status import glyph, ms, report_state
from smtptui.diagnose.model import Reply
from smtptui.hostport import host_port
from smtptui.probe.events import ProbeReport, TLSInfo
from smtptui.probe.extensions import describe
from smtptui.probe.tlsinfo import validity_text

LABEL_WIDTH = 13
TITLE = "bold $text-accent"
MUTED = "$text-muted"
OK = "$text-success"
WARN = "$text-warning"
BAD = "$text-error"


@dataclass(frozen=True)
class Field:
    label: str
    value: Content


@dataclass(frozen=True)
class Bullet:
    """A marked line (``✓ pass  text``) whose text wraps under itself, not under the mark."""

    mark: Content
    text: Content


Row = Content | Field | Bullet | str
Card = list[Row]


def layout(card: Iterable[Row], width: int) -> list[Content]:
    """The card's lines at ``width`` cells: field values wrap under themselves."""
    out: list[Content] = []
    for row in card:
        if isinstance(row, Bullet):
            room = width - row.mark.cell_length
            if room < 16:
                out += (row.mark + row.text).wrap(max(width, 1)) or [Content("")]
                continue
            pad = Content(" " * row.mark.cell_length)
            for index, line in enumerate(row.text.wrap(room) or [Content("")]):
                out.append((row.mark if index == 0 else pad) + line)
        elif isinstance(row, Field):
            label = row.label.ljust(LABEL_WIDTH) + " "
            room = width - len(label)
            if room < 16:  # too narrow for two columns: the value goes below its label
                out.append(Content.styled(row.label, MUTED))
                out += row.value.wrap(max(width, 1))
                continue
            indent = Content(" " * len(label))
            for index, line in enumerate(row.value.wrap(room) or [Content("")]):
                head = Content.styled(label, MUTED) if index == 0 else indent
                out.append(head + line)
        else:
            out += (Content(row) if isinstance(row, str) else row).wrap(max(width, 1)) or [
                Content("")]
    return out


def card_text(card: Iterable[Row]) -> str:
    """The card as plain text, one row per line (no wrapping)."""
    def plain(row: Row) -> str:
        if isinstance(row, Field):
            return f"{row.label.ljust(LABEL_WIDTH)} {row.value.plain}"
        if isinstance(row, Bullet):
            return row.mark.plain + row.text.plain
        return row if isinstance(row, str) else row.plain

    return "\n".join(plain(row) for row in card)


def title(text: str) -> Content:
    return Content.styled(text, TITLE)


def field(label: str, value: str | Content, style: str = "") -> Field:
    """A ``label   value`` row."""
    return Field(label, value if isinstance(value, Content) else Content.styled(value, style))


def reply_meaning(reply: Reply) -> str:
    from smtptui.diagnose.codes import reply_meaning as meaning

    return meaning(reply)


# -- a finished report ----------------------------------------------------------------
def report_card(report: ProbeReport) -> Card:
    """The whole diagnostics panel for a finished probe."""
    state = report_state(report)
    target = report.target
    lines: Card = []
    where = f"{host_port(target.host, target.port)} ({target.tls})"
    if target.address and target.address != target.host:
        where += f" → {target.address}"
    failed = report.failed_stage
    if failed is not None:
        lines.append(Content.assemble((f"{glyph('fail')} FAILED", f"{BAD} bold"),
                                      f" at {failed.stage}"))
    elif state == "warn":
        lines.append(Content.assemble((f"{glyph('warn')} PASSED WITH WARNINGS", f"{WARN} bold"),
                                      f" in {ms(report.total_ms)}"))
    else:
        lines.append(Content.assemble((f"{glyph('pass')} PASSED", f"{OK} bold"),
                                      f" in {ms(report.total_ms)}"))
    if failed is None and report.coverage:  # say what the pass covers
        lines.append(field("Tested", for_app(report.coverage)))
    if failed is not None:
        diagnosis = failed.diagnosis
        if diagnosis is not None:
            lines.append(field("Layer", diagnosis.layer, "bold"))
        for reply in [r for r in failed.replies if r.code >= 400][-1:]:
            lines.append(field("Server said", str(reply)))
            meaning = reply_meaning(reply)
            if meaning:
                lines.append(field("Reply means", meaning))
        if diagnosis is not None:
            lines.append(field("What happened", for_app(diagnosis.summary)))
            lines.append(field("Next step", for_app(diagnosis.advice), "bold"))
        lines.append("")
    lines.append(field("Target", where))
    if report.banner:
        lines.append(field("Greeting", report.banner))
    if failed is None:
        lines += ["", title("Stages")]
        for stage in report.stages:
            note = stage.note or stage.status
            lines.append(field(f"{glyph(stage.status)} {stage.stage}",
                               f"{note} ({ms(stage.elapsed_ms)})"))
    warnings = report.warnings
    if warnings:
        lines += ["", title(f"Warnings ({len(warnings)})")]
        lines += [Content.assemble((f"{glyph('warn')} ", WARN), w) for w in warnings]
        advice = [s for s in report.stages if s.status == "warn" and s.diagnosis is not None]
        for stage in advice:
            assert stage.diagnosis is not None
            lines.append(field(f"Advice ({stage.stage})", for_app(stage.diagnosis.advice)))
    if report.info:
        lines += ["", title("Info (nothing to do)")]
        lines += [Content(f"{glyph('info')} {i}") for i in report.info]
    lines += ["", title("TLS")]
    lines += tls_lines(report.tls, report)
    lines += ["", title("EHLO extensions")]
    lines += extension_lines(report)
    return lines


def tls_lines(tls: TLSInfo | None, report: ProbeReport) -> Card:
    if tls is None:
        if report.target.tls == "none":
            return [Content.styled("no TLS: this profile uses a plaintext connection", WARN)]
        reached = any(s.stage in ("tls", "starttls") for s in report.stages)
        why = "no TLS session was established" if reached else "TLS was not reached"
        return [Content.styled(why, MUTED)]
    lines: Card = [
        field("Version", tls.version, OK if tls.version in ("TLSv1.2", "TLSv1.3") else WARN),
        field("Cipher", f"{tls.cipher} ({tls.bits} bits)"),
    ]
    cert = tls.cert
    if cert is None:
        lines.append(field("Certificate", "none presented", WARN))
        return lines
    if cert.verified:
        lines.append(field("Certificate", Content.styled(f"{glyph('pass')} verified", OK)))
    else:
        lines.append(field("Certificate", Content.styled(
            f"{glyph('fail')} not verified: {cert.error or 'unknown reason'}", BAD)))
    lines.append(field("Subject", cert.subject))
    lines.append(field("Issuer", cert.issuer + (" (self-signed)" if cert.self_signed else "")))
    if cert.san:
        lines.append(field("Names (SAN)", ", ".join(cert.san)))
    days, until = cert.days_left, f"{cert.not_after} ({validity_text(cert.days_left)})"
    left = Content.styled(until, BAD if days < 0 else WARN if days < 21 else "")
    lines.append(field("Valid until", left))
    return lines


def extension_lines(report: ProbeReport) -> Card:
    if not report.extensions:
        return [Content.styled("none (no EHLO reply was received)", MUTED)]
    lines: Card = [field(key, meaning) for key, meaning in describe(report.extensions)]
    changes = report.ehlo_changes
    for what in ("added", "removed", "changed"):
        names = changes.get(what) or []
        if names:
            lines.append(Content.styled(f"after STARTTLS {what}: {', '.join(names)}", MUTED))
    return lines


# -- other states ---------------------------------------------------------------------
def entry_card(entry: Entry, *, send: bool) -> Card:
    """The card shown for a profile that has not been run in this session."""
    lines: Card = [Content.styled(entry.name, "bold"), field("Target", entry.target)]
    profile = entry.profile
    if profile is not None:
        if profile.username:
            lines.append(field("Username", profile.username))
        secret = profile.password or profile.oauth_token
        if secret is not None:
            lines.append(field("Secret from", secret.describe()))
        lines.append(field("AUTH", profile.auth))
        if profile.mail_from:
            lines.append(field("From", profile.mail_from))
        if profile.rcpt_to:
            lines.append(field("To", ", ".join(profile.rcpt_to)))
        if profile.stop_after:
            lines.append(field("Stop after", profile.stop_after))
        if profile.notes:
            lines.append(field("Notes", profile.notes))
        wanted, can = send or profile.send, bool(profile.mail_from and profile.rcpt_to)
    else:
        if entry.description:
            lines.append(field("About", entry.description))
        config = entry.config
        wanted, can = send, config is not None and bool(config.mail_from and config.rcpt_to)
    message = ("will be sent" if wanted and can
               else "not sent: the profile has no From and To (e to set them)" if wanted
               else "not sent (s to send)")
    lines.append(field("Test message", message))
    lines += ["", Content.styled("Press r or Enter to run this profile, D (shift+d) for its "
                                 "DNS checks.", MUTED)]
    return lines


def message_card(heading: str, text: str, *, severity: str = "error") -> Card:
    style = {"error": BAD, "warning": WARN}.get(severity, TITLE)
    mark = {"error": glyph("fail"), "warning": glyph("warn")}.get(severity, "•")
    return [Content.styled(f"{mark} {heading}", f"{style} bold"), "", text]


def running_card(name: str, target: str, warnings: Iterable[str]) -> Card:
    lines: Card = [Content.styled(f"Probing {name}", "bold"),
                                  field("Target", target)]
    found = list(warnings)
    if found:
        lines += ["", title("Warnings so far")]
        lines += [Content.assemble((f"{glyph('warn')} ", WARN), w) for w in found]
    return lines
