"""SPF record syntax (RFC 7208 section 4.6 and 12): terms, mechanisms, modifiers, macros."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from smtptui.dnscheck.model import JsonMixin

MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
QUALIFIER_RESULT = {"+": "pass", "-": "fail", "~": "softfail", "?": "neutral"}

_MODIFIER = re.compile(r"([A-Za-z][A-Za-z0-9_.-]*)=(.*)", re.S)
_MECHANISM = re.compile(r"([+\-~?]?)([A-Za-z][A-Za-z0-9_.-]*)(.*)", re.S)
_DUAL_CIDR = re.compile(r"(?::(?P<domain>.+?))?(?:/(?P<c4>\d+))?(?://(?P<c6>\d+))?")
"""``a``/``mx`` after the name: a domain-spec may itself contain ``/`` and ``:``
(``a:foo:bar/baz.example.com``, ``a:foo/bar.example.com/24``); the CIDR is the last
``/NN`` and ``//NN`` at the end (RFC 7208 5.3, 5.4, 12)."""
_MACRO = re.compile(r"%(?:\{(?P<letter>[a-zA-Z])(?P<digits>\d*)(?P<rev>[rR]?)"
                    r"(?P<delims>[.\-+,/_=]*)\}|(?P<esc>[%_-]))")
_TOPLABEL = re.compile(r"(?=[a-z0-9-]*[a-z])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", re.I)
MACRO_LETTERS = "slodipvh"
EXP_MACRO_LETTERS = MACRO_LETTERS + "crt"


class SpfSyntaxError(ValueError):
    """The record is not valid SPF; the message names the offending term."""


@dataclass(frozen=True)
class Mechanism(JsonMixin):
    """One directive, e.g. ``~all``, ``include:_spf.example.com``, ``a:mail.example/24``."""

    qualifier: str
    name: str
    text: str
    domain: str | None = None
    """The domain-spec (may contain macros); ``None`` means the current domain."""
    network: str | None = None
    """ip4/ip6 network as written, without the prefix length."""
    cidr4: int | None = None
    cidr6: int | None = None

    @property
    def result(self) -> str:
        return QUALIFIER_RESULT[self.qualifier]


@dataclass(frozen=True)
class Modifier(JsonMixin):
    name: str
    value: str
    text: str


@dataclass(frozen=True)
class SpfRecord(JsonMixin):
    text: str
    mechanisms: tuple[Mechanism, ...]
    modifiers: tuple[Modifier, ...]
    redirect: str | None
    exp: str | None

    @property
    def lookup_terms(self) -> int:
        """Terms of this record alone that cost a DNS lookup (redirect counted if reachable)."""
        n = sum(1 for m in self.mechanisms if m.name in LOOKUP_MECHANISMS)
        return n + (1 if self.redirect and not self.all_mechanism else 0)

    @property
    def all_mechanism(self) -> Mechanism | None:
        return next((m for m in self.mechanisms if m.name == "all"), None)


def is_spf(text: str) -> bool:
    """Does this TXT record claim to be SPF (``v=spf1`` then a space or the end)?"""
    return text[:6].lower() == "v=spf1" and (len(text) == 6 or text[6] == " ")


def check_macro_string(text: str, letters: str = MACRO_LETTERS, spaces: bool = False) -> bool:
    """Validate macro syntax; True when ``text`` contains at least one macro-expand.

    ``spaces`` allows spaces (an ``exp=`` explanation string)."""
    pos, has_macro = 0, False
    while (i := text.find("%", pos)) >= 0:
        m = _MACRO.match(text, i)
        if not m:
            raise SpfSyntaxError(f"bad macro in {text!r}")
        letter = m.group("letter")
        if letter is not None:
            if letter.lower() not in letters:
                raise SpfSyntaxError(f"unknown macro letter %{{{letter}}} in {text!r}")
            if m.group("digits") and int(m.group("digits")) == 0:
                raise SpfSyntaxError(f"macro transformer 0 in {text!r}")
            has_macro = True
        pos = m.end()
    if any(ord(c) < (0x20 if spaces else 0x21) or ord(c) > 0x7E for c in text):
        raise SpfSyntaxError(f"invalid character in {text!r}")
    return has_macro


def check_domain_spec(spec: str) -> None:
    """A domain-spec must be a valid macro-string ending in ``.toplabel`` or a macro."""
    if not spec:
        raise SpfSyntaxError("empty domain")
    has_macro = check_macro_string(spec)
    if has_macro and re.search(r"%\{[^}]*\}\.?$", spec):
        return
    labels = spec.rstrip(".").split(".")
    if len(labels) < 2 or not _TOPLABEL.fullmatch(labels[-1]) or "" in labels:
        raise SpfSyntaxError(f"invalid domain {spec!r}")
    if any(len(label) > 63 for label in labels if "%" not in label):
        raise SpfSyntaxError(f"label longer than 63 characters in {spec!r}")


