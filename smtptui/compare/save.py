"""Save a comparison as ``<base>.json`` (the `compare --json` object) and ``<base>.txt``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from smtptui.compare.model import Comparison
from smtptui.compare.text import render_text

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def slug(name: str, limit: int = 40) -> str:
    """A file-name-safe form of a profile name ("Acme Gmail" -> "acme-gmail")."""
    return _UNSAFE.sub("-", name).strip("-").lower()[:limit] or "relay"


def default_base(comparison: Comparison, directory: Path,
                 now: dt.datetime | None = None) -> Path:
    """``<directory>/smtptui-compare-<a>-vs-<b>-<timestamp>`` (no suffix)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return directory / (f"smtptui-compare-{slug(comparison.a.label)}-vs-"
                        f"{slug(comparison.b.label)}-{stamp}")


def save_comparison(comparison: Comparison, base: Path) -> tuple[Path, Path]:
    """Write ``base.json`` and ``base.txt`` (a ``.json``/``.txt`` suffix on ``base`` is
    dropped); return both paths. Raises OSError when they cannot be written."""
    if base.suffix.lower() in (".json", ".txt"):
        base = base.with_suffix("")
    json_path, text_path = Path(f"{base}.json"), Path(f"{base}.txt")
    doc = json.dumps(comparison.to_json(), ensure_ascii=False, indent=2) + "\n"
    json_path.write_text(doc, encoding="utf-8")
    text_path.write_text(render_text(comparison), encoding="utf-8")
    return json_path, text_path
