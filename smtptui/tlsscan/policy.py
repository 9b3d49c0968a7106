"""The MTA-STS policy file (RFC 8461 3.2, 3.3): fetched over verified HTTPS, bounded in
size and time, never following a redirect, then parsed and matched against MX names."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

from smtptui.dnscheck.model import JsonMixin
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.handshake import close_writer

MAX_BYTES = 64 * 1024
"""RFC 8461 3.3: senders may refuse larger policies; so do we."""
MAX_HEADERS = 100
"""HTTP header lines read at most (each bounded by ``MAX_BYTES``)."""
MAX_AGE_LIMIT = 31_557_600
PATH = "/.well-known/mta-sts.txt"


@dataclass(frozen=True)
class Policy(JsonMixin):
    version: str | None
    mode: str | None
    mx: tuple[str, ...]
    max_age: int | None
    problems: tuple[str, ...]


@dataclass(frozen=True)
class PolicyFetch(JsonMixin):
    url: str
    policy: Policy | None
    error: str | None = None
    """Why no usable policy was fetched (then ``policy`` is None)."""
    content_type: str | None = None


def parse_policy(text: str) -> Policy:
    """``key: value`` lines; unknown keys ignored; every problem named."""
    fields: dict[str, list[str]] = {}
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            continue
        key, sep, value = raw.partition(":")
        if not sep:
            continue
        fields.setdefault(key.strip().lower(), []).append(value.strip())
    problems: list[str] = []
    version = next(iter(fields.get("version", [])), None)
    if version != "STSv1":
        problems.append(f"version must be STSv1 (found {clean(version or 'nothing')!r})")
    mode = next(iter(fields.get("mode", [])), None)
    if mode not in ("enforce", "testing", "none"):
        problems.append(f"mode must be enforce, testing or none (found "
                        f"{clean(mode or 'nothing')!r})")
    # the policy host's text: made display-safe here, once, for every front end
    mx = tuple(clean(m.lower().rstrip("."), 255) for m in fields.get("mx", []))
    if not mx and mode != "none":
        problems.append("no mx: line (every MX would fail the policy)")
    age_text = next(iter(fields.get("max_age", [])), None)
    max_age = int(age_text) if age_text and age_text.isdigit() and len(age_text) <= 10 \
        else None
    if max_age is None or max_age > MAX_AGE_LIMIT:
        problems.append(f"max_age must be 0–{MAX_AGE_LIMIT} seconds (found "
                        f"{clean(age_text or 'nothing')!r})")
    return Policy(version, mode, mx, max_age, tuple(problems))


def patterns_text(patterns: tuple[str, ...], shown: int = 5) -> str:
    """The first ``shown`` mx: patterns, then how many more (a policy may list thousands)."""
    text = ", ".join(patterns[:shown]) or "(none)"
    more = len(patterns) - shown
    return text + (f" … and {more:,} more" if more > 0 else "")


def mx_allowed(host: str, patterns: tuple[str, ...]) -> bool:
    """RFC 8461 4.1: an exact name, or ``*.`` standing for exactly one leftmost label."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern.startswith("*."):
            label, _, rest = host.partition(".")
            if label and rest and rest == pattern[2:]:
                return True
        elif host == pattern:
            return True
    return False


async def fetch_policy(domain: str, address: str, *, port: int = 443,
                       cafile: str | None = None, timeout: float = 10.0) -> PolicyFetch:
    """GET the policy from ``address`` (``mta-sts.DOMAIN`` resolved), verifying TLS for
    that name; ``timeout`` bounds the whole fetch."""
    host = f"mta-sts.{domain}"
    url = f"https://{host}{PATH}"
    try:
        status, headers, body = await asyncio.wait_for(
            _get(host, address, port, cafile), timeout)
    except TimeoutError:
        return PolicyFetch(url, None, f"no complete answer within {timeout:g} s")
    except ssl.SSLCertVerificationError as exc:
        return PolicyFetch(url, None, "the policy host's certificate does not verify: "
                           + clean(exc.verify_message or str(exc)))
    except (OSError, ssl.SSLError, ValueError, asyncio.IncompleteReadError) as exc:
        return PolicyFetch(url, None, clean(str(exc) or type(exc).__name__, 200))
    ctype = headers.get("content-type")
    if 300 <= status < 400:
        return PolicyFetch(url, None, f"HTTP {status} redirect to "
                           f"{clean(headers.get('location', '?'), 200)}: senders must not "
                           "follow redirects (RFC 8461 3.3)", ctype)
    if status != 200:
        return PolicyFetch(url, None, f"HTTP {status}", ctype)
    return PolicyFetch(url, parse_policy(body.decode("utf-8", "replace")), None, ctype)


async def _get(host: str, address: str, port: int, cafile: str | None
               ) -> tuple[int, dict[str, str], bytes]:
    ctx = ssl.create_default_context(cafile=cafile)
    reader, writer = await asyncio.open_connection(address, port, ssl=ctx,
                                                   server_hostname=host, limit=MAX_BYTES)
    try:
        writer.write(f"GET {PATH} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: smtptui\r\n"
                     "Accept: text/plain\r\nConnection: close\r\n\r\n".encode())
        status_line = (await reader.readline()).decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise ValueError(f"not an HTTP answer: {clean(status_line, 80)!r}")
        headers: dict[str, str] = {}
        for count in range(MAX_HEADERS + 1):  # lines, not names: a name may repeat
            line = (await reader.readline()).decode("latin-1").strip()
            if not line:
                break
            if count == MAX_HEADERS:
                raise ValueError("too many HTTP headers")
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await _body(reader, headers)
        return int(parts[1]), headers, body
    finally:
        await close_writer(writer)


async def _body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        out = bytearray()
        while True:
            size_line = (await reader.readline()).split(b";")[0].strip()
            size = int(size_line or b"0", 16)
            if size == 0:
                return bytes(out)
            if len(out) + size > MAX_BYTES:
                raise ValueError(f"policy larger than {MAX_BYTES // 1024} KiB")
            out += await reader.readexactly(size)
            await reader.readline()
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit() or int(length) > MAX_BYTES:
            raise ValueError(f"policy larger than {MAX_BYTES // 1024} KiB")
        return await reader.readexactly(int(length))
    body = await reader.read(MAX_BYTES + 1)
    while len(body) <= MAX_BYTES:
        more = await reader.read(MAX_BYTES + 1 - len(body))
        if not more:
            break
        body += more
    if len(body) > MAX_BYTES:
        raise ValueError(f"policy larger than {MAX_BYTES // 1024} KiB")
    return body
