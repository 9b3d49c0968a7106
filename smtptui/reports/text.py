"""Plain-text rendering of probe results: the CLI's human output and the saved .txt report.

Every function returns plain strings; ``color=True`` adds ANSI colours (the CLI uses it
when stdout is a terminal and ``NO_COLOR`` is unset). Status is never shown by colour
alone: each line carries ✓ ⚠ ✗ – and a word.
"""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.glyphs import glyph
from smtptui.hostport import host_port
from smtptui.probe.events import ProbeReport, StageFinished, TLSInfo, WireLine
from smtptui.probe.extensions import describe
from smtptui.probe.tlsinfo import validity_text

_ANSI = {"pass": "32", "warn": "33", "fail": "31", "skip": "2", "dim": "2", "bold": "1",
         "C": "36", "S": "0", "*": "35"}


def paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color and _ANSI.get(style, "0") != "0" else text


def format_target(report: ProbeReport) -> str:
    t = report.target
    profile = f' — profile "{t.profile}"' if t.profile else ""
    return f"{host_port(t.host, t.port)} ({t.tls}){profile}"


def format_stage(stage: StageFinished, *, color: bool = False) -> str:
    """One line: glyph, stage, status word, milliseconds, and what happened."""
    mark = paint(f"{glyph(stage.status)} {stage.status:<4}", stage.status, color)
    what = stage.note
    last = stage.replies[-1] if stage.replies else None
    if stage.status == "fail" and last is not None and last.code >= 400:
        what = str(last)  # the server said no: its own words
    elif stage.status == "fail" and stage.diagnosis:
        what = stage.diagnosis.summary
    return f"  {mark}  {stage.stage:<9} {stage.elapsed_ms:9.1f} ms  {what}".rstrip()


def format_wire(line: WireLine, *, color: bool = False) -> str:
    arrow = {"C": "C:", "S": "S:", "*": " *"}[line.direction]
    return f"  {line.t_ms:9.1f} ms  {paint(arrow, line.direction, color)} {line.text}"


def format_tls(tls: TLSInfo) -> list[str]:
    lines = [f"TLS: {tls.version}, {tls.cipher} ({tls.bits} bits)"]
    cert = tls.cert
    if cert:
        why = cert.error or "unchecked"
        verified = "verified ✓" if cert.verified else f"NOT verified ✗ ({why})"
        lines += [
            f"  subject:  {cert.subject}",
            f"  issuer:   {cert.issuer}" + ("  (self-signed)" if cert.self_signed else ""),
            f"  names:    {', '.join(cert.san) or '(no subjectAltName)'}",
            f"  valid:    {cert.not_before} to {cert.not_after} "
            f"({validity_text(cert.days_left)})",
            f"  status:   {verified}",
        ]
    return lines


def format_summary(report: ProbeReport, *, color: bool = False,
                   since: Sequence[str] = (), transcript: str | None = None) -> list[str]:
    """Result, diagnosis, what changed (from the history), TLS card, extensions and
    warnings. ``transcript``: where the reader has the transcript (``"above"`` with -v,
    ``"below"`` in a saved report), so advice says where to look instead of "run with -v"."""
    def advice(text: str) -> str:
        if not transcript:
            return text
        from smtptui.reports.advice import with_transcript

        return with_transcript(text, report, transcript)

    out: list[str] = []
    failed = report.failed_stage
    if failed is None:
        word = "OK with warnings" if report.warnings else "OK"
        style = "warn" if report.warnings else "pass"
        tested = f" {report.coverage};" if report.coverage else " —"
        out.append(paint(f"Result: {word}{tested} {report.total_ms:.0f} ms in all", style,
                         color))
    else:
        out.append(paint(f"Result: FAILED at {failed.stage}", "fail", color))
        if failed.diagnosis:
            d = failed.diagnosis
            out += [f"  layer:     {d.layer}", f"  what:      {d.summary}",
                    f"  next step: {advice(d.advice)}"]
        if len(failed.refused) > 1:
            out.append("  refused recipients:")
            out += [paint(f"    {glyph('fail')} {r.diagnosis.summary if r.diagnosis else r.reply}",
                          "fail", color) for r in failed.refused]
    out += [f"  changed:   {line}" for line in since]
    if report.tls:
        out += [""] + format_tls(report.tls)
    if report.extensions:
        out += ["", "Extensions:"]
        out += [f"  {k:<20} {v}".rstrip() for k, v in describe(report.extensions)]
    changes = report.ehlo_changes
    if changes and (changes.get("added") or changes.get("removed")):
        out.append(f"  after TLS: added {', '.join(changes.get('added', [])) or 'nothing'}; "
                   f"removed {', '.join(changes.get('removed', [])) or 'nothing'}")
    if report.warnings:
        out += ["", "Warnings:"]
        out += [paint(f"  ⚠ {w}", "warn", color) for w in report.warnings]
        warned = [s for s in report.stages if s.status == "warn" and s.diagnosis]
        for stage in warned[:3]:
            assert stage.diagnosis is not None
            out.append(f"    {stage.stage}: {advice(stage.diagnosis.advice)}")
    if report.info:
        out += ["", "Info (nothing to do):"]
        out += [f"  {glyph('info')} {i}" for i in report.info]
    return out


def render_text(report: ProbeReport, *, color: bool = False, verbose: bool = True) -> str:
    """The whole report as text (what `w` saves and `smtptui probe` prints at the end)."""
    lines = [f"smtptui probe of {format_target(report)}",
             f"started {report.started_at}", "", "Stages:"]
    lines += [format_stage(s, color=color) for s in report.stages]
    lines += [""] + format_summary(report, color=color,
                                   transcript="below" if verbose else None)
    if verbose:
        lines += ["", "Transcript:"] + [format_wire(w, color=color) for w in report.transcript]
    return "\n".join(lines) + "\n"
