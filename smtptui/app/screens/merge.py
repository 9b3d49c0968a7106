"""The editor's save conflict: the profile changed in the file while it was being edited.

Shows what saving will do — your changes re-applied onto the profile as it is now in the
file, the file's own changes kept — and, for each field changed on both sides, both values
to pick from (yours by default).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from smtptui.app.screens.editor_form import FormValues
from smtptui.app.screens.editor_merge import UNIT_LABELS, Merge, shown
from smtptui.probe.sanitize import clean

Picks = dict[str, str]
"""Unit -> ``"yours"`` or ``"disk"``, for each field changed on both sides."""


class Choice(RadioButton):
    """A radio button whose state shows without colour: ``●`` when picked, blank when not."""

    def __init__(self, label: Content, value: bool = False, *, id: str) -> None:  # noqa: A002
        super().__init__(label, value, id=id)
        self.BUTTON_INNER = "●" if value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()


class MergeScreen(ModalScreen[Picks | None]):
    """Dismisses with the picks (save the merge), or None: back to the editor, unsaved."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save merged",
                tooltip="Save: the file's copy with your changes (and your picks)"),
        Binding("escape", "back", "Back to the editor",
                tooltip="Back to the editor: nothing saved, your values kept"),
    ]

    def __init__(self, merge: Merge, *, name: str, path: str, renamed: bool) -> None:
        super().__init__(classes="dialog-screen")
        self.merge = merge
        self._profile = name
        self._path = path
        self._renamed = renamed

    def compose(self) -> ComposeResult:
        m = self.merge
        with Vertical(classes="dialog merge"):
            yield Static("The profile changed in the file while you were editing it",
                         classes="dialog-title", markup=False)
            what = (f"renamed to “{clean(m.disk.name, 60)}”" if self._renamed
                    else "changed by another program or window")
            yield Static(f"“{clean(self._profile, 60)}” was {what} in {self._path}. Saving "
                         "reloads it and re-applies your changes; nothing else in the file "
                         "changes.", classes="dialog-text", markup=False)
            with VerticalScroll(id="merge-rows"):
                for title, units, values, tag in (
                        ("Your changes (re-applied)", m.yours, m.values, "yours"),
                        ("Changed in the file (kept)", m.theirs, m.disk, "theirs")):
                    if units:
                        yield Label(title, classes="merge-heading")
                        for unit in units:
                            yield Static(self._line(unit, values), markup=False,
                                         classes=f"merge-line -{tag}")
                if not m.theirs and not m.clashes:
                    yield Static("The file's changes are to keys the editor does not show; "
                                 "they are kept.", markup=False, classes="merge-line")
                if m.clashes:
                    yield Label("Changed on both sides: pick one (↑↓, Enter; yours by default)",
                                classes="merge-heading")
                for unit in m.clashes:
                    yield Label(UNIT_LABELS.get(unit, unit), classes="merge-field")
                    with RadioSet(id=f"pick-{unit}", compact=True):
                        yield Choice(Content(f"yours:   {clean(shown(m.values, unit))}"),
                                     value=True, id=f"yours-{unit}")
                        yield Choice(Content(f"in file: {clean(shown(m.disk, unit))}"),
                                     id=f"disk-{unit}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save merged (ctrl+s)", variant="primary", id="merge-save",
                             compact=True)
                yield Button("Back to editor (Esc)", id="merge-back", compact=True)

    @staticmethod
    def _line(unit: str, values: FormValues) -> str:
        return f"  {UNIT_LABELS.get(unit, unit)}: {clean(shown(values, unit))}"

    def on_mount(self) -> None:
        sets = self.query(RadioSet)
        (sets.first() if sets else self.query_one("#merge-save", Button)).focus()

    def picks(self) -> Picks:
        out: Picks = {}
        for unit in self.merge.clashes:
            pressed = self.query_one(f"#pick-{unit}", RadioSet).pressed_button
            out[unit] = "disk" if pressed is not None and pressed.id == f"disk-{unit}" \
                else "yours"
        return out

    @on(Button.Pressed, "#merge-save")
    def action_save(self) -> None:
        self.dismiss(self.picks())

    @on(Button.Pressed, "#merge-back")
    def action_back(self) -> None:
        self.dismiss(None)
