"""The wire transcript: client, server and note lines with relative timestamps.

Lines are buffered and flushed on a short timer (one refresh per batch, not per line),
and only the visible lines are ever rendered, so 20,000 lines stream without freezing
the UI. Server text is drawn as plain segments: it can never be parsed as markup.
Long lines wrap (by default) under their own text, after the time and direction
columns; :attr:`TranscriptView.wrap` off scrolls them sideways instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from smtptui.probe.events import WireLine
from smtptui.probe.sanitize import clean
from smtptui.probe.wire import REDACTED

MARKERS = {"C": "C: ", "S": "S: ", "*": "*  "}
STYLES = {"C": "transcript--client", "S": "transcript--server", "*": "transcript--note"}


def plain_line(line: WireLine) -> str:
    """One transcript line as text (what ``y`` copies and the pane shows, without style)."""
    return f"{time_label(line.t_ms)} {MARKERS.get(line.direction, '?  ')}{line.text}"


def time_label(t_ms: float) -> str:
    return f"{t_ms / 1000:8.3f}s"


PREFIX_WIDTH = len(time_label(0)) + 1 + 3


def wrap_cells(text: str, room: int) -> list[str]:
    """``text`` in pieces of at most ``room`` cells, broken after spaces where possible
    (a word longer than a row is cut); the pieces joined give ``text`` back."""
    if cell_len(text) <= room:
        return [text]
    pieces: list[str] = []
    row, used = "", 0
    for word in text.split(" "):
        chunk = word if not pieces and not row else " " + word if row else word
        width = cell_len(chunk)
        if used + width <= room:
            row, used = row + chunk, used + width
            continue
        if row:
            pieces.append(row + " ")  # the space ends the row it breaks
            row, used = "", 0
        for part in chop_cells(word, room) if cell_len(word) > room else [word]:
            if row:
                pieces.append(row)
            row, used = part, cell_len(part)
    pieces.append(row)
    return pieces


class TranscriptView(ScrollView, can_focus=True):
    """A scrolling, append-only view of :class:`WireLine` records."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "transcript--time", "transcript--client", "transcript--server",
        "transcript--note", "transcript--redacted",
    }
    MAX_LINES = 50_000
    """Lines kept in the widget; the report keeps the full transcript."""
    FLUSH_SECONDS = 0.04
    ALLOW_MAXIMIZE = True

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[WireLine] = []
        self._pending: list[WireLine] = []
        self._dropped = 0
        self._width = 0
        self._cache: LRUCache[tuple[int, int], Strip] = LRUCache(1024)
        self._timer: Timer | None = None
        self._follow = True
        """Keep the newest line in view (until the user scrolls up)."""
        self._wrap = True
        self._rows: list[tuple[int, int]] = []
        """When wrapping: (line number counted from the first line ever, piece) per row."""
        self._pieces: dict[int, list[str]] = {}
        """The pieces of each wrapped line (by line number), for the current width."""
        self._room = 0
        """Columns the wrapped text gets (the width after the time and direction)."""

    @property
    def wrap(self) -> bool:
        """Long lines wrap under their text (True) or scroll sideways (False)."""
        return self._wrap

    @wrap.setter
    def wrap(self, on: bool) -> None:
        if on != self._wrap:
            self._wrap = on
            self._relayout()

    # -- data -------------------------------------------------------------------------
    @property
    def line_count(self) -> int:
        """Lines shown (not counting those still waiting for the next flush)."""
        return len(self._lines)

    @property
    def lines(self) -> list[WireLine]:
        """Every line held, flushed or not."""
        return self._lines + self._pending

    def text(self) -> str:
        return "\n".join(plain_line(line) for line in self.lines)

    def add(self, line: WireLine) -> None:
        """Queue one line; it appears with the next batch (a few tens of ms later)."""
        self._pending.append(line)
        if self._timer is None and self.is_mounted:
            self._timer = self.set_timer(self.FLUSH_SECONDS, self.flush)

    def add_many(self, lines: Iterable[WireLine]) -> None:
        for line in lines:
            self.add(line)

    def load(self, lines: Iterable[WireLine]) -> None:
        """Replace everything with ``lines`` at once (a finished report)."""
        self.clear()
        self._pending = list(lines)
        self.flush()

    def clear(self) -> None:
        self._lines.clear()
        self._pending.clear()
        self._cache.clear()
        self._dropped = 0
        self._width = 0
        self._rows.clear()
        self._pieces.clear()
        self.virtual_size = Size(0, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._follow = True
        self.refresh()

    def flush(self) -> None:
        """Show what is queued: one size update and one refresh for the whole batch."""
        self._timer = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self._lines.extend(batch)
        self._width = max(self._width, PREFIX_WIDTH + max(cell_len(w.text) for w in batch))
        excess = len(self._lines) - self.MAX_LINES
        if excess > 0:
            del self._lines[:excess]
            self._dropped += excess
        if self._wrap and self._room:
            first = self._dropped + len(self._lines) - len(batch)
            for number in range(max(first, self._dropped), self._dropped + len(self._lines)):
                self._add_rows(number)
            self._drop_rows()
        self._resize_virtual()
        self._keep_end()
        self.refresh()

    # -- wrapping ---------------------------------------------------------------------
    def _text_room(self) -> int:
        width = self.size.width - self.styles.scrollbar_size_vertical
        return max(width - PREFIX_WIDTH, 8)

    def _add_rows(self, number: int) -> None:
        text = clean(self._lines[number - self._dropped].text)
        pieces = wrap_cells(text, self._room)
        self._pieces[number] = pieces
        self._rows.extend((number, i) for i in range(len(pieces)))

    def _drop_rows(self) -> None:
        cut = 0
        while cut < len(self._rows) and self._rows[cut][0] < self._dropped:
            self._pieces.pop(self._rows[cut][0], None)
            cut += 1
        if cut:
            del self._rows[:cut]

    def _relayout(self) -> None:
        """Lay the lines out again (wrap switched, or a new width)."""
        self._cache.clear()
        self._rows.clear()
        self._pieces.clear()
        self._room = self._text_room() if self._wrap and self.size.width else 0
        if self._room:
            for number in range(self._dropped, self._dropped + len(self._lines)):
                self._add_rows(number)
        self._resize_virtual()
        self._keep_end()
        self.refresh()

    def _resize_virtual(self) -> None:
        if self._wrap and self._room:
            self.virtual_size = Size(PREFIX_WIDTH + self._room, len(self._rows))
        else:
            self.virtual_size = Size(self._width, len(self._lines))

    def _keep_end(self) -> None:
        if self._follow:
            self.scroll_end(animate=False, x_axis=False, force=True)

    def on_resize(self) -> None:
        if self._wrap and self._text_room() != self._room:
            self._relayout()
        self._keep_end()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow = round(new_value) >= self.max_scroll_y

    # -- rendering --------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self._wrap and self._room:
            if index >= len(self._rows):
                return Strip.blank(width, base)
            number, piece = self._rows[index]
            key = (number, piece)
            strip = self._cache.get(key)
            if strip is None:
                line = self._lines[number - self._dropped]
                strip = self._cache[key] = self._render_wire_line(
                    line, base, self._pieces[number][piece], first=piece == 0)
            return strip.crop_extend(0, width, base)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        key = (index + self._dropped, -1)
        strip = self._cache.get(key)
        if strip is None:
            line = self._lines[index]
            strip = self._cache[key] = self._render_wire_line(line, base, clean(line.text))
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _render_wire_line(self, line: WireLine, base: Style, text: str, *,
                          first: bool = True) -> Strip:
        # Full (not partial) component styles: theme colours with alpha (e.g. $text-muted)
        # are only blended against the background in the full style.
        style = base + self.get_component_rich_style(STYLES.get(line.direction, STYLES["*"]))
        segments = [
            Segment(time_label(line.t_ms) + " ",
                    base + self.get_component_rich_style("transcript--time")),
            Segment(MARKERS.get(line.direction, "?  "), style),
        ] if first else [Segment(" " * PREFIX_WIDTH, base)]
        if line.direction == "C" and REDACTED in text:
            redacted = style + self.get_component_rich_style("transcript--redacted")
            parts = text.split(REDACTED)
            for i, part in enumerate(parts):
                if i:
                    segments.append(Segment(REDACTED, redacted))
                if part:
                    segments.append(Segment(part, style))
        else:
            segments.append(Segment(text, style))
        return Strip(segments)
