"""Routing on a four-node network: the fastest plan, and the way round a hub that is down."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from sim import timing, travel
from sim.lanes import AIR_BANK_OUTBOUND_S, EXCHANGE_DEPARTURES, Lane, bank_slot, hub_pairs, km_between
from sim.network import (
    AIR_HUBS,
    CROSS_BORDER_TRUCK_KM,
    NEIGHBOUR_HUBS,
    Network,
    build_network,
)
from sim.profiles import load_plan, regional_air_hubs
from sim.scenario import load_scenario
from tests.tinyworld import MONDAY, H, at, facility, tiny_network

pytestmark = pytest.mark.unit


def test_a_lane_expects_travel_half_a_headway_and_a_sort() -> None:
    daily = Lane("a", "b", "truck", 100.0, 2 * H, (6 * H,))
    twice = Lane("a", "b", "truck", 100.0, 2 * H, (6 * H, 18 * H))
    assert daily.expected_s == 2 * H + 12 * H + timing.NOMINAL_SORT_S
    assert twice.expected_s == 2 * H + 6 * H + timing.NOMINAL_SORT_S
    # a load plan's trailer that runs five days a week waits longer on average
    weekdays = Lane("a", "b", "truck", 100.0, 2 * H, (6 * H,), runs=(frozenset(range(5)),))
    assert weekdays.expected_s == pytest.approx(2 * H + 7 * 24 * H / 5 / 2 + timing.NOMINAL_SORT_S)
    assert weekdays.daily_departures == 5 / 7 and twice.daily_departures == 2
    # its vehicle takes a whole normal day of the lane (extra sections); others share out the day
    assert weekdays.vehicle_departures == 1 and twice.vehicle_departures == 2


def test_long_hauls_run_on_the_load_plan_and_short_lanes_after_every_wave(baseline_net: Network) -> None:
    for carrier in ("ups", "fedex"):
        plan = load_plan(carrier, "US")
        assert plan is not None
        g = baseline_net.graphs[(carrier, "ground")]
        lanes = [
            d["lane"]
            for a, b, d in g.edges(data=True)
            if {baseline_net.facilities[x].kind for x in (a, b)} == {"sort_hub"}
            and baseline_net.facilities[a].place.country == baseline_net.facilities[b].place.country == "US"
        ]
        long = [x for x in lanes if x.duration_s > plan.min_drive_s]
        assert long and all(x.departures == plan.departures and x.runs == plan.runs for x in long)
        short = [x for x in lanes if x.duration_s <= plan.min_drive_s]
        assert short and all(x.runs is None and len(x.departures) > 2 for x in short)
    # a carrier without a load plan keeps every lane on the waves
    assert load_plan("usps", "US") is None
    assert all(d["lane"].runs is None for *_, d in baseline_net.graphs[("usps", "ground")].edges(data=True))


def test_the_fastest_route_wins() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds") == ("fc", "h1", "ds")  # 29 h expected against 31 h


def test_a_down_hub_is_routed_around() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds", frozenset({"h1"})) == ("fc", "h2", "ds")
    # the detour is cached per avoided set: the normal plan is untouched
    assert net.route("ups", False, "fc", "ds") == ("fc", "h1", "ds")


def test_no_way_round_means_no_route() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds", frozenset({"h1", "h2"})) is None


def test_a_down_destination_is_unreachable_but_a_down_origin_can_still_dispatch() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "h1", frozenset({"h1"})) is None
    # a parcel already inside the hub that went down leaves by its outbound lanes
    assert net.route("ups", False, "h1", "ds", frozenset({"h1"})) == ("h1", "ds")


def test_unknown_source_has_no_routes() -> None:
    assert tiny_network().route("ups", False, "nowhere", "ds") is None


# --- the hub-and-spoke network the scenarios get ------------------------------------------------


@pytest.fixture(scope="module")
def baseline_net() -> Network:
    return build_network(load_scenario("baseline")[0])


@pytest.fixture(scope="module")
def world_net() -> Network:
    return build_network(load_scenario("international_customs")[0])


def hub_lanes(net: Network, carrier: str, mode: str = "ground") -> dict[str, set[str]]:
    g = net.graphs[(carrier, mode)]
    out: dict[str, set[str]] = {}
    for a, b in g.edges():
        if net.facilities[a].kind == "sort_hub" and net.facilities[b].kind == "sort_hub":
            out.setdefault(a, set()).add(b)
    return out


def test_hubs_truck_to_a_few_neighbours_not_to_every_hub(baseline_net: Network) -> None:
    for carrier in ("ups", "fedex", "usps", "dhl", "amazon"):
        lanes = hub_lanes(baseline_net, carrier)
        us_hubs = [h for h in baseline_net.hubs(carrier) if h.place.country == "US"]
        degrees = [len(v) for k, v in lanes.items() if baseline_net.facilities[k].place.country == "US"]
        assert max(degrees) < len(us_hubs) - 1, f"{carrier}: some hub trucks to every other"
        assert sum(degrees) / len(degrees) <= 2 * NEIGHBOUR_HUBS
        # and yet every hub reaches every other
        g = baseline_net.graphs[(carrier, "ground")]
        for h in us_hubs:
            assert all(nx.has_path(g, h.id, o.id) for o in us_hubs)


def test_express_flies_only_to_and_from_the_air_hub(baseline_net: Network) -> None:
    for carrier, main in AIR_HUBS.items():
        keys = (*main, *regional_air_hubs(carrier, "US"))  # its main and regional air hubs
        air = [
            (a, b)
            for a, b, d in baseline_net.graphs[(carrier, "express")].edges(data=True)
            if d["lane"].mode == "air"
        ]
        ends = {baseline_net.facilities[x].place.key for pair in air for x in pair}
        assert air, carrier
        assert all(
            baseline_net.facilities[a].place.key in keys or baseline_net.facilities[b].place.key in keys
            for a, b in air
        ), f"{carrier} flies spoke to spoke"
        assert ends - set(keys)  # the spokes
    assert not any(
        d["lane"].mode == "air" for *_, d in baseline_net.graphs[("ups", "ground")].edges(data=True)
    )


def test_a_station_hangs_off_its_nearest_hub_with_the_next_as_backup(baseline_net: Network) -> None:
    g = baseline_net.graphs[("ups", "ground")]
    ds = "ups-ds-CHI"
    feeds = sorted((d["lane"].backup, a) for a, _, d in g.in_edges(ds, data=True))
    assert len(feeds) == 2 and feeds[0] == (False, "ups-hub-HDG") and feeds[1][0] is True
    route = baseline_net.route("ups", False, "fc-IND", ds)
    assert route is not None and route[-2] == "ups-hub-HDG"
    detour = baseline_net.route("ups", False, "fc-IND", ds, frozenset({"ups-hub-HDG"}))
    assert detour is not None and detour[-2] == feeds[1][1]


def test_a_shippers_local_parcels_go_straight_to_the_local_station(baseline_net: Network) -> None:
    # Phoenix: USPS has no hub there; its parcels for Phoenix do not go through Los Angeles
    assert baseline_net.route("usps", False, "fc-PHX", "usps-ds-PHX") == ("fc-PHX", "usps-ds-PHX")


def test_no_direct_flight_from_los_angeles_to_almaty(world_net: Network) -> None:
    g = world_net.graphs[("dhl", "express")]
    assert not g.has_edge("dhl-hub-LAX", "dhl-hub-ALA")
    route = world_net.route("dhl", True, "fc-ONT", "dhl-ds-ALA")
    assert route is not None
    assert "dhl-hub-HEB" in route and "dhl-hub-LEJ" in route  # via the Americas and Leipzig hubs
    assert not g.has_edge("dhl-hub-HEB", "dhl-hub-ALA")  # Almaty is flown from Leipzig only
    flights = [
        (a, b)
        for a, b in itertools.pairwise(route)
        if world_net.graph("dhl", True).edges[a, b]["lane"].mode == "air"
    ]
    assert all(
        world_net.facilities[x].place.key in ("HEB", "LEJ", "ALA") or x == "dhl-hub-LAX"
        for f in flights
        for x in f
    )


def test_borders_are_crossed_near_them_or_flown_between_gateways(world_net: Network) -> None:
    g = world_net.graphs[("ups", "ground")]
    crossings = [
        (a, b, d["lane"].mode)
        for a, b, d in g.edges(data=True)
        if world_net.facilities[a].place.country != world_net.facilities[b].place.country
    ]
    assert crossings
    for a, b, mode in crossings:
        fa, fb = world_net.facilities[a], world_net.facilities[b]
        if mode == "truck":
            assert (
                travel.haversine_km(fa.place.lat, fa.place.lon, fb.place.lat, fb.place.lon)
                <= CROSS_BORDER_TRUCK_KM
            )
        else:
            assert fa in world_net.gateways("ups", fa.place.country)
            assert fb in world_net.gateways("ups", fb.place.country)


def test_the_hubs_of_a_country_are_always_joined_up() -> None:
    # two clusters 3,000 km apart: nearest neighbours alone would leave them apart
    hubs = [
        facility(f"h{k}", "sort_hub", "ups", k) for k in ("NYC", "PHL", "BOS", "BWI", "LAX", "SAN", "SFO")
    ]
    pairs = hub_pairs(hubs, NEIGHBOUR_HUBS)
    g = nx.Graph([(a.id, b.id) for a, b in pairs])
    assert nx.is_connected(g)
    assert len(pairs) < len(hubs) * (len(hubs) - 1) / 2


def test_spoke_flights_land_for_the_air_hubs_night_sort(baseline_net: Network) -> None:
    lane = baseline_net.lane("ups", True, "ups-hub-SEA", "ups-hub-SDF")
    assert lane.mode == "air"
    sea, sdf = baseline_net.facilities["ups-hub-SEA"], baseline_net.facilities["ups-hub-SDF"]
    dep = timing.next_departure(at(MONDAY, 12, tz=sea.tz), sea.tz, lane.departures, cutoff=0.0)
    landing = dep + lane.duration_s
    # on the sort in Seattle's slot the next night, hub time: the far West lands last (sim.lanes.bank_slot)
    slot = bank_slot(km_between(sea, sdf))
    assert 2 * H < slot <= 2.5 * H
    assert abs(landing - (at(MONDAY, 0, 0, tz=sdf.tz) + 24 * H + slot)) < 60


def test_a_regional_air_hub_flies_its_own_region_only(baseline_net: Network) -> None:
    """UPS Ontario sorts the West's air: Seattle feeds it (and still Louisville, for the East), it
    flies to Western stations, never to the East's; the East's hubs never feed it."""
    express = baseline_net.graphs[("ups", "express")]
    assert express.has_edge("ups-hub-SEA", "ups-hub-ONT") and express.has_edge("ups-hub-SEA", "ups-hub-SDF")
    assert express.edges["ups-hub-SEA", "ups-hub-ONT"]["lane"].mode == "air"
    assert express.has_edge("ups-hub-ONT", "ups-ds-SEA") and express.has_edge("ups-hub-SDF", "ups-ds-SEA")
    assert not express.has_edge("ups-hub-ONT", "ups-ds-NYC")
    assert not express.has_edge("ups-hub-ATL", "ups-hub-ONT")
    # Philadelphia's region: New York's station, not Atlanta's
    assert express.has_edge("ups-hub-PHL", "ups-ds-BOS") or express.has_edge("ups-hub-PHL", "ups-ds-NYC")
    assert not express.has_edge("ups-hub-PHL", "ups-ds-ATL")
    # the regional bank lands for the regional hub's own night sort, on its clock
    lane = express.edges["ups-hub-SEA", "ups-hub-ONT"]["lane"]
    sea, ont = baseline_net.facilities["ups-hub-SEA"], baseline_net.facilities["ups-hub-ONT"]
    dep = timing.next_departure(at(MONDAY, 12, tz=sea.tz), sea.tz, lane.departures, cutoff=0.0)
    slot = bank_slot(km_between(sea, ont))
    assert abs(dep + lane.duration_s - (at(MONDAY, 0, 0, tz=ont.tz) + 24 * H + slot)) < 60


def test_the_morning_run_flies_where_the_drive_would_miss_the_morning(baseline_net: Network) -> None:
    """Chicago is 430 km from Louisville, under the spokes' flying distance, yet its express flies
    with the bank (a truck would reach it mid-morning); Philadelphia trucks New York's."""
    express = baseline_net.graphs[("ups", "express")]
    chicago = express.edges["ups-hub-SDF", "ups-ds-CHI"]["lane"]
    new_york = express.edges["ups-hub-PHL", "ups-ds-NYC"]["lane"]
    assert chicago.mode == "air" and chicago.departures == (AIR_BANK_OUTBOUND_S,)
    assert new_york.mode == "truck" and new_york.departures == (AIR_BANK_OUTBOUND_S,)
    chi = baseline_net.facilities["ups-ds-CHI"]
    sdf = baseline_net.facilities["ups-hub-SDF"]
    lands = at(MONDAY, 0, 0, tz=sdf.tz) + AIR_BANK_OUTBOUND_S + chicago.duration_s
    assert lands < at(MONDAY, 6, 0, tz=chi.tz)  # before the couriers' sort cut-off
    # a station the air hub's own trucks serve keeps them (its morning arrivals)
    assert express.edges["ups-hub-SDF", "ups-ds-SDF"]["lane"] is baseline_net.lane(
        "ups", False, "ups-hub-SDF", "ups-ds-SDF"
    )


