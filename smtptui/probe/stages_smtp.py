"""SMTP stages on an open connection: EHLO/HELO, STARTTLS, AUTH, MAIL, RCPT, DATA,
the optional warm runs, and QUIT."""

from __future__ import annotations

import asyncio
import ssl
import time

from smtptui.diagnose.model import Diagnosis, Reply
from smtptui.hostport import host_port
from smtptui.probe import auth as sasl
from smtptui.probe.events import Refusal, Status
from smtptui.probe.extensions import auth_mechanisms, changes, parse_ehlo
from smtptui.probe.sanitize import clean
from smtptui.probe.session_base import (
    QUIT_TIMEOUT,
    StageFailed,
    to_reply,
)
from smtptui.probe.stages_transport import TransportStages
from smtptui.probe.tlsinfo import make_context, ssl_hostname
from smtptui.probe.wire import (
    REDACTED,
    SMTPResponse,
    SMTPResponseException,
    SMTPServerDisconnected,
)


def refusals_diagnosis(refused: list[Refusal], total: int) -> Diagnosis:
    """One diagnosis for several refused recipients: each named with its reply; the
    advice of each distinct cause once."""
    assert refused and all(r.diagnosis for r in refused)
    causes = "; ".join(f"{r.address}: {r.reply}" for r in refused)
    advice: list[str] = []
    for r in refused:
        assert r.diagnosis is not None
        if r.diagnosis.advice not in advice:
            advice.append(r.diagnosis.advice)
    first = refused[0].diagnosis
    assert first is not None
    return Diagnosis(first.layer, f"{len(refused)} of {total} recipients were refused — "
                     f"{causes}.", " ".join(advice), "rcpt_rejected")


