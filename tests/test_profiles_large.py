"""A large profiles file is read by the fast parser exactly as tomllib reads it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from smtptui.profiles import ProfilesError, load
from smtptui.profiles.store import FAST_PARSE_BYTES, read_toml


def big_file(path: Path, extra: str = "") -> str:
    tables = []
    for i in range(FAST_PARSE_BYTES // 150 + 1):
        tables.append(f'[[profile]]\nname = "relay {i:05d}"\nclient = "Client \\u00e9 {i % 7}"\n'
                      f'host = "smtp{i % 50}.example.net"\nport = {587 if i % 2 else 465}\n'
                      f'password = {{ env = "PW_{i}" }}\nto = ["a{i}@example.net"]\n')
    text = "\n".join(tables) + extra
    path.write_text(text, encoding="utf-8")
    return text


def test_a_large_file_reads_as_tomllib_reads_it(tmp_path: Path) -> None:
    text = big_file(tmp_path / "p.toml")
    assert len(text) >= FAST_PARSE_BYTES
    assert read_toml(text) == tomllib.loads(text)
    pf = load(tmp_path / "p.toml")
    assert pf.profiles[1].client == "Client \u00e9 1" and pf.profiles[1].port == 587
    assert len(pf.profiles) == FAST_PARSE_BYTES // 150 + 1


@pytest.mark.parametrize("tail", [
    'bad = { a = 1,\n }\n',          # TOML 1.1 only: newline and trailing comma in a table
    'x = "\\e"\n',                    # TOML 1.1 only: the \e escape
    'name = "relay 00000"\n[[profile]\n',  # a syntax error anywhere
])
def test_what_tomllib_refuses_is_refused_with_its_line_and_column(tmp_path: Path,
                                                                  tail: str) -> None:
    text = big_file(tmp_path / "p.toml", "\n[extra]\n" + tail)
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(ProfilesError, match=r"p\.toml: line \d+, column \d+: "):
        load(tmp_path / "p.toml")
