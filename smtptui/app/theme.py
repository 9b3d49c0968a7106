"""The 16-colour theme: picked when the terminal has only 16 colours.

Textual's dark theme is made of subtle greys; a 16-colour terminal maps most of them to
black or grey, so pane titles, the footer's keys and dim text vanish (black on black,
grey on grey). This theme uses colours that map one to one onto the ANSI palette:
black backgrounds, bright foregrounds, pure status colours, so every label keeps a
WCAG contrast of at least 4.5:1 there. True colour and 256 colours keep Textual's theme.
"""

from __future__ import annotations

from textual.theme import Theme

LOW_COLOUR = Theme(
    name="smtptui-16",
    primary="#5c5cff",          # bright blue
    secondary="#00ffff",        # bright cyan
    accent="#ffff55",           # bright yellow
    warning="#ffff55",
    error="#ff5555",            # bright red
    success="#55ff55",          # bright green
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
    variables={
        "text-muted": "#c0c0c0",
        "text-primary": "#00ffff",
        "text-accent": "#ffff55",
        "text-warning": "#ffff55",
        "text-error": "#ff5555",
        "text-success": "#55ff55",
        "border": "#00ffff",
        "border-blurred": "#808080",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#00ffff",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#c0c0c0",
        "footer-key-foreground": "#ffff55",
        "footer-description-foreground": "#ffffff",
        "footer-background": "#000000",
        "footer-item-background": "#000000",
        "input-cursor-background": "#ffffff",
        "input-cursor-foreground": "#000000",
        "input-selection-background": "#0000ff",
        "scrollbar": "#808080",
        "scrollbar-background": "#000000",
    },
)


def theme_for(color_system: str | None) -> str | None:
    """The theme to use for a terminal with ``color_system`` (Rich's name), or None to
    keep the default."""
    return LOW_COLOUR.name if color_system == "standard" else None
