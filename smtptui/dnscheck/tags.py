"""``tag=value; tag=value`` lists as used by DKIM, DMARC, ARC, MTA-STS and TLS-RPT."""

from __future__ import annotations


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def scan_tags(text: str, *, lower_names: bool = True) -> tuple[dict[str, str], list[str]]:
    """Parse a tag list (RFC 6376 3.2), keeping every well-formed tag.

    Returns ``(tags, problems)``: one problem per malformed element (``tag 'foo' has no
    '='``); a duplicate keeps its first value. Whitespace around names and values is dropped
    and an empty trailing element (``a=b;``) is allowed. What a problem means is the
    record type's business (RFC 7489 ignores it, RFC 6376 rejects the whole key record).
    Problems quote record text as is: escape them before display.
    """
    tags: dict[str, str] = {}
    problems: list[str] = []
    for part in text.split(";"):
        element = part.strip()
        if not element:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            problems.append(f"tag '{_short(element)}' has no '='")
        elif not name:
            problems.append(f"'{_short(element)}' has no tag name before '='")
        elif any(c.isspace() for c in name):
            problems.append(f"tag name '{_short(name)}' contains a space (a missing ';'?)")
        elif (name.lower() if lower_names else name) in tags:
            problems.append(f"tag '{_short(name)}' given twice (the first value counts)")
        else:
            tags[name.lower() if lower_names else name] = value.strip()
    return tags, problems
