"""The profiles file could not be read: say why, one problem per line, and edit nothing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from smtptui.profiles.errors import ProfilesError


class ProfilesErrorScreen(Screen[None]):
    """Shown instead of the dashboard while the profiles file is invalid."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", "Reload", tooltip="Read the file again after fixing it"),
        Binding("d", "demo", "Demo only", tooltip="Continue with the demo relays only"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Reload(Message):
        """The user fixed the file (or says so)."""

    class DemoOnly(Message):
        """Continue without the file, on the demo relays."""

    def __init__(self, path: str, error: ProfilesError) -> None:
        super().__init__()
        self._path, self._error = path, error

    def compose(self) -> ComposeResult:
        lines: list[Content | str] = [
            Content.styled("✗ The profiles file could not be read", "bold $error"),
            "",
            Content.assemble(("File  ", "$text-muted"), self._path),
            "",
        ]
        lines += [Content.assemble(("• ", "$error"), p) for p in self._error.problems]
        lines += ["", Content.styled(
            "Nothing in it was changed. Fix the file in an editor and press r to reload; "
            "d continues with the demo relays only; q quits.", "$text-muted")]
        body = Content("\n").join(Content(x) if isinstance(x, str) else x for x in lines)
        with VerticalScroll(id="error-body"):
            yield Static(body, markup=False, id="error-text")
        yield Footer()

    def update_error(self, error: ProfilesError) -> None:
        self._error = error
        self.refresh(recompose=True)

    def action_reload(self) -> None:
        self.post_message(self.Reload())

    def action_demo(self) -> None:
        self.post_message(self.DemoOnly())
