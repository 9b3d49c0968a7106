"""A misspelt profile name: `smtptui probe postfix-submision` says "did you mean
postfix-submission?", and so does the palette (where typing a name runs that profile)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from smtptui.app.profile_commands import wanted_name
from smtptui.cli import main
from tests.app_fixtures import Relays
from tests.app_helpers import PASSWORD_ENV, app_for, profile, until, write_profiles
from tests.conftest import CANARY


@pytest.fixture
def postfix_file(tmp_path: Path, relays: Relays, cafile: str,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    return write_profiles(tmp_path / "profiles.toml", [
        profile("postfix-submission", relays.healthy.port, cafile),
        profile("exim-smarthost", relays.healthy.port, cafile)])


def test_the_cli_suggests_the_close_name(postfix_file: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    postfix_file.chmod(0o600)
    code = main(["probe", "postfix-submision", "--profiles", str(postfix_file)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert 'unknown profile "postfix-submision": did you mean "postfix-submission"?' in err


def test_the_palette_query_may_start_with_probe_or_run() -> None:
    assert wanted_name("probe postfix-submision ") == "postfix-submision"
    assert wanted_name("Run exim") == "exim"
    assert wanted_name("exim") == "exim"


def shown(app: object) -> list[str]:
    screen = getattr(app, "screen", None)
    if not isinstance(screen, CommandPalette):
        return []
    results = screen.query_one(OptionList)
    return [str(results.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(results.option_count)]


async def test_the_palette_runs_a_profile_and_suggests_a_close_name(
        postfix_file: Path) -> None:
    app = app_for(postfix_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"probe postfix-sumbission")  # letters swapped
        await until(pilot, lambda: any("Did you mean" in s for s in shown(app)),
                    "the suggestion")
        assert shown(app)[0] == "Did you mean postfix-submission? Run it"
        await pilot.press("enter")
        await until(pilot, lambda: "file:postfix-submission" in app.results, "the run")
        assert app.results["file:postfix-submission"].ok
        node = app.main.sidebar.profile_tree.cursor_node
        assert node is not None and node.data == "file:postfix-submission"
        # a name that matches (letters missing, in order) is offered to run as it is
        await pilot.press("ctrl+p", *"run exim-smarthst")
        await until(pilot, lambda: "Run exim-smarthost" in shown(app), "the match")
        assert not any("Did you mean" in s for s in shown(app))
        await pilot.press("enter")
        await until(pilot, lambda: "file:exim-smarthost" in app.results, "the second run")
