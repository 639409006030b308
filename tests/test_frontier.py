"""The frontier contract: the engine's event log is complete up to ``Engine.frontier`` — no scan
that a later ``advance`` returns is visible (``visible_at``) at or before the frontier it had
reached. Batches write scans with their own instants: ahead (a trailer's unload, a hub's sort,
customs), handed out once they have occurred; or a little behind (a courier's stops, a pickup
point's drop-off), uploaded from the moment they are written, so they become visible after it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sim.engine import Engine
from tests.conftest import small_scenario

pytestmark = pytest.mark.slow


def test_no_scan_is_written_after_the_engine_passed_it() -> None:
    scenario = small_scenario(demand={"parcels_per_day": 300}, incidents={"customs_hold": 0.3})
    engine = Engine(scenario, seed=3)
    assert engine.frontier == engine.now == scenario.start
    end = engine.end
    assert end is not None
    step = timedelta(minutes=7)  # finer than any batch: a trailer's unload takes minutes
    emitted = waiting = behind = 0
    while engine.now < end:
        before = engine.frontier
        events = engine.advance(min(end, engine.now + step))
        for e in events:
            occurred = datetime.fromisoformat(e.occurred_at)
            visible = datetime.fromisoformat(e.visible_at)
            assert visible > before, f"{e.tracking_number} {e.code} visible {e.visible_at}, frontier {before}"
            assert occurred <= engine.frontier, "handed out before it occurred"
            assert visible >= occurred
            behind += occurred < before
        emitted += len(events)
        waiting = max(waiting, engine.world.ledger.waiting)
        assert engine.frontier == engine.now
    assert emitted > 5_000
    assert waiting > 0, "batches are written ahead (the contract allows it; this run must exercise it)"
    assert behind > 0, "courier stops are stamped behind (the contract allows it; this run must too)"
