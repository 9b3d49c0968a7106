"""Run a password command within bounds: time, output, and what it leaves behind.

The command runs without a shell in a process group of its own (so the terminal's
Ctrl-C goes to smtptui alone, and smtptui decides what happens to the command). At most
:data:`OUTPUT_LIMIT` bytes of its output and :data:`ERROR_LIMIT` of its error output are
kept; past the output limit, or past its time, the command is stopped. On every way out
— success, failure, timeout, too much output, Ctrl-C, SIGTERM or SIGHUP to smtptui
(see :func:`stop_all`) — its whole process group is killed, so nothing it started keeps
running.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass

OUTPUT_LIMIT = 64 * 1024
"""Bytes of a password command's output read at most (only its first line is used)."""
ERROR_LIMIT = 4096
"""Bytes of its error output kept (for the first line of a failure's reason)."""

_RUNNING: set[subprocess.Popen[bytes]] = set()
"""Commands running now, for :func:`stop_all`."""


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
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, process_group=0)
    _RUNNING.add(proc)
    try:
        out, err, timed_out, overflowed = _collect(proc, timeout)
        if not (timed_out or overflowed):
            _wait_exit(proc, max(timeout, 0.1))
    finally:
        _stop(proc)  # whatever happened, nothing it started outlives the lookup
    stopped = timed_out or overflowed
    return Finished(out, err, None if stopped else proc.returncode, timed_out, overflowed)


def _collect(proc: subprocess.Popen[bytes], timeout: float
             ) -> tuple[bytes, bytes, bool, bool]:
    """Read both pipes until both end, the time is up or the output passes its limit."""
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    out, err = bytearray(), bytearray()
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ, out)
        sel.register(proc.stderr, selectors.EVENT_READ, err)
        while sel.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(out), bytes(err[:ERROR_LIMIT]), True, False
            for key, _events in sel.select(left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    sel.unregister(key.fileobj)
                    continue
                buf: bytearray = key.data
                if buf is err:
                    if len(err) < ERROR_LIMIT:
                        err += chunk  # past the limit, drained and dropped
                    continue
                out += chunk
                if len(out) > OUTPUT_LIMIT:
                    return bytes(out[:OUTPUT_LIMIT]), bytes(err[:ERROR_LIMIT]), False, True
    return bytes(out), bytes(err[:ERROR_LIMIT]), False, False


def _wait_exit(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for the command to exit *without reaping it*: while it is a zombie its
    process id (and so its group id) cannot be given to another process."""
    waitid = getattr(os, "waitid", None)
    deadline = time.monotonic() + timeout
    while waitid is not None and time.monotonic() < deadline:
        try:
            info = waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        except ChildProcessError:
            return
        if info is not None:
            return
        time.sleep(0.005)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill the command's process group, close its pipes and reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:  # the group is gone already
        if proc.returncode is None:
            try:
                proc.kill()
            except OSError:
                pass
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    proc.wait()
    _RUNNING.discard(proc)


def stop_all() -> None:
    """Kill every password command still running (smtptui is ending)."""
    for proc in list(_RUNNING):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
