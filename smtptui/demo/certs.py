"""Certificates for the demo relays, generated at start (a private CA and its leaves).

No private key stays on disk: the CA's is never written, and each leaf's file is
deleted as soon as its server context has loaded it. The folder keeps only the public
CA certificate (the probes' ``cafile``); it is removed when the demo stops, at exit,
and — should smtptui be killed outright — by the next demo (:func:`remove_stale`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import ipaddress
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

PREFIX = "smtptui-demo-"
"""Demo folders are ``<tmp>/smtptui-demo-<pid>-<random>``."""


def remove_stale(parent: Path | None = None) -> list[Path]:
    """Remove this user's demo folders whose process is gone (killed with SIGKILL, or a
    machine that lost power); returns them."""
    parent = parent or Path(tempfile.gettempdir())
    removed = []
    for folder in parent.glob(f"{PREFIX}*"):
        pid = folder.name[len(PREFIX):].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.stat().st_uid != os.getuid() or _alive(int(pid)):
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def demo_folder() -> Path:
    """A new ``<tmp>/smtptui-demo-<pid>-<random>`` folder, only this user's, removed at
    exit (and by the next demo should this process be killed outright)."""
    remove_stale()
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class DemoPKI:
    directory: Path
    ca_file: Path
    good: ssl.SSLContext
    """Server context: valid certificate for localhost / 127.0.0.1."""
    expired: ssl.SSLContext
    """Server context: certificate from the same CA that expired 30 days ago."""


def make_pki(directory: Path | None = None) -> DemoPKI:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    root = directory if directory is not None else demo_folder()
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtptui demo CA")])
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )

    def leaf(name: str, start: dt.datetime, end: dt.datetime) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
            ]), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        pem = root / f"{name}.pem"
        pem.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        )
        pem.chmod(0o600)
        try:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(pem)
        finally:
            pem.unlink()  # the context holds the key now; it never stays on disk
        return ctx

    good = leaf("good", now - dt.timedelta(days=1), now + dt.timedelta(days=90))
    expired = leaf("expired", now - dt.timedelta(days=120), now - dt.timedelta(days=30))
    ca_file = root / "demo-ca.pem"  # written last: once it is there, no key file is
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return DemoPKI(directory=root, ca_file=ca_file, good=good, expired=expired)
