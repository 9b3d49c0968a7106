"""Every RFC 8601 result reads as what it means: ``dkim=none`` is "not signed", never
"signature did not verify"; ``temperror`` is never called a failure of the sender."""

from __future__ import annotations

import pytest

from smtptui.dnscheck.headers import analyse_headers
from smtptui.dnscheck.headers.results import MEANINGS
from smtptui.dnscheck.render import Renderer

RECEIVED = ("Received: from mx.sender.example (mx.sender.example [198.51.100.1]) by "
            "mx.receiver.example with ESMTPS; Mon, 1 Jan 2024 00:00:01 +0000\n")


def verdict(method: str, result: str) -> tuple[str, str, str]:
    props = {"spf": "smtp.mailfrom=a@sender.example", "dkim": "header.d=sender.example",
             "dmarc": "header.from=sender.example", "arc": ""}
    r = analyse_headers(f"From: a@sender.example\n{RECEIVED}Authentication-Results: "
                        f"mx.receiver.example; {method}={result} {props[method]}\n\n")
    v = next(v for v in r.verdicts if v.mechanism == method)
    return v.result, v.level, v.detail


CASES = [(m, r) for m, results in MEANINGS.items() for r in results if m != "arc"]


@pytest.mark.parametrize(("method", "result"), CASES)
def test_every_result_has_its_meaning(method: str, result: str) -> None:
    got, level, detail = verdict(method, result)
    want_level, meaning = MEANINGS[method][result]
    assert got == result
    if result != "pass":
        assert meaning in detail and level == want_level


def test_dkim_none_means_not_signed() -> None:
    _, level, detail = verdict("dkim", "none")
    assert level == "warn" and "not signed" in detail and "did not verify" not in detail
    r = analyse_headers(f"From: a@sender.example\n{RECEIVED}Authentication-Results: "
                        "mx.receiver.example; dkim=none\n\n")
    text = Renderer(ascii_only=True).headers(r)
    assert "dkim: none: the message is not signed" in text
    assert "fail" not in next(line for line in text.splitlines() if "dkim:" in line)


@pytest.mark.parametrize(("method", "result", "level"), [
    ("dkim", "temperror", "warn"), ("dmarc", "temperror", "warn"), ("spf", "temperror", "warn"),
    ("dkim", "policy", "fail"), ("dkim", "neutral", "fail"), ("dmarc", "permerror", "fail"),
    ("dmarc", "bestguesspass", "warn"), ("spf", "softfail", "warn"), ("spf", "neutral", "warn"),
])
def test_levels(method: str, result: str, level: str) -> None:
    assert verdict(method, result)[1] == level


def test_dmarc_temperror_is_not_called_unaligned() -> None:
    _, _, detail = verdict("dmarc", "temperror")
    assert "could not fetch" in detail and "neither SPF nor DKIM" not in detail


def test_an_unregistered_result_is_named() -> None:
    result, level, detail = verdict("dkim", "hardfail")
    assert (result, level) == ("hardfail", "warn") and "not one RFC 8601 defines" in detail
