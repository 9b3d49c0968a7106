"""Reply rules: each rule is reached by a realistic reply; the key hints say the right thing."""

from __future__ import annotations

import re

import pytest

from smtptui.diagnose import Reply, reply_diagnosis
from smtptui.diagnose.model import Diagnosis
from smtptui.diagnose.reply_rules import REPLY_RULES
from smtptui.diagnose.rules import match_reply

LAYERS = {"dns", "network", "tls", "protocol", "auth", "policy"}

M365 = "smtp.office365.com"
GMAIL = "smtp.gmail.com"
YAHOO = "smtp.mail.yahoo.com"
ICLOUD = "smtp.mail.me.com"
SENDGRID = "smtp.sendgrid.net"
MAILGUN = "smtp.mailgun.org"
POSTMARK = "smtp.postmarkapp.com"
SES = "email-smtp.eu-west-1.amazonaws.com"
ZOHO = "smtp.zoho.eu"
OTHER = "mail.example.net"

# (expected rule id, stage, code, enhanced, text, host)
EXAMPLES: list[tuple[str, str, int, str | None, str, str]] = [
    ("454-starttls", "starttls", 454, "4.7.0", "TLS not available due to local problem",
     OTHER),
    ("421-starttls", "starttls", 421, "4.3.0", "mx.example.net Error: internal error",
     OTHER),
    ("auth-code-at-starttls", "starttls", 535, "5.7.8", "Authentication failed", OTHER),
    ("auth-required-after-login", "mail", 550, "5.7.1", "Authentication required", OTHER),
    ("530-after-login", "rcpt", 530, "5.7.0", "Access denied", OTHER),
    ("client-needs-auth", "rcpt", 554, "5.7.1",
     "<localhost[127.0.0.1]>: Client host rejected: Access denied", OTHER),
    ("client-refused-after-login", "rcpt", 554, "5.7.1",
     "<localhost[127.0.0.1]>: Client host rejected: Access denied", OTHER),
    ("too-many-auth-attempts", "auth", 535, "5.7.0", "(#AUTH005) Too many bad auth attempts.",
     YAHOO),
    ("m365-smtp-auth-disabled", "auth", 535, "5.7.139",
     "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. "
     "Visit https://aka.ms/smtp_auth_disabled for more information.", M365),
    ("m365-wrong-credentials", "auth", 535, "5.7.139",
     "Authentication unsuccessful, the user credentials were incorrect. [AM0PR02CA0001]", M365),
    ("m365-security-defaults", "auth", 535, "5.7.139",
     "Authentication unsuccessful, user is locked by your organization's security defaults "
     "policy. Contact your administrator.", M365),
    ("m365-policy-blocked", "auth", 535, "5.7.139",
     "Authentication unsuccessful, the request did not meet the criteria to be authenticated "
     "successfully. Contact your administrator.", M365),
    ("m365-basic-auth-disabled", "auth", 535, "5.7.139",
     "Authentication unsuccessful, basic authentication is disabled.", M365),
    ("m365-5.7.30-basic-auth", "auth", 550, "5.7.30", "Authentication unsuccessful", M365),
    ("m365-5.7.139", "auth", 535, "5.7.139", "Authentication unsuccessful [DB8PR09CA0001]",
     M365),
    ("m365-535", "auth", 535, "5.7.3", "Authentication unsuccessful [SN4PR0201CA0048]", M365),
    ("send-as-denied", "data", 554, "5.2.0",
     "STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied; Failed "
     "to process message due to a permanent exception", M365),
    ("m365-5.7.60-send-as", "mail", 550, "5.7.60", "", M365),
    ("m365-restricted-sender", "mail", 550, "5.7.501",
     "Service unavailable. Spam abuse detected from IP range.", M365),
    ("m365-5.7.57-anonymous", "mail", 530, "5.7.57",
     "Client was not authenticated to send anonymous mail during MAIL FROM", M365),
    ("m365-tenant-attribution", "rcpt", 550, "5.7.64",
     "TenantAttribution; Relay Access Denied [BN8NAM12FT012.eop-nam12.prod.protection]",
     "contoso-com.mail.protection.outlook.com"),
    ("m365-ip-blocked", "greeting", 550, "5.7.708",
     "Service unavailable. Access denied, traffic not accepted from this IP.", M365),
    ("tls-1.0-refused", "ehlo", 421, "4.7.66",
     "TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS "
     "1.2. Visit https://aka.ms/smtp_auth_tls.", M365),
    ("concurrent-connections", "mail", 432, "4.3.2",
     "STOREDRV.ClientSubmit; sender thread limit exceeded", M365),
    ("m365-edge-blocked-recipient", "rcpt", 550, "5.4.1",
     "Recipient address rejected: Access denied. AS(201806281)", M365),
    ("outlook-verify-account", "data", 550, "5.7.3",
     "Requested action not taken; To continue sending messages, please verify your account",
     "smtp-mail.outlook.com"),
    ("google-app-password-required", "auth", 534, "5.7.9",
     "Application-specific password required. Learn more at\n"
     "https://support.google.com/mail/?p=InvalidSecondFactor", GMAIL),
    ("google-web-login-required", "auth", 534, "5.7.14",
     "<https://accounts.google.com/signin/continue?sarp=1>\nPlease log in via your web "
     "browser and\nthen try again.", GMAIL),
    ("google-app-password-534", "auth", 534, "5.7.9", "Authentication mechanism is too weak",
     GMAIL),
    ("google-relay-credentials", "mail", 550, "5.7.0",
     "Mail relay denied [203.0.113.5]. Invalid credentials for relay for one of the domains "
     "in: acme.example (as obtained from HELO and MAIL FROM).", "smtp-relay.gmail.com"),
    ("daily-sending-limit", "mail", 550, "5.4.5",
     "Daily user sending limit exceeded. For more information on Gmail\nsending limits go to",
     GMAIL),
    ("gmail-bad-credentials", "auth", 535, "5.7.8",
     "Username and Password not accepted. Learn more at\n"
     "https://support.google.com/mail/?p=BadCredentials", GMAIL),
    ("yahoo-bad-credentials", "auth", 535, "5.7.0", "(#AUTH012) Incorrect username or password.",
     YAHOO),
    ("yahoo-deferred", "mail", 421, "4.7.0",
     "[TSS04] Messages from 203.0.113.5 temporarily deferred due to unexpected volume or user "
     "complaints", YAHOO),
    ("yahoo-sender-mismatch", "mail", 550, None, "Request failed; Mailbox unavailable", YAHOO),
    ("icloud-bad-credentials", "auth", 535, "5.7.8", "Error: authentication failed", ICLOUD),
    ("sendgrid-key-revoked", "auth", 535, None,
     "Authentication failed: The provided authorization grant is invalid, expired, or revoked",
     SENDGRID),
    ("sendgrid-bad-credentials", "auth", 535, None, "Authentication failed: Bad username / "
     "password", SENDGRID),
    ("sendgrid-sender-identity", "mail", 550, None,
     "The from address does not match a verified Sender Identity. Mail cannot be sent until "
     "this error is resolved.", SENDGRID),
    ("sendgrid-credits", "mail", 451, None, "Authentication failed: Maximum credits exceeded",
     SENDGRID),
    ("mailgun-sandbox", "rcpt", 421, None,
     "Domain sandbox123.mailgun.org is not allowed to send: Free accounts are for test "
     "purposes only. Please upgrade or add the address to authorized recipients.", MAILGUN),
    ("mailgun-bad-credentials", "auth", 535, "5.7.0",
     "Mailgun is not loving your login or password", MAILGUN),
    ("mailgun-domain-not-allowed", "mail", 550, None,
     "Domain mg.acme.example is not allowed to send: domain is disabled", MAILGUN),
    ("postmark-bad-credentials", "auth", 535, "5.7.8", "Authentication failed", POSTMARK),
    ("postmark-sender-signature", "data", 550, None,
     "The 'From' address you supplied (ops@acme.example) is not a Sender Signature on your "
     "account.", POSTMARK),
    ("postmark-pending-approval", "rcpt", 550, None,
     "While your account is pending approval, all recipient addresses must share the same "
     "domain as the 'From' address.", POSTMARK),
    ("ses-bad-credentials", "auth", 535, None, "Authentication Credentials Invalid", SES),
    ("ses-not-verified", "data", 554, None,
     "Message rejected: Email address is not verified. The following identities failed the "
     "check in region EU-WEST-1: ops@acme.example", SES),
    ("ses-throttled", "data", 454, None, "Throttling failure: Maximum sending rate exceeded.",
     SES),
    ("ses-access-denied", "data", 554, None,
     "Access denied: User `arn:aws:iam::123456789012:user/smtp' is not authorized to perform "
     "`ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:123456789012:identity/acme'", SES),
    ("ses-account-paused", "data", 554, None,
     "Sending paused for this account. For more information, please check the AWS Management "
     "Console.", SES),
    ("zoho-bad-credentials", "auth", 535, None, "Authentication Failed", ZOHO),
    ("zoho-relay-disallowed", "mail", 553, None, "Relaying disallowed. Invalid Domain - "
     "acme.example", ZOHO),
    ("starttls-required", "mail", 530, "5.7.0", "Must issue a STARTTLS command first.", GMAIL),
    ("auth-not-enabled", "auth", 503, "5.5.1", "Error: authentication not enabled", OTHER),
    ("auth-required", "mail", 530, "5.7.0", "Authentication required", OTHER),
    ("greylisted", "rcpt", 450, "4.2.0",
     "<ops@acme.example>: Recipient address rejected: Greylisted, see "
     "http://postgrey.schweikert.ch/help/acme.example.html", OTHER),
    ("ip-blocklisted", "greeting", 554, "5.7.1",
     "Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org", OTHER),
    ("relay-denied", "rcpt", 554, "5.7.1", "<x@other.example>: Relay access denied", OTHER),
    ("sender-not-owned", "mail", 553, "5.7.1",
     "<ceo@acme.example>: Sender address rejected: not owned by user ops@acme.example", OTHER),
    ("helo-rejected", "ehlo", 504, "5.5.2",
     "<localhost>: Helo command rejected: need fully-qualified hostname", OTHER),
    ("no-reverse-dns", "rcpt", 450, "4.7.1",
     "Client host rejected: cannot find your hostname, [203.0.113.5]", OTHER),
    ("mailbox-full", "rcpt", 452, "4.2.2",
     "The email account that you tried to reach is over quota.", OTHER),
    ("message-too-big", "data", 552, "5.3.4", "Message size exceeds fixed maximum message size",
     OTHER),
    ("rate-limited", "mail", 450, "4.7.1", "Rate limit exceeded for sender ops@acme.example",
     OTHER),
    ("recipient-domain-unknown", "rcpt", 450, "4.1.2",
     "<x@nx.example>: Recipient address rejected: Domain not found", OTHER),
    ("sender-domain-unknown", "mail", 450, "4.1.8",
     "<x@nx.example>: Sender address rejected: Domain not found", OTHER),
    ("recipient-unknown", "rcpt", 550, "5.1.1",
     "<nobody@acme.example>: Recipient address rejected: User unknown in virtual mailbox table",
     OTHER),
    ("dmarc-failed", "data", 550, "5.7.26",
     "Unauthenticated email from acme.example is not accepted due to domain's DMARC policy.",
     OTHER),
    ("spf-failed", "data", 550, "5.7.1",
     "Message rejected due to: SPF fail - not authorized.", OTHER),
    ("content-rejected", "data", 554, "5.7.1", "Message rejected as spam by Content Filtering.",
     OTHER),
    ("5.7.26-sender-auth", "data", 550, "5.7.26",
     "This mail has been blocked because the sender is unauthenticated. Gmail requires all "
     "senders to authenticate with either SPF or DKIM.", "gmail-smtp-in.l.google.com"),
    ("5.7.27-sender-auth", "data", 550, "5.7.27",
     "This message does not pass authentication checks", OTHER),
    ("5.7.27-null-mx", "mail", 550, "5.7.27", "Sender address has null MX", OTHER),
    ("5.7.23-spf", "data", 550, "5.7.23",
     "The message was rejected because of Sender Policy Framework violation", OTHER),
    ("5.7.20-dkim", "data", 550, "5.7.20", "No passing DKIM signature found", OTHER),
    ("5.7.25-reverse-dns", "greeting", 550, "5.7.25", "", OTHER),
    ("5.7.30-requiretls", "data", 550, "5.7.30", "REQUIRETLS support required", OTHER),
    ("5.7.9-weak-mechanism", "auth", 534, "5.7.9", "Authentication mechanism is too weak",
     OTHER),
    ("5.7.11-encryption-needed", "auth", 538, "5.7.11", "", OTHER),
    ("5.7.13-account-disabled", "auth", 535, "5.7.13", "User account disabled", OTHER),
    ("5.7.12-password-transition", "auth", 432, "4.7.12", "A password transition is needed",
     OTHER),
    ("5.7.8-bad-credentials", "auth", 535, "5.7.8",
     "Error: authentication failed: authentication failure", OTHER),
    ("5.7.4-mechanism-unsupported", "auth", 504, "5.7.4", "Unrecognized authentication type",
     OTHER),
    ("5.7.1-relay-denied", "rcpt", 550, "5.7.1", "Delivery not authorized", OTHER),
    ("5.7.1-sender-refused", "mail", 550, "5.7.1", "Sender rejected", OTHER),
    ("5.7.1-message-refused", "data", 554, "5.7.1", "Message refused", OTHER),
    ("5.7.1-client-refused", "greeting", 554, "5.7.1", "Access denied", OTHER),
    ("5.7.0-530", "mail", 530, "5.7.0", "", OTHER),
    ("4.7.0-auth-temporary", "auth", 454, "4.7.0", "Temporary authentication failure", OTHER),
    ("4.7.0-policy-temporary", "rcpt", 450, "4.7.0", "Try again later", OTHER),
    ("5.1.1-no-such-mailbox", "rcpt", 550, "5.1.1", "Bad destination mailbox address", OTHER),
    ("5.1.2-no-such-domain", "rcpt", 550, "5.1.2", "Bad destination system address", OTHER),
    ("5.1.x-bad-syntax", "rcpt", 501, "5.1.3", "Bad recipient address syntax", OTHER),
    ("5.1.8-bad-sender-domain", "mail", 553, "5.1.8", "Bad sender's system address", OTHER),
    ("5.2.1-mailbox-disabled", "rcpt", 550, "5.2.1",
     "The email account that you tried to reach is disabled.", OTHER),
    ("x.2.2-mailbox-full", "rcpt", 552, "5.2.2", "Requested mail action aborted", OTHER),
    ("4.2.0-mailbox-temporary", "rcpt", 450, "4.2.0", "Mailbox temporarily unavailable", OTHER),
    ("size-limit", "data", 552, "5.3.4", "Error: message file too big", OTHER),
    ("x.5.3-too-many-recipients", "rcpt", 452, "4.5.3", "", OTHER),
    ("x.3.x-system-busy", "data", 451, "4.3.0", "Mail server temporarily rejected message",
     OTHER),
    ("4.4.2-bad-connection", "data", 421, "4.4.2", "Connection dropped due to timeout", OTHER),
    ("500-auth", "auth", 500, None, "Command unrecognized: AUTH", OTHER),
    ("502-starttls", "starttls", 502, "5.5.1", "Unrecognized command", OTHER),
    ("x.5.x-protocol-error", "ehlo", 500, "5.5.1", "Invalid command", OTHER),
    ("421-at-greeting", "greeting", 421, None,
     "Too many concurrent SMTP connections; please try again later.", OTHER),
    ("421", "mail", 421, None, "Service not available, closing transmission channel", OTHER),
    ("554-at-greeting", "greeting", 554, None, "No SMTP service here", OTHER),
    ("450", "rcpt", 450, None, "Requested mail action not taken: mailbox unavailable", OTHER),
    ("451-envelope", "rcpt", 451, None, "Temporary local problem - please try later", OTHER),
    ("451", "data", 451, None, "Requested action aborted: local error in processing", OTHER),
    ("452-rcpt", "rcpt", 452, None, "Insufficient system storage", OTHER),
    ("452", "data", 452, None, "Insufficient system storage", OTHER),
    ("454-starttls", "starttls", 454, None, "TLS not available due to local problem", OTHER),
    ("454-auth", "auth", 454, None, "Temporary authentication failure", OTHER),
    ("454", "mail", 454, None, "Temporary failure", OTHER),
    ("500", "ehlo", 500, None, "Syntax error, command unrecognized", OTHER),
    ("501-envelope", "rcpt", 501, None, "Invalid address", OTHER),
    ("501-auth", "auth", 501, None, "Cannot decode response", OTHER),
    ("501", "ehlo", 501, None, "Syntax: EHLO hostname", OTHER),
    ("502", "data", 502, None, "Command not implemented", OTHER),
    ("503-mail", "mail", 503, None, "Bad sequence of commands", OTHER),
    ("503", "data", 503, None, "Bad sequence of commands", OTHER),
    ("504-auth", "auth", 504, None, "Unrecognized authentication type", OTHER),
    ("504", "mail", 504, None, "Command parameter not implemented", OTHER),
    ("530", "mail", 530, None, "Access denied", OTHER),
    ("534", "auth", 534, None, "", OTHER),
    ("535", "auth", 535, None, "Authentication failed", OTHER),
    ("538", "auth", 538, None, "", OTHER),
    ("550-mail", "mail", 550, None, "Access denied", OTHER),
    ("550-rcpt", "rcpt", 550, None, "Requested action not taken", OTHER),
    ("554-data", "data", 554, None, "Transaction failed", OTHER),
    ("552", "data", 552, None, "Requested mail action aborted: exceeded storage allocation",
     OTHER),
    ("555", "mail", 555, None, "Unsupported option: SMTPUTF8", OTHER),
    ("556-521", "rcpt", 556, None, "Domain does not accept mail", OTHER),
]


