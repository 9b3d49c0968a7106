"""The demo leaves nothing behind however it ends: no private key is ever left on disk,
its folders go on quit, SIGHUP (a dropped SSH session) and SIGTERM, and a folder left
by a process killed outright is removed by the next demo. What is added in the demo goes
to its own temporary profiles file, never to the user's."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from smtptui.demo.certs import PREFIX, make_pki, remove_stale


def test_no_private_key_is_left_on_disk(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [pki.ca_file.name]
    assert b"PRIVATE KEY" not in pki.ca_file.read_bytes()


def _drain(fd: int, until: float) -> bytes:
    """Read what the app painted (a full pty would block it) until ``until``."""
    out = b""
    while time.monotonic() < until:
        ready, _w, _x = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        else:
            return out
    return out


@contextmanager
def _demo_in_a_pty(tmp_path: Path, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`smtptui demo` on a terminal of 80x24 (its temporary folders in ``tmp_path``):
    the process and the terminal's side to read and type on; killed if still running."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "smtptui", "demo"], stdin=slave,
                            stdout=slave, stderr=slave, start_new_session=True,
                            env={**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color",
                                 "COLUMNS": "80", "LINES": "24", **env})
    os.close(slave)
    try:
        yield proc, master
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def _wait_end(proc: subprocess.Popen[bytes], master: int) -> bytes:
    """Wait (reading what it paints) for the demo to end; fail after 20 s. What it
    painted meanwhile."""
    deadline = time.monotonic() + 20
    painted = b""
    while proc.poll() is None:
        assert time.monotonic() < deadline, "the demo did not end"
        painted += _drain(master, time.monotonic() + 0.05)
    return painted + _drain(master, time.monotonic() + 0.2)


def _started(tmp_path: Path, proc: subprocess.Popen[bytes], master: int,
             painted: Callable[[bytes], bool], *, ca: bool = True) -> None:
    """Wait (reading what it paints) until ``painted`` is true of the screen so far and,
    with ``ca``, the demo's folder holds its CA certificate (and no key)."""
    deadline = time.monotonic() + 30
    screen = b""
    while not ((not ca or list(tmp_path.glob(f"{PREFIX}*/demo-ca.pem"))) and painted(screen)):
        assert time.monotonic() < deadline and proc.poll() is None, "no demo started"
        screen += _drain(master, time.monotonic() + 0.05)
    if ca:
        folder = next(tmp_path.glob(f"{PREFIX}*/demo-ca.pem")).parent
        assert [p.name for p in folder.iterdir()] == ["demo-ca.pem"]  # no key on disk


MOMENTS = {"while it starts": lambda _screen: True,
           "as it paints": lambda screen: b"\x1b[?1049h" in screen,  # the alternate screen
           "once on screen": lambda screen: b"healthy relay" in screen}


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_the_demo_folder_goes_when_the_terminal_session_ends(tmp_path: Path, signum: int,
                                                              moment: str) -> None:
    """SIGHUP or SIGTERM, as soon as the demo has its folder or once it is on screen:
    it ends as on q (exit 128 + the signal), quietly, and its folders are gone. (A signal
    raised inside Textual's loop as it started once left a task that never ended: a hang;
    asking the app to exit as its screen mounted printed a NoMatches traceback.)"""
    with _demo_in_a_pty(tmp_path, SMTPTUI_PROFILES=str(tmp_path / "p.toml")) as (proc, master):
        _started(tmp_path, proc, master, MOMENTS[moment], ca=moment != "as it paints")
        proc.send_signal(signum)
        painted = _wait_end(proc, master)
        assert proc.returncode == 128 + signum
        assert b"Traceback" not in painted and b"NoMatches" not in painted
        assert list(tmp_path.glob(f"{PREFIX}*")) == []  # its profiles folder too


@pytest.mark.parametrize("when", ["at once", "once on screen"])
def test_the_demo_ends_when_its_terminal_goes_away(tmp_path: Path, when: str) -> None:
    """The terminal hangs up with no SIGHUP sent to smtptui (its pty closed), even before
    the app looked at it: the app does not read end-of-file forever at 100% CPU; it
    ends as on SIGHUP, folder gone."""
    with _demo_in_a_pty(tmp_path, SMTPTUI_PROFILES=str(tmp_path / "p.toml")) as (proc, master):
        if when != "at once":
            _started(tmp_path, proc, master, MOMENTS[when])
        # the terminal's side closes (the context closes ``master``, now /dev/null)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, master)
        os.close(null)
        assert proc.wait(20) == 128 + signal.SIGHUP
        assert list(tmp_path.glob(f"{PREFIX}*")) == []


