"""Secret sources: each gives a Secret or one clear line, and never leaks the value."""

from __future__ import annotations

import os
import select
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smtptui.probe.config import Secret
from smtptui.profiles import (
    CommandSource,
    EnvSource,
    KeyringSource,
    LiteralSource,
    Profile,
    PromptSource,
    SecretError,
)
from smtptui.profiles.secrets import KEYRING_SERVICE

LABEL = 'profile "Acme": password'


def test_env_present_missing_and_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_TEST_PW", "s3cret")
    assert EnvSource("SMTPTUI_TEST_PW").resolve(LABEL) == Secret("s3cret")
    monkeypatch.delenv("SMTPTUI_TEST_PW")
    with pytest.raises(SecretError) as info:
        EnvSource("SMTPTUI_TEST_PW").resolve(LABEL)
    assert str(info.value) == f"{LABEL}: environment variable SMTPTUI_TEST_PW is not set"
    monkeypatch.setenv("SMTPTUI_TEST_PW", "")
    with pytest.raises(SecretError, match="SMTPTUI_TEST_PW is empty"):
        EnvSource("SMTPTUI_TEST_PW").resolve(LABEL)


def test_command_gives_its_first_line_without_a_shell(tmp_path: Path) -> None:
    script = tmp_path / "pw"
    script.write_text("#!/bin/sh\nprintf 'first line; $HOME * |x\\nsecond\\n'\n")
    script.chmod(0o700)
    # Quoting is honoured, metacharacters are passed literally (no shell to expand them).
    assert CommandSource(f"'{script}'").resolve(LABEL) == Secret("first line; $HOME * |x")
    echo = CommandSource("printf '%s' 'a b;$(id)'").resolve(LABEL)
    assert echo == Secret("a b;$(id)")


def test_failing_command_shows_its_stderr_but_never_its_stdout(tmp_path: Path) -> None:
    script = tmp_path / "helper"
    script.write_text("#!/bin/sh\necho canary-stdout-value\necho\n"
                      "printf 'gpg: decryption failed \\033[31mNo secret key\\n' >&2\nexit 3\n")
    script.chmod(0o700)
    with pytest.raises(SecretError) as info:
        CommandSource(str(script)).resolve(LABEL)
    message = str(info.value)
    assert message == (f"{LABEL}: command {str(script)!r} failed (exit status 3): "
                       "gpg: decryption failed \\x1b[31mNo secret key")
    assert "canary-stdout-value" not in message
    assert "\n" not in message and "\x1b" not in message


def test_command_not_found_and_empty_output() -> None:
    with pytest.raises(SecretError, match="could not start: No such file or directory"):
        CommandSource("/nonexistent/smtptui-pw-helper").resolve(LABEL)
    with pytest.raises(SecretError, match="printed nothing on its first line"):
        CommandSource("true").resolve(LABEL)


