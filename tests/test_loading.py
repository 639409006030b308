"""Loading and unloading on tiny inputs: who makes a departure, and scans one after another."""

from __future__ import annotations

import heapq
import itertools
import math
import random
import statistics

import pytest

from sim import loading
from sim.streams import ParcelRng

pytestmark = pytest.mark.unit


def queue(*ready: float) -> list[tuple[float, int, str]]:
    q: list[tuple[float, int, str]] = []
    for i, r in enumerate(ready):
        heapq.heappush(q, (r, i, f"p{i}"))
    return q


def test_first_ready_first_loaded_up_to_the_room() -> None:
    q = queue(30.0, 10.0, 20.0, 99.0)
    loaded, left = loading.take(q, latest_ready=50.0, room=2)
    assert loaded == ["p1", "p2"] and left  # p0 was ready too, but the vehicle is full
    loaded, left = loading.take(q, latest_ready=50.0, room=5)
    assert loaded == ["p0"] and not left  # p3 is not ready by the cut-off: not left behind
    assert [item for _, _, item in q] == ["p3"]


def test_ties_in_readiness_load_in_arrival_order() -> None:
    loaded, _ = loading.take(queue(5.0, 5.0, 5.0), latest_ready=5.0, room=3)
    assert loaded == ["p0", "p1", "p2"]


def test_scans_fall_on_distinct_whole_seconds_from_the_start() -> None:
    rngs = [ParcelRng(i) for i in range(500)]
    times = loading.scan_times(1000.4, rngs, loading.UNLOAD_MEAN_S)
    assert times[0] == 1001.0
    assert all(t == int(t) for t in times)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0
    assert statistics.mean(gaps) == pytest.approx(loading.UNLOAD_MEAN_S - 0.5, rel=0.15)


def test_a_parcel_added_at_the_end_moves_no_one_before_it() -> None:
    first = loading.scan_times(0.0, [ParcelRng(i) for i in range(10)], 3.0)
    more = loading.scan_times(0.0, [ParcelRng(i) for i in range(11)], 3.0)
    assert more[:10] == first


def test_pickup_scans_spread_over_the_dock_time_in_load_order_one_a_second() -> None:
    taken: set[int] = set()
    times = loading.pickup_scan_times(1000.0, 2800.0, [ParcelRng(i) for i in range(300)], taken)
    assert times == sorted(times) and all(t == int(t) for t in times)
    assert len(set(times)) == 300 and taken == {int(t) for t in times}
    assert 1000.0 <= times[0] < 1100.0 and 2700.0 < times[-1] <= 2801.0  # over the whole dwell
    # the same truck's parcels for another lane: none at a second already used
    more = loading.pickup_scan_times(1000.0, 2800.0, [ParcelRng(1000 + i) for i in range(300)], taken)
    assert not set(more) & set(times) and len(taken) == 600


def test_a_load_bigger_than_the_dock_time_runs_over_a_second_a_parcel() -> None:
    times = loading.pickup_scan_times(0.0, 60.0, [ParcelRng(i) for i in range(100)], set())
    assert len(set(times)) == 100 and times[-1] >= 99.0


def _first_free_each(arrives: float, departs: float, rngs: list[ParcelRng], taken: set[int]) -> list[float]:
    """The definition: each instant, in order, takes the first free second at or after it."""
    out = []
    for t in sorted(arrives + (departs - arrives) * rng.random() for rng in rngs):
        s = math.ceil(t)
        while s in taken:
            s += 1
        taken.add(s)
        out.append(float(s))
    return out


def test_pickup_scans_are_the_first_free_second_for_each_parcel_whatever_the_load() -> None:
    # the search resumes after the previous scan (linear in the load): the same seconds as the
    # plain search from each parcel's own instant, for loads below and far above the dock time,
    # with seconds already taken by the truck's other lanes
    draw = random.Random(11)
    for case in range(40):
        arrives = 1000.0 + draw.random() * 50
        departs = arrives + draw.choice((30.0, 600.0, 2700.0))
        n = draw.choice((1, 5, 50, 400, 1500))
        before = {
            int(arrives) + draw.randrange(int(departs - arrives) + 500) for _ in range(draw.randrange(300))
        }
        mine, theirs = set(before), set(before)
        fast = loading.pickup_scan_times(
            arrives, departs, [ParcelRng(case * 10_000 + i) for i in range(n)], mine
        )
        plain = _first_free_each(arrives, departs, [ParcelRng(case * 10_000 + i) for i in range(n)], theirs)
        assert fast == plain and mine == theirs
