"""Check results as card rows: ✓ ⚠ ✗ · and a word for every level, never colour alone."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from smtptui.app.render import BAD, MUTED, OK, WARN, Bullet
from smtptui.dnscheck.model import Finding, Level
from smtptui.glyphs import glyph

STYLES: dict[str, str] = {"pass": OK, "warn": WARN, "fail": BAD, "info": MUTED}


def mark(level: Level | str) -> Content:
    """``✓ pass  `` in the level's colour (the word says it without colour)."""
    return Content.styled(f"{glyph(level, default='·')} {level:<4}  ",
                          STYLES.get(level, MUTED))


def bullet(level: Level | str, text: str | Content) -> Bullet:
    """One finding: a mark and its (already display-safe) text, never parsed as markup."""
    return Bullet(mark(level), text if isinstance(text, Content) else Content(text))


def finding_rows(findings: Iterable[Finding]) -> list[Bullet]:
    return [bullet(f.level, f.text) for f in findings]


def summary(levels: Iterable[Level | str], *, clean_text: str = "all checks passed") -> Bullet:
    """``✗ fail  2 failed, 1 warning`` for a group of results."""
    found = list(levels)
    fails, warns = found.count("fail"), found.count("warn")
    plural = "s" if warns != 1 else ""
    if fails:
        return bullet("fail", f"{fails} failed, {warns} warning{plural}")
    if warns:
        return bullet("warn", f"no failures, {warns} warning{plural}")
    return bullet("pass", clean_text)
