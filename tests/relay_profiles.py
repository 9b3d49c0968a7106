"""Profiles files naming loopback relays, for the watch and exporter tests.

The password comes from an environment variable (the canary, set by the test), as a
real deployment would keep it out of the file.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import USER

PASSWORD_VAR = "SMTPTUI_TEST_RELAY_PASSWORD"


def write_profiles(path: Path, cafile: str, relays: dict[str, int], *, client: str = "Acme",
                   timeout: float = 5.0, extra: str = "") -> Path:
    """One profile per ``name -> port``, all of ``client``, verifying against ``cafile``."""
    tables = []
    for name, port in relays.items():
        tables.append(
            f'[[profile]]\nname = "{name}"\nclient = "{client}"\nhost = "127.0.0.1"\n'
            f'port = {port}\ntls = "starttls"\nservername = "localhost"\n'
            f'cafile = "{cafile}"\nusername = "{USER}"\n'
            f'password = {{ env = "{PASSWORD_VAR}" }}\ntimeout = {timeout}\n{extra}')
    path.write_text("\n".join(tables), encoding="utf-8")
    return path
