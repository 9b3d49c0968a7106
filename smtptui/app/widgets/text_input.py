"""Text fields whose editing keys apply in the order they were typed.

Textual (8.2.8) inserts a printable key inside the focused ``Input``/``TextArea``, but a
bound key (backspace, arrows, ctrl+k, enter …) bubbles through every ancestor up to
the App before its action runs. In a burst of keys (fast typing, keystrokes bunched by
a laggy SSH link) the next characters are inserted before that action: ``b, a,
backspace, c`` gives ``ba`` instead of ``bc``, worse with any per-key handler.
Upstream: https://github.com/Textualize/textual/issues/6605; the fix proposed in
https://github.com/Textualize/textual/pull/6631 (not released) runs the widget's own
non-priority bindings inline in ``_on_key``. :class:`Input` does the same until that
ships (and :class:`smtptui.app.screens.headers.HeaderInput`, a ``TextArea``, through
:func:`run_own_binding`): use them for every text field (a test posts a burst to each).
"""

from __future__ import annotations

from textual import events
from textual import widgets as _widgets
from textual.widget import Widget


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run ``widget``'s own (non-priority) binding for ``event`` now, as the App would
    once the key had bubbled up to it; True (and the key consumed) if one ran.

    Priority bindings were already checked by the App before the key reached the widget;
    the focused widget is the first namespace the App would try, so what runs is the same.
    """
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if not binding.priority and await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()
            return True
    return False


class Input(_widgets.Input):
    """``textual.widgets.Input`` with its editing keys applied in order (issue #6605)."""

    async def _on_key(self, event: events.Key) -> None:
        # Textual dispatches _on_key along the MRO: Input._on_key (printable keys)
        # runs after this one unless a binding consumed the key here.
        if not event.is_printable and await run_own_binding(self, event):
            self._restart_blink()

