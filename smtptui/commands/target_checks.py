"""What the target flags and profile fields must satisfy before anything runs: values
that can never work and combinations that contradict each other are bad input (exit 2),
named as the flags or profile keys the user wrote."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import TYPE_CHECKING

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


def check_combination(profile: Profile, args: argparse.Namespace, where: str) -> None:
    """Fields that contradict each other are bad input (named as flags or profile keys)."""
    if profile.send and (not profile.mail_from or not profile.rcpt_to):
        raise UsageError(f"{where}--send needs --from and at least one --to")
    if profile.send and profile.stop_after:
        raise UsageError(f"{where}--send needs the probe to reach DATA "
                         f"(it stops after {profile.stop_after}: drop --stop-after)")
    if profile.rcpt_to and not profile.mail_from:
        raise UsageError(f"{where}--to needs --from")
    if where:  # flags: checked by check_flags
        check_addresses(profile.mail_from, profile.rcpt_to, where)
    if profile.allow_plaintext_auth and profile.tls not in ("none", "opportunistic"):
        raise UsageError(f"{where}--allow-plaintext-auth only applies with "
                         "--tls none or opportunistic")
    _check_flags_that_do_nothing(profile, where)
    if profile.stop_after not in _BEFORE_AUTH:
        _check_credentials(profile, args, where)


def _check_flags_that_do_nothing(profile: Profile, where: str) -> None:
    """Settings that would silently have no effect are bad input, not a quiet pass."""
    stop = profile.stop_after
    if stop == "mail" and not profile.mail_from:
        raise UsageError(f"{where}--stop-after mail needs --from (MAIL FROM is never sent "
                         "without a sender)")
    if stop == "rcpt" and not profile.rcpt_to:
        raise UsageError(f"{where}--stop-after rcpt needs --to (RCPT TO is never sent "
                         "without a recipient)")
    if profile.tls == "none":
        used = [flag for flag, value in (("--cafile", profile.cafile),
                                         ("--servername", profile.servername),
                                         ("--insecure", profile.insecure)) if value]
        if used:
            raise UsageError(f"{where}{' and '.join(used)} only apply with TLS "
                             "(--tls none never starts it)")
        if stop == "tls":
            raise UsageError(f"{where}--stop-after tls needs TLS (with --tls none, use "
                             "--stop-after ehlo)")
    if profile.insecure and profile.cafile:
        raise UsageError(f"{where}--insecure and --cafile contradict each other "
                         "(--insecure verifies nothing): drop one")
    if profile.auth != "auto" and not profile.username and profile.stop_after not in (
            _BEFORE_AUTH):
        raise UsageError(f"{where}--auth {profile.auth} needs --user (without a username "
                         "AUTH is skipped)")


def _check_credentials(profile: Profile, args: argparse.Namespace, where: str) -> None:
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
            raise UsageError(f"{where}{what} needs --user"
                             + (" (or a username in the profile)" if where else ""))
        return
    if not password and not token:
        sources = ("--password-env VAR, --password-cmd CMD, --ask-password or "
                   "--oauth-token-env VAR (or --stop-after tls to skip AUTH)")
        if where and not getattr(args, "user", None):
            raise UsageError(f"{where}username {profile.username!r} has no password or "
                             f"oauth_token: set one in the profile or give {sources}")
        raise UsageError(f"{where}--user needs a password or token: give {sources}")
    if profile.auth in _PASSWORD_MECHS and not password:
        raise UsageError(f"{where}--auth {profile.auth} needs a password (--password-env, "
                         "--password-cmd or --ask-password), not only an OAuth token")
    if profile.auth in _TOKEN_MECHS and not token:
        raise UsageError(f"{where}--auth {profile.auth} needs an OAuth token "
                         "(--oauth NAME or --oauth-token-env VAR), not a password")


def password_flag(args: argparse.Namespace) -> str | None:
    """The flag that gave the password, if one did."""
    if getattr(args, "password_env", None):
        return f"--password-env {args.password_env}"
    if getattr(args, "password_cmd", None):
        return "--password-cmd"
    if getattr(args, "ask_password", False):
        return "--ask-password"
    return None
