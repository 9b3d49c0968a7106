"""DKIM-Signature and ARC-Seal / ARC-Message-Signature tag lists, tolerantly parsed."""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.dnscheck.model import JsonMixin
from smtptui.dnscheck.orgdomain import aligned


def loose_tags(value: str) -> dict[str, str]:
    """Tag list without failing: malformed parts skipped, the first of a duplicate kept,
    whitespace removed from values (signatures are folded)."""
    tags: dict[str, str] = {}
    for part in value.split(";"):
        name, sep, val = part.partition("=")
        name = name.strip().lower()
        if sep and name and name not in tags:
            tags[name] = "".join(val.split()) if name in ("b", "bh", "h") else val.strip()
    return tags


@dataclass(frozen=True)
class DkimSignature(JsonMixin):
    domain: str
    selector: str
    algorithm: str
    canonicalization: str
    identity: str | None
    signed_headers: tuple[str, ...]
    aligned_relaxed: bool | None
    aligned_strict: bool | None
    """Alignment of ``d=`` with the From domain; ``None`` when From is unknown."""

    @property
    def signs_from(self) -> bool:
        return "from" in self.signed_headers


def parse_dkim_signature(value: str, from_domain: str | None) -> DkimSignature:
    tags = loose_tags(value)
    d = tags.get("d", "").lower().rstrip(".")
    relaxed = aligned(d, from_domain, "r") if d and from_domain else None
    strict = aligned(d, from_domain, "s") if d and from_domain else None
    headers = tuple(h.strip().lower() for h in tags.get("h", "").split(":") if h.strip())
    return DkimSignature(d, tags.get("s", ""), tags.get("a", "").lower(),
                         tags.get("c", "simple/simple"), tags.get("i"), headers,
                         relaxed, strict)


@dataclass(frozen=True)
class ArcSeal(JsonMixin):
    instance: int | None
    cv: str
    domain: str
    selector: str


def parse_arc_seal(value: str) -> ArcSeal:
    tags = loose_tags(value)
    inst = tags.get("i", "")
    return ArcSeal(int(inst) if inst.isdigit() else None, tags.get("cv", "").lower(),
                   tags.get("d", "").lower(), tags.get("s", ""))
