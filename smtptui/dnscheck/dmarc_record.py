"""Parsing one DMARC record to the letter of RFC 7489 (6.3, 6.4, 6.6.3), with RFC 9091's
``np=`` and DMARCbis's ``psd=``/``t=``: what receivers discard, repair or ignore."""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtptui.dnscheck.model import JsonMixin
from smtptui.dnscheck.tags import scan_tags

POLICIES = ("none", "quarantine", "reject")
_VERSION = re.compile(r"v\s*=\s*DMARC1\s*(;|$)", re.I)
_STRICT_VERSION = re.compile(r"[vV][ \t]*=[ \t]*DMARC1[ \t]*(;|$)")
_SIZE = re.compile(r"[0-9]{1,20}[kmgtKMGT]?")
_MAX_SIZE = 2**64 - 1
_KNOWN = frozenset({"v", "p", "sp", "np", "pct", "adkim", "aspf", "fo", "rua", "ruf", "rf",
                    "ri", "psd", "t"})


def is_dmarc(text: str) -> bool:
    """A record receivers use: ``v=DMARC1`` first, the version exactly so (RFC 7489 6.4)."""
    return bool(_STRICT_VERSION.match(text))


def looks_like_dmarc(text: str) -> bool:
    """``v=dmarc1`` and the like: meant as DMARC, discarded by receivers."""
    return bool(_VERSION.match(text.strip())) and not is_dmarc(text)


@dataclass(frozen=True)
class DmarcRecord(JsonMixin):
    """A parsed record. ``problems`` make receivers discard it (no usable policy);
    ``ignored`` are malformed or unknown elements receivers skip; ``tag_errors`` are
    invalid values of optional tags, replaced by their defaults (RFC 7489 6.3): the policy
    stands."""

    text: str
    policy: str | None
    subdomain_policy: str | None
    pct: int
    adkim: str
    aspf: str
    rua: tuple[str, ...]
    ruf: tuple[str, ...]
    tags: dict[str, str]
    problems: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    tag_errors: tuple[str, ...] = ()
    nonexistent_policy: str | None = None
    """``np=`` (RFC 9091, DMARCbis): the policy for subdomains that do not exist."""
    implied_policy: bool = False
    """``p=`` missing or invalid but a valid ``rua``: receivers act as if ``p=none``
    (RFC 7489 6.6.3)."""


def _size_ok(size: str) -> bool:
    return bool(_SIZE.fullmatch(size)) and int(size.rstrip("kmgtKMGT")) <= _MAX_SIZE


def _uris(value: str, tag: str, errors: list[str]) -> tuple[str, ...]:
    """The valid URIs of a ``rua``/``ruf`` list (RFC 7489 6.2/6.4); each bad one is an
    error, and receivers skip it."""
    if not value.strip():
        errors.append(f"{tag}= is empty (it needs a mailto: URI): receivers ignore it")
        return ()
    good = []
    for uri in (u.strip() for u in value.split(",")):
        target, bang, size = uri.partition("!")
        problem = None
        if not uri:
            problem = "an empty entry in the list"
        elif bang and not _size_ok(size):
            problem = (f"{uri!r} has an invalid size limit {('!' + size)!r} (write a number, "
                       "optionally k, m, g or t)")
        elif target.lower().startswith("mailto:"):
            if not re.fullmatch(r"[^@\s,;!]+@[^@\s,;!]+\.[^@\s,;!]+", target[7:]):
                problem = f"{uri!r} is not a mailto: address"
        else:
            problem = f"{uri!r} is not a mailto: URI (receivers send reports only to mailto:)"
        if problem:
            errors.append(f"{tag}: {problem}; receivers skip it")
        else:
            good.append(uri)
    return tuple(good)


def _keyword(tags: dict[str, str], tag: str, allowed: tuple[str, ...], default: str,
             errors: list[str]) -> str:
    value = tags.get(tag)
    if value is None:
        return default
    if value.lower() not in allowed:
        errors.append(f"{tag}={value!r} is not {'/'.join(allowed)}: receivers use the default "
                      f"{tag}={default} (RFC 7489 6.3)" if default else
                      f"{tag}={value!r} is not {'/'.join(allowed)}: receivers ignore it")
        return default
    return value.lower()


