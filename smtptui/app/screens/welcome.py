"""First run, no profiles: offer the demo relays and a new profile from a preset."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static


class WelcomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "demo", "Demo", tooltip="Start three loopback relays and probe them"),
        Binding("n", "new", "New profile", tooltip="A new profile from a provider preset"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Choice(Message):
        def __init__(self, choice: str) -> None:
            super().__init__()
            self.choice = choice

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path

    def compose(self) -> ComposeResult:
        text = Content("\n").join([
            Content.styled("Welcome to smtptui", "bold $text-accent"),
            Content(""),
            Content("Test SMTP relays step by step: connect, TLS, EHLO, AUTH, MAIL, RCPT, "
                    "DATA — live, with a diagnosis when something fails."),
            Content(""),
            Content.assemble(("No profiles yet: ", "$text-muted"), self._path),
        ])
        with Vertical(id="welcome"):
            yield Static(text, markup=False, id="welcome-text")
            yield Button("d  Try the demo (three relays on this machine)", id="demo",
                         variant="primary")
            yield Button("n  New profile from a provider preset", id="new")
            yield Button("q  Quit", id="quit")
        yield Footer()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "quit":
            self.app.exit(0)
        elif event.button.id:
            self.post_message(self.Choice(event.button.id))

    def action_demo(self) -> None:
        self.post_message(self.Choice("demo"))

    def action_new(self) -> None:
        self.post_message(self.Choice("new"))
