"""The collector while a world runs (``sim.collector``): the young generation's threshold is raised
inside, put back outside, by the outermost caller only, and a world advances inside it."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from sim import collector
from sim.collector import YOUNG_THRESHOLD, fewer_collections
from sim.engine import Engine
from tests.conftest import small_scenario


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    # The threshold is process-wide: under pytest-xdist an engine thread of another test's sandbox
    # may be inside a step of its own (then it, the outermost caller, puts the threshold back, not
    # us). Start when no world is running in this process.
    deadline = time.monotonic() + 120
    while collector._depth and time.monotonic() < deadline:
        time.sleep(0.05)
    assert collector._depth == 0, "a world kept running in this process for two minutes"
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        yield gc.get_threshold()
    finally:
        gc.set_threshold(*saved)


def settled() -> tuple[int, int, int]:
    """The threshold once no world runs in this process: an engine thread of another test's sandbox
    may have entered after us, and then it (the last one out) puts ours back, later."""
    deadline = time.monotonic() + 120
    while collector._depth and time.monotonic() < deadline:
        time.sleep(0.05)
    return gc.get_threshold()


@pytest.mark.unit
def test_raised_inside_and_put_back_after(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert settled() == default_thresholds


@pytest.mark.unit
def test_nested_callers_restore_only_when_the_last_leaves(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD  # the outer world is still running
    assert settled() == default_thresholds


@pytest.mark.unit
def test_put_back_when_the_body_raises(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a world failed")
    assert settled() == default_thresholds


@pytest.mark.unit
def test_a_switched_off_or_higher_threshold_is_left_alone() -> None:
    saved = gc.get_threshold()
    try:
        for mine in ((0, 10, 10), (YOUNG_THRESHOLD * 2, 5, 5)):
            gc.set_threshold(*mine)
            with fewer_collections():
                assert gc.get_threshold() == mine
            assert gc.get_threshold() == mine
    finally:
        gc.set_threshold(*saved)


@pytest.mark.unit
def test_the_world_advances_under_it(default_thresholds: tuple[int, int, int]) -> None:
    engine = Engine(small_scenario(demand={"parcels_per_day": 50}), seed=1)
    seen: list[int] = []

    def probe(env):  # type: ignore[no-untyped-def]
        while True:
            seen.append(gc.get_threshold()[0])
            yield env.timeout(3600)

    engine.env.process(probe(engine.env))
    engine.advance(6 * 3600.0)
    assert seen and set(seen) == {YOUNG_THRESHOLD}
    assert settled() == default_thresholds


@pytest.mark.unit
def test_a_batch_run_holds_nothing_between_steps_so_an_abandoned_run_leaks_nothing(
    default_thresholds: tuple[int, int, int],
) -> None:
    scenario = small_scenario(demand={"parcels_per_day": 20}, duration="6h", drain="1d")
    between = [gc.get_threshold() for _ in Engine(scenario, seed=2).run()]
    assert len(between) > 2 and set(between) == {default_thresholds}  # the caller's own, between steps
    abandoned = Engine(scenario, seed=2).run()
    next(abandoned)  # a caller that stops reading after one step
    assert settled() == default_thresholds
    del abandoned


@pytest.mark.unit
def test_a_batch_run_switches_collection_off_and_puts_it_back(
    default_thresholds: tuple[int, int, int],
) -> None:
    with fewer_collections(batch=True):
        assert gc.get_threshold() == (0, 10, 10)
        with fewer_collections():  # a world's step inside the batch leaves it off
            assert gc.get_threshold()[0] == 0
        with fewer_collections(batch=True):
            assert gc.get_threshold()[0] == 0
    assert settled() == default_thresholds
    saved = gc.get_threshold()
    try:
        gc.set_threshold(YOUNG_THRESHOLD * 2, 5, 5)  # a higher threshold is switched off too
        with fewer_collections(batch=True):
            assert gc.get_threshold() == (0, 5, 5)
        assert gc.get_threshold() == (YOUNG_THRESHOLD * 2, 5, 5)
    finally:
        gc.set_threshold(*saved)


#: What the collector may find after a world ran with collection off: the set-up garbage of the
#: address lexicons (Faker's providers: ~680 objects), however many parcels the world made.
SET_UP_GARBAGE = 1_000


@pytest.mark.unit
def test_a_world_makes_no_reference_cycles_so_a_batch_run_needs_no_collector() -> None:
    # a batch run collects nothing (fewer_collections(batch=True)): a cycle per parcel or per scan
    # would grow its memory with every parcel. Run a world with collection off and see what only
    # the collector could free.
    engine = Engine(small_scenario(), seed=3)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        scans = sum(len(evs) for evs, _ in engine.run())
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            found = gc.collect()
            kinds = {type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage}
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    finally:
        if was:
            gc.enable()
    assert engine.parcels_created > SET_UP_GARBAGE and scans > 10 * SET_UP_GARBAGE
    assert found < SET_UP_GARBAGE, sorted(kinds)
    world_kinds = {k for k in kinds if k.startswith(("sim.", "simpy.", "mock_carriers."))}
    assert not world_kinds and not kinds & {"builtins.generator", "builtins.function", "builtins.cell"}
