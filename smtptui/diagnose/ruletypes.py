"""The two kinds of rule: one for a server's negative reply, one for an engine fault.

A rule is data: match predicates (empty means "any") plus the layer, a one-sentence
summary and the advice, both templates (see :mod:`smtptui.diagnose.render`).
Tables list rules most specific first; the first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Literal

from smtptui.diagnose.model import Layer, Reply

ReplyUse = Literal["any", "specific", "none"]


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    """Case-insensitive regex, compiled on first use (keeps importing the tables cheap)."""
    return re.compile(pattern, re.I)


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
    authenticated: bool | None = None
    """Only when the client has (True) or has not (False) logged in this session: the same
    reply at the same stage means something else before and after a successful AUTH."""
    fallback: bool = False
    """A deliberate code-only rule: the last resort for its codes, listed after every other
    rule that could match them (see the rule-table tests)."""

    @property
    def specific(self) -> bool:
        """True when the rule looks beyond the code and stage (text, enhanced code, provider)."""
        return bool(self.text or self.enhanced or self.providers)

    def matches(self, stage: str, reply: Reply, text: str, provider: str | None,
                authenticated: bool = False) -> bool:
        if self.authenticated is not None and self.authenticated != authenticated:
            return False
        if self.codes and reply.code not in self.codes:
            return False
        if self.enhanced and (reply.enhanced or "").strip() not in self.enhanced:
            return False
        if self.providers and provider not in self.providers:
            return False
        if self.stages and stage not in self.stages:
            return False
        return self.text is None or compiled(self.text).search(text) is not None


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
        return self.detail is None or compiled(self.detail).search(evidence) is not None
