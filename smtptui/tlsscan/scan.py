"""``smtptui tls``: many short handshakes, a few at a time, then a graded verdict.

Each question (a protocol version, a weak cipher family, a key-exchange group, the cipher
order) gets a connection of its own. A question this machine's TLS library cannot ask is
``not_tested``, never ``refused``.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from functools import partial

from smtptui.tlsscan import contexts
from smtptui.tlsscan.handshake import Endpoint, Handshake, handshake
from smtptui.tlsscan.model import Check, Section, TlsFinding, TlsScanReport

NOT_VERIFIED = "not verified: "
"""How ``verify_error`` starts when the verifying connection failed (the chain is unjudged)."""

CONCURRENCY = 4
"""Handshakes at once: quick on loopback, gentle on a real server's rate limits."""

async def scan_tls(endpoint: Endpoint, host: str, *, cafile: str | None = None,
                   timeout: float = 10.0, names: Sequence[str] = (),
                   strict: bool | None = None, light: bool = False) -> TlsScanReport:
    """Inspect the TLS of ``endpoint`` (``host`` is the name shown and used for DANE).
    ``light``: only the handshake and the chain (two connections), as the inbound view
    does for each MX unless asked for the full inspection."""
    started = time.perf_counter()
    limit = asyncio.Semaphore(CONCURRENCY)
    count = 0

    async def ask(make: Callable[[], ssl.SSLContext]) -> Handshake | str:
        nonlocal count
        try:
            ctx = make()
        except contexts.Unavailable as exc:
            return str(exc)
        async with limit:
            count += 1
            return await handshake(endpoint, ctx, timeout)

    main, verified = await asyncio.gather(
        ask(contexts.plain_context), ask(partial(contexts.verifying_context, cafile)))
    assert isinstance(main, Handshake) and isinstance(verified, Handshake)
    if main.outcome == "refused":  # an old server: ask again as an old client would
        main, verified = await asyncio.gather(
            ask(contexts.legacy_context),
            ask(partial(contexts.verifying_context, cafile, legacy=True)))
        assert isinstance(main, Handshake) and isinstance(verified, Handshake)
    strict = endpoint.port != 25 if strict is None else strict
    if not main.ok:
        return _failed(endpoint, host, main, count, started)
    versions: tuple[Check, ...] = ()
    weak: tuple[Check, ...] = ()
    groups: tuple[Check, ...] = ()
    order: bool | None = None
    if not light:
        versions, weak, groups, order = await asyncio.gather(
            _checks(ask, [(label, label, partial(contexts.version_context, m))
                          for m, label in contexts.VERSIONS]),
            _checks(ask, [(f.key, f.label, partial(contexts.family_context, f))
                          for f in contexts.WEAK_FAMILIES]),
            _checks(ask, [(label, label, partial(contexts.group_context, g))
                          for g, label in contexts.GROUPS]),
            _server_order(ask))
    from smtptui.tlsscan import chain as chain_mod
    from smtptui.tlsscan.verdict import cipher_findings, protocol_findings

    # only a verification error says the chain is untrusted; a verifying connection that
    # the network or the server cut says nothing about the chain
    verify_error = (verified.error or "untrusted") if verified.outcome == "untrusted" else None
    unjudged = None if verified.ok or verify_error else (verified.error or verified.outcome)
    sections = [] if light else [
        Section("protocols", tuple(protocol_findings(versions, endpoint.port))),
        Section("ciphers", tuple(cipher_findings(weak, groups, order, strict=strict)))]
    chain_said = chain_mod.chain_findings(
        main.chain, verified.verified_chain, verify_error,
        list(names) or [endpoint.servername or host],
        strict=strict)
    if unjudged is not None:
        chain_said.insert(0, TlsFinding("warn", "could not verify the chain: the verifying "
                                        f"connection failed ({unjudged})"))
        verify_error = NOT_VERIFIED + unjudged
    sections.append(Section("certificate", tuple(chain_said)))
    return TlsScanReport(
        host=host, address=endpoint.address, port=endpoint.port, mode=endpoint.mode,
        servername=endpoint.servername, version=main.version, cipher=main.cipher,
        versions=versions, weak=weak, groups=groups, server_order=order,
        chain=tuple(chain_mod.facts(d) for d in main.chain), verified=verified.ok,
        verify_error=verify_error, sections=tuple(sections), fixes=_fixes(sections),
        handshakes=count, elapsed_ms=(time.perf_counter() - started) * 1000,
        chain_der=main.chain)


