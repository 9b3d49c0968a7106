"""Turn a pasted header block into an ``email.message.EmailMessage``, tolerating junk."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from typing import Any

_FIELD = re.compile(r"[!-9;-~]+:")


def clean_block(text: str) -> tuple[str, int]:
    """Keep header lines and their continuations; stop at the body; drop the rest.

    Returns the cleaned block and how many junk lines were skipped (preambles from mail
    clients, ``>`` quoting, an mbox ``From `` line, stray text between fields).
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    skipped = 0
    in_field = False
    for line in lines:
        if _FIELD.match(line):
            kept.append(line)
            in_field = True
        elif line[:1] in (" ", "\t") and line.strip() and in_field:
            kept.append(line)
        elif not line.strip():
            if kept:
                break
        else:
            skipped += 1
            in_field = False
    return "\n".join(kept) + "\n\n", skipped


def parse_block(text: str) -> tuple[EmailMessage, int]:
    """Parse with ``policy.default`` (headers only). Returns the message and skipped lines."""
    block, skipped = clean_block(text)
    msg = Parser(policy=policy.default).parsestr(block, headersonly=True)
    assert isinstance(msg, EmailMessage)
    return msg, skipped


def header_values(msg: EmailMessage, name: str) -> list[str]:
    """Every value of ``name`` as plain unfolded text, in message order (newest first)."""
    out = []
    for value in msg.get_all(name) or []:
        try:
            out.append(" ".join(str(value).split()))
        except Exception:
            continue
    return out


def from_address(msg: EmailMessage) -> tuple[str | None, str | None]:
    """The From address and its domain (lower case), when there is exactly one."""
    addresses: tuple[Any, ...] = ()
    try:
        header = msg["From"]
        addresses = tuple(header.addresses) if header is not None else ()
    except Exception:
        addresses = ()
    if len(addresses) != 1 or not addresses[0].domain:
        raw = header_values(msg, "From")
        m = re.search(r"[^\s<>@]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", raw[0]) if raw else None
        return (m.group(0), m.group(1).lower()) if m else (raw[0] if raw else None, None)
    addr = addresses[0]
    return addr.addr_spec, addr.domain.lower().rstrip(".")