def _diag(stage: str, code: int, enhanced: str | None, text: str, host: str = OTHER,
          server: str = "") -> Diagnosis:
    return reply_diagnosis(stage, Reply(code, enhanced, text), server=server, host=host)


def _advice(stage: str, code: int, enhanced: str | None, text: str, host: str = OTHER,
            server: str = "") -> str:
    return _diag(stage, code, enhanced, text, host, server).advice.lower()


@pytest.mark.parametrize(("rule_id", "stage", "code", "enhanced", "text", "host"), EXAMPLES,
                         ids=[e[0] for e in EXAMPLES])
def test_example_reaches_its_rule(rule_id: str, stage: str, code: int, enhanced: str | None,
                                  text: str, host: str) -> None:
    expected = next(r for r in REPLY_RULES if r.id == rule_id)
    logged_in = bool(expected.authenticated)  # some replies mean more after a login
    rule = match_reply(stage, Reply(code, enhanced, text), host=host, authenticated=logged_in)
    assert rule is not None and rule.id == rule_id
    diag = reply_diagnosis(stage, Reply(code, enhanced, text), host=host,
                           authenticated=logged_in)
    assert diag.layer == rule.layer
    assert str(code) in diag.summary  # the reply is quoted as evidence
    assert diag.advice and "{" + "host}" not in diag.advice


