"""Diagnosis knowledge: reply codes, enhanced status codes, faults -> layer/summary/advice.

Pure data and rules: no I/O, no network, no UI. The engine reports a :class:`Fault`;
:func:`diagnose` explains it. :func:`reply_diagnosis` explains a server's negative reply
at a stage, :func:`reply_meaning` gives the plain meaning of its codes, and
:func:`provider_of` recognises the hosted provider behind a relay.
"""

from __future__ import annotations

from smtptui.diagnose.codes import basic_meaning, enhanced_meaning, reply_meaning
from smtptui.diagnose.model import Diagnosis, Fault, Layer, Reply
from smtptui.diagnose.providers import PROVIDERS, provider_name, provider_of
from smtptui.diagnose.rules import (
    FAULT_KINDS,
    WARNING_KINDS,
    diagnose,
    reply_diagnosis,
)

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
