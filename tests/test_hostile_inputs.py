"""Hostile inputs that must end in a clean "no": profiles paths that are not files or
never end, huge files, password commands that print without end or outlive us."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CANARY, USER


def smtptui(*args: str, env: dict[str, str] | None = None, timeout: float = 30,
            mem_mb: int | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess (optionally with its address space capped)."""
    def cap() -> None:
        if mem_mb is not None:
            resource.setrlimit(resource.RLIMIT_AS, (mem_mb << 20, mem_mb << 20))

    full = {**os.environ, "NO_COLOR": "1", "SMTP_PW": CANARY, **(env or {})}
    if "SMTPTUI_PROFILES" not in (env or {}):
        full.pop("SMTPTUI_PROFILES", None)
    proc = subprocess.run([sys.executable, "-m", "smtptui", *args], env=full,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap)
    assert "Traceback" not in proc.stderr and CANARY not in proc.stdout + proc.stderr
    return proc


def one_line_usage_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    return proc.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_profiles_path_that_never_ends_is_refused(how: str) -> None:
    args, env = (["--profiles", "/dev/zero"], None) if how == "flag" else (
        [], {"SMTPTUI_PROFILES": "/dev/zero"})
    err = one_line_usage_error(smtptui(*args, "profiles", "list", env=env, mem_mb=1024))
    assert "/dev/zero" in err and "not a regular file" in err


def test_profiles_path_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "profiles.toml"
    os.mkfifo(fifo)
    err = one_line_usage_error(smtptui("--profiles", str(fifo), "probe", "A", timeout=20))
    assert "a FIFO" in err


