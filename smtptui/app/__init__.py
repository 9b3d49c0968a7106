"""The Textual dashboard. Only this package imports Textual.

Open it with :func:`smtptui.app.launch.run_app`; tests and benchmarks build it with
:func:`smtptui.app.launch.make_app`. This file stays empty so importing it costs nothing.
"""
