"""A batch's probes start spaced by what a probe costs the CPU (smtptui.probe.pacing):
against a real relay, and the pacer's arithmetic on its own."""

from __future__ import annotations

import ssl
import time

import pytest

from smtptui.probe.batch import probe_many
from smtptui.probe.pacing import (
    INITIAL_GAP_S,
    MAX_GAP_S,
    MEASURE_AFTER,
    MIN_GAP_S,
    SHARE,
    Pacer,
)
from tests.conftest import RelayFactory, make_config


async def test_a_batch_starts_its_probes_one_gap_apart(relay_factory: RelayFactory,
                                                        server_ctx: ssl.SSLContext,
                                                        cafile: str) -> None:
    # Six probes may all run at once, and each is slow (the greeting waits 0.4 s), so
    # nothing finishes before the last has started: every start is spaced by the
    # initial gap. The relay sees the sixth connection no sooner than five gaps after
    # the batch began (load can only make it later); unpaced, all six arrive together.
    gap = 0.06
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.4)
    configs = [make_config(relay.port, cafile=cafile, servername="localhost")
               for _ in range(6)]
    began = time.monotonic()
    seen = sorted([i async for i, report in probe_many(configs, 6, Pacer(initial_gap=gap))
                   if report.ok])
    assert seen == list(range(6))
    connects = sorted(e.t for e in relay.log if e.verb == "CONNECT")
    assert len(connects) == 6
    assert connects[-1] - began >= 5 * gap
    assert relay.max_active >= 2  # spaced, still side by side


async def test_unpaced_probes_arrive_together(relay_factory: RelayFactory,
                                              server_ctx: ssl.SSLContext,
                                              cafile: str) -> None:
    # The same batch with no spacing: what the test above tells apart.
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.4)
    configs = [make_config(relay.port, cafile=cafile, servername="localhost")
               for _ in range(6)]
    reports = [r async for _, r in probe_many(configs, 6, Pacer(initial_gap=0.0))]
    assert all(r.ok for r in reports)
    assert relay.max_active == 6


def test_starts_asked_for_together_are_booked_one_gap_apart() -> None:
    pacer = Pacer(cpu=lambda: 0.0, initial_gap=0.002)
    waits = [pacer.delay(10.0) for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.002, 0.004, 0.006])
    # a start asked for later than its turn waits for nothing, and books from then
    assert pacer.delay(11.0) == 0.0
    assert pacer.delay(11.0005) == pytest.approx(0.0015)


def test_starts_further_apart_than_the_gap_never_wait() -> None:
    pacer = Pacer(cpu=lambda: 0.0, initial_gap=0.002)
    assert [pacer.delay(t) for t in (1.0, 1.01, 1.5, 9.0)] == [0.0, 0.0, 0.0, 0.0]


def test_the_gap_follows_the_cpu_per_finished_probe() -> None:
    cpu = iter([0.0, 0.016, 0.020]).__next__  # 4 ms of CPU for each finished probe
    pacer = Pacer(cpu=cpu)
    assert pacer.gap == INITIAL_GAP_S
    for _ in range(MEASURE_AFTER - 1):
        pacer.finished()
        assert pacer.gap == INITIAL_GAP_S  # too few to go by
    pacer.finished()
    assert pacer.gap == pytest.approx(SHARE * 0.004)
    assert pacer.delay(5.0) == 0.0 and pacer.delay(5.0) == pytest.approx(SHARE * 0.004)
    pacer.finished()  # 20 ms for 5: still 4 ms each
    assert pacer.gap == pytest.approx(SHARE * 0.004)


@pytest.mark.parametrize(("cpu_per_probe", "gap"), [(0.0, MIN_GAP_S), (1.0, MAX_GAP_S)])
def test_the_gap_stays_within_bounds(cpu_per_probe: float, gap: float) -> None:
    used = iter([0.0, MEASURE_AFTER * cpu_per_probe]).__next__
    pacer = Pacer(cpu=used)
    for _ in range(MEASURE_AFTER):
        pacer.finished()
    assert pacer.gap == gap


def test_a_probe_taking_a_freed_slot_starts_at_once() -> None:
    # Its start is already spaced by the probe that ended (the core served that one);
    # it neither waits for the booked starts nor pushes them back.
    pacer = Pacer(cpu=lambda: 0.0, initial_gap=0.002)
    assert [pacer.delay(10.0) for _ in range(3)] == pytest.approx([0.0, 0.002, 0.004])
    assert pacer.delay(10.001, replacing=True) == 0.0
    assert pacer.delay(10.001) == pytest.approx(0.005)
