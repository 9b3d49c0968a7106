"""Save a comparison as ``<base>.json`` (the `compare --json` object) and ``<base>.txt``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from smtptui.compare.model import Comparison
from smtptui.compare.text import render_text
from smtptui.reports.files import slug, write_pair


def default_base(comparison: Comparison, directory: Path,
                 now: dt.datetime | None = None) -> Path:
    """``<directory>/smtptui-compare-<a>-vs-<b>-<timestamp>`` (no suffix)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    a, b = (slug(side.label, fallback="relay") for side in (comparison.a, comparison.b))
    return directory / f"smtptui-compare-{a}-vs-{b}-{stamp}"


def save_comparison(comparison: Comparison, base: Path) -> tuple[Path, Path]:
    """Write ``base.json`` and ``base.txt`` (a ``.json``/``.txt`` suffix on ``base`` is
    dropped); return both paths. Raises OSError when they cannot be written."""
    return write_pair(base, comparison.to_json(), render_text(comparison))
