"""The probe's target flags, shared by `probe` and `compare`, and how they become a
:class:`ProbeConfig` (flags given with a profile override that profile's fields)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smtptui.commands.target_checks import (
    check_cafile,
    check_combination,
    check_flags,
    check_host,
    password_flag,
)
from smtptui.errors import UsageError
from smtptui.probe.config import AUTH_MECHS, STOP_AFTER, TLS_MODES, ProbeConfig
from smtptui.records import replace

if TYPE_CHECKING:
    from smtptui.probe.config import Secret
    from smtptui.profiles.model import Profile
    from smtptui.profiles.secrets import CommandSource, OAuthSource, SecretSource
    from smtptui.profiles.store import ProfileFile


ADHOC = "command line"
"""Name of the profile built from flags alone (reported as no profile)."""


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 1-65535, got {port}")
    return port


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds <= 600:
        raise argparse.ArgumentTypeError(
            f"timeout must be more than 0 and at most 600 s, got {value}")
    return seconds


def add_target_args(p: argparse.ArgumentParser) -> None:
    """Flags that describe or override one probe target."""
    g = p.add_argument_group("target (override the profile's fields)")
    g.add_argument("--host", help="relay host name or IP address")
    g.add_argument("--port", type=_port, help="TCP port (default 587, or 465 for implicit)")
    g.add_argument("--tls", choices=TLS_MODES, help="security mode (default starttls)")
    g.add_argument("--servername", metavar="NAME", help="TLS server name (SNI and verification)")
    g.add_argument("--cafile", metavar="FILE", help="CA bundle to verify the certificate with")
    g.add_argument("--insecure", action="store_true", default=None,
                   help="do not verify the certificate (shown as a warning)")
    g.add_argument("--ehlo", metavar="NAME", help="name to announce in EHLO/HELO")
    g.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                   help="per-stage timeout (default 30)")
    g.add_argument("--nameserver", metavar="HOST[:PORT]", help="DNS resolver for the host name")
    a = p.add_argument_group("authentication")
    a.add_argument("--user", metavar="U", help="AUTH username")
    src = a.add_mutually_exclusive_group()
    src.add_argument("--password-env", metavar="VAR", help="read the password from $VAR")
    src.add_argument("--password-cmd", metavar="CMD",
                     help="run CMD (no shell) and use the first line it prints")
    src.add_argument("--ask-password", action="store_true", help="prompt for the password")
    a.add_argument("--auth", choices=AUTH_MECHS, help="SASL mechanism (default auto)")
    tok = a.add_mutually_exclusive_group()
    tok.add_argument("--oauth-token-env", metavar="VAR", help="OAuth2 access token from $VAR")
    tok.add_argument("--oauth", metavar="NAME", help="a fresh access token of the profiles "
                     "file's [oauth.NAME] sign-in (see: smtptui oauth login NAME)")
    a.add_argument("--allow-plaintext-auth", action="store_true", default=None,
                   help="allow AUTH without encryption (only with --tls none|opportunistic)")
    m = p.add_argument_group("mail")
    m.add_argument("--from", dest="mail_from", metavar="ADDR", help="MAIL FROM address")
    m.add_argument("--to", dest="rcpt_to", metavar="ADDR", nargs="+", action="extend",
                   help="RCPT TO address(es)")
    m.add_argument("--send", action="store_true", default=None,
                   help="also send a generated test message (DATA)")
    m.add_argument("--stop-after", choices=STOP_AFTER, help="end politely after this stage")
    m.add_argument("--subject", help="subject of the test message")


def _prompt(question: str) -> str:
    import getpass
    import sys

    if not sys.stdin.isatty():
        raise UsageError("cannot prompt for a password: no terminal (use --password-env "
                         "or --password-cmd)")
    try:
        return getpass.getpass(question)
    except (EOFError, OSError):
        raise UsageError("cannot prompt for a password: no terminal") from None


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    from smtptui.profiles.secrets import EnvSource, PromptSource

    fields: dict[str, Any] = {}
    for attr, field in (("host", "host"), ("port", "port"), ("tls", "tls"),
                        ("servername", "servername"), ("cafile", "cafile"),
                        ("insecure", "insecure"), ("ehlo", "ehlo"), ("timeout", "timeout"),
                        ("nameserver", "nameserver"), ("user", "username"), ("auth", "auth"),
                        ("allow_plaintext_auth", "allow_plaintext_auth"),
                        ("mail_from", "mail_from"), ("send", "send"),
                        ("stop_after", "stop_after")):
        value = getattr(args, attr, None)
        if value is not None:
            fields[field] = value
    if getattr(args, "rcpt_to", None):
        fields["rcpt_to"] = tuple(args.rcpt_to)
    if fields.get("tls") == "none":  # a flag turning TLS off: the profile's TLS fields go
        for field in ("cafile", "servername"):
            fields.setdefault(field, None)
        fields.setdefault("insecure", False)
    if fields.get("insecure") and "cafile" not in fields:  # --insecure over a saved CA file
        fields["cafile"] = None
    if getattr(args, "password_env", None):
        fields["password"] = EnvSource(args.password_env)
    elif getattr(args, "password_cmd", None) is not None:
        fields["password"] = command_source(args.password_cmd)
    elif getattr(args, "ask_password", False):
        fields["password"] = PromptSource()
    if getattr(args, "oauth_token_env", None):
        fields["oauth_token"] = EnvSource(args.oauth_token_env)
    return fields


def command_source(command: str) -> CommandSource:
    """``--password-cmd``, checked as the profile schema checks ``{ command = ... }``."""
    from smtptui.profiles.schema import Invalid, check_command
    from smtptui.profiles.secrets import CommandSource

    try:
        check_command("--password-cmd", command)
    except Invalid as exc:
        raise UsageError(str(exc)) from None
    return CommandSource(command)


def load_profiles(args: argparse.Namespace) -> ProfileFile:
    from smtptui.profiles import load, resolve_path

    return load(resolve_path(getattr(args, "profiles", None)))


def profile_from_args(args: argparse.Namespace, name: str | None,
                      profiles: ProfileFile | None = None, *,
                      base: Profile | None = None) -> Profile:
    """The profile ``name`` (or an ad-hoc one from ``--host``) with the flags applied;
    ``base``: that profile, already looked up (a batch of 10,000 does not search for each)."""
    from smtptui.profiles.model import Profile
    from smtptui.profiles.secrets import OAuthSource

    check_flags(args)
    fields = _overrides(args)
    if name is not None:
        from smtptui.profiles.store import check_literal_secrets

        if base is None or getattr(args, "oauth", None):
            profiles = profiles or load_profiles(args)
        if base is None:
            base = profiles.get(name)  # type: ignore[union-attr]
        if getattr(args, "oauth", None):
            fields["oauth_token"] = _oauth_source(args, profiles)
            if isinstance(base.password, OAuthSource):
                fields["password"] = None  # --oauth replaces the profile's sign-in
        profile = replace(base, **fields) if fields else base
        if profiles is not None:
            check_literal_secrets(profiles, [profile])
        return profile
    if "host" not in fields:
        raise UsageError("give a PROFILE name or --host (see smtptui probe --help)")
    fields.setdefault("port", 465 if fields.get("tls") == "implicit" else 587)
    if getattr(args, "oauth", None):
        fields["oauth_token"] = _oauth_source(args, profiles)
        fields.setdefault("username", fields["oauth_token"].account.username)
    return Profile(name=ADHOC, **fields)


def _oauth_source(args: argparse.Namespace, profiles: ProfileFile | None) -> OAuthSource:
    """``--oauth NAME``: the profiles file's ``[oauth.NAME]`` sign-in."""
    from smtptui.oauth.account import parse_accounts
    from smtptui.profiles import load_or_empty, resolve_path
    from smtptui.profiles.secrets import OAuthSource

    pf = profiles or load_or_empty(resolve_path(getattr(args, "profiles", None)))
    accounts, _ = parse_accounts(pf.extra.get("oauth", {}))
    if args.oauth not in accounts:
        known = ", ".join(sorted(accounts)) or "none"
        raise UsageError(f"--oauth {args.oauth}: no [oauth.{args.oauth}] sign-in in "
                         f"{pf.path} (known: {known})")
    return OAuthSource(args.oauth, accounts[args.oauth])


