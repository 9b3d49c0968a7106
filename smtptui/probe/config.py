"""What to probe: the target, security mode, credentials and how far to go."""

from __future__ import annotations

from typing import Literal, get_args

from smtptui.records import record

TLSMode = Literal["starttls", "implicit", "none", "opportunistic"]
AuthMech = Literal["auto", "plain", "login", "cram-md5", "xoauth2", "oauthbearer"]
StopAfter = Literal["greeting", "ehlo", "tls", "auth", "mail", "rcpt"]

TLS_MODES: tuple[str, ...] = get_args(TLSMode)
AUTH_MECHS: tuple[str, ...] = get_args(AuthMech)
STOP_AFTER: tuple[str, ...] = get_args(StopAfter)

DEFAULT_TIMEOUT = 30.0
"""Seconds per stage. Real servers tarpit their greeting, so this is not short."""


class Secret:
    """A password or token that never shows itself in repr, str, logs or tracebacks."""

    __slots__ = ("_also", "_value")

    def __init__(self, value: str, also: tuple[str, ...] = ()) -> None:
        self._value = value
        self._also = also
        """Related secrets to keep out of output too (an OAuth refresh token)."""

    def related(self) -> tuple[str, ...]:
        return self._also

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('<redacted>')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


@record
class ProbeConfig:
    """Everything one probe needs. Plain values; secrets wrapped in :class:`Secret`."""

    host: str
    port: int = 587
    tls: TLSMode = "starttls"
    username: str | None = None
    password: Secret | None = None
    auth: AuthMech = "auto"
    oauth_token: Secret | None = None
    allow_plaintext_auth: bool = False
    mail_from: str | None = None
    rcpt_to: tuple[str, ...] = ()
    send: bool = False
    stop_after: StopAfter | None = None
    cafile: str | None = None
    insecure: bool = False
    servername: str | None = None
    ehlo_name: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    total_timeout: float | None = None
    """Whole-probe bound; defaults to 4 stage timeouts."""
    nameserver: str | None = None
    """HOST[:PORT] of a DNS resolver to use for the resolve stage instead of the system's."""
    profile: str | None = None
    subject: str | None = None
    warm_runs: int = 0
    """After the session's own mail, repeat RSET/MAIL/RCPT (never DATA: nothing more is
    delivered) this many times on the same authenticated connection and report each
    timing (cold vs warm comparison)."""
    secret_problem: str | None = None
    """Why the configured password or token could not be read. The probe still tests
    everything up to AUTH, then fails there with this reason instead of authenticating."""

    @property
    def overall_timeout(self) -> float:
        return self.total_timeout if self.total_timeout is not None else self.timeout * 4

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for last-line-of-defence scrubbing of output."""
        return tuple(v for s in (self.password, self.oauth_token) if s
                     for v in (s.reveal(), *s.related()))
