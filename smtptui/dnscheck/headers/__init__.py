"""Header analyser: paste a delivered message's headers, get a verdict per mechanism.

Pure (no DNS, no network). Entry point: :func:`analyse_headers` -> :class:`HeaderReport`.
"""

from smtptui.dnscheck.headers.analyse import HeaderReport, analyse_headers
from smtptui.dnscheck.headers.verdict import Verdict

__all__ = ["HeaderReport", "Verdict", "analyse_headers"]