def _gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` has exited (or is a zombie), waiting up to ``within`` seconds for it."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], within)  # readable = it has exited
        return bool(readable)
    finally:
        os.close(fd)


def test_hanging_command_is_killed_at_the_timeout(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    command = f"sh -c 'echo $$ > {pids}; sleep 30 & echo $! >> {pids}; wait'"
    started = time.monotonic()
    with pytest.raises(SecretError) as info:
        CommandSource(command, timeout=0.5).resolve(LABEL)
    elapsed = time.monotonic() - started
    assert elapsed < 5
    assert str(info.value).endswith("did not finish within 0.5 s and was killed")
    shell, sleeper = (int(line) for line in pids.read_text().split())
    assert _gone(shell)
    assert _gone(sleeper), "the command's own children are killed too"


def test_plain_sleep_is_killed_at_the_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(SecretError, match="did not finish within 0.5 s"):
        CommandSource("sleep 30", timeout=0.5).resolve(LABEL)
    assert time.monotonic() - started < 5


def test_keyring_package_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "keyring", None)  # `import keyring` now fails
    with pytest.raises(SecretError) as info:
        KeyringSource("acme").resolve(LABEL)
    assert str(info.value).startswith(
        f"{LABEL}: the keyring source needs the optional 'keyring' package")


@pytest.fixture
def keyring_backend() -> Iterator[object]:
    """Restore whatever keyring backend was active after a test switches it."""
    keyring = pytest.importorskip("keyring")
    before = keyring.get_keyring()
    yield keyring
    keyring.set_keyring(before)


def test_keyring_without_a_backend(keyring_backend: object) -> None:
    import keyring
    import keyring.backends.fail

    no_backend: Any = keyring.backends.fail.Keyring
    keyring.set_keyring(no_backend())
    with pytest.raises(SecretError) as info:
        KeyringSource("acme").resolve(LABEL)
    assert str(info.value).startswith(f"{LABEL}: no keyring backend is available")


def test_keyring_with_a_backend(keyring_backend: object) -> None:
    import keyring
    import keyring.backend

    base: Any = keyring.backend.KeyringBackend

    class Memory(base):  # type: ignore[misc]
        priority = 1
        store = {(KEYRING_SERVICE, "acme"): "from-keyring"}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    memory: Any = Memory
    keyring.set_keyring(memory())
    assert KeyringSource("acme").resolve(LABEL) == Secret("from-keyring")
    with pytest.raises(SecretError) as info:
        KeyringSource("other").resolve(LABEL)
    assert str(info.value) == (f"{LABEL}: no keyring entry 'other' for service 'smtptui' "
                               "(add it with: keyring set smtptui other)")


def test_prompt_needs_a_prompt_function() -> None:
    with pytest.raises(SecretError) as info:
        PromptSource().resolve(LABEL)
    assert str(info.value) == (
        f"{LABEL} needs a password prompt; run interactively or use --ask-password")
    questions: list[str] = []

    def ask(question: str) -> str:
        questions.append(question)
        return "typed"

    assert PromptSource().resolve(LABEL, ask) == Secret("typed")
    assert questions == [f"{LABEL}: "]
    with pytest.raises(SecretError, match="nothing was entered"):
        PromptSource().resolve(LABEL, lambda _: "")


def test_descriptions_never_hold_values() -> None:
    assert EnvSource("A").describe() == "env:A"
    assert CommandSource("pass show x").describe() == "command:pass show x"
    assert KeyringSource("k").describe() == "keyring:k"
    assert PromptSource().describe() == "prompt"
    literal = LiteralSource(Secret("canary"))
    assert literal.describe() == "literal"
    assert "canary" not in repr(literal)


def test_to_probe_config_resolves_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_TEST_TOKEN", "tok")
    profile = Profile(
        name="Acme", host="smtp.acme.example", port=465, tls="implicit", username="u",
        password=PromptSource(), auth="xoauth2", oauth_token=EnvSource("SMTPTUI_TEST_TOKEN"),
        allow_plaintext_auth=True, mail_from="f@a.example", rcpt_to=("t@a.example",),
        ehlo="probe.example", timeout=7, cafile="/ca.pem", servername="sni.example",
        insecure=True, send=True, stop_after="rcpt", nameserver="127.0.0.1:5353")
    config = profile.to_probe_config(prompt=lambda q: "pw")
    assert config.password == Secret("pw") and config.oauth_token == Secret("tok")
    assert (config.host, config.port, config.tls, config.username, config.auth) == (
        "smtp.acme.example", 465, "implicit", "u", "xoauth2")
    assert (config.mail_from, config.rcpt_to, config.ehlo_name, config.timeout) == (
        "f@a.example", ("t@a.example",), "probe.example", 7)
    assert (config.cafile, config.servername, config.insecure, config.send) == (
        "/ca.pem", "sni.example", True, True)
    assert (config.stop_after, config.nameserver, config.profile) == (
        "rcpt", "127.0.0.1:5353", "Acme")
    assert config.allow_plaintext_auth


def test_to_probe_config_names_the_profile_and_user_when_a_secret_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTPTUI_TEST_NOPE", raising=False)
    profile = Profile(name="Acme", host="h.example", username="ops@acme.example",
                      password=EnvSource("SMTPTUI_TEST_NOPE"))
    with pytest.raises(SecretError) as info:
        profile.to_probe_config()
    assert str(info.value) == ('profile "Acme": password for ops@acme.example: '
                               "environment variable SMTPTUI_TEST_NOPE is not set")
    assert Profile(name="n", host="h").to_probe_config().password is None


def test_secret_command_inherits_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_TEST_VIA_ENV", "from-parent")
    assert CommandSource("printenv SMTPTUI_TEST_VIA_ENV").resolve(LABEL) == Secret(
        "from-parent")
    assert os.environ["SMTPTUI_TEST_VIA_ENV"] == "from-parent"


def test_an_unreadable_secret_can_leave_the_probe_to_stop_at_auth(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTPTUI_TEST_PW", raising=False)
    profile = Profile(name="Acme", host="smtp.example.net", username="u@example.net",
                      password=EnvSource("SMTPTUI_TEST_PW"))
    with pytest.raises(SecretError, match="SMTPTUI_TEST_PW is not set"):
        profile.to_probe_config()
    problems: list[SecretError] = []
    config = profile.to_probe_config(problems=problems)
    assert config.password is None and config.username == "u@example.net"
    assert config.secret_problem == str(problems[0]) == (
        'profile "Acme": password for u@example.net: environment variable SMTPTUI_TEST_PW '
        "is not set")
    monkeypatch.setenv("SMTPTUI_TEST_PW", "s3cret")
    readable = profile.to_probe_config(problems=problems)
    assert readable.password == Secret("s3cret") and readable.secret_problem is None


def test_a_failed_commands_output_is_shown_but_kept_out_of_the_probe(tmp_path: Path) -> None:
    script = tmp_path / "pw"
    script.write_text("#!/bin/sh\necho 'vault locked; last value was hunter2-leak' >&2\nexit 3\n")
    script.chmod(0o700)
    profile = Profile(name="Acme", host="smtp.example.net", username="u",
                      password=CommandSource(str(script)))
    problems: list[SecretError] = []
    config = profile.to_probe_config(problems=problems)
    assert "vault locked" in str(problems[0])  # for the person at the screen
    assert config.secret_problem is not None and "failed (exit status 3)" in config.secret_problem
    assert "hunter2" not in config.secret_problem  # reports keep the brief form


def test_a_secret_that_is_not_utf8_is_refused_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_TEST_PW", "S3cret\udcffTail")  # how bytes 0xff arrive
    with pytest.raises(SecretError) as info:
        EnvSource("SMTPTUI_TEST_PW").resolve(LABEL)
    assert str(info.value) == f"{LABEL}: environment variable SMTPTUI_TEST_PW is not valid UTF-8"
