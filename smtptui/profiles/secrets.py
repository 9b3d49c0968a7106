"""Where a password or token comes from: env, command, keyring, prompt, or (discouraged) literal.

A source describes itself without its value (``env:ACME_PW``) and resolves to a
:class:`~smtptui.probe.config.Secret` only when a probe needs it. Failures raise
:class:`SecretError` with one line that never contains the secret.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smtptui.probe.config import Secret

if TYPE_CHECKING:
    from smtptui.oauth.account import Account
from smtptui.probe.sanitize import clean
from smtptui.profiles.errors import SecretError, TokenUnavailable
from smtptui.records import field, record

Prompt = Callable[[str], str]
"""Asks the user for a secret; receives the question, returns the answer."""

COMMAND_TIMEOUT = 10.0
"""Seconds a password command may run before it is killed."""

KEYRING_SERVICE = "smtptui"
SOURCE_KEYS: tuple[str, ...] = ("env", "command", "keyring", "prompt", "oauth")


@record
class EnvSource:
    """``{ env = "VAR" }``: the value of an environment variable."""

    var: str

    def describe(self) -> str:
        return f"env:{self.var}"

    def to_toml(self) -> dict[str, Any]:
        return {"env": self.var}

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        value = os.environ.get(self.var)
        if value is None:
            raise SecretError(f"{label}: environment variable {self.var} is not set")
        if not value:
            raise SecretError(f"{label}: environment variable {self.var} is empty")
        return _utf8(value, f"{label}: environment variable {self.var}")


@record
class CommandSource:
    """``{ command = "pass show x" }``: the first line a command prints (run without a
    shell, within bounds: :mod:`smtptui.profiles.command`)."""

    command: str
    timeout: float = COMMAND_TIMEOUT

    def describe(self) -> str:
        return f"command:{self.command}"

    def to_toml(self) -> dict[str, Any]:
        table: dict[str, Any] = {"command": self.command}
        if self.timeout != COMMAND_TIMEOUT:
            table["timeout"] = self.timeout
        return table

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        import shlex

        from smtptui.profiles import command  # here: a probe without a command never pays

        shown = clean(self.command, 200)
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise SecretError(f"{label}: command {shown!r} is not a valid command line "
                              f"({exc})") from None
        if not argv:
            raise SecretError(f"{label}: the command is empty")
        try:
            done = command.run(argv, self.timeout)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SecretError(f"{label}: command {shown!r} could not start: {reason}") from None
        if done.timed_out:
            raise SecretError(
                f"{label}: command {shown!r} did not finish within {self.timeout:g} s "
                "and was killed"
            )
        first, newline, _rest = done.out.partition(b"\n")
        if done.overflowed and not newline:
            raise SecretError(
                f"{label}: command {shown!r} printed more than "
                f"{command.OUTPUT_LIMIT // 1024} KiB without a line end and was killed")
        if done.returncode is not None and done.returncode != 0:
            detail = _first_line(done.err)
            reason = f"exit status {done.returncode}" if done.returncode > 0 else (
                f"killed by signal {-done.returncode}")
            brief = f"{label}: command {shown!r} failed ({reason})"
            raise SecretError(brief + (f": {detail}" if detail else ""), brief)
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError:
            raise SecretError(
                f"{label}: command {shown!r} printed bytes that are not UTF-8") from None
        value = text.splitlines()[0] if text else ""
        if not value:
            raise SecretError(f"{label}: command {shown!r} printed nothing on its first line")
        return Secret(value)


@record
class KeyringSource:
    """``{ keyring = "name" }``: service ``smtptui``, username *name*, from the OS keyring."""

    name: str

    def describe(self) -> str:
        return f"keyring:{self.name}"

    def to_toml(self) -> dict[str, Any]:
        return {"keyring": self.name}

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        try:
            import keyring
            import keyring.errors
        except ImportError:
            raise SecretError(
                f"{label}: the keyring source needs the optional 'keyring' package "
                "(pip install 'smtptui[keyring]'); "
                "or use { env = \"VAR\" } or { command = \"...\" }"
            ) from None
        shown = clean(self.name, 200)
        try:
            value = keyring.get_password(KEYRING_SERVICE, self.name)
        except keyring.errors.NoKeyringError:
            raise SecretError(
                f"{label}: no keyring backend is available (typical over SSH or in cron); "
                "use { env = \"VAR\" } or { command = \"...\" } instead"
            ) from None
        except Exception as exc:  # backends raise their own types (D-Bus, locked keychain ...)
            detail = _first_line(str(exc).encode("utf-8", "replace"))
            raise SecretError(
                f"{label}: keyring lookup of {shown!r} failed ({type(exc).__name__})"
                + (f": {detail}" if detail else "")
            ) from None
        if not value:
            import shlex

            raise SecretError(
                f"{label}: no keyring entry {shown!r} for service {KEYRING_SERVICE!r} "
                f"(add it with: keyring set {KEYRING_SERVICE} {shlex.quote(self.name)})"
            )
        return Secret(value)


@record
class PromptSource:
    """``{ prompt = true }``: asked interactively each time."""

    def describe(self) -> str:
        return "prompt"

    def to_toml(self) -> dict[str, Any]:
        return {"prompt": True}

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        if prompt is None:
            raise SecretError(
                f"{label} needs a password prompt; run interactively or use --ask-password"
            )
        value = prompt(f"{label}: ")
        if not value:
            raise SecretError(f"{label}: nothing was entered")
        return _utf8(value, f"{label}: the text entered")


@record
class LiteralSource:
    """``password = "..."``: stored in plain text in the file. Used only while the file
    is private (see :func:`smtptui.profiles.store.check_literal_secrets`)."""

    value: Secret

    def describe(self) -> str:
        return "literal"

    def to_toml(self) -> str:
        return self.value.reveal()

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        return self.value


@record
class OAuthSource:
    """``{ oauth = "NAME" }``: a fresh access token of the ``[oauth.NAME]`` sign-in,
    refreshed before AUTH when it is about to expire (see :mod:`smtptui.oauth`)."""

    name: str
    account: Account | None = field(default=None, compare=False, repr=False)
    """The ``[oauth.NAME]`` table, bound when the profiles file is read."""

    def describe(self) -> str:
        return f"oauth:{self.name}"

    def to_toml(self) -> dict[str, Any]:
        return {"oauth": self.name}

    def resolve(self, label: str, prompt: Prompt | None = None) -> Secret:
        if self.account is None:
            raise SecretError(f"{label}: there is no [oauth.{self.name}] sign-in in the "
                              "profiles file")
        from smtptui.oauth.errors import OAuthError
        from smtptui.oauth.source import current_tokens
        from smtptui.oauth.store import StoreError

        try:
            tokens = current_tokens(self.account)
        except (OAuthError, StoreError) as exc:
            raise TokenUnavailable(f"{label}: {exc}", str(exc)) from None
        return Secret(tokens.access_token, also=(*tokens.secrets, *self.account.secrets))


SecretSource = (EnvSource | CommandSource | KeyringSource | PromptSource | LiteralSource
                | OAuthSource)


def _utf8(value: str, what: str) -> Secret:
    """A secret that can go on the wire (bytes that are not UTF-8 reach Python as
    surrogates: refuse them here, with one line, rather than fail mid-AUTH)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SecretError(f"{what} is not valid UTF-8") from None
    return Secret(value)


def _first_line(data: bytes) -> str:
    """The first non-blank line of a command's stderr, made safe to show."""
    text = data.decode("utf-8", "backslashreplace")
    for line in text.splitlines():
        if line.strip():
            return clean(line.strip(), 200)
    return ""
