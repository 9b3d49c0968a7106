"""`W` in the dashboard: watch profiles (every N s, the profile's ``watch_interval`` or
60) in one worker group, ``watch``, on the headless watch loop.

Runs post :class:`WatchUpdate` messages; a run's update replaces an older one of the same
profile still in the queue (Textual's ``can_replace``), so a busy app never falls behind.
A state change (not the first run) rings the bell and sends a terminal notification.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.message import Message

from smtptui.watch.events import Changed, Tick
from smtptui.watch.runner import DEFAULT_INTERVAL, WatchTarget
from smtptui.watch.state import State

if TYPE_CHECKING:
    from textual.timer import Timer

    from smtptui.app.entries import Entry
    from smtptui.app.screens.main import MainScreen


class WatchUpdate(Message):
    def __init__(self, key: str, event: Tick | Changed) -> None:
        super().__init__()
        self.key = key
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, WatchUpdate) and message.key == self.key
                and isinstance(message.event, Tick) and isinstance(self.event, Tick))


class Watching:
    """The screen's watched profiles and when each last ran."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.targets: dict[str, WatchTarget] = {}
        """Entry key -> what to probe."""
        self.pending: set[str] = set()
        self.states: dict[str, State] = {}
        self.last_run: dict[str, float] = {}
        self.timer: Timer | None = None
        """Repaints the ages in the sidebar once a second."""

    def __contains__(self, key: str) -> bool:
        """Watched, or about to be (its secrets being resolved): keys pressed in a burst
        see the watch they asked for a moment ago."""
        return key in self.targets or key in self.pending

    async def add(self, entries: list[Entry]) -> None:
        """Watch ``entries`` too (resolving their secrets: run it in a worker). The keys
        must already be in :attr:`pending`; one removed meanwhile is not added."""
        app = self.screen.smtp_app
        try:
            for entry in entries:
                config = await app.resolve_config(entry, send=False)
                interval = (entry.profile.watch_interval if entry.profile is not None
                            else None)
                if entry.key in self.pending:
                    self.targets[entry.key] = WatchTarget(entry.name, entry.client, config,
                                                          interval or DEFAULT_INTERVAL)
        finally:
            self.pending.difference_update(e.key for e in entries)
            self.restart()

    def remove(self, keys: list[str]) -> None:
        for key in keys:
            self.targets.pop(key, None)
            self.pending.discard(key)
            self.last_run.pop(key, None)
        self.restart()

    def restart(self) -> None:
        """(Re)start the one watch worker over every watched profile; states carry over,
        so a restart is not reported as a change."""
        screen = self.screen
        for worker in list(screen.workers):
            if worker.group == "watch":
                worker.cancel()
        if self.targets:
            screen.run_worker(self._run(dict(self.targets)), group="watch", exclusive=True,
                              exit_on_error=False)

    async def _run(self, targets: dict[str, WatchTarget]) -> None:
        from smtptui.watch.runner import watch

        keys = {t.profile: key for key, t in targets.items()}
        initial = {t.profile: self.states[k] for k, t in targets.items() if k in self.states}
        # The screen records each run in the history (as for `r`), with origin "watch".
        async for event in watch(list(targets.values()), initial=initial):
            self.screen.post_message(WatchUpdate(keys[event.profile], event))

    def seen(self, key: str, event: Tick | Changed) -> None:
        self.states[key] = event.state
        self.last_run[key] = time.monotonic()

    def ages(self) -> dict[str, str]:
        """Key -> "12s" / "3m" / "2h": how long ago each watched profile last ran."""
        now = time.monotonic()
        out = {}
        for key in self.targets:
            if key not in self.last_run:
                out[key] = "…"
                continue
            age = int(now - self.last_run[key])
            out[key] = (f"{age}s" if age < 120 else f"{age // 60}m" if age < 7200
                        else f"{age // 3600}h")
        return out