def test_a_carrier_without_regional_air_hubs_flies_through_its_main_one(baseline_net: Network) -> None:
    assert regional_air_hubs("usps", "US") == ()
    express = baseline_net.graphs[("usps", "express")]
    air = {(a, b) for a, b, d in express.edges(data=True) if d["lane"].mode == "air"}
    assert air and all("-hub-MEM" in a or "-hub-MEM" in b for a, b in air)


def test_a_hand_over_is_a_van_in_town_or_a_flight_far_away(world_net: Network) -> None:
    van = world_net.exchange_lane("dhl-ds-ALA", "kazpost-ds-ALA")
    assert van.mode == "truck" and van.departures == EXCHANGE_DEPARTURES
    far = world_net.exchange_lane("dhl-hub-LEJ", "kazpost-hub-ALA")
    assert far.mode == "air"


def test_a_truck_half_way_across_the_country_scans_on_the_local_clock_of_where_it_is() -> None:
    from sim.lanes import road_lane, road_location
    from sim.travel import nearest_place

    a, b = facility("a", "sort_hub", "ups", "EWR"), facility("b", "sort_hub", "ups", "LAX")
    lane = road_lane(a, b, (22 * H,))
    assert lane.timeline is not None
    loc, tz = road_location(lane, a, b, lane.timeline.halfway_stop())
    assert loc.kind == "vehicle" and loc.name == f"In transit near {loc.city}"
    assert min(a.place.lon, b.place.lon) < loc.lon < max(a.place.lon, b.place.lon)
    assert tz == nearest_place(loc.lat, loc.lon).zone
    assert str(tz) not in (str(a.tz), str(b.tz))  # neither coast's clock


