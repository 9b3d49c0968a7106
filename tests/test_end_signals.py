"""SIGTERM and SIGHUP end a headless command that waits on the network as Ctrl-C does:
exit 128 + the signal, quietly (no traceback, nothing "ignored"), promptly, and the
history it writes to stays readable. (The dashboard: tests/test_demo_cleanup.py.)"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app_helpers import write_profiles


@pytest.fixture
def silent() -> Iterator[socket.socket]:
    """A loopback listener that takes connections and never says a word (no greeting)."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=8)
    listener.settimeout(20)
    yield listener
    listener.close()


COMMANDS = {
    "probe": ["probe", "Quiet A"],
    "probe --all": ["probe", "--all"],
    "compare": ["compare", "Quiet A", "Quiet B"],
}
CONNECTIONS = {"probe": 1, "probe --all": 2, "compare": 2}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_waiting_on_a_server_ends_quietly_on_a_signal(
        tmp_path: Path, silent: socket.socket, command: str, signum: int) -> None:
    port = silent.getsockname()[1]
    profiles = write_profiles(tmp_path / "profiles.toml", [
        {"name": f"Quiet {x}", "host": "127.0.0.1", "port": port, "tls": "none",
         "timeout": 120} for x in "AB"])
    history = tmp_path / "history.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "smtptui", "--profiles", str(profiles), *COMMANDS[command],
         "--history", str(history)],
        env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    accepted = []
    try:
        for _ in range(CONNECTIONS[command]):  # it is connected, waiting for a greeting
            accepted.append(silent.accept()[0])
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for conn in accepted:
            conn.close()
    assert proc.returncode == 128 + signum, err
    assert err == "", err  # no traceback, nothing "ignored", "never awaited", "destroyed"
    if history.exists():  # whatever it kept is a database that opens
        with sqlite3.connect(history) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_quitting_while_a_password_command_runs_ends_at_once(tmp_path: Path) -> None:
    """q while a profile's password command is still running (its timeout: 120 s): the
    dashboard ends now, and the command with it (asyncio used to wait for its thread)."""
    import pty
    import select
    import time

    marker = f"299.{os.getpid()}"
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[[profile]]\nname = "Slow secret"\nhost = "127.0.0.1"\nport = 1\n'
                        'username = "ops"\npassword = { command = "sh -c \'sleep '
                        f'{marker}; echo pw\'", timeout = 120 }}\n')

    def running() -> bool:
        return subprocess.run(["pgrep", "-f", f"sleep {marker}"],
                              capture_output=True).returncode == 0

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "smtptui", "--profiles", str(profiles),
                             "--no-history"], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True, env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    screen = b""

    def until(what: str, done: object) -> None:
        nonlocal screen
        deadline = time.monotonic() + 30
        while not done():  # type: ignore[operator]
            assert time.monotonic() < deadline and proc.poll() is None, what
            if select.select([master], [], [], 0.05)[0]:
                screen += os.read(master, 65536)

    try:
        until("the dashboard", lambda: b"Slow secret" in screen)
        os.write(master, b"r")
        until("the password command", running)
        os.write(master, b"q")
        deadline = time.monotonic() + 20
        while proc.poll() is None:
            assert time.monotonic() < deadline, "the dashboard waited for the command"
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        assert proc.wait(5) == 0
        assert not running()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        subprocess.run(["pkill", "-f", f"sleep {marker}"], capture_output=True)
