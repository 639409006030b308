"""Plans on the four-node network (tests/tinyworld.py): routes, lanes, the planned delivery day,
and the promise a service is sold with."""

from __future__ import annotations

from datetime import timedelta

import networkx as nx
import pytest

from sim import places, travel
from sim.events import Service
from sim.lanes import EXCHANGE_DEPARTURES, Lane
from sim.planning import CUSTOMS_PLANNING_S, Planner
from tests.tinyworld import MON_TO_FRI, MON_TO_SAT, MONDAY, H, add_lane, at, facility, tiny_network

pytestmark = pytest.mark.unit

TUE, WED = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
THU, FRI, SAT = MONDAY + timedelta(days=3), MONDAY + timedelta(days=4), MONDAY + timedelta(days=5)
NEXT_MON, NEXT_TUE = MONDAY + timedelta(days=7), MONDAY + timedelta(days=8)
PLACE_NYC = places.PLACES["NYC"]


def nx_graph() -> nx.DiGraph:
    return nx.DiGraph()


def planner(station_place: str = "NYC") -> Planner:
    net = tiny_network(station_place=station_place)
    return Planner(net, delivery_days={"ups": MON_TO_SAT}, pickup_days={"ups": MON_TO_SAT})


# --- the planned delivery day ---------------------------------------------------------------


def test_labelled_before_the_pickup_cutoff_goes_out_the_next_morning() -> None:
    # Mon 09:00 label → 11:00 pickup → h1 13:40 (2 h and 40 minutes' slack for the vehicle) →
    # sorted in the day wave by 14:40 → Tue 04:00 trailer → ds 05:40, before the station's 08:00
    # cut-off: out for delivery Tuesday.
    assert planner().delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(MONDAY, 9)) == TUE


def test_missing_the_pickup_cutoff_costs_a_day() -> None:
    # 10:30 is less than an hour before the 11:00 pickup: Tuesday's pickup, Wednesday's delivery
    assert planner().delivery_day("ups", False, ["fc", "h1", "ds"], 0, at(MONDAY, 10, 30)) == WED


def test_the_hub_sort_and_loading_cutoff_decide_the_trailer() -> None:
    route = ["fc", "h1", "ds"]
    # ready 02:30 in the night wave: sorted 03:30, loaded by the 04:00 trailer's 30-minute cut-off
    assert planner().delivery_day("ups", False, route, 1, at(TUE, 2, 30)) == TUE
    # ready 02:45: sorted 03:45, past the cut-off — Wednesday's trailer
    assert planner().delivery_day("ups", False, route, 1, at(TUE, 2, 45)) == WED
    # ready 08:15, between the sunrise and day waves: sorted from 09:30, so Wednesday's trailer
    # even though an hour's sort at 08:15 would make nothing earlier either
    assert planner().delivery_day("ups", False, route, 1, at(TUE, 8, 15)) == WED


def test_a_plan_waits_for_the_hubs_next_wave() -> None:
    # ready at 14:10, after the day wave: the twilight wave opens 16:30, sorted 17:30; the only
    # trailer is 04:00, so nothing changes here, but a lane leaving at 17:00 is missed
    route = ["fc", "h1", "ds"]
    p = planner()
    add_lane(p.net.graph("ups", False), Lane("h1", "ds", "truck", 130.0, 1 * H, (4 * H, 17 * H)))
    p._lanes.clear()
    assert p.delivery_day("ups", False, route, 1, at(TUE, 14, 10)) == WED  # 14:10 + 1 h would make 17:00


def test_a_border_adds_the_customs_allowance() -> None:
    # the same plan into Toronto: ds at 05:40 + 4 h customs = 09:40, after the 08:00 cut-off
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


