"""Save a comparison as JSON and plain text, side by side, never overwriting a file."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from smtptui.compare.model import Comparison
from smtptui.compare.text import render_text

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def slug(name: str, limit: int = 40) -> str:
    """A file-name-safe form of a profile name ("Acme Gmail" -> "Acme-Gmail")."""
    return _UNSAFE.sub("-", name).strip("-.")[:limit] or "relay"


def save_comparison(comparison: Comparison, directory: Path,
                    now: dt.datetime | None = None) -> tuple[Path, Path]:
    """Write ``<stem>.json`` and ``<stem>.txt`` into ``directory``; return both paths."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = (f"smtptui-compare-{slug(comparison.a.label)}-vs-{slug(comparison.b.label)}"
            f"-{stamp}")
    directory.mkdir(parents=True, exist_ok=True)
    doc = json.dumps(comparison.to_json(), ensure_ascii=False, indent=2) + "\n"
    text = render_text(comparison)
    for n in range(1000):
        stem = base if n == 0 else f"{base}-{n}"
        json_path, text_path = directory / f"{stem}.json", directory / f"{stem}.txt"
        try:
            with open(json_path, "x", encoding="utf-8") as f:
                f.write(doc)
        except FileExistsError:
            continue
        try:
            with open(text_path, "x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            json_path.unlink()
            continue
        return json_path, text_path
    raise FileExistsError(f"no free file name for {base} in {directory}")
