"""Apply a profiles document to the existing text of its file, keeping comments and layout.

:func:`patch` edits the file's own text with ``tomlkit`` instead of writing it anew. Lines
that did not change come out byte for byte (comments, blank lines, key order, quoting,
unknown keys and tables, CRLF line ends). What changes:

- a changed value is rewritten on its own line; an inline comment after it stays there
  (it belongs to the key: ``password = { env = "X" }  # set in ~/.profile``);
- a key no longer written loses its line, inline comment included;
- a new key goes right after the last ``key = value`` line of its table (before comment
  lines that end the table: they usually introduce what follows);
- a table written by hand as ``[profile.password]`` or ``password.env = ...`` is edited
  key by key in that form; new values are written inline (``{ env = "X" }``);
- a renamed profile keeps its place: only its ``name`` line changes;
- a removed profile loses its ``[[profile]]`` line, its keys and the comment lines between
  and right below them (a commented-out key), and one of the blank lines around it; comment
  lines above its header, or after a blank line below it, stay (they may describe a
  neighbour);
- a new profile goes after the last one (after its keys and the comment lines right below
  them), laid out by :mod:`smtptui.profiles.writer`.

This module imports ``tomlkit``: import it only to save. It uses two ``tomlkit``
internals (``Container._insert_at`` and the ``Container.body`` list), so every result is
read back with ``tomllib`` and compared with the intended document before it is returned.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Item, Key, Null, Table, Whitespace

from smtptui.profiles import writer

Entry = tuple[str | None, Mapping[str, Any]]
"""One profile to write: the ``name`` of its ``[[profile]]`` table in the text (None for a
new profile) and the table to write (``ProfileFile._table``)."""

Owner = Container | Table


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*profile[ \t]*\]\]", re.M)


class CannotPatch(Exception):
    """The text cannot be edited in place; the caller writes the whole file instead."""


def patch(text: str, extra: Mapping[str, Any], defaults: Mapping[str, Any],
          profiles: Sequence[Entry]) -> str:
    """``text`` changed to hold ``extra`` (other top-level keys), ``defaults`` and
    ``profiles`` (in order), keeping everything else of it byte for byte.

    Only the ``[[profile]]`` tables around what changed are parsed with tomlkit (it is
    slow: ~0.3 s for 1,000 profiles); if that fails, the whole text is. Raises
    :class:`CannotPatch` when neither works: ``tomlkit`` fails on the text or does not
    reproduce it exactly (e.g. ``[[profile]]`` tables split by another table), existing
    profiles were reordered or a new one sits among them, or the result would not read
    back as exactly this document. The message is generic (it never quotes the file).
    """
    crlf = "\r\n" in text and text.count("\n") == text.count("\r\n")
    source = text.replace("\r\n", "\n") if crlf else text
    problem = CannotPatch("nothing tried")
    for attempt in (_around_changes, _whole):
        try:
            out = attempt(source, extra, defaults, profiles)
            if out is source:
                return text  # nothing changed: checked against the document already
            if crlf:
                out = out.replace("\n", "\r\n")
            _verify(out, extra, defaults, [table for _, table in profiles])
        except CannotPatch as exc:
            problem = exc
        except Exception as exc:  # a tomlkit error on a layout it cannot edit
            problem = CannotPatch(f"tomlkit could not edit it ({type(exc).__name__})")
        else:
            return out
    raise problem


def _whole(source: str, extra: Mapping[str, Any], defaults: Mapping[str, Any],
           profiles: Sequence[Entry]) -> str:
    """The whole text edited."""
    top = dict(extra)
    top["defaults"] = defaults
    return _edit(source, profiles, top, at_end=True)


def _around_changes(source: str, extra: Mapping[str, Any], defaults: Mapping[str, Any],
                    profiles: Sequence[Entry]) -> str:
    """Only the profiles that changed (and a neighbour) edited, the rest kept as text."""
    before = tomllib.loads(source)
    old = before.get("profile", [])
    others = {k: v for k, v in before.items() if k not in ("profile", "defaults")}
    if not (isinstance(old, list) and same(others, extra)
            and same(before.get("defaults", {}), defaults)):
        raise CannotPatch("more than profiles changed")
    at = {table.get("name"): n for n, table in enumerate(old)}
    where = [at.get(origin, -1) if origin is not None else None for origin, _ in profiles]
    kept = [n for n in where if n is not None]
    _check_order(kept, where)
    removed = set(range(len(old))) - set(kept)
    touched = sorted(removed | {n for n, (_, table) in zip(where, profiles, strict=True)
                                if n is not None and not same(old[n], table)})
    new = len(kept) < len(profiles)
    if not touched and not new:
        return source
    heads = [m.start() for m in _HEADER.finditer(source)]
    if len(heads) != len(old):
        raise CannotPatch("the [[profile]] lines are not where expected")
    first = touched[0] if touched else len(old) - 1
    last = len(old) - 1 if new else touched[-1]
    lo = first - 1 if first > 0 and first in removed else first  # the one above a removal
    hi = last + 1 if last + 1 < len(old) and last in removed else last  # ... and below
    start = heads[lo] if lo > 0 else 0
    end = heads[hi + 1] if hi + 1 < len(old) else len(source)
    part = [(origin, table) for n, (origin, table) in zip(where, profiles, strict=True)
            if (n is None and end == len(source)) or (n is not None and lo <= n <= hi)]
    middle = _edit(source[start:end], part, None, at_end=end == len(source))
    return source[:start] + middle + source[end:]


def _check_order(kept: list[int], where: list[int | None]) -> None:
    if -1 in kept or kept != sorted(set(kept)):
        raise CannotPatch("the profiles are not in the file's order")
    if None in where[:len(kept)]:
        raise CannotPatch("a new profile sits among the existing ones")


def _edit(text: str, profiles: Sequence[Entry], top: dict[str, Any] | None,
          at_end: bool) -> str:
    """``text`` (from a ``[[profile]]`` line, or the file's start) with ``profiles`` (those
    whose tables it holds, and the new ones if ``at_end``) and ``top`` (None: unchanged)."""
    doc = tomlkit.parse(text)
    if doc.as_string() != text:
        raise CannotPatch("tomlkit does not reproduce its layout")
    if top is not None:
        if not top["defaults"] and "defaults" not in doc:
            del top["defaults"]
        _patch_table(doc, top, skip="profile")
    _patch_profiles(doc, profiles)
    out = doc.as_string()
    if at_end and out.endswith("\n\n") and not text.endswith("\n\n"):
        out = out.rstrip("\n") + "\n"  # the blank line above a removed last profile
    return out


def _verify(out: str, extra: Mapping[str, Any], defaults: Mapping[str, Any],
            tables: list[Mapping[str, Any]]) -> None:
    try:
        doc = tomllib.loads(out)
    except tomllib.TOMLDecodeError:
        raise CannotPatch("the edited text is not valid TOML") from None
    rest = {k: v for k, v in doc.items() if k not in ("profile", "defaults")}
    if not (same(rest, extra) and same(doc.get("defaults", {}), defaults)
            and same(doc.get("profile", []), tables)):
        raise CannotPatch("the edited text does not read back as the document")


def same(a: object, b: object) -> bool:
    """Equal as TOML values: ``1 == 1.0`` but ``true != 1``; tables and arrays deeply."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b or (a != a and b != b)  # nan reads back as nan
    return type(a) is type(b) and a == b


