"""Authentication-Results (RFC 8601), ARC-Authentication-Results and Received-SPF."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from smtptui.dnscheck.headers.lexer import split_outside, strip_comments, words
from smtptui.dnscheck.model import JsonMixin


@dataclass(frozen=True)
class AuthResult(JsonMixin):
    """One ``method=result`` with its reason, ``ptype.property`` values and comments."""

    method: str
    result: str
    reason: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    """``smtp.mailfrom``, ``header.d``, ``header.from``, ``header.s`` ... and the odd
    non-standard key such as Microsoft's ``action``."""
    comments: tuple[str, ...] = ()

    def prop(self, *names: str) -> str | None:
        return next((self.props[n] for n in names if self.props.get(n)), None)


@dataclass(frozen=True)
class AuthResultsHeader(JsonMixin):
    authserv_id: str
    results: tuple[AuthResult, ...]
    instance: int | None = None
    """``i=`` for ARC-Authentication-Results."""


def _glued(text: str) -> list[str]:
    """Words with the CFWS around ``=``, ``/`` and a lone ``.`` taken out (RFC 8601 2.2 allows
    it anywhere: ``spf = pass``, ``dkim / 1 = fail``, ``policy . expired = 1``)."""
    out: list[str] = []
    glue = False
    for word in words(text):
        if out and (glue or word.startswith(("=", "/")) or word == "."):
            out[-1] += word
        else:
            out.append(word)
        glue = out[-1].endswith(("=", "/")) or word == "."
    return out


def _resinfo(segment: str) -> AuthResult | None:
    text, comments = strip_comments(segment)
    tokens = _glued(text)
    if not tokens or "=" not in tokens[0]:
        return None
    method, _, result = tokens[0].partition("=")
    method = method.split("/")[0].strip().lower()
    reason, props = None, {}
    for token in tokens[1:]:
        key, sep, value = token.partition("=")
        if not sep:
            continue
        if key.lower() == "reason":
            reason = value
        else:
            props[key.lower()] = value
    return AuthResult(method, result.strip().lower(), reason, props, tuple(comments))


def parse_auth_results(value: str, arc: bool = False) -> AuthResultsHeader:
    """Parse one header value. Microsoft sometimes omits the authserv-id: then it is ``""``."""
    segments = split_outside(value, ";")
    instance = None
    if arc and segments:
        m = re.fullmatch(r"\s*i\s*=\s*(\d+)\s*", segments[0])
        if m:
            instance = int(m.group(1))
            segments = segments[1:]
    authserv = ""
    if segments:
        head, _ = strip_comments(segments[0])
        first = words(head)
        if first and "=" not in first[0]:
            authserv = first[0].lower()
            segments = segments[1:]
    results = tuple(r for r in map(_resinfo, segments) if r is not None)
    return AuthResultsHeader(authserv, results, instance)


@dataclass(frozen=True)
class ReceivedSpf(JsonMixin):
    result: str
    comment: str | None
    props: dict[str, str]


def parse_received_spf(value: str) -> ReceivedSpf:
    """``pass (comment) client-ip=192.0.2.1; envelope-from=a@b; helo=x;``."""
    text, comments = strip_comments(value)
    head, _, rest = text.strip().partition(" ")
    props = {}
    for part in split_outside(rest, ";"):
        for token in words(part):
            key, sep, val = token.partition("=")
            if sep:
                props[key.lower()] = val
    return ReceivedSpf(head.lower().rstrip(";"), comments[0] if comments else None, props)
