"""A footer that shows only the keys that fit, whole, in the order they are bound.

Textual's footer scrolls keys that do not fit under the palette key, cutting a label
mid-word ("w Sav"). This one hides the keys past the width instead: bind the most
important keys first; every key stays in the palette and on the help screen.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

GAP = 1
"""Columns between two keys (compact footer)."""
PALETTE = 13
"""Columns the docked ``^p palette`` key takes (its border, label and padding)."""


class FittingFooter(Footer):
    """A compact :class:`Footer` that hides (rather than cuts) the keys past its width.

    Textual's footer rebuilds all its keys each time its screen's bindings are updated
    (every focus change, every modal opened over it or closed), even when the keys it
    shows are the same: 27 widgets restyled, a third of opening the editor or help. This
    one rebuilds only when what it would show has changed.
    """

    _shown: tuple[object, ...] | None = None

    def _showing(self) -> tuple[object, ...]:
        """What :meth:`Footer.compose` builds from (keys, labels, enabled, tooltips)."""
        get_display = self.app.get_key_display
        return (self.show_command_palette, self.compact, tuple(
            (binding.key, get_display(binding), binding.description, binding.action,
             binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING))

    def compose(self) -> ComposeResult:
        self._shown = self._showing() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (self._shown is not None and self.children and screen is self.screen
                and self._showing() == self._shown):
            return  # the same keys: nothing to rebuild
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        await super().recompose()
        self.fit()

    def on_resize(self, event: Resize) -> None:
        self.fit()

    def fit(self) -> None:
        """Show the leading keys that fit in full; hide the rest."""
        room = self.size.width - (PALETTE if self.show_command_palette else 0)
        used = 0
        for key in self.query(FooterKey):
            if key.has_class("-command-palette"):
                continue
            used += cell_len(f"{key.key_display} {key.description}") + GAP
            key.display = used - GAP <= room
