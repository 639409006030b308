"""Capacity: hubs sort at a rate scaled from the expected load (the wave queue itself is
``tests/test_waves.py``'s), vehicles are sized from their lane's load, delivery stations fill their
days and spill to the next working day."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from sim.capacity import MIN_HUB_LOAD, MIN_VEHICLE_LOAD, SAMPLE_SIGMAS, Capacity, expected_loads
from sim.engine import Engine
from tests.conftest import small_scenario
from tests.tinyworld import MON_TO_FRI, MONDAY, at, facility

pytestmark = pytest.mark.unit


def test_a_hub_sorts_at_its_scaled_rate_inside_its_waves() -> None:
    hub = facility("h1", "sort_hub", "dhl", "PHL")  # a carrier with no US load plan: the generic hub
    cap = Capacity({"h1": hub}, {"h1": 900.0}, {}, headroom=2.0)
    # Worldport's peak hour is ~21 % of its day: 900 a day sorts at 187.2 an hour at full rate
    assert cap.sorters["h1"].per_hour == pytest.approx(900 * 416_000 / 2_000_000)
    twilight = at(MONDAY, 16, 30)
    done = [cap.book_sort("h1", twilight, 1.0) for _ in range(100)]
    assert done[-1] == pytest.approx(twilight + 100 * 3600 / cap.sorters["h1"].per_hour)
    fixed = Capacity({"h1": hub}, {"h1": 900.0}, {}, headroom=2.0, sort_per_hour=600.0)
    assert fixed.sorters["h1"].per_hour == 600.0
    # an idle hub is still sized for MIN_HUB_LOAD parcels a day
    idle = Capacity({"h1": hub}, {}, {}, headroom=2.0)
    assert idle.sorters["h1"].per_hour == pytest.approx(MIN_HUB_LOAD * 416_000 / 2_000_000)


def test_a_closed_hub_sorts_nothing_until_it_reopens() -> None:
    hub = facility("h1", "sort_hub", "ups", "PHL")
    outage = (at(MONDAY, 17), at(MONDAY, 23))
    cap = Capacity({"h1": hub}, {"h1": 900.0}, {}, headroom=2.0, closed={"h1": [outage]})
    assert cap.book_sort("h1", at(MONDAY, 17, 30), 1.0) > outage[1]


def noise(day_share: float) -> int:
    """The sample's day-to-day noise a vehicle's room allows on top (sim.capacity.SAMPLE_SIGMAS)."""
    return math.ceil(SAMPLE_SIGMAS * math.sqrt(day_share))


def test_a_vehicle_carries_half_its_lanes_day_times_the_headroom() -> None:
    a, b = facility("a", "sort_hub", "ups", "PHL"), facility("b", "sort_hub", "ups", "BOS")
    cap = Capacity({"a": a, "b": b}, {}, {}, headroom=2.0, lane_load={("a", "b"): 301.0})
    assert cap.vehicle_load("a", "b") == 301 + noise(150.5) == 338
    assert cap.vehicle_load("b", "a") == MIN_VEHICLE_LOAD  # a lane nothing is planned on
    assert cap.vehicle_load("a", "b", departures=1) == 602 + noise(301)  # one a day: the whole day
    # a load plan's ten trailers a week carry the week's load: 0.7 of a day each
    assert cap.vehicle_load("a", "b", departures=10 / 7) == 422 + noise(0.7 * 301)


def test_a_vehicle_allows_for_the_samples_noise_most_on_a_small_lane() -> None:
    """The world runs a sample of the carrier's volume: a lane's day in it varies by about √n, which
    the real lane's thousands do not, so a vehicle's room allows SAMPLE_SIGMAS of it — ~30 % more
    room on a lane of 10 parcels a day, under 2 % on one of 30,000."""
    a, b = facility("a", "sort_hub", "ups", "PHL"), facility("b", "sort_hub", "ups", "BOS")
    small = Capacity({"a": a, "b": b}, {}, {}, headroom=2.0, lane_load={("a", "b"): 20.0})
    big = Capacity({"a": a, "b": b}, {}, {}, headroom=2.0, lane_load={("a", "b"): 60_000.0})
    assert small.vehicle_load("a", "b") / 20.0 - 1 > 0.4
    assert big.vehicle_load("a", "b") / 60_000.0 - 1 < 0.02


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
    hubs, stations, lanes = expected_loads(scenario, world.plan, world.destinations)
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
    # every parcel leaves a fulfilment centre once a day on some lane
    from_fcs = sum(load for (src, _), load in lanes.items() if src.startswith("fc-"))
    assert from_fcs == pytest.approx(scenario.demand.parcels_per_day, rel=0.01)
    assert sum(hubs.values()) > 0.9 * scenario.demand.parcels_per_day  # all but local parcels meet a hub


def test_a_parcel_centre_is_sized_to_clear_a_days_pickups_in_its_profiles_time() -> None:
    from sim.capacity import clearing_rate
    from sim.profiles import hub_operations

    assert clearing_rate(120.0, 2 * 3600.0, 2.0) == pytest.approx(60.0)
    assert clearing_rate(120.0, 2 * 3600.0, 3.0) == pytest.approx(90.0)  # with the scenario's headroom
    ops = hub_operations("dhl", "DE")
    assert ops is not None and ops.clear_s == 2 * 3600.0
    assert hub_operations("dhl", "US") is None and hub_operations("acme", "DE") is None


def test_a_usps_plant_sorts_its_published_capacity_over_a_normal_day() -> None:
    from sim import waves
    from sim.capacity import plant_rate_per_hour
    from sim.profiles.usps import PLANT_CAPACITY_DAYS

    assert PLANT_CAPACITY_DAYS == pytest.approx(29 / 24)  # OIG: ~29 M a day against ~24 M received
    hours = waves.full_rate_hours(waves.HUB_WAVES)
    assert plant_rate_per_hour(900.0, 1.2, waves.HUB_WAVES, 2.0) == pytest.approx(900 * 1.2 / hours)
    assert plant_rate_per_hour(900.0, 1.2, waves.HUB_WAVES, 4.0) == pytest.approx(2 * 900 * 1.2 / hours)
    plant, hub = facility("p", "sort_hub", "usps", "PHL"), facility("h", "sort_hub", "dhl", "PHL")
    cap = Capacity({"p": plant, "h": hub}, {"p": 900.0, "h": 900.0}, {}, headroom=2.0)
    # a day of the plant's waves at full rate sorts 1.21 of its normal days, the generic hub ~3.4
    assert cap.sorters["p"].per_hour * hours == pytest.approx(900 * 29 / 24)
    assert cap.sorters["h"].per_hour == pytest.approx(900 * 416_000 / 2_000_000)
    assert cap.sorters["p"].per_hour < cap.sorters["h"].per_hour
    fixed = Capacity({"p": plant}, {"p": 900.0}, {}, headroom=2.0, sort_per_hour=600.0)
    assert fixed.sorters["p"].per_hour == 600.0  # a scenario's own sort rate wins


def test_ups_aircraft_carry_its_published_peak_air_capacity() -> None:
    from sim.profiles.ups import AIR_CAPACITY_DAYS

    assert AIR_CAPACITY_DAYS == pytest.approx(4.0 / 1.8 * 7 / 5)  # Worldport > 4 M at peak vs ~1.8 M
    a, b = facility("a", "sort_hub", "ups", "ONT"), facility("b", "sort_hub", "ups", "SDF")
    c, d = facility("c", "sort_hub", "usps", "LAX"), facility("d", "sort_hub", "usps", "MEM")
    lanes = {("a", "b"): 100.0, ("c", "d"): 100.0}
    cap = Capacity({f.id: f for f in (a, b, c, d)}, {}, {}, headroom=2.0, lane_load=lanes)
    assert cap.vehicle_load("a", "b", 1, "air") == 312 + noise(100)  # 3.11 normal days of the lane
    assert cap.vehicle_load("a", "b", 1, "truck") == 200 + noise(100)  # its trucks: the generic vehicle
    assert cap.vehicle_load("c", "d", 1, "air") == 200 + noise(100)  # no published air capacity
    half = Capacity({f.id: f for f in (a, b)}, {}, {}, headroom=1.0, lane_load=lanes)
    assert half.vehicle_load("a", "b", 1, "air") == 156 + noise(100)  # in proportion to the headroom


def test_a_load_plan_carriers_hubs_sort_a_week_of_line_haul_in_five_days() -> None:
    """UPS's and FedEx's US long hauls run on weekdays only (their load plans): their US hubs sort at
    7/5 of the generic rate; the same carrier's German hubs, and a carrier without a plan, do not."""
    us, de = facility("u", "sort_hub", "ups", "PHL"), facility("g", "sort_hub", "ups", "FRA")
    other = facility("o", "sort_hub", "dhl", "PHL")
    loads = {"u": 900.0, "g": 900.0, "o": 900.0}
    cap = Capacity({f.id: f for f in (us, de, other)}, loads, {}, headroom=2.0)
    assert cap.sorters["u"].per_hour == pytest.approx(cap.sorters["o"].per_hour * 7 / 5)
    assert cap.sorters["g"].per_hour < cap.sorters["u"].per_hour
