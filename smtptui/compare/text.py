"""Plain-text rendering of a comparison: the CLI's human output and the saved .txt file.

``color=True`` adds ANSI colours (CLI on a terminal, ``NO_COLOR`` unset); a difference is
always marked with ``≠`` as well, never by colour alone.
"""

from __future__ import annotations

import textwrap

from smtptui.compare.model import Comparison, Row, Side
from smtptui.compare.sending import not_tried, send_outcome, send_stages
from smtptui.compare.stats import LATENCY_ASPECTS, MIN_DIFF_MS, MIN_DIFF_RATIO, Stats
from smtptui.durations import fmt_ms
from smtptui.hostport import host_port
from smtptui.probe.coverage import LABELS
from smtptui.reports.text import paint

DIFF = "≠"
SECTIONS = {
    "result": "Result", "latency": "Latency (median of the runs)", "tls": "TLS",
    "extensions": "EHLO extensions", "greeting": "Greeting", "warnings": "Warnings",
}
VALUE_WIDTH = 28
RULE = (f"a latency differs when the medians are more than {MIN_DIFF_MS:g} ms and "
        f"{MIN_DIFF_RATIO:.0%} apart")


def side_title(side: Side, letter: str) -> str:
    t = side.last.target
    name = f' "{side.name}"' if side.name else ""
    return f"{letter}{name} {host_port(t.host, t.port)} ({t.tls})"


