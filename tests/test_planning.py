"""Plans on the four-node network (tests/tinyworld.py): routes, lanes, the planned delivery day,
and the promise a service is sold with."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sim import places, timing
from sim.events import Service
from sim.network import HUB_TO_STATION_DEPARTURES, Lane
from sim.planning import CUSTOMS_PLANNING_S, Planner, promise_day
from tests.tinyworld import MON_TO_FRI, MON_TO_SAT, MONDAY, H, add_lane, at, facility, tiny_network

pytestmark = pytest.mark.unit

TUE, WED = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
THU, FRI, SAT = MONDAY + timedelta(days=3), MONDAY + timedelta(days=4), MONDAY + timedelta(days=5)
NEXT_MON, NEXT_TUE = MONDAY + timedelta(days=7), MONDAY + timedelta(days=8)
PLACE_NYC = places.PLACES["NYC"]


def planner(station_place: str = "NYC") -> Planner:
    net = tiny_network(station_place=station_place)
    return Planner(net, delivery_days={"ups": MON_TO_SAT}, pickup_days={"ups": MON_TO_SAT})


# --- the planned delivery day ---------------------------------------------------------------


def test_labelled_before_the_pickup_cutoff_goes_out_the_next_morning() -> None:
    # Mon 09:00 label → 11:00 pickup → h1 13:00 → sorted 14:00 → Tue 04:00 trailer → ds 05:00,
    # before the station's 08:00 cut-off: out for delivery Tuesday.
    assert planner().delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(MONDAY, 9)) == TUE


def test_missing_the_pickup_cutoff_costs_a_day() -> None:
    # 10:30 is less than an hour before the 11:00 pickup: Tuesday's pickup, Wednesday's delivery
    assert planner().delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(MONDAY, 10, 30)) == WED


def test_the_hub_sort_and_loading_cutoff_decide_the_trailer() -> None:
    route = ["fc", "h1", "ds"]
    # ready 02:30: sorted 03:30, loaded by the 04:00 trailer's 30-minute cut-off
    assert planner().delivery_day("ups", False, route, 1, at(TUE, 2, 30)) == TUE
    # ready 02:45: sorted 03:45, past the cut-off — Wednesday's trailer
    assert planner().delivery_day("ups", False, route, 1, at(TUE, 2, 45)) == WED


def test_a_border_adds_the_customs_allowance() -> None:
    # the same plan into Toronto: ds at 05:00 + 4 h customs = 09:00, after the 08:00 cut-off
    assert CUSTOMS_PLANNING_S == 4 * H
    assert planner("YYZ").delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(MONDAY, 9)) == WED


def test_no_pickup_on_the_carriers_days_off() -> None:
    p = planner()
    p.pickup_days["ups"] = MON_TO_FRI
    # labelled Saturday morning: Monday's pickup, Tuesday's delivery
    assert p.delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(SAT, 8)) == NEXT_TUE


# --- routes and lanes -----------------------------------------------------------------------


def test_a_route_is_the_fastest_path_to_the_destinations_station() -> None:
    p = planner()
    assert p.route("ups", Service.GROUND, p.net.facilities["fc"], PLACE_NYC, None) == (
        ["fc", "h1", "ds"],
        None,
    )
    assert p.route("ups", Service.GROUND, p.net.facilities["fc"], places.PLACES["CHI"], None) is None


def test_a_partner_takes_the_last_mile_from_the_last_hub() -> None:
    p = planner()
    partner_ds = facility("usps-ds", "delivery_station", "usps", "NYC")
    p.net.facilities[partner_ds.id] = partner_ds
    p.net.stations[("usps", "NYC")] = partner_ds.id
    route = p.route("ups", Service.ECONOMY, p.net.facilities["fc"], PLACE_NYC, "usps")
    assert route == (["fc", "h1", "usps-ds"], 1)  # handed over at h1, index 1
    # the hand-over leg is no lane of either network: a local shuttle on the station schedule
    lane = p.lane("ups", False, "h1", "usps-ds")
    assert lane.mode == "truck" and lane.departures == HUB_TO_STATION_DEPARTURES
    assert lane.duration_s == timing.truck_seconds(lane.distance_km)


def test_same_day_goes_straight_to_the_station_when_a_direct_lane_exists() -> None:
    p = planner()
    fc = p.net.facilities["fc"]
    assert p.route("ups", Service.SAME_DAY, fc, PLACE_NYC, None) == (["fc", "h1", "ds"], None)
    add_lane(p.net.graph("ups", True), Lane("fc", "ds", "truck", 20.0, timing.LOCAL_TRUCK_S, (9 * H,)))
    assert p.route("ups", Service.SAME_DAY, fc, PLACE_NYC, None) == (["fc", "ds"], None)
    assert p.route("ups", Service.GROUND, fc, PLACE_NYC, None) == (["fc", "h1", "ds"], None)


def test_fulfilment_centres_are_those_in_the_carriers_hub_countries() -> None:
    p = planner()
    assert [f.id for f in p.fcs("ups")] == ["fc"]
    assert p.fcs("dhl") == []  # no hubs, no pickups


# --- promises -------------------------------------------------------------------------------


def test_next_day_and_two_day_promise_their_business_days_or_the_slower_plan() -> None:
    # next-day shipped Friday on a Mon–Fri carrier: Monday, even if the plan is as fast
    assert promise_day(Service.NEXT_DAY, NEXT_MON, FRI, MON_TO_FRI, MON_TO_FRI, False) == NEXT_MON
    # a slower plan is promised as planned
    assert promise_day(Service.NEXT_DAY, NEXT_TUE, FRI, MON_TO_FRI, MON_TO_FRI, False) == NEXT_TUE
    # two-day shipped Thursday: Monday, though the plan would make Friday
    assert promise_day(Service.TWO_DAY, FRI, THU, MON_TO_FRI, MON_TO_FRI, False) == NEXT_MON


def test_economy_adds_a_day_on_whoever_runs_the_last_mile() -> None:
    assert promise_day(Service.ECONOMY, FRI, MONDAY, MON_TO_FRI, MON_TO_SAT, False) == SAT
    assert promise_day(Service.ECONOMY, FRI, MONDAY, MON_TO_SAT, MON_TO_FRI, False) == NEXT_MON


def test_cross_border_adds_a_day_and_domestic_ground_promises_the_plan() -> None:
    assert promise_day(Service.GROUND, FRI, MONDAY, MON_TO_FRI, MON_TO_FRI, True) == NEXT_MON
    assert promise_day(Service.GROUND, FRI, MONDAY, MON_TO_FRI, MON_TO_FRI, False) == FRI
    assert promise_day(Service.INTERNATIONAL, WED, MONDAY, MON_TO_SAT, MON_TO_SAT, True) == THU


def test_the_planner_promises_from_its_own_plan() -> None:
    p = planner()
    fc = p.net.facilities["fc"]
    created = at(MONDAY, 9)
    ground = p.promise("ups", Service.GROUND, None, ["fc", "h1", "ds"], fc, False, created)
    assert ground == TUE
    two_day = p.promise("ups", Service.TWO_DAY, None, ["fc", "h1", "ds"], fc, False, created)
    assert two_day == WED
    assert isinstance(two_day, date)
