"""The palette's "Run NAME" commands: type a profile's name (or ``probe NAME`` /
``run NAME``, as on the command line) to select and run it. A misspelt name that matches
nothing gets "did you mean …?", as `smtptui probe` says it."""

from __future__ import annotations

from difflib import get_close_matches
from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content

from smtptui.probe.sanitize import clean

if TYPE_CHECKING:
    from smtptui.app.entries import Entry
    from smtptui.app.screens.main import MainScreen

VERBS = ("probe ", "run ")


def wanted_name(query: str) -> str:
    """The profile name in a palette query (``probe``/``run`` before it dropped)."""
    query = query.strip()
    for verb in VERBS:
        if query.casefold().startswith(verb):
            return query[len(verb):].strip()
    return query


class ProfileCommands(Provider):
    """One "Run NAME" command per profile of the main screen."""

    def _main(self) -> MainScreen | None:
        from smtptui.app.screens.main import MainScreen

        return self.screen if isinstance(self.screen, MainScreen) else None

    async def search(self, query: str) -> Hits:
        screen = self._main()
        name = wanted_name(query)
        if screen is None or not name:
            return
        matcher = self.matcher(name)
        found = False
        for entry in screen.entries:
            score = matcher.match(entry.name)
            if score > 0:
                found = True
                title = f"Run {clean(entry.name, 80)}"
                yield Hit(score, Content("Run ") + matcher.highlight(clean(entry.name, 80)),
                          partial(run_entry, screen, entry), text=title,
                          help=f"{clean(entry.client or 'no client', 40)} · {entry.target}")
        if found:
            return
        names = {e.name: e for e in screen.entries}
        close = get_close_matches(name, list(names), n=1, cutoff=0.8)
        if close:
            entry = names[close[0]]
            title = f"Did you mean {clean(entry.name, 80)}? Run it"
            yield Hit(0.5, Content(title), partial(run_entry, screen, entry), text=title,
                      help=f"No profile is called {clean(name, 40)}")


def run_entry(screen: MainScreen, entry: Entry) -> None:
    """Select ``entry`` in the sidebar and run it (as ``r`` would)."""
    if entry.key not in screen.sidebar.visible_keys():
        screen.notify(f"{clean(entry.name, 60)} is hidden by the filter: clear it (/, then "
                      "Esc) to run it.", severity="warning")
        return
    screen.sidebar.select_key(entry.key)
    screen.action_run()
