"""Fixed probe reports and a stand-in engine that replays them (deterministic figures)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from smtptui.diagnose.model import Diagnosis, Reply
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import (
    CertInfo,
    ProbeEvent,
    ProbeFinished,
    ProbeReport,
    StageFinished,
    StageStarted,
    Target,
    TLSInfo,
    WireLine,
)

DEFAULT_EXT = {"SIZE": "10485760", "PIPELINING": "", "AUTH": "PLAIN LOGIN",
               "ENHANCEDSTATUSCODES": "", "8BITMIME": ""}
FAILURES = {
    "connect": (None, Diagnosis("network", "Connection refused.", "Check host and port.")),
    "auth": (Reply(535, "5.7.8", "Authentication credentials invalid"),
             Diagnosis("auth", "The server rejected the credentials.",
                       "Check the username and password.")),
}


def make_report(host: str, profile: str = "", *, greeting_ms: float = 40.0,
                connect_ms: float = 11.0, ext: dict[str, str] | None = None,
                issuer: str = "CN=Test CA,O=Example", days_left: int = 200,
                fail_at: str | None = None, tls_mode: str = "starttls",
                warnings: Sequence[str] = (), warm_ms: Sequence[float] = (),
                banner: str | None = None) -> ProbeReport:
    """A STARTTLS + AUTH probe with fixed timings, failing at ``fail_at`` if given."""
    plan = [("resolve", 0.4), ("connect", connect_ms), ("greeting", greeting_ms),
            ("ehlo", 9.0), ("starttls", 24.0), ("ehlo", 8.5), ("auth", 31.0)]
    if tls_mode == "implicit":
        plan = [("resolve", 0.4), ("connect", connect_ms), ("tls", 24.0),
                ("greeting", greeting_ms), ("ehlo", 9.0), ("auth", 31.0)]
    banner = banner if banner is not None else f"{host} ESMTP ready"
    stages: list[StageFinished] = []
    lines: list[WireLine] = []
    t = 0.0
    reached_tls = False
    for name, ms in plan:
        failing = name == fail_at
        if name == "greeting":
            lines.append(WireLine("S", f"220 {banner}", t + ms))
        elif name == "ehlo":
            lines += [WireLine("C", "EHLO client.example", t), WireLine("S", "250 OK", t + ms)]
        elif name == "auth":
            lines.append(WireLine("C", "AUTH PLAIN <redacted>", t))
            text = "535 5.7.8 Authentication credentials invalid" if failing else (
                "235 2.7.0 Authentication successful")
            lines.append(WireLine("S", text, t + ms))
        t += ms
        if failing:
            reply, diagnosis = FAILURES[name]
            stages.append(StageFinished(name, "fail", ms, (reply,) if reply else (),  # type: ignore[arg-type]
                                        diagnosis))
            break
        reached_tls = reached_tls or name in ("tls", "starttls")
        warn = tuple(warnings) if name == "ehlo" and stages[-1].stage != "greeting" else ()
        stages.append(StageFinished(name, "warn" if warn else "pass", ms,  # type: ignore[arg-type]
                                    warnings=warn))
    if fail_at != "connect":
        stages.append(StageFinished("quit", "pass", 7.0))
        t += 7.0
    cert = CertInfo("CN=" + host, issuer, (host,), "2025-01-01T00:00:00Z",
                    "2026-01-01T00:00:00Z", days_left, True)
    got_ehlo = any(s.stage == "ehlo" for s in stages)
    return ProbeReport(
        target=Target(host, 465 if tls_mode == "implicit" else 587, tls_mode, profile or None,
                      "192.0.2.1"),
        stages=tuple(stages),
        tls=TLSInfo("TLSv1.3", "TLS_AES_256_GCM_SHA384", 256, cert) if reached_tls else None,
        extensions=dict(DEFAULT_EXT if ext is None else ext) if got_ehlo else {},
        transcript=tuple(lines),
        banner=banner if fail_at != "connect" else "",
        started_at="2025-06-01T12:00:00Z", total_ms=t,
        ehlo_changes={"added": ["AUTH"], "removed": ["STARTTLS"], "changed": []}
        if reached_tls and tls_mode == "starttls" else {},
        warm_ms=tuple(warm_ms),
    )


REPORTS = {
    "smtp.old.example": make_report(
        "smtp.old.example", "Old relay", issuer="CN=Old CA,O=Example", warm_ms=(2.0, 2.5, 3.0)),
    "smtp.new.example": make_report(
        "smtp.new.example", "New relay", greeting_ms=160.0, issuer="CN=New CA,O=Example",
        ext={"SIZE": "20971520", "CHUNKING": "", "AUTH": "LOGIN PLAIN",
             "ENHANCEDSTATUSCODES": "", "8BITMIME": ""}, fail_at="auth"),
}


async def canned(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
    """Replay the fixed report for ``config.host`` as engine events, in order."""
    report = REPORTS[config.host]
    lines = list(report.transcript)
    t = 0.0
    for stage in report.stages:
        yield StageStarted(stage.stage, t)
        t += stage.elapsed_ms
        while lines and lines[0].t_ms <= t:
            yield lines.pop(0)
        yield stage
    yield ProbeFinished(report)
