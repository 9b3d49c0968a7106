"""The Received chain (RFC 5321 4.4): hops oldest first, with timestamps and delays."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from smtptui.dnscheck.headers.lexer import strip_comments, words
from smtptui.dnscheck.model import JsonMixin

_KEYWORDS = ("from", "by", "via", "with", "id", "for")
_IP_IN_BRACKETS = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]")
_MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
_ZONE = r"(?P<zone>[+-]\d{2}:?\d{2}|UT|UTC|GMT|Z|[A-Z]{1,5}\b)"
_RFC_DATE = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(?P<day>\d{1,2})\s+(?P<month>" + _MONTHS + r")\s+(?P<year>\d{2,4})"
    r"\s+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<frac>\.\d+)?(?:\s*" + _ZONE + ")?", re.I)
_ISO_DATE = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})[ T](?P<time>\d{2}:\d{2}:\d{2})"
                       r"(?P<frac>\.\d+)?\s*" + _ZONE + "?")


def _offset(zone: str | None) -> str:
    """``-04:00`` -> ``-0400``; named zones are left to the stdlib (RFC 5322 4.3)."""
    if not zone:
        return "-0000"
    if zone.upper() in ("Z", "UTC"):
        return "+0000"
    return zone.replace(":", "") if zone[0] in "+-" else zone


def _micro(frac: str | None) -> timedelta:
    return timedelta(microseconds=round(float(frac) * 1_000_000)) if frac else timedelta()


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
    def delay_text(self) -> str | None:
        """The delay with its sign, ``+3 s`` or ``-3 s`` (a clock skew); ``None`` if unknown."""
        return None if self.delay_s is None else f"{round(self.delay_s):+d} s"

    @property
    def tls(self) -> bool | None:
        if not self.protocol:
            return None
        proto = self.protocol.upper()
        return proto.startswith("ESMTPS") or proto.startswith("SMTPS") or "TLS" in proto


def parse_date(text: str) -> datetime | None:
    """The date of a Received header, in UTC: RFC 5322 (``-0400``, obsolete zone names), with
    the ``-04:00`` offsets and fractional seconds some MTAs write, or the ISO form
    (``2024-01-02 18:15:14.61 +0000 UTC``); ``None`` when there is none."""
    m = _RFC_DATE.search(text)
    if m:
        candidate = (f"{m.group('day')} {m.group('month')} {m.group('year')} "
                     f"{m.group('time')} {_offset(m.group('zone'))}")
        try:
            when = parsedate_to_datetime(candidate)
        except (ValueError, TypeError, IndexError):
            return None
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        return when + _micro(m.group("frac"))
    m = _ISO_DATE.search(text)
    if m:
        try:
            when = datetime.strptime(f"{m.group('date')} {m.group('time')} "
                                     f"{_offset(m.group('zone') or 'Z')}",
                                     "%Y-%m-%d %H:%M:%S %z").astimezone(UTC)
        except ValueError:
            return None
        return when + _micro(m.group("frac"))
    return None


def _ip_in(text: str) -> str | None:
    m = _IP_IN_BRACKETS.search(text)
    candidates = [m.group(1)] if m else []
    candidates += re.findall(r"[0-9A-Fa-f:.]{3,}", text)
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


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
            elif current == "with" and current in values:
                values[current] += " " + word   # "Microsoft SMTP Server": several words
            elif current and current not in values:
                values[current] = word
    return values, notes


def _rdns(notes: list[str]) -> str | None:
    """The host name the receiver found for the client: ``(name [ip])`` (Postfix, Gmail)."""
    for note in notes:
        first = (note.split() or [""])[0].rstrip(".").lower()
        if "." in first and not first.startswith("[") and _ip_in(first) is None:
            return first
    return None


def _protocol(words_: str | None, notes: list[str]) -> str | None:
    """The ``with`` clause as written: ``ESMTPS``, or ``Microsoft SMTP Server
    (version=TLS1_2, cipher=…)`` with its comment, which says whether TLS was used."""
    if not words_:
        return None
    return " ".join([words_, *(f"({n})" for n in notes)])


def parse_received(value: str, number: int = 0) -> tuple[dict[str, str | None], datetime | None]:
    body, sep, date_text = value.rpartition(";")
    if not sep:
        body, date_text = value, value
    values, notes = _clauses(body)
    from_ip = None
    for text in [*notes.get("from", []), values.get("from", "")]:
        from_ip = _ip_in(text)
        if from_ip:
            break
    fields = {
        "from_host": values.get("from"), "from_ip": from_ip, "by_host": values.get("by"),
        "from_rdns": _rdns(notes.get("from", [])),
        "protocol": _protocol(values.get("with"), notes.get("with", [])),
        "id": values.get("id"),
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
