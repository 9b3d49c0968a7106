"""The profiles file: load and validate it, edit it in memory, save it without losing data.

Saving an existing file edits its text in place (:mod:`smtptui.profiles.patch`), so its
comments, layout and untouched profiles stay as they were; a new file is written in
:mod:`smtptui.profiles.writer`'s layout.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtptui.probe.sanitize import clean
from smtptui.profiles import atomic, writer
from smtptui.profiles.errors import ProfilesError
from smtptui.profiles.model import BUILTIN_DEFAULTS, Profile
from smtptui.profiles.presets import PRESETS
from smtptui.profiles.schema import (
    SECRET_KEYS,
    bind_oauth,
    check_table,
    parse_document,
    show,
    validate_profile,
)
from smtptui.profiles.secrets import LiteralSource

_ALWAYS_WRITTEN = ("name", "host", "port", "tls")
_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass
class ProfileFile:
    """A profiles file in memory. Edit with :meth:`add`, :meth:`replace`, :meth:`remove`."""

    path: Path
    profiles: list[Profile] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict, repr=False)
    """The raw ``[defaults]`` table (already applied to :attr:`profiles`)."""
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    """Unknown top-level keys, kept on save."""
    warnings: list[str] = field(default_factory=list)
    """Non-fatal findings of :func:`load` (plain-text passwords, unknown keys ...)."""
    fingerprint: atomic.Fingerprint | None = None
    """The file as read (None: it did not exist); :meth:`save` refuses if it changed since."""
    explicit: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    source: str | None = field(default=None, repr=False, compare=False)
    """The file's text as read (None: no file yet); :meth:`save` edits it in place."""
    origins: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Profile name -> the ``name`` of its ``[[profile]]`` table in :attr:`source`."""
    rewrite_reason: str | None = field(default=None, compare=False)
    """Why the last :meth:`save` wrote the whole file anew (comments lost); None if it
    edited the text in place or the file was new."""

    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def get(self, name: str) -> Profile:
        """The profile called ``name``, or :class:`ProfilesError` listing the known ones."""
        for profile in self.profiles:
            if profile.name == name:
                return profile
        known = ", ".join(clean(n, 60) for n in self.names()[:20]) or "none"
        if len(self.profiles) > 20:
            known += ", …"
        from difflib import get_close_matches

        close = get_close_matches(name, self.names(), n=1, cutoff=0.8)
        hint = f": did you mean {show(close[0])}?" if close else ""
        raise ProfilesError(f"unknown profile {show(name)}{hint} (known: {known})")

    def __contains__(self, name: object) -> bool:
        return any(p.name == name for p in self.profiles)

    def clients(self) -> dict[str, list[Profile]]:
        """Profiles grouped by client, both sorted case-insensitively; no client is ``""``, last."""
        groups: dict[str, list[Profile]] = {}
        for profile in self.profiles:
            groups.setdefault(profile.client, []).append(profile)
        return {c: sorted(groups[c], key=lambda p: (p.name.casefold(), p.name))
                for c in sorted(groups, key=lambda c: (c == "", c.casefold(), c))}

    def new_profile(self, **fields: Any) -> Profile:
        """A profile built like :func:`load` builds one: this file's ``[defaults]`` beneath
        ``fields`` (Profile attribute names). Use it for new profiles so that what they
        do not set is inherited, not pinned to the built-in values."""
        inherited, _ = check_table({k: v for k, v in self.defaults.items() if k != "name"},
                                   "[defaults]", [])
        return Profile(**{**inherited, **fields})

    def add(self, profile: Profile) -> None:
        """Add a new profile; its name must be unused and its fields valid."""
        _check(profile)
        if profile.name in self:
            raise ProfilesError(f"a profile named {show(profile.name)} already exists")
        self.profiles.append(self._bound(profile))

    def replace(self, old_name: str, profile: Profile) -> None:
        """Put ``profile`` where ``old_name`` was (it may rename it, not onto another one)."""
        index = self.names().index(self.get(old_name).name)
        _check(profile)
        if profile.name != old_name and profile.name in self:
            raise ProfilesError(f"a profile named {show(profile.name)} already exists")
        self.profiles[index] = self._bound(profile)
        if profile.name != old_name:
            self.explicit[profile.name] = self.explicit.pop(old_name, frozenset())
            origin = self.origins.pop(old_name, None)
            if origin is not None:
                self.origins[profile.name] = origin

    def _bound(self, profile: Profile) -> Profile:
        """``profile`` with its ``{ oauth = "NAME" }`` given this file's ``[oauth.NAME]``;
        a name the file does not define is refused (the file would not load again)."""
        profile = bind_oauth(profile, self.extra.get("oauth"))
        for key in SECRET_KEYS:
            source = getattr(profile, key)
            if getattr(source, "account", True) is None:
                raise ProfilesError(f"profile {show(profile.name)}: {key}.oauth names "
                                    f"{show(source.name)}, but there is no "
                                    f"[oauth.{clean(source.name, 60)}] table in {self.path}")
        return profile

    def remove(self, name: str) -> Profile:
        """Remove and return the profile called ``name``."""
        profile = self.get(name)
        self.profiles.remove(profile)
        self.explicit.pop(name, None)
        self.origins.pop(name, None)
        return profile

    def to_toml(self) -> str:
        """The whole file in the writer's layout, without comments: what :meth:`save`
        writes for a new file, or when :attr:`source` cannot be edited in place."""
        return writer.dumps(self.extra, self.defaults, [self._table(p) for p in self.profiles])

    def render(self) -> str:
        """The text :meth:`save` writes: :attr:`source` with only what changed edited
        (comments and untouched lines kept byte for byte), or :meth:`to_toml` for a new file.

        Falls back to :meth:`to_toml` (and says why in :attr:`rewrite_reason`) when the text
        cannot be edited in place: tomlkit is missing or fails on it, the ``[[profile]]``
        tables are split by another table, :attr:`profiles` was reordered by hand, or the
        edit would not read back as exactly this document.
        """
        self.rewrite_reason = None
        if self.source is None:
            return self.to_toml()
        entries = [(self.origins.get(p.name), self._table(p)) for p in self.profiles]
        try:
            from smtptui.profiles import patch  # imports tomlkit: only when saving
        except ImportError:
            self.rewrite_reason = "tomlkit is not installed"
            return self.to_toml()
        try:
            return patch.patch(self.source, self.extra, self.defaults, entries)
        except patch.CannotPatch as exc:
            self.rewrite_reason = f"cannot edit the file in place: {exc}"
            return self.to_toml()

    def _table(self, profile: Profile) -> dict[str, Any]:
        """A profile's table, leaving out what it inherits from ``[defaults]``/built-ins."""
        full = profile.to_toml_dict(complete=True)
        explicit = self.explicit.get(profile.name)
        out: dict[str, Any] = {}
        for key, value in full.items():
            baseline = self.defaults.get(key, BUILTIN_DEFAULTS.get(key, None))
            if explicit is not None:
                keep = key in explicit or key == "name" or value != baseline
            else:
                keep = (key in _ALWAYS_WRITTEN and key not in self.defaults) or value != baseline
            if keep:
                out[key] = value
        return out

    def save(self) -> None:
        """Write :meth:`render` atomically (backup in ``<file>.bak``), refusing if the file
        changed on disk since it was read."""
        with atomic.locked(self.path):
            self._save_locked()

    def _save_locked(self) -> None:
        for profile in self.profiles:
            _check(profile)
        try:
            on_disk = atomic.fingerprint(self.path)
        except OSError as exc:
            raise ProfilesError(f"{self.path}: cannot read: {_reason(exc)}") from None
        if on_disk != self.fingerprint:
            raise ProfilesError(
                f"{self.path} was changed by another program since it was read; "
                "nothing was written (reload it and try again)")
        text = self.render()
        try:
            self.fingerprint = atomic.write(self.path, text.encode("utf-8"))
        except OSError as exc:
            raise ProfilesError(f"{self.path}: cannot write: {_reason(exc)}") from None
        self.explicit = {p.name: frozenset(self._table(p)) for p in self.profiles}
        self.source = text
        self.origins = {p.name: p.name for p in self.profiles}


