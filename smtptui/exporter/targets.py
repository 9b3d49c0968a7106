"""The profiles the exporter may probe, re-read when the profiles file changes.

Secrets are resolved once per load, without prompting (a daemon has no terminal): a
secret that cannot be had leaves the probe to fail, diagnosed, at AUTH.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from smtptui.probe.config import ProbeConfig


@dataclass(frozen=True)
class Loaded:
    configs: dict[str, ProbeConfig] = field(default_factory=dict)
    clients: dict[str, list[str]] = field(default_factory=dict)
    """Client -> its profiles."""
    client_of: dict[str, str] = field(default_factory=dict)
    """Profile -> its client."""
    stamp: tuple[int, int] = (0, 0)


def _stamp(path: Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def load_targets(path: Path) -> Loaded:
    """Blocking (secret commands may run): call it in a thread. Raises ProfilesError."""
    from smtptui.profiles import load
    from smtptui.profiles.store import check_literal_secrets

    stamp = _stamp(path)
    pf = load(path)
    check_literal_secrets(pf, pf.profiles)  # a readable file's literal: refused, not served
    configs: dict[str, ProbeConfig] = {}
    clients: dict[str, list[str]] = {}
    for profile in pf.profiles:
        configs[profile.name] = profile.to_probe_config(problems=[])
        if profile.client:
            clients.setdefault(profile.client, []).append(profile.name)
    return Loaded(configs, clients, {p.name: p.client for p in pf.profiles}, stamp)


class Targets:
    """The current set; :meth:`refresh` re-reads the file when its mtime or size moved.
    A file that became invalid keeps the last good set (and says so on stderr)."""

    def __init__(self, path: Path, loaded: Loaded) -> None:
        self.path = path
        self.current = loaded
        self.reload_errors = 0

    def refresh(self) -> bool:
        """Blocking. True when a new set was loaded."""
        from smtptui.profiles import ProfilesError

        try:
            if _stamp(self.path) == self.current.stamp:
                return False
            self.current = load_targets(self.path)
        except (OSError, ProfilesError) as exc:
            self.reload_errors += 1
            print(f"smtptui exporter: keeping the last good profiles: {exc}", file=sys.stderr)
            return False
        return True
