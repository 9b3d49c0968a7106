"""What the dashboard looks like in 256 and 16 colours, for tests and snapshots.

Textual draws in true colour; in a 256- or 16-colour terminal Rich maps every colour to
the nearest one of that palette as it writes (``Color.downgrade``). :class:`Downgrade` is
a line filter doing the same mapping inside the app (back to RGB with Rich's default
terminal palette), so screenshots and the contrast checks see what such a terminal shows.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import DEFAULT_TERMINAL_THEME
from textual.app import App
from textual.color import Color
from textual.filter import LineFilter
from textual.strip import Strip

SYSTEMS = {"truecolor": ColorSystem.TRUECOLOR, "256": ColorSystem.EIGHT_BIT,
           "16": ColorSystem.STANDARD}


@lru_cache(4096)
def _map(color: RichColor | None, system: ColorSystem) -> RichColor | None:
    if color is None or system == ColorSystem.TRUECOLOR:
        return color
    r, g, b = color.downgrade(system).get_truecolor(DEFAULT_TERMINAL_THEME)
    return RichColor.from_rgb(r, g, b)


class Downgrade(LineFilter):
    """Map every colour to the nearest of ``system``'s palette, as the terminal would."""

    def __init__(self, system: str) -> None:
        super().__init__()
        self.system = SYSTEMS[system]

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out = []
        for text, style, control in segments:
            if style is not None and self.system != ColorSystem.TRUECOLOR:
                style = style + Style(color=_map(style.color, self.system),
                                      bgcolor=_map(style.bgcolor, self.system))
            out.append(Segment(text, style, control))
        return out


def in_colours(app: App[object], system: str) -> App[object]:
    """``app``, drawn as a ``system`` terminal ("truecolor", "256" or "16") shows it."""
    app._filters.append(Downgrade(system))
    app.colour_system = {"16": "standard"}.get(system, system)  # type: ignore[attr-defined]
    return app


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_contrast(strips: list[Strip], text: str) -> float:
    """The contrast of the first cell showing ``text`` on the screen (its style's
    foreground against its background, reverse taken into account)."""
    for strip in strips:
        plain = "".join(seg.text for seg in strip)
        at = plain.find(text)
        if at < 0:
            continue
        x = 0
        for segment in strip:
            if x <= at < x + len(segment.text):
                style = segment.style or Style()
                black, white = (0, 0, 0), (255, 255, 255)
                fg = style.color.get_truecolor(DEFAULT_TERMINAL_THEME) if style.color else white
                bg = (style.bgcolor.get_truecolor(DEFAULT_TERMINAL_THEME)
                      if style.bgcolor else black)
                return contrast(tuple(fg), tuple(bg))  # type: ignore[arg-type]
            x += len(segment.text)
    raise AssertionError(f"{text!r} is not on the screen")


def low_contrast(strips: list[Strip], minimum: float = 4.5) -> list[tuple[str, float]]:
    """Every run of text on the screen below ``minimum`` contrast, with its ratio
    (box-drawing and block characters are not text)."""
    found: list[tuple[str, float]] = []
    for strip in strips:
        for segment in strip:
            text = segment.text.strip()
            if not text or all(0x2500 <= ord(c) <= 0x259F for c in text):
                continue
            style = segment.style or Style()
            fg = style.color.get_truecolor(DEFAULT_TERMINAL_THEME) if style.color else (
                255, 255, 255)
            bg = style.bgcolor.get_truecolor(DEFAULT_TERMINAL_THEME) if style.bgcolor else (
                0, 0, 0)
            ratio = contrast(tuple(fg), tuple(bg))  # type: ignore[arg-type]
            if ratio < minimum:
                found.append((text, round(ratio, 2)))
    return found
