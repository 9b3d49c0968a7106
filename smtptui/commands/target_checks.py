"""What the target flags and profile fields must satisfy before anything runs: values
that can never work and combinations that contradict each other are bad input (exit 2),
named as the flags or profile keys the user wrote."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from smtptui.errors import UsageError
from smtptui.hostport import HostError, has_control, parse_host

if TYPE_CHECKING:
    from smtptui.profiles.model import Profile


_TEXT_FLAGS = (("ehlo", "--ehlo"), ("mail_from", "--from"), ("user", "--user"),
               ("servername", "--servername"), ("subject", "--subject"),
               ("host", "--host"))
_BEFORE_AUTH = ("greeting", "ehlo", "tls")
_PASSWORD_MECHS = ("plain", "login", "cram-md5")
_TOKEN_MECHS = ("xoauth2", "oauthbearer")


def check_flags(args: argparse.Namespace) -> None:
    """Flag values that can never work (control characters, a PROFILE name taken as an
    address) are bad input, whatever profile they are applied to."""
    for attr, flag in _TEXT_FLAGS:
        value = getattr(args, attr, None)
        if value is not None and has_control(value):
            raise UsageError(f"control characters are not allowed in {flag}")
    for address in getattr(args, "rcpt_to", None) or ():
        if has_control(address):
            raise UsageError("control characters are not allowed in --to")
        if "@" not in address:
            raise UsageError(f"--to {address!r} is not an address "
                             "(put the PROFILE name before --to)")
    check_addresses(getattr(args, "mail_from", None), getattr(args, "rcpt_to", None) or ())


def check_addresses(mail_from: str | None, rcpt_to: Iterable[str], where: str = "") -> None:
    """Sender and recipients must be RFC 5321 mailboxes (an empty sender is the null
    reverse-path ``<>``); named as flags, or as profile keys with ``where``."""
    rcpt_to = tuple(rcpt_to)
    if not (mail_from or rcpt_to):
        return  # the usual probe: no envelope to check, nor its parser to import
    from smtptui.mailbox import mailbox_problem

    sender, recipient = ("from", "to") if where else ("--from", "--to")
    if mail_from:
        problem = mailbox_problem(mail_from)
        if problem:
            raise UsageError(f"{where}{sender} {mail_from!r} is not a valid address: {problem}")
    for address in rcpt_to:
        problem = mailbox_problem(address)
        if problem:
            raise UsageError(f"{where}{recipient} {address!r} is not a valid address: {problem}")


def check_cafile(path: str, where: str = "") -> None:
    """A CA file we cannot read or parse is bad input (exit 2), not a failed probe."""
    import os
    import ssl

    from smtptui.probe.tlsinfo import make_context

    if not os.access(path, os.R_OK):
        raise UsageError(f"{where}cannot read the CA file {path}")
    try:
        make_context(cafile=path, insecure=False)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise UsageError(f"{where}the CA file {path} holds no usable certificate "
                         f"({exc})") from None


def check_host(host: str, what: str = "--host") -> str:
    """``host`` as the probe should use it (``[::1]`` becomes ``::1``); a value that is
    no host name or IP address raises UsageError naming ``what``."""
    try:
        return parse_host(host)
    except HostError as exc:
        hint = f": use --host {exc.name} --port {exc.port}" if exc.port else ""
        raise UsageError(f"{what} {exc}{hint}") from None


class CombinationError(UsageError):
    """Fields that contradict each other; ``field``: the :class:`Profile` attribute to
    change (``secret`` for the password or token source)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


class Names(NamedTuple):
    """How the rules below name what they speak of: as flags (the default), or as the
    profile editor's labels (:data:`FORM_NAMES`). One set of rules serves the command
    line, ``profiles check`` and the editor."""

    send: str = "--send"
    mail_from: str = "--from"
    rcpt_to: str = "--to"
    stop_after: str = "--stop-after"
    tls: str = "--tls"
    auth: str = "--auth"
    user: str = "--user"
    cafile: str = "--cafile"
    servername: str = "--servername"
    insecure: str = "--insecure"
    allow_plaintext_auth: str = "--allow-plaintext-auth"
    sources: str = ("--password-env VAR, --password-cmd CMD, --ask-password or "
                    "--oauth-token-env VAR (or --stop-after tls to skip AUTH)")
    password_sources: str = "--password-env, --password-cmd or --ask-password"
    token_sources: str = "--oauth NAME or --oauth-token-env VAR"


FLAG_NAMES = Names()
FORM_NAMES = Names(
    send="Send", mail_from="From", rcpt_to="To", stop_after="Stop after", tls="Security",
    auth="AUTH", user="Username", cafile="CA file", servername="TLS name",
    insecure="Insecure", allow_plaintext_auth="Allow AUTH without TLS",
    sources="a source in Password from (or Stop after tls to skip AUTH)",
    password_sources="env, command, keyring or prompt in Password from",
    token_sources="oauth or env in Password from")
"""The profile editor's labels (``smtptui.app.screens.editor.LABELS``)."""
ADD_NAMES = FLAG_NAMES._replace(
    sources="--password-env VAR, --password-cmd CMD, --password-keyring NAME, "
            "--password-prompt, --oauth NAME or --oauth-token-env VAR (or --stop-after tls "
            "to skip AUTH)",
    password_sources="--password-env, --password-cmd, --password-keyring or "
                     "--password-prompt")
