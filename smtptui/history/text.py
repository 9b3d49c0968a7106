"""Plain-text rendering of the history: the run table and a diff (pure; the CLI prints it).

Status is never colour alone: every row has its glyph and word. Values that came from a
server (banner, reply text) were sanitised by the engine before they were recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.durations import fmt_ms
from smtptui.glyphs import glyph
from smtptui.history.changes import Change, sentence
from smtptui.history.store import Run
from smtptui.reports.text import paint


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def failing(run: Run) -> str:
    if run.failed_stage is None:
        return ""
    cause = run.failed_reply.split(" ", 2)[:2] if run.failed_reply else []
    detail = " ".join(cause) if cause else (run.diagnosis_kind or "").replace("_", " ")
    return f"{run.failed_stage} ({detail})" if detail else run.failed_stage


def run_table(runs: Sequence[Run], *, width: int = 100, color: bool = False,
              show_profile: bool = True) -> list[str]:
    """One line per run, newest first: id, time, [profile], verdict, failing stage,
    total, what changed since the run before."""
    if not runs:
        return []
    id_w = max(len(str(r.id)) for r in runs)
    name_w = min(max(len(r.profile) for r in runs), 24) if show_profile else 0
    head = f"{'id':>{id_w}}  {'time':<19}  " + (f"{'profile':<{name_w}}  " if name_w else "")
    head += f"{'result':<6}  {'failing stage':<22}  {'total':>8}  what changed"
    lines = [paint(head, "bold", color)]
    for run in runs:
        word = {"pass": "pass", "warn": "warn", "fail": "FAIL"}.get(run.verdict, run.verdict)
        verdict = f"{glyph(run.verdict)} {word:<4}"
        start = f"{run.id:>{id_w}}  {run.when}  "
        if name_w:
            start += f"{_fit(run.profile, name_w):<{name_w}}  "
        end = f"  {_fit(failing(run), 22):<22}  {fmt_ms(run.total_ms):>8}  "
        used = len(start) + len(verdict) + len(end)
        changed = sentence([Change.from_json(c) for c in run.changes], limit=2)
        lines.append(start + paint(verdict, run.verdict, color) + end
                     + _fit(changed or "–", max(width - used, 12)))
    return lines


def describe_run(run: Run) -> str:
    """``run 42 of "Acme relay" at 2026-11-20 10:04:11``."""
    return f'run {run.id} of "{run.profile}" at {run.when}'


def diff_lines(changes: Sequence[Change], *, color: bool = False) -> list[str]:
    """One line per change: ``≠ aspect: before → after``, then the sentence."""
    if not changes:
        return ["  nothing changed (latency within the noise threshold)"]
    out = []
    for c in changes:
        mark = paint("≠", "warn", color)
        out.append(f"  {mark} {c.text}")
    return out


def latency_line(run: Run) -> str:
    parts = [f"{stage} {fmt_ms(ms)}" for stage, ms in run.stage_ms.items()]
    return ", ".join(parts)
