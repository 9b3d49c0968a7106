"""One SMTP session, stage by stage, reporting events through a callback.

Drives aiosmtplib's protocol directly (no ``connect()`` magic) so that every stage —
resolve, connect, TLS, greeting, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, QUIT — is
timed, captured and diagnosed on its own. Every stage has a finite deadline (the
stage timeout, capped by what is left of the overall timeout).
"""

from __future__ import annotations

import time

from smtptui.probe.coverage import tested_until, untested
from smtptui.probe.events import ProbeFinished, ProbeReport, Target
from smtptui.probe.session_base import Emit, StageFailed
from smtptui.probe.stages_smtp import SmtpStages

__all__ = ["Emit", "Session", "StageFailed"]


class Session(SmtpStages):
    """Runs one probe; call :meth:`run` once."""

    async def run(self) -> ProbeReport:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        cfg = self.config
        try:
            await self._run_stages()
        finally:
            self.release_held()
            await self._close()
        report = ProbeReport(
            target=Target(cfg.host, cfg.port, cfg.tls, cfg.profile, self.address),
            stages=tuple(self.stages), tls=self.tls, extensions=dict(self.extensions),
            transcript=tuple(self.transcript), banner=self.banner, started_at=started,
            total_ms=self.now_ms(), ehlo_changes=self.ehlo_changes, warm_ms=tuple(self.warm_ms),
            tested_until=tested_until(self.stages), untested=untested(cfg, self.stages),
        )
        self._emit(ProbeFinished(report))
        return report

    async def _run_stages(self) -> None:
        cfg = self.config
        stop = cfg.stop_after
        if not await self.stage("resolve", self._resolve):
            return
        if not await self.stage("connect", self._connect):
            return
        if cfg.tls == "implicit" and not await self.stage("tls", self._implicit_tls):
            return
        if not await self.stage("greeting", self._greeting) or stop == "greeting":
            return await self._quit()
        if not await self.stage("ehlo", self._ehlo):
            return await self._quit()
        if stop == "ehlo":
            return await self._quit()
        if cfg.tls in ("starttls", "opportunistic"):
            if not await self.stage("starttls", self._starttls):
                return await self._quit()
            if self.encrypted and not await self.stage("ehlo", self._ehlo):
                return await self._quit()
        if stop == "tls":
            return await self._quit()
        if not await self.stage("auth", self._auth) or stop == "auth":
            return await self._quit()
        if cfg.mail_from is None:
            return await self._quit()
        if not await self.stage("mail", self._mail) or stop == "mail":
            return await self._quit()
        if not cfg.rcpt_to:
            return await self._quit()
        if not await self.stage("rcpt", self._rcpt) or stop == "rcpt":
            return await self._quit()
        if cfg.send and not await self.stage("data", self._data):
            return await self._quit()
        await self._warm_runs()
        await self._quit()