def _check(profile: Profile) -> None:
    problems = validate_profile(profile)
    if problems:
        raise ProfilesError("; ".join(problems), problems)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def parse(text: str, path: Path) -> ProfileFile:
    """Validate the text of a profiles file (see :func:`load`)."""
    try:
        doc = read_toml(text)
        parsed = parse_document(doc)
    except tomllib.TOMLDecodeError as exc:
        raise ProfilesError(_syntax_message(path, exc)) from None
    except RecursionError:  # tomllib recurses once per level of [ or {
        raise ProfilesError(f"{path}: arrays or inline tables nested too deeply") from None
    if parsed.problems:
        raise ProfilesError(f"{path}: " + "; ".join(parsed.problems), parsed.problems)
    for profile in parsed.profiles:
        if profile.preset is not None and profile.preset not in PRESETS:
            parsed.warnings.append(f"profile {show(profile.name)}: unknown preset "
                                   f"{show(profile.preset)} (known: {', '.join(PRESETS)})")
    return ProfileFile(path, parsed.profiles, parsed.defaults, parsed.extra, parsed.warnings,
                       explicit=parsed.explicit, source=text,
                       origins={p.name: p.name for p in parsed.profiles})


FAST_PARSE_BYTES = 128 * 1024
"""From this size on (about 500 profiles) a file is parsed with ``toml-rs`` where it is
installed: tomllib, pure Python, takes about a second for 10,000 profiles; below it,
tomllib is done before ``toml-rs`` would have been imported."""


