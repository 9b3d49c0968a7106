"""The smtptui App: owns the profiles file, the demo relays, results and prompted secrets.

Screens show and ask; the app reads and writes. Nothing here draws.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import SimpleCommand
from textual.dom import DOMNode
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen

from smtptui.app.entries import Entry, file_key, from_demo, from_file
from smtptui.app.key_order import OrderedKeys
from smtptui.app.screens.error import ProfilesErrorScreen
from smtptui.app.screens.help import key_label
from smtptui.app.screens.main import MainScreen
from smtptui.app.screens.welcome import WelcomeScreen
from smtptui.app.settled_mounts import SettledMounts
from smtptui.app.widgets.probe_view import ProbeSource
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.events import ProbeReport
from smtptui.probe.sanitize import clean
from smtptui.profiles.errors import ProfilesError, SecretError, TokenUnavailable
from smtptui.profiles.secrets import PromptSource
from smtptui.profiles.store import (
    ProfileFile,
    check_literal_secrets,
    load_or_empty,
    modify,
)

if TYPE_CHECKING:
    from smtptui.app.dns_plan import DnsOutcome
    from smtptui.app.screens.compare import CompareScreen
    from smtptui.demo.embedded import Demo
    from smtptui.history.record import HistorySink, Recorded
    from smtptui.probe.report_json import ReadReport

DEMO_CLIENT = "Demo (loopback relays)"
PROMPTED = (("password", "password"), ("oauth_token", "OAuth token"))
"""The secrets a profile may ask for when it runs (``{ prompt = true }``)."""


def demo_intro(*, temporary_profiles: bool) -> str:
    """What the demo says as its three profiles start running."""
    return ("Running the three demo profiles: a healthy relay and two diagnosed failures."
            + (" Profiles you add (n) go to a temporary file." if temporary_profiles
               else " Pick one to read its run."))


_FROZEN = False


def gc_after_start() -> None:
    """Turn the garbage collector back on. The first time in a process, the objects made
    while starting (modules, the profiles, the first screen: ~100,000) are moved out of
    its reach first (``gc.freeze``): its full passes, every few hundred ms of work
    (opening the editor), then scan what changed since, not all of them again (30-65 ms
    each on a 1,000-profile file)."""
    import gc

    global _FROZEN
    if not _FROZEN:  # once: a test process starts many apps, whose garbage is not frozen
        _FROZEN = True
        gc.freeze()
    gc.enable()


class SmtpTuiApp(OrderedKeys, SettledMounts, App[int]):
    """The dashboard. Build it with :func:`smtptui.app.launch.make_app`."""

    CSS_PATH = "smtptui.tcss"
    TITLE = "smtptui"
    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"), (100, "-medium"), (150, "-wide"),
    ]

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Notifications never interpret markup, whoever asks: they carry profile names,
        error text, a password command's stderr, server and DNS text. An identical toast
        still on screen is replaced, not stacked (e, d, Delete on a demo profile)."""
        for shown in list(self._notifications):  # the same toast again: one, shown anew
            if (shown.message, shown.title, shown.severity) == (message, title, severity):
                self._unnotify(shown, refresh=False)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """A widget that finds its parts gone because the app is exiting (``q``, SIGTERM,
        SIGHUP right as a screen mounts: its ``on_mount`` queries a child already pruned)
        is no error to report: Textual would print it as a traceback over the shell and
        exit 1. Anything else, or while the app runs, is reported as Textual does."""
        from textual.css.query import NoMatches
        from textual.worker import WorkerFailed

        cause = error.error if isinstance(error, WorkerFailed) else error  # (the palette's)
        if self._exit and isinstance(cause, NoMatches):
            return
        super()._handle_exception(error)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Restyle ``node`` (its classes changed) only once it is in the DOM.

        Textual restyles a widget (and its children) at once whenever a class changes,
        even while it is still being built: ``Input(compact=True)``, ``Select``,
        ``Button``, ``Checkbox`` set their compact class in their constructors, so each
        was styled once there and again when mounted (registering applies the stylesheet
        to every new widget anyway) -- two fifths of opening the editor. Textual once
        skipped unmounted nodes (https://github.com/Textualize/textual/pull/3837); its
        ``update_styles`` no longer does.
        """
        if node is not self and node not in self._registry:
            return  # styled when it is registered (mounted)
        super().update_styles(node, animate)

    def action_help_quit(self) -> None:
        """ctrl+c: say how to quit (Textual's own notice is markup, which ours never is)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit the app.", title="Do you want to quit?")
                return

    def __init__(self, profiles_path: Path, *, demo: bool = False,
                 source: ProbeSource | None = None, history: Path | None = None,
                 record_history: bool = True, viewing: tuple[ReadReport, str] | None = None,
                 temporary_profiles: bool = False) -> None:
        super().__init__()
        self.viewing = viewing
        """A saved report to show read-only instead of the dashboard (``smtptui open``)."""
        self.profiles_path = profiles_path
        self.temporary_profiles = temporary_profiles
        """The profiles file is the demo's own, removed when it ends (not the user's)."""
        self.history_path = history
        """The history database (None: ``$SMTPTUI_HISTORY`` or the state dir)."""
        self.record_history = record_history
        self._history_sink: HistorySink | None = None
        self.recorded: dict[str, Recorded] = {}
        """What recording each entry's last run found out (what changed), by key."""
        self.want_demo = demo
        self.probe_source = source
        self.profile_file: ProfileFile | None = None
        self.load_error: ProfilesError | None = None
        self.demo: Demo | None = None
        self.results: dict[str, ProbeReport] = {}
        """The last report of each entry this session."""
        self.planned: dict[str, list[str]] = {}
        """The stages each entry's last run planned (its strip shows them when revisited)."""
        self.errors: dict[str, str] = {}
        """Why an entry could not run (a missing secret), by key."""
        self._prompted: dict[tuple[str, str], Secret] = {}
        self._demo_starting = False
        self.use_mouse = True
        """Mouse reporting on (``--no-mouse`` turns it off); applied by ``run_app``."""
        self.dns_results: dict[str, DnsOutcome] = {}
        """The last DNS checks (:class:`~smtptui.app.dns_plan.DnsOutcome`) of each entry."""
        self.dns_timeout = 5.0
        """Seconds one DNS lookup may take (checks and discovery)."""
        self.inbound_port = 25
        """The MX port the inbound view (I) probes; tests point it at a loopback relay."""
        self.dns_deadline = 30.0
        """Seconds all DNS checks of one profile (or one discovery) may take."""
        self.last_headers = ""
        """The text last analysed on the header screen (shown again when it reopens)."""
        if viewing is None:
            self.read_profiles()

    # -- screens ----------------------------------------------------------------------
    def get_default_screen(self) -> Screen[None]:
        if self.viewing is not None:
            from smtptui.app.screens.report_view import ReportScreen

            return ReportScreen(*self.viewing)
        return MainScreen(source=self.probe_source)

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    colour_system: str | None = None
    """Rich's name for the terminal's colours ("truecolor", "256", "standard"); None:
    what the console detected (tests set it to see a 16-colour terminal's theme)."""

    def _pick_theme(self) -> None:
        from smtptui.app.theme import LOW_COLOUR, theme_for

        # headless (tests, snapshots): only what the test asks for, never the host's TERM
        detected = None if self.is_headless else self.console.color_system
        name = theme_for(self.colour_system or detected)
        if name is not None:
            self.register_theme(LOW_COLOUR)
            self.theme = name

    collect_after_first_frame = False
    """Turn the garbage collector back on once the first frame is painted
    (:func:`~smtptui.app.launch.make_app` turns it off while the app starts)."""

    def on_ready(self) -> None:
        """The first frame is painted: collect garbage again (see :func:`gc_after_start`)."""
        if self.collect_after_first_frame:
            self.collect_after_first_frame = False
            gc_after_start()

    async def on_mount(self) -> None:
        self._pick_theme()
        if self.viewing is not None:
            return
        self.main.entries = self.entries()
        if self.load_error is not None:
            self.push_screen(ProfilesErrorScreen(str(self.profiles_path), self.load_error))
            if self.want_demo:
                await self.start_demo()
        elif self.want_demo:
            await self.start_demo()
        elif not self.entries():
            self.push_screen(WelcomeScreen(str(self.profiles_path)))

    async def on_unmount(self) -> None:
        self.on_ready()  # never painted (closed at once): the collector still comes back on
        # A password command still running would hold the app's exit until its timeout
        # (asyncio waits for the thread that runs it): it is killed with the app.
        if "smtptui.profiles.command" in sys.modules:
            sys.modules["smtptui.profiles.command"].stop_all()
        await self.stop_demo()
        self._prompted.clear()
        if self._history_sink is not None:
            self._history_sink.close()

    # -- history ----------------------------------------------------------------------
    @property
    def history_file(self) -> Path:
        from smtptui.locations import history_path

        return self.history_path if self.history_path is not None else history_path()

    @property
    def history(self) -> HistorySink:
        """Where runs are recorded (opened on first use; never raises)."""
        if self._history_sink is None:
            from smtptui.history.record import HistorySink

            self._history_sink = HistorySink(self.history_file, origin="app",
                                             enabled=self.record_history,
                                             warn=self._history_problem)
        return self._history_sink

    @property
    def profiles_label(self) -> str:
        """The profiles file as the screen names it."""
        if self.temporary_profiles:
            return f"{self.profiles_path} (the demo's own, removed when you quit)"
        return str(self.profiles_path)

    def _history_problem(self, line: str) -> None:
        """Said once (the sink stops trying): from a worker thread or the app's own."""
        def say() -> None:
            self.notify(f"{line}. Probes still run; nothing more is recorded this session.",
                        title="History", severity="warning", timeout=8)

        if threading.current_thread() is threading.main_thread():
            say()
        else:
            self.call_from_thread(say)

    def on_compare_screen_finished(self, message: CompareScreen.Finished) -> None:
        """Both sides of a comparison go into the history, like `smtptui compare`."""
        comparison = message.comparison
        by_name = {e.name: e for e in self.entries()}
        runs = [(side.name, r) for side in (comparison.a, comparison.b) for r in side.reports]
        self.run_worker(partial(self._record_all, self.history, runs, by_name), thread=True,
                        group="history-record", exit_on_error=False)

    @staticmethod
    def _record_all(sink: HistorySink, runs: list[tuple[str, ProbeReport]],
                    by_name: dict[str, Entry]) -> None:
        for name, report in runs:
            entry = by_name.get(name)
            sink.record(report, profile=name, client=entry.client if entry else None,
                        origin="app")

    async def on_welcome_screen_choice(self, message: WelcomeScreen.Choice) -> None:
        if isinstance(self.screen, WelcomeScreen):
            self.pop_screen()
        if message.choice == "demo":
            await self.start_demo()
        elif message.choice == "new":
            self.main.action_new()

    def on_profiles_error_screen_reload(self) -> None:
        self.read_profiles()
        screen = self.screen
        if self.load_error is None:
            if isinstance(screen, ProfilesErrorScreen):
                self.pop_screen()
            self.main.entries = self.entries()
            self.notify(f"Loaded {self.profiles_path}", timeout=3)
        elif isinstance(screen, ProfilesErrorScreen):
            screen.update_error(self.load_error)
            self.notify("Still invalid.", severity="error", timeout=3)

    def reload_profiles(self) -> None:
        """Re-read the profiles file now; an invalid file opens the error screen."""
        self.read_profiles()
        if self.load_error is not None:
            if not isinstance(self.screen, ProfilesErrorScreen):
                self.push_screen(ProfilesErrorScreen(str(self.profiles_path), self.load_error))
            return
        self.main.entries = self.entries()
        if not self.profiles_path.exists():
            self.notify(f"{self.profiles_path} does not exist (yet): nothing to reload. "
                        "Press n to add a profile (that creates it).", severity="warning",
                        timeout=5)
            return
        self.notify(f"Reloaded {self.profiles_path}", timeout=3)

    async def on_profiles_error_screen_demo_only(self) -> None:
        if isinstance(self.screen, ProfilesErrorScreen):
            self.pop_screen()
        await self.start_demo()

    def reload_if_changed(self) -> bool:
        """Re-read the profiles file if it changed on disk since it was read (another
        program or window saved it); whether it did. The editor, closed after a save
        conflict showed such a change, calls this so the list is not left stale."""
        from smtptui.profiles.atomic import fingerprint

        if self.profile_file is None:
            return False
        try:
            now = fingerprint(self.profiles_path)
        except OSError:  # unreadable now: the next explicit reload says why
            return False
        if now == self.profile_file.fingerprint:
            return False
        self.read_profiles()
        if self.load_error is not None:
            self.push_screen(ProfilesErrorScreen(str(self.profiles_path), self.load_error))
            return True
        self.main.entries = self.entries()
        self.notify(f"{self.profiles_path} changed on disk: the list shows it as it is now.",
                    timeout=5)
        return True

    # -- the model --------------------------------------------------------------------
    def read_profiles(self) -> None:
        """(Re)read the profiles file; a problem is kept in :attr:`load_error`."""
        try:
            self.profile_file = load_or_empty(self.profiles_path)
            self.load_error = None
        except ProfilesError as exc:
            self.profile_file, self.load_error = None, exc
        if self.profile_file is not None:
            for warning in self.profile_file.warnings[:3]:
                self.notify(warning, title="Profiles file", severity="warning", timeout=8)

    def entries(self) -> list[Entry]:
        demo = from_demo(self.demo.targets, DEMO_CLIENT) if self.demo is not None else []
        return from_file(self.profile_file) + demo

    def _changed(self, pf: ProfileFile) -> None:
        self.profile_file = pf
        self.main.entries = self.entries()

    def save_profile(self, old_name: str | None, profile: object,
                     expected: object = None, known: Iterable[str] = ()) -> str | None:
        """Add (``old_name`` None) or replace a profile, re-reading the file under its lock.

        With ``expected`` (the profile as the editor was opened with it; ``known``: the
        file's names then, to follow a rename), the save is refused with
        :class:`~smtptui.app.screens.editor_merge.ProfileChanged` (raised, for the editor
        to merge) if someone changed that profile in the file meanwhile. Returns a
        one-line problem, or None when saved.
        """
        from smtptui.app.screens.editor_form import inherited_problem
        from smtptui.app.screens.editor_merge import ProfileChanged, check_unchanged
        from smtptui.profiles.model import Profile

        assert isinstance(profile, Profile)
        names = set(known)

        def change(pf: ProfileFile) -> None:
            if old_name is not None and isinstance(expected, Profile):
                check_unchanged(pf, expected, names)
            inherited_problem(pf, profile)
            if old_name is None:
                pf.add(profile)
            else:
                pf.replace(old_name, profile)

        try:
            saved = modify(self.profiles_path, change)
        except ProfileChanged:
            raise
        except ProfilesError as exc:
            return str(exc)
        except OSError as exc:  # e.g. the lock file's folder is not writable
            return f"{self.profiles_path}: cannot write: {exc.strerror or type(exc).__name__}"
        if old_name is not None:  # an edited profile's old result no longer applies
            self._forget(file_key(old_name))
        self._changed(saved)
        return None

    def _forget(self, key: str) -> None:
        self.results.pop(key, None)
        self.planned.pop(key, None)
        self.errors.pop(key, None)
        self.dns_results.pop(key, None)
        self.main.set_state(key, None)

    def delete_profile(self, name: str) -> str | None:
        try:
            saved = modify(self.profiles_path, lambda pf: pf.remove(name))
        except ProfilesError as exc:
            return str(exc)
        except OSError as exc:
            return f"{self.profiles_path}: cannot write: {exc.strerror or type(exc).__name__}"
        self._forget(file_key(name))
        self._changed(saved)
        return None

    def record(self, key: str, report: ProbeReport) -> None:
        self.results[key] = report
        self.errors.pop(key, None)
        failed = report.failed_stage
        if failed is not None and failed.stage == "auth":
            for which in ("password", "oauth_token"):
                self._prompted.pop((key, which), None)  # let the user type it again

    def notify_terminal(self, title: str, body: str) -> None:
        """Bell plus a desktop notification through the terminal (OSC 777 and OSC 9),
        written the way Textual writes its own OSC 52 (``copy_to_clipboard``)."""
        import os

        from smtptui.watch.notify import terminal_notification

        if self._driver is not None:
            self._driver.write(terminal_notification(title, body,
                                                     tmux=bool(os.environ.get("TMUX"))))

    # -- demo relays ------------------------------------------------------------------
    async def start_demo(self) -> None:
        """Start the loopback relays in this event loop and list their profiles."""
        if self.demo is not None or self._demo_starting:
            return
        self._demo_starting = True
        try:
            from smtptui.demo.embedded import start_demo

            self.demo = await start_demo()
        except Exception as exc:  # e.g. no loopback: say so, keep running
            self.notify(f"The demo relays could not start: {exc}", severity="error")
            return
        finally:
            self._demo_starting = False
        self.main.entries = self.entries()
        # The demo's promise (a green run and two diagnosed failures, nothing to press):
        # its profiles run at once, and the screen says so.
        self.main.run_entries([e for e in self.main.entries if e.client == DEMO_CLIENT],
                              demo_intro(temporary_profiles=self.temporary_profiles))

    def start_demo_soon(self) -> None:
        self.run_worker(self.start_demo(), group="demo", exclusive=True)

    async def stop_demo(self) -> None:
        if self.demo is not None:
            demo, self.demo = self.demo, None
            await demo.stop()

    # -- secrets ----------------------------------------------------------------------
    async def resolve_config(self, entry: Entry, *, send: bool) -> ProbeConfig:
        """The probe for ``entry``, its secrets resolved (asking for prompted ones).

        Must run in a worker (a prompt waits for its modal). A secret that cannot be read
        (unset variable, failing command) leaves the probe to stop at AUTH with the reason;
        a prompt left unanswered raises :class:`SecretError`.
        """
        if entry.config is not None:
            config = entry.config
        else:
            profile = entry.profile
            assert profile is not None
            if self.profile_file is not None:
                try:  # the same rule as the command line: no plain-text secret others can read
                    check_literal_secrets(self.profile_file, [profile])
                except ProfilesError as exc:
                    raise SecretError(str(exc)) from None
            answers: list[Secret] = []
            for which, what in PROMPTED:
                if isinstance(getattr(profile, which), PromptSource):
                    answers.append(await self._ask(entry, which, what))
            queue = iter(answers)
            problems: list[SecretError] = []
            config = await asyncio.to_thread(
                profile.to_probe_config, prompt=lambda _question: next(queue).reveal(),
                problems=problems)
            for problem in problems:  # in full here (a command's stderr), brief in reports
                oauth = isinstance(problem, TokenUnavailable)  # before connecting, say so
                self.notify(f"{problem}" + (" (e, then Sign in…)" if oauth else "")
                            + ". Testing everything up to AUTH.",
                            title="OAuth sign-in needed" if oauth else "Missing secret",
                            severity="warning", timeout=8)
        if send and not config.send and config.mail_from and config.rcpt_to:
            config = replace(config, send=True)
        return config

    async def ask_batch(self, entries: list[Entry]) -> set[str]:
        """Ask, in one dialog, for every prompted secret of ``entries`` not known yet.

        Must run in a worker. Returns the keys of the profiles whose secret was not
        given (skipped: they are not run and keep their previous result).
        """
        from smtptui.app.screens.batch_secrets import Ask, BatchSecrets

        asks: list[Ask] = []
        for entry in entries:
            profile = entry.profile
            if profile is None:
                continue
            for which, what in PROMPTED:
                if isinstance(getattr(profile, which), PromptSource) and (
                        entry.key, which) not in self._prompted:
                    user = profile.username
                    asks.append(Ask(entry.key, which, entry.name, what,
                                    (f"{user} at " if user else "") + entry.target))
        if not asks:
            return set()
        answers = await self.push_screen_wait(BatchSecrets(asks)) or {}
        skipped: set[str] = set()
        for ask in asks:
            answer = answers.get((ask.key, ask.which))
            if answer:
                self._prompted[(ask.key, ask.which)] = Secret(answer)
            else:
                skipped.add(ask.key)
        return skipped

    async def _ask(self, entry: Entry, which: str, what: str) -> Secret:
        cached = self._prompted.get((entry.key, which))
        if cached is not None:
            return cached
        from smtptui.app.screens.prompt import TextPrompt

        user = entry.profile.username if entry.profile is not None else None
        answer = await self.push_screen_wait(TextPrompt(
            f"{what.capitalize()} for {entry.name}",
            (f"{user} at " if user else "") + f"{entry.target}. Kept in memory for this "
            "session only; never written anywhere.", password=True, ok="Run"))
        if not answer:
            raise SecretError(f'profile "{entry.name}": no {what} was entered')
        secret = self._prompted[(entry.key, which)] = Secret(answer)
        return secret

    # -- command palette --------------------------------------------------------------
    def pick_for_compare(self, screen: MainScreen, first: Entry | None = None) -> None:
        """Choose the two sides of a comparison in the palette, then open it."""
        entries = [e for e in screen.entries if first is None or e.key != first.key]
        if len(entries) < (1 if first is not None else 2):
            self.notify("Comparing needs two profiles.", severity="warning")
            return

        def chosen(entry: Entry) -> None:
            if first is None:  # after this palette has closed, open the next one
                self.call_after_refresh(self.pick_for_compare, screen, entry)
            else:
                screen.open_compare(first, entry)

        prompt = ("Compare which profile? (then pick the other)" if first is None
                  else f"Compare {clean(first.name, 40)} with…")
        self.search_commands(  # the palette reads markup: names are escaped for it
            [SimpleCommand(escape(clean(e.name, 80)), partial(chosen, e),
                           escape(f"{clean(e.client or 'no client', 40)} · {e.target}"))
             for e in entries], placeholder=prompt)

    def _sign_in_command(self, screen: MainScreen) -> SystemCommand | None:
        """"Sign in…" for the selected profile when its token comes from an OAuth sign-in."""
        from smtptui.profiles.secrets import OAuthSource

        profile = screen.selected.profile if screen.selected is not None else None
        source = next((s for s in (profile.oauth_token, profile.password)
                       if isinstance(s, OAuthSource)), None) if profile else None
        if source is None or source.account is None:
            return None
        from smtptui.app.screens.sign_in import SignInScreen

        account = source.account
        return SystemCommand(  # the palette reads markup: the name is escaped for it
            f"Sign in ({escape(clean(source.name, 40))})…",
            "OAuth: get a token the profile's probes refresh by themselves",
            lambda: self.push_screen(SignInScreen(account)))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        if isinstance(screen, MainScreen):
            yield SystemCommand("Mark / unmark profile for compare", "key: space",
                                screen.action_toggle_mark)
            yield SystemCommand("Compare two profiles…",
                                "Pick both here, one after the other (no marks needed)",
                                partial(self.pick_for_compare, screen))
            for binding in screen.BINDINGS:
                if isinstance(binding, Binding) and binding.tooltip:
                    action = binding.action.removeprefix("app.")
                    target = self if binding.action.startswith("app.") else screen
                    key = key_label(binding.key)
                    yield SystemCommand(binding.tooltip or binding.description, f"key: {key}",
                                        partial(target.run_action, action))
            yield SystemCommand("Copy as swaks command",
                                "The selected profile as a swaks command line (OSC 52; "
                                "secrets as $VARIABLES)", partial(screen.copy_as, "swaks"))
            yield SystemCommand("Copy as openssl s_client command",
                                "The selected profile's TLS handshake by hand (OSC 52)",
                                partial(screen.copy_as, "s_client"))
            sign_in = self._sign_in_command(screen)
            if sign_in is not None:
                yield sign_in
            if self.demo is None:
                yield SystemCommand("Start the demo relays",
                                    "Three loopback relays: healthy, 535 5.7.8, expired "
                                    "certificate", screen.action_start_demo)
        for command in super().get_system_commands(screen):
            if not (isinstance(screen, MainScreen) and command.title in ("Quit", "Keys")):
                yield command  # ours are "Quit smtptui" and "Keys and tips"
