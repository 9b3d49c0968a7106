"""Diagnosis knowledge: reply codes, enhanced status codes, faults -> layer/summary/advice.

Pure data and rules: no I/O, no network, no UI. The engine reports a :class:`Fault`;
:func:`diagnose` explains it. :func:`reply_diagnosis` explains a server's negative reply
at a stage, :func:`reply_meaning` gives the plain meaning of its codes, and
:func:`provider_of` recognises the hosted provider behind a relay.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # loaded on first use: the engine's clean path never needs the rules
    from smtptui.diagnose.codes import basic_meaning, enhanced_meaning, reply_meaning
    from smtptui.diagnose.model import Diagnosis, Fault, Layer, Reply
    from smtptui.diagnose.providers import PROVIDERS, provider_name, provider_of
    from smtptui.diagnose.rules import (
        FAULT_KINDS,
        WARNING_KINDS,
        diagnose,
        reply_diagnosis,
    )

_HOME = {
    "basic_meaning": "codes", "enhanced_meaning": "codes", "reply_meaning": "codes",
    "Diagnosis": "model", "Fault": "model", "Layer": "model", "Reply": "model",
    "PROVIDERS": "providers", "provider_name": "providers", "provider_of": "providers",
    "FAULT_KINDS": "rules", "WARNING_KINDS": "rules", "diagnose": "rules",
    "reply_diagnosis": "rules",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"smtptui.diagnose.{_HOME[name]}"), name)
    raise AttributeError(f"module 'smtptui.diagnose' has no attribute {name!r}")


__all__ = [
    "FAULT_KINDS",
    "PROVIDERS",
    "WARNING_KINDS",
    "Diagnosis",
    "Fault",
    "Layer",
    "Reply",
    "basic_meaning",
    "diagnose",
    "enhanced_meaning",
    "provider_name",
    "provider_of",
    "reply_diagnosis",
    "reply_meaning",
]
