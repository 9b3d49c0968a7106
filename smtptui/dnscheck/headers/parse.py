"""Turn a pasted header block into an ``email.message.EmailMessage``, tolerating junk."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from email.parser import Parser

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


def raw_values(msg: EmailMessage, name: str) -> list[str]:
    """Every value of ``name`` as written (unfolded, not decoded), in message order."""
    return [" ".join(str(v).split()) for k, v in msg.raw_items() if k.lower() == name.lower()]


def trace_fields(msg: EmailMessage) -> list[tuple[str, str]]:
    """(lower-case name, unfolded value) of the Received and Authentication-Results fields,
    in message order: where each sits says who wrote it."""
    wanted = ("received", "authentication-results")
    return [(k.lower(), " ".join(str(v).split())) for k, v in msg.raw_items()
            if k.lower() in wanted]
