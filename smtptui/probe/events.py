"""The typed events the engine yields, and the report they add up to.

One engine, two front ends: the TUI and the CLI consume the same stream of these
frozen dataclasses. ``ProbeReport.to_json()`` is the headless contract.
"""

from __future__ import annotations

from typing import Any, Literal

from smtptui.diagnose.model import Diagnosis, Reply
from smtptui.records import field, record

Stage = Literal[
    "resolve", "connect", "tls", "greeting", "ehlo", "starttls",
    "auth", "mail", "rcpt", "data", "quit",
]
Status = Literal["pass", "warn", "fail", "skip"]
Direction = Literal["C", "S", "*"]


@record(slots=True)
class StageStarted:
    stage: Stage
    t_ms: float


@record(slots=True)
class WireLine:
    """One line of the transcript: ``C`` client, ``S`` server, ``*`` the tool's own note.

    Text is already sanitised (control characters escaped, length capped) and
    credentials are already ``<redacted>``.
    """

    direction: Direction
    text: str
    t_ms: float

    def to_json(self) -> dict[str, Any]:
        return {"t_ms": round(self.t_ms, 3), "dir": self.direction, "text": self.text}


@record(slots=True)
class StageFinished:
    stage: Stage
    status: Status
    elapsed_ms: float
    replies: tuple[Reply, ...] = ()
    diagnosis: Diagnosis | None = None
    warnings: tuple[str, ...] = ()
    note: str = ""
    """A short human summary of what happened (e.g. "TLSv1.3", "PLAIN accepted")."""

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "replies": [r.to_json() for r in self.replies],
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
            "warnings": list(self.warnings),
            "note": self.note,
        }


@record(slots=True)
class CertInfo:
    subject: str
    issuer: str
    san: tuple[str, ...]
    not_before: str
    not_after: str
    days_left: int
    verified: bool
    error: str | None = None
    self_signed: bool = False
    der: bytes | None = field(default=None, repr=False, compare=False)
    """The certificate itself (for DANE/TLSA checks); not part of the JSON."""

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "issuer": self.issuer, "san": list(self.san),
            "not_before": self.not_before, "not_after": self.not_after,
            "days_left": self.days_left, "verified": self.verified, "error": self.error,
        }


@record(slots=True)
class TLSInfo:
    version: str
    cipher: str
    bits: int
    cert: CertInfo | None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version, "cipher": self.cipher, "bits": self.bits,
            "cert": self.cert.to_json() if self.cert else None,
        }


@record(slots=True)
class Target:
    host: str
    port: int
    tls: str
    profile: str | None = None
    address: str | None = None
    """The IP address actually connected to, once known."""

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "tls": self.tls,
                "profile": self.profile, "address": self.address}


@record
class ProbeReport:
    """Everything one probe found. Serialises to the headless JSON contract."""

    target: Target
    stages: tuple[StageFinished, ...]
    tls: TLSInfo | None = None
    extensions: dict[str, str] = field(default_factory=dict)
    transcript: tuple[WireLine, ...] = ()
    banner: str = ""
    started_at: str = ""
    total_ms: float = 0.0
    ehlo_changes: dict[str, list[str]] = field(default_factory=dict)
    """Extensions ``added`` / ``removed`` between the pre- and post-TLS EHLO."""
    warm_ms: tuple[float, ...] = ()
    """Timings of further messages on the open connection (``ProbeConfig.warm_runs``)."""

    @property
    def cold_ms(self) -> float:
        """A fresh connection's cost: connect, TLS/STARTTLS, greeting, EHLO(s) and AUTH."""
        cold = ("connect", "tls", "greeting", "ehlo", "starttls", "auth")
        return sum(s.elapsed_ms for s in self.stages if s.stage in cold)

    @property
    def ok(self) -> bool:
        return not any(s.status == "fail" for s in self.stages)

    @property
    def failed_stage(self) -> StageFinished | None:
        return next((s for s in self.stages if s.status == "fail"), None)

    @property
    def warnings(self) -> list[str]:
        return [w for s in self.stages for w in s.warnings]

    def stage(self, name: str) -> StageFinished | None:
        """The last run of stage ``name`` (EHLO may run twice)."""
        found = [s for s in self.stages if s.stage == name]
        return found[-1] if found else None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "target": self.target.to_json(),
            "stages": [s.to_json() for s in self.stages],
            "tls": self.tls.to_json() if self.tls else None,
            "extensions": dict(self.extensions),
            "transcript": [w.to_json() for w in self.transcript],
            "banner": self.banner,
            "started_at": self.started_at,
            "total_ms": round(self.total_ms, 3),
            "warnings": self.warnings,
            "ehlo_changes": self.ehlo_changes,
            "cold_ms": round(self.cold_ms, 3),
            "warm_ms": [round(x, 3) for x in self.warm_ms],
        }


@record(slots=True)
class ProbeFinished:
    report: ProbeReport


ProbeEvent = StageStarted | WireLine | StageFinished | ProbeFinished
