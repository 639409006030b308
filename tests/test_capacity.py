"""Capacity: the computed sort-lane queue is SimPy's FIFO c-server queue, sized from the expected
load; delivery stations fill their days and spill to the next working day."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import simpy

from sim.capacity import SORT_LANES, Capacity, SortLanes, expected_loads
from sim.engine import Engine
from tests.conftest import small_scenario
from tests.tinyworld import MON_TO_FRI, MONDAY, facility

pytestmark = pytest.mark.unit


def simpy_fifo(arrivals: list[float], services: list[float], lanes: int) -> list[float]:
    """The same jobs through a SimPy ``Resource``: when each one's service ends."""
    env = simpy.Environment()
    res = simpy.Resource(env, capacity=lanes)
    done = [0.0] * len(arrivals)

    def job(i: int):
        yield env.timeout(arrivals[i])
        with res.request() as req:
            yield req
            yield env.timeout(services[i])
        done[i] = env.now

    for i in range(len(arrivals)):
        env.process(job(i))
    env.run()
    return done


def workload(seed: int, n: int) -> tuple[list[float], list[float]]:
    """Bursty arrivals (waves of simultaneous parcels, then gaps) and uneven service times."""
    rng = random.Random(seed)
    arrivals, t = [], 0.0
    while len(arrivals) < n:
        t += rng.choice([0.0, 0.0, 0.0, rng.expovariate(1 / 30), rng.expovariate(1 / 600)])
        arrivals.append(t)
    return arrivals[:n], [rng.uniform(10, 200) for _ in range(n)]


@pytest.mark.parametrize(("seed", "lanes"), [(1, 1), (2, 3), (3, SORT_LANES)])
def test_sort_lanes_finish_when_simpy_resource_would(seed: int, lanes: int) -> None:
    arrivals, services = workload(seed, 2000)
    sorter = SortLanes(lanes)
    computed = [sorter.book(a, s) for a, s in zip(arrivals, services, strict=True)]
    assert computed == pytest.approx(simpy_fifo(arrivals, services, lanes), rel=1e-12)
    waits = [c - a - s for c, a, s in zip(computed, arrivals, services, strict=True)]
    assert max(waits) > 0, "the workload must make parcels queue"


def test_a_hub_sorts_its_planned_hourly_throughput() -> None:
    hub = facility("h1", "sort_hub", "ups", "PHL")
    cap = Capacity({"h1": hub}, {"h1": 900.0}, {}, headroom=1.5)  # 1.5 × 900 / 9 = 150 an hour
    done = [cap.book_sort("h1", 0.0, 1.0) for _ in range(1600)]
    assert max(done) == pytest.approx(1600 / 150 * 3600)  # 1,600 parcels at 150 an hour
    fixed = Capacity({"h1": hub}, {"h1": 900.0}, {}, headroom=1.5, sort_per_hour=600.0)
    assert max(fixed.book_sort("h1", 0.0, 1.0) for _ in range(600)) == pytest.approx(3600)


def test_an_idle_hub_still_gets_a_minimum_size() -> None:
    hub = facility("h1", "sort_hub", "ups", "PHL")
    assert Capacity({"h1": hub}, {}, {}, headroom=1.8).sort_scale["h1"] == SORT_LANES * 3600 / (1.8 * 50 / 9)


def test_a_full_station_day_spills_to_the_next_working_day() -> None:
    ds, other = (
        facility("ds", "delivery_station", "ups", "NYC"),
        facility("ds2", "delivery_station", "ups", "BOS"),
    )
    cap = Capacity({"ds": ds, "ds2": other}, {}, {"ds": 5.0, "ds2": 0.0}, headroom=1.5)
    assert cap.station_stops == {"ds": 8, "ds2": 5}  # 1.6 × expected load, at least 5
    friday = MONDAY + timedelta(days=4)
    days = [cap.book_delivery_day("ds", friday, MON_TO_FRI) for _ in range(20)]
    monday, tuesday = friday + timedelta(days=3), friday + timedelta(days=4)
    assert days == [friday] * 8 + [monday] * 8 + [tuesday] * 4
    assert cap.book_delivery_day("ds2", friday, MON_TO_FRI) == friday  # stations are independent
    assert cap.book_delivery_day("ds", date(2026, 3, 9), MON_TO_FRI) == tuesday  # Monday is full


def test_expected_loads_carry_the_whole_demand_to_stations() -> None:
    scenario = small_scenario()
    world = Engine(scenario).world
    hubs, stations = expected_loads(scenario, world.plan, world.destinations)
    # every parcel ends at one station; a station's load is per pickup day (7 / pickup days)
    per_week = sum(
        scenario.demand.parcels_per_day
        * cfg.share
        * 7
        / len(world.plan.pickup_days[c])
        * sum(cfg.services.values())
        for c, cfg in scenario.carriers.items()
    )
    assert sum(stations.values()) == pytest.approx(per_week, rel=0.01)
    assert all(world.net.facilities[h].kind == "sort_hub" for h in hubs)
    assert sum(hubs.values()) >= scenario.demand.parcels_per_day  # every routed parcel meets a hub
