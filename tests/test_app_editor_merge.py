"""Pilot tests: saving a profile that changed in the file while the editor was open
re-applies your changes onto the file's copy, asks per field where both sides changed,
follows a rename, offers to save a removed profile as new, and loses nothing when the
file became invalid. Real files with comments; the result is checked byte for byte."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.widgets import RadioSet, Static

from smtptui.app.screens.confirm import ConfirmScreen
from smtptui.app.screens.editor import ProfileEditor
from smtptui.app.screens.editor_form import FormValues
from smtptui.app.screens.editor_merge import three_way
from smtptui.app.screens.merge import MergeScreen
from tests.app_helpers import app_for, select, until
from tests.test_app_editor import field, set_input

FILE = """\
# Relays of Acme (kept by hand: these comments must survive)
[[profile]]
name = "Acme relay"   # the main one
client = "Acme"
host = "smtp.acme.test"
port = 587
tls = "starttls"
username = "ops@acme.test"
password = { env = "ACME_PW" }
notes = "first"

# the backup relay
[[profile]]
name = "Backup"
host = "backup.acme.test"
port = 2525
tls = "none"
"""


def write(path: Path, old: str, new: str, text: str | None = None) -> str:
    """Change the file on disk behind the editor's back (as another program would)."""
    text = (text if text is not None else path.read_text()).replace(old, new)
    assert text != path.read_text()
    path.write_text(text)
    return text


def status(app: Any) -> str:
    return str(app.screen.query_one("#editor-status", Static).render())


def texts(app: Any, selector: str) -> list[str]:
    return [str(w.render()) for w in app.screen.query(selector)]


async def edit(pilot: Any, app: Any, name: str) -> None:
    await select(pilot, app, name)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
    await pilot.pause()


@asynccontextmanager
async def editing(tmp_path: Path) -> AsyncIterator[tuple[Any, Any, Path]]:
    """The app on :data:`FILE`, editing "Acme relay" with its notes changed to "mine"."""
    path = tmp_path / "profiles.toml"
    path.write_text(FILE)
    app = app_for(path)
    async with app.run_test(size=(100, 40)) as pilot:
        await edit(pilot, app, "Acme relay")
        await set_input(pilot, app, "notes", "mine")
        yield pilot, app, path


async def closed(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: not isinstance(app.screen, (ProfileEditor, MergeScreen,
                                                           ConfirmScreen)), "the save")


async def save_into_merge(pilot: Any, app: Any) -> MergeScreen:
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, MergeScreen), "the merge dialog")
    await pilot.pause()
    assert isinstance(app.screen, MergeScreen)
    return app.screen


async def test_your_field_and_theirs_are_merged_and_a_clash_is_picked(tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):  # notes: only you
        await set_input(pilot, app, "host", "smtp2.acme.test")  # both: a clash
        changed = write(path, 'port = 587', 'port = 465')   # only the file
        changed = write(path, '"smtp.acme.test"', '"smtp3.acme.test"', changed)
        changed = write(path, '# the backup relay', '# the backup relay (edited)', changed)
        dialog = await save_into_merge(pilot, app)
        assert path.read_text() == changed  # nothing written yet
        assert texts(app, ".merge-line.-yours") == ["  Notes: mine"]
        assert texts(app, ".merge-line.-theirs") == ["  Port: 465"]
        assert texts(app, ".merge-field") == ["Host"]
        pick = dialog.query_one("#pick-host", RadioSet)
        assert [str(b.label) for b in pick.query("RadioButton")] == [
            "yours:   smtp2.acme.test", "in file: smtp3.acme.test"]
        assert pick.pressed_button is not None and pick.pressed_button.id == "yours-host"
        await pilot.press("ctrl+s")  # the default: yours
        await closed(pilot, app)
    assert path.read_text() == (changed.replace('"smtp3.acme.test"', '"smtp2.acme.test"')
                                .replace('notes = "first"', 'notes = "mine"'))
    assert path.with_name("profiles.toml.bak").read_text() == changed


async def test_picking_the_file_value_keeps_it(tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):
        await set_input(pilot, app, "secret_value", "MY_PW")
        changed = write(path, 'notes = "first"', 'notes = "theirs"')
        changed = write(path, '{ env = "ACME_PW" }', '{ env = "THEIR_PW" }', changed)
        await save_into_merge(pilot, app)
        assert texts(app, ".merge-field") == ["Password from", "Notes"]
        assert [str(b.label) for b in app.screen.query("#pick-secret_kind RadioButton")] == [
            "yours:   env MY_PW", "in file: env THEIR_PW"]
        await pilot.press("down", "enter")  # the first pick (password): the file's value
        await pilot.press("ctrl+s")
        await closed(pilot, app)
    assert path.read_text() == changed.replace('notes = "theirs"', 'notes = "mine"')


