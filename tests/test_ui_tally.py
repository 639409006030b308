"""The UI's running totals (mock_carriers.world.tally): kept incrementally as the clock passes each
scan and each parcel's end, they must equal what a full scan of the world says at the same instant
— the words the scans read as (sim.status.current_status) and the final fates the truth API gives."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from mock_carriers.control.truth_models import record
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.tally import SLICE, Tally, _Parcel, final_at, read_event
from sim.events import Fate
from sim.status import current_status, sample_scans
from tests.conftest import small_scenario


@pytest.mark.unit
def test_read_event_reads_each_history_as_current_status_does() -> None:
    checked = 0
    for history, _ in sample_scans():
        state = _Parcel()
        for i, event in enumerate(history):
            word = read_event(state, event)
            assert word == current_status(history[: i + 1]), [e.code for e in history[: i + 1]]
            checked += 1
    assert checked > 20


def _world() -> Iterator[tuple[Sandbox, Tally]]:
    scenario = small_scenario(demand={"parcels_per_day": 150}, duration="2d", drain="8d")
    sandbox = Sandbox(scenario, endless=False, lookahead=timedelta(hours=6))
    tally = Tally(lambda: sandbox.now().timestamp())
    sandbox.listeners.append(tally.on_events)
    sandbox.finish_listeners.append(tally.on_finished)
    sandbox.on_reset.append(tally.reset)
    try:
        yield sandbox, tally
    finally:
        sandbox.close()


@pytest.fixture(scope="module")
def world() -> Iterator[tuple[Sandbox, Tally]]:
    yield from _world()


def brute_force(sandbox: Sandbox) -> tuple[Counter[str], Counter[str], int, int]:
    """Every number's word and every parcel's final fate at the effective clock, by a full scan."""
    now = sandbox.now()
    at = now.timestamp()
    words: Counter[str] = Counter()
    fates: Counter[str] = Counter()
    on_time = delivered = 0
    for row in sandbox.store.list(at, limit=10**9):
        rec = sandbox.record(row.tracking_number)
        assert rec is not None
        word = current_status(rec.visible_events(at))
        if word is not None:
            words[word.value] += 1
        truth = record(rec, now)
        if truth is not None and truth.final and truth.tracking_number == truth.parcel.tracking_number:
            fates[truth.fate] += 1
            if truth.delivered_at and truth.fate in (Fate.DELIVERED, Fate.MISDELIVERED):
                delivered += 1
                on_time += not truth.late
    return words, fates, on_time, delivered


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("step", ["10h", "1d", "3d", "4d"])
def test_totals_equal_a_full_scan_of_the_world_as_the_clock_moves(
    world: tuple[Sandbox, Tally], step: str
) -> None:
    sandbox, tally = world
    sandbox.clock.advance({"10h": 36000, "1d": 86400, "3d": 3 * 86400, "4d": 4 * 86400}[step])
    now = sandbox.sync()
    tally.advance(now.timestamp())
    words, fates, on_time, delivered = brute_force(sandbox)
    snap = tally.snapshot()
    assert snap["numbers"]["by_status"] == dict(sorted(words.items()))
    assert snap["numbers"]["total"] == sum(words.values())
    assert snap["parcels"]["by_fate"] == dict(sorted(fates.items()))
    assert (snap["parcels"]["on_time"], snap["parcels"]["delivered"]) == (on_time, delivered)
    assert snap["events"] == sum(len(sandbox.record(r.tracking_number).visible_events(now.timestamp()))
                                 for r in sandbox.store.list(now.timestamp(), limit=10**9))  # fmt: skip
    in_network = sum(n for w, n in words.items() if w not in ("delivered", "returned", "lost"))
    assert 0 < sum(c["parcels"] for c in snap["density"]) <= in_network or not in_network
    if step == "4d":  # the world is over: most parcels finished, their states forgotten
        assert fates and sum(fates.values()) > 0.8 * snap["numbers"]["total"] / 1.2
        assert snap["delays"], "a world of 300 parcels has some delays"
        assert len(tally._parcels) < snap["numbers"]["total"] / 2


@pytest.mark.live
@pytest.mark.slow
def test_advance_works_in_slices_and_a_reset_starts_over() -> None:
    for sandbox, tally in _world():
        sandbox.clock.advance(2 * 86400)
        now = sandbox.sync().timestamp()
        pending = sum(1 for visible, _, _ in tally._events if visible <= now)
        assert pending > SLICE  # more than one slice is due (the rest is the engine's look-ahead)
        versions = tally.version
        assert tally.advance(now) >= pending  # every due scan, and the parcels that ended
        assert tally.version - versions >= 2  # one per slice: the lock was let go between them
        assert tally.advance(now) == 0  # nothing twice
        sandbox.reset()
        assert tally.snapshot()["numbers"]["total"] == 0 and tally.feed_seq == 0
        sandbox.clock.advance(86400)
        tally.advance(sandbox.sync().timestamp())
        assert tally.snapshot()["numbers"]["total"] == brute_force(sandbox)[0].total()


@pytest.mark.unit
def test_a_parcel_is_final_when_its_story_ends_not_before() -> None:
    from datetime import datetime

    from sim.events import ParcelTruth

    truth = ParcelTruth(
        "1Z", "ups", "ground", "2026-11-02T10:00:00+00:00", "2026-11-05T23:59:59+00:00", {}, {},
        fate=Fate.DELIVERED, delivered_at="2026-11-04T12:00:00+00:00",
    )  # fmt: skip
    delivered = datetime.fromisoformat("2026-11-04T12:00:00+00:00").timestamp()
    assert final_at(delivered - 3600, truth) == delivered  # a delivery after the last scan
    assert final_at(delivered + 60, truth) == delivered + 60  # a scan after the delivery


@pytest.mark.unit
def test_the_thread_asks_the_clock_without_holding_its_lock_and_ends_with_the_world() -> None:
    """Lock order is sandbox, then tally (a reset holds the sandbox's lock and calls ``reset``): the
    tally's thread must never ask the sandbox's clock while it holds its own lock."""
    import time

    calls: list[bool] = []
    tally: Tally

    def now() -> float | None:
        calls.append(tally._lock.locked())
        return None if len(calls) >= 3 else 0.0  # the world is gone after two ticks

    tally = Tally(now)
    tally.start()
    deadline = time.monotonic() + 10
    while tally._thread is not None and tally._thread.is_alive():
        assert time.monotonic() < deadline, "the tally's thread outlived its world"
        time.sleep(0.05)
    assert calls == [False, False, False]