def test_every_rule_has_an_example_and_a_unique_id() -> None:
    ids = [rule.id for rule in REPLY_RULES]
    assert len(ids) == len(set(ids))
    assert set(ids) == {e[0] for e in EXAMPLES}


def test_every_rule_looks_beyond_the_bare_code() -> None:
    """Only rules marked as fallbacks match on the code alone, and each comes after every
    rule that could match its codes (otherwise it would hide them)."""
    for index, rule in enumerate(REPLY_RULES):
        if not rule.fallback:
            assert rule.specific or rule.stages, f"{rule.id}: code-only but not a fallback"
            continue
        assert rule.codes and not (rule.specific or rule.stages), f"{rule.id}: not code-only"
        hidden = [r.id for r in REPLY_RULES[index + 1:]
                  if not r.codes or set(r.codes) & set(rule.codes)]
        assert hidden == [], f"fallback {rule.id} hides {hidden}"


M365_TEXTS = [
    "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit "
    "https://aka.ms/smtp_auth_disabled for more information.",
    "Authentication unsuccessful, the user credentials were incorrect.",
    "Authentication unsuccessful, the request did not meet the criteria to be authenticated "
    "successfully. Contact your administrator.",
    "Authentication unsuccessful, user is locked by your organization's security defaults "
    "policy. Contact your administrator.",
    "Authentication unsuccessful, basic authentication is disabled.",
]