def with_section(report: TlsScanReport, section: Section) -> TlsScanReport:
    """``report`` with one more graded section (DANE, MTA-STS names …) and its fixes."""
    sections = (*report.sections, section)
    return replace(report, sections=sections, fixes=_fixes(sections))


def _fixes(sections: Sequence[Section]) -> tuple[str, ...]:
    keys: dict[str, None] = {}
    for section in sections:
        for f in section.findings:
            if f.fix and f.level in ("warn", "fail"):
                keys.setdefault(f.fix)
    return tuple(keys)


Ask = Callable[[Callable[[], ssl.SSLContext]], Awaitable[Handshake | str]]


async def _checks(ask: Ask, questions: list[tuple[str, str, Callable[[], ssl.SSLContext]]]
                  ) -> tuple[Check, ...]:
    answers = await asyncio.gather(*(ask(make) for _k, _l, make in questions))
    return tuple(_check(key, label, answer)
                 for (key, label, _m), answer in zip(questions, answers, strict=True))


def _check(key: str, label: str, answer: Handshake | str) -> Check:
    if isinstance(answer, str):
        return Check(key, label, "not_tested", answer)
    if answer.ok:
        return Check(key, label, "accepted", answer.cipher)
    if answer.outcome == "local":
        return Check(key, label, "not_tested", f"this machine's OpenSSL cannot offer it "
                                               f"({answer.error})")
    if answer.outcome == "refused":
        return Check(key, label, "refused", answer.error)
    return Check(key, label, "error", answer.error or answer.outcome)


async def _server_order(ask: Ask) -> bool | None:
    """Offer the same TLS 1.2 ciphers in two opposite orders. Different choices: the
    server follows the client's order. The same choice: its own order — unless it has only
    that one cipher in common with us, which a third offer without it tells."""
    offer = contexts.default_ciphers_tls12()
    first, second = await asyncio.gather(ask(lambda: contexts.order_context(offer)),
                                         ask(lambda: contexts.order_context(offer[::-1])))
    if not (isinstance(first, Handshake) and isinstance(second, Handshake)
            and first.ok and second.ok):
        return None
    if first.cipher != second.cipher:
        return False
    rest = [c for c in offer if c != first.cipher]
    third = await ask(lambda: contexts.order_context(rest)) if rest else None
    return True if isinstance(third, Handshake) and third.ok else None


def _failed(endpoint: Endpoint, host: str, main: Handshake, count: int,
            started: float) -> TlsScanReport:
    why = {"no_starttls": "no TLS: ", "timeout": "no answer: ", "network": "connection failed: ",
           "refused": "TLS handshake failed: "}.get(main.outcome, "")
    if endpoint.mode == "implicit" and "WRONG_VERSION_NUMBER" in (main.error or ""):
        main = replace(main, error=f"{main.error} — the server answered in plaintext: "
                       "this port speaks SMTP first (try --tls starttls)")
    elif endpoint.mode == "starttls" and main.outcome == "timeout" and endpoint.port == 465:
        main = replace(main, error=f"{main.error} — port 465 usually waits for the client to "
                       "start TLS (try --tls implicit)")
    return TlsScanReport(
        host=host, address=endpoint.address, port=endpoint.port, mode=endpoint.mode,
        servername=endpoint.servername, version=None, cipher=None, versions=(), weak=(),
        groups=(), server_order=None, chain=(), verified=False, verify_error=None,
        sections=(Section("connection", (TlsFinding("fail", why + (main.error or "")),)),),
        fixes=(), handshakes=count, elapsed_ms=(time.perf_counter() - started) * 1000,
        error=why + (main.error or main.outcome))
