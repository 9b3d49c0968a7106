"""aiosmtplib's protocol layer without the cost of its package ``__init__``.

``import aiosmtplib`` imports its high-level API and with it much of the ``email``
package (~30 ms, a third of a headless probe's start-up). The engine needs only the
protocol, response and error modules, so the package is registered bare and its real
``__init__`` runs on first use of any other name (``aiosmtplib.SMTP`` still works).
"""

from __future__ import annotations

import importlib.machinery
import sys
import types
from typing import Any


def _register_bare_package() -> None:
    if "aiosmtplib" in sys.modules:
        return
    spec = importlib.machinery.PathFinder.find_spec("aiosmtplib")  # not importlib.util: 0.3 ms
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return  # let the normal import report the problem
    package = types.ModuleType("aiosmtplib")
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = "aiosmtplib"
    loader = spec.loader

    def __getattr__(name: str) -> Any:  # PEP 562: complete the package on demand
        del package.__dict__["__getattr__"]
        loader.exec_module(package)
        return getattr(package, name)

    package.__dict__["__getattr__"] = __getattr__
    sys.modules["aiosmtplib"] = package


_register_bare_package()

from aiosmtplib.errors import (  # noqa: E402
    SMTPResponseException,
    SMTPServerDisconnected,
    SMTPTimeoutError,
)
from aiosmtplib.protocol import MAX_LINE_LENGTH, SMTPProtocol  # noqa: E402
from aiosmtplib.response import SMTPResponse  # noqa: E402

__all__ = ["MAX_LINE_LENGTH", "SMTPProtocol", "SMTPResponse", "SMTPResponseException",
           "SMTPServerDisconnected", "SMTPTimeoutError"]