def test_a_partner_takes_the_last_mile_at_its_office_in_the_city() -> None:
    p = planner()
    partner_ds = facility("usps-ds", "delivery_station", "usps", "NYC")
    p.net.facilities[partner_ds.id] = partner_ds
    p.net.stations[("usps", "NYC")] = partner_ds.id
    usps = nx_graph()
    usps.add_node("usps-ds")
    p.net.graphs[("usps", "ground")] = p.net.graphs[("usps", "express")] = usps
    route = p.route("ups", Service.ECONOMY, p.net.facilities["fc"], PLACE_NYC, "usps")
    # the carrier's own station drops it at the post office, index 3, where it is handed over
    assert route == (["fc", "h1", "ds", "usps-ds"], 3)
    # the hand-over leg is no lane of either network: a van before the post office's morning sort
    lane = p.lane("ups", False, "ds", "usps-ds")
    assert lane.mode == "truck" and lane.departures == EXCHANGE_DEPARTURES
    assert lane.duration_s == travel.drive(travel.road_km(lane.distance_km, "US"), "US").duration_s
    # and back: from the post office to the carrier's station, then its network home
    add_lane(p.net.graph("ups", False), Lane("ds", "h1", "truck", 130.0, 1 * H, (19 * H,)))
    add_lane(p.net.graph("ups", False), Lane("h1", "fc", "truck", 120.0, 2 * H, (10 * H,)))
    back = p.return_route("ups", "usps", route[0], route[1], "usps-ds", "fc")
    assert back == ["usps-ds", "ds", "h1", "fc"]


def test_across_a_border_the_partner_takes_over_at_its_exchange_office_nearest_the_recipient() -> None:
    net = tiny_network()
    # a Canadian post with offices of exchange in Toronto and Vancouver, and a depot in Montreal
    cp = {
        "cp-hub-YYZ": facility("cp-hub-YYZ", "sort_hub", "canadapost", "YYZ"),
        "cp-hub-YVR": facility("cp-hub-YVR", "sort_hub", "canadapost", "YVR"),
        "cp-ds-YUL": facility("cp-ds-YUL", "delivery_station", "canadapost", "YUL"),
    }
    net.facilities.update(cp)
    net.stations[("canadapost", "YUL")] = "cp-ds-YUL"
    g = nx_graph()
    add_lane(g, Lane("cp-hub-YYZ", "cp-ds-YUL", "truck", 500.0, 7 * H, (4 * H,)))
    add_lane(g, Lane("cp-hub-YVR", "cp-hub-YYZ", "air", 3300.0, 7 * H, (4 * H,)))
    net.graphs[("canadapost", "ground")] = net.graphs[("canadapost", "express")] = g
    p = Planner(net, delivery_days={"ups": MON_TO_SAT}, pickup_days={"ups": MON_TO_SAT})
    planned = p.route("ups", Service.INTERNATIONAL, net.facilities["fc"], places.PLACES["YUL"], "canadapost")
    assert planned is not None
    route, handover = planned
    assert handover is not None
    # Montreal's nearest exchange office is Toronto's; ups's gateway nearest it is Philadelphia (h1)
    assert route == ["fc", "h1", "cp-hub-YYZ", "cp-ds-YUL"]
    assert route[handover] == "cp-hub-YYZ", "handed over in the destination country, not at the origin"
    # the lane between the two networks: a truck, Philadelphia to Toronto being under 1,000 km
    assert p.lane("ups", True, "h1", "cp-hub-YYZ").mode == "truck"


def test_same_day_goes_straight_to_the_station_when_a_direct_lane_exists() -> None:
    p = planner()
    fc = p.net.facilities["fc"]
    assert p.route("ups", Service.SAME_DAY, fc, PLACE_NYC, None) == (["fc", "h1", "ds"], None)
    add_lane(p.net.graph("ups", True), Lane("fc", "ds", "truck", 20.0, 45 * 60, (9 * H,)))
    assert p.route("ups", Service.SAME_DAY, fc, PLACE_NYC, None) == (["fc", "ds"], None)
    assert p.route("ups", Service.GROUND, fc, PLACE_NYC, None) == (["fc", "h1", "ds"], None)


def test_fulfilment_centres_are_those_in_the_carriers_hub_countries() -> None:
    p = planner()
    assert [f.id for f in p.fcs("ups")] == ["fc"]
    assert p.fcs("dhl") == []  # no hubs, no pickups
