"""Fault rules: every kind gives a usable diagnosis, every variant is reachable, key hints hold."""

from __future__ import annotations

import re

import pytest

from smtptui.diagnose import FAULT_KINDS, WARNING_KINDS, Fault, Reply, diagnose
from smtptui.diagnose.fault_rules import FAULT_RULES
from smtptui.diagnose.rules import match_fault

LAYERS = {"dns", "network", "tls", "protocol", "auth", "policy"}
PLACEHOLDER = re.compile(r"\{(host|name|port|target|mode|stage|detail|reply|provider|s_client)\}")

REQUIRED_KINDS = {
    "dns_nxdomain", "dns_no_address", "dns_timeout", "dns_timeout_nameserver", "dns_error",
    "connect_refused",
    "connect_timeout", "connect_reset", "network_unreachable", "greeting_timeout",
    "greeting_timeout_implicit_tls", "implicit_tls_banner_timeout", "greeting_rejected",
    "disconnected", "stage_timeout", "response_too_long", "malformed_reply", "ehlo_rejected",
    "tls_expired", "tls_not_yet_valid", "tls_self_signed", "tls_unknown_ca",
    "tls_hostname_mismatch", "tls_protocol_too_old", "tls_plain_smtp_port",
    "tls_handshake_failed", "tls_handshake_timeout", "starttls_not_offered",
    "starttls_rejected", "auth_not_offered", "auth_only_after_starttls",
    "auth_plaintext_refused", "auth_secret_unavailable", "auth_no_credentials",
    "auth_mechanism_unsupported",
    "auth_failed", "auth_oauth_error", "mail_rejected", "rcpt_rejected", "data_rejected",
    "tls_verification_disabled", "plaintext_auth_offered", "starttls_still_advertised",
    "starttls_injection", "cert_expiring_soon", "tls_old_version",
    "slow_greeting", "helo_fallback", "internal_error", "replies_out_of_step",
    "auth_mechanism_fallback", "smtputf8_not_offered",
}
REQUIRED_WARNINGS = {
    "tls_verification_disabled", "plaintext_auth_offered", "starttls_still_advertised",
    "starttls_injection", "cert_expiring_soon", "tls_old_version",
    "slow_greeting", "helo_fallback", "replies_out_of_step", "auth_mechanism_fallback",
}
"""Each means something to do (a ⚠). Facts that need none (no ENHANCEDSTATUSCODES, a slow
greeting on port 25) are ``info`` and have no fault kind."""
STAGE_OF = {
    "dns": "resolve", "connect": "connect", "network": "connect", "greeting": "greeting",
    "implicit": "tls", "tls": "tls", "cert": "tls", "starttls": "starttls", "auth": "auth",
    "plaintext": "ehlo", "ehlo": "ehlo", "helo": "ehlo", "no": "ehlo", "slow": "greeting",
    "mail": "mail", "rcpt": "rcpt", "data": "data", "smtputf8": "mail",
}


def _stage(kind: str) -> str:
    return STAGE_OF.get(kind.split("_", 1)[0], "ehlo")


def _fault(kind: str, stage: str = "", *, host: str = "smtp.example.net", port: int = 587,
           tls_mode: str = "starttls", reply: Reply | None = None, server: str = "",
           detail: str = "") -> Fault:
    return Fault(kind, stage or _stage(kind), host=host, port=port, tls_mode=tls_mode,
                 reply=reply, server=server, detail=detail)


