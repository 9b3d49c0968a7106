"""Fixtures for the dashboard's Pilot tests (a pytest plugin: ``pytest_plugins``).

Real relays on loopback (from ``tests.conftest``) and a profiles file pointing at them.
"""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from tests.app_helpers import PASSWORD_ENV, Relays, profile, write_profiles
from tests.conftest import CANARY, USER, RelayFactory


@pytest.fixture
async def relays(relay_factory: RelayFactory, server_ctx: ssl.SSLContext) -> Relays:
    healthy = await relay_factory(starttls=server_ctx, banner="ESMTP healthy test relay")
    strict = await relay_factory(starttls=server_ctx, users={USER: "something else"})
    return Relays(healthy, strict)


@pytest.fixture
def acme_file(tmp_path: Path, relays: Relays, cafile: str,
              monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two Acme profiles (healthy, wrong password) and one of another client."""
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    return write_profiles(tmp_path / "profiles.toml", [
        profile("Acme relay", relays.healthy.port, cafile),
        profile("Acme strict", relays.strict.port, cafile),
        profile("Other relay", relays.healthy.port, cafile, client="Globex"),
    ])


