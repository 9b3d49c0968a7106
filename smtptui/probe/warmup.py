"""One-off work a probe may need, done before probes are timed side by side.

The first probe in a process pays for what no later probe does: OpenSSL's first context
and the CA file or store (1-2 ms from a hashed directory, 20-60 ms from a bundle file),
the diagnosis tables on its first failure (about 30 ms), what reads the first
certificate that fails verification (``tempfile``, ``ipaddress``; never ``cryptography``,
which only a Python without CPython's decoder falls back to). When probes share an
event loop (compare, batch) and one pays while another is being timed,
the other's stage looks slow for nothing. :func:`warm_up` pays it all up front.
"""

from __future__ import annotations

from collections.abc import Iterable

from smtptui.probe.config import ProbeConfig


def warm_up(configs: Iterable[ProbeConfig]) -> None:
    """Blocking: run it in a thread (``asyncio.to_thread``) before the probes start."""
    import contextlib
    import importlib

    from smtptui.diagnose import diagnose
    from smtptui.diagnose.model import Fault
    from smtptui.probe.tlsinfo import make_context, unverified_context

    diagnose(Fault("auth_failed", "auth"))  # loads and compiles the rule tables
    unverified_context()
    nameserver = False
    for config in configs:
        if config.tls != "none":
            make_context(cafile=config.cafile, insecure=config.insecure)
        nameserver = nameserver or bool(config.nameserver)
    modules = ["smtptui.probe.resolve", "smtptui.probe.sniff", "smtptui.probe.message",
               "hashlib", "hmac", "tempfile", "ipaddress"]
    if nameserver:
        modules += ["dns.asyncresolver", "smtptui.dnscheck.settings"]
    for name in modules:
        with contextlib.suppress(ImportError):  # an optional part missing is not our concern
            importlib.import_module(name)
