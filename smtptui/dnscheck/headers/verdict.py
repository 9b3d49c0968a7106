"""One verdict of the header analysis, and the small helpers every verdict uses."""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.dnscheck.headers.authres import AuthResult
from smtptui.dnscheck.model import JsonMixin, Level


@dataclass(frozen=True)
class Verdict(JsonMixin):
    """One mechanism's outcome: ``result`` as the receiver reported it (or ``none``)."""

    mechanism: str
    result: str
    level: Level
    detail: str
    reason: str | None = None
    """Why this may send mail to spam (``None`` when it does not)."""



def domain_of(value: str | None) -> str | None:
    if not value:
        return None
    return value.rpartition("@")[2].strip("<>").lower().rstrip(".") or None


def by_method(results: list[AuthResult], method: str) -> list[AuthResult]:
    return [r for r in results if r.method == method]
