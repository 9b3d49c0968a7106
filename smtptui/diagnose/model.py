"""Plain records shared by the engine and the diagnosis rules (no I/O, no UI)."""

from __future__ import annotations

from typing import Literal

from smtptui.records import record

Layer = Literal["dns", "network", "tls", "protocol", "auth", "policy"]


@record(slots=True)
class Reply:
    """One SMTP reply: code, RFC 3463 enhanced code (if any) and sanitised text.

    Multi-line replies keep their lines joined with ``\\n``; the enhanced code is
    stripped from the start of every line.
    """

    code: int
    enhanced: str | None
    text: str

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0]

    def __str__(self) -> str:
        enh = f" {self.enhanced}" if self.enhanced else ""
        return f"{self.code}{enh} {self.first_line}".rstrip()

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "enhanced": self.enhanced, "text": self.text}


@record(slots=True)
class Diagnosis:
    """Which layer failed, what it means in plain words, and what to do next."""

    layer: Layer
    summary: str
    advice: str
    kind: str = ""
    """What the engine observed (a fault kind such as ``starttls_not_offered``), when a
    fault was explained; scripts can branch on it."""

    def to_json(self) -> dict[str, str]:
        out = {"layer": self.layer, "summary": self.summary, "advice": self.advice}
        if self.kind:
            out["kind"] = self.kind
        return out


@record(slots=True)
class Fault:
    """What the engine observed when a stage failed (or warned), for the rules to explain.

    ``kind`` is one of the keys in :data:`smtptui.diagnose.FAULT_KINDS`; ``reply`` is the
    server's reply when the server said no; ``server`` is the greeting banner and EHLO
    hostname (used to recognise the provider); ``detail`` is the tool's own wording of
    the low-level error (already sanitised).
    """

    kind: str
    stage: str
    host: str = ""
    port: int = 0
    tls_mode: str = "starttls"
    reply: Reply | None = None
    server: str = ""
    detail: str = ""
    servername: str = ""
    """The name TLS checked the certificate against, when not ``host`` (--servername)."""
    authenticated: bool = False
    """The client logged in successfully earlier in this session."""
