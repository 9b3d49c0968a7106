"""SIGTERM and SIGHUP (a dropped SSH session) end the dashboard the way ``q`` does.

Raising an exception at a random point of Textual's event loop (what the command line
does for the headless commands) can leave a task that never finishes, and the process
then hangs at exit with the demo's folder still on disk. So while the app's loop runs,
an end signal asks the app to exit instead; everything after ``App.run`` (the demo's
``finally``, the exit handlers) runs as on ``q``. Textual has no handling of its own:
https://github.com/Textualize/textual/issues/5140 (open, checked 2026-12-05).

Should the app not be gone :data:`FORCE_AFTER` seconds later, or a second signal
come, the process leaves at once (:func:`smtptui.cli.leave_now`): its exit handlers
still remove the demo's folder.

A terminal that goes away without a SIGHUP reaching smtptui (an SSH session dropped
when smtptui is not in the terminal's foreground process group, a pty closed by its
owner) would leave Textual reading end-of-file forever at 100% of a core
(https://github.com/Textualize/textual/pull/6690, open): :class:`HangupWatch` turns
the terminal's hang-up into the SIGHUP it stands for.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import stat
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

FORCE_AFTER = 10.0
"""Seconds the app has to end after an end signal before the process leaves anyway."""


class EndOnSignal:
    """What an end signal does while the app runs (see :func:`smtptui.cli.gracefully`)."""

    def __init__(self, app: App[int], *, force_after: float = FORCE_AFTER) -> None:
        self.app = app
        self.force_after = force_after
        self.signum: int | None = None
        """The end signal received, if any."""
        self._timer: threading.Timer | None = None

    @property
    def return_code(self) -> int | None:
        """128 + the signal, as a shell reports a process its signal ended."""
        return None if self.signum is None else 128 + self.signum

    def __call__(self, signum: int) -> None:
        from smtptui.cli import Terminated

        if self.signum is not None:  # a second one: no more waiting
            self._leave(128 + signum)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # before the app's loop starts: nothing to unwind but ours
            raise Terminated(signum) from None
        self.signum = signum
        loop.call_soon_threadsafe(self.app.exit, None, 128 + signum)
        self._timer = threading.Timer(self.force_after, self._leave, (128 + signum,))
        self._timer.daemon = True
        self._timer.start()

    def _leave(self, code: int) -> None:
        """Leave now (:func:`smtptui.cli.leave_now`), the terminal's modes put back first
        (echo, line editing: the shell is usable; ``reset`` clears what is painted)."""
        from smtptui.cli import leave_now

        driver = getattr(self.app, "_driver", None)
        modes = getattr(driver, "attrs_before", None)
        if modes is not None:
            import termios

            try:
                termios.tcsetattr(driver.fileno, termios.TCSANOW, modes)  # type: ignore[union-attr]
                out = sys.__stderr__.fileno() if sys.__stderr__ is not None else -1
                if out >= 0 and os.isatty(out):  # where Textual paints
                    _write_now(out, RESTORE)
            except (termios.error, OSError, AttributeError):
                pass  # the terminal is gone
        leave_now(code)

    def cancel(self) -> None:
        """The app has ended: no forced exit."""
        if self._timer is not None:
            self._timer.cancel()


RESTORE = (b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse off
           b"\x1b[?2004l\x1b[<u\x1b[?1004l"  # bracketed paste, Kitty keys, focus events
           b"\x1b[?1049l\x1b[?25h")  # the main screen, the cursor
"""What Textual's driver writes when it stops, written by the backstop before it leaves."""


def _write_now(fd: int, data: bytes) -> None:
    """Write ``data`` to the terminal unless that would block (a terminal not reading
    must not keep the process from leaving)."""
    ready = select.select([], [fd], [], 0)[1]
    if ready:
        os.write(fd, data[:4096])


class HangupWatch:
    """A thread that sends this process SIGHUP when the terminal on ``fd`` hangs up;
    waits in ``poll`` (no CPU) until then or until :meth:`stop`."""

    def __init__(self, fd: int) -> None:
        self._wake_r, self._wake_w = os.pipe()
        self._poll = select.poll()
        self._poll.register(fd, 0)  # only hang-up and errors are reported
        self._poll.register(self._wake_r, select.POLLIN)
        self._thread = threading.Thread(target=self._watch, args=(fd,), daemon=True,
                                        name="smtptui-hangup-watch")
        self._thread.start()

    @classmethod
    def on_terminal(cls) -> HangupWatch | None:
        """Watch standard input if it is a terminal, or one that already hung up
        (``isatty`` is false then: its ioctl fails), where ``poll`` exists (not Windows)."""
        if not hasattr(select, "poll") or not hasattr(signal, "SIGHUP"):
            return None
        try:
            return cls(0) if os.isatty(0) or stat.S_ISCHR(os.fstat(0).st_mode) else None
        except OSError:
            return None

    def _watch(self, fd: int) -> None:
        try:
            events = dict(self._poll.poll())
        except OSError:
            return
        if events.get(fd, 0) & (select.POLLHUP | select.POLLERR) and self._wake_r not in events:
            os.kill(os.getpid(), signal.SIGHUP)

    def stop(self) -> None:
        """Stop watching (the app has ended)."""
        os.write(self._wake_w, b"x")
        self._thread.join()
        os.close(self._wake_r)
        os.close(self._wake_w)
