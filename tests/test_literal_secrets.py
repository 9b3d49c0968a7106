"""A plain-text password in a profiles file others can read is refused by every command
that would read it (exit 2, one line; the dashboard runs nothing), and used when the
file is 0600."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.app_helpers import Relays, app_for, profile, select, until, write_profiles
from tests.conftest import CANARY


def literal_file(path: Path, relays: Relays, cafile: str, mode: int) -> Path:
    write_profiles(path, [
        profile("Literal", relays.healthy.port, cafile, password=CANARY),
        profile("Env", relays.healthy.port, cafile, password={"env": "SMTP_PW"}),
    ])
    path.chmod(mode)
    return path


async def smtptui(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", *args,
        env={**os.environ, "NO_COLOR": "1", "SMTP_PW": CANARY},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert CANARY not in out.decode() + err.decode() and b"Traceback" not in err
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


COMMANDS = {
    "probe": ["probe", "Literal", "--json"],
    "probe --all": ["probe", "--all", "--json"],
    "probe --client": ["probe", "--client", "Acme", "--json"],
    "compare": ["compare", "Literal", "Env", "--json"],
}


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_literal_password_in_a_file_others_can_read_is_refused(
        tmp_path: Path, relays: Relays, cafile: str, command: str) -> None:
    path = literal_file(tmp_path / "profiles.toml", relays, cafile, 0o644)
    code, out, err = await smtptui("--profiles", str(path), *COMMANDS[command])
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1
    assert "readable by others (mode 0644)" in err and f"chmod 600 {path}" in err
    assert relays.healthy.connections == 0  # refused before anything ran


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_literal_password_in_a_private_file_is_used(
        tmp_path: Path, relays: Relays, cafile: str, command: str) -> None:
    path = literal_file(tmp_path / "profiles.toml", relays, cafile, 0o600)
    code, out, err = await smtptui("--profiles", str(path), *COMMANDS[command])
    assert code == 0, err
    assert '"ok": true' in out


async def test_a_flag_that_replaces_the_literal_password_is_not_refused(
        tmp_path: Path, relays: Relays, cafile: str) -> None:
    path = literal_file(tmp_path / "profiles.toml", relays, cafile, 0o644)
    code, _out, err = await smtptui("--profiles", str(path), "probe", "Literal",
                                    "--password-env", "SMTP_PW")
    assert code == 0, err


async def test_the_dashboard_refuses_a_literal_password_others_can_read(
        tmp_path: Path, relays: Relays, cafile: str) -> None:
    path = literal_file(tmp_path / "profiles.toml", relays, cafile, 0o644)
    app = app_for(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Literal")
        await pilot.press("r")
        await until(pilot, lambda: any("refusing to use it" in n.message
                                       for n in app._notifications), "the refusal")
    assert relays.healthy.connections == 0


@pytest.mark.parametrize("command", [["watch", "--all", "--json"],
                                     ["exporter", "--listen", "127.0.0.1:0"]])
async def test_watch_and_the_exporter_refuse_a_readable_literal_before_running(
        tmp_path: Path, relays: Relays, cafile: str, command: list[str]) -> None:
    path = literal_file(tmp_path / "profiles.toml", relays, cafile, 0o644)
    code, out, err = await smtptui("--profiles", str(path), *command)
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and f"chmod 600 {path}" in err
    assert relays.healthy.connections == 0
