"""Widgets of the dashboard (reused by the compare screen)."""
