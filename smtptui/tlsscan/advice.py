"""What to change, per MTA, for each kind of TLS finding. Data, not prose in the runner."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fix:
    what: str
    postfix: str
    exim: str
    exchange: str


_FULLCHAIN = Fix(
    "serve the whole chain: the leaf first, then each intermediate, without the root",
    "smtpd_tls_chain_files = /etc/ssl/private/key.pem, /etc/ssl/certs/fullchain.pem "
    "(Postfix ≥ 3.4; older: smtpd_tls_cert_file = the full chain)",
    "tls_certificate = /etc/ssl/certs/fullchain.pem (leaf then intermediates)",
    "import the intermediate into the server's Intermediate Certification Authorities store, "
    "then restart the Microsoft Exchange Transport service")

FIXES: dict[str, Fix] = {
    "old_protocols": Fix(
        "turn off SSL 3, TLS 1.0 and TLS 1.1 (RFC 8996)",
        "smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2 "
        "(Postfix ≥ 3.6; older: !SSLv2, !SSLv3, !TLSv1, !TLSv1.1)",
        "openssl_options = +no_sslv3 +no_tlsv1 +no_tlsv1_1 (OpenSSL builds; GnuTLS builds: "
        "tls_require_ciphers = NORMAL:-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1)",
        "disable TLS 1.0 and 1.1 for the Schannel server (registry SCHANNEL\\Protocols, as "
        "Microsoft's Exchange TLS guidance shows), then restart"),
    "no_modern": Fix(
        "offer TLS 1.2 and TLS 1.3",
        "do not exclude TLSv1.2/TLSv1.3 in smtpd_tls_protocols; update OpenSSL and Postfix",
        "update Exim and its TLS library; do not set +no_tlsv1_2 in openssl_options",
        "enable TLS 1.2 for Schannel (registry SCHANNEL\\Protocols\\TLS 1.2\\Server)"),
    "weak_ciphers": Fix(
        "stop accepting NULL, anonymous, export, RC4 and 3DES cipher suites",
        "smtpd_tls_exclude_ciphers = aNULL, eNULL, EXPORT, RC4, 3DES, DES, MD5 and "
        "smtpd_tls_mandatory_ciphers = high",
        "tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL:!eNULL:!3DES:!RC4",
        "remove the suites with Disable-TlsCipherSuite (or Group Policy 'SSL Cipher Suite "
        "Order'), then restart"),
    "anon_submission": Fix(
        "stop accepting anonymous cipher suites on a port where clients log in",
        "in master.cf for submission/smtps: -o smtpd_tls_exclude_ciphers=aNULL,eNULL "
        "-o smtpd_tls_mandatory_ciphers=high",
        "tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL",
        "anonymous suites are not offered by Schannel by default: check Group Policy"),
    "no_forward_secrecy": Fix(
        "prefer (EC)DHE key exchange; drop plain RSA key exchange where senders allow it",
        "smtpd_tls_exclude_ciphers = kRSA (together with the other exclusions), "
        "tls_preempt_cipherlist = yes",
        "tls_require_ciphers = ECDHE+AESGCM:ECDHE+CHACHA20:!kRSA:!aNULL:!eNULL",
        "Disable-TlsCipherSuite for the TLS_RSA_WITH_* suites"),
    "cbc_tls10": Fix(
        "turn off TLS 1.0 (its CBC suites are open to BEAST-style attacks)",
        "smtpd_tls_protocols = >=TLSv1.2", "openssl_options = +no_tlsv1 +no_tlsv1_1",
        "disable TLS 1.0 for the Schannel server"),
    "server_order": Fix(
        "let the server choose the cipher by its own preference",
        "tls_preempt_cipherlist = yes", "openssl_options = +cipher_server_preference",
        "Schannel uses the server's order by default: check the cipher suite order policy"),
    "chain_incomplete": _FULLCHAIN,
    "issuer_unknown": Fix(
        "if the issuer is an intermediate: serve it after the leaf; if it is your own CA: "
        "give its certificate to the clients (here: --cafile)",
        _FULLCHAIN.postfix, _FULLCHAIN.exim, _FULLCHAIN.exchange),
    "chain_order": _FULLCHAIN,
    "chain_root": Fix(
        "leave the root certificate out of the served chain (senders have it already)",
        "remove the root from the file in smtpd_tls_chain_files / smtpd_tls_cert_file",
        "remove the root from the tls_certificate file",
        "nothing to change in Exchange; the root comes from the certificate import"),
    "cert_renew": Fix(
        "renew the certificate and reload the server",
        "renew (certbot renew, or your CA), then postfix reload",
        "renew, then restart Exim (or send it SIGHUP)",
        "New-ExchangeCertificate / import the renewed one, then "
        "Enable-ExchangeCertificate -Services SMTP"),
    "cert_name": Fix(
        "use a certificate whose names (SAN) include the name clients connect to",
        "point smtpd_tls_chain_files at a certificate for that name",
        "point tls_certificate at a certificate for that name (tls_certificate may expand "
        "${tls_in_sni} to choose by SNI)",
        "Enable-ExchangeCertificate -Services SMTP with a certificate for that name, and set "
        "the receive connector's TlsCertificateName"),
    "cert_untrusted": Fix(
        "use a certificate from a CA that senders trust (a public CA for a public server)",
        "smtpd_tls_chain_files with a publicly trusted certificate (e.g. from Let's Encrypt)",
        "tls_certificate / tls_privatekey with a publicly trusted certificate",
        "import a publicly trusted certificate and Enable-ExchangeCertificate -Services SMTP"),
    "weak_key": Fix(
        "issue a new key: RSA 2048 bits or more, or ECDSA P-256",
        "openssl genrsa 3072 (or certbot --key-type ecdsa), then a new certificate",
        "a new key and certificate for tls_privatekey / tls_certificate",
        "New-ExchangeCertificate -KeySize 2048 (or more)"),
    "weak_signature": Fix(
        "have the certificate reissued with a SHA-256 signature",
        "request a new certificate (SHA-1 signed ones are refused by modern clients)",
        "request a new certificate", "request a new certificate"),
    "dane_mismatch": Fix(
        "publish TLSA records for the certificate the server now serves (keep the old "
        "and new records during a rollover, then drop the old)",
        "the TLSA data for '3 1 1': openssl x509 -in cert.pem -noout -pubkey | "
        "openssl pkey -pubin -outform DER | sha256sum",
        "the same TLSA '3 1 1' data, from the key in tls_certificate",
        "the same TLSA '3 1 1' data, from the certificate enabled for SMTP"),
}