def test_a_profile_added_in_the_demo_never_reaches_the_users_file(tmp_path: Path) -> None:
    """`smtptui demo`, n, a name and a host, ctrl+s, q: the profile was saved in the
    demo's own file while it ran; the user's file ($SMTPTUI_PROFILES, and the config dir
    under $XDG_CONFIG_HOME) is as it was, and the demo's file is gone."""
    users = tmp_path / "mine.toml"
    users.write_text('[[profile]]\nname = "Mine"\nhost = "smtp.mine.example"\n')
    before = users.read_bytes()
    painted = b""

    def until(what: str, done: Callable[[bytes], bool], seconds: float = 30) -> None:
        nonlocal painted
        deadline = time.monotonic() + seconds
        while not done(painted):
            assert time.monotonic() < deadline and proc.poll() is None, what
            painted += _drain(master, time.monotonic() + 0.05)

    def saved(_: bytes) -> bool:
        return any("Sandbox" in p.read_text() for p in tmp_path.glob(f"{PREFIX}*/*.toml"))

    with _demo_in_a_pty(tmp_path, HOME=str(tmp_path / "home"), SMTPTUI_PROFILES=str(users),
                        XDG_CONFIG_HOME=str(tmp_path / "config")) as (proc, master):
        until("the demo did not start", lambda screen: b"healthy relay" in screen
              and bool(list(tmp_path.glob(f"{PREFIX}*/demo-ca.pem"))))
        os.write(master, b"n")
        until("no editor", lambda screen: b"New profile" in screen)
        # Tab past discovery (address, button) and the preset to the name, then the host;
        # a key at a time once the screen is still (a loaded machine paints late)
        for keys in (b"\t", b"\t", b"\t", b"Sandbox", b"\t", b"\t", b"smtp.sandbox.example",
                     b"\x13"):
            while _drain(master, time.monotonic() + 0.3):
                pass
            os.write(master, keys)
        until("not saved in the demo's file", saved)
        os.write(master, b"q")
        _wait_end(proc, master)
        assert proc.returncode == 0
        assert users.read_bytes() == before
        assert not (tmp_path / "config").exists() and not (tmp_path / "home").exists()
        assert list(tmp_path.glob(f"{PREFIX}*")) == []


def test_a_folder_left_by_a_killed_demo_is_removed_by_the_next(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its process id now belongs to no one
    stale = tmp_path / f"{PREFIX}{dead.pid}-abc"
    stale.mkdir()
    (stale / "demo-ca.pem").write_text("x")
    alive = tmp_path / f"{PREFIX}{os.getpid()}-def"
    alive.mkdir()
    assert remove_stale(tmp_path) == [stale]
    assert not stale.exists() and alive.exists()


STUCK_APP = """
import atexit, sys
from pathlib import Path
from textual.app import App
from smtptui.app.end_signal import EndOnSignal
from smtptui.cli import _on_end_signals, gracefully

marks = Path(sys.argv[1])

class Stuck(App[int]):
    def on_mount(self) -> None:
        (marks / "running").touch()

    def exit(self, *args, **kwargs) -> None:  # asked to, but never ends
        (marks / "asked").touch()

atexit.register((marks / "exit handlers ran").touch)
_on_end_signals()
app = Stuck()
with gracefully(EndOnSignal(app, force_after=float(sys.argv[2]))):
    app.run()
"""


@pytest.mark.parametrize("how", ["after the deadline", "on a second signal"])
def test_an_app_that_does_not_end_on_a_signal_is_ended_anyway(tmp_path: Path, how: str) -> None:
    """The backstop: the app is asked to exit and does not; the process leaves after
    the deadline, or at once on a second signal, exit handlers run (the demo's folder),
    and the terminal's modes are put back (echo, line editing)."""
    master, slave = pty.openpty()
    modes = termios.tcgetattr(slave)
    force_after = "0.5" if how == "after the deadline" else "600"
    proc = subprocess.Popen([sys.executable, "-c", STUCK_APP, str(tmp_path), force_after],
                            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            env={**os.environ, "TERM": "xterm-256color"})
    try:
        deadline = time.monotonic() + 30
        for mark in ("running", "asked"):
            # running: mounted, and the terminal raw (as the app runs); asked: to exit
            while not ((tmp_path / mark).exists()
                       and (mark == "asked" or termios.tcgetattr(slave) != modes)):
                assert time.monotonic() < deadline and proc.poll() is None, f"not {mark}"
                _drain(master, time.monotonic() + 0.05)
            if mark == "running":
                proc.send_signal(signal.SIGTERM)
        if how == "on a second signal":
            proc.send_signal(signal.SIGTERM)
        painted = _wait_end(proc, master)
        assert proc.returncode == 128 + signal.SIGTERM
        assert (tmp_path / "exit handlers ran").exists()
        assert termios.tcgetattr(slave) == modes
        assert b"\x1b[?1049l" in painted and b"\x1b[?1000l" in painted  # main screen, no mouse
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)
