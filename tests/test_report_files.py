"""Saved reports: slugs, the JSON + text pair, and the one-line problems of the save prompt."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from smtptui.reports.files import pair_paths, save_typed, slug, write_pair


def test_slug_is_file_name_safe() -> None:
    assert slug("Acme Gmail/EU") == "acme-gmail-eu"
    assert slug("///") == "report" and slug("", fallback="relay") == "relay"
    assert len(slug("x" * 100)) == 40


def test_write_pair_writes_both_and_drops_a_given_suffix(tmp_path: Path) -> None:
    doc = {"ok": True, "host": "relais.example", "note": "déjà"}
    json_path, text_path = write_pair(tmp_path / "out.txt", doc, "line\n")
    assert (json_path, text_path) == pair_paths(tmp_path / "out")
    assert json.loads(json_path.read_text(encoding="utf-8")) == doc
    assert text_path.read_text(encoding="utf-8") == "line\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "out.txt"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "out.json").mkdir()  # a directory where the JSON file should go
    with pytest.raises(OSError):
        write_pair(tmp_path / "out", {}, "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_save_typed_reports_problems_in_one_line(tmp_path: Path) -> None:
    written: list[Path] = []
    assert save_typed("  ", written.append) == "Give a file name."
    missing = tmp_path / "nope" / "r"
    assert save_typed(str(missing), written.append) == f"No such folder: {missing.parent}"
    assert save_typed(f" {tmp_path / 'r'} ", written.append) is None
    assert written == [tmp_path / "r"]

    def fail(base: Path) -> None:
        raise PermissionError(13, os.strerror(13))

    assert save_typed(str(tmp_path / "r"), fail) == f"Could not write: {os.strerror(13)}"


def test_saving_over_existing_files_asks_once_first(tmp_path: Path) -> None:
    from smtptui.reports.files import SavePrompt

    keep = tmp_path / "keep.txt"
    keep.write_text("important\n")
    saves: list[Path] = []
    prompt = SavePrompt(lambda base: (saves.append(base), write_pair(base, {"a": 1}, "new\n")))
    problem = prompt(str(tmp_path / "keep"))
    assert problem == "keep.txt already exists: press Enter again to replace, or change the name."
    assert keep.read_text() == "important\n" and saves == []
    assert prompt(str(tmp_path / "other")) is None  # a new name saves at once
    assert prompt(str(tmp_path / "keep")) is not None  # warned for other, so asks again
    assert prompt(str(tmp_path / "keep")) is None  # the same answer twice: replace
    assert keep.read_text() == "new\n"
    assert saves == [tmp_path / "other", tmp_path / "keep"]
