"""``@record`` behaves as ``@dataclass(frozen=True)`` wherever code can tell the difference."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import subprocess
import sys

import pytest

from smtptui.diagnose.model import Reply
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.events import CertInfo, ProbeReport, StageFinished, Target, WireLine
from smtptui.records import field, record


@record(slots=True)
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    note: str = field(default="", repr=False, compare=False)


@record(kw_only=True)
class Named:
    name: str
    port: int = 587


@dataclasses.dataclass(frozen=True, slots=True)
class Twin:
    """The dataclass a Point stands in for."""

    x: int
    y: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)
    note: str = dataclasses.field(default="", repr=False, compare=False)


def test_constructor_takes_what_the_dataclass_takes() -> None:
    assert Point(1, 2, ["a"], "n") == Point(x=1, y=2, tags=["a"], note="n")
    assert Point(1).y == 0 and Point(1).tags == []
    assert Point(1).tags is not Point(1).tags  # a fresh default per instance
    assert Named(name="a").port == 587
    for bad, message in ((lambda: Point(), "missing 1 required argument: 'x'"),
                         (lambda: Point(1, 2, [], "", 5), "positional arguments"),
                         (lambda: Point(1, x=2), "multiple values for argument 'x'"),
                         (lambda: Point(1, z=2), "unexpected keyword argument 'z'"),
                         (lambda: Named("a"), "positional arguments")):
        with pytest.raises(TypeError, match=message):
            bad()


def test_repr_eq_and_hash_follow_the_field_options() -> None:
    a, b = Point(1, 2, note="one"), Point(1, 2, note="two")
    assert repr(a) == repr(Twin(1, 2, note="one")).replace("Twin", "Point")
    assert a == b and hash(Point(1, 2, ())) == hash(Point(1, 2, (), "x"))  # type: ignore[arg-type]
    assert a != Point(1, 3) and a != Twin(1, 2)
    assert repr(Named(name="a")) == "Named(name='a', port=587)"


def test_fields_cannot_be_assigned_or_deleted() -> None:
    p = Point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del p.x  # type: ignore[misc]
    with pytest.raises(AttributeError):
        p.other = 1  # type: ignore[attr-defined]


def test_the_dataclasses_functions_work() -> None:
    p = Point(1, 2, ["a"], "n")
    assert dataclasses.is_dataclass(p) and dataclasses.is_dataclass(Point)
    assert [f.name for f in dataclasses.fields(p)] == ["x", "y", "tags", "note"]
    assert dataclasses.fields(Point)[3].compare is False
    assert dataclasses.replace(p, y=5) == Point(1, 5, ["a"])
    assert dataclasses.asdict(p) == dataclasses.asdict(Twin(1, 2, ["a"], "n"))
    assert dataclasses.fields(Named)[0].kw_only is True
    assert dataclasses.replace(Named(name="a"), port=25) == Named(name="a", port=25)


def test_pickle_copy_and_match() -> None:
    config = ProbeConfig(host="h", rcpt_to=("a@b",))
    report = ProbeReport(Target("h", 25, "none"), (StageFinished("connect", "pass", 1.0),),
                         extensions={"SIZE": "1"}, transcript=(WireLine("S", "220 hi", 0.5),))
    for value in (Point(1, 2, ["a"]), config, report):
        assert pickle.loads(pickle.dumps(value)) == value
        assert copy.deepcopy(value) == value
    match Point(3, 4):
        case Point(x, y):
            assert (x, y) == (3, 4)
    with pytest.raises(TypeError, match="cannot be pickled"):  # its own rule still holds
        pickle.dumps(dataclasses.replace(config, password=Secret("pw")))


def test_the_engine_records_keep_their_contract() -> None:
    cert = CertInfo("s", "i", ("a",), "b", "c", 3, True, der=b"x")
    assert cert == dataclasses.replace(cert, der=b"y")  # der: not compared, not shown
    assert "der" not in repr(cert)
    assert Reply(250, None, "ok").to_json() == {"code": 250, "enhanced": None, "text": "ok"}
    assert ProbeReport(Target("h", 1, "none"), ()).extensions == {}
    assert "password" not in repr(ProbeConfig(host="h", password=Secret("pw"))).replace(
        "password=Secret('<redacted>')", "")


def test_defining_records_does_not_import_dataclasses() -> None:
    code = ("import sys\nimport smtptui.probe.events, smtptui.probe.config\n"
            "print('dataclasses' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
