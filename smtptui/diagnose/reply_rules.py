"""What a server's "no" means, and what to do about it: the reply rule table.

Order matters: provider-specific rules first, then rules keyed on distinctive reply
text, then enhanced codes, then code + stage, and for some codes a code-only rule marked
``fallback=True`` as the last resort. The first matching rule wins; the summary gets the
reply itself appended as evidence.
"""

from __future__ import annotations

from smtptui.diagnose.lockout import LOCKOUT_TEXT
from smtptui.diagnose.ruletypes import ReplyRule

MS = ("microsoft365", "outlook")
ENVELOPE = ("mail", "rcpt", "data")

# --- advice shared by several rules -------------------------------------------------------

_M365_ENABLE_SMTP_AUTH = (
    "An Exchange admin must allow SMTP AUTH for this mailbox: Microsoft 365 admin center → "
    "Users → Active users → the user → Mail → Manage email apps → tick 'Authenticated SMTP'; "
    "tenant-wide: Exchange admin center → Settings → Mail flow → untick 'Turn off SMTP AUTH "
    "protocol for your organization'. PowerShell: Set-CASMailbox -Identity <mailbox> "
    "-SmtpClientAuthenticationDisabled $false (the mailbox setting overrides the tenant's "
    "Set-TransportConfig -SmtpClientAuthenticationDisabled). Changes can take up to an hour. "
    "Alternatives: OAuth 2.0 (--auth xoauth2), or relay by IP through a connector / direct "
    "send to <tenant>.mail.protection.outlook.com:25."
)
_M365_OAUTH = (
    "Use OAuth 2.0 instead (--auth xoauth2 with a token for the scope "
    "https://outlook.office.com/SMTP.Send from an Entra ID app registration); Microsoft is "
    "retiring Basic authentication for SMTP AUTH. While the tenant still allows it, an admin "
    "can check the authentication policy assigned to the user (Get-AuthenticationPolicy | "
    "Format-List AllowBasicAuthSmtp). Devices that cannot do OAuth can relay through a "
    "connector (by IP or certificate) or use direct send."
)
_M365_POLICY = (
    "Look up this sign-in in Entra admin center → Monitoring → Sign-in logs: it names the "
    "policy that blocked it. Security defaults and Conditional Access 'block legacy "
    "authentication' both forbid SMTP AUTH with a password: use OAuth 2.0 (--auth xoauth2), "
    "or have an admin exempt this account (Conditional Access, needs Entra ID P1) or relay "
    "through a connector instead of logging in."
)
_SEND_AS = (
    "Send with the logged-in account's own address (or one of its aliases / verified "
    "senders) as MAIL FROM and From, or have the admin allow this address for the account "
    "(Exchange: Add-RecipientPermission <sender> -AccessRights SendAs -Trustee <login>; "
    "Postfix: smtpd_sender_login_maps)."
)
_RELAY = (
    "Authenticate (username + password on port 587 with STARTTLS, or 465), or have the "
    "relay's admin allow this machine's IP (Postfix mynetworks, an Exchange receive "
    "connector, a Microsoft 365 or Google Workspace relay connector). Without "
    "authentication a server only accepts mail for its own domains."
)
_SENDER_AUTH = (
    "Make the sender domain pass SPF, DKIM and DMARC for this sending path: include the "
    "relay in the domain's SPF record (TXT 'v=spf1 include:… ~all', at most 10 DNS "
    "lookups), turn on DKIM signing for the From domain at the relay, and keep the From "
    "domain aligned with them. Check the records with `smtptui dns <domain>`."
)
_BLOCKLIST = (
    "Look up this machine's public IP at the list named in the reply (e.g. "
    "https://check.spamhaus.org), fix the cause (compromised account, open relay, a "
    "residential/dynamic IP on a policy list), then request delisting — or send through an "
    "authenticated submission relay (port 587) instead of delivering directly."
)
_TLS_FIRST = (
    "Use STARTTLS before logging in or sending (--tls starttls on port 587) or implicit TLS "
    "(--tls implicit on port 465). With --tls none the server will keep refusing."
)
_GENERIC_BAD_LOGIN = (
    "Check the username (often the full email address, sometimes a separate SMTP user "
    "name) and the password for typos and stale values, and that the account is active "
    "and allowed to use SMTP. Hosted services document which credential SMTP expects — it "
    "is often not the web-login password. Run with -v to see which mechanism was used."
)
_RETRY = (
    "This is temporary: retry in a few minutes. If it persists, the reply text usually "
    "names the reason; the server's administrator can find this session in its logs."
)

