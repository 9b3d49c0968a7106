"""What the sidebar lists: file profiles and built-in demo targets, grouped and filtered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtptui.dnscheck.settings import env_nameserver
from smtptui.hostport import host_port
from smtptui.probe.config import ProbeConfig
from smtptui.profiles.model import Profile

if TYPE_CHECKING:
    from smtptui.demo.embedded import DemoTarget
    from smtptui.profiles.store import ProfileFile

NO_CLIENT = "(no client)"
"""How profiles without a client are grouped."""


def nameserver_for(profile_nameserver: str | None) -> str | None:
    """The profile's resolver, else ``$SMTPTUI_NAMESERVER``, else None (the system's)."""
    return profile_nameserver or env_nameserver()


@dataclass(frozen=True)
class Entry:
    """One runnable item: a profile from the file, or a built-in demo target."""

    key: str
    """Stable identity: ``file:<name>`` or ``demo:<name>``."""
    name: str
    client: str
    profile: Profile | None = None
    config: ProbeConfig | None = None
    """A ready probe (demo targets); file profiles resolve theirs when run."""
    description: str = ""

    @property
    def builtin(self) -> bool:
        """Demo targets are not in the file: they cannot be edited or deleted."""
        return self.profile is None

    @property
    def target(self) -> str:
        """``host:port tls`` for headers."""
        if self.profile is not None:
            host, port, tls = self.profile.host, self.profile.port, self.profile.tls
        elif self.config is not None:
            host, port, tls = self.config.host, self.config.port, self.config.tls
        else:  # pragma: no cover - an Entry always has one of them
            return ""
        return f"{host_port(host, port)} {tls}"


def file_key(name: str) -> str:
    return f"file:{name}"


def from_file(pf: ProfileFile | None) -> list[Entry]:
    if pf is None:
        return []
    return [Entry(file_key(p.name), p.name, p.client or NO_CLIENT, profile=p)
            for group in pf.clients().values() for p in group]


def from_demo(targets: Sequence[DemoTarget], client: str) -> list[Entry]:
    return [Entry(f"demo:{t.name}", t.name, client, config=t.config, description=t.description)
            for t in targets]


def matches(entry: Entry, query: str) -> bool:
    """Case-insensitive match of every word of ``query`` in name, client or host."""
    words = query.casefold().split()
    if not words:
        return True
    host = entry.profile.host if entry.profile else entry.config.host if entry.config else ""
    hay = f"{entry.name} {entry.client} {host}".casefold()
    return all(w in hay for w in words)


def grouped(entries: Iterable[Entry], query: str = "") -> dict[str, list[Entry]]:
    """Entries matching ``query`` by client, in first-seen client order."""
    out: dict[str, list[Entry]] = {}
    for entry in entries:
        if matches(entry, query):
            out.setdefault(entry.client, []).append(entry)
    return out
