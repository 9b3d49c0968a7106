"""The two kinds of rule: one for a server's negative reply, one for an engine fault.

A rule is data: match predicates (empty means "any") plus the layer, a one-sentence
summary and the advice, both templates (see :mod:`smtptui.diagnose.render`).
Tables list rules most specific first; the first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal

from smtptui.diagnose.model import Layer, Reply

ReplyUse = Literal["any", "specific", "none"]


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.I) if pattern else None


@dataclass(frozen=True, slots=True)
class ReplyRule:
    """Explains a negative reply. Matches on code, enhanced code, text, provider and stage."""

    id: str
    layer: Layer
    summary: str
    advice: str
    codes: Collection[int] = ()
    enhanced: tuple[str, ...] = ()
    text: str | None = None
    """Regex searched (case-insensitively) in the reply text."""
    providers: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    _rx: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rx", _compile(self.text))

    @property
    def specific(self) -> bool:
        """True when the rule looks beyond the code and stage (text, enhanced code, provider)."""
        return bool(self.text or self.enhanced or self.providers)

    def matches(self, stage: str, reply: Reply, text: str, provider: str | None) -> bool:
        if self.codes and reply.code not in self.codes:
            return False
        if self.enhanced and (reply.enhanced or "").strip() not in self.enhanced:
            return False
        if self.providers and provider not in self.providers:
            return False
        if self.stages and stage not in self.stages:
            return False
        return self._rx is None or self._rx.search(text) is not None


@dataclass(frozen=True, slots=True)
class FaultRule:
    """Explains one fault kind, optionally only for some ports, modes, stages or details."""

    kind: str
    layer: Layer
    summary: str
    advice: str
    variant: str = ""
    """Short name of this variant (empty for the kind's catch-all rule)."""
    ports: tuple[int, ...] = ()
    modes: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    detail: str | None = None
    """Regex searched (case-insensitively) in the fault's detail and server text."""
    reply: ReplyUse = "specific"
    """When the fault carries a reply, which reply rules may explain it instead:
    ``any`` matching reply rule, only ``specific`` ones (text/enhanced/provider), or ``none``."""
    warning: bool = False
    _rx: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_rx", _compile(self.detail))

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.variant}" if self.variant else self.kind

    def matches(self, port: int, mode: str, stage: str, provider: str | None,
                evidence: str) -> bool:
        if self.ports and port not in self.ports:
            return False
        if self.modes and mode not in self.modes:
            return False
        if self.stages and stage not in self.stages:
            return False
        if self.providers and provider not in self.providers:
            return False
        return self._rx is None or self._rx.search(evidence) is not None