def _number(tags: dict[str, str], tag: str, default: int, maximum: int,
            errors: list[str]) -> int:
    value = tags.get(tag)
    if value is None:
        return default
    if not value.isdigit() or int(value) > maximum:
        errors.append(f"{tag}={value!r} is not a whole number 0-{maximum}: receivers use the "
                      f"default {tag}={default} (RFC 7489 6.3)")
        return default
    return int(value)


def _order_problems(text: str) -> list[str]:
    """RFC 7489 6.4: ``v=`` first, then ``p=`` (DMARCbis drops the second rule)."""
    names = [part.partition("=")[0].strip().lower() for part in text.split(";")
             if "=" in part]
    if len(names) > 1 and names[1] != "p" and "p" in names:
        return [f"p= is not right after v=DMARC1 (tag {names[1]}= comes first): RFC 7489 6.4 "
                "requires v=DMARC1; p=… in that order, and receivers that follow it discard "
                "the record (DMARCbis allows any order)"]
    return []


def parse_dmarc(text: str) -> DmarcRecord:
    """Parse a ``v=DMARC1`` record, collecting every problem instead of stopping at one."""
    problems: list[str] = []
    errors: list[str] = []
    if not is_dmarc(text):
        problems.append("the record does not start with v=DMARC1 (exactly so, upper case): "
                        "receivers discard it (RFC 7489 6.4)")
    tags, malformed = scan_tags(text)
    ignored = [m for m in malformed if "given twice" not in m]
    for dup in (m for m in malformed if "given twice" in m):
        problems.append(dup.replace("(the first value counts)",
                                    "(receivers reject a record with a repeated tag)"))
    ignored += [f"unknown tag {name}={value!r}" for name, value in tags.items()
                if name not in _KNOWN]
    problems += _order_problems(text)
    rua = _uris(tags["rua"], "rua", errors) if "rua" in tags else ()
    ruf = _uris(tags["ruf"], "ruf", errors) if "ruf" in tags else ()
    p = tags.get("p", "").lower() or None
    implied = False
    if p not in POLICIES:
        what = "p= is missing" if "p" not in tags else f"p={tags['p']!r} is not " \
            "none/quarantine/reject"
        if rua:
            errors.append(f"{what}: with a valid rua= receivers act as if p=none "
                          "(RFC 7489 6.6.3)")
            p, implied = "none", True
        else:
            problems.append(f"{what} (required): receivers treat the domain as having no "
                            "DMARC record (RFC 7489 6.6.3)")
            p = None
    sp = _keyword(tags, "sp", POLICIES, "", errors) or None
    np = _keyword(tags, "np", POLICIES, "", errors) or None
    pct = _number(tags, "pct", 100, 100, errors)
    adkim = _keyword(tags, "adkim", ("r", "s"), "r", errors)
    aspf = _keyword(tags, "aspf", ("r", "s"), "r", errors)
    fo = tags.get("fo")
    if fo is not None and not all(o.strip() in ("0", "1", "d", "s") for o in fo.split(":")):
        errors.append(f"fo={fo!r}: options are 0, 1, d and s separated by ':'; receivers use "
                      "the default fo=0 (RFC 7489 6.3)")
    _number(tags, "ri", 86400, 2**32 - 1, errors)
    rf = tags.get("rf")
    if rf is not None and not all(f.strip().lower() == "afrf" for f in rf.split(":")):
        errors.append(f"rf={rf!r}: the only report format is afrf; receivers use the default "
                      "rf=afrf (RFC 7489 6.3)")
    for tag in ("psd", "t"):
        if tag in tags and tags[tag].lower() not in (("y", "n", "u") if tag == "psd"
                                                     else ("y", "n")):
            errors.append(f"{tag}={tags[tag]!r} is not a DMARCbis value: receivers ignore it")
    return DmarcRecord(text, p, sp, pct, adkim, aspf, rua, ruf, tags, tuple(problems),
                       tuple(ignored), tuple(errors), np, implied)
