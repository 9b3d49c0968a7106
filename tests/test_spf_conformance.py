"""The OpenSPF conformance suite for RFC 7208 (``rfc7208-tests.yml``), every case served by
the loopback DNS responder and evaluated by smtptui's SPF engine.

The suite is not copied into this repository: it ships in pyspf's source distribution on
PyPI, which ``.ci/run`` downloads (``pip download --no-deps --no-binary :all: pyspf==2.0.14
-d .cache/spf-suite``). Point ``SMTPTUI_SPF_SUITE`` at the sdist or at the YAML file to use
another copy. Without it the cases are skipped, saying why.

Zone data follows the suite's conventions (as its drivers do): an ``SPF`` record is also
served as ``TXT`` unless the name has a ``TXT`` entry of its own; ``TXT: NONE`` means no TXT
record; ``TIMEOUT`` makes every other type at that name fail (SERVFAIL here, which SPF
treats as the timeout it stands for: temperror); ``[]`` (a TXT record without strings,
which DNS cannot carry) is one empty string.
"""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import pytest

from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.spf_eval import check_identity
from tests.dnsserver import DnsServer, txt

yaml = pytest.importorskip("yaml", reason="PyYAML (the test extra) reads the SPF suite")

ROOT = Path(__file__).resolve().parent.parent
SUITE_MEMBER = "test/rfc7208-tests.yml"

# Cases whose expectation this engine does not meet, each with the reason (xfail, strict: a
# case that starts passing must be taken off the list).
EXCEPTIONS: dict[str, str] = {
    "v-macro-ip6": (
        "only the explanation text differs: the suite expects %{i} of CAFE:BABE::1 in the "
        "case the address was written (…E.B.A.B.E.F.A.C.ip6.arpa); smtptui writes lower-case "
        "nibbles as RFC 7208 7.4's own example does (…8.b.d.0.1.0.0.2.ip6). The result (fail) "
        "is right, and DNS names are case-insensitive."),
}


def _suite_text() -> str | None:
    configured = os.environ.get("SMTPTUI_SPF_SUITE")
    candidates = [Path(configured)] if configured else sorted(
        (ROOT / ".cache" / "spf-suite").glob("pyspf-*.tar.gz"), reverse=True)
    for path in candidates:
        if path.suffix in (".yml", ".yaml") and path.is_file():
            return path.read_text("utf-8")
        if path.is_file() and tarfile.is_tarfile(path):
            with tarfile.open(path) as tar:
                for member in tar.getmembers():
                    if member.name.endswith(SUITE_MEMBER):
                        extracted = tar.extractfile(member)
                        if extracted is not None:
                            return extracted.read().decode("utf-8")
    return None


SUITE_TEXT = _suite_text()
SKIP_REASON = ("the OpenSPF suite is not here: run .ci/run, or `pip download --no-deps "
               "--no-binary :all: pyspf==2.0.14 -d .cache/spf-suite`, or set "
               "SMTPTUI_SPF_SUITE to rfc7208-tests.yml or pyspf's sdist")
SCENARIOS: list[dict[str, Any]] = (
    [s for s in yaml.safe_load_all(SUITE_TEXT) if s] if SUITE_TEXT else [])


def _strings(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _zone_name(name: str) -> str:
    """``name`` for zone-file text: absolute, odd bytes (a space in a test name) escaped."""
    raw = name.lower().rstrip(".").encode("utf-8")
    return "".join(chr(b) if chr(b).isalnum() or chr(b) in "-._*" else f"\\{b:03d}"
                   for b in raw) + "."


def _txt_rdata(value: Any) -> str:
    parts = _strings(value) or [""]
    return " ".join(txt(p.encode("utf-8")) for p in parts)


class SuiteServer(DnsServer):
    """The loopback responder, with the suite's per-name ``TIMEOUT``: the types a name has
    records for are answered, every other type fails."""

    def __init__(self, zonedata: dict[str, list[Any]]) -> None:
        records: dict[str, list[tuple[str, str]]] = {}
        self.failing: dict[dns.name.Name, set[str]] = {}
        for name, items in zonedata.items():
            key = _zone_name(name)
            has_txt = any(isinstance(i, dict) and "TXT" in i for i in items)
            out = records.setdefault(key, [])
            for item in items:
                if item == "TIMEOUT":
                    self.failing[dns.name.from_text(key)] = set()
                    continue
                ((rtype, value),) = item.items()
                if rtype in ("TXT", "SPF"):
                    if _strings(value) == ["NONE"]:
                        continue
                    out.append((rtype, _txt_rdata(value)))
                    if rtype == "SPF" and not has_txt:
                        out.append(("TXT", _txt_rdata(value)))
                elif rtype == "MX":
                    out.append(("MX", f"{value[0]} {value[1].rstrip('.')}."))
                elif rtype in ("PTR", "CNAME"):
                    out.append((rtype, f"{value.rstrip('.')}."))
                else:
                    out.append((rtype, str(value)))
            if dns.name.from_text(key) in self.failing:
                self.failing[dns.name.from_text(key)] = {r for r, _ in out}
            if not out:
                out.append(("HINFO", '"suite" "exists"'))  # the name exists, no data
        super().__init__({".": {name: items for name, items in records.items()}})

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        if query.question:
            q = query.question[0]
            have = self.failing.get(q.name)
            qtype = dns.rdatatype.to_text(q.rdtype)
            if have is not None and qtype not in have:
                resp = dns.message.make_response(query)
                resp.set_rcode(dns.rcode.SERVFAIL)
                return resp
        return super().answer(query)


def _cases() -> Iterator[Any]:
    if not SCENARIOS:
        yield pytest.param(None, None, id="suite-missing", marks=pytest.mark.skip(SKIP_REASON))
        return
    for index, scenario in enumerate(SCENARIOS):
        for name, case in scenario["tests"].items():
            marks = [pytest.mark.xfail(reason=EXCEPTIONS[name], strict=True)] \
                if name in EXCEPTIONS else []
            yield pytest.param(index, case, id=name, marks=marks)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[int, SuiteServer]]:
    started: dict[int, SuiteServer] = {}
    yield started
    for server in started.values():
        server.stop()


def test_the_suite_is_complete() -> None:
    if not SCENARIOS:
        pytest.skip(SKIP_REASON)
    assert sum(len(s["tests"]) for s in SCENARIOS) == 203


@pytest.mark.parametrize(("scenario", "case"), list(_cases()))
async def test_rfc7208_suite(scenario: int, case: dict[str, Any],
                             servers: dict[int, SuiteServer]) -> None:
    if scenario not in servers:
        servers[scenario] = SuiteServer(SCENARIOS[scenario].get("zonedata") or {}).start()
    dns = Dns(servers[scenario].address, timeout=3.0)
    ev = await check_identity(dns, case["host"], str(case.get("mailfrom") or ""),
                              str(case.get("helo") or ""))
    expected = _strings(case["result"])
    assert ev.result in expected, f"{ev.result} not in {expected}: {ev.path}"
    if case.get("explanation") is not None and ev.result == "fail":
        assert (ev.explanation or "DEFAULT") == case["explanation"]