# (expected rule id, fault)
VARIANT_EXAMPLES: list[tuple[str, Fault]] = [
    ("connect_timeout/port25", _fault("connect_timeout", port=25)),
    ("connect_reset/tls", _fault("connect_reset", "starttls")),
    ("greeting_timeout/port465", _fault("greeting_timeout", port=465)),
    ("greeting_timeout/tls_tried", _fault(
        "greeting_timeout", detail="no answer within 30 s; a TLS handshake on the same port "
        "failed too")),
    ("disconnected/implicit-on-plain-port",
     _fault("disconnected", "tls", tls_mode="implicit", port=587)),
    ("disconnected/greeting", _fault("disconnected", "greeting")),
    ("disconnected/tls", _fault("disconnected", "starttls")),
    ("disconnected/auth", _fault("disconnected", "auth")),
    ("disconnected/data", _fault("disconnected", "data")),
    ("stage_timeout/data", _fault("stage_timeout", "data")),
    ("malformed_reply/pop3", _fault("malformed_reply", "greeting", detail="+OK Dovecot ready.")),
    ("malformed_reply/imap", _fault("malformed_reply", "greeting",
                                    detail="* OK [CAPABILITY IMAP4rev1] ready")),
    ("malformed_reply/http", _fault("malformed_reply", "greeting",
                                    detail="HTTP/1.1 400 Bad Request")),
    ("malformed_reply/ssh", _fault("malformed_reply", "greeting",
                                   detail="SSH-2.0-OpenSSH_9.6")),
    ("tls_handshake_failed/plain-port", _fault("tls_handshake_failed", "tls", port=587,
                                               tls_mode="implicit",
                                               detail="[SSL: WRONG_VERSION_NUMBER] wrong "
                                                      "version number")),
    ("tls_handshake_failed/client-cert", _fault("tls_handshake_failed", "starttls",
                                                detail="tlsv13 alert certificate required")),
    ("tls_handshake_failed/no-common-cipher", _fault("tls_handshake_failed", "starttls",
                                                     detail="sslv3 alert handshake failure")),
    ("tls_handshake_failed/reset", _fault(
        "tls_handshake_failed", "tls", tls_mode="implicit",
        detail="the server reset the connection during the handshake")),
    ("tls_handshake_failed/sni", _fault("tls_handshake_failed", "starttls",
                                        detail="tlsv1 unrecognized name")),
    ("tls_handshake_timeout/implicit-on-plain-port",
     _fault("tls_handshake_timeout", "tls", tls_mode="implicit", port=25)),
    ("starttls_not_offered/firewall", _fault("starttls_not_offered", "ehlo",
                                             server="250-XXXXXXXA\n250 8BITMIME")),
    ("starttls_not_offered/opportunistic", _fault("starttls_not_offered", "starttls",
                                                  tls_mode="opportunistic", port=25)),
    ("starttls_not_offered/port25", _fault("starttls_not_offered", "ehlo", port=25)),
    ("auth_not_offered/port25", _fault("auth_not_offered", "ehlo", port=25)),
    ("auth_oauth_error/microsoft", _fault("auth_oauth_error", host="smtp.office365.com")),
    ("auth_oauth_error/gmail", _fault("auth_oauth_error", host="smtp.gmail.com")),
    ("auth_oauth_error/401", _fault("auth_oauth_error",
                                    detail='{"status":"401","schemes":"bearer"}')),
    ("auth_oauth_error/400", _fault("auth_oauth_error",
                                    detail='{"status":"400","scope":"x"}')),
    ("auth_token_mismatch/user", _fault(
        "auth_token_mismatch", "auth", detail="the token belongs to bob@x, the login is a@x")),
    ("auth_token_mismatch/scope", _fault(
        "auth_token_mismatch", "auth", detail="the token is for Microsoft Graph, not …")),
    ("auth_token_mismatch/expired", _fault(
        "auth_token_mismatch", "auth", detail="the token expired at 2026-01-01 10:00 UTC")),
    ("auth_secret_unavailable/oauth", _fault(
        "auth_secret_unavailable", detail='OAuth sign-in "m365": not signed in yet')),
]


def _valid(diag_fault: Fault) -> None:
    diag = diagnose(diag_fault)
    assert diag.layer in LAYERS
    assert diag.summary.strip() and diag.advice.strip()
    assert not PLACEHOLDER.search(diag.summary + diag.advice)
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", diag.summary + diag.advice)


def test_required_kinds_are_known() -> None:
    assert REQUIRED_KINDS <= FAULT_KINDS
    assert REQUIRED_WARNINGS <= WARNING_KINDS <= FAULT_KINDS


@pytest.mark.parametrize("kind", sorted(FAULT_KINDS))
def test_every_kind_gives_a_full_diagnosis(kind: str) -> None:
    _valid(_fault(kind))
    _valid(_fault(kind, host="", port=0, tls_mode="", server="", detail=""))
    _valid(_fault(kind, reply=Reply(554, "5.7.1", "Go away"), detail="low-level detail"))


def test_every_kind_ends_with_a_catch_all_rule() -> None:
    by_kind: dict[str, list[str]] = {}
    for rule in FAULT_RULES:
        by_kind.setdefault(rule.kind, []).append(rule.variant)
    for kind, variants in by_kind.items():
        assert variants[-1] == "", kind
        assert variants.count("") == 1, kind
        assert len(set(variants)) == len(variants), kind
    for kind in by_kind:
        assert len({r.warning for r in FAULT_RULES if r.kind == kind}) == 1, kind


@pytest.mark.parametrize(("rule_id", "fault"), VARIANT_EXAMPLES,
                         ids=[e[0] for e in VARIANT_EXAMPLES])
def test_variant_is_reached(rule_id: str, fault: Fault) -> None:
    rule = match_fault(fault)
    assert rule is not None and rule.id == rule_id
    _valid(fault)


