"""A one-line question in a modal: a file name, or a password (never stored on disk)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from smtptui.app.widgets.path_input import SHOWN, PathInput
from smtptui.app.widgets.text_input import Input

Submit = Callable[[str], str | None]
"""Called with the answer; returns a problem to show (the prompt stays open) or None."""


class TextPrompt(ModalScreen[str | None]):
    """Dismisses with the answer, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, heading: str, explanation: str = "", *, value: str = "",
                 password: bool = False, ok: str = "OK", on_submit: Submit | None = None,
                 path: bool = False) -> None:
        super().__init__(classes="dialog-screen")
        self._heading, self._explanation = heading, explanation
        self._value, self._password, self._ok = value, password, ok
        self._path = path
        """The answer is a file path: Tab completes it, ``~`` is the home folder."""
        self._on_submit = on_submit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._heading, classes="dialog-title", markup=False)
            if self._explanation:
                yield Static(self._explanation, classes="dialog-text", markup=False)
            if self._path:
                yield PathInput(self._value, id="answer")
            else:
                yield Input(self._value, password=self._password, id="answer")
            yield Static("", id="problem", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._ok, variant="primary", id="ok")
                yield Button("Cancel (Esc)", id="cancel")

    def on_mount(self) -> None:
        answer = self.query_one("#answer", Input)
        answer.focus()
        answer.cursor_position = len(answer.value)
        if self._path and answer.value:  # typing replaces the suggestion; End keeps it
            answer.select_all()

    @on(PathInput.Candidates)
    def _candidates(self, event: PathInput.Candidates) -> None:
        names = event.names
        more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
        self.query_one("#problem", Static).update(
            f"{len(names)} names fit: {', '.join(names[:SHOWN])}{more}")

    @on(Input.Submitted, "#answer")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        value = self.query_one("#answer", Input).value
        if self._on_submit is not None:
            problem = self._on_submit(value)
            if problem:
                self.query_one("#problem", Static).update(problem)
                return
        self.dismiss(value)

    @on(Input.Changed, "#answer")
    def _edited(self) -> None:
        """A problem shown was about the answer as it was; it goes once it changes (and a
        handler with a ``reset`` forgets any question it asked about it)."""
        self.query_one("#problem", Static).update("")
        reset = getattr(self._on_submit, "reset", None)
        if callable(reset):
            reset()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
