"""Keys (of every screen) and terminal tips; wrapped text stays in its column, and every
description is a sentence that starts with a capital (as the bindings' tooltips do)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen

from smtptui.app.render import Bullet, Card, card_text
from smtptui.app.widgets.diagnostics import CardView
from smtptui.dnscheck.settings import NAMESERVER_ENV

KEY_LABELS = {"slash": "/", "question_mark": "?", "escape": "Esc", "D,shift+d": "D",
              "ctrl+enter,ctrl+r": "ctrl+r", "delete": "Delete"}


def key_label(key: str) -> str:
    """How a binding's key is written for people."""
    return KEY_LABELS.get(key, key.split(",")[0])


TIPS = [
    ("ctrl+p", "Command palette: every action, the theme (light / dark), quit; type a "
               "profile's name (or probe NAME) to run it"),
    ("Space", "Mark a profile (mark two, then c to compare)"),
    ("Tab", "Move between the list, the transcript and the diagnosis"),
    ("ESCDELAY", "Set ESCDELAY=25 if Esc feels slow over SSH"),
    (NAMESERVER_ENV, "Resolver (IP[:port]) for DNS checks and discovery when a "
                     "profile sets no nameserver"),
    ("NO_COLOR", "NO_COLOR=1 turns colour off (glyphs and words remain)"),
    ("TEXTUAL_COLOR_SYSTEM", "Set it to standard for 16-colour terminals"),
    ("--no-mouse", "Leave mouse reporting off (terminal selection works)"),
]


Keys = list[tuple[str, str]]


def bound_keys(bindings: Iterable[object], first: Iterable[tuple[str, str]] = ()) -> Keys:
    """``first``, then each binding that has a tooltip, as (key, what it does)."""
    keys = list(first)
    for binding in bindings:
        if isinstance(binding, Binding) and binding.tooltip:
            keys.append((key_label(binding.key), binding.tooltip))
    return keys


def other_screens() -> list[tuple[str, Keys]]:
    """The keys of the other screens, read from their own bindings."""
    from smtptui.app.screens.compare import CompareScreen
    from smtptui.app.screens.editor import ProfileEditor
    from smtptui.app.screens.headers import HeaderScreen
    from smtptui.app.screens.merge import MergeScreen

    return [
        ("Client table (a client selected, Tab to it)",
         [("1-6", "Sort by that column (again: the other way)"),
          ("Enter", "Open that profile's run"), ("z", "The table on the whole screen")]),
        ("Profile editor", bound_keys(ProfileEditor.BINDINGS, [
            ("Tab", "Next field (shift+Tab: previous)")])),
        ("Save conflict (the profile changed in the file while you edited it)",
         bound_keys(MergeScreen.BINDINGS, [
             ("↑↓ Enter", "Pick yours or the file's value where both changed a field")])),
        ("Compare", bound_keys(CompareScreen.BINDINGS, [
            ("t (80 columns)", "A's transcript on the whole screen, then B's, then back")])),
        ("Header analyser", bound_keys(HeaderScreen.BINDINGS)),
        ("File prompts", [("Tab", "Complete the path (~ is your home folder)")]),
    ]


def _rows(rows: Iterable[tuple[str, str]]) -> Card:
    rows = list(rows)
    width = max(len(key) for key, _ in rows) + 2
    return [Bullet(Content.styled(key.ljust(width), "bold"), Content(text))
            for key, text in rows]


def help_content(keys: Iterable[tuple[str, str]], profiles_path: str,
                 more: Iterable[tuple[str, Keys]] = ()) -> Card:
    card: Card = [Content.styled("Keys", "bold $text-accent")]
    card += _rows(keys)
    for heading, section in more:
        card += ["", Content.styled(heading, "bold $text-accent")]
        card += _rows(section)
    card += ["", Content.styled("Tips", "bold $text-accent")]
    card += _rows(TIPS)
    card += ["", *_rows([("Profiles file", profiles_path)])]
    return card


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close"),
    ]

    def __init__(self, card: Card) -> None:
        super().__init__(classes="dialog-screen")
        self._card = card

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield CardView(id="help-text")

    def on_mount(self) -> None:
        self.query_one(CardView).show(self._card)

    @property
    def text(self) -> str:
        """The help as plain text, one entry per line."""
        return card_text(self._card)

    def action_close(self) -> None:
        self.dismiss(None)
