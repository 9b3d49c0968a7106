"""Run a password command within bounds: time, output, and what it leaves behind.

The command runs without a shell in a process group of its own (so the terminal's
Ctrl-C goes to smtptui alone, and smtptui decides what happens to the command). At most
:data:`OUTPUT_LIMIT` bytes of its output and :data:`ERROR_LIMIT` of its error output are
kept; past the output limit, or past its time, the command is stopped. On every way out
— success, failure, timeout, too much output, Ctrl-C, SIGTERM or SIGHUP to smtptui
(see :func:`stop_all`) — its whole process group is killed, so nothing it started keeps
running.

It is started with ``posix_spawn`` while Ctrl-C, SIGTERM and SIGHUP are held back in
this thread (the command itself starts with none held back): a signal that arrives
during the start is raised only once the command's process id is known, so it cannot
be lost between the fork and the bookkeeping (which ``subprocess.Popen`` allows).
"""

from __future__ import annotations

import os
import selectors
import signal
import time
from dataclasses import dataclass

OUTPUT_LIMIT = 64 * 1024
"""Bytes of a password command's output read at most (only its first line is used)."""
ERROR_LIMIT = 4096
"""Bytes of its error output kept (for the first line of a failure's reason)."""

_RUNNING: set[int] = set()
"""Process (and group) ids of commands running now, for :func:`stop_all`."""
_END_SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name)}


@dataclass(frozen=True)
class Finished:
    """What a command did within its bounds."""

    out: bytes
    err: bytes
    returncode: int | None
    """None when it was stopped: it ran out of time or printed past the limit."""
    timed_out: bool = False
    overflowed: bool = False


def run(argv: list[str], timeout: float) -> Finished:
    """Run ``argv``; raises :class:`OSError` if it cannot start."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _END_SIGNALS)
    pid = 0
    try:
        try:
            pid = os.posix_spawnp(argv[0], argv, dict(os.environ), setpgroup=0,
                                  setsigmask=(), file_actions=[
                                      (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                                      (os.POSIX_SPAWN_DUP2, out_w, 1),
                                      (os.POSIX_SPAWN_DUP2, err_w, 2),
                                      (os.POSIX_SPAWN_CLOSE, out_r),
                                      (os.POSIX_SPAWN_CLOSE, err_r)])
            _RUNNING.add(pid)
        finally:
            os.close(out_w)
            os.close(err_w)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a held signal is raised here
        out, err, timed_out, overflowed = _collect(out_r, err_r, timeout)
        if not (timed_out or overflowed):
            _wait_exit(pid, max(timeout, 0.1))
    finally:
        os.close(out_r)
        os.close(err_r)
        status = _stop(pid) if pid else None  # nothing it started outlives the lookup
    stopped = timed_out or overflowed
    return Finished(out, err, None if stopped else status, timed_out, overflowed)


def _collect(out_fd: int, err_fd: int, timeout: float) -> tuple[bytes, bytes, bool, bool]:
    """Read both pipes until both end, the time is up or the output passes its limit."""
    deadline = time.monotonic() + timeout
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(out_fd, selectors.EVENT_READ, out)
        sel.register(err_fd, selectors.EVENT_READ, err)
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), bytes(err[:ERROR_LIMIT]), True, False
            for key, _events in sel.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fd)
                    continue
                if key.data is err:
                    if len(err) < ERROR_LIMIT:
                        err += chunk  # past the limit, drained and dropped
                    continue
                out += chunk
                if len(out) > OUTPUT_LIMIT:
                    return bytes(out[:OUTPUT_LIMIT]), bytes(err[:ERROR_LIMIT]), False, True
    return bytes(out), bytes(err[:ERROR_LIMIT]), False, False


def _wait_exit(pid: int, timeout: float) -> None:
    """Wait for the command to exit *without reaping it*: while it is a zombie its
    process id (and so its group id) cannot be given to another process."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None:
                return
        except ChildProcessError:
            return
        time.sleep(0.005)


def _stop(pid: int) -> int | None:
    """Kill the command's process group and reap it; its exit status (negative: the
    signal that ended it)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:  # the group is gone already
        pass
    try:
        _pid, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    finally:
        _RUNNING.discard(pid)
    return os.waitstatus_to_exitcode(status)


def stop_all() -> None:
    """Kill every password command still running (smtptui is ending)."""
    for pid in list(_RUNNING):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
