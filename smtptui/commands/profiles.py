"""``smtptui profiles list|show|add|remove|path|check|presets``: manage saved relay profiles.

Secrets are only ever shown as their source (``env:ACME_PW``), never as values.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smtptui.commands.secret_choice import add_password_args, password_from_args

if TYPE_CHECKING:
    from smtptui.profiles import Profile, ProfileFile

HELP = "list, show, add, remove and check saved relay profiles"


def _common(parser: argparse.ArgumentParser, json_flag: bool = False) -> None:
    parser.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                        help="profiles file (default: $SMTPTUI_PROFILES or the user config dir)")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print JSON")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("profiles", help=HELP, description=HELP.capitalize() + ".")
    _common(parser)
    sub = parser.add_subparsers(dest="profiles_command", metavar="ACTION")
    _common(sub.add_parser("list", help="list profiles grouped by client (the default)"), True)
    show = sub.add_parser("show", help="show one profile")
    show.add_argument("name", metavar="NAME")
    _common(show, True)
    _register_add(sub.add_parser("add", help="add a profile (optionally from a preset)"))
    remove = sub.add_parser("remove", help="remove a profile")
    remove.add_argument("name", metavar="NAME")
    _common(remove)
    _common(sub.add_parser("path", help="print the profiles file's path"))
    _common(sub.add_parser(
        "check", help="validate the profiles file (exit 0 ok; 1 valid, but some profiles "
        "cannot run on this machine; 2 the file cannot be used)"))
    _common(sub.add_parser("presets", help="list provider presets"), True)


def _register_add(add: argparse.ArgumentParser) -> None:
    add.add_argument("name", metavar="NAME")
    _common(add)
    add.add_argument("--preset", metavar="KEY", help="start from a provider preset "
                     "(see `smtptui profiles presets`)")
    add.add_argument("--region", metavar="R", help="region for presets that need one (ses)")
    add.add_argument("--client", metavar="C", help="client the profile belongs to (grouping)")
    add.add_argument("--host", metavar="H")
    add.add_argument("--port", metavar="N", type=int)
    add.add_argument("--tls", metavar="MODE", help="starttls | implicit | none | opportunistic")
    add.add_argument("--user", metavar="U", help="username for AUTH")
    secret = add_password_args(add)
    secret.add_argument("--oauth", metavar="NAME", help="a fresh OAuth token of the file's "
                        "[oauth.NAME] sign-in (smtptui oauth login NAME)")
    add.add_argument("--oauth-token-env", metavar="VAR", help="OAuth token from this variable")
    add.add_argument("--auth", metavar="M",
                     help="auto | plain | login | cram-md5 | xoauth2 | oauthbearer")
    add.add_argument("--from", dest="mail_from", metavar="A", help="MAIL FROM address")
    add.add_argument("--to", dest="rcpt_to", metavar="A", nargs="+", action="extend",
                     help="RCPT TO address(es)")
    add.add_argument("--ehlo", metavar="N", help="name to send in EHLO")
    add.add_argument("--timeout", metavar="S", type=float, help="seconds per stage")
    add.add_argument("--cafile", metavar="F", help="CA bundle to verify the server with")
    add.add_argument("--servername", metavar="N", help="TLS SNI / name to verify")
    add.add_argument("--insecure", action="store_true", help="do not verify the certificate")
    add.add_argument("--allow-plaintext-auth", action="store_true",
                     help="allow AUTH without TLS")
    add.add_argument("--send", action="store_true", help="send a test message (needs --from/--to)")
    add.add_argument("--stop-after", metavar="STAGE",
                     help="greeting | ehlo | tls | auth | mail | rcpt")
    add.add_argument("--nameserver", metavar="HOST[:PORT]",
                     help="DNS resolver for this profile's lookups")
    add.add_argument("--selector", dest="dkim_selectors", metavar="S", action="append",
                     help="DKIM selector of the sending domain (repeatable)")
    add.add_argument("--notes", metavar="TEXT")
    add.add_argument("--force", action="store_true", help="replace a profile of the same name")


def run(args: argparse.Namespace) -> int:
    from smtptui.profiles import resolve_path

    path = resolve_path(getattr(args, "profiles", None))
    action = getattr(args, "profiles_command", None) or "list"
    handlers = {"list": _list, "show": _show, "add": _add, "remove": _remove, "path": _path,
                "check": _check, "presets": _presets}
    return handlers[action](args, path)


def _say(message: str) -> None:
    print(f"smtptui: {message}", file=sys.stderr)


def _warn(pf: ProfileFile) -> None:
    for warning in pf.warnings:
        _say(f"warning: {warning}")


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2))


def _list(args: argparse.Namespace, path: Path) -> int:
    from smtptui.probe.sanitize import clean
    from smtptui.profiles import load_or_empty

    pf = load_or_empty(path)
    _warn(pf)
    groups = pf.clients()
    if getattr(args, "json", False):
        _print_json([p.describe() for profiles in groups.values() for p in profiles])
        return 0
    if not pf.profiles:
        _say(f"no profiles in {path} (add one with: smtptui profiles add NAME --preset KEY)")
        return 0
    width = max(len(clean(p.name, 40)) for p in pf.profiles)
    where = max(len(_where(p)) for p in pf.profiles)
    for client, profiles in groups.items():
        print(clean(client) if client else "(no client)")
        for p in profiles:  # columns line up: name, host:port, mode, then the rest
            print(f"  {clean(p.name, 40):<{width}}  {_where(p):<{where}}  "
                  f"{p.tls:<13}  {_summary(p)}".rstrip())
    return 0


def _where(p: Profile) -> str:
    from smtptui.hostport import host_port
    from smtptui.probe.sanitize import clean

    return host_port(clean(p.host, 60), p.port)


def _summary(p: Profile) -> str:
    from smtptui.probe.sanitize import clean

    parts = []
    if p.username:
        parts.append(f"user {clean(p.username)}")
    if p.password is not None:
        parts.append(f"password {clean(p.password.describe())}")
    if p.oauth_token is not None:
        parts.append(f"token {clean(p.oauth_token.describe())}")
    return "  ".join(parts)


def _show(args: argparse.Namespace, path: Path) -> int:
    from smtptui.probe.sanitize import clean
    from smtptui.profiles import load

    pf = load(path)
    _warn(pf)
    data = pf.get(args.name).describe()
    if getattr(args, "json", False):
        _print_json(data)
        return 0
    for key, value in data.items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, list):
            value = ", ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        print(f"{key + ':':<22}{clean(str(value))}")
    return 0


def _add(args: argparse.Namespace, path: Path) -> int:
    from smtptui.profiles import ProfilesError, load_or_empty, modify
    from smtptui.profiles.schema import show, validate_profile

    fields = _fields_from_args(args)
    name = fields["name"]
    # Check against the file as it is now, before taking the lock: bad input (or a bad
    # file) creates nothing on disk.
    candidate = load_or_empty(path).new_profile(**fields)
    problems = validate_profile(candidate)
    if problems:
        raise ProfilesError("; ".join(problems), problems)
    # Fields that contradict each other: refused, as `profiles check`, `probe` and the
    # editor refuse them (what only this machine lacks is a warning, after the save).
    from smtptui.commands.target_checks import ADD_NAMES, check_combination

    check_combination(candidate, args, f"profile {show(name)}: ", ADD_NAMES)
    replaced = False

    def change(pf: ProfileFile) -> None:
        nonlocal replaced
        profile = pf.new_profile(**fields)  # unset fields inherit [defaults]
        if name in pf:
            if not args.force:
                raise ProfilesError(f"profile {show(name)} already exists in {path} "
                                    "(use --force to replace it)")
            pf.replace(name, profile)
            replaced = True
        else:
            pf.add(profile)

    saved = modify(path, change)
    _say(f"{'replaced' if replaced else 'added'} profile {show(name)} in {path}")
    _broken, here = _runtime_problems(saved, only=name)  # (none broken: checked above)
    for problem in here:
        _say(f"warning: {problem}")
    return 0


def _fields_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The new profile's fields (Profile attribute names) from the flags and any preset."""
    from smtptui.errors import UsageError
    from smtptui.profiles import PRESETS, EnvSource

    if not args.name.strip():
        raise UsageError("profile name must not be empty")
    fields: dict[str, Any] = {
        key: value for key, value in (
            ("client", args.client), ("port", args.port),
            ("tls", args.tls), ("username", args.user), ("auth", args.auth),
            ("mail_from", args.mail_from), ("ehlo", args.ehlo), ("timeout", args.timeout),
            ("cafile", args.cafile), ("servername", args.servername),
            ("stop_after", args.stop_after), ("notes", args.notes),
            ("nameserver", args.nameserver),
        ) if value is not None
    }
    fields.update({flag: True for flag in ("insecure", "allow_plaintext_auth", "send")
                   if getattr(args, flag)})
    if args.rcpt_to:
        fields["rcpt_to"] = tuple(args.rcpt_to)
    if args.dkim_selectors:
        fields["dkim_selectors"] = tuple(args.dkim_selectors)
    password = password_from_args(args)
    if password is not None:
        fields["password"] = password
    elif args.oauth:
        from smtptui.profiles.secrets import OAuthSource

        fields["password"] = OAuthSource(args.oauth)
    if args.oauth_token_env:
        fields["oauth_token"] = EnvSource(args.oauth_token_env)
    if args.preset:
        preset = PRESETS.get(args.preset)
        if preset is None:
            raise UsageError(f"unknown preset {args.preset!r} (known: {', '.join(PRESETS)})")
        if args.region and not preset.needs_region:
            raise UsageError(f"--region does not apply to preset {preset.key!r}")
        base = preset.fields(args.region, host=args.host)
    elif args.region:
        raise UsageError("--region applies only with --preset ses")
    elif args.host is None:
        raise UsageError("profiles add needs --host or --preset")
    else:
        base = {"host": args.host}
    return {"name": args.name, **base, **fields}


