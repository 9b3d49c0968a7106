"""The comparison's rules on fixed reports: statistics, no false differences, text, saving."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from smtptui.compare import Side, compare_reports, render_text
from smtptui.compare.model import WARM_NEEDS
from smtptui.compare.save import default_base, save_comparison
from smtptui.compare.stats import meaningfully_different, summarize
from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import ProbeReport
from tests.compare_reports import DEFAULT_EXT, make_report


def compare(a: list[ProbeReport], b: list[ProbeReport], warm: int = 0):  # type: ignore[no-untyped-def]
    return compare_reports(Side("A", tuple(a), warm), Side("B", tuple(b), warm))


def test_summarize_min_median_p95_nearest_rank() -> None:
    assert summarize([]) is None
    one = summarize([7.0])
    assert one is not None and (one.n, one.min, one.median, one.p95) == (1, 7.0, 7.0, 7.0)
    three = summarize([30.0, 10.0, 20.0])
    assert three is not None and (three.min, three.median, three.p95) == (10.0, 20.0, 30.0)
    hundred = summarize([float(x) for x in range(1, 101)])
    assert hundred is not None and hundred.p95 == 95.0 and hundred.median == 50.5


@pytest.mark.parametrize("a, b, differs", [
    (1.0, 5.9, False),     # 4.9 ms apart: below 5 ms
    (100.0, 119.0, False),  # 19 %: below 20 %
    (100.0, 121.0, True),
    (10.0, 16.0, True),
    (0.2, 150.0, True),
    (150.0, 0.2, True),
])
def test_latency_rule(a: float, b: float, differs: bool) -> None:
    assert meaningfully_different(a, b) is differs


def test_identical_relays_have_no_difference_at_all() -> None:
    runs = [make_report("smtp.example", "X", greeting_ms=g) for g in (40.0, 41.0, 44.0)]
    other = [make_report("smtp.example", "Y", greeting_ms=g) for g in (42.0, 40.5, 39.0)]
    c = compare(runs, other)
    assert c.differences == [] and c.faster["overall"] is None and c.ok
    text = render_text(c)
    assert "0 differences" in text and "≠ " not in text.split("\n", 4)[-1]


def test_one_outlier_run_does_not_decide_the_comparison() -> None:
    a = [make_report("a.example", greeting_ms=g) for g in (40.0, 900.0, 41.0)]
    b = [make_report("b.example", greeting_ms=g) for g in (42.0, 40.0, 43.0)]
    c = compare(a, b)
    assert not c.row("latency.greeting").differs and c.faster["greeting"] is None
    stats = c.stats["a"]["greeting"]
    assert stats is not None and stats.p95 == 900.0 and stats.median == 41.0


def test_normalised_values_never_differ() -> None:
    a = make_report("a.example", ext={"AUTH": "PLAIN LOGIN", "SIZE": "10485760"}, days_left=200)
    b = make_report("b.example", ext={"AUTH": "LOGIN PLAIN", "SIZE": "10485760"}, days_left=199)
    c = compare([a], [b])
    assert c.row("ext.AUTH").a == c.row("ext.AUTH").b == "LOGIN PLAIN"
    assert not c.row("tls.days_left").differs  # a day apart: issued together
    far = compare([a], [make_report("b.example", days_left=20)])
    assert far.row("tls.days_left").differs


def test_unknown_is_not_a_difference_but_failure_is() -> None:
    good = make_report("a.example")
    refused = make_report("b.example", fail_at="connect")
    c = compare([good], [refused])
    assert {r.key for r in c.differences} == {"result", "failing_stage", "tested_until"}
    assert c.row("failing_stage").b == "connect (network)"
    assert c.row("tested_until").b == "DNS (connect failed)"  # what passed, then where it broke
    assert c.row("ext.SIZE").b == "unknown (no EHLO)"
    assert c.row("tls.version").b == "unknown (no TLS handshake)"
    assert c.row("latency.connect").b == "n/a" and not c.row("latency.connect").differs


def test_extension_union_and_starttls() -> None:
    a = make_report("a.example", ext={"SIZE": "0", "XCLIENT": "ADDR"})
    b = make_report("b.example", ext={"SIZE": "0", "VRFY": ""}, tls_mode="implicit")
    c = compare([a], [b])
    keys = [r.key for r in c.rows if r.section == "extensions"]
    assert keys[:10] == [f"ext.{k}" for k in ("SIZE", "PIPELINING", "CHUNKING", "SMTPUTF8",
                                               "8BITMIME", "DSN", "REQUIRETLS",
                                               "ENHANCEDSTATUSCODES", "AUTH", "STARTTLS")]
    assert keys[10:] == ["ext.XCLIENT", "ext.VRFY"]
    assert (c.row("ext.XCLIENT").a, c.row("ext.XCLIENT").b) == ("yes (ADDR)", "no")
    assert (c.row("ext.STARTTLS").a, c.row("ext.STARTTLS").b) == ("yes", "n/a (implicit TLS)")
    assert c.row("ext.SIZE").a == "no limit" and not c.row("ext.SIZE").differs
    assert c.row("latency.tls").a == c.row("latency.tls").b == "24 ms"  # STARTTLS vs implicit


def test_result_counts_runs_and_warnings() -> None:
    ok = make_report("a.example")
    warned = make_report("b.example", warnings=["no ENHANCEDSTATUSCODES"])
    failed = make_report("b.example", fail_at="auth")
    c = compare([ok, ok], [warned, failed])
    assert c.row("result").a == "passed (all 2 runs)"
    assert c.row("result").b == "failed (1/2 runs passed)"
    assert c.row("failing_stage").b == "auth (535 5.7.8)"
    assert c.row("warnings").differs and c.row("warnings").b == "no ENHANCEDSTATUSCODES"
    single = compare([ok], [warned])
    assert (single.row("result").a, single.row("result").b) == ("passed", "passed with warnings")


def test_cold_and_warm() -> None:
    a = [make_report("a.example", warm_ms=(2.0, 3.0, 2.5)) for _ in range(2)]
    b = [make_report("b.example")]
    c = compare_reports(Side("A", tuple(a), 3), Side("B", tuple(b), 0))
    cw = c.cold_warm["a"]
    assert cw.cold is not None and cw.warm is not None
    assert cw.cold.median == pytest.approx(11.0 + 40.0 + 9.0 + 24.0 + 8.5 + 31.0)
    assert cw.warm.n == 6 and cw.warm.median == 2.5
    assert c.cold_warm["b"].warm is None and c.cold_warm["b"].warm_note == WARM_NEEDS
    asked = compare_reports(Side("A", tuple(a), 3), Side("B", tuple(b), 3))
    assert asked.cold_warm["b"].warm_note == "n/a (no warm message completed)"
    assert "warm 2.5 ms (median of 6)" in render_text(c)


def test_text_marks_differences_and_colours_only_when_asked() -> None:
    a = make_report("a.example", greeting_ms=10.0)
    b = make_report("b.example", greeting_ms=200.0, ext={**DEFAULT_EXT, "SIZE": "20971520"})
    c = compare([a], [b])
    plain = render_text(c)
    assert "\x1b[" not in plain
    lines = plain.splitlines()
    size = next(line for line in lines if line.strip().startswith("≠ SIZE"))
    assert "10.0 MiB" in size and "20.0 MiB" in size
    greeting = next(line for line in lines if "≠ greeting" in line)
    assert greeting.rstrip().endswith("A")
    assert "Overall: A (A) is faster" in plain
    assert not any("≠ 8BITMIME" in line for line in lines)
    coloured = render_text(c, color=True)
    assert "\x1b[33m  ≠ \x1b[0m" in coloured


def test_json_shape_and_saving(tmp_path: Path) -> None:
    c = compare([make_report("a.example", "Acme Gmail")], [make_report("b.example", "SES")])
    c = dataclasses.replace(c, a=dataclasses.replace(c.a, name="Acme Gmail/EU"))
    doc = c.to_json()
    assert {"a", "b", "runs", "stats", "rows", "cold_warm", "ok", "faster"} <= set(doc)
    assert doc["a"] == c.a.last.to_json()
    base = default_base(c, tmp_path)
    assert base.parent == tmp_path and base.name.startswith("smtptui-compare-acme-gmail-eu-vs-b")
    json_path, text_path = save_comparison(c, tmp_path / "out.json")
    assert (json_path.name, text_path.name) == ("out.json", "out.txt")
    assert json.loads(json_path.read_text()) == json.loads(json.dumps(doc))
    assert text_path.read_text() == render_text(c)


def test_warm_runs_are_asked_only_with_a_sender_and_recipients() -> None:
    from smtptui.compare import with_warm_runs

    bare = ProbeConfig("relay.example")
    assert with_warm_runs(bare).warm_runs == 0
    mail = ProbeConfig("relay.example", mail_from="a@x.example", rcpt_to=("b@y.example",))
    assert with_warm_runs(mail).warm_runs == 3
    assert with_warm_runs(dataclasses.replace(mail, warm_runs=5)).warm_runs == 5
