"""Where a saved profile's password comes from: the ``--password-*`` flags of the commands
that write a profile, and the question asked on a terminal when none was given.

A profile with a username and no password source is refused by `smtptui profiles check`
and by `smtptui probe`, so a command that saves one always gives it a source.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from smtptui.errors import UsageError

if TYPE_CHECKING:
    from smtptui.profiles.secrets import SecretSource

CHOICES = (
    ("prompt", "ask for it each time the profile runs (nothing stored)"),
    ("env", "an environment variable"),
    ("command", "a command that prints it (e.g. pass show acme/smtp)"),
    ("keyring", "the OS keyring (service smtptui)"),
)


def add_password_args(parser: argparse.ArgumentParser) -> Any:
    """The mutually exclusive ``--password-*`` flags; returns their group (to add more)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password-env", metavar="VAR", help="password from this env variable")
    group.add_argument("--password-cmd", metavar="CMD", help="password from this command's "
                       "first output line (run without a shell)")
    group.add_argument("--password-keyring", metavar="NAME",
                       help="password from the OS keyring (service smtptui, user NAME)")
    group.add_argument("--password-prompt", action="store_true", help="ask every time")
    return group


def password_from_args(args: argparse.Namespace) -> SecretSource | None:
    """The source the ``--password-*`` flags name, or None when none was given."""
    from smtptui.commands.target_args import command_source
    from smtptui.profiles.secrets import EnvSource, KeyringSource, PromptSource

    if getattr(args, "password_env", None):
        return EnvSource(args.password_env)
    if getattr(args, "password_cmd", None) is not None:
        return command_source(args.password_cmd)
    if getattr(args, "password_keyring", None):
        return KeyringSource(args.password_keyring)
    if getattr(args, "password_prompt", False):
        return PromptSource()
    return None


def choose_source(name: str, *, stdin: TextIO | None = None,
                  stderr: TextIO | None = None) -> SecretSource:
    """Ask on the terminal where profile ``name``'s password comes from (Enter: a prompt
    each run). Without a terminal, a prompt each run, said in one line on stderr."""
    from smtptui.profiles.schema import show
    from smtptui.profiles.secrets import PromptSource

    stdin = stdin or sys.stdin
    stderr = stderr or sys.stderr
    if not stdin.isatty():
        print(f"smtptui: profile {show(name)} asks for its password each time it runs "
              "(password = { prompt = true }); give --password-env, --password-cmd or "
              "--password-keyring to store a source instead", file=stderr)
        return PromptSource()
    ask = _asker(stdin, stderr)
    lines = [f"Where does the password of profile {show(name)} come from?"]
    lines += [f"  {i}) {text}" for i, (_, text) in enumerate(CHOICES, 1)]
    print("\n".join(lines), file=stderr)
    while True:
        answer = ask("Choice [1]: ").strip() or "1"
        kinds = [kind for kind, _ in CHOICES]
        kind = (kinds[int(answer) - 1] if answer.isdigit() and 1 <= int(answer) <= len(kinds)
                else answer if answer in kinds else None)
        if kind is not None:
            break
        print(f"  type 1-{len(CHOICES)}", file=stderr)
    return _source(kind, name, ask, stderr)


def _source(kind: str, name: str, ask: Callable[[str], str], stderr: TextIO) -> SecretSource:
    from smtptui.commands.target_args import command_source
    from smtptui.profiles.secrets import EnvSource, KeyringSource, PromptSource

    if kind == "prompt":
        return PromptSource()
    question = {"env": "Variable name: ", "command": "Command: ",
                "keyring": f"Keyring entry [{name}]: "}[kind]
    while True:
        value = ask(question).strip() or (name if kind == "keyring" else "")
        if not value:
            print("  an empty answer is not a source; try again", file=stderr)
            continue
        if kind == "env":
            return EnvSource(value)
        if kind == "keyring":
            return KeyringSource(value)
        try:
            return command_source(value)
        except UsageError as exc:
            print(f"  {exc}", file=stderr)


def _asker(stdin: TextIO, stderr: TextIO) -> Callable[[str], str]:
    def ask(question: str) -> str:
        stderr.write(question)
        stderr.flush()
        line = stdin.readline()
        if not line:  # end of input: stop asking
            raise UsageError("no answer (end of input); profile not saved")
        return line.rstrip("\n")
    return ask
