"""World._sold_promise: the sold promise remembered per ship day is the one ``promises.promise``
sells at every label time of that day (before and after the cut-off, across a weekend)."""

from __future__ import annotations

import pytest

from sim import promises
from sim.engine import Engine
from sim.events import Service
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


def test_a_remembered_promise_is_the_one_sold_at_every_label_time() -> None:
    world = Engine(small_scenario()).world
    fc = world.plan.fcs("ups")[0]
    dests = [world.destinations.pick("ups", Service.GROUND, fc.place.country, u) for u in (0.1, 0.5, 0.9)]
    checked = hits = 0
    for dest in dests:
        assert dest is not None
        for step in range(0, 5 * 86400, 1747):  # five days of label times, odd steps through the cut-off
            now = world.start_epoch + step
            before = len(world._sold)
            got = world._sold_promise("ups", Service.GROUND, fc, dest, now)
            hits += len(world._sold) == before
            assert got == promises.promise("ups", "ground", fc.place, dest, now), (dest.key, step)
            checked += 1
    assert hits > checked // 2  # most labels of a day share their promise
    assert len({p.ship_day for p in world._sold.values()}) >= 3  # and several ship days were seen
