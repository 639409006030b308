"""bench/profile_sim.py: the scheduler counts docs/profile-sim.md quotes are right."""

from __future__ import annotations

import pytest
import simpy

from bench.profile_sim import counting
from sim.engine import Engine
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


def test_counting_sees_every_event_and_charges_timeouts_to_process_steps() -> None:
    engine = Engine(small_scenario(duration="1d"))
    with counting() as (kinds, timeouts):
        for _ in engine.run():
            pass
    parcels = engine.parcels_created
    assert parcels > 300
    assert kinds["Initialize"] == parcels  # one process per parcel (demand started before counting)
    assert kinds["Timeout"] == sum(timeouts.values())
    assert timeouts["demand.demand"] == parcels  # demand waits once for each parcel it makes
    assert set(timeouts) <= {
        "demand.demand",
        "linehaul.travel",
        "linehaul.depart",
        "hub.sort",
        "hub.customs",
        "last_mile.last_mile",
        "last_mile.pickup_point",
        "returns.customer_return",
        "journey.lost",
    }
    # and the scheduler is itself again afterwards
    before = kinds.total()
    simpy.Environment().timeout(1)
    assert kinds.total() == before
