"""What changed between a past run and the current one, in a modal (Esc closes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from smtptui.history.changes import Change


def diff_content(before: str, after: str, changes: Sequence[Change]) -> Content:
    """The diff as text: which two runs, then one line per change (``≠`` and a sentence)."""
    lines = [Content.assemble(("From ", "$text-muted"), before),
             Content.assemble(("  to ", "$text-muted"), after), Content("")]
    if not changes:
        lines.append(Content.styled("✓ nothing changed (latency within the noise threshold)",
                                    "$success"))
    for change in changes:
        lines.append(Content.assemble(("≠ ", "bold $warning"), change.text))
    return Content("\n").join(lines)


class HistoryDiffScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,equals_sign,enter", "close", "Close", tooltip="Back to the history"),
    ]

    def __init__(self, before: str, after: str, changes: Sequence[Change]) -> None:
        super().__init__(classes="dialog-screen")
        self._content = diff_content(before, after, changes)
        self.changes = list(changes)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog history-diff"):
            yield Static("What changed", classes="dialog-title", markup=False)
            with VerticalScroll():
                yield Static(self._content, id="history-diff-body", markup=False)
            yield Static("Esc closes", classes="dialog-hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
