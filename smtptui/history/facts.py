"""The facts of one run worth listing without opening its report (pure, no I/O)."""

from __future__ import annotations

from smtptui.hostport import host_port
from smtptui.probe.events import ProbeReport
from smtptui.records import record


def verdict(report: ProbeReport) -> str:
    """``pass``, ``warn`` (passed with warnings) or ``fail``."""
    if not report.ok:
        return "fail"
    return "warn" if report.warnings or any(s.status == "warn" for s in report.stages) \
        else "pass"


def target_text(report: ProbeReport) -> str:
    t = report.target
    return f"{host_port(t.host, t.port)} {t.tls}"


def stage_ms(report: ProbeReport) -> dict[str, float]:
    """Milliseconds per stage that completed (EHLO's two runs summed)."""
    out: dict[str, float] = {}
    for s in report.stages:
        if s.status in ("pass", "warn"):
            out[s.stage] = round(out.get(s.stage, 0.0) + s.elapsed_ms, 3)
    return out


def failed_reply(report: ProbeReport) -> str | None:
    failed = report.failed_stage
    if failed is None or not failed.replies:
        return None
    reply = failed.replies[-1]
    return str(reply) if reply.code >= 400 else None


def greeting_host(report: ProbeReport) -> str:
    """The host name the greeting announces (its first word), or ""."""
    words = report.banner.split(None, 1)
    return words[0] if words else ""


def auth_mechs(report: ProbeReport) -> str:
    return " ".join(sorted(report.extensions.get("AUTH", "").upper().split()))


@record(slots=True)
class RunFacts:
    verdict: str
    failed_stage: str | None
    failed_reply: str | None
    diagnosis_kind: str | None
    total_ms: float
    stage_ms: dict[str, float]
    tls_version: str | None
    tls_cipher: str | None
    cert_sha256: str | None
    cert_issuer: str | None
    cert_not_after: str | None
    extensions: str
    auth_mechs: str
    banner: str
    target: str


def facts(report: ProbeReport) -> RunFacts:
    failed = report.failed_stage
    tls = report.tls
    cert = tls.cert if tls else None
    return RunFacts(
        verdict=verdict(report),
        failed_stage=failed.stage if failed else None,
        failed_reply=failed_reply(report),
        diagnosis_kind=(failed.diagnosis.kind or failed.diagnosis.layer)
        if failed and failed.diagnosis else None,
        total_ms=round(report.total_ms, 3),
        stage_ms=stage_ms(report),
        tls_version=tls.version if tls else None,
        tls_cipher=tls.cipher if tls else None,
        cert_sha256=cert.fingerprint if cert else None,
        cert_issuer=cert.issuer if cert else None,
        cert_not_after=cert.not_after if cert else None,
        extensions=" ".join(sorted(report.extensions)),
        auth_mechs=auth_mechs(report),
        banner=report.banner.split("\n", 1)[0],
        target=target_text(report),
    )
