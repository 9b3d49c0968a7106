"""The words of a login lock-out ("too many failed login attempts"): shared by the reply
rules and the engine's AUTH fallback (which must not retry into a lock-out), and light
enough for the probe's path (the rules themselves load only when a failure is explained)."""

from __future__ import annotations

import re

LOCKOUT_TEXT = r"too many (bad |failed |invalid )?(auth|login)|AUTH005|login attempts"
"""Case-insensitive, searched anywhere in a reply's text."""


def says_lockout(text: str) -> bool:
    return re.search(LOCKOUT_TEXT, text, re.IGNORECASE) is not None