REPLY_RULES: tuple[ReplyRule, ...] = (
    # --- the stage (and the session so far) decides what a reply means --------------------
    ReplyRule(
        "454-starttls", "tls",
        "The server cannot start TLS: its own TLS setup is broken (RFC 3207: TLS not "
        "available due to a temporary reason).",
        "The server's administrator must fix it — a certificate or key that is missing, "
        "unreadable or does not match, or a TLS misconfiguration, often right after a "
        "renewal (Postfix: smtpd_tls_chain_files or smtpd_tls_cert_file/key_file and "
        "'cannot load certificate' in the mail log; Exim: tls_certificate/tls_privatekey "
        "and the panic log). Nothing after STARTTLS was tried: AUTH and mail were not "
        "sent. Don't fall back to sending credentials in clear text.",
        codes=(454,), stages=("starttls",)),
    ReplyRule(
        "421-starttls", "tls",
        "The server closed the session instead of starting TLS.",
        "Usually the server's own TLS fails (certificate or key unreadable, TLS library "
        "error) or it is shutting down: its administrator finds the cause in the mail log. "
        "AUTH and mail were not sent; retry later if it was a restart.",
        codes=(421,), stages=("starttls",)),
    ReplyRule(
        "auth-code-at-starttls", "protocol",
        "The server answered STARTTLS with an authentication error, although no "
        "credentials were sent yet: the password is not the problem.",
        "The server (or a middlebox in front of it) does not follow RFC 3207 here. Run with "
        "-v to see the exchange, compare with {s_client}, and report it to the server's "
        "administrator.",
        codes=(530, 534, 535, 538), stages=("starttls",)),
    ReplyRule(
        "auth-required-after-login", "auth",
        "The login succeeded, but the server still refuses this sender or recipient as "
        "unauthenticated: this account is not allowed to submit mail here.",
        "Check that the account may send through this server and with this sender "
        "address (Postfix: smtpd_sender_login_maps, reject_sender_login_mismatch, "
        "smtpd_relay_restrictions; Exim: the submission ACL's 'authenticated = *'); the "
        "server's mail log names the rule that refused it.",
        codes=(530, 550, 553, 554), stages=("mail", "rcpt"), authenticated=True,
        text=r"auth(entication)? (is )?required|must (authenticate|be authenticated)"
             r"|authenticate first|not authenticated|not logged in"),
    ReplyRule(
        "530-after-login", "auth",
        "The login succeeded, but the server still answers 530 (authentication required): "
        "this account is not allowed to submit mail here, or the server lost the login.",
        "Check that the account may send through this server and with this sender "
        "address; the server's mail log names the rule that refused it.",
        codes=(530,), stages=("mail", "rcpt"), authenticated=True),
    ReplyRule(
        "client-needs-auth", "auth",
        "This port accepts mail only from authenticated clients: the server refused this "
        "client, not the recipient, because it has not logged in.",
        "Configure credentials for this relay (--user with --password-env, --password-cmd "
        "or --ask-password, or the profile's username and password). Submission ports "
        "(587, 465) on Postfix and Exim take mail only after AUTH (Postfix master.cf: "
        "smtpd_client_restrictions=permit_sasl_authenticated,reject). If credentials are "
        "set, check that the auth stage ran.",
        stages=("mail", "rcpt"), authenticated=False,
        codes=range(500, 600),
        text=r"Client host rejected: Access denied|submission (must|requires?) .{0,20}auth"),
    ReplyRule(
        "client-refused-after-login", "policy",
        "The server refuses this client (its IP address or host name) by policy, even "
        "after a successful login: the refusal is about the client, not the recipient.",
        "The server's administrator must allow this client (Postfix: check_client_access "
        "and smtpd_client_restrictions; Exim: the RCPT ACL); the mail log names the rule "
        "that matched.",
        stages=("mail", "rcpt"), authenticated=True, codes=range(500, 600),
        text=r"Client host rejected: Access denied"),
    # --- distinctive text that overrides any provider rule ------------------------------
    ReplyRule(
        "too-many-auth-attempts", "auth",
        "The server is temporarily refusing logins after too many failed attempts.",
        "Stop retrying for a while (often 15–60 minutes), fix the credentials before the "
        "next attempt, and make sure no other service or device keeps retrying with an "
        "old password — that keeps the lockout alive.",
        text=LOCKOUT_TEXT),
    # --- Microsoft 365 / Outlook.com ------------------------------------------------------
    ReplyRule(
        "m365-smtp-auth-disabled", "auth",
        "Microsoft 365 refused the login because SMTP AUTH (authenticated client "
        "submission) is disabled for the tenant or this mailbox.",
        _M365_ENABLE_SMTP_AUTH,
        text=r"SmtpClientAuthentication is disabled"),
    ReplyRule(
        "m365-wrong-credentials", "auth",
        "Microsoft 365 says the username or password is wrong.",
        "Use the mailbox's full user principal name (user@yourdomain, as shown in the "
        "admin center) and its current password. If the account uses MFA, its normal "
        "password never works for SMTP: use an app password (only if the tenant allows "
        "them) or OAuth 2.0 (--auth xoauth2). Entra admin center → Sign-in logs shows the "
        "exact failure; also check the account is not blocked from sign-in.",
        text=r"user credentials were incorrect"),
    ReplyRule(
        "m365-security-defaults", "auth",
        "Microsoft 365 blocked the login: the tenant's security defaults forbid password "
        "(Basic) authentication for SMTP.",
        "Security defaults block every legacy-authentication login, including SMTP AUTH "
        "with a password. Use OAuth 2.0 (--auth xoauth2 with an app registration), or an "
        "admin turns security defaults off (Entra admin center → Identity → Overview → "
        "Properties → Manage security defaults) and replaces them with Conditional Access "
        "policies that exempt this account, or relay through a connector instead.",
        text=r"security defaults"),
    ReplyRule(
        "m365-policy-blocked", "auth",
        "Microsoft 365 refused the login by policy: security defaults or a Conditional "
        "Access policy block password (Basic) authentication for this account.",
        _M365_POLICY,
        text=r"did not meet the criteria to be authenticated"
             r"|organization configuration does not allow"),
    ReplyRule(
        "m365-basic-auth-disabled", "auth",
        "Microsoft refused the login because Basic authentication (username + password) "
        "is turned off for SMTP on this tenant or account.",
        _M365_OAUTH,
        text=r"basic auth\w* is (disabled|not supported|not allowed)"),
    ReplyRule(
        "m365-5.7.30-basic-auth", "auth",
        "Microsoft 365 does not accept Basic authentication (username + password) for "
        "client submission on this tenant or account.",
        _M365_OAUTH,
        enhanced=("5.7.30",), providers=MS),
    ReplyRule(
        "m365-5.7.139", "auth",
        "Microsoft 365 refused the login: SMTP AUTH is disabled or blocked by policy for "
        "this tenant or mailbox, or the credentials are wrong.",
        "Check in this order: SMTP AUTH is enabled for the mailbox and tenant (admin center "
        "→ the user → Mail → Manage email apps → 'Authenticated SMTP'); security defaults "
        "or Conditional Access do not block legacy authentication; the username is the "
        "full UPN and the password current. Entra admin center → Sign-in logs names the "
        "exact reason. OAuth 2.0 (--auth xoauth2) avoids the password questions entirely.",
        enhanced=("5.7.139",)),
    ReplyRule(
        "m365-535", "auth",
        "Microsoft 365 rejected the login: wrong username/password, or SMTP AUTH is off "
        "for this mailbox.",
        "Use the full UPN and current password; with MFA use an app password (if allowed) "
        "or OAuth 2.0 (--auth xoauth2). Make sure 'Authenticated SMTP' is enabled for the "
        "mailbox (admin center → the user → Mail → Manage email apps).",
        codes=(535,), providers=MS),
    ReplyRule(
        "send-as-denied", "policy",
        "The server refused the sender address: the logged-in account may not send as "
        "that sender.",
        _SEND_AS,
        text=r"SendAsDenied|not allowed to send as|does not have permissions? to send as"
             r"|not authori[sz]ed to send (as|on behalf)"),
    ReplyRule(
        "m365-5.7.60-send-as", "policy",
        "Microsoft 365 refused the sender address: this account may not send as that "
        "sender.",
        _SEND_AS,
        enhanced=("5.7.60",)),
    ReplyRule(
        "m365-restricted-sender", "policy",
        "Microsoft has restricted this account from sending: it was flagged for sending "
        "spam.",
        "Treat the account as possibly compromised: reset its password, review inbox "
        "rules and sign-ins. Then an admin releases it in the Microsoft Defender portal "
        "(Email & collaboration → Review → Restricted entities). Outlook.com: sign in on "
        "the web and complete the verification it asks for.",
        text=r"OutboundSpamException|spam abuse detected|banned sender"),
    ReplyRule(
        "m365-5.7.57-anonymous", "auth",
        "Microsoft 365 refused anonymous mail: this client did not log in before MAIL "
        "FROM.",
        "Authenticate to smtp.office365.com:587 with STARTTLS and the mailbox's "
        "credentials. To send without logging in, use direct send to "
        "<tenant>.mail.protection.outlook.com:25 (internal recipients only) or a connector "
        "that authorises this IP.",
        enhanced=("5.7.57",)),
    ReplyRule(
        "m365-tenant-attribution", "policy",
        "Microsoft 365 could not match this connection to a tenant connector (relay "
        "access denied).",
        "In Exchange admin center → Mail flow → Connectors, check the connector from "
        "'Your organization's email server': this machine's public IP must be listed (or "
        "its TLS certificate name must match), and the From domain must be an accepted "
        "domain of the tenant.",
        text=r"TenantAttribution"),
    ReplyRule(
        "m365-ip-blocked", "policy",
        "Microsoft 365 does not accept mail from this IP address (low reputation or an "
        "unregistered sender domain).",
        "Relay through an IP with a good reputation (your provider's submission service), "
        "make sure the From domain is an accepted, verified domain of the tenant, and for a "
        "new tenant open a Microsoft support request to lift the block.",
        enhanced=("5.7.708", "5.7.750")),
    ReplyRule(
        "tls-1.0-refused", "tls",
        "The server refuses TLS 1.0 and 1.1 and requires TLS 1.2 or later.",
        "This tool negotiates TLS 1.2/1.3 by itself, so something in between downgraded "
        "the connection (a TLS-inspecting proxy or an old OpenSSL policy, e.g. "
        "MinProtocol in /etc/ssl/openssl.cnf). Check with {s_client}.",
        text=r"TLS 1\.0 and 1\.1 are not supported|TLS 1\.[01] is not supported"),
    ReplyRule(
        "concurrent-connections", "policy",
        "The server limits simultaneous connections per account (Microsoft 365: 3 for "
        "SMTP AUTH) and this one exceeded it.",
        "Use fewer parallel connections for this mailbox, send several messages over one "
        "connection, and retry later.",
        text=r"concurrent connections? limit|thread limit exceeded"),
    ReplyRule(
        "m365-edge-blocked-recipient", "policy",
        "Microsoft 365 does not know this recipient (directory-based edge blocking).",
        "Check the address for typos. If the recipient is in your tenant, check that the "
        "mailbox or alias exists and has synced to Microsoft 365; new users can take a "
        "while to appear.",
        text=r"AS\(\d{9}\)|Recipient address rejected: Access denied", providers=MS,
        stages=("rcpt",)),
    ReplyRule(
        "outlook-verify-account", "policy",
        "Outlook.com wants this account verified before it may send by SMTP.",
        "Sign in at https://outlook.live.com in a browser and complete the verification it "
        "asks for (phone or captcha), then retry.",
        text=r"verify your account", providers=MS),
    # --- Google --------------------------------------------------------------------------
    ReplyRule(
        "google-app-password-required", "auth",
        "Google requires an app password for this account (2-Step Verification is on); "
        "the normal account password cannot be used for SMTP.",
        "Create an app password at https://myaccount.google.com/apppasswords (Google "
        "Account → Security → 2-Step Verification → App passwords) and use it as the "
        "password, with the full address as username. Workspace: the admin must allow "
        "app passwords — or use OAuth 2.0 (--auth xoauth2).",
        text=r"Application-specific password required"),
    ReplyRule(
        "google-web-login-required", "auth",
        "Google blocked this sign-in as suspicious and wants an interactive login first.",
        "Sign in to the account in a browser (ideally from the same network), confirm the "
        "security alert at https://myaccount.google.com/notifications ('Yes, it was me'), "
        "then use an app password or OAuth. Logins from new cloud IPs trigger this often.",
        text=r"log ?in (via|with|through) (your )?web browser|WebLoginRequired",
        providers=("gmail",)),
    ReplyRule(
        "google-app-password-534", "auth",
        "Gmail refused this password: it wants an app password (or OAuth), not the "
        "account password.",
        "Create an app password at https://myaccount.google.com/apppasswords (needs "
        "2-Step Verification) and use it with the full address as username, or use OAuth "
        "2.0 (--auth xoauth2).",
        codes=(534,), providers=("gmail",)),
    ReplyRule(
        "google-relay-credentials", "policy",
        "Google's SMTP relay service does not accept mail from this client: neither its IP "
        "nor its login is allowed for the sender's domain.",
        "In the Google Admin console → Apps → Google Workspace → Gmail → Routing → SMTP "
        "relay service, add this machine's public IP to the allowed senders (or tick "
        "'Require SMTP Authentication' and log in), and send from a domain of your "
        "Workspace account.",
        text=r"Invalid credentials for relay|Mail relay denied"),
    ReplyRule(
        "daily-sending-limit", "policy",
        "The account has hit its daily sending limit.",
        "Wait for the limit to reset (a rolling 24 hours at Gmail: about 500 messages for "
        "personal accounts, 2,000 for Workspace), or send bulk mail through a service built "
        "for it (SendGrid, Mailgun, SES, Postmark).",
        text=r"daily (user )?sending (limit|quota)|sending limit exceeded"),
    ReplyRule(
        "gmail-bad-credentials", "auth",
        "Gmail rejected the username/password.",
        "Google no longer accepts the normal account password from mail clients: turn on "
        "2-Step Verification, create an app password at "
        "https://myaccount.google.com/apppasswords and use it (16 letters) with the full "
        "Gmail/Workspace address as username. If the Workspace admin has disabled app "
        "passwords, use OAuth 2.0 (--auth xoauth2) or the SMTP relay service "
        "(smtp-relay.gmail.com, authorised by IP).",
        codes=(535,), providers=("gmail",)),
    # --- Yahoo / AOL ----------------------------------------------------------------------
    ReplyRule(
        "yahoo-bad-credentials", "auth",
        "Yahoo rejected the username/password.",
        "Yahoo needs an app password for SMTP: Yahoo Account → Account security → "
        "Generate app password (or 'Manage app passwords'); use it with the full address "
        "as username. The normal password only works in Yahoo's own apps and web mail.",
        codes=(534, 535), providers=("yahoo",)),
    ReplyRule(
        "yahoo-deferred", "policy",
        "Yahoo is deferring mail from this sender or IP because of volume or user "
        "complaints.",
        "Slow down, retry later, and look at the sending reputation (complaint rate, "
        "bounces, SPF/DKIM/DMARC) — Yahoo's Sender Hub explains the [TS…] codes.",
        text=r"\[TSS?\d+\]|temporarily deferred", providers=("yahoo",)),
    ReplyRule(
        "yahoo-sender-mismatch", "policy",
        "Yahoo refuses a sender address that is not the logged-in account.",
        "Use the Yahoo address you logged in with (or one of its verified aliases) as MAIL "
        "FROM and From.",
        codes=(550, 553, 554), providers=("yahoo",), stages=("mail", "data"),
        text=r"mailbox unavailable|not allowed|from address"),
    # --- iCloud ---------------------------------------------------------------------------
    ReplyRule(
        "icloud-bad-credentials", "auth",
        "iCloud Mail rejected the username/password.",
        "iCloud SMTP needs an app-specific password: https://account.apple.com → "
        "Sign-In and Security → App-Specific Passwords (two-factor authentication must be "
        "on). Use your full iCloud Mail address as username; the From address must be that "
        "address, an alias or a verified custom-domain address — use an app password, never "
        "the Apple Account password.",
        codes=(534, 535), providers=("icloud",)),
    # --- SendGrid -------------------------------------------------------------------------
    ReplyRule(
        "sendgrid-key-revoked", "auth",
        "SendGrid says the API key is invalid, expired or revoked.",
        "Create a new API key (Settings → API Keys) with the Mail Send permission and use "
        "it as the password, with the literal username apikey.",
        text=r"authorization grant is invalid, expired, or revoked"),
    ReplyRule(
        "sendgrid-bad-credentials", "auth",
        "SendGrid rejected the login.",
        "The username must be the literal word apikey (not your account name or email) "
        "and the password a complete API key (it starts with SG.) that has the Mail Send "
        "permission. A key is shown only once when created (Settings → API Keys); a "
        "deleted key or a suspended account gives the same error.",
        codes=(535,), providers=("sendgrid",)),
    ReplyRule(
        "sendgrid-sender-identity", "policy",
        "SendGrid refuses the From address: it is not a verified Sender Identity.",
        "Verify the sender (Settings → Sender Authentication → Single Sender "
        "Verification) or authenticate the whole domain (Domain Authentication, a few "
        "CNAME records); the From address must use that address or domain.",
        text=r"Sender Identity"),
    ReplyRule(
        "sendgrid-credits", "policy",
        "SendGrid refuses to send: the account's sending credits are used up.",
        "Upgrade the plan or wait for the credits to reset (see the SendGrid dashboard), "
        "and check the account is not suspended.",
        text=r"Maximum credits exceeded"),
    # --- Mailgun --------------------------------------------------------------------------
    ReplyRule(
        "mailgun-sandbox", "policy",
        "Mailgun's sandbox domain only delivers to authorised recipients.",
        "Add the recipient under the sandbox domain's Authorized Recipients (they must "
        "confirm by email), or send from a verified custom domain.",
        text=r"sandbox|authori[sz]ed recipients|Free accounts are for test purposes"),
    ReplyRule(
        "mailgun-bad-credentials", "auth",
        "Mailgun rejected the SMTP login.",
        "Use the sending domain's SMTP credentials (Sending → Domain settings → SMTP "
        "credentials): username like postmaster@mg.yourdomain.com, password = that "
        "credential's password (not the API key; reset it if unknown). Domains in the EU "
        "region use smtp.eu.mailgun.org, others smtp.mailgun.org — credentials do not work "
        "across regions.",
        codes=(535,), providers=("mailgun",)),
    ReplyRule(
        "mailgun-domain-not-allowed", "policy",
        "Mailgun does not allow sending from this domain yet (unverified or disabled).",
        "Finish the domain's DNS verification (SPF and DKIM TXT records) under Sending → "
        "Domains, and check that the account and domain are active.",
        text=r"not allowed to send|domain .{0,80}(disabled|not verified|unverified)",
        providers=("mailgun",)),
    # --- Postmark -------------------------------------------------------------------------
    ReplyRule(
        "postmark-bad-credentials", "auth",
        "Postmark rejected the SMTP login.",
        "Use a Server API token (Servers → your server → API Tokens) as both the username "
        "and the password — or an SMTP token: its Access Key as username and Secret Key as "
        "password. An Account API token does not work for SMTP.",
        codes=(535,), providers=("postmark",)),
    ReplyRule(
        "postmark-sender-signature", "policy",
        "Postmark refuses the From address: it has no confirmed Sender Signature or "
        "verified domain.",
        "Add and confirm the sender address (Sender Signatures) or verify the whole domain "
        "(DKIM and Return-Path DNS records) in Postmark.",
        text=r"Sender Signature"),
    ReplyRule(
        "postmark-pending-approval", "policy",
        "Postmark is still reviewing this account, so it only sends within the sender's "
        "own domain.",
        "Send only to recipients in the From address's domain until the account is "
        "approved, or finish the approval request in Postmark.",
        text=r"pending approval", providers=("postmark",)),
    # --- Amazon SES -----------------------------------------------------------------------
    ReplyRule(
        "ses-bad-credentials", "auth",
        "Amazon SES rejected the SMTP credentials.",
        "SES needs SMTP credentials created in the SES console (SMTP settings → Create "
        "SMTP credentials): an IAM secret access key is not the SMTP password. The "
        "password is derived for one region: connect to email-smtp.<that-region>."
        "amazonaws.com. The IAM user needs the ses:SendRawEmail permission.",
        codes=(535,), providers=("ses",)),
    ReplyRule(
        "ses-not-verified", "policy",
        "Amazon SES refused an address or domain that is not verified in this region — "
        "the account is probably still in the SES sandbox.",
        "In the sandbox both the sender and every recipient must be verified identities "
        "(SES → Identities). Verify the sender domain (DKIM CNAMEs) and request production "
        "access (SES → Account dashboard). Identities are per region: check the SMTP "
        "host's region.",
        text=r"address is not verified|identities failed the check"),
    ReplyRule(
        "ses-throttled", "policy",
        "Amazon SES throttled this account: its sending rate or daily quota is exceeded.",
        "Stay under the account's maximum send rate (SES → Account dashboard → Sending "
        "limits), retry with backoff, or request a quota increase; sandbox accounts may "
        "send 200 messages a day, 1 per second.",
        text=r"Maximum sending rate exceeded|Daily message quota exceeded|Throttling failure"),
    ReplyRule(
        "ses-access-denied", "auth",
        "The IAM user behind these SMTP credentials is not allowed to send.",
        "Attach a policy allowing ses:SendRawEmail to the IAM user (for example "
        "AmazonSesSendingAccess), and check its conditions (ses:FromAddress) and any "
        "organisation SCPs.",
        text=r"not authori[sz]ed to perform|ses:SendRawEmail"),
    ReplyRule(
        "ses-account-paused", "policy",
        "Amazon SES sending is paused for this account.",
        "SES pauses accounts with high bounce or complaint rates: read the message from "
        "AWS in the console (SES → Account dashboard / Virtual Deliverability Manager), "
        "fix the list hygiene and ask for a review.",
        text=r"paused|suspended", providers=("ses",)),
    # --- Zoho -----------------------------------------------------------------------------
    ReplyRule(
        "zoho-bad-credentials", "auth",
        "Zoho rejected the SMTP login.",
        "Use the full Zoho Mail address as username; with two-factor authentication "
        "create an application-specific password (Zoho Accounts → Security → App "
        "Passwords). Use your data centre's host (smtp.zoho.com, .eu, .in, .com.au, .jp; "
        "custom-domain accounts: smtppro.zoho.*) on 465 (SSL) or 587 (STARTTLS), and check "
        "SMTP access is enabled in Zoho Mail settings.",
        codes=(535,), providers=("zoho",)),
    ReplyRule(
        "zoho-relay-disallowed", "policy",
        "Zoho refuses the From address: it must be the logged-in account or one of its "
        "aliases.",
        _SEND_AS,
        text=r"Relaying disallowed|not allowed to relay", providers=("zoho",)),
    # --- distinctive reply text, any server ----------------------------------------------
    ReplyRule(
        "starttls-required", "tls",
        "The server requires TLS before this command, and this session is not encrypted.",
        _TLS_FIRST,
        text=r"STARTTLS (command )?first|must issue a STARTTLS|TLS (is )?required"
             r"|encryption required|requires? (a )?(secure|encrypted|TLS) (connection|channel)"
             r"|must (use|start) TLS|Send STARTTLS"),
    ReplyRule(
        "auth-not-enabled", "auth",
        "The server has authentication turned off on this port.",
        "Use the submission port (587 with STARTTLS, or 465) where AUTH is offered, or — "
        "on a server you run — enable SASL for this listener (Postfix: "
        "smtpd_sasl_auth_enable = yes in master.cf's submission service).",
        text=r"authentication not enabled|AUTH (command )?(not available|not enabled"
             r"|not supported|disabled)|AUTH command used when not advertised"),
    ReplyRule(
        "auth-required", "auth",
        "The server requires authentication before it accepts mail, and this client has "
        "not logged in.",
        "Configure a username and password for this relay (--user with --password-env, "
        "--password-cmd or --ask-password) and use a port that offers AUTH (587 with "
        "STARTTLS or 465). If they are configured, check that the auth stage ran — "
        "credentials are never sent unencrypted unless you allow it.",
        text=r"auth(entication)? (is )?required|must (authenticate|be authenticated)"
             r"|authenticate first|not authenticated|not logged in|SMTP AUTH required",
        authenticated=False),
    ReplyRule(
        "greylisted", "policy",
        "The server greylisted this message: it turns away a new sender/IP/recipient "
        "combination once and expects a retry.",
        "Nothing is broken: a real mail server retries after a few minutes and is then "
        "accepted (typically within 1–15 minutes). Probe again in about 5 minutes, or ask "
        "the administrator to whitelist this IP.",
        codes=range(400, 500), text=r"gr[ea]y-?list"),
    ReplyRule(
        "ip-blocklisted", "policy",
        "The server refuses this client because its IP address is on a blocklist.",
        _BLOCKLIST,
        text=r"spamhaus|spamcop|barracuda|sorbs|block ?list|black ?list|\bRBL\b|DNSBL"
             r"|blocked using|listed (at|in|on)"),
    ReplyRule(
        "relay-denied", "policy",
        "The server refuses to relay: it will not take mail for that recipient from this "
        "client without authentication or an allowed IP.",
        _RELAY,
        text=r"relay(ing)? (access )?(denied|not permitted|not allowed|prohibited)"
             r"|not permitted to relay|we do not relay|unable to relay"),
    ReplyRule(
        "sender-not-owned", "policy",
        "The server will not let this account send with that sender address.",
        _SEND_AS,
        text=r"not owned by (the )?(auth\w* )?user|not one of your addresses"
             r"|sender address .{0,40}(mismatch|does not match)|From address .{0,60}not "
             r"(allowed|permitted)"),
    ReplyRule(
        "helo-rejected", "protocol",
        "The server rejected the name this client gave in EHLO/HELO.",
        "Set --ehlo to this machine's fully-qualified domain name (one that resolves, "
        "ideally matching its reverse DNS) or an address literal such as [203.0.113.5]. "
        "Never use the server's own name, 'localhost' or a bare word.",
        text=r"HELO command rejected|EHLO command rejected|fully[- ]qualified host"
             r"|invalid (HELO|EHLO)|bad (HELO|EHLO)|(HELO|EHLO) .{0,40}(invalid|not valid)"),
    ReplyRule(
        "no-reverse-dns", "policy",
        "The server refuses this client because its IP address has no (matching) reverse "
        "DNS name.",
        "Ask whoever owns the public IP (ISP, cloud provider) to set a PTR record to a name "
        "that resolves back to the same IP, or send through an authenticated submission "
        "relay instead.",
        text=r"cannot find your (reverse )?hostname|reverse (DNS|lookup)|\bPTR\b|\brDNS\b"),
    ReplyRule(
        "mailbox-full", "policy",
        "The recipient's mailbox is full.",
        "Nothing to fix on the sending side: the recipient must free space (or their "
        "admin raise the quota). A temporary (4xx) answer is retried by real servers.",
        text=r"mailbox (is )?full|over ?quota|quota exceeded|insufficient (storage|space)"),
    ReplyRule(
        "message-too-big", "policy",
        "The message is larger than the server accepts.",
        "Compare with the SIZE limit in the server's EHLO reply (see Extensions); shrink "
        "or link attachments — base64 encoding adds about a third.",
        text=r"message (size )?(exceeds|too (big|large))|size limit|too large"),
    ReplyRule(
        "rate-limited", "policy",
        "The server is rate-limiting this sender (too many messages, recipients or "
        "connections).",
        "Slow down and retry later: fewer parallel connections, fewer recipients per "
        "message, and check the sending limits of your plan or account.",
        text=r"rate.?limit|too many (messages|recipients|connections|mails)|throttl"
             r"|exceeded .{0,40}limit|unusual rate"),
    ReplyRule(
        "recipient-domain-unknown", "policy",
        "The recipient's domain does not exist or cannot receive mail.",
        "Check the domain part of the recipient address for typos; `smtptui dns <domain>` "
        "shows whether it has MX records.",
        stages=("rcpt",),
        text=r"domain not found|host or domain name not found|no such domain"
             r"|domain (does not|doesn't) exist"),
    ReplyRule(
        "sender-domain-unknown", "policy",
        "The server refuses the sender address because its domain does not resolve.",
        "Use a sender address in a real, resolvable domain (with MX or A records) — not "
        "an internal name like example.local.",
        stages=("mail",),
        text=r"domain not found|host or domain name not found|no such domain"
             r"|domain (does not|doesn't) exist|unverified address"),
    ReplyRule(
        "recipient-unknown", "policy",
        "The recipient address does not exist on that server.",
        "Check the address for typos and ask the recipient for the right one; if the "
        "domain is yours, check that the mailbox or alias exists.",
        stages=("rcpt",),
        text=r"user unknown|unknown user|no such user|does not exist|recipient not found"
             r"|mailbox not found|invalid recipient|not a valid mailbox|no mailbox here"
             r"|address unknown|unrouteable address"),
    ReplyRule(
        "dmarc-failed", "policy",
        "The message failed the receiver's DMARC check for the From domain.",
        _SENDER_AUTH,
        text=r"DMARC"),
    ReplyRule(
        "spf-failed", "policy",
        "The receiver says this sending IP is not authorised by the sender domain's SPF "
        "record.",
        _SENDER_AUTH,
        text=r"SPF (check )?(fail|validation)|(does not|did not) pass SPF|SPF.{0,60}did not pass"
             r"|not permitted by .{0,40}SPF|SPF (policy|record)"),
    ReplyRule(
        "content-rejected", "policy",
        "The server's filters rejected the message as spam or malware.",
        "Look up the reference or URL in the reply. The probe's test message is plain "
        "text, so a rejection here usually points at the sender's reputation: the sending "
        "IP, the From domain's SPF/DKIM/DMARC and its history — not the content.",
        stages=("mail", "data"),
        text=r"spam|unsolicited|junk|virus|malware|phish|content (rejected|filter)"
             r"|suspicious"),
    # --- enhanced codes (RFC 3463 registry) -----------------------------------------------
    ReplyRule(
        "5.7.26-sender-auth", "policy",
        "The message failed the receiver's sender authentication checks (SPF, DKIM and "
        "DMARC).",
        _SENDER_AUTH,
        enhanced=("5.7.26", "4.7.26")),
    ReplyRule(
        "5.7.27-sender-auth", "policy",
        "The message failed the receiver's sender authentication checks (SPF/DMARC).",
        _SENDER_AUTH,
        enhanced=("5.7.27", "4.7.27"), text=r"authenticat|SPF|DMARC|DKIM"),
    ReplyRule(
        "5.7.27-null-mx", "policy",
        "The sender domain publishes a null MX (it declares it accepts no mail), so the "
        "server refuses mail from it.",
        "Use a sender address in a domain that receives mail, or remove the null MX "
        "record ('MX 0 .') from the sender domain if it should send mail.",
        enhanced=("5.7.27",)),
    ReplyRule(
        "5.7.23-spf", "policy",
        "The sender domain's SPF check failed for this sending IP.",
        _SENDER_AUTH,
        enhanced=("5.7.23", "5.7.24", "4.7.24")),
    ReplyRule(
        "5.7.20-dkim", "policy",
        "The message has no valid DKIM signature that the receiver accepts.",
        _SENDER_AUTH,
        enhanced=("5.7.20", "5.7.21", "5.7.22")),
    ReplyRule(
        "5.7.25-reverse-dns", "policy",
        "The server refuses this client because its IP address has no matching reverse "
        "DNS name.",
        "Ask whoever owns the public IP to set a PTR record to a name that resolves back "
        "to the same IP, or send through an authenticated submission relay.",
        enhanced=("5.7.25", "4.7.25")),
    ReplyRule(
        "5.7.30-requiretls", "tls",
        "The server requires REQUIRETLS (RFC 8689) handling for this message, which this "
        "session did not provide.",
        "REQUIRETLS is a per-message option that this probe does not use; if your real "
        "mail sets it, every hop must support it — send through a relay that advertises "
        "REQUIRETLS, or without the TLS-Required option.",
        enhanced=("5.7.30",)),
    ReplyRule(
        "5.7.9-weak-mechanism", "auth",
        "The server considers this authentication mechanism too weak for this account.",
        "Hosted providers answer like this when they want an app-specific password or "
        "OAuth instead of the account password; otherwise pick a stronger --auth "
        "mechanism the server offers, over an encrypted connection.",
        enhanced=("5.7.9",)),
    ReplyRule(
        "5.7.11-encryption-needed", "tls",
        "The server requires encryption before it accepts this authentication mechanism.",
        _TLS_FIRST,
        enhanced=("5.7.10", "5.7.11")),
    ReplyRule(
        "5.7.13-account-disabled", "auth",
        "The server says this account is disabled.",
        "The account owner or admin must re-enable it (or it was suspended for abuse — "
        "check for a notice from the provider).",
        enhanced=("5.7.13",)),
    ReplyRule(
        "5.7.12-password-transition", "auth",
        "The server requires a password change before this account can log in again.",
        "Sign in through the provider's web interface and set a new password, then update "
        "the profile's password source.",
        enhanced=("5.7.12", "4.7.12")),
    ReplyRule(
        "5.7.8-bad-credentials", "auth",
        "The server rejected the username/password (authentication credentials invalid).",
        _GENERIC_BAD_LOGIN,
        enhanced=("5.7.8",)),
    ReplyRule(
        "5.7.4-mechanism-unsupported", "auth",
        "The server does not accept this authentication mechanism here.",
        "Use --auth auto, or one of the mechanisms listed under AUTH in the server's EHLO "
        "reply (see Extensions).",
        stages=("auth",), enhanced=("5.7.4", "5.5.4")),
    ReplyRule(
        "5.7.1-relay-denied", "policy",
        "The server refused this recipient by policy — usually relaying denied: it does "
        "not take mail for other domains from this client.",
        _RELAY,
        stages=("rcpt",), enhanced=("5.7.1", "4.7.1")),
    ReplyRule(
        "5.7.1-sender-refused", "policy",
        "The server refused this sender by policy: the address is not allowed for this "
        "account or from this IP.",
        _SEND_AS + " If the relay authorises by IP, check this machine's IP is allowed.",
        stages=("mail",), enhanced=("5.7.1", "4.7.1")),
    ReplyRule(
        "5.7.1-message-refused", "policy",
        "The server refused the message by policy (spam or content filter, or a sender "
        "not allowed).",
        "Look up the reference in the reply; check the sending IP's reputation and "
        "blocklists, the From domain's SPF/DKIM/DMARC, and that this account may use that "
        "From address.",
        stages=("data",), enhanced=("5.7.1", "4.7.1")),
    ReplyRule(
        "5.7.1-client-refused", "policy",
        "The server refuses this client by policy (its IP or name is not allowed here).",
        _BLOCKLIST,
        stages=("greeting", "ehlo"), enhanced=("5.7.1",)),
    ReplyRule(
        "5.7.0-530", "auth",
        "The server wants a step this client skipped — STARTTLS or AUTH — or this is the "
        "wrong port for submitting mail.",
        "Submit on port 587 with --tls starttls and credentials, or on 465 with --tls "
        "implicit; port 25 is for server-to-server mail and usually refuses submissions.",
        codes=(530,), enhanced=("5.7.0",)),
    ReplyRule(
        "4.7.0-auth-temporary", "auth",
        "Temporary authentication failure: the server could not check the credentials "
        "right now, or is slowing down logins from this client.",
        _RETRY + " Don't hammer it: repeated attempts can turn into a lockout.",
        stages=("auth",), enhanced=("4.7.0", "4.7.1")),
    ReplyRule(
        "4.7.0-policy-temporary", "policy",
        "The server temporarily refused this for a security or policy reason (often rate "
        "limiting, greylisting or an IP reputation check).",
        _RETRY,
        enhanced=("4.7.0",)),
    ReplyRule(
        "5.1.1-no-such-mailbox", "policy",
        "The recipient mailbox does not exist (5.1.1 bad destination mailbox address).",
        "Check the address for typos and ask the recipient for the right one; if the "
        "domain is yours, check that the mailbox or alias exists.",
        enhanced=("5.1.1",)),
    ReplyRule(
        "5.1.2-no-such-domain", "policy",
        "The recipient's domain does not exist or cannot be reached.",
        "Check the domain part of the address for typos; `smtptui dns <domain>` shows "
        "whether it has MX records.",
        enhanced=("5.1.2", "5.1.10", "4.1.2")),
    ReplyRule(
        "5.1.x-bad-syntax", "protocol",
        "The server rejected the address syntax.",
        "Use a plain address like user@example.com (the tool adds the angle brackets); "
        "non-ASCII addresses need a server that offers SMTPUTF8.",
        enhanced=("5.1.3", "5.1.7", "5.6.7")),
    ReplyRule(
        "5.1.8-bad-sender-domain", "policy",
        "The server refuses the sender address because its domain does not resolve.",
        "Use a sender address in a real, resolvable domain (with MX or A records).",
        enhanced=("5.1.8", "4.1.8")),
    ReplyRule(
        "5.2.1-mailbox-disabled", "policy",
        "The recipient mailbox is disabled and does not accept mail.",
        "The recipient must re-activate the mailbox, or use another address.",
        enhanced=("5.2.1", "4.2.1")),
    ReplyRule(
        "x.2.2-mailbox-full", "policy",
        "The recipient's mailbox is full.",
        "Nothing to fix on the sending side: the recipient must free space. A temporary "
        "(4.2.2) answer is retried by real servers.",
        enhanced=("5.2.2", "4.2.2")),
    ReplyRule(
        "4.2.0-mailbox-temporary", "policy",
        "The recipient mailbox is temporarily unavailable — most often greylisting (a "
        "first-time sender is asked to retry).",
        "Probe again in about 5 minutes; real mail servers retry on their own. If it "
        "persists, the reply text names the reason.",
        enhanced=("4.2.0",)),
    ReplyRule(
        "size-limit", "policy",
        "The message is larger than the server accepts.",
        "Compare with the SIZE limit in the server's EHLO reply (see Extensions); shrink "
        "or link attachments — base64 encoding adds about a third.",
        enhanced=("5.2.3", "5.3.4", "4.3.4")),
    ReplyRule(
        "x.5.3-too-many-recipients", "policy",
        "Too many recipients for one message.",
        "Send to fewer recipients per message (split into batches); the limit is the "
        "server's policy.",
        enhanced=("4.5.3", "5.5.3")),
    ReplyRule(
        "x.3.x-system-busy", "policy",
        "The receiving mail system is out of resources or not accepting mail right now.",
        _RETRY,
        enhanced=("4.3.0", "4.3.1", "4.3.2", "4.4.5", "5.3.2", "5.3.1")),
    ReplyRule(
        "4.4.2-bad-connection", "network",
        "The server reports a bad connection — it timed out waiting for this client or "
        "the connection broke.",
        "Retry; if it repeats, look for packet loss or a middlebox with a short idle "
        "timeout between this machine and the server.",
        enhanced=("4.4.2", "4.4.1", "5.4.2")),
    ReplyRule(
        "500-auth", "auth",
        "The server does not understand AUTH here: authentication is not enabled on this "
        "port.",
        "Use the submission port (587 with STARTTLS, or 465) where AUTH is offered.",
        codes=(500, 502), stages=("auth",)),
    ReplyRule(
        "502-starttls", "tls",
        "The server does not implement STARTTLS on this port.",
        "Use a port that offers TLS (587 with STARTTLS, or 465 with --tls implicit); "
        "without TLS, credentials and mail travel in clear text.",
        codes=(500, 502), stages=("starttls",)),
    ReplyRule(
        "x.5.x-protocol-error", "protocol",
        "The server did not understand the command or its arguments.",
        "Check the port and mode pair (plain SMTP vs. TLS), and whether a firewall's SMTP "
        "inspection rewrites commands; run with -v to see the exact exchange.",
        enhanced=("5.5.1", "5.5.2", "5.5.4", "5.5.5", "5.5.6", "5.5.0")),
    # --- basic code and stage -------------------------------------------------------------
    ReplyRule(
        "421-at-greeting", "policy",
        "The server is not accepting connections from this client right now: too many "
        "connections, rate limiting, or a temporary block of this IP.",
        "Wait and retry with fewer parallel connections; if it persists, check this IP's "
        "reputation and blocklists, and whether the server limits connections per IP.",
        codes=(421,), stages=("greeting", "connect")),
    ReplyRule(
        "421", "policy",
        "The server closed the session (service not available): it is overloaded, "
        "restarting, or limiting this client.",
        "Retry later. If it always happens at the same step, the reply text usually names "
        "the reason (rate limit, timeout, TLS required).",
        codes=(421,), fallback=True),
    ReplyRule(
        "554-at-greeting", "policy",
        "The server refuses to talk to this client at all: this IP is blocked there, or "
        "the host offers no SMTP service to you.",
        _BLOCKLIST,
        codes=(554, 550, 521), stages=("greeting", "connect")),
    ReplyRule(
        "450", "policy",
        "The action was refused for now: the mailbox is busy or a temporary policy "
        "(often greylisting) applied.",
        "Probe again in a few minutes; real mail servers retry on their own.",
        codes=(450,), fallback=True),
    ReplyRule(
        "451-envelope", "policy",
        "The server temporarily refused this address — often greylisting or a "
        "sender/recipient verification it could not finish.",
        "Probe again in about 5 minutes; real mail servers retry on their own.",
        codes=(451,), stages=("mail", "rcpt")),
    ReplyRule(
        "451", "protocol",
        "The server hit a temporary local error and aborted the command.",
        _RETRY,
        codes=(451,), fallback=True),
    ReplyRule(
        "452-rcpt", "policy",
        "The server refused this recipient for now: too many recipients in this message, "
        "or the mail system is out of storage.",
        "Send to fewer recipients per message, and retry later.",
        codes=(452,), stages=("rcpt",)),
    ReplyRule(
        "452", "policy",
        "The server is out of storage for this message right now.",
        _RETRY,
        codes=(452,), fallback=True),
    ReplyRule(
        "454-auth", "auth",
        "Temporary authentication failure: the server could not check the credentials "
        "right now (its authentication backend is down) or is slowing down logins.",
        _RETRY + " Don't hammer it: repeated attempts can turn into a lockout.",
        codes=(454,), stages=("auth",)),
    ReplyRule(
        "454", "policy",
        "The server temporarily refused the command.",
        _RETRY,
        codes=(454,), fallback=True),
    ReplyRule(
        "500", "protocol",
        "The server did not recognise the command (syntax error).",
        "Check the port/mode pair: TLS bytes sent to a plain port (or plain text to a TLS "
        "port) look like garbage to the server. A firewall's SMTP inspection can also "
        "mangle commands. Run with -v to see the exchange.",
        codes=(500,), fallback=True),
    ReplyRule(
        "501-envelope", "protocol",
        "The server rejected the syntax of this address.",
        "Use a plain address like user@example.com (no display name, no spaces); "
        "non-ASCII addresses need a server that offers SMTPUTF8.",
        codes=(501,), stages=("mail", "rcpt")),
    ReplyRule(
        "501-auth", "auth",
        "The server could not parse the authentication data.",
        "Try another mechanism (--auth plain or login); a username or password with "
        "characters the server mishandles can also cause this.",
        codes=(501,), stages=("auth",)),
    ReplyRule(
        "501", "protocol",
        "The server rejected the command's arguments (syntax error in parameters).",
        "Run with -v to see the exact command; check the --ehlo name and the addresses.",
        codes=(501,), fallback=True),
    ReplyRule(
        "502", "protocol",
        "The server does not implement this command.",
        "Check what the server offers in its EHLO reply (see Extensions) and pick a mode "
        "and mechanism it supports.",
        codes=(502,), fallback=True),
    ReplyRule(
        "503-mail", "auth",
        "The server refused MAIL FROM at this point: it expects another step first "
        "(usually AUTH).",
        "Configure credentials so the auth stage runs before sending, or use a relay that "
        "accepts mail from this IP without logging in.",
        codes=(503,), stages=("mail", "rcpt"), authenticated=False),
    ReplyRule(
        "503", "protocol",
        "The server expected a different command at this point (bad sequence).",
        "Run with -v to see the exchange; a server that forgets the session after "
        "STARTTLS or a middlebox rewriting commands can cause this.",
        codes=(503,), fallback=True),
    ReplyRule(
        "504-auth", "auth",
        "The server does not support the requested authentication mechanism.",
        "Use --auth auto, or a mechanism listed under AUTH in the server's EHLO reply.",
        codes=(504,), stages=("auth",)),
    ReplyRule(
        "504", "protocol",
        "The server does not implement a parameter of this command.",
        "Run with -v to see the exact command.",
        codes=(504,), fallback=True),
    ReplyRule(
        "530", "auth",
        "The server wants a step this client skipped — STARTTLS or AUTH — or this is the "
        "wrong port for submitting mail.",
        "Submit on port 587 with --tls starttls and credentials, or on 465 with --tls "
        "implicit; port 25 is for server-to-server mail and usually refuses submissions.",
        codes=(530,), fallback=True),
    ReplyRule(
        "534", "auth",
        "The server considers this authentication mechanism too weak for this account.",
        "Hosted providers (Gmail, Yahoo, iCloud) answer 534 when they want an app "
        "password or OAuth instead of the account password; otherwise pick a stronger "
        "--auth mechanism, over an encrypted connection.",
        codes=(534,), fallback=True),
    ReplyRule(
        "535", "auth",
        "The server rejected the username/password (authentication failed).",
        _GENERIC_BAD_LOGIN,
        codes=(535,), fallback=True),
    ReplyRule(
        "538", "tls",
        "The server requires encryption before it accepts this authentication mechanism.",
        _TLS_FIRST,
        codes=(538,), fallback=True),
    ReplyRule(
        "550-mail", "policy",
        "The server refused this sender address.",
        "Use the logged-in account's own address (or an allowed alias) as sender, and "
        "check that the sender domain exists; the reply text gives the exact reason.",
        codes=(550, 553), stages=("mail",)),
    ReplyRule(
        "550-rcpt", "policy",
        "The server refused this recipient: the mailbox does not exist there, or the "
        "server will not relay to it for this client.",
        "Check the address for typos; if it is in another domain, authenticate (or have "
        "this IP allowed) so the server relays for you.",
        codes=(550, 551, 553, 554), stages=("rcpt",)),
    ReplyRule(
        "554-data", "policy",
        "The server refused the message after receiving it (a spam, virus or policy "
        "filter).",
        "Look up the reference in the reply; check the sending IP's reputation and the "
        "From domain's SPF/DKIM/DMARC.",
        codes=(550, 554), stages=("data",)),
    ReplyRule(
        "552", "policy",
        "The message exceeds a size limit, or the recipient's mailbox is out of storage.",
        "Compare the message size with the SIZE limit in the EHLO reply (see Extensions); "
        "if the message is small, the recipient's mailbox is full.",
        codes=(552,), fallback=True),
    ReplyRule(
        "555", "protocol",
        "The server does not accept a MAIL FROM/RCPT TO parameter this client sent.",
        "Run with -v: a parameter such as SIZE=, BODY=8BITMIME or SMTPUTF8 was sent to a "
        "server that did not advertise it.",
        codes=(555,), fallback=True),
    ReplyRule(
        "556-521", "policy",
        "The domain or host does not accept mail at all.",
        "Check the recipient domain; `smtptui dns <domain>` shows a null MX ('MX 0 .') if "
        "it declares it takes no mail.",
        codes=(556, 521), fallback=True),
)