def test_a_profiles_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    from smtptui.profiles.atomic import MAX_FILE_SIZE

    big = tmp_path / "profiles.toml"
    with open(big, "wb") as fh:
        fh.write(b"# padding\n" * (MAX_FILE_SIZE // 10 + 1))
    err = one_line_usage_error(smtptui("--profiles", str(big), "profiles", "list",
                                       mem_mb=1024))
    assert "larger than 16 MiB" in err


def _running(*argv: str) -> list[int]:
    """Process ids whose command line is exactly ``argv``."""
    want = "\0".join(argv).encode() + b"\0"
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if fh.read() == want:
                        found.append(int(pid))
            except OSError:
                continue
    return found


def _until(check: Callable[[], bool], what: str, limit: float = 15.0) -> None:
    """Poll ``check`` (a process list) until it holds; fail after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


async def test_a_password_command_printing_without_end_is_read_only_up_to_the_bound(
        relay: object, cafile: str) -> None:
    """`yes PASSWORD` never stops: its first line is used, the rest is never read, and
    the command is killed; the probe authenticates."""
    port = relay.port  # type: ignore[attr-defined]
    proc = await asyncio.to_thread(
        smtptui, "probe", "--host", "127.0.0.1", "--port", str(port), "--cafile", cafile,
        "--user", USER, "--password-cmd", f"yes {CANARY}",
        "--stop-after", "auth", mem_mb=1024)
    assert proc.returncode == 0, proc.stderr
    assert _running("yes", CANARY) == []


def test_a_password_command_printing_a_gigabyte_without_a_line_end_is_refused() -> None:
    from smtptui.profiles.command import OUTPUT_LIMIT

    proc = smtptui("probe", "--host", "127.0.0.1", "--port", "1", "--user", USER,
                   "--password-cmd", "head -c 1000000000 /dev/zero", mem_mb=1024)
    assert proc.returncode != 0 and proc.stderr.count("\n") == 1, proc.stderr
    assert f"more than {OUTPUT_LIMIT // 1024} KiB without a line end" in proc.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_password_command_dies_with_smtptui_however_it_ends(signum: int) -> None:
    marker = f"300.{signum}{os.getpid()}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "smtptui", "probe", "--host", "127.0.0.1", "--port", "1",
         "--user", USER, "--password-cmd", f"sh -c 'sleep {marker}; echo pw'"],
        env={**os.environ, "NO_COLOR": "1"}, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _until(lambda: bool(_running("sleep", marker)), "the command never started")
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=15)
        assert proc.returncode == 128 + signum, err
        assert "Traceback" not in err
        _until(lambda: not _running("sleep", marker), "the command outlived smtptui", 5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(("command", "reason"), [
    ("echo 'x", "is not a valid command line (No closing quotation)"),
    ("   ", "must not be empty"),
    ("", "must not be empty"),
    ("echo \x1b[31m", "must not contain control characters"),
])
@pytest.mark.parametrize("where", ["probe", "profiles add"])
def test_a_password_command_that_cannot_run_is_a_usage_error(
        command: str, reason: str, where: str, tmp_path: Path) -> None:
    profiles = str(tmp_path / "profiles.toml")
    args = (["probe", "--host", "127.0.0.1", "--port", "1", "--user", USER] if where == "probe"
            else ["profiles", "add", "P", "--host", "127.0.0.1", "--user", USER])
    err = one_line_usage_error(smtptui("--profiles", profiles, *args, "--password-cmd",
                                       command))
    assert f"--password-cmd {reason}" in err
    assert not os.path.exists(profiles)


@pytest.mark.parametrize("where", ["top", "profile"])
def test_a_profiles_file_nested_too_deeply_is_a_usage_error(where: str, tmp_path: Path
                                                              ) -> None:
    path = tmp_path / "profiles.toml"
    deep = "[" * 1000 + "]" * 1000
    path.write_text(f"x = {deep}\n" if where == "top" else
                    f'[[profile]]\nname = "a"\nhost = "h"\nnotes = {deep}\n')
    path.chmod(0o600)
    for args in (["profiles", "list"], ["probe", "a"], ["profiles", "check"]):
        err = one_line_usage_error(smtptui("--profiles", str(path), *args))
        assert str(path) in err and "nested too deeply" in err


async def test_the_dashboard_shows_a_profiles_file_nested_too_deeply_as_an_error(
        tmp_path: Path) -> None:
    from smtptui.app.screens.error import ProfilesErrorScreen
    from tests.app_helpers import app_for

    path = tmp_path / "profiles.toml"
    path.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    app = app_for(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ProfilesErrorScreen)
        text = str(app.screen.query_one("#error-text").render())
        assert "nested too deeply" in text


def test_temporaries_of_a_save_killed_with_sigkill_are_removed_by_the_next(
        tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text('[[profile]]\nname = "a"\nhost = "h"\n')
    writer = subprocess.Popen([sys.executable, "-c", """
import os, sys, time
from pathlib import Path
from smtptui.profiles import Profile, load

def hang(fd):  # the temporary is written; die here, before the rename
    print("ready", flush=True)
    time.sleep(60)

pf = load(Path(sys.argv[1]))
pf.add(Profile(name="b", host="h"))
os.fsync = hang
pf.save()
""", str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
        left = list(tmp_path.glob(".profiles.toml.*.tmp"))
        assert left  # what kill -9 leaves behind
    finally:
        writer.kill()
        writer.wait()
    from smtptui.profiles import Profile, modify

    modify(path, lambda pf: pf.add(Profile(name="c", host="h")))
    assert list(tmp_path.glob(".profiles.toml.*.tmp")) == []
    assert "c" in path.read_text() and "b" not in path.read_text()


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\u2028"])
@pytest.mark.parametrize("field", ["name", "client"])
def test_a_name_with_invisible_or_bidi_characters_is_refused(
        tmp_path: Path, char: str, field: str) -> None:
    path = tmp_path / "profiles.toml"
    name = f"evil{char}gnp.exe"
    table = {"name": "ok", "client": "ok", "host": "h", field: name}
    path.write_text("[[profile]]\n" + "".join(
        f'{k} = "{v.encode("unicode_escape").decode()}"\n'.replace("\\\\u", "\\u")
        for k, v in table.items()), encoding="utf-8")
    err = one_line_usage_error(smtptui("--profiles", str(path), "profiles", "list"))
    assert f"{field} must not contain invisible characters" in err
    assert char not in err  # the error itself shows it escaped