def test_german_parcel_centres_truck_to_every_other_and_ups_keeps_its_neighbours() -> None:
    net = build_network(load_scenario("germany")[0])
    lanes = hub_lanes(net, "dhl")
    de = {h.id for h in net.hubs("dhl") if h.place.country == "DE"}
    assert all(de - {h} <= lanes[h] for h in de)  # DHL: every parcel centre to every other
    ups = hub_lanes(net, "ups")
    assert min(len(v) for v in ups.values()) < len(net.hubs("ups")) - 1  # UPS: nearest hubs only
    # a German parcel centre sorts in DHL's night, not the generic hub's waves
    assert net.facilities["dhl-hub-LEJ"].waves != net.facilities["ups-hub-LEJ"].waves


def test_a_domestic_route_never_leaves_its_country(baseline_net: Network) -> None:
    for carrier in ("ups", "fedex"):
        for dst in ("SEA", "LAX", "MIA"):
            path = baseline_net.route(carrier, False, "fc-EWR", baseline_net.stations[(carrier, dst)])
            assert path is not None
            assert {baseline_net.facilities[f].place.country for f in path} == {"US"}, path


def test_ups_picks_up_phoenix_and_jacksonville_at_their_own_hubs(baseline_net: Network) -> None:
    """UPS's Goodyear (Phoenix) and Jacksonville hubs (sim.scenario.defaults): a Phoenix shipper's
    parcels go to the Phoenix hub, not six hours' drive to Ontario, and its express flies from there."""
    express = baseline_net.graphs[("ups", "express")]
    for fc, hub in (("fc-PHX", "ups-hub-PHX"), ("fc-JAX", "ups-hub-JAX")):
        assert express.has_edge(fc, hub)
        assert express.edges[fc, hub]["lane"].duration_s < 2 * H
        assert not express.edges[fc, hub]["lane"].backup
    assert express.edges["fc-PHX", "ups-hub-ONT"]["lane"].backup  # Ontario only when Phoenix is down
    assert express.edges["ups-hub-PHX", "ups-hub-SDF"]["lane"].mode == "air"