def _remove(args: argparse.Namespace, path: Path) -> int:
    from smtptui.profiles import load, modify
    from smtptui.profiles.schema import show

    load(path)  # a missing or invalid file is an error here, not an empty one
    modify(path, lambda pf: pf.remove(args.name))
    _say(f"removed profile {show(args.name)} from {path}")
    return 0


def _path(args: argparse.Namespace, path: Path) -> int:
    print(path)
    return 0


def _check(args: argparse.Namespace, path: Path) -> int:
    from smtptui.errors import ExitCode
    from smtptui.profiles import ProfilesError, load

    try:
        pf = load(path)
    except ProfilesError as exc:
        if exc.problems == [str(exc)]:
            _say(str(exc))
        else:
            for problem in exc.problems:
                _say(f"{path}: {problem}")
        return ExitCode.USAGE
    _warn(pf)
    broken, here = _runtime_problems(pf)
    for problem in broken + here:
        _say(f"{path}: {problem}")
    if broken:  # the file itself cannot be used as written
        return ExitCode.USAGE
    count = len(pf.profiles)
    if here:  # a valid file, with profiles this machine cannot run
        names = {p.partition(": cannot run here:")[0] for p in here}
        print(f"valid: {count} profile{'' if count == 1 else 's'} in {path}; "
              f"{len(names)} cannot run here")
        return ExitCode.FAILED
    print(f"ok: {count} profile{'' if count == 1 else 's'} in {path}")
    return ExitCode.OK


