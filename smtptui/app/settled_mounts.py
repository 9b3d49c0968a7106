"""The app shuts down only once the part a screen is adding is fully mounted.

A screen that adds part of itself after its first frame (the profile editor's
:class:`~smtptui.app.screens.editor.Later`) must not be torn down while that part is
being mounted. Textual (8.2.8) prunes whatever is registered at that moment: a
``Select`` whose overlay is pruned before its own ``on_mount`` raises ``NoMatches``, the
screen's set-up of the rows it just added finds them gone, and the exception ends the
app with a traceback. Quitting (ctrl+q; a test leaving ``run_test``) within the few
tenths of a second after ``e`` on a loaded machine did that. No upstream issue or PR
found in Textualize/textual's tracker (searched 2026-12-05); this overrides
``App._shutdown`` as written in Textual 8.2.8 (pinned in pyproject.toml): check it
again when the pin moves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from textual.widget import Widget


def closing(widget: Widget) -> bool:
    """Whether ``widget``, its screen or the app is going away (or already gone)."""
    if not widget.is_attached:
        return True
    app, screen = widget.app, widget.screen
    return (not app._running or app._exit
            or any(node._closing or node._pruning for node in (screen, widget)))


class SettledMounts:
    """An App mixin: shutting down waits for the parts being added (:meth:`adding`)."""

    _parts_in_flight: set[asyncio.Event]

    @contextmanager
    def adding(self) -> Iterator[None]:
        """Around mounting a part after the first frame: the app is not shut down until
        it is mounted and set up (start one only while not :func:`closing`)."""
        if not hasattr(self, "_parts_in_flight"):
            self._parts_in_flight = set()
        done = asyncio.Event()
        self._parts_in_flight.add(done)
        try:
            yield
        finally:
            self._parts_in_flight.discard(done)
            done.set()

    async def _shutdown(self) -> None:
        for done in list(getattr(self, "_parts_in_flight", ())):
            await done.wait()
        await super()._shutdown()  # type: ignore[misc]

