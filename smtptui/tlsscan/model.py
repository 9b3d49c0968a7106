"""What a TLS inspection found: per-question checks, certificate facts, graded sections."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from smtptui.dnscheck.model import JsonMixin, Level, worst

CHAIN_SHOWN = 10
"""Certificates of the served chain listed at most by the front ends (the JSON has all)."""

CheckStatus = Literal["accepted", "refused", "not_tested", "error"]
"""``not_tested``: this machine's TLS library cannot offer it — never read as refused."""


@dataclass(frozen=True)
class Check(JsonMixin):
    """One question put to the server on a connection of its own."""

    key: str
    label: str
    status: CheckStatus
    detail: str | None = None
    """The cipher negotiated, why it was not tested, or what went wrong."""


@dataclass(frozen=True)
class TlsFinding(JsonMixin):
    """A line of verdict; ``fix`` names an entry of :data:`smtptui.tlsscan.advice.FIXES`."""

    level: Level
    text: str
    fix: str | None = None


@dataclass(frozen=True)
class Section(JsonMixin):
    """A graded area: protocols, ciphers, certificate chain, DANE."""

    name: str
    findings: tuple[TlsFinding, ...]

    @property
    def level(self) -> Level:
        return worst((f.level for f in self.findings), default="pass")


@dataclass(frozen=True)
class CertFacts(JsonMixin):
    """One certificate of the served chain."""

    subject: str
    issuer: str
    key: str
    signature: str
    not_after: str
    days_left: int
    self_signed: bool
    sha256: str
    san: tuple[str, ...] = ()
    must_staple: bool = False


@dataclass(frozen=True)
class TlsScanReport(JsonMixin):
    host: str
    address: str
    port: int
    mode: str
    servername: str | None
    version: str | None
    """What a default client negotiates."""
    cipher: str | None
    versions: tuple[Check, ...]
    weak: tuple[Check, ...]
    groups: tuple[Check, ...]
    server_order: bool | None
    """Does the server pick the cipher by its own order (``None``: cannot tell)?"""
    chain: tuple[CertFacts, ...]
    verified: bool
    verify_error: str | None
    sections: tuple[Section, ...]
    fixes: tuple[str, ...]
    """Keys of :data:`smtptui.tlsscan.advice.FIXES` that the warnings and failures call for."""
    handshakes: int
    elapsed_ms: float
    error: str | None = None
    """Set when no handshake was possible at all (then the rest is empty)."""
    chain_der: tuple[bytes, ...] = field(default=(), repr=False, metadata={"json": False})
    """The served chain itself (leaf first), for DANE; not serialised."""

    @property
    def level(self) -> Level:
        if self.error:
            return "fail"
        return worst((s.level for s in self.sections), default="pass")

    @property
    def where(self) -> str:
        """``mail.example.net port 587, starttls`` — the address only when it is not the
        host, and the name TLS checked when it is another."""
        shown = self.host if self.address == self.host else f"{self.host} ({self.address})"
        named = (f", name checked {self.servername}"
                 if self.servername and self.servername != self.host else "")
        return f"{shown} port {self.port}, {self.mode}{named}"

    def fix_level(self, key: str) -> Level:
        """The worst level among the findings that call for fix ``key``."""
        return worst((f.level for s in self.sections for f in s.findings if f.fix == key),
                     default="warn")
