"""The profile editor: a modal form to add, edit or duplicate a profile.

Starts from a provider preset if wanted, validates as you type (with the store's own
rules), and saves through a callback (the app's locked, atomic write). The password
is never typed here: the form records where it comes from (env, command, keyring, or
a prompt when the probe runs).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.lazy import Lazy
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Label, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.widgets.select import InvalidSelectValueError

from smtptui.app.screens.editor_form import (
    SECRET_KINDS,
    SECRET_PLACEHOLDERS,
    TOKEN_AUTH,
    FormValues,
    apply_suggestion,
    build,
    region_host,
    region_of,
    tls_hint,
    values_of,
    without_literal_secrets,
)
from smtptui.app.screens.editor_merge import ProfileChanged, three_way
from smtptui.app.settled_mounts import SettledMounts, closing
from smtptui.app.widgets.text_input import Input
from smtptui.glyphs import glyph
from smtptui.probe.config import AUTH_MECHS, STOP_AFTER, TLS_MODES
from smtptui.profiles.model import Profile
from smtptui.profiles.presets import PRESETS

if TYPE_CHECKING:
    from smtptui.dnscheck.discover import Discovery, Suggestion

Mode = Literal["new", "edit", "duplicate"]
W = TypeVar("W", bound=Widget)

LATER = ("tls", "username", "auth", "secret_kind", "secret_value", "mail_from", "rcpt_to",
         "send", "stop_after", "timeout", "cafile", "servername", "ehlo", "insecure",
         "allow_plaintext_auth", "nameserver", "dkim_selectors", "notes")
"""The fields added to the form just after it is first drawn."""


class Save(Protocol):
    """Saves the profile: adds it (``old_name`` None) or replaces ``old_name``, refusing
    with :class:`ProfileChanged` if that profile is no longer ``expected`` in the file
    (``known``: the file's names when the editor opened). Returns a one-line problem (the
    editor stays open) or None."""

    def __call__(self, old_name: str | None, profile: Profile, expected: Profile | None = None,
                 known: Iterable[str] = ()) -> str | None: ...

LABELS = {
    "preset": "Preset", "name": "Name", "client": "Client", "host": "Host", "port": "Port",
    "tls": "Security", "username": "Username", "secret_kind": "Password from",
    "secret_value": "  source", "auth": "AUTH", "mail_from": "From", "rcpt_to": "To",
    "send": "", "stop_after": "Stop after", "timeout": "Timeout (s)", "cafile": "CA file",
    "servername": "TLS name", "ehlo": "EHLO name", "insecure": "",
    "allow_plaintext_auth": "", "nameserver": "Nameserver",
    "dkim_selectors": "DKIM selectors", "notes": "Notes", "region": "Region",
}
PLACEHOLDERS = {
    "name": "e.g. Acme relay", "client": "who it belongs to (groups the list)",
    "host": "smtp.example.com", "username": "login name", "mail_from": "sender address",
    "rcpt_to": "recipients, comma separated", "cafile": "PEM bundle to trust (optional)",
    "servername": "name to verify instead of the host (optional)",
    "ehlo": "name to send in EHLO (optional)", "notes": "anything worth remembering",
    "nameserver": "resolver for DNS checks, HOST[:PORT] (optional)",
    "dkim_selectors": "e.g. s1, google (comma or space separated)",
    "region": "AWS region, e.g. us-east-1",
}


class TickBox(Checkbox):
    """A checkbox whose state shows without colour: ``X`` when on, blank when off."""

    def __init__(self, label: str, value: bool, *, id: str) -> None:  # noqa: A002
        super().__init__(label, value, compact=True, id=id)
        self.BUTTON_INNER = "X" if value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


class Later(Lazy):
    """:class:`~textual.lazy.Lazy` (mounted after the first refresh) that calls ``then``
    once its widget is mounted, so the screen can set up the rows it holds.

    Textual's ``Lazy`` offers no such callback (no upstream issue or PR found in
    Textualize/textual's tracker on 2026-12-05); this overrides its
    ``mount_composed_widgets`` as written in Textual 8.2.8 (pinned in pyproject.toml):
    check it again when the pin moves. A part is added only while nothing is closing, and
    the app does not shut down halfway through adding it
    (:mod:`smtptui.app.settled_mounts`)."""

    def __init__(self, widget: Widget, then: Callable[[], object]) -> None:
        super().__init__(widget)
        self._then = then

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent, widget = self.parent, self._replace_widget

        async def mount() -> None:
            # Not while the app or the editor closes: a Select mounted into a closing
            # screen fails in its on_mount (its overlay is gone), ending the app.
            if not isinstance(parent, Widget) or closing(self) or closing(parent):
                return
            app = self.app
            with app.adding() if isinstance(app, SettledMounts) else contextlib.nullcontext():
                await parent.mount(widget, after=self)
                if closing(widget):  # the editor closed meanwhile: nothing to set up
                    return
                await self.remove()
                self._then()

        self.call_after_refresh(mount)


class ProfileEditor(ModalScreen[Profile | None]):
    """Dismisses with the saved profile, or None when cancelled."""

    AUTO_FOCUS = "#discover-address, #name"
    """The first field, focused as the screen opens (focusing the form's scroll container
    first, then the field, would restyle the whole form twice: a third of opening it)."""
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = []  # noqa: RUF012
    """None: a breakpoint class set on the new screen would restyle the whole form."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving"),
        Binding("ctrl+s", "save", "Save", tooltip="Validate and save the profile"),
        Binding("tab", "next_field", "Focus Next", show=False),
        Binding("shift+tab", "previous_field", "Focus Previous", show=False),
    ]

    def __init__(self, profile: Profile | None, *, mode: Mode, taken: set[str],
                 clients: list[str], save: Save, client: str = "",
                 nameserver: str | None = None, dns_timeout: float = 5.0,
                 dns_deadline: float = 30.0) -> None:
        super().__init__(classes="dialog-screen")
        self._nameserver = nameserver
        self._dns_timeout = dns_timeout
        self._dns_deadline = dns_deadline
        self._suggestions: tuple[Suggestion, ...] = ()
        self._address = ""
        self._started = profile if mode == "edit" else None
        """What an edit started from: saving merges if the file's copy differs."""
        self._target = profile.name if mode == "edit" and profile is not None else None
        """The profile the save replaces (None: it adds one)."""
        self._known = frozenset(taken | ({self._target} if self._target else set()))
        """The file's profile names as the editor opened (to follow a rename)."""
        self._base = (profile if mode == "edit" else without_literal_secrets(profile)
                      if mode == "duplicate" and profile is not None else None)
        """The profile whose fields the form does not show are kept (unknown keys)."""
        self._mode = mode
        self._taken = taken
        self._clients = clients
        self._save = save
        self._touched: set[str] = set()
        self._auto_secret = False
        """Password from is "prompt" because the form set it for a username (see
        :meth:`_follow_username`)."""
        self._secret_expected: list[object] = []
        """Password from values the form set whose Changed event has not come yet (such an
        event is not the user's pick; a key burst can queue several)."""
        self._secret_picked = False
        self._secret_seen: object = None
        """Password from's value at its last Changed event (one comes as it is mounted)."""
        self._username_seen = ""
        """Username's value at its last Changed event (one comes as it is mounted)."""
        self._tried = False
        self._filling = False
        self._shown: dict[str, str] = {}
        self._clean: FormValues | None = None
        self._counting = False
        """The status line shows the count of fields to fix (kept up to date)."""
        values = values_of(profile) if profile is not None else FormValues(client=client)
        if mode == "duplicate" and profile is not None:
            values.name = f"{profile.name} (copy)"
            if values.secret_kind == "literal":
                values.secret_kind, values.secret_value = "none", ""
        self._initial = values
        self._secret_seen = values.secret_kind
        self._username_seen = values.username
        self._hint_shown: tuple[str, Static] | None = None
        self._count_shown = ""
        """The TLS hint last shown, and where (see :meth:`_validate`)."""
        self._later = 2
        """Parts of the form not added yet (see :class:`Later`)."""
        self._all_added = asyncio.Event()
        self._preset_value: str = values.preset if values.preset in PRESETS else ""
        """The preset as last set (by the form or by code): a Changed event with this value
        is not the user picking a preset."""
        self._region_value = region_of(values.host)

    # -- layout -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        v = self._initial
        heading = {"new": "New profile", "edit": f"Edit profile “{v.name}”",
                   "duplicate": "Duplicate profile"}[self._mode]
        kinds = list(SECRET_KINDS)
        if v.secret_kind == "literal":
            kinds.append(("stored in the file (kept as is)", "literal"))
        with Vertical(classes="dialog editor"):
            yield Static(heading, classes="dialog-title", markup=False)
            with VerticalScroll(id="editor-form"):
                if self._mode == "new":
                    yield from self._discover_row()
                yield from self._row("preset", Select(
                    [(p.label, key) for key, p in PRESETS.items()], prompt="none: fill in by hand",
                    value=v.preset if v.preset in PRESETS else Select.NULL, compact=True,
                    id="preset"))
                if self._mode != "new":
                    yield Button("Fill from preset", id="apply-preset", compact=True)
                yield Static("", id="preset-note", classes="form-note", markup=False)
                yield from self._row("region", Input(
                    self._region_value, placeholder=PLACEHOLDERS["region"], compact=True,
                    id="region"))
                yield from self._row("name", self._input("name", v.name))
                yield from self._row("client", self._input(
                    "client", v.client, suggester=SuggestFromList(self._clients,
                                                                  case_sensitive=False)))
                yield from self._row("host", self._input("host", v.host))
                yield from self._row("port", self._input("port", v.port, type="integer"))
                # The rows below the connection fields are added just after the form is
                # first drawn (opening it is then half as heavy): values() reads them from
                # the profile until they are there, and what sets them up runs once they are.
                with Later(Vertical(id="editor-mid"), self._rows_added):
                    yield from self._row("tls", Select([(m, m) for m in TLS_MODES], value=v.tls,
                                                       allow_blank=False, compact=True, id="tls"))
                    yield Static("", id="tls-hint", classes="form-note", markup=False)
                    yield from self._row("username", self._input("username", v.username))
                    yield from self._row("auth", Select([(m, m) for m in AUTH_MECHS], value=v.auth,
                                                        allow_blank=False, compact=True, id="auth"))
                    yield from self._row("secret_kind", Select(
                        [(label, kind) for label, kind in kinds], value=v.secret_kind,
                        allow_blank=False, compact=True, id="secret_kind"))
                    yield from self._row("secret_value", self._input("secret_value",
                                                                     v.secret_value))
                    yield Button("Sign in…", id="sign-in", compact=True)
                    yield from self._row("mail_from", self._input("mail_from", v.mail_from))
                    yield from self._row("rcpt_to", self._input("rcpt_to", v.rcpt_to))
                    yield from self._row("send", TickBox("send a test message", v.send, id="send"))
                # The less used fields are added just after the form is first drawn:
                # opening the editor is then a third lighter (values() reads them from
                # the profile until they are there).
                with Later(Vertical(id="editor-more"), self._rows_added):
                    yield from self._row("stop_after", Select(
                        [(s, s) for s in STOP_AFTER], prompt="run every stage",
                        value=v.stop_after or Select.NULL, compact=True, id="stop_after"))
                    yield from self._row("timeout", self._input("timeout", v.timeout,
                                                                type="number"))
                    yield from self._row("cafile", self._input("cafile", v.cafile))
                    yield from self._row("servername", self._input("servername", v.servername))
                    yield from self._row("ehlo", self._input("ehlo", v.ehlo))
                    yield from self._row("insecure", TickBox(
                        "do not verify the certificate (insecure)", v.insecure, id="insecure"))
                    yield from self._row("allow_plaintext_auth", TickBox(
                        "allow AUTH without TLS", v.allow_plaintext_auth,
                        id="allow_plaintext_auth"))
                    yield from self._row("nameserver", self._input("nameserver", v.nameserver))
                    yield from self._row("dkim_selectors", self._input("dkim_selectors",
                                                                       v.dkim_selectors))
                    yield from self._row("notes", self._input("notes", v.notes))
            yield Static("", id="editor-status", classes="dialog-problem", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

    def _discover_row(self) -> ComposeResult:
        with Horizontal(classes="form-row", id="row-discover"):
            yield Label("Find server", classes="form-label")
            yield Input(placeholder="ops@example.com, then Enter",
                        compact=True, id="discover-address")
            yield Button("Discover", id="discover", compact=True)
        yield Static("", id="discover-status", classes="form-note", markup=False)
        yield OptionList(id="discover-options", compact=True)

    def _input(self, field: str, value: str, **kwargs: object) -> Input:
        return Input(value, placeholder=PLACEHOLDERS.get(field, ""), compact=True, id=field,
                     **kwargs)  # type: ignore[arg-type]

    def _row(self, field: str, widget: Widget | None = None) -> ComposeResult:
        with Horizontal(classes="form-row", id=f"row-{field}"):
            yield Label(LABELS[field], classes="form-label")
            if widget is not None:
                yield widget

    def on_mount(self) -> None:
        self._show_preset_note()
        self._validate()
        # The form as opened, read now (not after the first refresh, when keys typed
        # right after the editor opened would already be in it): Esc asks before
        # throwing away anything that differs from it.
        self._clean = self.values()

    def _rows_added(self) -> None:
        """Rows added after the first frame are there: set them up as the form does."""
        self._secret_kind_changed()
        self._show_preset_note()
        self._validate()
        self._later -= 1
        if self._later <= 0:
            self._all_added.set()

    async def action_next_field(self) -> None:
        """Tab, once every row is there: keys sent in a burst with ``e`` (a laggy SSH link)
        would otherwise skip the rows added after the first frame. The keys after it wait
        for it (:mod:`smtptui.app.key_order`)."""
        await self._all_added.wait()
        self.focus_next()

    async def action_previous_field(self) -> None:
        """Shift+Tab, once every row is there (see :meth:`action_next_field`)."""
        await self._all_added.wait()
        self.focus_previous()

    # -- reading the form -------------------------------------------------------------
    def values(self) -> FormValues:
        out = FormValues()
        for f in fields(FormValues):
            try:
                widget = self.query_one(f"#{f.name}")
            except Exception:
                if f.name in LATER:  # not added yet: as the form was opened
                    setattr(out, f.name, getattr(self._initial, f.name))
                continue
            if isinstance(widget, Input):
                setattr(out, f.name, widget.value)
            elif isinstance(widget, Checkbox):
                setattr(out, f.name, widget.value)
            elif isinstance(widget, Select):
                value = widget.value
                setattr(out, f.name, "" if value is Select.NULL else str(value))
        return out

    def _validate(self) -> tuple[Profile | None, dict[str, str]]:
        values = self.values()
        profile, problems = build(values, self._base, self._taken)
        region = self.query_one("#region", Input).value
        if self._needs_region() and region.strip():
            found = region_host(values.preset, region)[1]
            if found:
                problems["region"] = found
                profile = None
        hint = tls_hint(values.port, values.tls)
        shown_hint = self._added("#tls-hint", Static)
        if shown_hint is not None and self._hint_shown != (hint, shown_hint):
            # Only when it changes: an update asks for a new layout of the whole form
            # (the hint sits in an auto-height block), which made every key press slow.
            self._hint_shown = (hint, shown_hint)
            shown_hint.update(f"ⓘ {hint}" if hint else "")
            shown_hint.set_class(bool(hint), "-shown")
        for name in [f.name for f in fields(FormValues)] + ["region"]:
            problem = problems.get(name, "")
            text = f"✗ {problem}" if problem and (
                self._tried or name in self._touched) else ""
            if self._shown.get(name, "") == text:
                continue  # unchanged: no re-layout on every key press
            shown = self._problem_line(name, create=bool(text))
            if shown is None and text:
                continue  # its row is not there yet: said once it is
            self._shown[name] = text
            if shown is not None:
                shown.update(text)
                shown.set_class(bool(text), "-shown")
            for field in self.query(f"#{name}"):
                field.set_class(bool(text), "-problem")
        if self._counting:
            self._show_count(problems)
        return profile, problems

    def _added(self, selector: str, kind: type[W]) -> W | None:
        """The widget ``selector`` names, or None while its part of the form is not added.
        ``query_one`` (it stops at the first match): ``query(...)`` matches the selector
        against every widget of the form, which on every key press doubled its cost."""
        try:
            return self.query_one(selector, kind)
        except NoMatches:
            return None

    def _problem_line(self, name: str, *, create: bool) -> Static | None:
        """The line under field ``name`` that says what is wrong with it, added the first
        time there is something to say (two dozen hidden lines made opening slower)."""
        found = self.query(f"#{name}-problem")
        if found:
            return found.first(Static)
        rows = self.query(f"#row-{name}")
        if not create or not rows or rows.first().parent is None:
            return None
        row = rows.first()
        line = Static("", id=f"{name}-problem", classes="form-problem", markup=False)
        row.parent.mount(line, after=row)  # type: ignore[union-attr]
        return line

    def _say(self, status: Static, text: str) -> None:
        """Put ``text`` (a save problem) in the status line; the next count is shown."""
        self._count_shown = ""
        status.update(text)

    def _show_count(self, problems: dict[str, str]) -> None:
        count = len(problems)
        text = (f"✗ {count} field{'s' if count != 1 else ''} to fix before saving" if count
                else "✓ ready to save (ctrl+s)")
        if text != self._count_shown:  # an update re-lays the form out: only on change
            self._count_shown = text
            self.query_one("#editor-status", Static).update(text)

    # -- events -----------------------------------------------------------------------
    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "discover-address":
            return
        if event.input.id and not self._filling:
            self._touched.add(event.input.id)
        if event.input.id == "region" and event.value != self._region_value:
            self._region_value = event.value
            self._region_changed()
        if event.input.id == "username" and event.value != self._username_seen:
            self._username_seen = event.value  # (not the value it was mounted with)
            self._follow_username(event.value)
        self._validate()

    def _follow_username(self, username: str) -> None:
        """A username needs a password source when the probe reaches AUTH (`profiles
        check` refuses one without): a username typed (or filled by a preset) while
        Password from is none makes it "ask when run", as a discovered server does, and
        clearing it again undoes that, unless the user picked a source."""
        if self._secret_picked:
            return
        kind = self._added("#secret_kind", Select)
        stop = self._added("#stop_after", Select)
        if kind is None:
            return
        wanted = None
        if username.strip() and kind.value == "none" and (
                stop is None or stop.value not in ("greeting", "ehlo", "tls")):
            wanted, self._auto_secret = "prompt", True
        elif not username.strip() and self._auto_secret and kind.value == "prompt":
            wanted, self._auto_secret = "none", False
        if wanted is not None:
            self._set_secret_kind(kind, wanted)

    def _set_secret_kind(self, kind: Select[str], value: str) -> None:
        """Set Password from by the form (its Changed event is then not a pick)."""
        if kind.value != value:
            self._secret_expected.append(value)
            kind.value = value

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id:
            self._touched.add(event.checkbox.id)
        self._validate()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        which = event.select.id
        if which == "preset":
            value = "" if event.value is Select.NULL else str(event.value)
            if value == self._preset_value:
                return  # set by the form itself (populating it, or a discovered server)
            self._preset_value = value
            if value and self._mode == "new":
                self._apply_preset(value)
            else:  # an existing profile's fields stay: filling them is asked for
                self._show_preset_note()
        elif which in ("secret_kind", "auth"):
            if which == "secret_kind" and event.value != self._secret_seen:
                self._secret_seen = event.value
                if event.value in self._secret_expected:
                    self._secret_expected.remove(event.value)  # set by the form
                else:
                    self._secret_picked = True
            self._secret_kind_changed()
        if which:
            self._touched.add(which)
        self._validate()

    @on(Button.Pressed, "#apply-preset")
    def _apply_preset_pressed(self) -> None:
        if self._preset_value:
            self._apply_preset(self._preset_value)
            self._validate()

    def _needs_region(self) -> bool:
        preset = PRESETS.get(self._preset_value)
        return preset is not None and preset.needs_region

    def _region_changed(self) -> None:
        """A region typed for a preset that needs one: put it into the host."""
        host = region_host(self._preset_value, self._region_value)[0]
        if host is not None:
            self._filling = True
            try:
                self.query_one("#host", Input).value = host
            finally:
                self._filling = False

    def _apply_preset(self, key: str) -> None:
        preset = PRESETS[key]
        self._filling = True
        try:
            host = ((region_host(key, self._region_value)[0] or "") if preset.needs_region
                    else preset.host)
            self.query_one("#host", Input).value = host
            self.query_one("#port", Input).value = str(preset.port)
            self.query_one("#tls", Select).value = preset.tls
            username = self.query_one("#username", Input)
            if preset.username:
                username.value = preset.username
            username.placeholder = preset.username_hint
            name = self.query_one("#name", Input)
            if not name.value.strip():
                name.value = preset.label
        finally:
            self._filling = False
        self._show_preset_note()

    def _show_preset_note(self) -> None:
        note = ""
        preset = PRESETS.get(self._preset_value)
        if preset is not None:
            note = f"Username: {preset.username_hint}. {preset.note[:1].upper()}{preset.note[1:]}"
            if preset.needs_region:
                note += ". Type the region below: it fills the host"
            if self._mode != "new":
                note += (". The fields keep this profile's values: press Fill from preset "
                         "to use the preset's host, port and security")
            username = self._added("#username", Input)
            if username is not None:  # none until added
                username.placeholder = preset.username_hint
        self.query_one("#preset-note", Static).update(note)
        self.query_one("#preset-note", Static).set_class(bool(note), "-shown")
        self.query_one("#row-region").display = self._needs_region()
        if self._mode != "new":
            self.query_one("#apply-preset").display = preset is not None

    def _secret_kind_changed(self) -> None:
        kind = self.query_one("#secret_kind", Select).value
        token = self.query_one("#auth", Select).value in TOKEN_AUTH or kind == "oauth"
        self.query_one("#row-secret_kind Label", Label).update(
            "Token from" if token else "Password from")
        source = self.query_one("#secret_value", Input)
        needs_value = kind in SECRET_PLACEHOLDERS
        source.disabled = not needs_value
        source.placeholder = SECRET_PLACEHOLDERS.get(str(kind), {
            "prompt": "asked each session when you run it",
            "literal": "the value stays as it is in the file",
        }.get(str(kind), "no secret"))
        if not needs_value and source.value:
            source.value = ""
        self.query_one("#sign-in").display = kind == "oauth"

    @on(Button.Pressed, "#sign-in")
    def _sign_in(self) -> None:
        """Sign in to the [oauth.NAME] the form names (see :mod:`smtptui.oauth`)."""
        from smtptui.app.screens.sign_in import SignInScreen
        from smtptui.oauth.account import parse_accounts

        name = self.query_one("#secret_value", Input).value.strip()
        pf = getattr(self.app, "profile_file", None)
        accounts, _ = parse_accounts(pf.extra.get("oauth", {}) if pf is not None else {})
        if name not in accounts:
            known = ", ".join(sorted(accounts)) or "none yet"
            self.query_one("#secret_value-problem", Static).update(
                f"no [oauth.{name}] table in the profiles file (known: {known}); add one "
                "(see the README: OAuth sign-in), then reload with ctrl+r")
            return
        self.app.push_screen(SignInScreen(accounts[name]))

    # -- discovery --------------------------------------------------------------------
    @on(Input.Submitted, "#discover-address")
    @on(Button.Pressed, "#discover")
    def action_discover(self) -> None:
        """Look up the submission server for the typed address (SRV records, MX)."""
        address = self.query_one("#discover-address", Input).value.strip()
        if not address:
            self._discover_status("✗ Type an address (or a domain) first.")
            return
        self._discover(address)

    def _discover_status(self, text: str) -> None:
        status = self.query_one("#discover-status", Static)
        self._say(status, text)
        status.set_class(bool(text), "-shown")

    @work(exclusive=True, group="discover", exit_on_error=False)
    async def _discover(self, address: str) -> None:
        from smtptui.dnscheck.discover import discover
        from smtptui.dnscheck.resolver import DnsInputError

        resolver = self._nameserver or "the system resolver"
        self._show_suggestions(())
        self._discover_status(f"◌ Looking up SRV and MX records with {resolver} …")
        try:
            async with asyncio.timeout(self._dns_deadline):
                found = await discover(address, nameserver=self._nameserver,
                                       timeout=self._dns_timeout)
        except DnsInputError as exc:
            self._discover_status(f"✗ {exc}")
            return
        except TimeoutError:
            self._discover_status(f"✗ Timed out: no answer within {self._dns_deadline:g} s "
                                  f"from {resolver}. Fill the form by hand.")
            return
        self._address = address
        self._discovered(found, resolver)

    def _discovered(self, found: Discovery, resolver: str) -> None:
        from smtptui.probe.sanitize import clean

        notes = [f"{glyph(f.level)} {f.level}  {f.text}" for f in found.findings
                 if f.level in ("warn", "fail")]
        if found.suggestions:
            count = len(found.suggestions)
            head = (f"✓ {count} server{'s' if count != 1 else ''} found for "
                    f"{clean(found.domain)}: pick one (Enter) to fill the form.")
        elif found.unanswered:
            what = "lookups timed out" if found.timed_out else "some lookups got no answer"
            head = (f"✗ Nothing found for {clean(found.domain)} ({resolver}): {what}. "
                    "Try again, or fill the form by hand.")
        else:
            head = (f"✗ Nothing found for {clean(found.domain)} ({resolver}): no SRV "
                    "records, no known provider. Fill the form by hand.")
        self._discover_status("\n".join([head, *notes]))
        self._show_suggestions(found.suggestions)

    def _show_suggestions(self, suggestions: tuple[Suggestion, ...]) -> None:
        from smtptui.probe.sanitize import clean

        self._suggestions = suggestions
        options = self.query_one("#discover-options", OptionList)
        options.clear_options()
        for index, s in enumerate(suggestions):
            label = Content.assemble((f"{clean(s.host)}:{s.port} {s.security}", "bold"),
                                     (f"  {clean(s.reason)}", "$text-muted"))
            options.add_option(Option(label, id=str(index)))
        options.set_class(bool(suggestions), "-shown")
        if suggestions:
            options.highlighted = 0
            focused = self.focused
            if focused is None or focused.id in ("discover-address", "discover"):
                options.focus()

    @on(OptionList.OptionSelected, "#discover-options")
    def _suggestion_chosen(self, event: OptionList.OptionSelected) -> None:
        index = int(event.option.id or 0)
        if index < len(self._suggestions):
            self.fill_from(self._suggestions[index])

    def fill_from(self, suggestion: Suggestion) -> None:
        """Put a discovered server (and a preset) into the form."""
        values = apply_suggestion(self.values(), suggestion, self._address)
        self._filling = True
        try:
            preset = self.query_one("#preset", Select)
            wanted = values.preset or Select.NULL
            if preset.value != wanted:
                self._preset_value = values.preset  # keep the discovered host
                preset.value = wanted
            self._region_value = region_of(values.host)
            self.query_one("#region", Input).value = self._region_value
            for name in ("name", "host", "port", "username", "mail_from"):
                self.query_one(f"#{name}", Input).value = getattr(values, name)
            self.query_one("#tls", Select).value = values.tls
            # A username needs a password source (`profiles check` refuses one without):
            # asked when run, unless the user picks another.
            secret = self.query_one("#secret_kind", Select)
            prompted = bool(values.username.strip()) and secret.value == "none"
            if prompted:
                self._auto_secret = True
                self._set_secret_kind(secret, "prompt")
        finally:
            self._filling = False
        self._show_preset_note()
        self._discover_status(
            f"✓ Filled in {suggestion.host}:{suggestion.port} {suggestion.security}"
            + ("; the password is asked when you run it (change Password from to store "
               "a source)" if prompted else "") + ". Check the rest and save (ctrl+s).")
        self.query_one("#name", Input).focus()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        self._tried = True
        profile, problems = self._validate()
        status = self.query_one("#editor-status", Static)
        if profile is None:
            self._counting = True
            self._show_count(problems)
            first = next((f.name for f in fields(FormValues) if f.name in problems), None)
            for field in self.query(f"#{first}") if first else ():
                field.focus()
            return
        try:
            problem = self._save(self._target, profile, self._started, self._known)
        except ProfileChanged as exc:
            self._counting = False
            self._say(status, f"✗ Not saved: {exc}.")
            self._conflict(exc, profile)
            return
        if problem:
            self._counting = False
            self._say(status, f"✗ {problem} — nothing was saved; the form keeps your values.")
            return
        self.dismiss(profile)

    # -- a save conflict: the profile changed in the file while the editor was open ------
    def _conflict(self, exc: ProfileChanged, profile: Profile) -> None:
        from smtptui.app.screens.merge import MergeScreen, Picks

        started, current = self._started, exc.current
        path = str(getattr(self.app, "profiles_path", "the profiles file"))
        status = self.query_one("#editor-status", Static)
        if started is None:
            return
        if current is None:
            self._removed(exc, path)
            return
        merge = three_way(values_of(started), values_of(profile), values_of(current))

        def answered(picks: Picks | None) -> None:
            if picks is None:
                self._say(status, f"✗ Not saved: {exc}. Save again (ctrl+s) to merge, or Esc.")
                return
            self._rebase(current, exc.names)
            self._fill(merge.resolve(picks))
            self.action_save()

        self.app.push_screen(MergeScreen(merge, name=started.name, path=path,
                                         renamed=current.name != started.name), answered)

    def _removed(self, exc: ProfileChanged, path: str) -> None:
        from smtptui.app.screens.confirm import ConfirmScreen

        name = self._started.name if self._started is not None else ""
        question = Content.assemble(
            "The profile ", (name, "bold"), f" was removed from {path} since you opened "
            "it (by another program or window).\n\nSave your version as a new profile?")

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self._target, self._started = None, None
            self._known = exc.names
            self._taken = set(exc.names)
            self.action_save()

        self.app.push_screen(ConfirmScreen(question, yes="Save as new", no="Keep editing"),
                             answered)

    def _rebase(self, current: Profile, names: frozenset[str]) -> None:
        """Edit ``current`` (the file's copy) from now on: it is what a save replaces, and
        what its fields the form does not show are kept from."""
        self._started = self._base = current
        self._target = current.name
        self._known = names
        self._taken = set(names) - {current.name}
        self._clean = values_of(current)  # Esc asks while the form differs from the file

    def _fill(self, values: FormValues) -> None:
        """Put ``values`` into the form (as the user would have typed them)."""
        self._filling = True
        try:
            self._preset_value = values.preset if values.preset in PRESETS else ""
            self._region_value = region_of(values.host)
            self.query_one("#region", Input).value = self._region_value
            for f in fields(FormValues):
                value = getattr(values, f.name)
                for widget in self.query(f"#{f.name}"):
                    if isinstance(widget, (Input, Checkbox)):
                        widget.value = value
                    elif isinstance(widget, Select):
                        wanted = value if value and (f.name != "preset" or value in PRESETS) \
                            else Select.NULL
                        if f.name == "secret_kind" and widget.value != wanted:
                            self._secret_expected.append(wanted)  # merged, not picked
                        with contextlib.suppress(InvalidSelectValueError):
                            widget.value = wanted
        finally:
            self._filling = False
        self._secret_kind_changed()
        self._show_preset_note()

    def action_cancel(self) -> None:
        if self._clean is None or self.values() == self._clean:
            self.dismiss(None)
            return
        from smtptui.app.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes to this profile?",
                                           yes="Discard", no="Keep editing"), answered)