class SmtpStages(TransportStages):
    """The SMTP dialogue once the server has greeted us."""

    async def _ehlo(self) -> Status:
        assert self.proto is not None
        name = self._ehlo_name().encode()
        resp = await self.proto.command(b"EHLO " + name)
        rep = self.reply(resp)
        if rep.code == 421:
            raise StageFailed("greeting_rejected", reply=rep)
        if rep.code != 250:
            self.note("EHLO refused; falling back to HELO")
            resp = await self.proto.command(b"HELO " + name)
            rep2 = self.reply(resp)
            if rep2.code != 250:
                raise StageFailed("ehlo_rejected", reply=rep2)
            self.warn("helo_fallback", "the server refused EHLO; HELO worked (no ESMTP "
                      "extensions, so no STARTTLS and no AUTH)")
            self.ehlo_host = rep2.first_line
            self.extensions = {}
            return "warn"
        self.ehlo_host, ext = parse_ehlo(rep.text)
        if self.encrypted and self.pre_tls_extensions is not None:
            self.ehlo_changes = changes(self.pre_tls_extensions, ext)
            if "STARTTLS" in ext:
                self.warn("starttls_still_advertised",
                          "STARTTLS is still advertised after the TLS upgrade")
        elif not self.encrypted:
            self.pre_tls_extensions = ext
            if "AUTH" in ext and self.config.tls != "implicit":
                self.warn("plaintext_auth_offered",
                          "AUTH is offered before encryption: credentials could be sent in clear")
        self.extensions = ext
        if "ENHANCEDSTATUSCODES" not in ext and (self.encrypted or self.config.tls == "none"):
            self.inform("no ENHANCEDSTATUSCODES: replies carry only basic codes, so "
                        "diagnoses are less precise (nothing to fix)")
        self._note = f"{len(ext)} extensions"
        return "pass"

    async def _starttls(self) -> Status:
        assert self.proto is not None
        if "STARTTLS" not in self.extensions:
            if self.config.tls == "opportunistic":
                self.warn("starttls_not_offered", "STARTTLS is not offered: the session stays "
                          "unencrypted (opportunistic mode)")
                self._note = "not offered; staying in plain text"
                return "warn"
            raise StageFailed("starttls_not_offered", "the server's EHLO reply has no STARTTLS")
        self.proto.unsolicited = 0
        resp = await self.proto.command(b"STARTTLS")
        rep = self.reply(resp)
        if rep.code != 220:
            raise StageFailed("starttls_rejected", reply=rep)
        ctx = make_context(cafile=self.config.cafile, insecure=self.config.insecure)
        try:
            await self.proto.upgrade(ctx, ssl_hostname(self._sni()), self.config.timeout)
        except (ssl.SSLError, ConnectionError, OSError, TimeoutError) as exc:
            await self._tls_failed(exc)
        if self.proto.early_tls_bytes:
            self.warn("starttls_injection", f"the server sent {self.proto.early_tls_bytes} bytes "
                      "after its 220 and before the TLS handshake; they were discarded")
        self._tls_established()
        return "pass"

    async def _auth(self) -> Status:
        cfg = self.config
        assert self.proto is not None
        has_password = bool(cfg.username and cfg.password)
        has_token = bool(cfg.username and cfg.oauth_token)
        offered = auth_mechanisms(self.extensions)
        if not (has_password or has_token):
            if cfg.secret_problem:
                self.note(f"AUTH not tried: {clean(cfg.secret_problem)}")
                raise StageFailed("auth_secret_unavailable", clean(cfg.secret_problem))
            if cfg.username:
                raise StageFailed("auth_no_credentials",
                                  f"a username ({clean(cfg.username)}) but no password or token")
            self._note = "no credentials configured"
            return "skip"
        if "AUTH" not in self.extensions:
            pre = self.pre_tls_extensions or {}
            if not self.encrypted and "STARTTLS" in pre:
                raise StageFailed("auth_only_after_starttls", "AUTH is not offered before STARTTLS")
            raise StageFailed("auth_not_offered", "the server's EHLO reply has no AUTH")
        if not self.encrypted and not (cfg.allow_plaintext_auth and cfg.tls in ("none",
                                                                                "opportunistic")):
            raise StageFailed("auth_plaintext_refused",
                              "the connection is not encrypted; credentials were not sent")
        mechs = sasl.candidates(cfg.auth, offered, has_password=has_password,
                                has_token=has_token, encrypted=self.encrypted)
        if not mechs:
            wanted = (cfg.auth.upper() if cfg.auth != "auto"
                      else "a mechanism we have credentials for")
            raise StageFailed("auth_mechanism_unsupported",
                              f"wanted {wanted}; the server offers {' '.join(offered) or 'none'}")
        return await self._try_mechanisms(mechs)

    async def _try_mechanisms(self, mechs: list[str]) -> Status:
        """AUTH with the first mechanism; with ``auto``, after a 535 each other offered
        one once (bounded), saying which were refused and which worked."""
        refused: list[str] = []
        first: Reply | None = None
        for mech in mechs:
            try:
                rep = await self._authenticate(mech)
            except (SMTPServerDisconnected, ConnectionError):
                if first is None:
                    raise
                self.in_sync = False  # the server hung up on a retry: the first answer stands
                break
            if rep.code == 235:
                self.authenticated = True
                self._note = f"{mech} accepted"
                if refused:
                    self._note += f"; {', '.join(refused)} refused"
                    self.warn("auth_mechanism_fallback", f"{mech} accepted, "
                              f"{' and '.join(refused)} refused with the same password")
                return "pass"
            if mech in sasl.TOKEN_MECHS:
                self._token_findings("", rep)
            first = first or rep
            refused.append(mech)
            if self.config.auth != "auto" or rep.code != 535 or self._locking_out(rep):
                break
            if mech != mechs[-1]:
                self.note(f"{mech} refused; trying the next offered mechanism")
        assert first is not None
        detail = (f"tried {', '.join(refused)}: all refused" if len(refused) > 1 else "")
        raise StageFailed("auth_failed", detail, first)

    @staticmethod
    def _locking_out(rep: Reply) -> bool:
        """Does this refusal say further attempts make a lockout worse? (Matched on its
        words alone: loading the reply rules here would be timed as the server's AUTH.)"""
        from smtptui.diagnose.lockout import says_lockout

        return says_lockout(rep.text)

    async def _authenticate(self, mech: str) -> Reply:
        """Run one SASL exchange; every client payload is recorded as ``<redacted>``
        and scrubbed from anything the server might echo back."""
        cfg = self.config
        assert self.proto is not None and cfg.username is not None
        proto, user = self.proto, cfg.username

        async def send_secret(payload: bytes, shown: str, prefix: bytes = b"") -> Reply:
            self.keep_secret(payload)
            return self.reply(await proto.command(prefix + payload, shown=shown))

        if mech in sasl.TOKEN_MECHS:
            assert cfg.oauth_token is not None
            token = cfg.oauth_token.reveal()
            payload = (sasl.xoauth2(user, token) if mech == "XOAUTH2"
                       else sasl.oauthbearer(user, token, self._sni(), cfg.port))
            rep = await send_secret(payload, f"AUTH {mech} {REDACTED}", f"AUTH {mech} ".encode())
            if rep.code == 334:
                decoded = clean(sasl.b64decode_text(rep.text))
                self.note(f"OAuth error from the server: {decoded}")
                final = self.reply(await proto.command(sasl.OAUTH_ERROR_ACK[mech]))
                self._token_findings(decoded, final)
                raise StageFailed("auth_oauth_error", decoded, final)
            return rep
        assert cfg.password is not None
        password = cfg.password.reveal()
        if mech == "PLAIN":
            return await send_secret(sasl.plain(user, password), f"AUTH PLAIN {REDACTED}",
                                     b"AUTH PLAIN ")
        if mech == "LOGIN":
            rep = self.reply(await proto.command(b"AUTH LOGIN"))
            for answer in (user, password):
                if rep.code != 334:
                    return rep
                rep = await send_secret(sasl.b64(answer), REDACTED)
            return rep
        rep = self.reply(await proto.command(b"AUTH CRAM-MD5"))
        if rep.code != 334:
            return rep
        try:
            response = sasl.cram_md5(user, password, rep.text)
        except ValueError:  # binascii.Error: the challenge is not base64
            raise StageFailed("malformed_reply",
                              "the CRAM-MD5 challenge is not valid base64") from None
        return await send_secret(response, REDACTED)

    def _token_findings(self, challenge: str, final: Reply) -> None:
        """Fail with what the rejected token's own claims say is wrong with it (wrong
        user, resource, scope, expired), when it is a JWT that says so."""
        from smtptui.diagnose.providers import provider_of
        from smtptui.diagnose.token_claims import findings

        cfg = self.config
        assert cfg.oauth_token is not None
        microsoft = provider_of(self.server_identity, cfg.host) in ("microsoft365", "outlook")
        found = findings(cfg.oauth_token.reveal(), cfg.username or "", challenge,
                         server_is_microsoft=microsoft)
        if found:
            detail = "; ".join(sentence for _, sentence in found)
            self.note(f"The token says: {detail}")
            raise StageFailed("auth_token_mismatch", detail, final)

    async def _mail(self) -> Status:
        assert self.proto is not None and self.config.mail_from is not None
        addr = self.config.mail_from.encode()
        params = b""
        wide = [a for a in (self.config.mail_from, *self.config.rcpt_to) if not a.isascii()]
        if wide:  # RFC 6531: a non-ASCII address needs the SMTPUTF8 parameter
            if "SMTPUTF8" not in self.extensions:
                raise StageFailed("smtputf8_not_offered", f"the address {clean(wide[0], 200)} "
                                  "is not ASCII, and the server does not offer SMTPUTF8")
            params = b" SMTPUTF8"
        rep = self.reply(await self.proto.command(b"MAIL FROM:<" + addr + b">" + params))
        if rep.code != 250:
            raise StageFailed("mail_rejected", reply=rep)
        return "pass"

    async def _rcpt(self) -> Status:
        """Every recipient asked for must be accepted: one refusal fails the stage, and
        each refusal is kept with its own reply and diagnosis."""
        assert self.proto is not None
        total = len(self.config.rcpt_to)
        for rcpt in self.config.rcpt_to:
            rep = self.reply(await self.proto.command(b"RCPT TO:<" + rcpt.encode() + b">"))
            if rep.code in (250, 251):
                self.accepted_rcpts.append(rcpt)
                continue
            shown = clean(rcpt, 200)
            self.note(f"recipient {shown} refused: {rep}")
            self._refused.append(Refusal(shown, rep, self.explain(
                "rcpt_rejected", "rcpt", f"recipient {shown}", rep)))
        self._note = f"{len(self.accepted_rcpts)}/{total} accepted"
        if not self._refused:
            return "pass"
        first = self._refused[0]
        if len(self._refused) == 1:
            raise StageFailed("rcpt_rejected", reply=first.reply, diagnosis=first.diagnosis)
        raise StageFailed("rcpt_rejected", reply=first.reply,
                          diagnosis=refusals_diagnosis(self._refused, total))

    async def _data(self) -> Status:
        from smtptui.probe.message import test_message

        assert self.proto is not None and self.config.mail_from is not None
        message = test_message(self.config.mail_from, self.accepted_rcpts,
                               subject=self.config.subject,
                               target=host_port(self.config.host, self.config.port))
        try:
            resp = await self.proto.send_data(message)
        except SMTPResponseException as exc:
            if exc.code < 400:
                raise
            rep = self.reply(SMTPResponse(exc.code, exc.message))
            raise StageFailed("data_rejected", reply=rep) from None
        rep = self.reply(resp)
        self._note = f"{len(message)} bytes accepted"
        return "pass"

    async def _warm_runs(self) -> None:
        """Further transactions on the open, authenticated connection, timed (not stages):
        RSET, MAIL, RCPT — never DATA, so they deliver nothing."""
        cfg = self.config
        if not cfg.warm_runs or not self.in_sync or self.proto is None:
            return
        proto = self.proto
        for run in range(cfg.warm_runs):
            start = time.perf_counter()
            try:
                async with asyncio.timeout(cfg.timeout):
                    replies = [await proto.command(b"RSET")]
                    if cfg.mail_from and self.accepted_rcpts:
                        replies.append(await proto.command(
                            b"MAIL FROM:<" + cfg.mail_from.encode() + b">"))
                        for rcpt in self.accepted_rcpts:  # never DATA: no extra mail
                            replies.append(await proto.command(
                                b"RCPT TO:<" + rcpt.encode() + b">"))
            except (TimeoutError, SMTPResponseException, SMTPServerDisconnected,
                    ConnectionError):
                self.in_sync = False
                self.note(f"warm run {run + 1} failed; stopping the warm runs")
                return
            if any(r.code >= 400 for r in replies):
                refused = to_reply(replies[-1], self.redactor)
                self.note(f"warm run {run + 1} was refused ({refused})")
                return
            self.warm_ms.append((time.perf_counter() - start) * 1000.0)
        self.note("warm runs: " + ", ".join(f"{x:.1f} ms" for x in self.warm_ms))

    async def _quit(self) -> None:
        if not self.in_sync or self.proto is None or not self.proto.is_connected:
            return

        async def body() -> Status:
            assert self.proto is not None
            rep = self.reply(await self.proto.command(b"QUIT"))
            return "pass" if rep.code == 221 else "warn"

        # QUIT gets a short deadline of its own: it must never hold up the result.
        await self.stage("quit", body, timeout=min(self.config.timeout, QUIT_TIMEOUT))
