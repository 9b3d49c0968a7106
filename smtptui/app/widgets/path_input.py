"""A one-line field for a file path: ``~`` is kept as typed, Tab completes.

Tab completes the name under way from the folder typed so far (a folder gets its ``/``);
with several candidates it completes their common start and posts
:class:`PathInput.Candidates` so the prompt can list them. Nothing here reads a file.
"""

from __future__ import annotations

import os
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from smtptui.app.widgets.text_input import Input

SHOWN = 6
"""Candidates named in the message (the rest are counted)."""


def complete(text: str) -> tuple[str, list[str]]:
    """``text`` completed as far as it is unambiguous, and the names it could become."""
    expanded = os.path.expanduser(text)
    folder, prefix = os.path.split(expanded)
    try:
        names = sorted(n for n in os.listdir(folder or ".") if n.startswith(prefix))
    except OSError:
        return text, []
    if not names:
        return text, []
    common = os.path.commonprefix(names)
    done = os.path.join(folder, common) if folder else common
    if len(names) == 1 and os.path.isdir(done):
        done += "/"
    home = os.path.expanduser("~")
    if text.startswith("~") and done.startswith(home):
        done = "~" + done[len(home):]  # keep the user's spelling
    return done, names


class PathInput(Input):
    """An :class:`Input` for paths with Tab completion."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete the path", show=False),
    ]

    class Candidates(Message):
        """Several names fit what was typed: ``names``."""

        def __init__(self, names: list[str]) -> None:
            super().__init__()
            self.names = names

    def action_complete(self) -> None:
        done, names = complete(self.value)
        if not names:
            self.app.bell()
            return
        if done != self.value:
            self.value = done
        self.cursor_position = len(self.value)
        if len(names) > 1:
            self.post_message(self.Candidates(names))
