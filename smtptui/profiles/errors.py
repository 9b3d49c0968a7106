"""Errors of the profiles store: bad files and secrets that cannot be had (both exit 2)."""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.errors import UsageError


class ProfilesError(UsageError):
    """A profiles file could not be read, is invalid, or could not be written.

    ``str(exc)`` is one line; :attr:`problems` lists every problem found, one per item.
    """

    def __init__(self, message: str, problems: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = list(problems) if problems else [message]


class SecretError(UsageError):
    """A password or token source could not give its secret (the message never holds it).

    ``str(exc)`` may quote what a failed password command printed on stderr, for the
    person at the screen; :attr:`brief` leaves that out and is what reports keep.
    """

    def __init__(self, message: str, brief: str | None = None) -> None:
        super().__init__(message)
        self.brief = brief or message


class TokenUnavailable(SecretError):
    """An OAuth sign-in has no usable access token (not signed in, refresh refused).
    Unlike other secret problems, a probe still tests everything up to AUTH."""
