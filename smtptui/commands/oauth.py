"""`smtptui oauth login|status|logout NAME`: sign in once, then every probe gets a fresh token.

Sign-ins are the profiles file's ``[oauth.NAME]`` tables. ``login`` runs the device flow
(URL + code, QR code) or the browser flow (PKCE, loopback redirect, or paste the address
over SSH); people's text goes to stderr, ``status --json`` prints data on stdout.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.oauth.account import Account
    from smtptui.oauth.events import SignInEvent
    from smtptui.oauth.tokens import Tokens

EXAMPLE = ('[oauth.NAME]\nprovider = "microsoft"   # or "google", "generic"\n'
           'tenant = "contoso.onmicrosoft.com"\nclient_id = "..."')


def example(name: str = "NAME") -> str:
    """The example sign-in for the profiles file, one line each, indented to copy."""
    return "\n".join(f"    {line}" for line in EXAMPLE.replace("NAME", name).splitlines())


def register(sub: Any) -> None:
    p = sub.add_parser("oauth", help="sign in with OAuth 2.0 for XOAUTH2/OAUTHBEARER",
                       description="Sign in to an [oauth.NAME] sign-in of the profiles file; "
                       "profiles with password = { oauth = \"NAME\" } (or probe --oauth NAME) "
                       "then get a fresh access token before each AUTH.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    login = verbs.add_parser("login", help="sign in (device code or browser)")
    login.add_argument("name", metavar="NAME", help="an [oauth.NAME] sign-in of the profiles file")
    login.add_argument("--flow", choices=("device", "code"),
                       help="device: a code to enter on any device (default for Microsoft); "
                       "code: a browser with a redirect to this machine (default for Google)")
    login.add_argument("--no-browser", action="store_true",
                       help="do not try to open a browser here (print the address only)")
    status = verbs.add_parser("status", help="who is signed in, scopes, expiry")
    status.add_argument("name", metavar="NAME", nargs="?")
    status.add_argument("--json", action="store_true", help="one JSON object on stdout")
    logout = verbs.add_parser("logout", help="revoke (where the provider can) and forget")
    logout.add_argument("name", metavar="NAME")
    logout.add_argument("--local-only", action="store_true",
                        help="forget the tokens here without asking the provider to revoke")
    for verb in (login, status, logout):  # like every other subcommand: after the verb too
        verb.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                          help="profiles file")


def accounts(args: argparse.Namespace) -> dict[str, Account]:
    from smtptui.oauth.account import parse_accounts
    from smtptui.profiles import load_or_empty, resolve_path

    pf = load_or_empty(resolve_path(getattr(args, "profiles", None)))
    found, problems = parse_accounts(pf.extra.get("oauth", {}))
    if problems:
        raise UsageError(f"{pf.path}: " + "; ".join(problems))
    return found


def account(args: argparse.Namespace) -> Account:
    found = accounts(args)
    if args.name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise UsageError(f"no [oauth.{args.name}] sign-in in the profiles file (known: "
                         f"{known}); add one like:\n\n" + example(args.name))
    return found[args.name]


def run(args: argparse.Namespace) -> int:
    from smtptui.oauth.errors import OAuthError
    from smtptui.oauth.store import StoreError

    try:
        if args.verb == "login":
            return _login(account(args), args)
        if args.verb == "status":
            return _status(args)
        return _logout(account(args), args)
    except (OAuthError, StoreError) as exc:
        print(f"smtptui: {exc}", file=sys.stderr)
        missing = isinstance(exc, OAuthError) and exc.code == "missing_library"
        return ExitCode.USAGE if missing else ExitCode.FAILED


# -- login -------------------------------------------------------------------------------
def _login(acct: Account, args: argparse.Namespace) -> int:

    import dataclasses

    from smtptui.cli import run_async

    if args.flow:
        acct = dataclasses.replace(acct, flow=args.flow)
    return run_async(_sign_in(acct, open_browser=not args.no_browser))


async def _sign_in(acct: Account, *, open_browser: bool) -> int:
    import asyncio

    from smtptui.oauth.flows import code_flow, device_flow

    pasted: asyncio.Queue[str] = asyncio.Queue()
    flow = (device_flow(acct) if acct.flow == "device"
            else code_flow(acct, pasted=pasted))
    reading = False
    try:
        async for event in flow:
            if _show(acct, event, open_browser) and not reading:
                reading = _read_pasted_lines(pasted)
    finally:
        if reading:
            asyncio.get_running_loop().remove_reader(sys.stdin.fileno())
    return ExitCode.OK


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _show(acct: Account, event: SignInEvent, open_browser: bool) -> bool:
    """Tell the user about one event; True when the flow now accepts a pasted address."""
    from smtptui.oauth.events import Granted, OpenBrowser, UserCode, Waiting
    from smtptui.probe.sanitize import clean

    if isinstance(event, UserCode):
        _say(f"To sign in to {acct.provider.label} ({acct.name}), open\n\n    "
             f"{clean(event.verification_uri, 300)}\n\nand enter the code  "
             f"{clean(event.user_code, 40)}\n")
        _qr(event.verification_uri_complete or event.verification_uri)
        _say(f"Waiting for the sign-in (the code expires in {_duration(event.expires_in)}; "
             "Ctrl-C cancels)…")
    elif isinstance(event, OpenBrowser):
        opened = open_browser and _open(event.url)
        _say(("A browser was opened. If it did not show the sign-in page, open" if opened
              else "Open this address in a browser to sign in") + f":\n\n    {event.url}\n")
        _say("If that browser runs on another machine (SSH), it ends on an address starting "
             f"{event.redirect_uri} that it cannot load: copy that address from its address "
             "bar, paste it here and press Enter.")
        return True
    elif isinstance(event, Waiting) and event.reason == "slow_down":
        _say(f"The provider asked to poll less often: every {event.interval:g} s now.")
    elif isinstance(event, Granted):
        _say(f"Signed in{_who(event.tokens)}: {_validity(event.tokens)}; scopes "
             f"{' '.join(event.tokens.scopes) or '(not stated)'}. Tokens stored in "
             f"{event.where}.")
    return False


def _read_pasted_lines(queue: Any) -> bool:
    """Feed lines typed or piped on stdin to ``queue`` (no thread: a reader callback)."""
    import asyncio
    import os

    try:
        fd = sys.stdin.fileno()
        loop = asyncio.get_running_loop()
    except (AttributeError, ValueError, OSError):
        return False
    buffer = bytearray()

    def readable() -> None:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            chunk = b""
        if not chunk:
            loop.remove_reader(fd)
            return
        buffer.extend(chunk)
        while b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            if line.strip():
                queue.put_nowait(line.decode("utf-8", "replace"))

    try:
        loop.add_reader(fd, readable)
    except (NotImplementedError, ValueError, OSError):  # e.g. a regular file on stdin
        return False
    return True


def _open(url: str) -> bool:
    import os

    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
            or sys.platform in ("darwin", "win32")):
        return False  # over SSH: a text browser in this terminal would hide the prompt
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False


def _qr(url: str) -> None:
    import os

    from smtptui.oauth.qr import terminal_qr

    if not sys.stderr.isatty():
        return
    size = os.get_terminal_size(sys.stderr.fileno())
    code = terminal_qr(url, size.columns, size.lines, sys.stderr.encoding)
    if code:
        _say("or scan:\n" + code)


def _duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _who(tokens: Tokens) -> str:
    from smtptui.probe.sanitize import clean

    return f" as {clean(tokens.user, 200)}" if tokens.user else ""


def _validity(tokens: Tokens) -> str:
    left = tokens.expires_in()
    refresh = "refreshed automatically" if tokens.refresh_token else "no refresh token"
    if left is None:
        return f"access token of unknown lifetime ({refresh})"
    if left <= 0:
        return f"access token expired {_duration(left)} ago ({refresh})"
    return f"access token valid for {_duration(left)} ({refresh})"


# -- status and logout --------------------------------------------------------------------
def _status(args: argparse.Namespace) -> int:
    import json

    from smtptui.oauth.store import TokenStore

    found = accounts(args)
    names = [account(args).name] if args.name else sorted(found)
    store = TokenStore()
    rows: list[dict[str, Any]] = []
    for name in names:
        tokens = store.load(name)
        rows.append(_status_row(found[name], tokens, store))
    if args.json:
        print(json.dumps({"sign_ins": rows}))
    elif not rows:
        _say("No [oauth.NAME] sign-ins in the profiles file. Add one like:\n\n" + example())
    else:
        for row in rows:
            print(_status_text(row))
    if args.name and not rows[0]["signed_in"]:
        return ExitCode.FAILED
    return ExitCode.OK


def _status_row(acct: Account, tokens: Tokens | None, store: Any) -> dict[str, Any]:
    row: dict[str, Any] = {"name": acct.name, "provider": acct.provider.key,
                           "signed_in": tokens is not None, "user": None, "scopes": [],
                           "expires_at": None, "expires_in": None, "refresh_token": False,
                           "stored_in": None}
    if tokens is not None:
        left = tokens.expires_in()
        row.update(user=tokens.user, scopes=list(tokens.scopes), expires_at=tokens.expires_at,
                   expires_in=None if left is None else round(left),
                   refresh_token=bool(tokens.refresh_token), stored_in=store.where(acct.name))
    return row


def _status_text(row: dict[str, Any]) -> str:
    import datetime as dt

    from smtptui.probe.sanitize import clean

    head = f"{clean(row['name'], 80)} ({row['provider']})"
    if not row["signed_in"]:
        return f"{head}: not signed in (smtptui oauth login {clean(row['name'], 80)})"
    who = f" as {clean(row['user'], 200)}" if row["user"] else ""
    if row["expires_at"] is None:
        expiry = "expiry unknown"
    else:
        when = dt.datetime.fromtimestamp(row["expires_at"]).strftime("%Y-%m-%d %H:%M")
        left = row["expires_in"]
        expiry = (f"access token expires {when} (in {_duration(left)})" if left > 0
                  else f"access token expired {when} ({_duration(left)} ago)")
    refresh = "refresh token kept" if row["refresh_token"] else "no refresh token"
    scopes = " ".join(clean(s, 200) for s in row["scopes"]) or "(not stated)"
    return (f"{head}: signed in{who}; {expiry}; {refresh}; scopes {scopes}; stored in "
            f"{row['stored_in']}")


def _logout(acct: Account, args: argparse.Namespace) -> int:
    from smtptui.oauth.errors import OAuthError
    from smtptui.oauth.store import TokenStore

    store = TokenStore()
    tokens = store.load(acct.name)
    failed = None
    if tokens is not None and not args.local_only:
        from smtptui.oauth.client import revoke

        try:
            if revoke(acct, tokens):
                _say(f"Revoked at {acct.revocation_endpoint}.")
            elif acct.provider.key == "microsoft":
                _say("Microsoft has no endpoint to revoke one token; it stops working when "
                     "it expires. To end every session of the account now: Entra admin "
                     "center -> Users -> the user -> Revoke sessions.")
            else:
                _say(f"[oauth.{acct.name}] has no revocation_endpoint; nothing was revoked "
                     "at the provider.")
        except OAuthError as exc:
            failed = exc
    gone = store.delete(acct.name)
    _say(f"Forgot the tokens in {' and '.join(gone)}." if gone
         else f"No tokens were stored for {acct.name}.")
    if failed is not None:
        print(f"smtptui: {failed} (deleted here anyway)", file=sys.stderr)
        return ExitCode.FAILED
    return ExitCode.OK
