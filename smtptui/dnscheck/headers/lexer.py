"""Comments, quoted strings and separators in structured header fields (RFC 5322 3.2)."""

from __future__ import annotations


def split_outside(text: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` where it is neither inside quotes nor inside a (nested) comment."""
    parts: list[str] = []
    buf: list[str] = []
    depth, quoted, escape = 0, False, False
    for ch in text:
        if escape:
            escape = False
        elif ch == "\\" and (quoted or depth):
            escape = True
        elif ch == '"' and not depth:
            quoted = not quoted
        elif ch == "(" and not quoted:
            depth += 1
        elif ch == ")" and not quoted and depth:
            depth -= 1
        elif ch == sep and not quoted and not depth:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


def strip_comments(text: str) -> tuple[str, list[str]]:
    """Remove (nested) comments; return the rest (comments become a space) and the comments."""
    out: list[str] = []
    comments: list[str] = []
    current: list[str] = []
    depth, quoted, escape = 0, False, False
    for ch in text:
        if escape:
            (current if depth else out).append(ch)
            escape = False
            continue
        if ch == "\\" and (quoted or depth):
            escape = True
            if not depth:
                out.append(ch)
            continue
        if ch == '"' and not depth:
            quoted = not quoted
        elif ch == "(" and not quoted:
            depth += 1
            if depth == 1:
                current = []
                continue
        elif ch == ")" and not quoted and depth:
            depth -= 1
            if depth == 0:
                comments.append("".join(current).strip())
                out.append(" ")
                continue
        (current if depth else out).append(ch)
    if depth:
        comments.append("".join(current).strip())
    return "".join(out), comments


def words(text: str) -> list[str]:
    """Whitespace-separated words; quoted strings keep their spaces and lose their quotes."""
    result, buf, quoted, escape, started = [], [], False, False, False
    for ch in text:
        if escape:
            buf.append(ch)
            escape = False
        elif ch == "\\" and quoted:
            escape = True
        elif ch == '"':
            quoted, started = not quoted, True
        elif ch.isspace() and not quoted:
            if buf or started:
                result.append("".join(buf))
            buf, started = [], False
        else:
            buf.append(ch)
    if buf or started:
        result.append("".join(buf))
    return result
