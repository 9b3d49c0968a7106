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

SCHEMA_VERSION = 2
"""The report JSON's ``schema``: 2 added the field itself and ``tls.cert.sha256``
(a report without it is from version 1). Readers: :mod:`smtptui.probe.report_json`."""


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
class Refusal:
    """One recipient the server refused at RCPT, with its own reply and cause."""

    address: str
    reply: Reply
    diagnosis: Diagnosis | None = None

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "reply": self.reply.to_json(),
                "diagnosis": self.diagnosis.to_json() if self.diagnosis else None}


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
    refused: tuple[Refusal, ...] = ()
    """RCPT: every refused recipient, each with its own reply and diagnosis."""
    info: tuple[str, ...] = ()
    """Facts worth knowing that need no action (severity ``info``: never a warning)."""

    def to_json(self) -> dict[str, Any]:
        out = {
            "stage": self.stage,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "replies": [r.to_json() for r in self.replies],
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
            "warnings": list(self.warnings),
            "info": list(self.info),
            "note": self.note,
        }
        if self.stage == "rcpt":
            out["refused"] = [r.to_json() for r in self.refused]
        return out


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

    sha256: str | None = None
    """The certificate's SHA-256 fingerprint (hex), when known."""

    @property
    def fingerprint(self) -> str | None:
        if self.sha256 is None and self.der is not None:
            try:  # what hashlib.sha256 is with OpenSSL, without hashlib's 0.4 ms import
                from _hashlib import openssl_sha256 as sha256
            except ImportError:  # pragma: no cover - a Python built without OpenSSL
                from hashlib import sha256

            return sha256(self.der).hexdigest()
        return self.sha256

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "issuer": self.issuer, "san": list(self.san),
            "not_before": self.not_before, "not_after": self.not_after,
            "days_left": self.days_left, "verified": self.verified, "error": self.error,
            "sha256": self.fingerprint,
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
    tested_until: str | None = None
    """The last stage that passed (see :mod:`smtptui.probe.coverage`)."""
    untested: tuple[tuple[tuple[str, ...], str], ...] = ()
    """Stages a full probe covers that this one did not try, each group with why."""

    @property
    def coverage(self) -> str:
        """``"up to AUTH — MAIL/RCPT not tested (no sender/recipient set)"`` or ``""``."""
        from smtptui.probe.coverage import coverage_text

        return coverage_text(self.tested_until, self.untested)

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

    @property
    def info(self) -> list[str]:
        """Facts that need no action (severity ``info``)."""
        return [i for s in self.stages for i in s.info]

    def stage(self, name: str) -> StageFinished | None:
        """The last run of stage ``name`` (EHLO may run twice)."""
        found = [s for s in self.stages if s.stage == name]
        return found[-1] if found else None

    @classmethod
    def from_json(cls, doc: Any) -> ProbeReport:
        """Read back what :meth:`to_json` wrote (any schema version; unknown fields are
        ignored — :func:`smtptui.probe.report_json.read_report` also lists them)."""
        from smtptui.probe.report_json import read_report

        return read_report(doc).report

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
            "info": self.info,
            "ehlo_changes": self.ehlo_changes,
            "cold_ms": round(self.cold_ms, 3),
            "warm_ms": [round(x, 3) for x in self.warm_ms],
            "tested_until": self.tested_until,
            "untested": [{"stages": list(stages), "reason": why}
                         for stages, why in self.untested],
            "schema": SCHEMA_VERSION,
        }

    def to_json_text(self) -> str:
        """:meth:`to_json` as the JSON text ``--json`` prints (before the keys a front end
        adds: see :func:`with_keys`). The history keeps this same text, so a recorded
        probe serialises its report once."""
        import json

        return json.dumps(self.to_json(), ensure_ascii=False)


def with_keys(text: str, extra: dict[str, Any]) -> str:
    """A JSON object's text (from :meth:`ProbeReport.to_json_text`) with ``extra``'s keys
    added after its own: the text ``json.dumps`` gives for the object with them."""
    if not extra:
        return text
    import json

    added = ", ".join(f"{json.dumps(key, ensure_ascii=False)}: "
                      f"{json.dumps(value, ensure_ascii=False)}"
                      for key, value in extra.items())
    return f"{text[:-1]}, {added}}}" if text != "{}" else f"{{{added}}}"


@record(slots=True)
class ProbeFinished:
    report: ProbeReport


ProbeEvent = StageStarted | WireLine | StageFinished | ProbeFinished