# --- keys of one table ------------------------------------------------------------------

def _container(owner: Owner) -> Container:
    return owner if isinstance(owner, Container) else owner.value


def _has_header(key: Key, item: Item) -> bool:
    """Whether ``item`` renders ``[header]`` lines (a sub-table or array of tables)."""
    return isinstance(item, AoT) or (isinstance(item, Table) and not key.is_dotted())


def _entry(container: Container, name: str) -> tuple[int, Key, Item]:
    found = [(i, k, v) for i, (k, v) in enumerate(container.body)
             if k is not None and k.key == name and not isinstance(v, Null)]
    if len(found) != 1:
        raise CannotPatch("a key is defined in pieces")
    return found[0]


def _patch_table(owner: Owner, new: Mapping[str, Any], skip: str | None = None) -> None:
    """Make ``owner``'s keys (all but ``skip``) those of ``new``, changing only what differs."""
    container = _container(owner)
    for name in [k for k in container if k != skip and k not in new]:
        _delete(owner, name)
    for name, value in new.items():
        if name not in container:
            _add(owner, name, value)
            continue
        current = container.item(name)
        if same(current.unwrap(), value):
            continue
        _, key, item = _entry(container, name)
        if isinstance(item, Table) and isinstance(value, Mapping) and (
                key.is_dotted() or not item.is_super_table()):
            _patch_table(item, value)  # keep the [profile.password] / password.env form
        elif isinstance(item, Table | AoT | OutOfOrderTableProxy):
            _delete(owner, name)
            _add(owner, name, value)
        else:
            owner[name] = _new_item(name, value)[1]  # keeps the line's place and comment


