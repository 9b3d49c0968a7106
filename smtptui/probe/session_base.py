"""The plumbing every stage shares: the clock, the transcript, replies, warnings,
and :meth:`SessionBase.stage`, which runs one stage within its deadline and turns
whatever went wrong into a diagnosed, emitted :class:`StageFinished`."""

from __future__ import annotations

import asyncio
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable

from smtptui.diagnose.model import Diagnosis, Fault, Reply
from smtptui.probe.auth import encodings
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import (
    ProbeEvent,
    Refusal,
    Stage,
    StageFinished,
    StageStarted,
    Status,
    TLSInfo,
    WireLine,
)
from smtptui.probe.extensions import split_enhanced
from smtptui.probe.quotes import HOLD_LIMIT, Held, QuoteGuard
from smtptui.probe.redact import REDACTED, Redactor
from smtptui.probe.sanitize import clean, clean_multiline
from smtptui.probe.wire import (
    CapturingProtocol,
    SMTPResponse,
    SMTPResponseException,
    SMTPServerDisconnected,
)
from smtptui.records import replace

Emit = Callable[[ProbeEvent], None]

SNIFF_GRACE = 1.0
"""Seconds of silence after connecting before a TLS handshake is tried in parallel (at
most: a third of the stage timeout when that is shorter, see :func:`sniff_grace`)."""


def sniff_grace(timeout: float) -> float:
    """The wait before the parallel TLS handshake: short timeouts still leave it time."""
    return min(SNIFF_GRACE, timeout / 3)
SLOW_GREETING_MS = 3000.0
QUIT_TIMEOUT = 5.0
SIDE_CONNECTION_TIMEOUT = 5.0
"""Seconds a diagnostic second connection (legacy TLS, certificate fetch) may take."""
SIDE_CONNECTION_MARGIN = 0.1
"""Seconds of the stage's time a side connection leaves for reporting the failure."""
CONNECT_TRY_MIN = 3.0
"""Seconds each address gets at least when a host has several."""


def _continues(text: str) -> bool:
    """Is this a reply line with more to follow (``250-…``)? As aiosmtplib reads it:
    any line with ``-`` after three characters (it accepts ``+35-`` as a code)."""
    return len(text) >= 4 and text[3] == "-"


def _split(text: str) -> tuple[str, str]:
    """A reply line as (its code, separator and enhanced code; the rest)."""
    body = text[4:] if len(text) >= 4 and text[3] in "- " else text
    body = split_enhanced(body)[1]
    return text[:len(text) - len(body)], body


UNTERMINATED_SHOWN = 200
"""Characters shown of a server line that never got its line end."""


