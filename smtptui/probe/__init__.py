"""The probe engine: pure asyncio, no UI imports.

Import the pieces from their modules (``smtptui.probe.engine``, ``.events``,
``.config``); this package file stays empty so importing it costs nothing.
"""
