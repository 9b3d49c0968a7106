"""A save conflict in the profile editor, without widgets: the profile changed in the file
while the editor was open.

:func:`check_unchanged` finds the profile as it is now on disk (following a rename) and
raises :class:`ProfileChanged`; :func:`three_way` re-applies the fields changed in the
editor (against the values it opened with) onto that copy, and lists the fields changed
on both sides to different values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from smtptui.app.screens.editor_form import FormValues
from smtptui.profiles.errors import ProfilesError
from smtptui.profiles.model import BUILTIN_DEFAULTS, Profile
from smtptui.profiles.schema import show

if TYPE_CHECKING:
    from smtptui.profiles.store import ProfileFile

UNITS: tuple[tuple[str, ...], ...] = tuple(
    ("secret_kind", "secret_value") if f.name == "secret_kind" else (f.name,)
    for f in fields(FormValues) if f.name != "secret_value")
"""What is merged as one: a field, or the password's kind and value together."""
UNIT_LABELS = {
    "name": "Name", "client": "Client", "host": "Host", "port": "Port", "tls": "Security",
    "username": "Username", "secret_kind": "Password from", "auth": "AUTH",
    "mail_from": "From", "rcpt_to": "To", "send": "Send a test message",
    "stop_after": "Stop after", "timeout": "Timeout (s)", "cafile": "CA file",
    "servername": "TLS name", "ehlo": "EHLO name", "insecure": "Insecure",
    "allow_plaintext_auth": "AUTH without TLS", "nameserver": "Nameserver",
    "dkim_selectors": "DKIM selectors", "notes": "Notes", "preset": "Preset",
}


class ProfileChanged(ProfilesError):  # noqa: N818 (a ProfilesError, named like the others)
    """The edited profile is not in the file as the editor opened it (nothing was written).

    ``current`` is the profile as it is now (None: removed), ``names`` every profile name
    in the file now.
    """

    def __init__(self, message: str, current: Profile | None, names: Collection[str]) -> None:
        super().__init__(message)
        self.current = current
        self.names = frozenset(names)


def same(a: Profile, b: Profile, *, but: Collection[str] = ()) -> bool:
    """Whether two profiles say the same thing (as the file would hold them)."""
    left, right = a.to_toml_dict(complete=True), b.to_toml_dict(complete=True)
    return all(left.get(k) == right.get(k) for k in left.keys() | right.keys() if k not in but)


def find_current(pf: ProfileFile, started: Profile, known: Collection[str]) -> Profile | None:
    """The profile the editor opened, as it is in ``pf`` now: by its name, else a profile
    whose name is new since the editor opened (``known``: the names then) and that keeps
    at least half of its other fields — a rename — the most alike if several; None when
    it was removed."""
    if started.name in pf:
        return pf.get(started.name)
    mine = {k: v for k, v in started.to_toml_dict(complete=True).items()
            if k != "name" and v != BUILTIN_DEFAULTS.get(k)}  # what it says of its own

    def alike(p: Profile) -> int:
        theirs = p.to_toml_dict(complete=True)
        return sum(theirs.get(k) == v for k, v in mine.items())

    # a new profile with little in common is one added, not this one renamed
    new = [p for p in pf.profiles if p.name not in known and 2 * alike(p) >= len(mine)]
    return max(new, key=alike) if new else None


def check_unchanged(pf: ProfileFile, started: Profile, known: Collection[str] = ()) -> str:
    """The name of the edited profile in ``pf`` (the file as it is now); raises
    :class:`ProfileChanged` if it differs from ``started`` (what the editor opened)."""
    current = find_current(pf, started, known or {started.name})
    if current is None:
        raise ProfileChanged(f"profile {show(started.name)} was removed from the file since "
                             "you opened it", None, pf.names())
    if current.name != started.name or not same(current, started):
        raise ProfileChanged(f"profile {show(started.name)} was changed in the file since "
                             "you opened it", current, pf.names())
    return current.name


@dataclass(frozen=True)
class Merge:
    """The form re-based on the file: ``values`` takes your changes (and yours on clashes)."""

    values: FormValues
    yours: tuple[str, ...]
    """Units only you changed (re-applied)."""
    theirs: tuple[str, ...]
    """Units only the file changed (kept)."""
    clashes: tuple[str, ...]
    """Units changed on both sides to different values."""
    disk: FormValues
    """The profile as it is in the file now."""

    def resolve(self, picks: Mapping[str, str]) -> FormValues:
        """``values`` with ``picks`` applied: unit -> ``"disk"`` takes the file's value
        (anything else, or no pick, keeps yours)."""
        out = self.values
        for unit in self.clashes:
            if picks.get(unit) == "disk":
                out = replace(out, **{f: getattr(self.disk, f) for f in _unit(unit)})
        return out


def _unit(first: str) -> tuple[str, ...]:
    return next(u for u in UNITS if u[0] == first)


def three_way(base: FormValues, mine: FormValues, disk: FormValues) -> Merge:
    """Re-apply what changed from ``base`` to ``mine`` onto ``disk``."""
    out = disk
    yours, theirs, clashes = [], [], []
    for unit in UNITS:
        b, m, d = ([getattr(v, f) for f in unit] for v in (base, mine, disk))
        if m == b:
            if d != b:
                theirs.append(unit[0])
            continue
        if d != b and d != m:
            clashes.append(unit[0])
        elif d == b:
            yours.append(unit[0])
        out = replace(out, **{f: getattr(mine, f) for f in unit})
    return Merge(out, tuple(yours), tuple(theirs), tuple(clashes), disk)


def shown(values: FormValues, unit: str) -> str:
    """A unit's value as the merge dialog shows it (plain text, never markup)."""
    if unit == "secret_kind":
        kind, value = values.secret_kind, values.secret_value
        return {"none": "none", "prompt": "asked when run",
                "literal": "stored in the file"}.get(kind, f"{kind} {value}".strip())
    value = getattr(values, unit)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if value.strip() else "(empty)"
