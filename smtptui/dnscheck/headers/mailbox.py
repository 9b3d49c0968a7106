"""From addresses as receivers read them (RFC 5322 3.4): the addr-spec, not the display name.

The stdlib parser takes ``ceo@bank.example <attacker@evil.example>`` (an unquoted ``@`` in
the display name, invalid but common in spoofs) as the address ``ceo@bank.example``; DMARC
receivers use the angle-addr. So mailboxes are split here on the raw field text and the
display name is decoded separately (RFC 2047 encoded-words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import decode_header, make_header

from smtptui.dnscheck.headers.lexer import split_outside, strip_comments, words
from smtptui.dnscheck.model import JsonMixin
from smtptui.dnscheck.orgdomain import org_domain

_ADDRESS_LIKE = re.compile(r"[^\s@<>\"(),;:]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


@dataclass(frozen=True)
class Mailbox(JsonMixin):
    address: str
    """The addr-spec (``local@domain``) as written."""
    domain: str | None
    """Lower case, without a trailing dot; ``None`` when the address has none."""
    display_name: str = ""

    @property
    def shown_address(self) -> str | None:
        """An address written in the display name, when it differs from the real one in
        organisational domain: ``ceo@bank.example <attacker@evil.example>``."""
        m = _ADDRESS_LIKE.search(self.display_name)
        if not m or not self.domain:
            return None
        if org_domain(m.group(1)) == org_domain(self.domain):
            return None
        return m.group(0)


def _decode(text: str) -> str:
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):
        return text


def _angle(text: str) -> tuple[int, int] | None:
    """Positions of the last ``<`` … ``>`` outside quoted strings."""
    quoted, escape, start, found = False, False, -1, None
    for i, ch in enumerate(text):
        if escape:
            escape = False
        elif ch == "\\" and quoted:
            escape = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            start = i
        elif ch == ">" and not quoted and start >= 0:
            found = (start, i)
    return found


def parse_mailbox(text: str) -> Mailbox | None:
    bare, comments = strip_comments(text)
    span = _angle(bare)
    if span:
        address = bare[span[0] + 1:span[1]].strip()
        address = address.rsplit(":", 1)[-1] if address.startswith("@") else address
        display = " ".join(words(bare[:span[0]]))
    else:
        address = "".join(words(bare))
        display = comments[0] if comments else ""
    if not address:
        return None
    local, at, domain = address.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    ok = bool(at and local and domain and re.fullmatch(r"[^\s@<>]+", domain))
    return Mailbox(address, domain if ok else None, _decode(display).strip())


def parse_mailboxes(values: Iterable[str]) -> tuple[Mailbox, ...]:
    """Every mailbox of every ``From`` field value (raw text, in order); groups are opened."""
    out: list[Mailbox] = []
    for value in values:
        flat = " ".join(value.split())
        for part in _split_list(flat):
            part = part.split(":", 1)[1] if re.match(r"\s*[^<\"@:]+:", part) else part
            mailbox = parse_mailbox(part.rstrip("; "))
            if mailbox is not None:
                out.append(mailbox)
    return tuple(out)


def _split_list(text: str) -> list[str]:
    """Split a mailbox-list on commas outside quotes, comments and angle brackets."""
    parts: list[str] = []
    for chunk in split_outside(text, ","):
        if parts and parts[-1].count("<") > parts[-1].count(">"):
            parts[-1] += "," + chunk
        else:
            parts.append(chunk)
    return [p for p in parts if p.strip()]