def _cells(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def aspect_width(comparison: Comparison) -> int:
    return max(len(r.aspect) for r in comparison.rows)


def value_width(comparison: Comparison, limit: int = VALUE_WIDTH) -> int:
    """The width of the A and B columns: the longest value, at most ``limit``."""
    longest = max(len(x) for r in comparison.rows for x in (r.a, r.b))
    return max(min(limit, longest), 8)


def wrap_row(row: Row, width: int) -> list[tuple[str, str, str, str]]:
    """The row as lines of (aspect, A, B, faster), values wrapped to ``width``."""
    ca, cb = _cells(row.a, width), _cells(row.b, width)
    win = row.faster.upper() if row.faster else ""
    return [(row.aspect if i == 0 else "", ca[i] if i < len(ca) else "",
             cb[i] if i < len(cb) else "", win if i == 0 else "")
            for i in range(max(len(ca), len(cb)))]


def table_lines(comparison: Comparison, *, color: bool = False) -> list[str]:
    """The comparison table: one row per aspect, ``≠`` on the rows that differ."""
    aw, vw = aspect_width(comparison), value_width(comparison)
    head = (f"    {'aspect':<{aw}}  {_cells('A: ' + comparison.a.label, vw)[0]:<{vw}}  "
            f"{_cells('B: ' + comparison.b.label, vw)[0]:<{vw}}  faster")
    out = [paint(head.rstrip(), "bold", color)]
    section = ""
    for row in comparison.rows:
        if row.section != section:
            section = row.section
            out.append(f"  {SECTIONS.get(section, section)}")
        for i, (aspect, a, b, win) in enumerate(wrap_row(row, vw)):
            line = f"{aspect:<{aw}}  {a:<{vw}}  {b:<{vw}}  {win}".rstrip()
            if row.differs:
                mark = paint(f"  {DIFF} " if i == 0 else "    ", "warn", color)
                out.append(mark + paint(line, "bold", color))
            else:
                out.append("    " + line)
    return out


def _stat(stats: Stats | None, runs: int) -> str:
    if stats is None:
        return "n/a"
    def num(x: float) -> str:
        return f"{x:.1f}" if x < 10 else f"{x:.0f}"
    text = f"{num(stats.min)} / {num(stats.median)} / {num(stats.p95)}"
    return text + (f" ({stats.n} of {runs})" if stats.n != runs else "")


def stats_lines(comparison: Comparison) -> list[str]:
    """min / median / p95 per stage for both sides, and which side is faster."""
    runs = comparison.runs
    label_w = max(len(label) for _, label, _ in LATENCY_ASPECTS)
    cols = [(label, _stat(comparison.stats["a"][key], runs),
             _stat(comparison.stats["b"][key], runs),
             (comparison.faster[key] or "").upper()) for key, label, _ in LATENCY_ASPECTS]
    w = max(len(x) for c in cols for x in c[1:3]) + 2
    run_word = "run" if runs == 1 else "runs"
    out = [f"Latency over {runs} {run_word}, ms (min / median / p95)",
           f"    {'stage':<{label_w}}  {'A':<{w}}{'B':<{w}}faster"]
    out += [f"    {label:<{label_w}}  {a:<{w}}{b:<{w}}{win}".rstrip()
            for label, a, b, win in cols]
    out.append("  " + overall(comparison))
    return out


def overall(comparison: Comparison) -> str:
    """One sentence: which side is faster overall, from the median total."""
    ta, tb = comparison.stats["a"]["total"], comparison.stats["b"]["total"]
    if ta is None or tb is None:
        return "Overall: no winner (a side has no passing run to time)"
    figures = f"median total {fmt_ms(ta.median)} vs {fmt_ms(tb.median)}"
    win = comparison.faster["overall"]
    if win is None:
        return f"Overall: no meaningful difference ({figures}; {RULE})"
    return f"Overall: {win.upper()} ({comparison.side(win).label}) is faster ({figures})"


def cold_warm_lines(comparison: Comparison) -> list[str]:
    out = ["Cold vs warm: a new connection (TCP, TLS, greeting, EHLO, AUTH) against a "
           "further message on the open connection (RSET, MAIL, RCPT; DATA when sending)"]
    for letter in ("a", "b"):
        out.append(f"  {letter.upper()}: {comparison.cold_warm[letter].describe()}")
    return out


def send_lines(comparison: Comparison) -> list[str]:
    """What MAIL, RCPT and DATA did on each side (the run the table describes): each
    stage's time and reply; nothing when neither side tried them."""
    sides = {k: comparison.side(k).representative for k in ("a", "b")}
    if not any(send_stages(r) for r in sides.values()):
        return []
    out = ["Send: MAIL, RCPT and DATA as they ran"]
    for letter, report in sides.items():
        stages = send_stages(report)
        parts = [f"{LABELS[s.stage]} {s.status} {fmt_ms(s.elapsed_ms)}"
                 + (f" ({_fit(str(s.replies[-1]), 48)})" if s.replies else "")
                 for s in stages]
        if not stages:
            parts = [send_outcome(report)]
        elif not any(s.status == "fail" for s in stages) and not_tried(report):
            parts.append(f"no {'/'.join(not_tried(report))}")
        out.append(f"  {letter.upper()}: {', '.join(parts)}")
    return out


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(comparison: Comparison, *, color: bool = False) -> str:
    """The whole comparison as text (what ``w`` saves and `smtptui compare` prints)."""
    diffs = comparison.differences
    count = f"{len(diffs)} difference{'s' if len(diffs) != 1 else ''}"
    listed = ", ".join(r.aspect for r in diffs)
    lines = [
        f"smtptui compare: {side_title(comparison.a, 'A')}",
        f"            vs: {side_title(comparison.b, 'B')}",
        f"{comparison.runs} {'run' if comparison.runs == 1 else 'runs'} each, both sides at "
        f"the same time; {DIFF} marks a real difference ({RULE}).",
        "",
        paint(f"{count}{': ' + listed if listed else ''}", "warn" if diffs else "pass", color),
        "",
    ]
    lines += table_lines(comparison, color=color)
    lines += [""] + stats_lines(comparison)
    lines += [""] + cold_warm_lines(comparison)
    send = send_lines(comparison)
    lines += [""] + send if send else []
    return "\n".join(lines) + "\n"
