"""Errors that mean "the user's input was wrong" (exit 2, one line, no traceback)."""

from __future__ import annotations

from typing import Final


class ExitCode:
    """The headless contract's exit codes (plain ``int`` constants: an ``IntEnum`` costs
    0.3 ms to define on every start, and nothing needs more than the numbers)."""

    OK: Final = 0
    """Every stage that ran passed (warnings allowed)."""
    FAILED: Final = 1
    """A stage failed: network, TLS, the server or the credentials said no."""
    USAGE: Final = 2
    """The user's input was wrong: unknown profile, bad flag, unreadable or invalid file."""
    INTERRUPT: Final = 130
    """Interrupted by Ctrl-C (128 + SIGINT); SIGTERM and SIGHUP end with 128 + theirs."""


class UsageError(Exception):
    """Bad input from the user. The message is one line, shown as ``smtptui: <message>``."""
