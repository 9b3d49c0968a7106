"""Graded findings from the protocol and cipher checks (the chain is judged in .chain)."""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.tlsscan.model import Check, TlsFinding

_OLD = ("SSLv3", "TLSv1.0", "TLSv1.1")
_MODERN = ("TLSv1.2", "TLSv1.3")
_FATAL_FAMILIES = ("null", "export", "rc4")


def _not_tested(checks: Sequence[Check]) -> list[TlsFinding]:
    return [TlsFinding("info", f"{c.label}: not tested — {c.detail}")
            for c in checks if c.status == "not_tested"]


def protocol_findings(versions: Sequence[Check], port: int) -> list[TlsFinding]:
    by = {c.key: c for c in versions}
    accepted = [c.key for c in versions if c.status == "accepted"]
    out: list[TlsFinding] = []
    if accepted:
        out.append(TlsFinding("info", "accepts " + ", ".join(accepted)))
    modern = {v: by[v].status for v in _MODERN if v in by}
    if "accepted" not in modern.values():
        if modern and all(s == "refused" for s in modern.values()):
            out.append(TlsFinding("fail", "neither TLS 1.2 nor TLS 1.3 is accepted",
                                  "no_modern"))
        elif modern:  # an error or a local limit: nothing was learned
            out.append(TlsFinding("warn", "could not tell whether TLS 1.2 or TLS 1.3 is "
                                  "accepted (see below)"))
    elif modern.get("TLSv1.3") == "refused":
        out.append(TlsFinding("info", "TLS 1.3 is not offered (TLS 1.2 is enough today; "
                                      "current servers offer both)"))
    old = [v for v in _OLD if by.get(v) and by[v].status == "accepted"]
    if "SSLv3" in old:
        out.append(TlsFinding("fail", "SSL 3 is accepted (broken: POODLE)", "old_protocols"))
    legacy = [v for v in old if v != "SSLv3"]
    if legacy:
        note = (" — on port 25 this only matters to senders that would otherwise fall back "
                "to plaintext (RFC 7435), yet RFC 8996 deprecates both") if port == 25 else ""
        out.append(TlsFinding("warn", f"{' and '.join(legacy)} accepted{note}",
                              "old_protocols"))
    elif not old and accepted and not any(by[v].status == "error" for v in _OLD if v in by):
        out.append(TlsFinding("pass", "no protocol older than TLS 1.2 is accepted"))
    errors = [c for c in versions if c.status == "error"]
    out += [TlsFinding("warn", f"{c.label}: could not tell ({c.detail})") for c in errors]
    return out + _not_tested(versions)


def cipher_findings(weak: Sequence[Check], groups: Sequence[Check], server_order: bool | None,
                    *, strict: bool) -> list[TlsFinding]:
    out: list[TlsFinding] = []
    for c in weak:
        if c.status != "accepted":
            continue
        shown = f"{c.label} accepted ({c.detail})"
        if c.key in _FATAL_FAMILIES:
            out.append(TlsFinding("fail", shown, "weak_ciphers"))
        elif c.key == "anon":
            out.append(TlsFinding("fail", shown + ": login over it is open to a "
                                  "man in the middle", "anon_submission") if strict else
                       TlsFinding("info", shown + ": common for opportunistic TLS on port 25"))
        elif c.key == "3des":
            out.append(TlsFinding("warn", shown, "weak_ciphers"))
        elif c.key == "cbc_tls10":
            out.append(TlsFinding("warn", shown, "cbc_tls10"))
        elif c.key == "rsa_kx":
            out.append(TlsFinding("warn", shown, "no_forward_secrecy"))
    tested = [c for c in weak if c.status in ("accepted", "refused")]
    if tested and not any(c.status == "accepted" for c in weak):
        out.append(TlsFinding("pass", "refuses every weak family tested ("
                              + ", ".join(c.key for c in tested) + ")"))
    out += [TlsFinding("warn", f"{c.label}: could not tell ({c.detail})")
            for c in weak if c.status == "error"]
    good = [c.label for c in groups if c.status == "accepted"]
    if good:
        out.append(TlsFinding("info", "key-exchange groups accepted: " + ", ".join(good)))
    elif groups and all(c.status == "refused" for c in groups):
        out.append(TlsFinding("warn", "no elliptic-curve group accepted (plain RSA or "
                              "finite-field DH only)", "no_forward_secrecy"))
    if server_order is True:
        out.append(TlsFinding("pass", "the server chooses the cipher by its own order"))
    elif server_order is False:
        out.append(TlsFinding("info", "the server follows the client's cipher order",
                              "server_order"))
    return out + _not_tested(weak) + _not_tested(groups)
