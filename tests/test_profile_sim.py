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
    # a process per parcel (demand started before counting), plus one per station-day and route and
    # per story that outlives its route (a failed attempt's check-in, a hold, a return)
    routes = timeouts["last_mile.station_day"]
    assert parcels + routes <= kinds["Initialize"] <= 4 * parcels
    assert kinds["Timeout"] == sum(timeouts.values())
    assert timeouts["demand.demand"] == parcels  # demand waits once for each parcel it makes
    assert set(timeouts) <= {
        "demand.demand",
        "linehaul.call",  # a vehicle's departure
        "linehaul.drive",  # its arrival
        "last_mile.station_day",
        "last_mile.route",
        "last_mile.pickup_point",
        "last_mile.after_failure",  # the van's check-in of a failed attempt
        "last_mile.address_hold",  # an address held for correction
        "returns.return_to_sender",
        "returns.customer_return",
        "journey.lost",
    }
    # and the scheduler is itself again afterwards
    before = kinds.total()
    simpy.Environment().timeout(1)
    assert kinds.total() == before
