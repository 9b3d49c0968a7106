"""A desktop notification through the terminal: BEL, OSC 777 (urxvt, foot, WezTerm,
Ghostty, VTE terminals) and OSC 9 (iTerm2, Windows Terminal, ConEmu, kitty). They
travel over SSH like any output; a terminal that knows neither ignores them."""

from __future__ import annotations

from smtptui.probe.sanitize import clean

MAX_TEXT = 200


def _field(text: str) -> str:
    # Server text may be in here: no control characters (they would end the sequence or
    # start another), no ';' (OSC 777's separator), bounded.
    return clean(text, MAX_TEXT).replace(";", ",").replace("\\", "/")


def terminal_notification(title: str, body: str) -> str:
    """The bytes to write to the terminal for one notification (bell included)."""
    t, b = _field(title), _field(body)
    # OSC 9 with a leading number is a ConEmu/Windows Terminal sub-command: never start so.
    return f"\a\x1b]777;notify;{t};{b}\x1b\\\x1b]9;{t}: {b}\x1b\\"