def _runtime_problems(pf: ProfileFile,
                      only: str | None = None) -> tuple[list[str], list[str]]:
    """What a valid file still gets wrong for a probe: (field combinations that cannot
    work anywhere, as `smtptui probe` would refuse them; what cannot run on this machine:
    a missing CA file, an unset variable, a missing command or keyring backend)."""
    from smtptui.commands.target_checks import check_combination
    from smtptui.errors import UsageError

    broken: list[str] = []
    here: list[str] = []
    for profile in pf.profiles:
        if only is not None and profile.name != only:
            continue
        where = f'profile "{profile.name}": '
        try:
            check_combination(profile, argparse.Namespace(), where)
        except UsageError as exc:
            broken.append(str(exc))
        here += [f"{where}cannot run here: {why}" for why in _cannot_run_here(profile)]
    return broken, here


def _cannot_run_here(profile: Profile) -> list[str]:
    """Why this profile cannot run on this machine (nothing is read or run to find out)."""
    import os

    from smtptui.commands.target_checks import check_cafile
    from smtptui.errors import UsageError
    from smtptui.profiles.secrets import CommandSource, EnvSource, KeyringSource

    out: list[str] = []
    if profile.cafile:
        try:
            check_cafile(profile.cafile)
        except UsageError as exc:
            out.append(str(exc))
    if profile.stop_after in ("greeting", "ehlo", "tls"):
        return out  # the secrets are never needed
    used = {"password": profile.auth not in ("xoauth2", "oauthbearer"),
            "oauth_token": profile.auth not in ("plain", "login", "cram-md5")}
    for what, source in (("password", profile.password), ("oauth_token", profile.oauth_token)):
        if not used[what]:
            continue
        if isinstance(source, EnvSource) and source.var not in os.environ:
            out.append(f"{what}: the environment variable {source.var} is not set")
        elif isinstance(source, CommandSource):
            missing = _missing_command(source.command)
            if missing:
                out.append(f"{what}: {missing}")
        elif isinstance(source, KeyringSource):
            missing = _missing_keyring()
            if missing:
                out.append(f"{what}: {missing}")
    return out


def _missing_command(command: str) -> str | None:
    import shlex
    import shutil

    try:
        argv = shlex.split(command)
    except ValueError:
        return None  # the schema's business, not this machine's
    if argv and shutil.which(argv[0]) is None:
        return f"the command {argv[0]!r} is not found"
    return None


def _missing_keyring() -> str | None:
    import importlib.util

    if importlib.util.find_spec("keyring") is None:
        return "the keyring package is not installed (pip install 'smtptui[keyring]')"
    import keyring
    from keyring.backends import fail

    if isinstance(keyring.get_keyring(), fail.Keyring):
        return "no keyring backend is available on this machine"
    return None


def _presets(args: argparse.Namespace, path: Path) -> int:
    from dataclasses import asdict

    from smtptui.profiles import PRESETS

    if getattr(args, "json", False):
        _print_json([{**asdict(p), "needs_region": p.needs_region} for p in PRESETS.values()])
        return 0
    for p in PRESETS.values():
        print(f"{p.key:<13} {p.label:<26} {p.host}:{p.port} {p.tls}")
        print(f"{'':<13} user: {p.username or p.username_hint}")
        print(f"{'':<13} note: {p.note}")
    return 0
