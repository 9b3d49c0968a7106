"""Errors that mean "the user's input was wrong" (exit 2, one line, no traceback)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The headless contract's exit codes."""

    OK = 0
    """Every stage that ran passed (warnings allowed)."""
    FAILED = 1
    """A stage failed: network, TLS, the server or the credentials said no."""
    USAGE = 2
    """The user's input was wrong: unknown profile, bad flag, unreadable or invalid file."""
    INTERRUPT = 130
    """Interrupted by Ctrl-C (128 + SIGINT); SIGTERM and SIGHUP end with 128 + theirs."""


class UsageError(Exception):
    """Bad input from the user. The message is one line, shown as ``smtptui: <message>``."""