def config_from_profile(profile: Profile, args: argparse.Namespace) -> ProbeConfig:
    """Check the combination of fields and flags, then resolve secrets; bad input
    raises UsageError (before anything is prompted for or run)."""
    adhoc = profile.name == ADHOC
    where = "" if adhoc else f'profile "{profile.name}": '
    from_flag = adhoc or getattr(args, "host", None) is not None
    host = check_host(profile.host, "--host" if from_flag else f"{where}host")
    check_combination(profile, args, where)
    if adhoc:
        config = replace(profile, password=None, oauth_token=None).to_probe_config()
        from smtptui.profiles.errors import TokenUnavailable

        password = _resolve(profile.password, "password", profile.username, args)
        try:
            token = _resolve(profile.oauth_token, "OAuth token", profile.username, args)
            problem = None
        except TokenUnavailable as exc:
            _say(exc)
            token, problem = None, exc.brief
        config = replace(config, profile=None, password=password,
                         oauth_token=token, secret_problem=problem)
    else:
        config = _with_token_problems(profile)
    config = replace(config, host=host)
    if getattr(args, "subject", None):
        config = replace(config, subject=args.subject)
    if config.cafile:
        check_cafile(config.cafile)
    if config.nameserver:
        from smtptui.dnscheck.settings import parse_nameserver

        try:
            parse_nameserver(config.nameserver)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    return config


def _with_token_problems(profile: Profile) -> ProbeConfig:
    """The profile's probe; an OAuth token that cannot be had (revoked, not signed in)
    is said on stderr and the probe fails at AUTH with the reason (exit 1), testing
    everything before it. Other secret problems stay bad input (exit 2)."""
    from smtptui.profiles.errors import SecretError, TokenUnavailable

    problems: list[SecretError] = []
    config = profile.to_probe_config(prompt=_prompt, problems=problems)
    for problem in problems:
        if not isinstance(problem, TokenUnavailable):
            raise problem
    for problem in problems:
        _say(problem)
    return config


def _say(problem: Exception) -> None:
    import sys

    print(f"smtptui: {problem}", file=sys.stderr)


def _resolve(source: SecretSource | None, what: str, user: str | None,
             args: argparse.Namespace) -> Secret | None:
    """An ad-hoc secret, labelled by its user (there is no profile to name)."""
    if source is None:
        return None
    if user:
        label = f"{what} for {user}"
    elif what == "password":
        label = password_flag(args) or what
    elif getattr(args, "oauth", None):
        label = f"--oauth {args.oauth}"
    else:
        label = f"--oauth-token-env {args.oauth_token_env}"
    return source.resolve(label, _prompt)


def env_vars(profile: Profile) -> tuple[str | None, str | None]:
    """The environment variables the password and the token are read from, if they are."""
    from smtptui.profiles.secrets import EnvSource

    return tuple(  # type: ignore[return-value]
        s.var if isinstance(s, EnvSource) else None
        for s in (profile.password, profile.oauth_token))
