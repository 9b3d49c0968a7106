"""Serialise a profiles document to TOML that reads like the hand-written example.

``tomli-w`` would write ``password = { env = "X" }`` as a ``[profile.password]`` sub-table;
here each ``[defaults]`` and ``[[profile]]`` key stays on one line with inline tables, and
``tomli-w`` formats the scalars (so quoting and escapes are its, not ours).
Used for new files and as the fallback of :mod:`smtptui.profiles.patch`, which edits an
existing file in place (this layout has no comments; ``tomllib`` drops them when reading).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(extra: Mapping[str, Any], defaults: Mapping[str, Any],
          profiles: Iterable[Mapping[str, Any]]) -> str:
    """The whole file: unknown top-level keys, then ``[defaults]``, then each ``[[profile]]``."""
    import tomli_w

    chunks: list[str] = []
    scalars = {k: v for k, v in extra.items() if not _is_table(v)}
    tables = {k: v for k, v in extra.items() if _is_table(v)}
    if scalars:
        chunks.append(lines(scalars))
    if tables:
        chunks.append(tomli_w.dumps(tables))
    if defaults:
        chunks.append("[defaults]\n" + lines(defaults))
    chunks += [profile_text(table) for table in profiles]
    return "\n".join(chunks)


def profile_text(table: Mapping[str, Any]) -> str:
    """One ``[[profile]]`` table: its header, then one ``key = value`` line per key."""
    return "[[profile]]\n" + lines(table)


def _is_table(value: object) -> bool:
    return isinstance(value, Mapping) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value))


def lines(table: Mapping[str, Any]) -> str:
    """``key = value`` lines, one per key, values inline (tables as ``{ k = v }``)."""
    return "".join(f"{_key(k)} = {_literal(v)}\n" for k, v in table.items())


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _literal(key)


def _literal(value: object) -> str:
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_literal(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value})[len("v = "):-1]
