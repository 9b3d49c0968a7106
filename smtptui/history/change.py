"""One change between two runs of a profile, and what recording a run needs of changes
without the comparison tables: latency beyond the noise threshold (more than
:data:`LATENCY_RATIO` times and more than :data:`LATENCY_MIN_MS` apart), the signature
that tells whether anything but latency can differ, and the sentence people read.
:mod:`smtptui.history.changes` compares two whole reports (imported only when two
signatures differ)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smtptui.probe.events import ProbeReport
from smtptui.probe.warning_kinds import warning_kinds
from smtptui.records import record

LATENCY_RATIO = 2.0
LATENCY_MIN_MS = 50.0


@record(slots=True)
class Change:
    """One aspect that differs between an earlier run and a later one."""

    key: str
    """Stable id: ``result``, ``failing_stage``, ``cert.sha256``, ``ext.AUTH``,
    ``latency.greeting`` …"""
    aspect: str
    before: str
    after: str
    text: str
    """One clause for people: "the certificate was replaced (issuer R11 → E6)"."""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "aspect": self.aspect, "before": self.before,
                "after": self.after, "text": self.text}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Change:
        return cls(str(doc.get("key", "")), str(doc.get("aspect", "")),
                   str(doc.get("before", "")), str(doc.get("after", "")),
                   str(doc.get("text", "")))


def latency_changes(a: dict[str, float], b: dict[str, float]) -> list[Change]:
    """Stages whose time changed beyond the noise threshold (``stage -> ms`` of two runs)."""
    out = []
    for stage, before in a.items():
        after = b.get(stage)
        if after is None:
            continue
        low, high = min(before, after), max(before, after)
        if high - low > LATENCY_MIN_MS and high > LATENCY_RATIO * low:
            from smtptui.durations import fmt_ms  # worded only when there is one

            word = "slower" if after > before else "faster"
            out.append(Change(f"latency.{stage}", f"{stage} latency", fmt_ms(before),
                              fmt_ms(after), f"{stage} took {fmt_ms(after)} "
                              f"(was {fmt_ms(before)}, {word})"))
    return out


def signature(report: ProbeReport) -> str:
    """Everything :func:`diff_reports` compares but latency, as one string: two runs with
    the same signature differ at most in latency (recording then skips reading the
    earlier report)."""
    import json

    from smtptui.history.facts import facts

    f = facts(report)
    tls = report.tls
    cert = tls.cert if tls else None
    failed = report.failed_stage
    reached = sorted({s.stage for s in report.stages if s.status in ("pass", "warn")})
    return json.dumps([
        f.verdict, f.failed_stage, f.failed_reply, f.diagnosis_kind,
        failed.diagnosis.layer if failed and failed.diagnosis else None,
        [r.code for r in failed.replies] if failed else None,
        [tls.version, tls.cipher, tls.bits] if tls else None,
        [cert.fingerprint, cert.issuer, cert.not_after[:10], sorted(cert.san), cert.verified,
         cert.error] if cert else None,
        sorted(report.extensions.items()), report.target.tls,
        sorted(report.ehlo_changes.get("removed", [])), reached,
        report.banner.split("\n", 1)[0], report.target.address,
        warning_kinds(report),
    ], ensure_ascii=False, separators=(",", ":"))


def notable(changes: Sequence[Change]) -> bool:
    """Something other than latency changed (latency alone is too noisy for a mark, and
    for the retention's longer keep). A latency that crossed a threshold the probe warns
    at (a slow greeting) is notable through the result and warnings rows; the figure in
    such a warning moving is not (see :func:`~smtptui.probe.warning_kinds.warning_kinds`)."""
    return any(not c.key.startswith("latency.") for c in changes)


def sentence(changes: Sequence[Change], *, limit: int = 4) -> str:
    """The changes as one clause list: "AUTH LOGIN is no longer offered; …"."""
    texts = [c.text for c in changes[:limit]]
    more = len(changes) - limit
    if more > 0:
        texts.append(f"{more} more")
    return "; ".join(texts)