def test_every_variant_has_an_example() -> None:
    variants = {rule.id for rule in FAULT_RULES if rule.variant}
    assert variants == {rule_id for rule_id, _ in VARIANT_EXAMPLES}


def test_connect_timeout_on_port_25_blames_the_network_block() -> None:
    on_25 = diagnose(_fault("connect_timeout", port=25))
    on_587 = diagnose(_fault("connect_timeout", port=587))
    assert on_25 != on_587
    assert "port 25" in on_25.summary and "blocked" in on_25.summary
    assert "587" in on_25.advice and "465" in on_25.advice
    assert "port 25" not in on_587.summary and "smtp.example.net 587" in on_587.advice


def test_mode_mixups_name_the_right_mode() -> None:
    implicit = diagnose(_fault("greeting_timeout_implicit_tls", "greeting"))
    assert "implicit TLS" in implicit.summary and "--tls implicit" in implicit.advice
    plain = diagnose(_fault("tls_plain_smtp_port", "tls", port=587, tls_mode="implicit"))
    assert "plain SMTP" in plain.summary and "--tls starttls" in plain.advice
    assert "587" in plain.advice


def test_plaintext_auth_refusal_explains_the_escape_hatch() -> None:
    diag = diagnose(_fault("auth_plaintext_refused", "auth", tls_mode="none"))
    assert "--allow-plaintext-auth" in diag.advice
    assert "none" in diag.advice and "opportunistic" in diag.advice


def test_fault_with_reply_uses_reply_rules() -> None:
    gmail = diagnose(_fault("auth_failed", "auth", host="smtp.gmail.com",
                            reply=Reply(535, "5.7.8", "Username and Password not accepted.")))
    assert "app password" in gmail.advice and "535 5.7.8" in gmail.summary
    generic = diagnose(_fault("auth_failed", "auth", reply=Reply(535, "5.7.8", "Bad login")))
    assert "app password" not in generic.advice
    blocked = diagnose(_fault("greeting_rejected", "greeting", reply=Reply(
        554, "5.7.1", "Client host [203.0.113.5] blocked using zen.spamhaus.org")))
    assert blocked.layer == "policy" and "spamhaus" in blocked.advice


def test_generic_code_rules_do_not_override_a_better_fault_rule() -> None:
    fault = _fault("ehlo_rejected", "ehlo", reply=Reply(502, None, "Command not implemented"))
    rule = match_fault(fault)
    assert rule is not None
    assert diagnose(fault).advice == rule.advice.replace("{host}", "smtp.example.net")
    helo = diagnose(_fault("ehlo_rejected", "ehlo", reply=Reply(
        550, "5.7.1", "Helo command rejected: need fully-qualified hostname")))
    assert "--ehlo" in helo.advice


def test_oauth_error_is_not_mistaken_for_a_password_problem() -> None:
    fault = _fault("auth_oauth_error", "auth", host="smtp.gmail.com",
                   reply=Reply(535, "5.7.8", "Username and Password not accepted."),
                   detail='{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}')
    diag = diagnose(fault)
    assert "mail.google.com" in diag.advice and "app password" not in diag.advice
    assert '"status":"400"' in diag.summary


def test_detail_and_reply_are_quoted_in_the_summary() -> None:
    diag = diagnose(_fault("tls_hostname_mismatch", "starttls",
                           detail="certificate is valid for mx.other.example"))
    assert "mx.other.example" in diag.summary and "smtp.example.net" in diag.summary
    assert diag.summary.endswith(".")


@pytest.mark.parametrize("kind", ["martian", "", "x" * 10_000, "tls_\x1b[2J"])
def test_unknown_kinds_get_a_generic_diagnosis(kind: str) -> None:
    _valid(Fault(kind, "auth"))
    with_reply = diagnose(Fault(kind, "rcpt", reply=Reply(451, None, "try later")))
    assert with_reply.layer == "policy" and "451" in with_reply.summary
    _valid(Fault(kind, "", reply=Reply(0, "x", "")))


def test_odd_field_values_never_crash() -> None:
    for fault in (
        Fault("connect_timeout", "connect", host="\x1b[31mevil\x07", port=-1),
        Fault("tls_expired", "\x00", detail="x" * 1_000_000, server="y" * 1_000_000),
        Fault("auth_failed", "auth", reply=Reply(999, "9.9.9.9", "\x9b" * 100)),
        Fault("starttls_not_offered", "ehlo", tls_mode="bogus", port=99999),
    ):
        _valid(fault)
        assert len(diagnose(fault).summary) < 700
