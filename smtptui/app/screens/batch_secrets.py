"""One dialog for every secret a batch must ask for, each with its own skip.

A skipped profile is not run: its previous result stays. The answers are kept in memory
for the session only (the app's prompted-secrets cache), never written anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from smtptui.app.widgets.text_input import Input
from smtptui.probe.sanitize import clean


@dataclass(frozen=True)
class Ask:
    """One secret to ask for: ``which`` ("password", "oauth_token") of profile ``key``."""

    key: str
    which: str
    name: str
    what: str
    where: str


Answers = dict[tuple[str, str], str]
"""The secrets typed, by (profile key, which); a skipped one is absent."""


class BatchSecrets(ModalScreen[Answers | None]):
    """Dismisses with the answers (skipped ones left out), or None: run none of these."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Skip all"),
    ]

    def __init__(self, asks: list[Ask]) -> None:
        super().__init__(classes="dialog-screen")
        self.asks = asks

    def compose(self) -> ComposeResult:
        count = len({a.key for a in self.asks})
        with Vertical(classes="dialog batch-secrets"):
            yield Static(f"Secrets for {count} profile{'s' if count != 1 else ''} of this "
                         "batch", classes="dialog-title", markup=False)
            yield Static("Kept in memory for this session only; never written anywhere. "
                         "A skipped profile is not run and keeps its previous result.",
                         classes="dialog-text", markup=False)
            with VerticalScroll(id="batch-secrets-rows"):
                for i, ask in enumerate(self.asks):
                    yield Label(f"{clean(ask.what.capitalize())} for {clean(ask.name, 60)}  "
                                f"({clean(ask.where, 60)})", classes="batch-secret-label",
                                markup=False)
                    with Horizontal(classes="form-row"):
                        yield Input(password=True, compact=True, id=f"secret-{i}")
                        yield Checkbox("skip", compact=True, id=f"skip-{i}")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Run", variant="primary", id="ok", compact=True)
                yield Button("Skip all (Esc)", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#secret-0", Input).focus()

    @on(Checkbox.Changed)
    def _skip(self, event: Checkbox.Changed) -> None:
        index = (event.checkbox.id or "").removeprefix("skip-")
        self.query_one(f"#secret-{index}", Input).disabled = event.value

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        """Enter moves to the next secret; on the last one it runs."""
        index = int((event.input.id or "secret-0").removeprefix("secret-"))
        later = [f for f in self.query(Input) if int((f.id or "").removeprefix("secret-"))
                 > index and not f.disabled]
        if later:
            later[0].focus()
        else:
            self._run()

    @on(Button.Pressed, "#ok")
    def _run(self) -> None:
        answers: Answers = {}
        for i, ask in enumerate(self.asks):
            field = self.query_one(f"#secret-{i}", Input)
            if not field.disabled and field.value:
                answers[(ask.key, ask.which)] = field.value
        self.dismiss(answers)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
