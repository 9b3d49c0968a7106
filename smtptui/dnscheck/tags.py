"""``tag=value; tag=value`` lists as used by DKIM, DMARC, ARC, MTA-STS and TLS-RPT."""

from __future__ import annotations


class TagListError(ValueError):
    """A tag list that cannot be parsed (no ``=``, empty name, duplicate tag)."""


def parse_tags(text: str, *, lower_names: bool = True) -> dict[str, str]:
    """Parse a tag list (RFC 6376 3.2). Whitespace around names and values is dropped.

    An empty trailing element (``a=b;``) is allowed. Raises :class:`TagListError`.
    """
    tags: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or not name or any(c.isspace() for c in name):
            raise TagListError(f"malformed tag {part.strip()!r}")
        if lower_names:
            name = name.lower()
        if name in tags:
            raise TagListError(f"tag {name!r} given twice")
        tags[name] = value.strip()
    return tags
