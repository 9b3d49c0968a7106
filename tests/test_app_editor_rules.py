"""The editor saves nothing that `profiles check` (and so `smtptui probe`) refuses: both
apply the same rules to fields that contradict each other, each in its own words."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Select, Static

from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.editor_form import build, values_of
from smtptui.cli import main
from smtptui.errors import ExitCode
from smtptui.profiles.model import Profile
from smtptui.profiles.secrets import EnvSource, OAuthSource, PromptSource
from tests.app_helpers import app_for, until, write_profiles
from tests.test_app_editor import on_disk, problem, set_input

BASE: dict[str, Any] = {"name": "P", "host": "127.0.0.1"}
# (XOAUTH2 with a password is not among them: the form has one secret, which is the token
# under XOAUTH2 and OAUTHBEARER, so such a profile opens in the editor as a valid one.)
CASES: dict[str, dict[str, Any]] = {
    "plain": {},
    "a username and its password": {"username": "u", "password": EnvSource("PW")},
    "a username, asked for at each run": {"username": "u", "password": PromptSource()},
    "a username with no password": {"username": "u"},
    "a username with no password, stopping before AUTH": {"username": "u",
                                                          "stop_after": "tls"},
    "a password with no username": {"password": EnvSource("PW")},
    "AUTH PLAIN with no username": {"auth": "plain"},
    "AUTH PLAIN with only a sign-in": {"username": "u", "auth": "plain",
                                       "password": OAuthSource("m365")},
    "To without From": {"rcpt_to": ("a@acme.test",)},
    "send, stopping early": {"send": True, "mail_from": "a@acme.test",
                             "rcpt_to": ("b@acme.test",), "stop_after": "ehlo"},
    "stop after MAIL without From": {"stop_after": "mail"},
    "stop after RCPT without To": {"stop_after": "rcpt", "mail_from": "a@acme.test"},
    "no TLS, with a CA file": {"tls": "none", "cafile": "/etc/ssl/certs/ca.pem"},
    "no TLS, stopping after TLS": {"tls": "none", "stop_after": "tls"},
    "insecure with a CA file": {"insecure": True, "cafile": "/etc/ssl/certs/ca.pem"},
    "AUTH without TLS allowed, with STARTTLS": {"allow_plaintext_auth": True},
}


def check(path: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["--profiles", str(path), "profiles", "check"])


@pytest.mark.parametrize("case", CASES)
def test_the_editor_refuses_exactly_what_profiles_check_refuses(tmp_path: Path,
                                                                case: str) -> None:
    """The same profile in a file (`profiles check`: 2 when fields contradict each other)
    and in the editor's form (its problems)."""
    profile = Profile(**{**BASE, **CASES[case]})
    path = write_profiles(tmp_path / "profiles.toml", [profile.to_toml_dict()])
    refused_by_check = check(path) == ExitCode.USAGE
    saved, problems = build(values_of(profile), None, set())
    assert (saved is None) == refused_by_check, problems
    assert bool(problems) == refused_by_check


async def open_form(pilot: Any, app: Any, key: str, name: str | None = None) -> None:
    """Press ``key`` (n, e) and wait for every row of the editor; with ``name``, fill the
    name and the host (127.0.0.1)."""
    await until(pilot, lambda: app.main.entries or key == "n", "the profiles")
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
    await until(pilot, lambda: app.screen.query("#secret_kind"), "the rows below Port")
    if name is not None:
        await set_input(pilot, app, "name", name)
        await set_input(pilot, app, "host", "127.0.0.1")


def secret_kind(app: Any) -> str:
    return str(app.screen.query_one("#secret_kind", Select).value)


