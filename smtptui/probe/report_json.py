"""Reading a report back from its JSON (``ProbeReport.to_json()``), any schema version.

One reader serves history, ``diff`` and ``open``. It is tolerant: a missing field takes
its default, a field it does not know (from a newer smtptui, or added by a front end) is
skipped and named in :attr:`ReadReport.unknown`, so a viewer can say so in one line.
A document that is not a report at all raises :class:`ValueError` with one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smtptui.diagnose.model import Diagnosis, Reply
from smtptui.probe.events import (
    SCHEMA_VERSION,
    CertInfo,
    ProbeReport,
    Refusal,
    StageFinished,
    Target,
    TLSInfo,
    WireLine,
)

_TOP = {"ok", "target", "stages", "tls", "extensions", "transcript", "banner", "started_at",
        "total_ms", "warnings", "info", "ehlo_changes", "cold_ms", "warm_ms", "schema",
        "tested_until", "untested"}
_FRONT_END = {"profile", "client", "error", "swaks", "swaks_notes", "openssl", "history"}
"""Added by front ends around the report (batch lines, --swaks, history): not unknown."""
_TARGET = {"host", "port", "tls", "profile", "address"}
_STAGE = {"stage", "status", "elapsed_ms", "replies", "diagnosis", "warnings", "note", "info",
          "refused"}
_REPLY = {"code", "enhanced", "text"}
_DIAGNOSIS = {"layer", "summary", "advice", "kind"}
_TLS = {"version", "cipher", "bits", "cert"}
_CERT = {"subject", "issuer", "san", "not_before", "not_after", "days_left", "verified",
         "error", "sha256"}
_WIRE = {"t_ms", "dir", "text"}
_STATUSES = ("pass", "warn", "fail", "skip")
_LAYERS = ("dns", "network", "tls", "protocol", "auth", "policy")


@dataclass(frozen=True)
class ReadReport:
    """A report read from JSON, with what the reader could not place."""

    report: ProbeReport
    schema: int
    unknown: tuple[str, ...] = ()
    """Fields (``stages[].tested_until``) or values it did not know, in first-seen order."""
    error: str = ""
    """Why the probe never ran (a batch's "not run" line), if it says so."""

    @property
    def newer(self) -> bool:
        return self.schema > SCHEMA_VERSION

    def notice(self) -> str:
        """One line about fields this version does not show, or ""."""
        if not self.unknown:
            return ""
        shown = ", ".join(self.unknown[:6]) + (" …" if len(self.unknown) > 6 else "")
        who = (f"a newer smtptui (report schema {self.schema}, this one reads "
               f"{SCHEMA_VERSION})" if self.newer else "another smtptui version")
        return f"Written by {who}: not shown here: {shown}"


class _Reader:
    def __init__(self) -> None:
        self.unknown: dict[str, None] = {}

    def extra(self, doc: dict[str, Any], known: set[str], where: str) -> None:
        for key in doc:
            if key not in known:
                self.unknown[f"{where}{key}"] = None

    def obj(self, value: Any, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ValueError(f"not a smtptui report: {where or 'the document'} is not an object")
        return value

    def reply(self, doc: Any) -> Reply:
        d = self.obj(doc, "a reply")
        self.extra(d, _REPLY, "stages[].replies[].")
        enhanced = d.get("enhanced")
        return Reply(int(d.get("code", 0)), str(enhanced) if enhanced else None,
                     str(d.get("text", "")))

    def diagnosis(self, doc: Any) -> Diagnosis | None:
        if doc is None:
            return None
        d = self.obj(doc, "a diagnosis")
        self.extra(d, _DIAGNOSIS, "stages[].diagnosis.")
        layer = str(d.get("layer", "protocol"))
        if layer not in _LAYERS:
            self.unknown[f"diagnosis layer {layer!r}"] = None
            layer = "protocol"
        return Diagnosis(layer, str(d.get("summary", "")),  # type: ignore[arg-type]
                         str(d.get("advice", "")), str(d.get("kind", "") or ""))

    def stage(self, doc: Any) -> StageFinished:
        d = self.obj(doc, "a stage")
        self.extra(d, _STAGE, "stages[].")
        status = str(d.get("status", "skip"))
        if status not in _STATUSES:
            self.unknown[f"stage status {status!r}"] = None
            status = "warn"
        return StageFinished(
            stage=str(d.get("stage", "")),  # type: ignore[arg-type]
            status=status,  # type: ignore[arg-type]
            elapsed_ms=float(d.get("elapsed_ms") or 0.0),
            replies=tuple(self.reply(r) for r in d.get("replies") or ()),
            diagnosis=self.diagnosis(d.get("diagnosis")),
            warnings=tuple(str(w) for w in d.get("warnings") or ()),
            note=str(d.get("note", "") or ""),
            refused=tuple(self.refusal(r) for r in d.get("refused") or ()),
            info=tuple(str(i) for i in d.get("info") or ()))

    def refusal(self, doc: Any) -> Refusal:
        d = self.obj(doc, "a refused recipient")
        return Refusal(str(d.get("address", "")), self.reply(d.get("reply") or {}),
                       self.diagnosis(d.get("diagnosis")))

    def cert(self, doc: Any) -> CertInfo | None:
        if doc is None:
            return None
        d = self.obj(doc, "tls.cert")
        self.extra(d, _CERT, "tls.cert.")
        subject, issuer = str(d.get("subject", "")), str(d.get("issuer", ""))
        error = d.get("error")
        return CertInfo(subject=subject, issuer=issuer,
                        san=tuple(str(n) for n in d.get("san") or ()),
                        not_before=str(d.get("not_before", "")),
                        not_after=str(d.get("not_after", "")),
                        days_left=int(d.get("days_left") or 0),
                        verified=bool(d.get("verified")),
                        error=str(error) if error is not None else None,
                        self_signed=bool(subject) and subject == issuer,
                        sha256=str(d["sha256"]) if d.get("sha256") else None)

    def tls(self, doc: Any) -> TLSInfo | None:
        if doc is None:
            return None
        d = self.obj(doc, "tls")
        self.extra(d, _TLS, "tls.")
        return TLSInfo(str(d.get("version", "")), str(d.get("cipher", "")),
                       int(d.get("bits") or 0), self.cert(d.get("cert")))

    def wire(self, doc: Any) -> WireLine:
        d = self.obj(doc, "a transcript line")
        self.extra(d, _WIRE, "transcript[].")
        direction = str(d.get("dir", "*"))
        return WireLine(direction if direction in ("C", "S") else "*",  # type: ignore[arg-type]
                        str(d.get("text", "")), float(d.get("t_ms") or 0.0))

    def target(self, doc: Any) -> Target:
        d = self.obj(doc, "target")
        self.extra(d, _TARGET, "target.")
        if "host" not in d:
            raise ValueError("not a smtptui report: target has no host")
        profile, address = d.get("profile"), d.get("address")
        return Target(str(d["host"]), int(d.get("port") or 0), str(d.get("tls", "")),
                      str(profile) if profile is not None else None,
                      str(address) if address is not None else None)


def read_report(doc: Any, *, transcript: bool = True) -> ReadReport:
    """The report in ``doc`` (a parsed JSON object). Raises ValueError (one line) when
    it is not a smtptui report. ``transcript=False`` leaves the transcript out (what
    changed between two runs never looks at it: reading is then twice as fast)."""
    reader = _Reader()
    d = reader.obj(doc, "")
    if "target" not in d or "stages" not in d:
        raise ValueError("not a smtptui report (no target and stages)")
    schema = d.get("schema", 1)
    if not isinstance(schema, int) or schema < 1:
        raise ValueError(f"not a smtptui report: bad schema {schema!r}")
    reader.extra(d, _TOP | _FRONT_END, "")
    try:
        stages = d.get("stages") or []
        changes = d.get("ehlo_changes") or {}
        report = ProbeReport(
            target=reader.target(d["target"]),
            stages=tuple(reader.stage(s) for s in stages),
            tls=reader.tls(d.get("tls")),
            extensions={str(k): str(v) for k, v in (d.get("extensions") or {}).items()},
            transcript=tuple(reader.wire(w) for w in d.get("transcript") or ())
            if transcript else (),
            banner=str(d.get("banner", "") or ""),
            started_at=str(d.get("started_at", "") or ""),
            total_ms=float(d.get("total_ms") or 0.0),
            ehlo_changes={str(k): [str(x) for x in v] for k, v in changes.items()},
            warm_ms=tuple(float(x) for x in d.get("warm_ms") or ()),
            tested_until=str(d["tested_until"]) if d.get("tested_until") else None,
            untested=tuple((tuple(str(x) for x in u.get("stages") or ()),
                            str(u.get("reason", ""))) for u in d.get("untested") or ()))
    except (TypeError, AttributeError, ValueError) as exc:
        text = str(exc)
        raise ValueError(text if text.startswith("not a smtptui report")
                         else f"not a smtptui report: {text}") from None
    error = d.get("error")
    return ReadReport(report, schema, tuple(reader.unknown), str(error) if error else "")
