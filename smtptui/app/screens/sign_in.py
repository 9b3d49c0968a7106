"""OAuth sign-in in a modal: the code and URL to use (device flow) or the URL to open and
a field for the address the browser ends on (browser flow), then the result.

The flow is the headless one (:mod:`smtptui.oauth.flows`), run in an exclusive worker that
is cancelled with the modal. Provider text is shown as plain text, never as markup.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from smtptui.probe.sanitize import clean

if TYPE_CHECKING:
    from smtptui.oauth.account import Account
    from smtptui.oauth.events import SignInEvent


class SignInScreen(ModalScreen[bool]):
    """Dismisses with True once signed in, False when closed before."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("c", "copy", "Copy code/URL", tooltip="Copy the code or URL (OSC 52)"),
    ]

    DEFAULT_CSS = """
    SignInScreen #sign-in-body { height: auto; max-height: 14; }
    """

    def __init__(self, account: Account) -> None:
        super().__init__(classes="dialog-screen")
        self.account = account
        self.signed_in = False
        self._pasted: asyncio.Queue[str] = asyncio.Queue()
        self._copy = ""

    def compose(self) -> ComposeResult:
        acct = self.account
        with Vertical(classes="dialog sign-in"):
            yield Static(f"Sign in: {acct.name} ({acct.provider.label})",
                         classes="dialog-title", markup=False)
            with VerticalScroll(id="sign-in-body"):  # a long authorization URL scrolls
                yield Static("Starting…", id="sign-in-text", classes="dialog-text",
                             markup=False)
            yield Input(placeholder="paste the address the browser ends on, then Enter",
                        id="pasted", compact=True)
            yield Static("", id="sign-in-status", classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="close", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pasted", Input).display = False
        self.run_flow()

    @work(exclusive=True, group="oauth-sign-in")
    async def run_flow(self) -> None:
        from smtptui.oauth.errors import OAuthError
        from smtptui.oauth.flows import code_flow, device_flow
        from smtptui.oauth.store import StoreError

        flow = (device_flow(self.account) if self.account.flow == "device"
                else code_flow(self.account, pasted=self._pasted))
        try:
            async for event in flow:
                self.show(event)
        except (OAuthError, StoreError) as exc:
            self._status(f"✗ {exc}", problem=True)

    def show(self, event: SignInEvent) -> None:
        from smtptui.oauth.events import Granted, OpenBrowser, UserCode, Waiting

        text = self.query_one("#sign-in-text", Static)
        if isinstance(event, UserCode):
            self._copy = event.user_code
            minutes = max(1, round(event.expires_in / 60))
            text.update(f"On any device, open\n\n  {clean(event.verification_uri, 300)}\n\n"
                        f"and enter the code\n\n  {clean(event.user_code, 40)}\n\n"
                        f"(c copies the code; it expires in {minutes} min)")
            self._status("Waiting for you to sign in…")
        elif isinstance(event, OpenBrowser):
            self._copy = event.url
            text.update(f"Open this address in a browser (c copies it):\n\n"
                        f"{clean(event.url, 2000)}\n\nIf the browser runs on another "
                        f"machine, it ends on an address starting {event.redirect_uri} "
                        "that it cannot load: paste that address below.")
            pasted = self.query_one("#pasted", Input)
            pasted.display = True
            pasted.focus()
            self._status("Waiting for the browser…")
        elif isinstance(event, Waiting) and event.reason == "slow_down":
            self._status(f"Waiting for you to sign in… (the provider asked to poll every "
                         f"{event.interval:g} s)")
        elif isinstance(event, Granted):
            self.signed_in = True
            who = f" as {clean(event.tokens.user, 200)}" if event.tokens.user else ""
            text.update(f"✓ Signed in{who}.\n\nScopes: "
                        f"{clean(' '.join(event.tokens.scopes), 400) or '(not stated)'}\n"
                        f"Tokens stored in {clean(event.where, 300)}; probes refresh the "
                        "access token by themselves.")
            self.query_one("#pasted", Input).display = False
            self._status("")
            button = self.query_one("#close", Button)
            button.label = "Close (Esc)"
            button.variant = "primary"
            button.focus()

    def _status(self, text: str, *, problem: bool = False) -> None:
        status = self.query_one("#sign-in-status", Static)
        status.update(text)
        status.set_class(problem, "dialog-problem")

    @on(Input.Submitted, "#pasted")
    def _pasted_address(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._pasted.put_nowait(event.value)
            event.input.value = ""
            self._status("Exchanging the code…")

    def action_copy(self) -> None:
        if self._copy:
            self.app.copy_to_clipboard(self._copy)
            self.notify("Copied.", timeout=2)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.signed_in)
