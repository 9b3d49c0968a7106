"""EHLO extensions: parsing, the AUTH union, readable sizes and pre/post-TLS changes."""

from __future__ import annotations

import re

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)")
_ESCAPE = re.compile(r"(\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|\\U[0-9a-f]{8})")


def upper(text: str) -> str:
    """Upper-case text that is already cleaned, leaving its escapes as they are
    (``\\x1b`` must not become ``\\X1B``, which no longer reads as an escape)."""
    if "\\" not in text:
        return text.upper()
    parts = _ESCAPE.split(text)
    return "".join(part if i % 2 else part.upper() for i, part in enumerate(parts))


def parse_ehlo(text: str) -> tuple[str, dict[str, str]]:
    """Split an EHLO reply's text into (server hostname line, {EXTENSION: params}).

    Keywords are upper-cased. ``AUTH`` is the union of ``AUTH x y`` and the legacy
    ``AUTH=x y`` form, in first-seen order.
    """
    lines = text.split("\n")
    first = lines[0] if lines else ""
    ext: dict[str, str] = {}
    auth: list[str] = []
    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        if line.upper().startswith("AUTH=") or line.upper().startswith("AUTH "):
            for mech in line[5:].split():
                if upper(mech) not in auth:
                    auth.append(upper(mech))
            ext.setdefault("AUTH", "")
            continue
        keyword, _, params = line.partition(" ")
        ext[upper(keyword)] = params.strip()
    if auth:
        ext["AUTH"] = " ".join(auth)
    return first, ext


def auth_mechanisms(ext: dict[str, str]) -> list[str]:
    return ext.get("AUTH", "").split()


def human_size(value: str) -> str:
    """``SIZE`` parameter as people read it: "35882577" -> "34.2 MiB"; "0"/"" -> "no limit"."""
    try:
        size = int(value)
    except ValueError:
        return value or "no limit announced"
    if size <= 0:
        return "no limit"
    units = ["bytes", "KiB", "MiB", "GiB"]
    amount = float(size)
    unit = 0
    while amount >= 1024 and unit < len(units) - 1:
        amount /= 1024
        unit += 1
    return f"{size} bytes" if unit == 0 else f"{amount:.1f} {units[unit]}"


def describe(ext: dict[str, str]) -> list[tuple[str, str]]:
    """(keyword, readable meaning) for display."""
    meanings = {
        "PIPELINING": "commands may be batched",
        "8BITMIME": "8-bit message bodies",
        "SMTPUTF8": "UTF-8 addresses",
        "CHUNKING": "BDAT transfers",
        "DSN": "delivery status notifications",
        "ENHANCEDSTATUSCODES": "RFC 3463 status codes in replies",
        "REQUIRETLS": "can require TLS hop by hop",
        "STARTTLS": "can upgrade to TLS",
        "BINARYMIME": "binary bodies",
        "VRFY": "address verification",
        "ETRN": "remote queue start",
        "DELIVERBY": "delivery deadlines",
        "MT-PRIORITY": "message priorities",
    }
    out: list[tuple[str, str]] = []
    for key, params in ext.items():
        if key == "SIZE":
            out.append((key, f"max message {human_size(params)}"))
        elif key == "AUTH":
            out.append((key, params or "(no mechanisms listed)"))
        else:
            meaning = meanings.get(key, "")
            out.append((key, " ".join(x for x in (params, meaning) if x)))
    return out


def changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Extensions ``added`` and ``removed`` between the pre- and post-TLS EHLO."""
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    changed = [k for k in after if k in before and before[k] != after[k]]
    return {"added": added, "removed": removed, "changed": changed}


def split_enhanced(text: str) -> tuple[str | None, str]:
    """Strip an RFC 3463 enhanced code from the start of every line of a reply text."""
    if text[:1] not in ("2", "4", "5") and not ("\n2." in text or "\n4." in text
                                                 or "\n5." in text):
        return None, text  # the common case (EHLO lists): no line starts like a code
    code: str | None = None
    out = []
    for line in text.split("\n"):
        match = _ENHANCED.match(line)
        if match:
            code = code or f"{match.group(1)}.{match.group(2)}.{match.group(3)}"
            line = line[match.end():]
        out.append(line)
    return code, "\n".join(out)