def test_m365_5_7_139_texts_give_different_advice() -> None:
    advice = [_advice("auth", 535, "5.7.139", t, M365) for t in M365_TEXTS]
    assert len(set(advice)) == len(advice)
    assert "authenticated smtp" in advice[0]
    assert "password" in advice[1] and "authenticated smtp" not in advice[1]
    assert "security defaults" in advice[3]
    assert "oauth" in advice[4]


def test_m365_5_7_139_is_recognised_by_text_even_behind_a_custom_host() -> None:
    diag = _diag("auth", 535, "5.7.139", M365_TEXTS[0], host="relay.acme.example")
    assert "smtp auth" in diag.summary.lower()


def test_m365_5_7_30_means_basic_auth_not_requiretls() -> None:
    text = "Basic authentication is not supported for Client Submission."
    for host in (M365, OTHER):
        diag = _diag("auth", 550, "5.7.30", text, host)
        whole = (diag.summary + diag.advice).lower()
        assert "basic auth" in whole and "requiretls" not in whole
    banner = "220 AM0PR02CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready"
    diag = _diag("auth", 550, "5.7.30", "Client submission refused", host="10.0.0.5",
                 server=banner)
    assert "requiretls" not in (diag.summary + diag.advice).lower()
    elsewhere = _diag("data", 550, "5.7.30", "REQUIRETLS support required", OTHER)
    assert "requiretls" in elsewhere.summary.lower()