def _new_item(name: str, value: object) -> tuple[Key, Item]:
    """``name = value`` as the writer formats it (tables inline), parsed by tomlkit."""
    mini = tomlkit.parse(writer.lines({name: value}))
    key, item = next((k, v) for k, v in mini.body if k is not None)
    return key, item


def _add(owner: Owner, name: str, value: object) -> None:
    """Add ``name`` right after the last ``key = value`` line of ``owner``."""
    container = _container(owner)
    key, item = _new_item(name, value)
    body = container.body
    at = 1 + max((i for i, (k, v) in enumerate(body)
                  if k is not None and not isinstance(v, Null) and not _has_header(k, v)),
                 default=-1)
    if at > 0 and not isinstance(body[at - 1][1], Whitespace | Null):
        item.trivia.indent = body[at - 1][1].trivia.indent  # as indented as the key above
    if at < len(body):
        container._insert_at(at, key, item)
    else:
        container.append(key, item)
    if isinstance(owner, Table):
        dict.__setitem__(owner, name, item)  # tomlkit's Table mirrors its container


def _delete(owner: Owner, name: str) -> None:
    """Remove ``name``; of a sub-table, the comment lines after a blank line below it stay
    (those right below its keys go with it, as for a profile: see :func:`_split`)."""
    container = _container(owner)
    index, key, item = _entry(container, name)
    kept: list[Item] = []
    if _has_header(key, item):
        _, rest = _split(_detach_tail(item), glued_to_next=True)
        kept = _trim(rest, _blank_before(container, index))
    owner.remove(name)
    _place_after(container, index, kept)


# --- comment lines between tables ------------------------------------------------------

def _detach_tail(item: Item) -> list[Item]:
    """Take the comment and blank lines that end a table (below its last key) out of it."""
    if isinstance(item, AoT):
        return _detach_tail(item.body[-1]) if item.body else []
    if not isinstance(item, Table):
        return []
    body = item.value.body
    last = max((i for i, (k, v) in enumerate(body) if k is not None and not isinstance(v, Null)),
               default=-1)
    inner: list[Item] = []
    if last >= 0:
        key, child = body[last]
        if key is not None and _has_header(key, child):
            inner = _detach_tail(child)
    tail = []
    for i in range(last + 1, len(body)):
        if not isinstance(body[i][1], Null):
            tail.append(body[i][1])
            body[i] = (None, Null())
    return inner + tail


def _place_after(container: Container, index: int, items: list[Item]) -> None:
    """Put ``items`` where body entry ``index`` (now gone) was: before the next header."""
    if not items:
        return
    for key, item in container.body[index + 1:]:
        if key is not None and not isinstance(item, Null) and _has_header(key, item):
            _prepend(item.body[0] if isinstance(item, AoT) else item, items)
            return
    for item in items:
        container.append(None, item)


def _prepend(table: Item, items: list[Item]) -> None:
    """Render ``items`` just above ``table``'s header line."""
    table.trivia.indent = "".join(i.as_string() for i in items) + table.trivia.indent


def _leftover(table: Table, glued_to_next: bool, blank_before: bool) -> list[Item]:
    """The lines of a removed profile that stay: what was placed above its header, and the
    lines below its keys but those that belong to it (see :func:`_split`)."""
    indent = table.trivia.indent
    above = indent[:indent.rfind("\n") + 1]
    _, rest = _split(_detach_tail(table), glued_to_next)
    return ([Whitespace(above, fixed=True)] if above else []) + _trim(rest, blank_before)


def _split(tail: list[Item], glued_to_next: bool) -> tuple[list[Item], list[Item]]:
    """Split the lines below a table's last key into those that belong to it (comment lines
    right below it, like a commented-out key) and the rest, from the first blank line on.
    Without a blank line they belong to the next header, if ``glued_to_next``."""
    for i, item in enumerate(tail):
        if isinstance(item, Whitespace) and "\n" in item.as_string():
            return tail[:i], tail[i:]
    return ([], tail) if glued_to_next else (tail, [])


