"""The one status table: every status has a glyph, an ASCII fallback and a word."""

from __future__ import annotations

from smtptui.dnscheck.model import Finding
from smtptui.dnscheck.render import Renderer
from smtptui.glyphs import ASCII, STATUS, glyph, word


def test_every_status_has_an_ascii_fallback_and_a_word() -> None:
    assert set(ASCII) == set(STATUS)
    assert all(glyph(s, ascii_only=True).isascii() for s in STATUS)
    assert word("warn") == "passed with warnings" and word("odd") == "odd"
    assert glyph("odd") == " " and glyph("odd", default="·") == "·"


def test_dns_renderer_takes_its_marks_from_the_table() -> None:
    finding = Finding("fail", "no record")
    assert Renderer().findings([finding]) == [f"  {glyph('fail')} fail  no record"]
    assert Renderer(ascii_only=True).findings([finding]) == ["  x fail  no record"]
