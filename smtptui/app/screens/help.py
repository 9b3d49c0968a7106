"""Keys and terminal tips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from smtptui.dnscheck.settings import NAMESERVER_ENV

KEY_LABELS = {"slash": "/", "question_mark": "?", "escape": "Esc", "D,shift+d": "D"}


def key_label(key: str) -> str:
    """How a binding's key is written for people."""
    return KEY_LABELS.get(key, key)


TIPS = [
    ("ctrl+p", "command palette: every action, the theme (light / dark), quit"),
    ("space", "mark a profile (mark two, then c to compare)"),
    ("tab", "move between the list, the transcript and the diagnosis"),
    ("ESCDELAY", "set ESCDELAY=25 if Esc feels slow over SSH"),
    (NAMESERVER_ENV, "resolver (IP[:port]) for DNS checks and discovery when a "
                           "profile sets no nameserver"),
    ("NO_COLOR", "NO_COLOR=1 turns colour off (glyphs and words remain)"),
    ("TEXTUAL_COLOR_SYSTEM", "set it to standard for 16-colour terminals"),
    ("--no-mouse", "leave mouse reporting off (terminal selection works)"),
]


def _table(rows: Iterable[tuple[str, str]]) -> list[Content | str]:
    rows = list(rows)
    width = max(len(key) for key, _ in rows) + 2
    return [Content.assemble((key.ljust(width), "bold"), text) for key, text in rows]


def help_content(keys: Iterable[tuple[str, str]], profiles_path: str) -> Content:
    lines: list[Content | str] = [Content.styled("Keys", "bold $text-accent")]
    lines += _table(keys)
    lines += ["", Content.styled("Tips", "bold $text-accent")]
    lines += _table(TIPS)
    lines += ["", Content.assemble(("Profiles file ", "$text-muted"), profiles_path)]
    return Content("\n").join(Content(x) if isinstance(x, str) else x for x in lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, content: Content) -> None:
        super().__init__(classes="dialog-screen")
        self._content = content

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(self._content, markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
