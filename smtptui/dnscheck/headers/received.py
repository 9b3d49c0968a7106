"""The Received chain (RFC 5321 4.4): hops oldest first, with timestamps and delays."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from smtptui.dnscheck.headers.lexer import strip_comments, words
from smtptui.dnscheck.model import JsonMixin

_KEYWORDS = ("from", "by", "via", "with", "id", "for")
_IP_IN_BRACKETS = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]")


@dataclass(frozen=True)
class Hop(JsonMixin):
    """One Received header. ``delay_s`` is the time since the previous (older) hop."""

    number: int
    from_host: str | None
    from_ip: str | None
    by_host: str | None
    protocol: str | None
    """The ``with`` clause: ESMTP, ESMTPS, ESMTPSA, SMTPS, LMTP, HTTP ..."""
    id: str | None
    recipient: str | None
    timestamp: str | None
    """ISO 8601 in UTC, or ``None`` when the date is missing or unparseable."""
    delay_s: float | None
    raw: str

    @property
    def tls(self) -> bool | None:
        if not self.protocol:
            return None
        proto = self.protocol.upper()
        return proto.startswith("ESMTPS") or proto.startswith("SMTPS") or "TLS" in proto


def parse_date(text: str) -> datetime | None:
    try:
        when = parsedate_to_datetime(text.strip())
    except (ValueError, TypeError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _clauses(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Map each keyword to its first word and the comments that followed it."""
    values: dict[str, str] = {}
    notes: dict[str, list[str]] = {}
    current: str | None = None
    for piece in re.split(r"(\([^()]*(?:\([^()]*\)[^()]*)*\))", text):
        if piece.startswith("("):
            if current:
                notes.setdefault(current, []).append(piece[1:-1])
            continue
        for word in words(strip_comments(piece)[0]):
            low = word.lower()
            if low in _KEYWORDS and low not in values:
                current = low
            elif current and current not in values:
                values[current] = word
    return values, notes


def parse_received(value: str, number: int = 0) -> tuple[dict[str, str | None], datetime | None]:
    body, sep, date_text = value.rpartition(";")
    if not sep:
        body, date_text = value, ""
    values, notes = _clauses(body)
    from_ip = None
    for text in [values.get("from", ""), *notes.get("from", [])]:
        m = _IP_IN_BRACKETS.search(text)
        if m:
            from_ip = m.group(1)
            break
    fields = {
        "from_host": values.get("from"), "from_ip": from_ip, "by_host": values.get("by"),
        "protocol": values.get("with"), "id": values.get("id"),
        "recipient": values.get("for", "").strip("<>") or None,
    }
    return fields, parse_date(date_text)


def received_chain(values: Sequence[str]) -> tuple[tuple[Hop, ...], float | None]:
    """Hops oldest first (Received headers are prepended, so the input is newest first),
    and the total time from the first to the last hop with a timestamp."""
    hops: list[Hop] = []
    previous: datetime | None = None
    stamps: list[datetime] = []
    for number, value in enumerate(reversed(values), start=1):
        fields, when = parse_received(value, number)
        delay = (when - previous).total_seconds() if when and previous else None
        if when:
            previous = when
            stamps.append(when)
        hops.append(Hop(number, fields["from_host"], fields["from_ip"], fields["by_host"],
                        fields["protocol"], fields["id"], fields["recipient"],
                        when.isoformat() if when else None, delay, value))
    total = (stamps[-1] - stamps[0]).total_seconds() if len(stamps) > 1 else None
    return tuple(hops), total