"""`smtptui profiles add`'s flags."""


def check_combination(profile: Profile, args: argparse.Namespace, where: str,
                      names: Names = FLAG_NAMES) -> None:
    """Fields that contradict each other are bad input (named as flags or profile keys):
    raises :class:`CombinationError` for the first found."""
    n = names
    if profile.send and (not profile.mail_from or not profile.rcpt_to):
        raise CombinationError(f"{where}{n.send} needs {n.mail_from} and at least one "
                               f"{n.rcpt_to}", "send")
    if profile.send and profile.stop_after:
        raise CombinationError(f"{where}{n.send} needs the probe to reach DATA "
                               f"(it stops after {profile.stop_after}: drop {n.stop_after})",
                               "stop_after")
    if profile.rcpt_to and not profile.mail_from:
        raise CombinationError(f"{where}{n.rcpt_to} needs {n.mail_from}", "mail_from")
    if where:  # flags: checked by check_flags
        check_addresses(profile.mail_from, profile.rcpt_to, where)
    if profile.allow_plaintext_auth and profile.tls not in ("none", "opportunistic"):
        raise CombinationError(f"{where}{n.allow_plaintext_auth} only applies with "
                               f"{n.tls} none or opportunistic", "allow_plaintext_auth")
    _check_flags_that_do_nothing(profile, where, n)
    if profile.stop_after not in _BEFORE_AUTH:
        _check_credentials(profile, args, where, n)


def _check_flags_that_do_nothing(profile: Profile, where: str, n: Names) -> None:
    """Settings that would silently have no effect are bad input, not a quiet pass."""
    stop = profile.stop_after
    if stop == "mail" and not profile.mail_from:
        raise CombinationError(f"{where}{n.stop_after} mail needs {n.mail_from} (MAIL FROM "
                               "is never sent without a sender)", "mail_from")
    if stop == "rcpt" and not profile.rcpt_to:
        raise CombinationError(f"{where}{n.stop_after} rcpt needs {n.rcpt_to} (RCPT TO is "
                               "never sent without a recipient)", "rcpt_to")
    if profile.tls == "none":
        used = [(field, getattr(n, field)) for field in ("cafile", "servername", "insecure")
                if getattr(profile, field)]
        if used:
            verb = "applies" if len(used) == 1 else "apply"
            raise CombinationError(f"{where}{' and '.join(name for _f, name in used)} only "
                                   f"{verb} with TLS ({n.tls} none never starts it)",
                                   used[0][0])
        if stop == "tls":
            raise CombinationError(f"{where}{n.stop_after} tls needs TLS (with {n.tls} "
                                   f"none, use {n.stop_after} ehlo)", "stop_after")
    if profile.insecure and profile.cafile:
        raise CombinationError(f"{where}{n.insecure} and {n.cafile} contradict each other "
                               f"({n.insecure} verifies nothing): drop one", "insecure")
    if profile.auth != "auto" and not profile.username and profile.stop_after not in (
            _BEFORE_AUTH):
        raise CombinationError(f"{where}{n.auth} {profile.auth} needs {n.user} (without a "
                               "username AUTH is skipped)", "username")


def _check_credentials(profile: Profile, args: argparse.Namespace, where: str,
                       n: Names) -> None:
    """Credentials that cannot authenticate are bad input when the probe reaches AUTH."""
    from smtptui.profiles.secrets import OAuthSource

    signed_in = isinstance(profile.password, OAuthSource)  # { oauth = "NAME" }: a token
    password = profile.password is not None and not signed_in
    token = profile.oauth_token is not None or signed_in
    if not profile.username:
        if password or token:
            what = (password_flag(args) or "a password") if password else (
                "--oauth-token-env" if getattr(args, "oauth_token_env", None)
                else "--oauth" if getattr(args, "oauth", None) else "an OAuth token")
            raise CombinationError(f"{where}{what} needs {n.user}"
                                   + (" (or a username in the profile)" if where else ""),
                                   "username")
        return
    if not password and not token:
        if where and not getattr(args, "user", None):
            raise CombinationError(f"{where}username {profile.username!r} has no password "
                                   f"or oauth_token: set one in the profile or give "
                                   f"{n.sources}", "secret")
        raise CombinationError(f"{where}{n.user} needs a password or token: give "
                               f"{n.sources}", "secret")
    if profile.auth in _PASSWORD_MECHS and not password:
        raise CombinationError(f"{where}{n.auth} {profile.auth} needs a password "
                               f"({n.password_sources}), not only an OAuth token", "secret")
    if profile.auth in _TOKEN_MECHS and not token:
        raise CombinationError(f"{where}{n.auth} {profile.auth} needs an OAuth token "
                               f"({n.token_sources}), not a password", "secret")


def password_flag(args: argparse.Namespace) -> str | None:
    """The flag that gave the password, if one did."""
    if getattr(args, "password_env", None):
        return f"--password-env {args.password_env}"
    if getattr(args, "password_cmd", None):
        return "--password-cmd"
    if getattr(args, "ask_password", False):
        return "--ask-password"
    return None
