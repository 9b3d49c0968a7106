"""Keys are handled one at a time, in the order they arrived.

Textual forwards each key to the widget focused when the App reads it, without waiting
for the previous key to be handled: in a burst (fast typing, keys bunched by a laggy SSH
link) ``/ a b`` sends ``a`` and ``b`` to the list before ``/`` has moved the focus to
the filter, and ``e x`` runs ``x`` on the dashboard, not in the editor ``e`` opens.
Related upstream: https://github.com/Textualize/textual/issues/6605 (bound keys handled
after later typed ones; proposed fix https://github.com/Textualize/textual/pull/6631),
which :mod:`smtptui.app.widgets.text_input` works around inside a field.

:class:`OrderedKeys` (an App mixin) holds each key until the one before it has been
handled: stopped by a widget, or bubbled back to the App (whose bindings then run before
the next key is sent). A key nobody finishes within :data:`KEY_WAIT` seconds (its widget
went away) releases the next one.
"""

from __future__ import annotations

from collections import deque
from functools import partial
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump
from textual.timer import Timer

KEY_WAIT = 0.5
"""Seconds a key may take before the next one is sent anyway."""


class TrackedKey(events.Key):
    """A key that says when it has been handled."""

    def __init__(self, key: str, character: str | None, done: Any) -> None:
        super().__init__(key, character)
        self._done = done
        # Made by the App, it would be stopped (not finished) on its way back from the
        # screen to its "sender"; no sender: it reaches the App like a driver's key.
        self._sender = None

    def stop(self, stop: bool = True) -> TrackedKey:
        super().stop(stop)
        if stop:
            self._done(self)
        return self

    def _bubble_to(self, widget: MessagePump) -> None:
        super()._bubble_to(widget)  # first: the App handles it before the next key
        if isinstance(widget, App):
            self._done(self)


TrackedKey.handler_name = "on_key"  # handled as any key (else "on_tracked_key")


class OrderedKeys:
    """An App mixin: keys reach widgets one after another (see the module's doc)."""

    _waiting_keys: deque[events.Key]
    _key_in_flight: TrackedKey | None = None
    _key_timer: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded and not isinstance(
                event, TrackedKey):
            if not hasattr(self, "_waiting_keys"):
                self._waiting_keys = deque()
            self._waiting_keys.append(event)
            await self._send_keys()
            return
        await super().on_event(event)  # type: ignore[misc]

    async def _send_keys(self) -> None:
        app: Any = self
        while self._waiting_keys and self._key_in_flight is None:
            key = self._waiting_keys.popleft()
            tracked = TrackedKey(key.key, key.character, self._key_done)
            self._key_in_flight = tracked
            await super().on_event(tracked)  # type: ignore[misc]
            if not tracked.is_forwarded:  # handled by the App itself (priority binding)
                self._key_in_flight = None
            elif self._key_in_flight is tracked:
                self._key_timer = app.set_timer(KEY_WAIT, partial(self._key_done, tracked))

    def _key_done(self, key: TrackedKey) -> None:
        if key is not self._key_in_flight:
            return
        self._key_in_flight = None
        if self._key_timer is not None:
            self._key_timer.stop()
            self._key_timer = None
        app: Any = self
        app.call_later(self._send_keys)
