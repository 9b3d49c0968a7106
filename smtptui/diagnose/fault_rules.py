"""What each engine fault means, and what to do about it: the fault rule table.

Every kind has one catch-all rule (no predicates) as its last entry; variants before it
refine the explanation by port, mode, stage, provider or the error detail. Placeholders:
{host} {name} {port} {target} {mode} {stage} {detail} {reply} {provider} {s_client}
({name} is the name TLS checked: --servername, else the host).
"""

from __future__ import annotations

from smtptui.diagnose.ruletypes import FaultRule

MS = ("microsoft365", "outlook")

_PORTS = (
    "Submission ports: 587 with STARTTLS (--tls starttls) or 465 with implicit TLS "
    "(--tls implicit); port 25 is for server-to-server mail."
)
_CHECK_REACH = (
    "Check the host and port, and test from this machine with `nc -vz {host} {port}`; "
    "compare with another network to tell a local firewall from a remote one."
)

_PLAIN_PORT = (
    "The TLS handshake failed because {target} answered in plain text: this port speaks "
    "plain SMTP."
)
_USE_STARTTLS = (
    "Use STARTTLS mode (--tls starttls), as on port 587 (or 25); implicit TLS (--tls "
    "implicit) is for port 465."
)

FAULT_RULES: tuple[FaultRule, ...] = (
    # --- DNS ------------------------------------------------------------------------------
    FaultRule(
        "dns_nxdomain", "dns",
        "The name {host} does not exist in DNS (NXDOMAIN).",
        "Check the host name for typos (e.g. smtp.office365.com, smtp.gmail.com, "
        "email-smtp.<region>.amazonaws.com). If it is an internal name, check that this "
        "machine uses the right resolver and search domain (/etc/resolv.conf)."),
    FaultRule(
        "dns_no_address", "dns",
        "{host} exists in DNS but has no address (A/AAAA) record.",
        "A mail client connects to the relay's host name, not to the mail domain: if you "
        "entered a domain, use its provider's SMTP host instead. `dig {host} A` and "
        "`dig {host} AAAA` show what is published."),
    FaultRule(
        "dns_timeout", "dns",
        "No DNS answer for {host} arrived in time.",
        "The resolver is unreachable or slow: check /etc/resolv.conf, that traffic to it "
        "on port 53 is allowed, and try `dig {host}`; with a local caching resolver, check "
        "that it runs."),
    FaultRule(
        "dns_timeout_nameserver", "dns",
        "The nameserver given for this probe did not answer for {host} in time.",
        "Check the nameserver set with --nameserver (or the profile's nameserver): that "
        "it runs, listens on that address and port, and answers this machine — try `dig "
        "@IP -p PORT {host}`. Without a nameserver, the system's resolver is used."),
    FaultRule(
        "dns_error", "dns",
        "Looking up {host} in DNS failed.",
        "Try `dig {host}` to see the resolver's answer (SERVFAIL often means a broken "
        "DNSSEC or delegation for that domain); check /etc/resolv.conf."),
    # --- TCP ------------------------------------------------------------------------------
    FaultRule(
        "connect_refused", "network",
        "{target} refused the TCP connection: nothing listens on port {port} there, or a "
        "firewall rejects it.",
        "Check the port. " + _PORTS + " If this is your own server, check that the "
        "service listens on that port and address (`ss -ltn`): a service bound to "
        "127.0.0.1 only cannot be reached from other machines."),
    FaultRule(
        "connect_timeout", "network",
        "The connection to {target} timed out: outbound port 25 is probably blocked by "
        "this network or cloud provider.",
        "Most ISPs and cloud providers (AWS, Google Cloud, Azure, many VPS hosts) block "
        "outbound port 25 by default. Use a submission port instead — 587 with STARTTLS or "
        "465 with implicit TLS, with authentication — or ask the provider to lift the "
        "block (on AWS, the request to remove email sending limitations).",
        variant="port25", ports=(25,)),
    FaultRule(
        "connect_timeout", "network",
        "The connection to {target} got no answer: packets are dropped by a firewall, or "
        "the host is down or wrong.",
        _CHECK_REACH + " Check outbound firewall rules / security groups for port {port}, "
        "and try another submission port (587 or 465)."),
    FaultRule(
        "connect_reset", "network",
        "The connection to {target} was reset during the TLS handshake.",
        "A firewall, IPS or TLS-inspecting proxy may be cutting the handshake, or the "
        "server rejects this TLS client outright. Compare with {s_client}, and try from "
        "another network.",
        variant="tls", stages=("tls", "starttls")),
    FaultRule(
        "connect_reset", "network",
        "The connection to {target} was reset (TCP RST) during the {stage} step.",
        "The server or a firewall in between closed it hard: often a drop of this IP "
        "(blocklist, rate limit, geo-block) or a port/mode mix-up. " + _CHECK_REACH),
    FaultRule(
        "network_unreachable", "network",
        "There is no network route from this machine to {host}.",
        "Check this machine's network connection and default route (`ip route`). If only "
        "IPv6 fails (the host has AAAA records but this network has no IPv6), the address "
        "in the transcript shows it: fix IPv6 routing or use a path with IPv4."),
    # --- greeting -------------------------------------------------------------------------
    FaultRule(
        "greeting_timeout", "protocol",
        "Connected to {target}, but the port stayed silent: {detail}.",
        "Both a plain-text greeting and a TLS handshake were tried, so this is not an "
        "implicit-TLS port. Likely causes, most likely first: a firewall, load balancer or "
        "antivirus that accepts connections and never forwards them; a wrong port (no SMTP "
        "service behind it); a server that delays its greeting on purpose (tarpitting) — "
        "a longer --timeout rules that out.",
        variant="tls_tried", detail=r"TLS handshake .*(failed too|no answer either)"),
    FaultRule(
        "greeting_timeout", "protocol",
        "Connected to {target}, but no greeting arrived: port 465 normally speaks implicit "
        "TLS, and this probe waited for plain text ({mode} mode).",
        "Use --tls implicit for port 465, or --tls starttls on port 587.",
        variant="port465", ports=(465,), modes=("starttls", "none", "opportunistic")),
    FaultRule(
        "greeting_timeout", "protocol",
        "Connected to {target}, but no complete 220 greeting arrived: {detail}.",
        "Some servers delay their greeting on purpose for unknown clients (tarpitting): "
        "raise --timeout. Otherwise a firewall, antivirus or load balancer accepts the "
        "connection but never passes it on, or this port does not speak SMTP."),
    FaultRule(
        "greeting_timeout_implicit_tls", "tls",
        "Connected to {target}, but no greeting arrived in {mode} mode, while a TLS "
        "handshake on the same port succeeds: this port speaks implicit TLS.",
        "Use implicit TLS mode (--tls implicit), as on port 465 — or STARTTLS mode on "
        "port 587 if the provider offers it."),
    FaultRule(
        "implicit_tls_banner_timeout", "protocol",
        "The TLS handshake with {target} succeeded, but no 220 greeting arrived over TLS.",
        "The server may delay its greeting on purpose (raise --timeout), or this TLS port "
        "is not SMTP (IMAPS is 993, POP3S 995, HTTPS 443; SMTP with implicit TLS is 465), "
        "or a TLS-terminating proxy cannot reach the mail server behind it."),
    FaultRule(
        "greeting_rejected", "policy",
        "The server refused the session at connect.",
        "The reply text usually says why: a blocked IP (check blocklists for this "
        "machine's public IP), too many connections, or no service for you on this host.",
        reply="any"),
    # --- connection dropped / slow / garbled ----------------------------------------------
    FaultRule(
        "disconnected", "tls",
        "The server closed the connection before the greeting; this probe used implicit "
        "TLS, and port {port} normally speaks plain SMTP first.",
        "Use --tls starttls on port {port} (or implicit TLS on port 465).",
        variant="implicit-on-plain-port", stages=("greeting", "connect", "tls"),
        modes=("implicit",), ports=(25, 587, 2525)),
    FaultRule(
        "disconnected", "policy",
        "The server closed the connection before sending its greeting.",
        "Often a silent drop of this IP (blocklist, geo-block, too many connections) or a "
        "port/mode mix-up. Compare with {s_client}, and from another network.",
        variant="greeting", stages=("greeting", "connect")),
    FaultRule(
        "disconnected", "network",
        "The server closed the connection while setting up TLS ({stage} step).",
        "If the server hung up on the STARTTLS command itself, its TLS setup is broken "
        "(tell its admin). During the handshake: likely no common TLS version or cipher, a "
        "client certificate the server demands, or a name (SNI) it does not serve — try "
        "--servername. Compare with {s_client}.",
        variant="tls", stages=("tls", "starttls")),
    FaultRule(
        "disconnected", "auth",
        "The server closed the connection during authentication.",
        "Some servers hang up after a failed login, after too many attempts, or on a "
        "malformed AUTH exchange: check the credentials and try another --auth mechanism; "
        "run with -v to see the last exchange.",
        variant="auth", stages=("auth",)),
    FaultRule(
        "disconnected", "policy",
        "The server closed the connection while receiving the message.",
        "A content scanner or size limit may have cut it off, or an idle timeout in a "
        "proxy between: compare with the SIZE limit and try a smaller message.",
        variant="data", stages=("data",)),
    FaultRule(
        "disconnected", "network",
        "The server closed the connection unexpectedly during the {stage} step.",
        "Run with -v to see the last exchange. Closing without a reply usually means a "
        "policy drop (rate limit, blocklist) or a server crash or restart; retry later."),
    FaultRule(
        "stage_timeout", "protocol",
        "The server took too long to accept the message data.",
        "Large messages and slow content scanning can exceed the timeout: raise "
        "--timeout, or check the server's filters.",
        variant="data", stages=("data",)),
    FaultRule(
        "stage_timeout", "protocol",
        "No reply to the {stage} step arrived from {target} in time.",
        "Raise --timeout if the server is just slow (recipient verification, DNS checks "
        "on its side). A firewall's SMTP inspection (e.g. Cisco 'inspect esmtp') can also "
        "swallow commands it does not know: run with -v to see the last exchange."),
    FaultRule(
        "response_too_long", "protocol",
        "The server sent a line longer than the limit without ending it (no CRLF).",
        "Whatever answers on {target} is not behaving like an SMTP server: check the port "
        "and the TLS mode (TLS bytes read as plain text look like this)."),
    FaultRule(
        "malformed_reply", "protocol",
        "{target} answered like a POP3 server, not SMTP.",
        "Check the port: SMTP submission is 587 or 465; POP3 is 110 (995 with TLS).",
        variant="pop3", detail=r"\+OK"),
    FaultRule(
        "malformed_reply", "protocol",
        "{target} answered like an IMAP server, not SMTP.",
        "Check the port: SMTP submission is 587 or 465; IMAP is 143 (993 with TLS).",
        variant="imap", detail=r"\* OK"),
    FaultRule(
        "malformed_reply", "protocol",
        "{target} answered like a web server, not SMTP.",
        "Check the port: SMTP submission is 587 or 465; 80 and 443 are HTTP.",
        variant="http", detail=r"HTTP/\d|<html"),
    FaultRule(
        "malformed_reply", "protocol",
        "{target} answered like an SSH server, not SMTP.",
        "Check the port: SMTP submission is 587 or 465; 22 is SSH.",
        variant="ssh", detail=r"SSH-\d"),
    FaultRule(
        "malformed_reply", "protocol",
        "The server's answer is not a valid SMTP reply (three-digit code, then text).",
        "Check that the port runs SMTP and that the TLS mode fits it (TLS bytes read as "
        "plain text look like garbage); run with -v to see what arrived."),
    FaultRule(
        "ehlo_rejected", "protocol",
        "The server refused both EHLO and HELO.",
        "Servers refuse greeting names that are not a fully-qualified domain name or an "
        "address literal: set --ehlo to this machine's FQDN (ideally matching its reverse "
        "DNS) or an address literal such as [203.0.113.5]. Check the reply for a policy "
        "reason (blocked IP)."),
    # --- TLS ------------------------------------------------------------------------------
    FaultRule(
        "tls_expired", "tls",
        "The certificate of {name} has expired.",
        "The server's administrator must renew it — with Let's Encrypt, check the "
        "renewal job and that the mail service was reloaded afterwards. Also check this "
        "machine's clock (`date`). --insecure gets past it for testing only."),
    FaultRule(
        "tls_not_yet_valid", "tls",
        "The certificate of {name} is not valid yet.",
        "This machine's clock is probably wrong (check `timedatectl` / NTP), or the server "
        "just installed a certificate dated in the future."),
    FaultRule(
        "tls_self_signed", "tls",
        "{name} presents a self-signed certificate, which nothing trusts by default.",
        "For a private relay, pass its certificate (or the CA that signed it) with "
        "--cafile; otherwise the server needs a certificate from a public CA (e.g. Let's "
        "Encrypt). --insecure gets past it for testing only."),
    FaultRule(
        "tls_unknown_ca", "tls",
        "The certificate of {name} was not issued by a CA this machine trusts (a private "
        "CA, or the server does not send its intermediate certificate).",
        "If the server omits the intermediate, its admin must install the full chain "
        "(fullchain.pem; Postfix smtpd_tls_chain_files). For a private or corporate CA, or "
        "a TLS-inspecting proxy, pass that CA with --cafile. An outdated system CA bundle "
        "(ca-certificates package) can also cause this."),
    FaultRule(
        "tls_hostname_mismatch", "tls",
        "The certificate is valid, but not for the name {name}.",
        "Connect with a name the certificate lists (see its SANs) — usually the "
        "provider's documented SMTP host rather than an IP address, alias or MX name — or "
        "check a specific name with --servername. Otherwise the server's admin must add "
        "{name} to the certificate."),
    FaultRule(
        "tls_protocol_too_old", "tls",
        "{host} only offers an obsolete TLS/SSL version that this client refuses.",
        "TLS 1.0 and 1.1 are deprecated (RFC 8996): the server must enable TLS 1.2 or "
        "1.3. Check with {s_client}."),
    FaultRule(
        "tls_plain_smtp_port", "tls",
        _PLAIN_PORT, _USE_STARTTLS),
    FaultRule(
        "tls_handshake_failed", "tls",
        _PLAIN_PORT, _USE_STARTTLS,
        variant="plain-port", detail=r"wrong version number|packet length too long"
                                     r"|http request|unknown protocol|\b220[ -]"),
    FaultRule(
        "tls_handshake_failed", "tls",
        "The TLS handshake with {target} failed: the server demands a client certificate.",
        "This relay authenticates clients by certificate; this tool does not present one. "
        "Ask the admin whether a password login is possible on another port.",
        variant="client-cert", detail=r"certificate required|peer did not return a "
                                      r"certificate"),
    FaultRule(
        "tls_handshake_failed", "tls",
        "The TLS handshake with {target} failed: client and server share no TLS version "
        "or cipher.",
        "The server probably only offers obsolete protocols or ciphers: its admin must "
        "enable TLS 1.2/1.3 with modern ciphers. Check with {s_client}.",
        variant="no-common-cipher", detail=r"no shared cipher|no protocols available"
                                           r"|unsupported protocol|handshake failure"
                                           r"|version too low|insufficient security"),
    FaultRule(
        "tls_handshake_failed", "tls",
        "The TLS handshake with {target} failed: the server does not serve the requested "
        "name (SNI).",
        "Use the provider's documented host name, or set the expected name with "
        "--servername.",
        variant="sni", detail=r"unrecogni[sz]ed name"),
    FaultRule(
        "tls_handshake_failed", "tls",
        "{target} reset the connection during the TLS handshake.",
        "Usual causes: the server (or a firewall in front of it) refuses this client's "
        "TLS version, ciphers or name (try --servername), or the port does not speak TLS "
        "in this mode. Reproduce it with {s_client}.",
        variant="reset", detail=r"reset the connection"),
    FaultRule(
        "tls_handshake_failed", "tls",
        "The TLS handshake with {target} failed.",
        "Reproduce it with {s_client} to see the server's side. Usual causes: no common "
        "protocol or cipher, a required client certificate, a name the server does not "
        "serve (try --servername), or a middlebox interfering."),
    FaultRule(
        "tls_handshake_timeout", "tls",
        "The TLS handshake with {target} did not finish: port {port} normally speaks "
        "plain SMTP first, so in implicit mode both sides wait for each other.",
        "Use --tls starttls on port {port} (or implicit TLS on port 465).",
        variant="implicit-on-plain-port", modes=("implicit",), ports=(25, 587, 2525)),
    FaultRule(
        "tls_handshake_timeout", "tls",
        "The TLS handshake with {target} did not finish in time.",
        "Check that the port speaks TLS in this mode (implicit TLS is usually 465). A "
        "firewall dropping large packets (the certificate chain) or an overloaded server "
        "can also stall it; compare with {s_client}."),
    FaultRule(
        "starttls_not_offered", "tls",
        "The server does not advertise STARTTLS: something between here and the server "
        "(a firewall's SMTP inspection) is hiding it.",
        "The EHLO reply shows masked extensions (XXXXXXXA), the mark of Cisco ASA/PIX "
        "'inspect esmtp'. The firewall admin must disable ESMTP inspection (or allow "
        "STARTTLS) for this traffic.",
        variant="firewall", detail=r"XXXXXXX"),
    FaultRule(
        "starttls_not_offered", "tls",
        "The server does not advertise STARTTLS, so this opportunistic session continues "
        "unencrypted.",
        "Anything sent now — credentials included — crosses the network in clear text. "
        "Check the port (587 should offer STARTTLS; 465 wants --tls implicit); use --tls "
        "starttls to insist on encryption.",
        variant="opportunistic", modes=("opportunistic",)),
    FaultRule(
        "starttls_not_offered", "tls",
        "The server on port 25 does not offer STARTTLS, and {mode} mode requires it; no "
        "credentials or mail were sent.",
        "For submitting mail use port 587 (STARTTLS) or 465 (implicit TLS). Only on a "
        "trusted network, use --tls opportunistic or none.",
        variant="port25", ports=(25,)),
    FaultRule(
        "starttls_not_offered", "tls",
        "The server does not advertise STARTTLS, and {mode} mode requires it; no "
        "credentials or mail were sent.",
        "Check the port (587 should offer STARTTLS; 465 wants --tls implicit). If the "
        "server should offer it, something in between may strip it: a firewall's SMTP "
        "inspection, an antivirus scanning mail, or a downgrade attack. On your own "
        "server, enable TLS (Postfix: smtpd_tls_security_level = may). Only on a trusted "
        "path, use --tls opportunistic or none."),
    FaultRule(
        "starttls_rejected", "tls",
        "The server refused to start TLS.",
        "The server's TLS setup is probably broken (certificate or key missing or "
        "unreadable): tell its admin. Don't fall back to sending credentials in clear "
        "text.",
        reply="any"),
    # --- AUTH -----------------------------------------------------------------------------
    FaultRule(
        "auth_not_offered", "auth",
        "The server on port 25 does not offer AUTH: port 25 is for server-to-server mail.",
        "Use the submission port: " + _PORTS + " If this relay authorises by IP instead "
        "(a smarthost, a Microsoft 365 connector, Google's SMTP relay), remove the "
        "username/password from the profile.",
        variant="port25", ports=(25,)),
    FaultRule(
        "auth_not_offered", "auth",
        "The server does not offer AUTH on this connection, so it cannot take a username "
        "and password here.",
        "If the relay authorises by IP (a smarthost, a Microsoft 365 connector, Google's "
        "SMTP relay), remove the username/password from the profile. Otherwise use the "
        "port where AUTH is offered (587 or 465). On your own server, enable SASL "
        "(Postfix: smtpd_sasl_auth_enable = yes)."),
    FaultRule(
        "auth_only_after_starttls", "auth",
        "The server offers AUTH only after STARTTLS, and this connection is not "
        "encrypted.",
        "Use --tls starttls (or opportunistic) so the server advertises AUTH after the "
        "upgrade; the server is right to behave this way."),
    FaultRule(
        "auth_plaintext_refused", "auth",
        "Credentials were not sent: the connection to {host} is not encrypted, and the "
        "password would cross the network in clear text.",
        "Use --tls starttls or --tls implicit. To authenticate without encryption anyway "
        "(a test relay on a trusted network), use --tls none or opportunistic together "
        "with --allow-plaintext-auth.",
        reply="none"),
    FaultRule(
        "auth_secret_unavailable", "auth",
        "No OAuth access token, so AUTH was not tried (everything before it was tested): "
        "{detail}",
        "Do what the reason says; most often, sign in again with smtptui oauth login and "
        "the sign-in's name (in the app: e on the profile, then Sign in…).",
        variant="oauth", detail=r"^OAuth sign-in", reply="none"),
    FaultRule(
        "auth_secret_unavailable", "auth",
        "The profile's password (or token) could not be read, so AUTH was not tried; "
        "everything before it was tested.",
        "Fix the secret source named above: set the environment variable, make the "
        "password command print the password on its first line, or install the keyring "
        "backend and store the password (in the app, e edits the profile).",
        reply="none"),
    FaultRule(
        "auth_no_credentials", "auth",
        "{host} requires authentication, but no username/password is configured.",
        "Set --user with --password-env, --password-cmd or --ask-password (or the "
        "profile's username and password); for OAuth use --auth xoauth2 with "
        "--oauth-token-env.",
        reply="none"),
    FaultRule(
        "auth_mechanism_unsupported", "auth",
        "The server does not offer the requested AUTH mechanism.",
        "Use --auth auto, or one of the offered mechanisms. XOAUTH2/OAUTHBEARER need an "
        "OAuth token (--oauth-token-env); CRAM-MD5 is often disabled because it needs the "
        "server to store plain passwords.",
        reply="none"),
    FaultRule(
        "auth_failed", "auth",
        "The server rejected the login.",
        "Check the username (often the full email address) and the password, and that "
        "the account may use SMTP; run with -v to see which mechanism was used.",
        reply="any"),
    FaultRule(
        "auth_token_mismatch", "auth",
        "The server rejected the OAuth token: {detail}.",
        "Sign in with the account you log in as (or set the username to the token's "
        "account): smtptui oauth login with the sign-in's name, then choose that account.",
        variant="user", detail=r"^the token belongs to", reply="none"),
    FaultRule(
        "auth_token_mismatch", "auth",
        "The server rejected the OAuth token: {detail}.",
        "Request the scope SMTP needs when signing in: Microsoft 365 "
        "https://outlook.office.com/SMTP.Send offline_access (the app registration needs "
        "the delegated SMTP.Send permission of Office 365 Exchange Online); Google "
        "https://mail.google.com/.",
        variant="scope", detail=r"^the token is for|^the token's scopes", reply="none"),
    FaultRule(
        "auth_token_mismatch", "auth",
        "The server rejected the OAuth token: {detail}.",
        "With `password = { oauth = \"NAME\" }` (or `--oauth NAME`) smtptui refreshes the "
        "token before AUTH; a token from elsewhere must be refreshed before the probe.",
        variant="expired", detail=r"^the token expired", reply="none"),
    FaultRule(
        "auth_token_mismatch", "auth",
        "The server rejected the OAuth token: {detail}.",
        "Sign in again for this account with the scope SMTP needs at this provider.",
        reply="none"),
    FaultRule(
        "auth_oauth_error", "auth",
        "Microsoft 365 rejected the OAuth token.",
        "The token must be for the scope https://outlook.office.com/SMTP.Send (delegated, "
        "or an app with the SMTP.SendAsApp permission plus a service principal granted "
        "mailbox access), unexpired, issued for the same user as --user — and SMTP AUTH "
        "must still be enabled for the mailbox (Manage email apps → Authenticated SMTP).",
        variant="microsoft", providers=MS, reply="none"),
    FaultRule(
        "auth_oauth_error", "auth",
        "Gmail rejected the OAuth token.",
        "The token must carry the scope https://mail.google.com/, be unexpired (access "
        "tokens last about an hour — refresh it), and belong to the same account as "
        "--user.",
        variant="gmail", providers=("gmail",), reply="none"),
    FaultRule(
        "auth_oauth_error", "auth",
        "The OAuth token was rejected as invalid or expired.",
        "Refresh the access token (they usually last about an hour) and check that it was "
        "issued for the same account as --user.",
        variant="401", detail=r"\b401\b|invalid_token", reply="none"),
    FaultRule(
        "auth_oauth_error", "auth",
        "The OAuth token was rejected: wrong scope or user, or a malformed request.",
        "Check the token's scope for SMTP at this provider and that --user is the account "
        "the token was issued for.",
        variant="400", detail=r"\b400\b|invalid_request|scope", reply="none"),
    FaultRule(
        "auth_oauth_error", "auth",
        "The server rejected the OAuth token.",
        "Refresh the token, check its scope for SMTP at this provider, and that --user is "
        "the account it was issued for.",
        reply="none"),
    # --- envelope -------------------------------------------------------------------------
    FaultRule(
        "smtputf8_not_offered", "protocol",
        "{detail} (RFC 6531): it would refuse the address, so MAIL FROM was not sent.",
        "Use an ASCII address — for an internationalised domain, its A-label form "
        "(xn--…) needs no SMTPUTF8; only a non-ASCII local part does — or a relay that "
        "advertises SMTPUTF8 (Postfix: smtputf8_enable = yes; Exim: "
        "smtputf8_advertise_hosts = *).",
        reply="none"),
    FaultRule(
        "mail_rejected", "policy",
        "The server refused the sender address (MAIL FROM).",
        "Use the logged-in account's own address or an allowed alias as sender; the "
        "reply text gives the exact reason.",
        reply="any"),
    FaultRule(
        "rcpt_rejected", "policy",
        "The server refused the recipient (RCPT TO).",
        "Check the address for typos; for another domain the server must relay for you "
        "(authenticate, or have this IP allowed).",
        reply="any"),
    FaultRule(
        "data_rejected", "policy",
        "The server refused the message.",
        "Look up the reference in the reply; check the sending IP's reputation and the "
        "From domain's SPF/DKIM/DMARC.",
        reply="any"),
    # --- warnings -------------------------------------------------------------------------
    FaultRule(
        "tls_verification_disabled", "tls",
        "Certificate verification is off (--insecure): the connection is encrypted, but "
        "the server's identity was not checked.",
        "Fine for a test; in real use a machine-in-the-middle would go unnoticed. Fix "
        "trust with --cafile or a valid certificate, then drop --insecure.",
        warning=True, reply="none"),
    FaultRule(
        "plaintext_auth_offered", "auth",
        "The server offers AUTH on an unencrypted connection, inviting clients to send "
        "passwords in clear text.",
        "Server admin: offer AUTH only after TLS (Postfix: smtpd_tls_auth_only = yes). "
        "Clients: use --tls starttls or implicit.",
        warning=True, reply="none"),
    FaultRule(
        "starttls_still_advertised", "tls",
        "The server still advertises STARTTLS after the TLS upgrade.",
        "RFC 3207 forbids it; it points at a broken server configuration or a middlebox "
        "replaying the plain-text EHLO reply. Report it to the server's admin.",
        warning=True, reply="none"),
    FaultRule(
        "starttls_injection", "tls",
        "The server sent data before the TLS handshake that this client did not ask for "
        "(the STARTTLS injection pattern); it was discarded.",
        "A buggy server that buffers plain text across the upgrade, or an attacker "
        "injecting replies. Report it to the server's admin (see the 2021 'NO STARTTLS' "
        "research); meanwhile prefer implicit TLS (465) if offered.",
        warning=True, reply="none"),
    FaultRule(
        "replies_out_of_step", "protocol",
        "The server sent more replies than commands asked for: replies may be paired with "
        "the wrong commands from here on.",
        "A broken server (or a middlebox) that answers twice, or data injected into the "
        "connection. Compare the transcript with the commands sent; report it to the "
        "server's admin.",
        warning=True, reply="none"),
    FaultRule(
        "cert_expiring_soon", "tls",
        "The certificate of {name} expires soon.",
        "Renew it now; check that automatic renewal works (e.g. `certbot renew --dry-run`) "
        "and that the mail server reloads the new certificate.",
        warning=True, reply="none"),
    FaultRule(
        "tls_old_version", "tls",
        "The connection uses a TLS version older than 1.2.",
        "TLS 1.0 and 1.1 are deprecated (RFC 8996): enable TLS 1.2/1.3 on the server.",
        warning=True, reply="none"),
    FaultRule(
        "auth_mechanism_fallback", "auth",
        "Only some of the server's AUTH mechanisms accept this password: {detail}.",
        "A client that picks a refused mechanism fails with the right password. The usual "
        "cause is CRAM-MD5 (or another challenge mechanism) advertised while the server "
        "stores hashed passwords, which it cannot check that way: the server's admin "
        "should stop advertising it (Dovecot: auth_mechanisms = plain login). In clients, "
        "choose the mechanism that worked.",
        warning=True, reply="none"),
    FaultRule(
        "slow_greeting", "protocol",
        "The server's greeting was slow to arrive.",
        "Often a deliberate delay (Postfix postscreen, anti-spam tarpits) or a slow "
        "reverse DNS lookup of this machine's IP on the server's side: make sure this IP "
        "has a PTR record whose name resolves back to it. Clients with short timeouts may "
        "give up.",
        warning=True, reply="none"),
    FaultRule(
        "helo_fallback", "protocol",
        "The server refused EHLO and only HELO worked: no ESMTP extensions (no STARTTLS, "
        "no AUTH, no SIZE) are available.",
        "A very old or misconfigured server, or a firewall's SMTP inspection breaking "
        "EHLO. Without EHLO there is no STARTTLS and no AUTH.",
        warning=True, reply="none"),
    # --- the tool itself ------------------------------------------------------------------
    FaultRule(
        "overall_timeout", "network",
        "The whole probe ran out of time during the {stage} step.",
        "Raise --timeout if the server is merely slow; run with -v to see where the time "
        "went.",
        reply="none"),
    FaultRule(
        "internal_error", "protocol",
        "The probe hit an unexpected error during the {stage} step.",
        "Run with -v and report the transcript and this message to the smtptui "
        "maintainers.",
        reply="none"),
)
