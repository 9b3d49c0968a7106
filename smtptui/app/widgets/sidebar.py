"""The sidebar: a filter box and the profiles tree, grouped by client, with result glyphs.

State flows in through reactives (``entries``, ``states``, ``marked``); the sidebar
posts :class:`Sidebar.Highlighted`, :class:`Sidebar.RunRequested` and
:class:`Sidebar.MarkToggled` up to the screen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from smtptui.app.entries import Entry, grouped
from smtptui.app.status import glyph
from smtptui.app.widgets.text_input import Input
from smtptui.probe.sanitize import clean

MARK = "◆"
CHANGED = "Δ"
"""After a profile's name: its last run differs from the one before (see the History tab)."""
FILTER_DELAY = 0.12
"""Seconds of quiet in the filter box before the list follows it: rebuilding a
1,000-profile tree takes tens of ms, so it happens once per pause, not once per key
(leaving the box with Enter, Down or Esc applies it at once)."""


class ProfileTree(Tree[str]):
    """Client nodes hold ``""``; profile leaves hold their entry key."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "profiles--pass", "profiles--warn", "profiles--fail", "profiles--running",
        "profiles--mark", "profiles--client",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "Mark", tooltip="Mark for compare", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("profiles", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.states: dict[str, str] = {}
        self.marked: frozenset[str] = frozenset()
        self.changed: frozenset[str] = frozenset()
        """Profiles whose last result differs from the run before (marked ``Δ``)."""
        self._notes: dict[str, str] = {}

    @property
    def notes(self) -> dict[str, str]:
        """Key -> a short note after the name (a watched profile's age)."""
        return self._notes

    @notes.setter
    def notes(self, notes: dict[str, str]) -> None:
        if notes != self._notes:
            self._notes = notes
            self.refresh_labels()

    def refresh_labels(self) -> None:
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            node.refresh()
            stack.extend(node.children)

    def _style(self, name: str) -> Style:
        try:
            return self.get_component_rich_style(name, partial=True)
        except KeyError:  # styles are not there before the widget is mounted
            return Style()

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        if node.allow_expand or not node.data:
            label = Text(str(node.label))
            label.stylize(style + self._style("profiles--client"))
            prefix = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((prefix, base_style), label)
        key = node.data
        state = self.states.get(key, "")
        mark_style = self._style("profiles--mark")
        state_style = self._style(f"profiles--{state}") if state in (
            "pass", "warn", "fail", "running") else Style()
        label = Text(str(node.label))
        label.stylize(style)
        note = f" ⟳{self._notes[key]}" if key in self._notes else ""
        # a profile sits one guide in; a name too long for the sidebar ends in "…"
        changed = key in self.changed
        room = (self.scrollable_content_region.width - self.guide_depth - 3 - 2 * changed
                - len(note))
        if room > 1 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        return Text.assemble(
            (MARK if key in self.marked else " ", base_style + mark_style),
            (glyph(state) if state else " ", base_style + state_style),
            " ",
            label,
            (f" {CHANGED}" if changed else "", base_style + mark_style),
            (note, base_style + self._style("profiles--client")),
        )

    def action_select_cursor(self) -> None:
        node = self.cursor_node
        if node is not None and node.data:
            self.post_message(Sidebar.RunRequested(node.data))
        else:
            super().action_select_cursor()

    def action_toggle_mark(self) -> None:
        node = self.cursor_node
        if node is not None and node.data:
            self.marked = self.marked ^ {node.data}  # at once: a burst's next key sees it
            node.refresh()
            self.post_message(Sidebar.MarkToggled(node.data))
        elif node is not None:
            node.toggle()


class FilterInput(Input):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear", "Clear the filter", show=False),
        Binding("down", "leave", "Back to the list", show=False),
    ]

    def action_leave(self) -> None:
        self.screen.query_one(Sidebar).apply_filter()
        self.screen.query_one(ProfileTree).focus()

    def action_clear(self) -> None:
        """Esc: clear the filter and go back to the list."""
        self.value = ""
        self.action_leave()