def test_530_5_7_0_mentions_starttls() -> None:
    for text in ("", "Must issue a STARTTLS command first.", "Authentication required"):
        diag = _diag("mail", 530, "5.7.0", text)
        assert "starttls" in (diag.summary + diag.advice).lower(), text


def test_app_password_advice_only_for_providers_that_need_it() -> None:
    for host in (GMAIL, YAHOO, ICLOUD):
        advice = _advice("auth", 535, "5.7.8", "Authentication failed", host)
        assert "app password" in advice or "app-specific password" in advice, host
    generic = _advice("auth", 535, "5.7.8", "Authentication failed", OTHER)
    assert "app password" not in generic and "app-specific" not in generic
    assert _advice("auth", 535, "5.7.8", "Authentication failed", OTHER) == _advice(
        "auth", 535, "5.7.8", "Authentication failed", "smtp.acme.example")


def test_provider_recognised_from_banner_when_host_is_an_alias() -> None:
    advice = _advice("auth", 535, "5.7.8", "Username and Password not accepted.",
                     host="relay.acme.example", server="220 smtp.gmail.com ESMTP x1 - gsmtp")
    assert "app password" in advice


def test_service_specific_credential_advice() -> None:
    assert "apikey" in _advice("auth", 535, None, "Authentication failed", SENDGRID)
    postmark = _advice("auth", 535, None, "Authentication failed", POSTMARK)
    assert "token" in postmark and "both" in postmark
    ses = _advice("auth", 535, None, "Authentication Credentials Invalid", SES)
    assert "smtp credentials" in ses and "iam" in ses and "region" in ses
    assert "postmaster@" in _advice("auth", 535, None, "Authentication failed", MAILGUN)