async def test_a_username_gets_a_password_source_or_is_not_saved(tmp_path: Path) -> None:
    """n, a name, a host, a username: Password from becomes "ask when run" (and back to
    none if the username is cleared). Picking none with a username: ctrl+s saves nothing
    and the line under Password from says what to do. Picking prompt saves a profile
    that `profiles check` accepts."""
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_form(pilot, app, "n", "Acme")
        assert secret_kind(app) == "none"
        await set_input(pilot, app, "username", "ops@acme.test")
        await until(pilot, lambda: secret_kind(app) == "prompt", "asked when run")
        await set_input(pilot, app, "username", "")
        await until(pilot, lambda: secret_kind(app) == "none", "no secret again")
        await set_input(pilot, app, "username", "ops@acme.test")
        await until(pilot, lambda: secret_kind(app) == "prompt", "asked when run again")
        app.screen.query_one("#secret_kind", Select).value = "none"  # the user's pick
        await pilot.pause()
        await set_input(pilot, app, "username", "ops@acme.test.example")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Username needs a password" in problem(app, "secret_kind"),
                    "the problem under Password from")
        assert secret_kind(app) == "none"  # a pick is not overridden
        assert isinstance(app.screen, ProfileEditor) and not path.exists()
        assert "Password from" in problem(app, "secret_kind")
        app.screen.query_one("#secret_kind", Select).value = "prompt"
        await until(pilot, lambda: problem(app, "secret_kind") == "", "the problem gone")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    assert on_disk(path)["Acme"]["password"] == {"prompt": True}
    assert check(path) == ExitCode.OK


async def test_a_preset_that_fills_the_username_gets_a_password_source(tmp_path: Path) -> None:
    """SendGrid's preset fills the username "apikey": Password from becomes "ask when
    run" too, so the profile saves and `profiles check` accepts it."""
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_form(pilot, app, "n")
        app.screen.query_one("#preset", Select).value = "sendgrid"
        await until(pilot, lambda: secret_kind(app) == "prompt", "asked when run")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the save")
    (saved,) = on_disk(path).values()
    assert saved["username"] == "apikey" and saved["password"] == {"prompt": True}
    assert check(path) == ExitCode.OK


async def test_opening_a_profile_changes_nothing(tmp_path: Path) -> None:
    """A valid profile with a username and no secret (it stops before AUTH), opened with
    e and left with Esc: Password from stays none, nothing is asked, nothing written."""
    path = write_profiles(tmp_path / "profiles.toml", [
        {"name": "Greeting only", "host": "127.0.0.1", "username": "ops",
         "stop_after": "tls"}])
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_form(pilot, app, "e")
        await pilot.pause()
        assert secret_kind(app) == "none"
        await pilot.press("escape")  # no changes: closes without asking
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "closed")
    assert path.read_bytes() == before and check(path) == ExitCode.OK


async def test_a_key_burst_in_the_username_still_gets_a_password_source(
        tmp_path: Path) -> None:
    """u and Backspace in one burst (as a laggy link delivers them), then a username:
    the switches the form made are not taken for the user's pick."""
    path = tmp_path / "profiles.toml"
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_form(pilot, app, "n", "Acme")
        app.screen.query_one("#username", Input).focus()
        for key in ("u", "backspace", "o", "backspace"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await until(pilot, lambda: secret_kind(app) == "none", "back to none")
        await pilot.press(*"ops")
        await until(pilot, lambda: secret_kind(app) == "prompt", "asked when run")


async def test_what_the_files_defaults_fill_in_is_checked_too(tmp_path: Path) -> None:
    """[defaults] servername = …, then a new profile with Security none: the form alone
    is fine, but read back with the defaults `profiles check` would refuse it, so the
    editor saves nothing and says why."""
    path = tmp_path / "profiles.toml"
    path.write_text('[defaults]\nservername = "relay.acme.test"\n\n'
                    '[[profile]]\nname = "Existing"\nhost = "127.0.0.1"\n')
    before = path.read_bytes()
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_form(pilot, app, "n", "Plain")
        app.screen.query_one("#tls", Select).value = "none"
        await pilot.pause()
        await pilot.press("ctrl+s")
        status = app.screen.query_one("#editor-status", Static)
        await until(pilot, lambda: "[defaults]" in str(status.render()), "the refusal")
        assert "TLS name only applies with TLS" in str(status.render())
        assert isinstance(app.screen, ProfileEditor)
    assert path.read_bytes() == before and check(path) == ExitCode.OK