class Sidebar(Vertical):
    """Filter box + profiles tree."""

    entries: reactive[list[Entry]] = reactive(list, always_update=True)
    states: reactive[dict[str, str]] = reactive(dict, always_update=True)
    marked: reactive[frozenset[str]] = reactive(frozenset)
    changed: reactive[frozenset[str]] = reactive(frozenset)
    filter_text: reactive[str] = reactive("")
    _filter_timer: Timer | None = None

    class Highlighted(Message):
        def __init__(self, key: str | None, client: str | None) -> None:
            super().__init__()
            self.key = key
            self.client = client

    class RunRequested(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class MarkToggled(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="/ filter", id="filter", compact=True)
        yield Static(id="no-match", markup=False)
        yield ProfileTree(id="profiles")

    @property
    def profile_tree(self) -> ProfileTree:
        return self.query_one(ProfileTree)

    def on_mount(self) -> None:
        self._rebuild()

    def watch_entries(self) -> None:
        if self.is_mounted:
            self._rebuild()

    def watch_filter_text(self) -> None:
        if self.is_mounted:
            self._rebuild()

    def watch_states(self, states: dict[str, str]) -> None:
        if self.is_mounted:
            self.profile_tree.states = states
            self._refresh_labels()

    def watch_marked(self, marked: frozenset[str]) -> None:
        if self.is_mounted:
            self.profile_tree.marked = marked
            self._refresh_labels()

    def watch_changed(self, changed: frozenset[str]) -> None:
        if self.is_mounted:
            self.profile_tree.changed = changed
            self._refresh_labels()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self.apply_filter)

    def apply_filter(self) -> None:
        """Make the list follow what the filter box says now."""
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None
        self.filter_text = self.query_one(FilterInput).value

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.apply_filter()
        self.profile_tree.focus()

    def focus_filter(self) -> None:
        """Focus the filter now (not later): keys typed right after ``/`` go into it."""
        self.screen.set_focus(self.query_one(FilterInput))

    def _refresh_labels(self) -> None:
        self.profile_tree.refresh_labels()

    def _rebuild(self) -> None:
        """Rebuild the tree for the current entries and filter, keeping the cursor's profile."""
        tree = self.profile_tree
        tree.states, tree.marked, tree.changed = self.states, self.marked, self.changed
        current = tree.cursor_node.data if tree.cursor_node is not None else None
        tree.clear()
        tree.cursor_line = -1
        line, target, first = 0, -1, -1
        for client, entries in grouped(self.entries, self.filter_text).items():
            group = tree.root.add(Text(client), data="", expand=True)
            line += 1
            for entry in entries:
                group.add_leaf(Text(entry.name), data=entry.key)
                if entry.key == current:
                    target = line
                if first < 0:
                    first = line
                line += 1
        target = target if target >= 0 else first
        no_match = self.query_one("#no-match", Static)
        no_match.display = bool(self.entries) and first < 0
        if no_match.display:
            no_match.update(f"no profile matches '{clean(self.filter_text)}' (Esc clears)")
        if target >= 0:
            tree.cursor_line = target
        else:
            self.post_message(self.Highlighted(None, None))

    @on(Tree.NodeHighlighted, "#profiles")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        event.stop()
        node = event.node
        if node.data:
            parent = node.parent
            client = str(parent.label) if parent is not None else None
            self.post_message(self.Highlighted(node.data, client))
        else:
            self.post_message(self.Highlighted(None, str(node.label)))

    @on(Tree.NodeSelected, "#profiles")
    def _selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()

    def select_key(self, key: str) -> None:
        """Put the tree's cursor on profile ``key`` (if it is shown)."""
        tree = self.profile_tree
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is not None and node.data == key:
                tree.cursor_line = line
                tree.scroll_to_line(line)
                return

    def visible_keys(self) -> list[str]:
        """Keys of the profiles the tree shows now, top to bottom."""
        groups = grouped(self.entries, self.filter_text)
        return [e.key for entries in groups.values() for e in entries]
