"""Saved reports: a file-name-safe slug and a JSON + text pair written side by side."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smtptui.probe.report_json import ReadReport

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def slug(name: str, *, limit: int = 40, fallback: str = "report") -> str:
    """A file-name-safe form of a name ("Acme Gmail" -> "acme-gmail")."""
    return _UNSAFE.sub("-", name).strip("-").lower()[:limit] or fallback


def pair_paths(base: Path) -> tuple[Path, Path]:
    """``base.json`` and ``base.txt`` (a ``.json``/``.txt`` suffix on ``base`` is dropped)."""
    if base.suffix.lower() in (".json", ".txt"):
        base = base.with_suffix("")
    return Path(f"{base}.json"), Path(f"{base}.txt")


def write_pair(base: Path, json_doc: Any, text: str) -> tuple[Path, Path]:
    """Write ``json_doc`` as ``base.json`` and ``text`` as ``base.txt``; return both paths.

    Each file is written to a temporary file beside it and renamed into place, so a failed
    write never leaves a half-written report. Raises OSError when they cannot be written.
    """
    json_path, text_path = pair_paths(base)
    _replace(json_path, json.dumps(json_doc, ensure_ascii=False, indent=2) + "\n")
    _replace(text_path, text)
    return json_path, text_path


def save_typed(answer: str, write: Callable[[Path], object]) -> str | None:
    """Call ``write(base)`` for the path a person typed; a one-line problem, or None."""
    answer = answer.strip()
    if not answer:
        return "Give a file name."
    base = Path(answer).expanduser()
    if not base.parent.is_dir():
        return f"No such folder: {base.parent}"
    try:
        write(base)
    except OSError as exc:
        return f"Could not write: {exc.strerror or type(exc).__name__}"
    return None


class SavePrompt:
    """What a "save as" prompt calls with the typed path: saves with :func:`save_typed`,
    but first asks once before replacing files that exist (the same answer again means
    yes)."""

    def __init__(self, write: Callable[[Path], object]) -> None:
        self._write = write
        self._warned: str | None = None

    def __call__(self, answer: str) -> str | None:
        answer = answer.strip()
        if answer and answer != self._warned:
            there = [p for p in pair_paths(Path(answer).expanduser()) if p.exists()]
            if there:
                self._warned = answer
                names = " and ".join(p.name for p in there)
                verb = "exists" if len(there) == 1 else "exist"
                return f"{names} already {verb}: press Enter again to replace, or change the name."
        self._warned = None
        return save_typed(answer, self._write)

    def reset(self) -> None:
        """The answer was edited: ask again before replacing anything."""
        self._warned = None


def _replace(path: Path, text: str) -> None:
    # os.open applies the umask to 0o666, as a plain write would (mkstemp would force 0600)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_report_file(path: Path) -> ReadReport:
    """A saved report (``w``, ``--json``, ``history show --json``, or the first line of a
    batch's output). Raises UsageError with one line when it cannot be read."""
    from smtptui.errors import UsageError
    from smtptui.probe.report_json import read_report

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UsageError(f"{path}: cannot read: {reason}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        try:  # JSON lines (probe --all --json): the first one
            doc = json.loads(text.splitlines()[0]) if text.strip() else None
        except (json.JSONDecodeError, IndexError):
            raise UsageError(f"{path}: not JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        return read_report(doc)
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from None
