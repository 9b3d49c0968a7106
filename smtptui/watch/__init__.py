"""Watching relays over time: re-probe on a schedule, report state changes (not runs),
notify. Headless (no Textual): the CLI's `smtptui watch` and the app's `W` share it."""
