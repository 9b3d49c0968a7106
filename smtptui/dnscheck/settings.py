"""Settings of the DNS checks that both front ends read (a tiny module: no dnspython)."""

from __future__ import annotations

import os

NAMESERVER_ENV = "SMTPTUI_NAMESERVER"
"""Resolver (IP[:port]) for DNS checks and discovery when none is given."""


def env_nameserver() -> str | None:
    """``$SMTPTUI_NAMESERVER`` when set and not empty, else None (the system's resolver)."""
    return os.environ.get(NAMESERVER_ENV) or None