async def test_back_to_the_editor_keeps_your_values_and_writes_nothing(
        tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):
        changed = write(path, 'port = 587', 'port = 588')
        await save_into_merge(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        assert field(app, "notes") == "mine" and field(app, "port") == "587"
        assert "Save again (ctrl+s) to merge" in status(app)
        assert path.read_text() == changed
        await save_into_merge(pilot, app)  # asked again, and now saved
        await pilot.press("ctrl+s")
        await closed(pilot, app)
    assert path.read_text() == changed.replace('notes = "first"', 'notes = "mine"')


async def test_backing_out_of_the_merge_and_the_editor_shows_the_file_as_it_is(
        tmp_path: Path) -> None:
    """Esc in the merge dialog, then Esc (discard) in the editor: the list shows the
    profile as the other program saved it, without ctrl+r; the file is not written."""
    async with editing(tmp_path) as (pilot, app, path):
        changed = write(path, '"smtp.acme.test"', '"smtp9.acme.test"')
        await save_into_merge(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await closed(pilot, app)
        await until(pilot, lambda: app.profile_file.get("Acme relay").host == "smtp9.acme.test",
                    "the list re-read")
        entry = next(e for e in app.main.entries if e.name == "Acme relay")
        assert entry.profile is not None and entry.profile.host == "smtp9.acme.test"
        assert any("changed on disk" in n.message for n in app._notifications)
    assert path.read_text() == changed


async def test_a_rename_in_the_file_is_followed(tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):
        changed = write(path, 'name = "Acme relay"', 'name = "Acme primary"')
        await save_into_merge(pilot, app)
        assert "renamed to “Acme primary”" in str(app.screen.query_one(".dialog-text").render())
        assert texts(app, ".merge-line.-theirs") == ["  Name: Acme primary"]
        await pilot.press("ctrl+s")
        await closed(pilot, app)
    assert path.read_text() == changed.replace('notes = "first"', 'notes = "mine"')


async def test_a_removed_profile_can_be_saved_as_new(tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):
        backup = FILE[FILE.index("# the backup relay"):]
        path.write_text(backup)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        question = str(app.screen.query_one(".dialog-text").render())
        assert "Acme relay was removed from" in question and "as a new profile?" in question
        await pilot.press("n")  # keep editing: nothing written, the form as it was
        await until(pilot, lambda: isinstance(app.screen, ProfileEditor), "the editor")
        assert path.read_text() == backup and field(app, "notes") == "mine"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await closed(pilot, app)
    text = path.read_text()
    assert text.startswith(backup)  # the file's comments and profile kept, the new one added
    assert 'name = "Acme relay"' in text and 'notes = "mine"' in text
    assert 'password = { env = "ACME_PW" }' in text or 'env = "ACME_PW"' in text


async def test_an_invalid_file_loses_nothing(tmp_path: Path) -> None:
    async with editing(tmp_path) as (pilot, app, path):
        broken = write(path, 'port = 2525', 'port = 2525 oops')
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfileEditor)
        assert f"{path}: line 16, column 13" in status(app)
        assert "nothing was saved; the form keeps your values" in status(app)
        assert field(app, "notes") == "mine" and path.read_text() == broken
        path.write_text(FILE)  # fixed: the same save now goes through
        await pilot.press("ctrl+s")
        await closed(pilot, app)
    assert path.read_text() == FILE.replace('notes = "first"', 'notes = "mine"')


def test_three_way_merge_of_form_values() -> None:
    base = FormValues(name="A", host="h", port="587", notes="n")
    mine = FormValues(name="A", host="mine", port="587", notes="same", send=True)
    disk = FormValues(name="B", host="disk", port="587", notes="same")
    merge = three_way(base, mine, disk)
    assert merge.yours == ("send",) and merge.theirs == ("name",)
    assert merge.clashes == ("host",)
    assert merge.values == FormValues(name="B", host="mine", port="587", notes="same",
                                      send=True)
    assert merge.resolve({"host": "disk"}).host == "disk"
    # the password's kind and value move together
    both = three_way(FormValues(secret_kind="env", secret_value="A"),
                     FormValues(secret_kind="command", secret_value="pass x"),
                     FormValues(secret_kind="env", secret_value="B"))
    assert both.clashes == ("secret_kind",)
    picked = both.resolve({"secret_kind": "disk"})
    assert (picked.secret_kind, picked.secret_value) == ("env", "B")


def test_a_rename_is_told_from_a_removal_and_an_addition(tmp_path: Path) -> None:
    from smtptui.app.screens.editor_merge import ProfileChanged, check_unchanged, find_current
    from smtptui.profiles.store import parse

    before = parse(FILE, tmp_path / "p.toml")
    started = before.get("Acme relay")
    known = set(before.names())
    renamed = parse(FILE.replace('"Acme relay"', '"Acme primary"'), tmp_path / "p.toml")
    assert find_current(renamed, started, known) == renamed.get("Acme primary")
    other = FILE[FILE.index("# the backup"):] + (
        '\n[[profile]]\nname = "New"\nhost = "new.example"\nport = 25\ntls = "none"\n')
    replaced = parse(other, tmp_path / "p.toml")
    assert find_current(replaced, started, known) is None
    try:
        check_unchanged(replaced, started, known)
    except ProfileChanged as exc:
        assert exc.current is None and exc.names == {"Backup", "New"}
        assert str(exc) == 'profile "Acme relay" was removed from the file since you opened it'
    else:
        raise AssertionError("no conflict")
    assert check_unchanged(before, started, known) == "Acme relay"