def _cidr(text: str | None, maximum: int, term: str) -> int | None:
    if text is None:
        return None
    if (len(text) > 1 and text.startswith("0")) or int(text) > maximum:
        raise SpfSyntaxError(f"invalid prefix length in {term!r}")
    return int(text)


def _mechanism(term: str) -> Mechanism:
    m = _MECHANISM.fullmatch(term)
    if not m:
        raise SpfSyntaxError(f"invalid term {term!r}")
    qualifier, name, rest = m.group(1) or "+", m.group(2).lower(), m.group(3)
    if name not in MECHANISMS:
        raise SpfSyntaxError(f"unknown mechanism {term!r}")
    if name == "all":
        if rest:
            raise SpfSyntaxError(f"invalid term {term!r}")
        return Mechanism(qualifier, name, term)
    if name in ("include", "exists"):
        if not rest.startswith(":") or len(rest) == 1:
            raise SpfSyntaxError(f"{name} needs a domain: {term!r}")
        check_domain_spec(rest[1:])
        return Mechanism(qualifier, name, term, domain=rest[1:])
    if name == "ptr":
        if rest and (not rest.startswith(":") or len(rest) == 1):
            raise SpfSyntaxError(f"invalid term {term!r}")
        if rest:
            check_domain_spec(rest[1:])
        return Mechanism(qualifier, name, term, domain=rest[1:] or None)
    if name in ("a", "mx"):
        d = _DUAL_CIDR.fullmatch(rest)
        if not d:
            raise SpfSyntaxError(f"invalid term {term!r}")
        if d.group("domain") is not None:
            check_domain_spec(d.group("domain"))
        return Mechanism(qualifier, name, term, domain=d.group("domain"),
                         cidr4=_cidr(d.group("c4"), 32, term),
                         cidr6=_cidr(d.group("c6"), 128, term))
    return _ip_mechanism(qualifier, name, rest, term)


def _ip_mechanism(qualifier: str, name: str, rest: str, term: str) -> Mechanism:
    if not rest.startswith(":"):
        raise SpfSyntaxError(f"{name} needs an address: {term!r}")
    network, _, prefix = rest[1:].partition("/")
    try:
        addr = (ipaddress.IPv4Address if name == "ip4" else ipaddress.IPv6Address)(network)
    except ValueError:
        raise SpfSyntaxError(f"invalid address in {term!r}") from None
    if not prefix.isdigit() and prefix:
        raise SpfSyntaxError(f"invalid prefix length in {term!r}")
    cidr = _cidr(prefix or None, 32 if name == "ip4" else 128, term)
    return Mechanism(qualifier, name, term, network=str(addr),
                     cidr4=cidr if name == "ip4" else None,
                     cidr6=cidr if name == "ip6" else None)


def _modifier(name: str, value: str, term: str, seen: list[Modifier]) -> Modifier:
    try:
        if name in ("redirect", "exp"):
            if any(m.name == name for m in seen):
                raise SpfSyntaxError(f"{name}= given twice")
            if not value:
                raise SpfSyntaxError("no domain after '='")
            check_domain_spec(value)
        else:
            check_macro_string(value, EXP_MACRO_LETTERS)
    except SpfSyntaxError as exc:
        raise SpfSyntaxError(f"modifier {term!r}: {exc}") from None
    return Modifier(name, value, term)


def parse_spf(text: str) -> SpfRecord:
    """Parse one SPF record; raise :class:`SpfSyntaxError` for anything RFC 7208 forbids.

    Every bad term is named in the message (a record with any is a permerror as a whole).
    """
    if not is_spf(text):
        raise SpfSyntaxError("record does not start with 'v=spf1'")
    mechanisms: list[Mechanism] = []
    modifiers: list[Modifier] = []
    errors: list[str] = []
    for term in text[6:].split(" "):
        if not term:
            continue
        try:
            mod = _MODIFIER.fullmatch(term)
            if mod:
                modifiers.append(_modifier(mod.group(1).lower(), mod.group(2), term, modifiers))
            elif term.lower() in ("redirect", "exp") or term.lower().startswith(
                    ("redirect:", "exp:")):
                raise SpfSyntaxError(f"modifier {term!r} needs '=' (write "
                                     f"{term.split(':')[0].lower()}=DOMAIN)")
            else:
                mechanisms.append(_mechanism(term))
        except SpfSyntaxError as exc:
            errors.append(str(exc))
    if errors:
        raise SpfSyntaxError("; ".join(errors))
    by_name = {m.name: m.value for m in modifiers}
    return SpfRecord(text, tuple(mechanisms), tuple(modifiers),
                     by_name.get("redirect"), by_name.get("exp"))
