"""`--web-config FILE`: the Prometheus exporter-toolkit format (YAML), the part of it
that secures a listener -- ``basic_auth_users`` (bcrypt hashes) and
``tls_server_config``. Unknown keys are an error: a security setting silently ignored
is worse than none. Relative paths are relative to the file, as in exporter-toolkit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smtptui.errors import UsageError

_TLS_KEYS = {"cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version",
             "max_version"}
_VERSIONS = {"TLS10": ssl.TLSVersion.TLSv1, "TLS11": ssl.TLSVersion.TLSv1_1,
             "TLS12": ssl.TLSVersion.TLSv1_2, "TLS13": ssl.TLSVersion.TLSv1_3}
_CLIENT_AUTH = {"NoClientCert": ssl.CERT_NONE, "VerifyClientCertIfGiven": ssl.CERT_OPTIONAL,
                "RequireAndVerifyClientCert": ssl.CERT_REQUIRED}
# Used for unknown users so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = b"$2b$10$nttq/nxu2QsONFEg7nk52uXKQ68qn6R.zdncTfE1YpC0NdfO5RZK6"


@dataclass
class WebConfig:
    users: dict[str, bytes] = field(default_factory=dict)
    tls: ssl.SSLContext | None = None
    _verified: set[bytes] = field(default_factory=set, repr=False)

    @property
    def secured(self) -> bool:
        return bool(self.users) or self.tls is not None

    def authorised(self, header: str | None) -> bool:
        """Blocking (bcrypt): run it in a thread. A correct pair is remembered (keyed by
        a digest, never the password) so only the first request pays for bcrypt."""
        if not self.users:
            return True
        if not header or not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode(
                "utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        hashed = self.users.get(user)
        key = hashlib.sha256(b"%s\0%s\0%s" % (user.encode(), password.encode(),
                                              hashed or b"")).digest()
        if hashed is not None and any(hmac.compare_digest(key, k) for k in self._verified):
            return True
        import bcrypt

        try:
            ok = bcrypt.checkpw(password.encode(), hashed or _DUMMY_HASH) and hashed is not None
        except ValueError:  # not a bcrypt hash (checked at load, so only the dummy)
            ok = False
        if ok:
            self._verified.add(key)
        return ok


def load_web_config(path: Path) -> WebConfig:
    try:
        import yaml
    except ImportError:
        raise UsageError("--web-config needs PyYAML: pip install 'smtptui[exporter]'") from None
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read --web-config {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"--web-config {path} is not valid YAML: "
                         f"{str(exc).splitlines()[0]}") from None
    doc = doc or {}
    if not isinstance(doc, Mapping):
        raise UsageError(f"--web-config {path}: expected a mapping at the top")
    unknown = sorted(set(doc) - {"basic_auth_users", "tls_server_config"})
    if unknown:
        raise UsageError(f"--web-config {path}: unsupported key(s) {', '.join(unknown)} "
                         "(supported: basic_auth_users, tls_server_config)")
    config = WebConfig(users=_users(path, doc.get("basic_auth_users") or {}))
    if doc.get("tls_server_config"):
        config.tls = _tls(path, doc["tls_server_config"])
    return config


def _users(path: Path, users: Any) -> dict[str, bytes]:
    if not isinstance(users, Mapping):
        raise UsageError(f"--web-config {path}: basic_auth_users must map user names to "
                         "bcrypt hashes")
    out: dict[str, bytes] = {}
    for user, hashed in users.items():
        if (not isinstance(user, str) or ":" in user or not isinstance(hashed, str)
                or not hashed.startswith(("$2a$", "$2b$", "$2y$")) or len(hashed) != 60):
            # Never echo the value: a plain password put here by mistake stays unseen.
            raise UsageError(f"--web-config {path}: basic_auth_users.{user} must be a bcrypt "
                             "hash (htpasswd -nBC 10 USER, or python -c 'import bcrypt; ...')")
        out[user] = hashed.encode()
    return out


def _tls(path: Path, tls: Any) -> ssl.SSLContext:
    where = f"--web-config {path}: tls_server_config"
    if not isinstance(tls, Mapping):
        raise UsageError(f"{where} must be a mapping")
    unknown = sorted(set(tls) - _TLS_KEYS)
    if unknown:
        raise UsageError(f"{where}: unsupported key(s) {', '.join(unknown)}")
    if not tls.get("cert_file") or not tls.get("key_file"):
        raise UsageError(f"{where} needs cert_file and key_file")

    def file(key: str) -> str:
        return str((path.parent / str(tls[key])).resolve())

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        ctx.load_cert_chain(file("cert_file"), file("key_file"))
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"{where}: cannot load cert_file/key_file: {exc}") from None
    for key, attr in (("min_version", "minimum_version"), ("max_version", "maximum_version")):
        if key in tls:
            if tls[key] not in _VERSIONS:
                raise UsageError(f"{where}.{key} must be one of {', '.join(_VERSIONS)}")
            setattr(ctx, attr, _VERSIONS[tls[key]])
    if "min_version" not in tls:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    auth = tls.get("client_auth_type", "NoClientCert")
    if auth not in _CLIENT_AUTH:
        raise UsageError(f"{where}.client_auth_type must be one of {', '.join(_CLIENT_AUTH)}")
    ctx.verify_mode = _CLIENT_AUTH[auth]
    if auth != "NoClientCert":
        if not tls.get("client_ca_file"):
            raise UsageError(f"{where}: client_auth_type {auth} needs client_ca_file")
        try:
            ctx.load_verify_locations(file("client_ca_file"))
        except (OSError, ssl.SSLError) as exc:
            raise UsageError(f"{where}: cannot load client_ca_file: {exc}") from None
    return ctx
