"""Pilot tests: the editor's "Sign in…" for OAuth profiles, and the notice before a probe
whose token cannot be had."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Static

from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.sign_in import SignInScreen
from smtptui.demo.relay import Relay
from smtptui.oauth.store import TokenStore
from tests.app_helpers import app_for, run_selected, select, until
from tests.conftest import USER
from tests.oauth_fixtures import write_profiles
from tests.oauth_server import AuthServer


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_sign_in_from_the_editor_then_probe(
        auth_server: AuthServer, store: TokenStore, oauth_relay: Relay, profiles_path: Path,
        cafile: str) -> None:
    auth_server.pending_polls = 3
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    app = app_for(profiles_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await select(pilot, app, "M365 relay")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await pilot.pause()
        button = app.screen.query_one("#sign-in", Button)
        assert button.display
        button.press()
        await until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in modal")
        modal = app.screen
        assert isinstance(modal, SignInScreen)
        await until(pilot, lambda: "enter the code" in text_of(app, "#sign-in-text"),
                    "the user code")
        shown = text_of(app, "#sign-in-text")
        assert f"{auth_server.base}/device" in shown
        await until(pilot, lambda: modal.signed_in, "the sign-in")
        assert text_of(app, "#sign-in-text").startswith(f"✓ Signed in as {USER}.")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor again")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ProfileEditor), "the main screen")
        await run_selected(pilot, app)
        report = app.main.view.report
        assert report is not None and report.ok
    assert store.load("m365") is not None


async def test_a_profile_without_a_token_says_so_before_connecting(
        auth_server: AuthServer, store: TokenStore, oauth_relay: Relay, profiles_path: Path,
        cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    app = app_for(profiles_path)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await select(pilot, app, "M365 relay")
        await run_selected(pilot, app)
        notices = [n for n in app._notifications if n.title == "OAuth sign-in needed"]
        assert len(notices) == 1
        assert ('OAuth sign-in "m365": not signed in yet. Run: smtptui oauth login m365 (e, '
                "then Sign in…). Testing everything up to AUTH.") in notices[0].message
        report = app.main.view.report
        assert report is not None and report.failed_stage is not None
        assert report.failed_stage.stage == "auth"
    assert not [e for e in oauth_relay.log if e.verb == "AUTH"]


async def test_sign_in_from_the_palette_by_pasting_the_address(
        auth_server: AuthServer, store: TokenStore, profiles_path: Path, cafile: str) -> None:
    """The browser flow over SSH: the modal takes the address the browser ended on."""
    import ssl

    import httpx2
    from textual.widgets import Input

    write_profiles(profiles_path, auth_server, cafile, 25, flow="code")
    app = app_for(profiles_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "M365 relay")
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Sign in (m365)…" in commands
        next(c for c in app.get_system_commands(app.screen)
             if c.title == "Sign in (m365)…").callback()
        await until(pilot, lambda: isinstance(app.screen, SignInScreen), "the sign-in modal")
        modal = app.screen
        assert isinstance(modal, SignInScreen)
        await until(pilot, lambda: modal._copy.startswith(auth_server.base), "the URL")
        context = ssl.create_default_context(cafile=cafile)
        async with httpx2.AsyncClient(verify=context) as browser:
            location = (await browser.get(modal._copy)).headers["Location"]
        pasted = modal.query_one("#pasted", Input)
        assert pasted.display and pasted.has_focus
        pasted.value = location
        await pilot.press("enter")
        await until(pilot, lambda: modal.signed_in, "the sign-in")
        assert text_of(app, "#sign-in-text").startswith(f"✓ Signed in as {USER}.")
    assert store.load("m365") is not None
