"""The dashboard: profiles on the left, the selected probe on the right.

The screen holds the view state (entries, result states, marks, send mode) as reactives
bound into the sidebar; widgets post messages up; the app owns the profiles file, the
demo relays and secrets. Single probes run in the :class:`ProbeView`'s worker group
``probe``; ``a`` runs a whole client through :func:`probe_many` in group ``batch``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from smtptui.app import render
from smtptui.app.entries import Entry, file_key, nameserver_for
from smtptui.app.screens.help import HelpScreen, help_content
from smtptui.app.status import report_state
from smtptui.app.watching import Watching, WatchUpdate
from smtptui.app.widgets.client_overview import ClientOverview, Row, row_for
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from smtptui.app.widgets.footer import FittingFooter
from smtptui.app.widgets.history_pane import HistoryPane
from smtptui.app.widgets.probe_view import ProbeSource, ProbeView
from smtptui.app.widgets.sidebar import Sidebar
from smtptui.app.widgets.tls_pane import TlsPane
from smtptui.app.widgets.transcript import TranscriptView
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeReport
from smtptui.probe.sanitize import clean
from smtptui.profiles.errors import SecretError
from smtptui.profiles.model import Profile

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.command import Provider

    from smtptui.app.app import SmtpTuiApp
    from smtptui.app.dns_plan import DnsOutcome, DnsPlan
    from smtptui.app.screens.editor import Mode
    from smtptui.history.record import HistorySink, Recorded
    from smtptui.history.store import Run
    from smtptui.reports.files import SavePrompt

BATCH_CONCURRENCY = 10


def _profile_commands() -> type[Provider]:
    from smtptui.app.profile_commands import ProfileCommands  # only once the palette opens

    return ProfileCommands


class MainScreen(Screen[None]):
    """Sidebar + probe view + footer."""

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        _profile_commands}
    """"Run NAME" in the palette (with "did you mean …?" for a misspelt name)."""
    BINDINGS: ClassVar[list[BindingType]] = [  # the footer shows the first ones that fit
        Binding("r", "run", "Run", id="run", tooltip="Run the selected profile (or Enter)"),
        Binding("r", "run_sending", "Run+SEND", id="run-send"),  # the footer's run key in
        # send mode: the same run, labelled so nobody sends real mail unaware
        Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Cancel the running probe"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Keys and tips"),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit smtptui"),
        Binding("a", "run_all", "All", id="run-all",
                tooltip="Run every profile of the selected client at once"),
        Binding("slash", "filter", "Filter", id="filter", tooltip="Filter the profiles list"),
        Binding("n", "new", "New", id="new", tooltip="New profile (from a preset)"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit the selected profile"),
        Binding("c", "compare", "Compare", id="compare",
                tooltip="Compare the two marked profiles (mark with space)"),
        Binding("D,shift+d", "dns_checks", "DNS", id="dns",
                tooltip="DNS checks for this profile"),
        Binding("h", "headers", "Headers", id="headers", tooltip="Analyse message headers"),
        Binding("d", "duplicate", "Dup", id="duplicate",
                tooltip="Duplicate the selected profile"),
        Binding("delete", "delete", "Del", id="delete",
                tooltip="Delete the selected profile (asks first)"),
        Binding("s", "toggle_send", "Send", id="toggle-send",
                tooltip="Toggle sending a test message on the next runs"),
        Binding("y", "copy", "Copy", id="copy",
                tooltip="Copy the transcript to the clipboard (OSC 52, works over SSH)"),
        Binding("w", "save_report", "Save", id="save-report",
                tooltip="Save the report as JSON and plain text"),
        Binding("H,shift+h", "history", "History", id="history",
                tooltip="Past runs of this profile and what changed (History tab)"),
        Binding("T,shift+t", "tls", "TLS", id="tls",
                tooltip="TLS tab: inspect the selected profile's TLS (versions, weak ciphers, "
                "the chain as served, DANE) and what to change; again to leave"),
        Binding("I,shift+i", "inbound", "Inbound", id="inbound",
                tooltip="Inbound view of the profile's domain in the TLS tab: every MX on "
                "port 25, STARTTLS, certificates, MTA-STS, DANE"),
        Binding("z", "zoom", "Zoom", id="zoom",
                tooltip="Give the focused pane (transcript or diagnosis) the whole screen; "
                "Esc returns"),
        Binding("l", "toggle_wrap", "Wrap", id="wrap",
                tooltip="Wrap long transcript lines, or scroll them sideways"),
        Binding("W,shift+w", "watch", "Watch", id="watch",
                tooltip="Watch the selected profile or client: run it every N s (the "
                        "profile's watch_interval, else 60) and notify on a change; again to "
                        "stop"),
        Binding("ctrl+r", "reload", "Reload", id="reload", show=False,
                tooltip="Reload the profiles file (keeps the selection)"),
        Binding("enter", "run_now", "Run", show=False),
    ]

    entries: reactive[list[Entry]] = reactive(list, always_update=True)
    states: reactive[dict[str, str]] = reactive(dict, always_update=True)
    marked: reactive[frozenset[str]] = reactive(frozenset)
    changed: reactive[frozenset[str]] = reactive(frozenset)
    """Profiles whose last run differs from the run before (the sidebar marks them Δ)."""
    send_mode: reactive[bool] = reactive(False)

    class BatchResult(Message):
        def __init__(self, key: str, report: ProbeReport | None, problem: str = "") -> None:
            super().__init__()
            self.key = key
            self.report = report
            self.problem = problem

    class BatchEnded(Message):
        def __init__(self, keys: list[str], unfinished: list[str],
                     skipped: list[str] | None = None) -> None:
            super().__init__()
            self.keys = keys
            self.unfinished = unfinished
            self.skipped = skipped or []
            """Not run: a prompted secret was not given (their previous results stay)."""

    def __init__(self, *, source: ProbeSource | None = None) -> None:
        super().__init__()
        self._source = source
        self.selected: Entry | None = None
        self.selected_client: str | None = None
        self._dns_run = 0
        self._dns_running: tuple[str, DnsPlan] | None = None
        self.watching = Watching(self)

    @property
    def smtp_app(self) -> SmtpTuiApp:
        from smtptui.app.app import SmtpTuiApp

        assert isinstance(self.app, SmtpTuiApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Sidebar(id="sidebar").data_bind(MainScreen.entries, MainScreen.states,
                                              MainScreen.marked, MainScreen.changed)
        yield Static(id="send-badge", markup=False)
        yield ProbeView(source=self._source, id="probe")
        yield ClientOverview(id="client-overview")
        yield HistoryPane(id="history")
        yield TlsPane(id="tls-pane")
        yield FittingFooter(compact=True)

    @property
    def view(self) -> ProbeView:
        return self.query_one(ProbeView)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    def on_mount(self) -> None:
        self.query_one("#profiles").focus()
        self._show_selected()
        self._load_changed_marks()

    def entry(self, key: str | None) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    def watch_entries(self, entries: list[Entry]) -> None:
        keys = {e.key for e in entries}
        if self.marked - keys:
            self.marked = self.marked & keys
        stale = [k for k in self.states if k not in keys]
        if stale:
            self.states = {k: v for k, v in self.states.items() if k in keys}
        if self.selected is not None:
            self.selected = self.entry(self.selected.key)
        if self.is_mounted and not self.view.running:
            self._show_selected()

    def set_state(self, key: str, state: str | None) -> None:
        states = dict(self.states)
        if state is None:
            states.pop(key, None)
        else:
            states[key] = state
        self.states = states

    def _restore_state(self, key: str) -> None:
        report = self.smtp_app.results.get(key)
        self.set_state(key, report_state(report) if report else (
            "fail" if key in self.smtp_app.errors else None))

    # -- what the right side shows ----------------------------------------------------
    def _show_selected(self) -> None:
        self._show_selected_card()
        self._refresh_dns()

    def _show_selected_card(self) -> None:
        entry = self.selected
        view = self.view
        self._show_overview(entry is None and self._overview_rows() is not None)
        if entry is None:
            if not self.entries:
                view.show_content(None, render.message_card(
                    "No profiles yet",
                    "Press n to add a profile (from a provider preset), or open the command "
                    "palette (ctrl+p) and choose “Start the demo relays”.", severity="info"),
                    name="smtptui", summary="nothing to run")
            elif self.selected_client is not None:
                count = sum(1 for e in self.entries if e.client == self.selected_client)
                view.show_content(None, render.message_card(
                    self.selected_client,
                    f"{count} profile{'s' if count != 1 else ''}. Press a to run them all at "
                    "once, or pick one and press r.", severity="info"),
                    name=self.selected_client, summary="pick a profile")
            return
        app = self.smtp_app
        report = app.results.get(entry.key)
        if report is not None:
            view.show_report(entry.key, report, name=entry.name, detail=entry.target,
                             planned=app.planned.get(entry.key, ()))
            self._annotate(entry.key, report)
        elif entry.key in app.errors:
            view.show_problem(entry.key, "Could not start", app.errors[entry.key],
                              name=entry.name, detail=entry.target)
        else:
            view.show_content(entry.key, render.entry_card(entry, send=self.send_mode),
                              name=entry.name, detail=entry.target)

    # -- a client's overview ----------------------------------------------------------
    @property
    def overview(self) -> ClientOverview:
        """The client's table, added beside the probe view the first time it is needed
        (a DataTable costs start-up time for a view many sessions never open)."""
        from smtptui.app.widgets.client_overview import ClientOverview

        found = self.query(ClientOverview)
        if found:
            return found.first()
        overview = ClientOverview(id="client-overview")
        self.mount(overview, after=self.view)
        return overview

    def _overview_rows(self) -> list[Row] | None:
        """The selected client's rows, once one of its profiles has a result (else None)."""
        client = self.selected_client
        if client is None or self.selected is not None:
            return None
        app = self.smtp_app
        entries = [e for e in self.entries if e.client == client]
        if not any(e.key in app.results or e.key in app.errors for e in entries):
            return None
        return [row_for(e, app.results.get(e.key), app.errors.get(e.key)) for e in entries]

    def _show_overview(self, shown: bool) -> None:
        """The client's table in place of the probe view (or the probe view back)."""
        if not shown and not self.query("#client-overview"):
            return
        overview = self.overview
        if shown:
            rows = self._overview_rows()
            assert rows is not None and self.selected_client is not None
            overview.show(self.selected_client, rows)
        if self.has_class("-overview") != shown:
            if not shown and overview.has_focus:
                self.sidebar.profile_tree.focus()
            # a class, not inline display: the History and TLS tabs (classes too) must be
            # able to take the place of both the overview and the probe view
            self.set_class(shown, "-overview")

    def on_client_overview_open(self, message: ClientOverview.Open) -> None:
        self.sidebar.select_key(message.key)
        self.sidebar.profile_tree.focus()

    def _at_cursor(self) -> tuple[Entry | None, str | None]:
        """The profile (or client) under the tree's cursor right now.

        Keys arriving in one burst (slow SSH) run before the tree's highlight message is
        handled, so actions read the cursor itself rather than :attr:`selected`.
        """
        node = self.sidebar.profile_tree.cursor_node
        if node is None or node.is_root:
            self.selected, self.selected_client = None, None
        elif node.data:
            parent = node.parent
            self.selected = self.entry(node.data)
            self.selected_client = str(parent.label) if parent is not None else None
        else:
            self.selected, self.selected_client = None, str(node.label)
        return self.selected, self.selected_client

    def on_sidebar_highlighted(self, message: Sidebar.Highlighted) -> None:
        self.selected = self.entry(message.key)
        self.selected_client = message.client
        if self.send_mode:
            self._show_send_badge()
        if not self.view.running:
            self._show_selected()
        if self.has_class("-history"):
            self._load_history()
        pane_key = self.query_one(TlsPane).key or ""
        if self.has_class("-tls") and pane_key != f"tls:{message.key}" and (
                not pane_key.startswith("mx:") or message.key is None):
            self.remove_class("-tls")  # the tab was about another profile: show this one

    def on_sidebar_run_requested(self, message: Sidebar.RunRequested) -> None:
        entry = self.entry(message.key)
        if entry is not None:
            self._prepare_and_run(entry)

    def on_sidebar_mark_toggled(self, message: Sidebar.MarkToggled) -> None:
        self.marked = self.sidebar.profile_tree.marked

    # -- running ----------------------------------------------------------------------
    def action_run(self) -> None:
        entry, _ = self._at_cursor()
        if entry is None:
            self.notify("Pick a profile first.", severity="warning")
            return
        self.remove_class("-tls")  # a run is watched in the probe view
        self._prepare_and_run(entry)

    @work(exclusive=True, group="prepare", exit_on_error=False)
    async def _prepare_and_run(self, entry: Entry) -> None:
        from smtptui.probe.engine import planned_stages

        app = self.smtp_app
        view = self.view
        view.cancel()
        self.set_state(entry.key, "running")
        try:
            config = await app.resolve_config(entry, send=self.send_mode)
        except SecretError as exc:  # the password prompt was dismissed: run nothing
            self._restore_state(entry.key)
            self._show_selected()
            self.notify(f"{exc}: nothing was run.", title="Cancelled", timeout=4)
            return
        except BaseException:
            self._restore_state(entry.key)
            raise
        app.errors.pop(entry.key, None)
        app.planned[entry.key] = planned_stages(config)
        self._warn_send(entry, config)
        view.start(entry.key, config, name=entry.name, detail=entry.target)

    def _warn_send(self, entry: Entry, config: ProbeConfig) -> None:
        if self.send_mode and not config.send:
            self.notify(f"{entry.name}: no from/to address, so no test message is sent. "
                        "Set them with e.", severity="warning")

    def record_result(self, key: str, report: ProbeReport, origin: str | None = None) -> None:
        """Keep ``report`` as ``key``'s last result; show it if that profile is selected."""
        self.smtp_app.record(key, report)
        self.set_state(key, report_state(report))
        entry = self.entry(key)
        self._record_history(self.smtp_app.history, key, report,
                             entry.name if entry else key, entry.client if entry else "",
                             origin)
        if self.selected is None and self.selected_client is not None:
            self._show_overview(self._overview_rows() is not None)
        if self.selected is not None and self.selected.key == key and not self.view.running and (
                self.view.report is not report):
            self._show_selected()

    def on_probe_view_finished(self, message: ProbeView.Finished) -> None:
        self.record_result(message.key, message.report)

    def on_probe_view_stopped(self, message: ProbeView.Stopped) -> None:
        self._restore_state(message.key)

    def action_cancel(self) -> None:
        cancelled = self.view.cancel()
        for worker in list(self.workers):
            if worker.node is self and worker.group in ("prepare", "batch", "dns", "tls") and (
                    worker.is_running):
                worker.cancel()
                cancelled = True
        if cancelled:
            self.notify("Cancelled.", timeout=2)

    def action_run_all(self) -> None:
        _, client = self._at_cursor()
        if client is None:
            self.notify("Pick a client (or one of its profiles) first.", severity="warning")
            return
        entries = [e for e in self.entries if e.client == client]
        self.remove_class("-tls")
        self.run_entries(entries, f"Running {len(entries)} profile"
                         f"{'s' if len(entries) != 1 else ''} of {client} …")

    def run_entries(self, entries: list[Entry], say: str) -> None:
        """Run ``entries`` as one batch, saying ``say`` first."""
        if not entries:
            return
        self.notify(say, timeout=5)
        self._run_batch(entries)

    @work(exclusive=True, group="batch", exit_on_error=False)
    async def _run_batch(self, entries: list[Entry]) -> None:
        from smtptui.isolation import probe_many_in_process
        from smtptui.probe.engine import planned_stages

        app = self.smtp_app
        pending = [e.key for e in entries]
        skipped: list[str] = []
        for key in pending:
            self.set_state(key, "running")
        keys: list[str] = []
        configs: list[ProbeConfig] = []
        try:
            unanswered = await app.ask_batch(entries)  # one dialog for all prompted secrets
            for entry in entries:
                try:
                    if entry.key in unanswered:
                        raise SecretError("skipped")
                    configs.append(await app.resolve_config(entry, send=self.send_mode))
                    keys.append(entry.key)
                    app.planned[entry.key] = planned_stages(configs[-1])
                except SecretError:  # not run: its previous result stays
                    pending.remove(entry.key)
                    skipped.append(entry.key)
                    self._restore_state(entry.key)
            async for index, report in probe_many_in_process(configs, BATCH_CONCURRENCY):
                pending.remove(keys[index])
                self.post_message(self.BatchResult(keys[index], report))
        finally:
            self.post_message(self.BatchEnded([e.key for e in entries], pending, skipped))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in preparing or batching must not pass silently (nor crash the app)."""
        if event.state == WorkerState.ERROR and event.worker.group in (
                "prepare", "batch", "dns", "watch", "prepare-watch"):
            error = event.worker.error
            self.notify(clean(f"{type(error).__name__}: {error}"),
                        title="Internal error (the app keeps running)", severity="error",
                        timeout=10)

    def on_main_screen_batch_result(self, message: BatchResult) -> None:
        app = self.smtp_app
        if message.report is None:
            app.errors[message.key] = message.problem
            app.results.pop(message.key, None)
            self.set_state(message.key, "fail")
            if self.selected is not None and self.selected.key == message.key and (
                    not self.view.running):
                self._show_selected()
        else:
            self.record_result(message.key, message.report)

    def on_main_screen_batch_ended(self, message: BatchEnded) -> None:
        for key in message.unfinished:
            self._restore_state(key)
        if not message.unfinished:
            ran = [k for k in message.keys if k not in message.skipped]
            states = [self.states.get(k) for k in ran]
            failed = states.count("fail")
            skipped = (f", {len(message.skipped)} skipped (no secret given; previous "
                       "results kept)" if message.skipped else "")
            self.notify(f"Batch finished: {len(states) - failed} passed, {failed} failed"
                        f"{skipped}.", timeout=4)

    # -- watch (W) --------------------------------------------------------------------
    def action_watch(self) -> None:
        entry, client = self._at_cursor()
        entries = [entry] if entry is not None else [
            e for e in self.entries if client is not None and e.client == client]
        if not entries:
            self.notify("Pick a profile or a client to watch first.", severity="warning")
            return
        what = entries[0].name if entry is not None else client
        if all(e.key in self.watching for e in entries):
            self.watching.remove([e.key for e in entries])
            self.sidebar.profile_tree.notes = self.watching.ages()
            self.notify(f"Stopped watching {what}.", timeout=3)
            return
        new = [e for e in entries if e.key not in self.watching]
        self.watching.pending.update(e.key for e in new)
        self._start_watching(new, str(what))

    @work(group="prepare-watch", exit_on_error=False)
    async def _start_watching(self, entries: list[Entry], what: str) -> None:
        try:
            await self.watching.add(entries)
        except SecretError as exc:
            self.notify(f"{exc}: not watched.", title="Cancelled", timeout=4)
            return
        every = {t.interval for k, t in self.watching.targets.items()
                 if k in {e.key for e in entries}}
        self.notify(f"Watching {what} every {' / '.join(f'{s:g}' for s in sorted(every))} s. "
                    "Press W again to stop.", timeout=4)
        self.sidebar.profile_tree.notes = self.watching.ages()
        if self.watching.timer is None:
            self.watching.timer = self.set_interval(1.0, self._show_ages, name="watch-ages")

    def _show_ages(self) -> None:
        self.sidebar.profile_tree.notes = self.watching.ages()

    def on_watch_update(self, message: WatchUpdate) -> None:
        from smtptui.watch.events import Changed

        if message.key not in self.watching:
            return  # stopped meanwhile
        event = message.event
        self.watching.seen(message.key, event)
        if isinstance(event, Changed):
            if event.previous is not None:
                title = f"smtptui: {event.profile} {event.reason}"
                self.smtp_app.notify_terminal(title, event.state.summary or "")
                self.notify(event.state.summary or event.reason, title=title, markup=False,
                            severity="error" if event.state.status == "fail" else "information",
                            timeout=8)  # server text in the summary: never markup
            return
        self.record_result(message.key, event.report, origin="watch")
        self._show_ages()

    # -- profiles ---------------------------------------------------------------------
    def _editable(self, what: str) -> Entry | None:
        entry, _ = self._at_cursor()
        app = self.smtp_app
        if app.profile_file is None:
            self.notify("The profiles file could not be read, so it cannot be changed. "
                        "Fix it and restart.", severity="error")
            return None
        if entry is None:
            self.notify(f"Pick a profile to {what} first.", severity="warning")
            return None
        if entry.profile is None:
            self.notify("Demo profiles are built in: they cannot be edited, duplicated or "
                        "deleted. Press n for a profile of your own.", severity="warning")
            return None
        return entry

    def open_editor(self, entry: Entry | None, mode: Mode) -> None:
        from smtptui.app.screens.editor import ProfileEditor  # not needed for the first frame

        app = self.smtp_app
        if app.profile_file is None:
            self.notify("The profiles file could not be read, so it cannot be changed.",
                        severity="error")
            return
        names = set(app.profile_file.names())
        old = entry.profile.name if entry is not None and entry.profile is not None else None
        if mode == "edit" and old is not None:
            names.discard(old)
        clients = sorted({p.client for p in app.profile_file.profiles if p.client})
        template = entry.profile if entry is not None and mode != "new" else None
        client = self.selected_client if self.selected_client in clients else ""

        def saved(profile: Profile | None) -> None:
            if profile is None:  # closed unsaved: after a save conflict the file changed
                app.reload_if_changed()
            else:
                self.notify("Saved in the demo's temporary profiles file (removed when you "
                            "quit)." if app.temporary_profiles else
                            f"Saved to {app.profiles_path}", timeout=3)
                self.sidebar.select_key(file_key(profile.name))

        ns = nameserver_for(template.nameserver if template is not None else None)
        self.app.push_screen(ProfileEditor(template, mode=mode, taken=names, clients=clients,
                                           save=app.save_profile, client=client or "",
                                           nameserver=ns,
                                           dns_timeout=app.dns_timeout,
                                           dns_deadline=app.dns_deadline), saved)

    def action_new(self) -> None:
        self._at_cursor()
        self.open_editor(None, "new")

    def action_edit(self) -> None:
        entry = self._editable("edit")
        if entry is not None:
            self.open_editor(entry, "edit")

    def action_duplicate(self) -> None:
        entry = self._editable("duplicate")
        if entry is not None:
            self.open_editor(entry, "duplicate")

    def action_delete(self) -> None:
        entry = self._editable("delete")
        if entry is None:
            return
        app = self.smtp_app
        question = Content.assemble(
            "Delete the profile ", (entry.name, "bold"), " from ", app.profiles_label,
            "?\n\n", ("The previous file is kept as a .bak next to it.", "$text-muted"))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            shown = self.sidebar.visible_keys()
            at = shown.index(entry.key) if entry.key in shown else -1
            neighbour = (shown[at + 1] if at + 1 < len(shown) else
                         shown[at - 1] if at > 0 else None) if at >= 0 else None
            problem = app.delete_profile(entry.name)
            if problem:
                self.notify(problem, title="Not deleted", severity="error", timeout=8)
                return
            self.notify(f"Deleted {entry.name}.", timeout=3)
            if neighbour is not None:  # stay where you were, not at the top
                self.sidebar.select_key(neighbour)

        from smtptui.app.screens.confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_filter(self) -> None:
        self.sidebar.focus_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """r is "Run" or, while test messages are on, "Run+SEND" (in the footer too)."""
        if action == "run":
            return not self.send_mode
        if action == "run_sending":
            return self.send_mode
        return True

    def action_run_sending(self) -> None:
        self.action_run()

    def action_run_now(self) -> None:
        self.action_run()

    def watch_send_mode(self) -> None:
        self.refresh_bindings()
        self._show_send_badge()

    def _show_send_badge(self) -> None:
        """While test messages are on, a lasting line says so, and to whom."""
        badge = self.query_one("#send-badge", Static)
        badge.display = self.send_mode
        if not self.send_mode:
            return
        head = "⚠ TEST MESSAGES ON (s: off): runs send a real message"
        entry = self.selected
        source = (entry.profile or entry.config) if entry is not None else None
        if source is None:
            badge.update(f"{head}, to each profile's recipients.")
            return
        sender, rcpts = source.mail_from, list(source.rcpt_to)
        if sender and rcpts:
            badge.update(f"{head} from {clean(sender, 60)} to "
                         f"{clean(', '.join(rcpts), 120)}.")
        else:
            badge.update(f"{head}; {clean(entry.name if entry else '', 40)} has no from/to, "
                         "so it stops before DATA.")

    def action_toggle_send(self) -> None:
        self.send_mode = not self.send_mode
        if self.send_mode:
            self.notify("Test message ON: the next runs send a message (profiles with from "
                        "and to).", timeout=4)
        else:
            self.notify("Test message OFF: probes stop before DATA (unless a profile says "
                        "send = true).", timeout=4)
        if not self.view.running and self.view.report is None:
            self._show_selected()

    # -- output -----------------------------------------------------------------------
    def action_copy(self) -> None:
        text = self.view.transcript.text()
        if not text:
            self.notify("Nothing to copy yet: run a profile first.", severity="warning")
            return
        self.app.copy_to_clipboard(text + "\n")
        lines = text.count("\n") + 1
        self.notify(f"Copied {lines} transcript line{'s' if lines != 1 else ''} "
                    "to the clipboard (OSC 52).", timeout=3)

    def copy_as(self, tool: str) -> None:
        """Copy the selected profile as a ``swaks`` or ``openssl s_client`` command line
        (OSC 52): the next tools an admin reaches for. Secrets are never resolved for
        this: swaks gets the variable the password comes from (or ``$SMTP_PASSWORD``)."""
        from dataclasses import replace

        from smtptui.commands.probe import swaks_line
        from smtptui.commands.target_args import env_vars
        from smtptui.diagnose.render import s_client_command

        entry, _ = self._at_cursor()
        if entry is None:
            self.notify("Pick a profile first.", severity="warning")
            return
        if entry.profile is not None:
            config = replace(entry.profile, password=None, oauth_token=None).to_probe_config()
            secrets = env_vars(entry.profile)
        else:
            assert entry.config is not None
            config, secrets = entry.config, (None, None)
        if tool == "swaks":
            line = swaks_line(config, *secrets)
        elif config.tls == "none":
            self.notify(f"{entry.name} does not use TLS: there is no handshake to try.",
                        severity="warning")
            return
        else:
            line = s_client_command(config.host, config.port, config.tls,
                                    config.servername or "")
        self.app.copy_to_clipboard(line + "\n")
        self.notify(f"Copied (OSC 52): {line}", timeout=5)

    def action_save_report(self) -> None:
        report = self.view.report
        if report is None:
            self.notify("Nothing to save yet: run a profile first.", severity="warning")
            return
        from smtptui.app.screens.prompt import TextPrompt
        from smtptui.reports.files import pair_paths, slug

        name = slug(report.target.profile or report.target.host)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        default = Path.cwd() / f"smtptui-{name}-{stamp}.json"

        def done(answer: str | None) -> None:
            if answer:
                json_path, _ = pair_paths(Path(answer.strip()).expanduser())
                self.notify(f"Saved {json_path} and .txt", timeout=5)

        self.app.push_screen(TextPrompt(
            "Save the report", "JSON (the headless contract) and plain text, side by side:",
            value=str(default), ok="Save", on_submit=report_saver(report), path=True), done)

    def action_compare(self) -> None:
        now = self.sidebar.profile_tree.marked  # ahead of self.marked in a key burst
        marked = [k for k in self.sidebar.visible_keys() if k in now]
        marked += [k for k in now if k not in marked]
        first, second = (self.entry(k) for k in (marked + [None, None])[:2])
        if len(marked) != 2 or first is None or second is None:
            self.notify("Mark two profiles with space, then press c.", title="Compare",
                        severity="warning")
            return
        self.open_compare(first, second)

    def open_compare(self, first: Entry, second: Entry) -> None:
        """Compare two profiles side by side on the compare screen."""
        self._prepare_compare(first, second)

    @work(exclusive=True, group="prepare", exit_on_error=False)
    async def _prepare_compare(self, first: Entry, second: Entry) -> None:
        from smtptui.app.screens.compare import CompareScreen

        app = self.smtp_app
        try:
            a = await app.resolve_config(first, send=self.send_mode)
            b = await app.resolve_config(second, send=self.send_mode)
        except SecretError as exc:
            self.notify(f"{exc}: nothing was run.", title="Cancelled", timeout=4)
            return
        self.app.push_screen(CompareScreen((first.name, a), (second.name, b),
                                           source=app.probe_source))

    def action_help(self) -> None:
        from smtptui.app.screens.help import bound_keys, other_screens

        keys = bound_keys([b for b in self.BINDINGS if isinstance(b, Binding)
                           and b.action != "run"], [("r / Enter", "Run the selected profile")])
        self.app.push_screen(HelpScreen(help_content(
            keys, self.smtp_app.profiles_label, other_screens())))

    def action_zoom(self) -> None:
        """Maximise the focused pane (the transcript unless the diagnosis has the focus);
        z again or Esc restores the layout."""
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        pane: Widget = (focused if isinstance(focused, (TranscriptView, DiagnosticsPanel,
                                                        ClientOverview, TlsPane))
                        else self.view.transcript)
        self.maximize(pane, container=False)
        pane.focus()

    def action_toggle_wrap(self) -> None:
        transcript = self.view.transcript
        transcript.wrap = not transcript.wrap
        self.notify("Long lines wrap under their text." if transcript.wrap else
                    "Long lines scroll sideways (left/right in the transcript).", timeout=3)

    def action_reload(self) -> None:
        self.smtp_app.reload_profiles()

    def action_toggle_mark(self) -> None:
        self.sidebar.profile_tree.action_toggle_mark()

    def action_start_demo(self) -> None:
        self.smtp_app.start_demo_soon()

    def action_headers(self) -> None:
        from smtptui.app.screens.headers import HeaderScreen

        self.app.push_screen(HeaderScreen())

    # -- DNS checks -------------------------------------------------------------------
    def action_dns_checks(self) -> None:
        """Run the selected profile's DNS checks; the result shows as the DNS section."""
        entry, _ = self._at_cursor()
        if entry is None:
            self.notify("Pick a profile first.", severity="warning")
            return
        from smtptui.app.dns_plan import plan_for

        app = self.smtp_app
        plan = plan_for(entry, app.results.get(entry.key), timeout=app.dns_timeout)
        self._dns_run += 1
        self._dns_checks(self._dns_run, entry.key, plan)

    @work(exclusive=True, group="dns", exit_on_error=False)
    async def _dns_checks(self, run: int, key: str, plan: DnsPlan) -> None:
        from smtptui.app.dns_plan import DnsOutcome, run_checks

        app = self.smtp_app
        self._dns_running = (key, plan)
        self._refresh_dns(scroll=True)
        try:
            outcome = await run_checks(plan, app.dns_deadline)
        except asyncio.CancelledError:
            self._dns_ended(run, key, DnsOutcome(plan, "cancelled",
                                                 deadline_s=app.dns_deadline))
            raise
        except BaseException:
            self._dns_ended(run, key, None)
            raise
        self._dns_ended(run, key, outcome)
        self._notify_dns(outcome)

    def _dns_ended(self, run: int, key: str, outcome: DnsOutcome | None) -> None:
        if run != self._dns_run:
            return  # a newer run replaced this one
        self._dns_running = None
        if outcome is not None:
            self.smtp_app.dns_results[key] = outcome
        if self.is_attached:
            self._refresh_dns(scroll=True)

    def _notify_dns(self, outcome: DnsOutcome) -> None:
        from smtptui.app.dns_card import headline

        line = headline(outcome)
        self.notify(f"{outcome.plan.name}: {line.mark.plain}{line.text.plain}",
                    title="DNS checks", timeout=4)

    def _refresh_dns(self, *, scroll: bool = False) -> None:
        """Show the DNS section of the profile the probe view shows (or none)."""
        key = self.view.key
        card: render.Card | None = None
        if self._dns_running is not None and self._dns_running[0] == key:
            from smtptui.app.dns_card import running_card

            card = running_card(self._dns_running[1])
        elif key is not None and key in self.smtp_app.dns_results:
            from smtptui.app.dns_card import outcome_card

            card = outcome_card(self.smtp_app.dns_results[key])
        self.view.show_section(card, scroll=scroll and card is not None)


    # -- history ----------------------------------------------------------------------
    class HistoryRecorded(Message):
        def __init__(self, key: str, report: ProbeReport, recorded: Recorded | None) -> None:
            super().__init__()
            self.key, self.report, self.recorded = key, report, recorded

    class HistoryLoaded(Message):
        def __init__(self, key: str, name: str, runs: list[Run], problem: str = "") -> None:
            super().__init__()
            self.key, self.name, self.runs, self.problem = key, name, runs, problem

    @work(thread=True, group="history-record", exit_on_error=False)
    def _record_history(self, sink: HistorySink, key: str, report: ProbeReport, name: str,
                        client: str, origin: str | None = None) -> None:
        """In a thread (the sink is made on the app's thread, before)."""
        recorded = sink.record(report, profile=name, client=client, origin=origin)
        self.post_message(self.HistoryRecorded(key, report, recorded))

    def on_main_screen_history_recorded(self, message: HistoryRecorded) -> None:
        key, recorded = message.key, message.recorded
        if recorded is None:
            return
        self.smtp_app.recorded[key] = recorded
        from smtptui.history.changes import notable

        self.changed = (self.changed | {key} if notable(recorded.changes)
                        else self.changed - {key})
        view = self.view
        if view.key == key and view.report is message.report:
            self._annotate(key, message.report)
        if self.has_class("-history") and self.query_one(HistoryPane).key == key:
            self._load_history()

    def _annotate(self, key: str, report: ProbeReport) -> None:
        """What changed (from the history) under the shown report's headline."""
        recorded = self.smtp_app.recorded.get(key)
        if recorded is None or self.smtp_app.results.get(key) is not report:
            return
        lines = recorded.lines(failed=not report.ok)
        if lines:
            self.view.annotate([render.Bullet(Content.styled("Δ ", "bold $warning"),
                                              Content(line)) for line in lines])

    @work(thread=True, group="history-load", exit_on_error=False)
    def _load_changed_marks(self) -> None:
        """On start: mark the profiles whose last recorded run changed something."""
        app = self.smtp_app
        if not app.history_file.exists():
            return
        from smtptui.history.store import HistoryStore, HistoryUnavailable

        try:
            with HistoryStore.open(app.history_file, create=False) as store:
                newest = store.newest_per_profile()
        except HistoryUnavailable:
            return  # said when something is recorded or the History tab opens
        from smtptui.history.changes import Change, notable

        names = {name for name, run in newest.items()
                 if notable([Change.from_json(c) for c in run.changes])}
        self.app.call_from_thread(self._set_changed_names, names)

    def _set_changed_names(self, names: set[str]) -> None:
        keys = {e.key for e in self.entries if e.name in names}
        self.changed = self.changed | keys

    def action_history(self) -> None:
        """H: show (or leave) the History tab of the selected profile."""
        if self.has_class("-history"):
            self.remove_class("-history")
            self.query_one("#profiles").focus()
            return
        self._at_cursor()
        self.remove_class("-tls")
        self.add_class("-history")
        self._load_history()
        self.query_one(HistoryPane).focus_table()

    def _load_history(self) -> None:
        entry = self.selected
        pane = self.query_one(HistoryPane)
        if entry is None:
            pane.show_message(None, self.selected_client or "History",
                              "pick a profile to see its past runs")
            return
        self._history_runs(entry.key, entry.name)

    @work(thread=True, exclusive=True, group="history-load", exit_on_error=False)
    def _history_runs(self, key: str, name: str) -> None:
        from smtptui.history.store import HistoryStore, HistoryUnavailable

        path = self.smtp_app.history_file
        runs: list[Run] = []
        problem = ""
        if not path.exists():
            problem = "no runs recorded yet: press r to run it"
        else:
            try:
                with HistoryStore.open(path, create=False) as store:
                    runs = store.runs(profile=name, limit=HISTORY_ROWS, brief=True)
            except HistoryUnavailable as exc:
                problem = f"history unavailable: {exc}"
        self.post_message(self.HistoryLoaded(key, name, runs, problem))

    def on_main_screen_history_loaded(self, message: HistoryLoaded) -> None:
        if self.selected is None or self.selected.key != message.key:
            return  # the selection moved on meanwhile
        pane = self.query_one(HistoryPane)
        if message.problem:
            pane.show_message(message.key, message.name, message.problem)
        else:
            pane.show_runs(message.key, message.name, message.runs)

    def on_history_pane_open_run(self, message: HistoryPane.OpenRun) -> None:
        self._open_past(message.run)

    def on_history_pane_diff_run(self, message: HistoryPane.DiffRun) -> None:
        self._diff_past(message.run)

    def _past_report(self, run: Run) -> ProbeReport | None:
        """A past run's report (in a worker thread); a problem is notified."""
        from smtptui.history.store import HistoryStore, HistoryUnavailable

        try:
            with HistoryStore.open(self.smtp_app.history_file, create=False) as store:
                return store.report(run.id)
        except (HistoryUnavailable, ValueError) as exc:
            self.app.call_from_thread(self.notify, f"Run {run.id}: {exc}",
                                      title="History", severity="error")
        return None

    @work(thread=True, exclusive=True, group="history-open", exit_on_error=False)
    def _open_past(self, run: Run) -> None:
        report = self._past_report(run)
        if report is not None:
            self.app.call_from_thread(self._show_past, run, report)

    def _show_past(self, run: Run, report: ProbeReport) -> None:
        entry = self.selected
        if entry is None or entry.name != run.profile or self.view.running:
            return
        self.remove_class("-history")
        view = self.view
        view.show_report(entry.key, report, name=entry.name,
                         detail=f"past run of {run.when} · read-only")
        view.annotate([render.Bullet(Content.styled("◷ ", "bold $accent"), Content.assemble(
            (f"Past run of {run.when}", "bold"), f" (run {run.id}, recorded by {run.origin}). "
            "Read-only: r runs the profile now, H goes back to the history."))])
        view.transcript.focus()

    @work(thread=True, exclusive=True, group="history-open", exit_on_error=False)
    def _diff_past(self, run: Run) -> None:
        from smtptui.history.changes import diff_reports
        from smtptui.history.store import local_time
        from smtptui.history.text import describe_run

        entry = self.selected
        if entry is None:
            return
        old = self._past_report(run)
        if old is None:
            return
        current = self.smtp_app.results.get(entry.key)
        if current is not None:
            label = f"the current run ({local_time(current.started_at)})"
        else:
            pane = self.query_one(HistoryPane)
            newest = pane.runs[0] if pane.runs else None
            if newest is None or newest.id == run.id:
                self.app.call_from_thread(self.notify, "Nothing newer to compare with: press "
                                          "r to run the profile now.", severity="warning")
                return
            current = self._past_report(newest)
            label = f"the newest run ({newest.when})"
        if current is None:
            return
        changes = diff_reports(old, current)
        from smtptui.app.screens.history_diff import HistoryDiffScreen

        self.app.call_from_thread(self.app.push_screen,
                                  HistoryDiffScreen(describe_run(run), label, changes))


    # -- the TLS tab (T: TLS inspection, I: inbound view) -------------------------------
    def _tls_tab(self) -> TlsPane:
        pane = self.query_one(TlsPane)
        self.remove_class("-history")
        self.add_class("-tls")
        return pane

    def _leave_tls(self) -> bool:
        if not self.has_class("-tls"):
            return False
        self.remove_class("-tls")
        self.query_one("#profiles").focus()
        return True

    def action_tls(self) -> None:
        """T: the TLS tab for the selected profile (inspects it); T again leaves."""
        if self._leave_tls():
            return
        entry, _ = self._at_cursor()
        if entry is None:
            self.notify("Pick a profile first.", severity="warning")
            return
        from smtptui.app.tls_card import running_card

        target = tls_target(entry)
        pane = self._tls_tab()
        pane.show(f"tls:{entry.key}", running_card(
            f"inspecting the TLS of {target['host']} port {target['port']}"),
            title=f"TLS · {entry.name}")
        self._inspect_tls(f"tls:{entry.key}", entry.name, target)

    def action_inbound(self) -> None:
        """I: the inbound view of the selected profile's domain, in the TLS tab."""
        entry, _ = self._at_cursor()
        if entry is None:
            self.notify("Pick a profile first.", severity="warning")
            return
        target = tls_target(entry)
        domain = target["domain"]
        if not domain:
            self.notify("This profile has no From address (or login) with a domain: set "
                        "From with e.", severity="warning")
            return
        from smtptui.app.tls_card import running_card

        pane = self._tls_tab()
        pane.show(f"mx:{domain}", running_card(f"probing every MX of {domain} on port 25"),
                  title=f"Inbound · {domain}")
        self._inbound(f"mx:{domain}", domain, target["nameserver"])

    @work(exclusive=True, group="tls", exit_on_error=False)
    async def _inspect_tls(self, key: str, name: str, target: dict[str, Any]) -> None:
        from smtptui.app.tls_card import message_card, tls_card
        from smtptui.tlsscan.inspect import inspect
        from smtptui.tlsscan.target import TargetError

        try:
            report = await inspect(
                target["host"], target["port"], target["mode"],
                servername=target["servername"], cafile=target["cafile"],
                nameserver=target["nameserver"], timeout=min(target["timeout"], 10.0))
            card = tls_card(report)
        except TargetError as exc:
            card = message_card("TLS", f"cannot resolve the host: {exc}")
        except asyncio.CancelledError:
            self._tls_show(key, message_card("TLS", "cancelled; press T twice to run it "
                                                    "again"))
            raise
        self._tls_show(key, card)

    @work(exclusive=True, group="tls", exit_on_error=False)
    async def _inbound(self, key: str, domain: str, nameserver: str | None) -> None:
        from smtptui.app.tls_card import inbound_card, message_card
        from smtptui.tlsscan.inbound import InboundOptions, check_inbound

        try:
            report = await check_inbound(domain, InboundOptions(
                port=self.smtp_app.inbound_port, nameserver=nameserver,
                timeout=self.smtp_app.dns_timeout * 2))
        except asyncio.CancelledError:
            self._tls_show(key, message_card("Inbound", "cancelled; press I to run it again"))
            raise
        self._tls_show(key, inbound_card(report))

    def _tls_show(self, key: str, card: render.Card) -> None:
        pane = self.query_one(TlsPane)
        if pane.key == key:  # not replaced by a newer request meanwhile
            pane.show(key, card, title=pane.border_title or "TLS")