def read_toml(text: str) -> dict[str, Any]:
    """The document, as :mod:`tomllib` reads it (TOML 1.0, its error messages)."""
    if len(text) >= FAST_PARSE_BYTES:
        try:
            import toml_rs
        except ImportError:
            pass
        else:
            try:
                return toml_rs.loads(text, toml_version="1.0.0")
            except toml_rs.TOMLDecodeError:
                pass  # tomllib words the error (line, column) as a small file gets it
    return tomllib.loads(text)


def _syntax_message(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    match = _AT.search(text)
    what = clean(_AT.sub("", text), 200)
    what = what[:1].lower() + what[1:]
    if match:
        return f"{path}: line {match[1]}, column {match[2]}: {what}"
    return f"{path}: invalid TOML: {what}"


def load(path: Path) -> ProfileFile:
    """Read and validate ``path``. Any problem raises :class:`ProfilesError` (one line).

    A syntax error names the file, line and column; schema problems are all collected in
    ``.problems``. Non-fatal findings are in the result's ``.warnings``.
    """
    try:
        data, fingerprint = atomic.read(path)
    except FileNotFoundError:
        raise ProfilesError(f"{path}: no such file") from None
    except atomic.FileRefused as exc:
        raise ProfilesError(f"{path}: cannot read: {exc}") from None
    except OSError as exc:
        raise ProfilesError(f"{path}: cannot read: {_reason(exc)}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfilesError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    result = parse(text, path)
    result.fingerprint = fingerprint
    result.warnings += _permission_warnings(path, result)
    return result


def load_or_empty(path: Path) -> ProfileFile:
    """Like :func:`load`, but a missing file gives an empty :class:`ProfileFile` for ``path``."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return ProfileFile(path)
    except OSError:
        pass  # let load() report it
    return load(path)


def modify(path: Path, fn: Callable[[ProfileFile], object]) -> ProfileFile:
    """Re-read ``path`` under an exclusive lock, apply ``fn`` to it, and save it.

    Two processes doing this at once both get their change in: the second waits for the
    first and sees its result. A missing file starts empty. Returns the saved file.
    """
    with atomic.locked(path):
        current = load_or_empty(path)
        fn(current)
        current._save_locked()
    return current


def _permission_warnings(path: Path, pf: ProfileFile) -> list[str]:
    literal = any(isinstance(getattr(p, k), LiteralSource) for p in pf.profiles
                  for k in SECRET_KEYS) or any(isinstance(pf.defaults.get(k), str)
                                               for k in SECRET_KEYS)
    exposed = _exposed(path) if literal else None
    return [f"{path} holds plain-text passwords and {exposed}; run: chmod 600 {path}"
            ] if exposed else []


def _exposed(path: Path) -> str | None:
    """Why others can read ``path`` (its mode), or None when only its owner can."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"is readable by others (mode {stat.S_IMODE(mode):04o})"
    return None


def check_literal_secrets(pf: ProfileFile, profiles: Iterable[Profile]) -> None:
    """Refuse to use a plain-text secret from a file others can read (as OpenSSH refuses
    a private key that others can read): :class:`ProfilesError`, one line, if any of
    ``profiles`` (flags applied: a ``--password-env`` replaces it) would read one."""
    names = [p.name for p in profiles
             if any(isinstance(getattr(p, k), LiteralSource) for k in SECRET_KEYS)]
    exposed = _exposed(pf.path) if names else None
    if exposed:
        raise ProfilesError(
            f"{pf.path} holds the plain-text password of profile {show(names[0])} and "
            f"{exposed}: refusing to use it; run: chmod 600 {pf.path} (or keep the secret "
            "out of the file: { env = ... }, { command = ... } or { keyring = ... })")


def as_dict(pf: ProfileFile) -> Mapping[str, Any]:
    """The document as :mod:`tomllib` reads back what :meth:`ProfileFile.save` writes
    (equal as values: an edited file keeps its own spelling, e.g. ``30.0`` for ``30``)."""
    return tomllib.loads(pf.to_toml())
