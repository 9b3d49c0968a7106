"""Shared result vocabulary: levels, findings and JSON serialisation of result dataclasses."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable
from typing import Any, Literal

Level = Literal["pass", "warn", "fail", "info"]
"""``pass`` ✓ fine; ``warn`` ⚠ works but worth fixing; ``fail`` ✗ broken; ``info`` · neutral."""

_RANK: dict[str, int] = {"info": 0, "pass": 1, "warn": 2, "fail": 3}


def worst(levels: Iterable[Level], default: Level = "info") -> Level:
    """The most severe of ``levels`` (``fail`` > ``warn`` > ``pass`` > ``info``)."""
    result: Level = default
    for level in levels:
        if _RANK[level] > _RANK[result]:
            result = level
    return result


def jsonable(value: Any) -> Any:
    """Plain JSON types from dataclasses, tuples, bytes and IP addresses.

    Dataclass fields with ``metadata={"json": False}`` are left out.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            if f.metadata.get("json", True):
                out[f.name] = jsonable(getattr(value, f.name))
        level = getattr(value, "level", None)
        if isinstance(level, str) and "level" not in out:
            out["level"] = level
        return out
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    return value


class JsonMixin:
    """Gives a result dataclass ``to_json()`` (its fields, plus ``level`` when it has one)."""

    def to_json(self) -> dict[str, Any]:
        result = jsonable(self)
        assert isinstance(result, dict)
        return result


@dataclasses.dataclass(frozen=True)
class Finding(JsonMixin):
    """One line of verdict: a level and a sentence (already safe to print)."""

    level: Level
    text: str


def level_of(findings: Iterable[Finding]) -> Level:
    """The overall level of a group of findings."""
    return worst(f.level for f in findings)