HISTORY_ROWS = 500
"""Past runs the History tab lists (the newest)."""


def report_saver(report: ProbeReport) -> SavePrompt:
    """Writes ``<stem>.json`` and ``<stem>.txt`` for the path typed (asking before it
    replaces anything); a one-line problem, or None when saved."""
    from smtptui.reports.files import SavePrompt, write_pair
    from smtptui.reports.text import render_text

    return SavePrompt(lambda base: write_pair(
        base, report.to_json(), render_text(report, color=False, verbose=True)))


def tls_target(entry: Entry) -> dict[str, Any]:
    """Where the TLS tab looks for ``entry``: host, port, mode, names, trust, resolver, and
    the domain of its From address (or login) for the inbound view."""
    source: Any = entry.config if entry.config is not None else entry.profile
    mode = source.tls if source.tls in ("starttls", "implicit") else (
        "implicit" if source.port == 465 else "starttls")
    sender = getattr(source, "mail_from", None) or getattr(source, "username", None) or ""
    return {"host": source.host, "port": source.port, "mode": mode,
            "servername": source.servername, "cafile": source.cafile,
            "nameserver": nameserver_for(source.nameserver),
            "timeout": float(source.timeout or 10.0),
            "domain": sender.rpartition("@")[2] if "@" in sender else ""}
