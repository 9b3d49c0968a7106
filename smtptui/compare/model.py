"""The records of a comparison: each side's runs, the table rows, cold vs warm."""

from __future__ import annotations

from typing import Any

from smtptui.compare.stats import Stats, Winner
from smtptui.durations import fmt_ms
from smtptui.hostport import host_port
from smtptui.probe.events import ProbeReport
from smtptui.records import record

WARM_NEEDS = "n/a (needs --from/--to)"


@record
class Side:
    """One relay of the comparison: its display name and the report of every run."""

    name: str
    reports: tuple[ProbeReport, ...]
    warm_runs: int = 0
    """Warm messages asked for per probe (0: no --from/--to, so none)."""

    @property
    def last(self) -> ProbeReport:
        return self.reports[-1]

    @property
    def representative(self) -> ProbeReport:
        """The report the table describes: the last run that passed, else the last run
        (so one blip in a series does not blank out the TLS and EHLO rows)."""
        return next((r for r in reversed(self.reports) if r.ok), self.reports[-1])

    @property
    def passed(self) -> int:
        return sum(1 for r in self.reports if r.ok)

    @property
    def ok(self) -> bool:
        return self.passed == len(self.reports)

    @property
    def label(self) -> str:
        t = self.last.target
        return self.name or host_port(t.host, t.port)


@record(slots=True)
class Row:
    """One aspect: the value on each side and whether they really differ."""

    key: str
    """Stable id: ``result``, ``latency.greeting``, ``tls.issuer``, ``ext.SIZE`` …"""
    section: str
    aspect: str
    a: str
    b: str
    differs: bool
    faster: Winner | None = None
    """Latency rows: the side whose median is meaningfully lower."""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "section": self.section, "aspect": self.aspect,
                "a": self.a, "b": self.b, "differs": self.differs, "faster": self.faster}


@record(slots=True)
class ColdWarm:
    """A fresh connection (TCP + TLS + greeting + EHLO + AUTH) against a further
    message on the open, authenticated connection."""

    cold: Stats | None
    warm: Stats | None
    warm_note: str = ""
    """Why there is no warm figure, when there is none."""

    @property
    def ratio(self) -> float | None:
        """How many times a warm message is cheaper than a cold connection (medians)."""
        if self.cold is None or self.warm is None or self.warm.median <= 0:
            return None
        return self.cold.median / self.warm.median

    def describe(self) -> str:
        cold = f"cold {fmt_ms(self.cold.median if self.cold else None)}"
        if self.warm is None:
            return f"{cold}; warm {self.warm_note or 'n/a'}"
        text = f"{cold}; warm {fmt_ms(self.warm.median)} (median of {self.warm.n})"
        ratio = self.ratio
        return text + (f"; a warm message costs 1/{ratio:.0f} of a new connection"
                       if ratio is not None and ratio >= 2 else "")

    def to_json(self) -> dict[str, Any]:
        ratio = self.ratio
        return {"cold": self.cold.to_json() if self.cold else None,
                "warm": self.warm.to_json() if self.warm else None,
                "warm_note": self.warm_note or None,
                "ratio": round(ratio, 2) if ratio is not None else None}


@record
class Comparison:
    """Everything a comparison found. ``to_json()`` is the `compare --json` contract."""

    a: Side
    b: Side
    runs: int
    rows: tuple[Row, ...]
    stats: dict[str, dict[str, Stats | None]]
    """``{"a": {aspect: Stats | None}, "b": …}`` over the runs."""
    cold_warm: dict[str, ColdWarm]
    faster: dict[str, Winner | None]
    """Per latency aspect (``connect`` … ``total``) and ``overall`` (from the total)."""

    @property
    def ok(self) -> bool:
        return self.a.ok and self.b.ok

    @property
    def differences(self) -> list[Row]:
        return [r for r in self.rows if r.differs]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def side(self, which: str) -> Side:
        return self.a if which == "a" else self.b

    def to_json(self) -> dict[str, Any]:
        from smtptui.compare.sending import send_json

        def stats(side: str) -> dict[str, Any]:
            return {k: (s.to_json() if s else None) for k, s in self.stats[side].items()}

        return {
            "ok": self.ok,
            "names": {"a": self.a.name, "b": self.b.name},
            "runs": self.runs,
            "passed": {"a": self.a.passed, "b": self.b.passed},
            "a": self.a.last.to_json(),
            "b": self.b.last.to_json(),
            "stats": {"a": stats("a"), "b": stats("b")},
            "faster": dict(self.faster),
            "rows": [r.to_json() for r in self.rows],
            "cold_warm": {k: v.to_json() for k, v in self.cold_warm.items()},
            "send": {"a": send_json(self.a.representative),
                     "b": send_json(self.b.representative)},
        }
