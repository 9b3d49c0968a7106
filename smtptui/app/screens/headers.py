"""The header analyser: paste (or load) a delivered message's headers, get a verdict per
mechanism (SPF, DKIM, DMARC, ARC, one-click unsubscribe), alignment and the Received hops.

Pure analysis (:func:`smtptui.dnscheck.headers.analyse_headers`, no DNS). Pasted and loaded
text has its control characters made visible before it reaches the text area.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static, TextArea

from smtptui.app import render
from smtptui.app.screens.prompt import TextPrompt
from smtptui.app.widgets.diagnostics import CardView
from smtptui.app.widgets.text_input import run_own_binding
from smtptui.probe.sanitize import clean_multiline

if TYPE_CHECKING:
    from smtptui.app.app import SmtpTuiApp

MAX_BYTES = 1_000_000
"""Largest file the "load" prompt reads (headers are a few kB; a whole message is fine)."""
LINE_LIMIT = 20_000

INTRO = ("Paste a delivered message's headers (Gmail: Show original; Outlook: View "
         "message source; the whole message is fine) or load a file with ctrl+o, then "
         "press ctrl+enter or ctrl+r.")


def safe_text(text: str) -> str:
    """Line breaks normalised, control characters shown as escapes (tabs become spaces)."""
    return clean_multiline(text.replace("\r\n", "\n").replace("\r", "\n"), LINE_LIMIT)


def read_headers(path_text: str) -> tuple[str | None, str | None]:
    """(text, None) from a file, or (None, a one-line problem)."""
    path = Path(path_text.strip()).expanduser()
    if not path_text.strip():
        return None, "Give a file name."
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        return None, f"{path} is a folder: give a file name."
    except OSError as exc:
        return None, f"Cannot read {path}: {exc.strerror or type(exc).__name__}"
    if len(data) > MAX_BYTES:
        data = data[:MAX_BYTES]
    return data.decode("utf-8", errors="replace"), None


class HeaderInput(TextArea):
    """A text area that makes pasted control characters visible instead of sending them
    to the terminal, and applies its editing keys in the order typed (Textual #6605: see
    :mod:`smtptui.app.widgets.text_input`)."""

    async def _on_key(self, event: events.Key) -> None:
        # TextArea._on_key (printable keys, Enter) runs after this one unless a binding
        # consumed the key here.
        if not self.read_only and not event.is_printable and await run_own_binding(
                self, event):
            self._restart_blink()

    async def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()
        event.stop()
        if self.read_only:
            return
        result = self._replace_via_keyboard(safe_text(event.text), *self.selection)
        if result:
            self.move_cursor(result.end_location)
            self.focus()


class HeaderScreen(Screen[None]):
    """Esc goes back to the dashboard; the text stays for next time."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the dashboard"),
        Binding("ctrl+enter,ctrl+r", "analyse", "Analyse", priority=True,
                tooltip="Analyse the pasted headers"),
        Binding("ctrl+o", "load", "Load file", priority=True,
                tooltip="Load headers from a file (.eml or text)"),
        Binding("ctrl+l", "clear", "Clear", priority=True, tooltip="Clear the text"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="headers-main"):
            yield Static("Analyse message headers", classes="dialog-title", markup=False)
            yield Static(INTRO, id="headers-intro", markup=False)
            with Vertical(id="headers-body"):
                with Vertical(id="headers-left"):
                    yield HeaderInput(id="headers-input", soft_wrap=True,
                                      placeholder="Paste the message headers here …")
                    with Horizontal(id="headers-buttons"):
                        yield Button("Analyse (ctrl+enter)", variant="primary",
                                     id="analyse", compact=True)
                        yield Button("Load file… (ctrl+o)", id="load", compact=True)
                        yield Button("Back (Esc)", id="back", compact=True)
                with VerticalScroll(id="headers-result", can_focus=True):
                    yield CardView(id="headers-card")
        yield Footer(compact=True)

    @property
    def smtp_app(self) -> SmtpTuiApp:
        from smtptui.app.app import SmtpTuiApp

        assert isinstance(self.app, SmtpTuiApp)
        return self.app

    @property
    def text_area(self) -> HeaderInput:
        return self.query_one(HeaderInput)

    @property
    def result_text(self) -> str:
        """The result pane as plain text."""
        return render.card_text(self.query_one("#headers-card", CardView).card)

    def on_mount(self) -> None:
        self.query_one("#headers-input").border_title = "Headers"
        self.query_one("#headers-result").border_title = "Result"
        last = self.smtp_app.last_headers
        if last:
            self.text_area.load_text(last)
            self.action_analyse()
        else:
            self._show(render.message_card(
                "Nothing analysed yet", "Paste the headers, then press ctrl+enter (or "
                "ctrl+r).", severity="info"))
        self.text_area.focus()

    def _show(self, card: render.Card) -> None:
        self.query_one("#headers-card", CardView).show(card)
        self.query_one("#headers-result", VerticalScroll).scroll_home(animate=False)

    # -- actions ----------------------------------------------------------------------
    def action_analyse(self) -> None:
        from smtptui.app.headers_card import headers_card
        from smtptui.dnscheck.headers import analyse_headers

        text = self.text_area.text
        if not text.strip():
            self._show(render.message_card("No headers", "Paste the headers first (or load "
                                           "a file with ctrl+o).", severity="warning"))
            return
        self.smtp_app.last_headers = text
        self._show(headers_card(analyse_headers(text)))

    def action_load(self) -> None:
        loaded: dict[str, str] = {}

        def check(answer: str) -> str | None:
            text, problem = read_headers(answer)
            if text is not None:
                loaded["text"] = text
            return problem

        def done(answer: str | None) -> None:
            if answer is not None and "text" in loaded:
                self.text_area.load_text(safe_text(loaded["text"]))
                self.action_analyse()
                self.text_area.focus()

        self.app.push_screen(TextPrompt(
            "Load headers from a file", "A saved message (.eml) or a text file with its "
            f"headers; up to {MAX_BYTES // 1_000_000} MB are read.",
            value=str(Path.cwd()) + "/", ok="Load", on_submit=check, path=True), done)

    def action_clear(self) -> None:
        self.text_area.load_text("")
        self.smtp_app.last_headers = ""
        self.text_area.focus()

    def action_back(self) -> None:
        self.smtp_app.last_headers = self.text_area.text
        self.dismiss(None)

    @on(Button.Pressed, "#analyse")
    def _analyse_pressed(self) -> None:
        self.action_analyse()

    @on(Button.Pressed, "#load")
    def _load_pressed(self) -> None:
        self.action_load()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()