class StageFailed(Exception):
    """A stage ended in failure; ``kind`` is a fault kind understood by ``diagnose``."""

    def __init__(self, kind: str, detail: str = "", reply: Reply | None = None,
                 diagnosis: Diagnosis | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail
        self.reply = reply
        self.diagnosis = diagnosis
        """Already explained (e.g. several refused recipients): used as is."""


def diagnose(fault: Fault, redact: Callable[[str], str]) -> Diagnosis:
    """The rules are only loaded when something needs explaining (not on a clean run).
    The result is scrubbed once more: a diagnosis may join lines that held the halves
    of a secret."""
    from smtptui.diagnose import diagnose as rules

    found = rules(fault)
    return Diagnosis(found.layer, redact(found.summary), redact(found.advice), found.kind)


def to_reply(resp: SMTPResponse, redactor: Redactor | None = None) -> Reply:
    """aiosmtplib's response -> our sanitised reply record with its enhanced code.
    Secrets are removed first, before the text is cleaned or cut (the whole text when
    one is spread over its lines, once the redactor looks for that)."""
    text = raw_message(resp)
    if redactor is not None:
        text = redactor(text)
    enhanced, text = split_enhanced(text)
    if redactor is not None and redactor.quoted(text):
        text = REDACTED
    return Reply(code=resp.code, enhanced=enhanced, text=clean_multiline(text))


def raw_message(resp: SMTPResponse) -> str:
    """A reply's text as received; undecodable bytes (surrogates) shown as ``\\xNN``."""
    text = resp.message
    if not text.isascii():
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text


class SessionBase:
    """State of one SMTP session and the stage runner."""

    def __init__(self, config: ProbeConfig, emit: Emit) -> None:
        self.config = config
        self._emit = emit
        self._t0 = time.perf_counter()
        self._deadline = self._t0 + config.overall_timeout
        self.redactor = Redactor(config.secrets)  # from the first byte: a server may
        self.redactor.add(*encodings(config))  # have learned a secret on an earlier run
        self._quotes = QuoteGuard(self.redactor)
        self.stage_deadline = self._deadline
        """When the running stage's time is up (a side connection must end before)."""
        self._quoted_lines: deque[str] = deque(maxlen=HOLD_LIMIT)
        """Server lines recently shown as ``<redacted>`` (see :meth:`scrub_quote`)."""
        self.transcript: list[WireLine] = []
        self.stages: list[StageFinished] = []
        self.addresses: list[tuple[int, str]] = []
        self.address: str | None = None
        self.sock: socket.socket | None = None
        self.proto: CapturingProtocol | None = None
        self.encrypted = False
        self.authenticated = False
        """AUTH succeeded in this session (a later reply may mean something else then)."""
        self.in_sync = False
        self.extensions: dict[str, str] = {}
        self.pre_tls_extensions: dict[str, str] | None = None
        self.ehlo_changes: dict[str, list[str]] = {}
        self.tls: TLSInfo | None = None
        self.banner = ""
        self.ehlo_host = ""
        self.accepted_rcpts: list[str] = []
        self.sniffed_tls = ""
        """How a TLS handshake on the same port, tried while we waited for the greeting,
        ended: "" (not tried or still running), "failed", or "silent" (no answer)."""
        self._out_of_step = False
        self.warm_ms: list[float] = []
        # per-stage scratch
        self._replies: list[Reply] = []
        self._warnings: list[tuple[str, str]] = []
        self._note = ""
        self._refused: list[Refusal] = []
        self._info: list[str] = []

    def now_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000.0

    def scrub(self, text: str) -> str:
        """Replace every secret (whole, re-encoded, or a long piece of one) by
        ``<redacted>``. The wire layer already records what we send as ``<redacted>``;
        this catches a server that echoes a password or an AUTH payload back."""
        return self.redactor(text)

    def scrub_tls(self, tls: TLSInfo) -> TLSInfo:
        """``tls`` with secrets removed from what the server chose to put in its
        certificate (names are server text too, quoted from the first byte)."""
        cert = tls.cert
        if cert is None:
            return tls
        cert = replace(
            cert, subject=self.scrub(cert.subject), issuer=self.scrub(cert.issuer),
            san=tuple(self.scrub(name) for name in cert.san),
            error=None if cert.error is None else self.scrub(cert.error))
        return replace(tls, cert=cert)

    def keep_secret(self, *values: str | bytes) -> None:
        """Also scrub these (e.g. the base64 AUTH payloads) from anything stored."""
        self.redactor.add(*values)

    def line(self, direction: str, text: str, dropped: int = 0,
             unterminated: bool = False) -> None:
        """Record one transcript line. Server text arrives raw and may run past what is
        shown: it is scrubbed, then cut and cleaned (so no secret can hide behind an
        escape or a cut), and held by the :class:`QuoteGuard` while a secret spread
        over several lines could still show. ``dropped`` counts bytes the wire did not
        keep; ``unterminated`` marks a line that never got its line end."""
        now = self.now_ms()
        if direction != "S":  # our own text: it may quote the server, never sends a secret
            self.release_held()  # whatever the server sent before comes first
            self._record(direction, self.redactor(text), now)
            return
        ends_reply = unterminated or not _continues(text)
        if unterminated:
            size = len(text.encode("utf-8", "surrogateescape")) + dropped
        text = self.redactor(text)
        prefix, body = _split(text)
        if unterminated:
            shown = f"{clean(text, UNTERMINATED_SHOWN)}… [{size} bytes without a line end]"
        else:
            shown = clean(text) + (f"… [+{dropped} bytes]" if dropped else "")
        for held in self._quotes.feed(shown, prefix, body, now, text):
            self._show(held)
        if ends_reply:
            self.release_held()

    def release_held(self) -> None:
        """Record the server lines held back (the reply is complete, or cut short)."""
        for held in self._quotes.release():
            self._show(held)

    def _show(self, held: Held) -> None:
        if held.quoted:
            self._quoted_lines.append(held.raw)
        self._record("S", held.shown, held.t_ms)

    def scrub_quote(self, text: str) -> str:
        """``text`` (which may quote server lines, e.g. a parser's error) scrubbed, and
        without the lines the transcript showed as ``<redacted>``: they carried part of
        a secret spread over several lines."""
        text = self.scrub(text)
        for raw in self._quoted_lines:
            if raw and raw in text:
                text = text.replace(raw, REDACTED)
        return text

    def _record(self, direction: str, text: str, t_ms: float) -> None:
        wl = WireLine(direction, text, t_ms)  # type: ignore[arg-type]
        self.transcript.append(wl)
        self._emit(wl)

    def note(self, text: str) -> None:
        self.line("*", text)

    def reply(self, resp: SMTPResponse) -> Reply:
        rep = to_reply(resp, self.redactor)
        self._replies.append(rep)
        if self.proto is not None and self.proto.has_extra_reply() and not self._out_of_step:
            self._out_of_step = True
            self.warn("replies_out_of_step", "the server sent more than it was asked for "
                      "(an extra reply after this one): replies may be out of step with "
                      "commands — a broken server, or data injected on the way")
        return rep

    def warn(self, kind: str, text: str) -> None:
        """Something to do (a ⚠): the stage passes with a warning, explained by ``kind``."""
        self._warnings.append((kind, self.scrub(text)))

    def inform(self, text: str) -> None:
        """A fact that needs no action: reported under ``info``, the stage still passes."""
        self._info.append(self.scrub(text))

    @property
    def server_identity(self) -> str:
        return f"{self.banner}\n{self.ehlo_host}"

    def explain(self, kind: str, stage: str, detail: str = "",
                reply: Reply | None = None) -> Diagnosis:
        """The diagnosis of a fault observed in this session (scrubbed)."""
        return diagnose(self.fault(kind, stage, detail, reply), self.redactor)

    def fault(self, kind: str, stage: str, detail: str = "", reply: Reply | None = None) -> Fault:
        return Fault(kind=kind, stage=stage, host=self.config.host, port=self.config.port,
                     tls_mode=self.config.tls, reply=reply, server=self.server_identity,
                     detail=self.scrub(detail), servername=self.config.servername or "",
                     authenticated=self.authenticated)

    async def stage(self, name: Stage, body: Callable[[], Awaitable[Status | None]],
                    timeout: float | None = None) -> bool:
        """Run one stage with its deadline; record and emit its result. True if not failed."""
        self._replies, self._warnings, self._note, self._refused = [], [], "", []
        self._info = []
        self._emit(StageStarted(name, self.now_ms()))
        start = time.perf_counter()
        remaining = self._deadline - start
        limit = self.config.timeout if timeout is None else timeout
        budget = min(limit, max(remaining, 0.0))
        self.stage_deadline = start + budget
        status: Status = "fail"
        diagnosis: Diagnosis | None = None
        failure: Exception | None = None
        try:
            if budget <= 0:
                raise TimeoutError
            async with asyncio.timeout(budget):
                status = await body() or "pass"
        except Exception as exc:  # explained below, once the clock has stopped
            failure = exc
        elapsed = (time.perf_counter() - start) * 1000.0  # the wire's time, not ours
        if failure is not None:
            status, diagnosis = "fail", self._failed(name, failure, budget < limit, budget)
        if status in ("pass", "warn") and self._warnings:
            status = "warn"
            diagnosis = diagnosis or self.explain(self._warnings[0][0], name,
                                                          self._warnings[0][1])
        result = StageFinished(
            stage=name, status=status, elapsed_ms=elapsed, replies=tuple(self._replies),
            diagnosis=diagnosis, warnings=tuple(w for _k, w in self._warnings),
            note=self.scrub(self._note), refused=tuple(self._refused), info=tuple(self._info),
        )
        self.stages.append(result)
        self._emit(result)
        return status != "fail"

    def _failed(self, name: str, exc: Exception, overall: bool, budget: float) -> Diagnosis:
        """Record what went wrong in a stage and explain it."""
        if isinstance(exc, StageFailed):
            if exc.diagnosis is not None:
                return exc.diagnosis
            return self.explain(exc.kind, name, exc.detail, exc.reply)
        self.in_sync = False
        if self.proto:
            self.proto.flush_partial()
        self.release_held()
        if isinstance(exc, TimeoutError):
            detail = (f"the whole probe exceeded {self.config.overall_timeout:g} s" if overall
                      else f"no answer within {budget:g} s")
            if name == "greeting" and self.sniffed_tls == "failed":
                detail += "; a TLS handshake on a second connection failed too"
            elif name == "greeting" and self.sniffed_tls == "silent":
                detail += "; a TLS handshake on a second connection got no answer either"
            if name == "resolve" and self.config.nameserver and not overall:
                detail = f"{clean(self.config.nameserver)} gave {detail}"
            self.note(f"timeout: {detail}")
            return self.explain(self._timeout_kind(name), name, detail)
        if isinstance(exc, SMTPResponseException):
            text = clean(self.scrub_quote(exc.message))
            kind = "response_too_long" if "too long" in text.lower() else "malformed_reply"
            self.note(f"protocol error: {text}")
            return self.explain(kind, name, text)
        if isinstance(exc, SMTPServerDisconnected | ConnectionError | EOFError):
            self.note(f"connection closed by the server ({clean(self.scrub(str(exc))) or 'EOF'})")
            return self.explain("disconnected", name, f"during {name}")
        # a bug or the unforeseen: never crash
        detail = clean(self.scrub(f"{type(exc).__name__}: {exc}"))
        self.note(f"internal error: {detail}")
        return self.explain("internal_error", name, detail)

    def _timeout_kind(self, stage: str) -> str:
        if stage == "resolve":
            return "dns_timeout_nameserver" if self.config.nameserver else "dns_timeout"
        if stage == "connect":
            return "connect_timeout"
        if stage == "greeting":
            return "implicit_tls_banner_timeout" if self.encrypted else "greeting_timeout"
        if stage == "tls":
            return "tls_handshake_timeout"
        return "stage_timeout"

    def _sni(self) -> str:
        return self.config.servername or self.config.host

    def _ehlo_name(self) -> str:
        if self.config.ehlo_name:
            return self.config.ehlo_name
        name = socket.gethostname()
        if "." in name:
            return name
        # No FQDN: RFC 5321 asks for an address literal of our side of the connection.
        transport = self.proto.transport if self.proto else None
        local = transport.get_extra_info("sockname") if transport else None
        if local:
            host = local[0]
            return f"[IPv6:{host}]" if ":" in host else f"[{host}]"
        return "[127.0.0.1]"
