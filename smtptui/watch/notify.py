"""A desktop notification through the terminal: BEL, OSC 777 (urxvt's notify extension,
foot, WezTerm, VTE terminals with Fedora's patch) and OSC 9 (iTerm2, kitty, foot,
Ghostty -- which has no OSC 777: mohak34/opencode-notifier#38). They travel over SSH like
any output; a terminal that knows neither ignores them."""

from __future__ import annotations

from smtptui.probe.sanitize import clean

MAX_TEXT = 200


def _field(text: str) -> str:
    # Server text may be in here: no control characters (they would end the sequence or
    # start another), no ';' (OSC 777's separator), bounded.
    return clean(text, MAX_TEXT).replace(";", ",").replace("\\", "/")


def terminal_notification(title: str, body: str, *, tmux: bool = False) -> str:
    """The text to write to the terminal for one notification (bell included).

    Inside tmux the OSCs go out wrapped for its passthrough (tmux does not forward them
    itself, tmux/tmux#5136); they arrive only with ``set -g allow-passthrough on``.
    """
    t, b = _field(title), _field(body)
    # OSC 9 with a leading number is a ConEmu sub-command (microsoft/terminal#7718): the
    # text starts with the title, never with a digit.
    oscs = f"\x1b]777;notify;{t};{b}\x1b\\\x1b]9;{t}: {b}\x1b\\"
    if tmux:
        oscs = "".join("\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
                       for seq in (f"\x1b]777;notify;{t};{b}\x07", f"\x1b]9;{t}: {b}\x07"))
    return "\a" + oscs