def test_the_bank_lands_nearest_first_farthest_last() -> None:
    """Worldport's inbound bank lands from about midnight, a plane a minute, the farthest spokes last
    (sim.lanes.bank_slot): Atlanta's containers are on the sort before Denver's, Denver's before
    Seattle's, and nothing is later than the last slot however far."""
    from sim import lanes

    atl, den, sea = bank_slot(515.0), bank_slot(1_650.0), bank_slot(2_990.0)
    assert lanes.AIR_BANK_FIRST_S < atl < den < sea <= lanes.AIR_BANK_LAST_S
    assert bank_slot(0.0) == lanes.AIR_BANK_FIRST_S
    assert bank_slot(9_000.0) == lanes.AIR_BANK_LAST_S
    # the last slot, sorted, still makes the outbound bank
    assert lanes.AIR_BANK_LAST_S + 40 * 60 < AIR_BANK_OUTBOUND_S


def test_a_bank_flight_takes_what_its_sort_finished_a_trailer_what_was_sorted_half_an_hour_before(
    baseline_net: Network,
) -> None:
    """The outbound bank leaves when the air hub's sort ends, its containers built on that sort, and
    a spoke's flight takes the containers its evening sort built: neither has a trailer's loading
    cut-off (the loading is the lane's own handling); trailers keep theirs."""
    express = baseline_net.graphs[("ups", "express")]
    assert express.edges["ups-hub-SDF", "ups-hub-SEA"]["lane"].cutoff_s == 0.0
    assert express.edges["ups-hub-SEA", "ups-hub-SDF"]["lane"].cutoff_s == 0.0
    trailer = baseline_net.graphs[("ups", "ground")].edges["ups-hub-SDF", "ups-hub-HDG"]["lane"]
    assert trailer.mode == "truck" and trailer.cutoff_s == timing.LOADING_CUTOFF_S
