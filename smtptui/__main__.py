"""`python -m smtptui`."""

from smtptui.cli import entry

entry()