def test_534_5_7_9_from_gmail_asks_for_app_password() -> None:
    advice = _advice("auth", 534, "5.7.9", "Application-specific password required.", GMAIL)
    assert "app password" in advice


def test_greylisting_and_tls_required_are_explained() -> None:
    grey = _diag("rcpt", 451, "4.7.1", "Greylisting in action, please come back later")
    assert "greylist" in grey.summary.lower() and "minutes" in grey.advice
    tls = _diag("mail", 451, "4.7.0", "TLS required for this recipient")
    assert tls.layer == "tls"


def test_stage_changes_the_meaning_of_the_same_code() -> None:
    at_rcpt = _diag("rcpt", 550, "5.7.1", "Not allowed")
    at_data = _diag("data", 550, "5.7.1", "Not allowed")
    at_greeting = _diag("greeting", 554, None, "")
    assert at_rcpt.summary != at_data.summary
    assert "relay" in at_rcpt.summary.lower()
    assert at_greeting.layer == "policy" and "blocked" in at_greeting.summary


ODD_REPLIES = [
    Reply(0, None, ""),
    Reply(999, None, "what"),
    Reply(-1, "5.7", "x"),
    Reply(250, "2.0.0", "OK"),
    Reply(535, "garbage", ""),
    Reply(535, "", "\x1b[31mred\x1b[0m [bold]markup[/bold] \x00\x07\x9b"),
    Reply(421, "4.7.999999", "x" * 2_000_000),
    Reply(550, None, "\n".join(["line"] * 10_000)),
    Reply(12345678901234567890, "9.9.9", "huge code"),
]


@pytest.mark.parametrize("reply", ODD_REPLIES, ids=lambda r: f"{r.code}-{r.enhanced}")
@pytest.mark.parametrize("stage", ["auth", "rcpt", "greeting", "", "nonsense\x1b"])
def test_odd_replies_never_crash_and_stay_printable(reply: Reply, stage: str) -> None:
    diag = reply_diagnosis(stage, reply, server="\x1b]0;title\x07", host="\x1b[2J")
    assert diag.layer in LAYERS
    assert diag.summary and diag.advice
    assert len(diag.summary) < 700
    assert not re.search(r"[\x00-\x1f\x7f-\x9f]", diag.summary + diag.advice)


def test_every_pattern_compiles() -> None:
    from smtptui.diagnose.fault_rules import FAULT_RULES
    from smtptui.diagnose.providers import PROVIDERS
    from smtptui.diagnose.ruletypes import compiled

    patterns = [r.text for r in REPLY_RULES] + [r.detail for r in FAULT_RULES]
    patterns += [p.hosts for p in PROVIDERS] + [p.banner for p in PROVIDERS]
    for pattern in patterns:
        if pattern is not None:
            assert compiled(pattern).pattern == pattern