def _trim(lines: list[Item], blank_before: bool) -> list[Item]:
    """Without the blank lines that open ``lines`` when a blank line precedes them already
    (removing a table removes one of the blank lines around it)."""
    start = 0
    while blank_before and start < len(lines) and isinstance(lines[start], Whitespace):
        start += 1
    return lines[start:]


def _blank_before(container: Container, index: int) -> bool:
    """Whether the text just above body entry ``index`` of ``container`` is a blank line
    (or the start of the container)."""
    for key, item in reversed(container.body[:index]):
        if isinstance(item, Null):
            continue
        if isinstance(item, Whitespace):
            return "\n" in item.as_string()
        if key is not None and _has_header(key, item):
            return item.as_string().endswith("\n\n")
        return False
    return True


def _separator(before: str) -> str:
    """What goes above a new ``[[profile]]`` so that one blank line precedes it."""
    if not before or before.endswith("\n\n"):
        return ""
    return "\n" if before.endswith("\n") else "\n\n"


# --- the [[profile]] tables ------------------------------------------------------------

def _patch_profiles(doc: Container, profiles: Sequence[Entry]) -> None:
    places = [i for i, (k, v) in enumerate(doc.body)
              if k is not None and k.key == "profile" and not isinstance(v, Null)]
    aot: AoT | None = None
    if places:
        item = doc.body[places[0]][1]
        if len(places) > 1 or not isinstance(item, AoT):
            raise CannotPatch("profile is not one array of tables")
        aot = item
    elements: list[Table] = list(aot.body) if aot is not None else []
    where = {str(el["name"]): n for n, el in enumerate(elements) if "name" in el}
    at = [where.get(origin, -1) if origin is not None else None for origin, _ in profiles]
    kept = [n for n in at if n is not None]
    _check_order(kept, at)
    for origin, table in profiles:
        if origin is not None:
            element = elements[where[origin]]
            if not same(element.unwrap(), table):
                _patch_table(element, table)
    new = [table for origin, table in profiles if origin is None]
    if len(kept) == len(elements) and not new:
        return
    _remove_and_append(doc, aot, elements, set(kept), new, places[0] if places else -1)


def _remove_and_append(doc: Container, aot: AoT | None, elements: list[Table], keep: set[int],
                       new: list[Mapping[str, Any]], place: int) -> None:
    follows = any(k is not None and not isinstance(v, Null) for k, v in doc.body[place + 1:])
    blank = {n: elements[n - 1].as_string().endswith("\n\n") if n else
             _blank_before(doc, place) for n in range(len(elements)) if n not in keep}
    pending: list[Item] = []  # lines of removed profiles that stay, for above the next one
    last: Table | None = None
    for n, element in enumerate(elements):
        if n in keep:
            if pending:
                _prepend(element, pending)
                pending = []
            last = element
        else:
            glued = follows or n + 1 < len(elements)
            pending += _leftover(element, glued, blank[n])
    if aot is not None:
        for n in reversed(range(len(elements))):
            if n not in keep:
                del aot[n]
    after = pending
    if last is not None and new:
        below, rest = _split(_detach_tail(last), glued_to_next=follows)
        _append(last, below)
        after = rest + pending
    if aot is not None and not aot.body:
        doc.remove("profile")
        _place_after(doc, place, after)
        after, aot = [], None
    if not new:
        if last is not None:
            _append(last, after)
        return
    if last is None:
        before = doc.as_string()
        if before and not before.endswith("\n"):  # end its last line first
            doc.append(None, Whitespace("\n"))
            before += "\n"
    else:
        before = last.as_string()
    tables = [_new_element(table) for table in new]
    for table in tables:
        table.trivia.indent = _separator(before)
        before = table.as_string()
    _append(tables[-1], after)
    if aot is None:
        doc.append("profile", AoT(tables, name="profile", parsed=True))
    else:
        for table in tables:
            aot.append(table)


def _append(table: Table, items: list[Item]) -> None:
    for item in items:
        table.value.append(None, item)  # not Table.append: it would re-indent comments


def _new_element(table: Mapping[str, Any]) -> Table:
    element = tomlkit.parse(writer.profile_text(table))["profile"].body[0]
    assert isinstance(element, Table)
    return element
