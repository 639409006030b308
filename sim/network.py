"""The facility network: fulfilment centres, carrier sort hubs, delivery stations and pickup points
at real places, joined by scheduled lanes the way carriers run them; fastest-route routing that can
avoid hubs that are down. Hub and spoke: a station and a fulfilment centre hang off their nearest hub
(the second nearest is a backup, used only when the first is down); each hub trucks to its few
nearest hubs in the country (to every other where its carrier's profile says so, ``sim.profiles``;
the long hauls on the carrier's load plan where it has one); express flies between the
hubs and the air hub; a border is crossed by truck between hubs near it, or by air between gateways
(air hubs and listed exchange offices). One graph per carrier and mode: ``ground`` (trucks, flights
across an ocean) and ``express`` (plus domestic flights). Edge weight = the lane's expected
door-to-door time (travel + half the headway + a nominal sort): Dijkstra finds the fastest plan.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import networkx as nx

from sim import air_regions, places, travel, waves
from sim.events import Location
from sim.lanes import (
    AMAZON_PICKUP_TIMES,
    EXCHANGE_DEPARTURES,
    EXPRESS_TRUCK_MAX_S,
    HUB_DEPARTURES,
    HUB_TO_FC_DEPARTURES,
    HUB_TO_HUB_DEPARTURES,
    INTERCONTINENTAL_DEPARTURES,
    PICKUP_TIMES,
    STATION_TO_HUB_DEPARTURES,
    Lane,
    air_lane,
    bank_lanes,
    hub_lane,
    hub_pairs,
    km_between,
    road_lane,
    station_lane,
)
from sim.places import Place
from sim.profiles import hub_operations, load_plan
from sim.profiles.types import HubOperations
from sim.scenario import Scenario

# --- the shape of the network ----------------------------------------------------------------
NEIGHBOUR_HUBS = 3  # a hub trucks to its three nearest hubs in the country (and they to it)
LOCAL_STATION_KM = 60.0  # a shipper this close to a station hands its local parcels to it
CROSS_BORDER_TRUCK_KM = 700.0  # hubs this close across a border truck to each other
# Air hubs (place keys): UPS Worldport (Louisville) and Köln/Bonn; FedEx Memphis World Hub and
# Indianapolis; DHL's Americas hub at CVG (Hebron KY) and Leipzig/Halle; Amazon Air Hub KCVG; USPS
# flies Priority Mail on FedEx's network out of Memphis (USPS–FedEx air transportation contract).
AIR_HUBS: dict[str, tuple[str, ...]] = {
    "ups": ("SDF", "CGN"),
    "fedex": ("MEM", "IND"),
    "dhl": ("HEB", "LEJ"),
    "amazon": ("HEB",),
    "usps": ("MEM",),
}
# Where mail crosses a border besides air hubs: USPS International Service Centers (New York JFK —
# here its Newark plant — Chicago, Los Angeles, San Francisco); Canada Post's offices of exchange
# (Toronto, Montréal, Vancouver); Kazpost's international exchange in Almaty. A carrier with neither
# in a country crosses at any of its hubs there.
GATEWAYS: dict[str, tuple[str, ...]] = {
    "usps": ("EWR", "CHI", "LAX", "SFO"),
    "canadapost": ("YYZ", "YUL", "YVR"),
    "kazpost": ("ALA",),
}

KIND_NAMES = {
    "fulfilment_centre": "Fulfillment Center",
    "sort_hub": "Hub",
    "delivery_station": "Delivery Station",
    "pickup_point": "Pickup Point",
}
CARRIER_FACILITY_NAMES = {
    ("ups", "sort_hub"): "UPS Hub",
    ("ups", "delivery_station"): "UPS Customer Center",
    ("ups", "pickup_point"): "UPS Access Point",
    ("fedex", "sort_hub"): "FedEx Hub",
    ("fedex", "delivery_station"): "FedEx Station",
    ("fedex", "pickup_point"): "FedEx OnSite",
    ("usps", "sort_hub"): "USPS Regional Processing and Distribution Center",
    ("usps", "delivery_station"): "Post Office",
    ("usps", "pickup_point"): "Post Office Box Lobby",
    ("dhl", "sort_hub"): "DHL Hub",
    ("dhl", "delivery_station"): "DHL Service Point Center",
    ("dhl", "pickup_point"): "DHL ServicePoint",
    ("amazon", "sort_hub"): "Amazon Sort Center",
    ("amazon", "delivery_station"): "Amazon Delivery Station",
    ("amazon", "pickup_point"): "Amazon Hub Locker",
    ("hermes", "sort_hub"): "Hermes Logistik-Center",
    ("hermes", "delivery_station"): "Hermes Depot",
    ("hermes", "pickup_point"): "Hermes PaketShop",
    ("dpd", "sort_hub"): "DPD Hub",
    ("dpd", "delivery_station"): "DPD Depot",
    ("dpd", "pickup_point"): "DPD Pickup Paketshop",
    ("canadapost", "sort_hub"): "Canada Post Processing Plant",
    ("canadapost", "delivery_station"): "Canada Post Depot",
    ("canadapost", "pickup_point"): "Canada Post Outlet",
    ("kazpost", "sort_hub"): "Kazpost Sorting Centre",
    ("kazpost", "delivery_station"): "Kazpost Post Office",
    ("kazpost", "pickup_point"): "Kazpost Postamat",
}


@dataclass(slots=True)
class Facility:
    id: str
    kind: str
    carrier: str | None
    place: Place
    name: str
    location: Location
    tz: ZoneInfo
    waves: tuple[waves.Wave, ...] = waves.HUB_WAVES  # a hub's sort waves (its carrier's, its country's)


def _facility(fid: str, kind: str, carrier: str | None, place: Place, name: str | None = None) -> Facility:
    default = CARRIER_FACILITY_NAMES.get((carrier or "", kind), KIND_NAMES[kind])
    label = name or f"{default} {place.city}"
    loc = Location(
        fid, kind, label, place.city, place.region, place.postal_code, place.country, place.lat, place.lon
    )
    ops = hub_operations(carrier or "", place.country) if kind == "sort_hub" else None
    hub_waves = ops.waves if ops is not None else waves.HUB_WAVES
    return Facility(fid, kind, carrier, place, label, loc, place.zone, hub_waves)


def _nearest(place: Place, candidates: list[Facility], n: int) -> list[Facility]:
    return sorted(
        candidates, key=lambda f: (travel.haversine_km(place.lat, place.lon, f.place.lat, f.place.lon), f.id)
    )[:n]


@dataclass
class Network:
    scenario: Scenario
    facilities: dict[str, Facility] = field(default_factory=dict)
    graphs: dict[tuple[str, str], nx.DiGraph] = field(default_factory=dict)
    stations: dict[tuple[str, str], str] = field(default_factory=dict)  # (carrier, place) -> id
    pickup_points: dict[tuple[str, str], str] = field(default_factory=dict)
    fcs: list[Facility] = field(default_factory=list)
    metros: list[Place] = field(default_factory=list)
    _routes: dict[tuple, dict[str, list[str]]] = field(default_factory=dict)

    @cached_property
    def countries(self) -> set[str]:
        return set(self.scenario.network.countries)

    def hubs(self, carrier: str) -> list[Facility]:
        return [f for f in self.facilities.values() if f.kind == "sort_hub" and f.carrier == carrier]

    def gateways(self, carrier: str, country: str) -> list[Facility]:
        """Where ``carrier``'s parcels cross into or out of ``country``: its air hubs and listed
        exchange offices there, else every hub it has there."""
        hubs = [h for h in self.hubs(carrier) if h.place.country == country]
        named = set(AIR_HUBS.get(carrier, ())) | set(GATEWAYS.get(carrier, ()))
        return [h for h in hubs if h.place.key in named] or hubs

    def exchange_lane(self, src: str, dst: str) -> Lane:
        """The lane a parcel rides between two carriers' facilities (a hand-over either way): a van
        to the partner's office in the same city before its morning sort, a truck to a plant
        nearby, a flight to one further than ``AIR_MIN_KM``."""
        a, b = self.facilities[src], self.facilities[dst]
        if km_between(a, b) >= travel.AIR_MIN_KM:
            return air_lane(a, b, INTERCONTINENTAL_DEPARTURES)
        local = a.kind == "delivery_station" or b.kind == "delivery_station"
        return road_lane(a, b, EXCHANGE_DEPARTURES if local else HUB_DEPARTURES)

    def serves(self, carrier: str, place_key: str) -> bool:
        return (carrier, place_key) in self.stations

    def graph(self, carrier: str, express: bool) -> nx.DiGraph:
        return self.graphs[(carrier, "express" if express else "ground")]

    def lane(self, carrier: str, express: bool, src: str, dst: str) -> Lane:
        return self.graph(carrier, express).edges[src, dst]["lane"]

    def route(
        self, carrier: str, express: bool, src: str, dst: str, avoid: frozenset[str] = frozenset()
    ) -> tuple[str, ...] | None:
        """Fastest facility path ``src`` → ``dst``; ``avoid`` names hubs that are down.

        One Dijkstra from ``src`` answers every destination at once (a world asks for thousands
        of routes from a handful of fulfilment centres); Dijkstra's path to a node is the same
        whether it stops at that node or runs on."""
        facilities = self.facilities
        home = facilities[src].place.country if src in facilities else None
        # a domestic parcel stays home where it can (no Newark → Toronto → Vancouver → Seattle)
        domestic = home if dst in facilities and facilities[dst].place.country == home else None
        path = self._paths(carrier, express, src, avoid, domestic).get(dst) if domestic else None
        if path is None:
            path = self._paths(carrier, express, src, avoid, None).get(dst)
        if path is None or (avoid and dst in avoid and dst != src):
            return None
        return tuple(path)

    def _paths(
        self, carrier: str, express: bool, src: str, avoid: frozenset[str], country: str | None
    ) -> dict[str, list[str]]:
        """Dijkstra's paths from ``src`` (inside ``country`` only, when one is given)."""
        key = (carrier, express, src, avoid, country)
        paths = self._routes.get(key)
        if paths is None:
            g = self.graph(carrier, express)
            if country is not None:
                g = nx.subgraph_view(g, filter_node=lambda n: self.facilities[n].place.country == country)
            if avoid:
                g = nx.restricted_view(g, [a for a in avoid if a != src], [])
            paths = self._routes[key] = (
                nx.single_source_dijkstra_path(g, src, weight="weight") if src in g else {}
            )
        return paths


def _add_lane(g: nx.DiGraph, lane: Lane) -> None:
    g.add_edge(lane.src, lane.dst, lane=lane, weight=lane.expected_s)


def _air_gateway_pairs(
    net: Network, carrier: str, a_country: str, b_country: str
) -> list[tuple[Facility, Facility]]:
    """Which of two countries' gateways fly to each other: air hub to air hub; a country without an
    air hub flies only to the carrier's air hub nearest each of its gateways (Almaty to Leipzig,
    never to Cincinnati), and two such countries to each other only through it; a carrier with no
    air hub at all, gateway to gateway."""
    airs = [h for h in net.hubs(carrier) if h.place.key in AIR_HUBS.get(carrier, ())]

    def nearest_air(g: Facility) -> Facility | None:
        return min(airs, key=lambda h: (km_between(h, g), h.id)) if airs else None

    a_air = [h for h in airs if h.place.country == a_country]
    b_air = [h for h in airs if h.place.country == b_country]
    if airs and not a_air and not b_air:
        return []  # both fly through an air hub elsewhere
    pairs = []
    for ga in a_air or net.gateways(carrier, a_country):
        for gb in b_air or net.gateways(carrier, b_country):
            if (a_air and not b_air and nearest_air(gb) is not ga) or (
                b_air and not a_air and nearest_air(ga) is not gb
            ):
                continue
            pairs.append((ga, gb))
    return pairs


def _carrier_graphs(net: Network, carrier: str, hubs: list[Facility]) -> tuple[nx.DiGraph, nx.DiGraph]:
    """The ground and express graphs of one carrier's network."""
    ground, express = nx.DiGraph(), nx.DiGraph()
    reference = net.scenario.start

    def both(lane: Lane) -> None:
        _add_lane(ground, lane)
        _add_lane(express, lane)

    airs = [h for h in hubs if h.place.key in AIR_HUBS.get(carrier, ())]
    by_country: dict[str, list[Facility]] = {}
    for h in hubs:
        by_country.setdefault(h.place.country, []).append(h)
    ops_of: dict[str, HubOperations | None] = {}
    for country, hs in sorted(by_country.items()):
        flies = any(h in airs for h in hs)
        ops = ops_of[country] = hub_operations(carrier, country)
        pairs = list(itertools.combinations(hs, 2)) if ops and ops.direct else hub_pairs(hs, NEIGHBOUR_HUBS)
        deps = ops.hub_to_hub_departures if ops else HUB_TO_HUB_DEPARTURES  # a carrier's own night
        plan = load_plan(carrier, country)  # its long hauls' weekday plan, if it runs one
        for a, b in pairs:  # express trucks only where the drive fits the night; farther it flies
            for lane in (hub_lane(a, b, deps, plan), hub_lane(b, a, deps, plan)):
                (_add_lane(ground, lane) if flies and lane.duration_s > EXPRESS_TRUCK_MAX_S else both(lane))
        # express flies spoke → air hub → spoke overnight, never spoke to spoke (sim.air_regions)
        for air, h in air_regions.feeders(carrier, hs, airs):
            if km_between(h, air) >= travel.EXPRESS_AIR_MIN_KM:
                for lane in bank_lanes(h, air, reference):
                    _add_lane(express, lane)
    countries = sorted(by_country)
    for a_country in countries:
        for b_country in countries:
            if a_country >= b_country:
                continue
            trucked = False
            for b in by_country[b_country]:
                a = min(by_country[a_country], key=lambda h: (km_between(h, b), h.id))
                if km_between(a, b) <= CROSS_BORDER_TRUCK_KM:
                    trucked = True
                    both(road_lane(a, b, HUB_DEPARTURES))
                    both(road_lane(b, a, HUB_DEPARTURES))
            for ga, gb in _air_gateway_pairs(net, carrier, a_country, b_country):
                if km_between(ga, gb) >= travel.AIR_MIN_KM:
                    for lane in (
                        air_lane(x, y, INTERCONTINENTAL_DEPARTURES) for x, y in ((ga, gb), (gb, ga))
                    ):
                        (_add_lane(express, lane) if trucked else both(lane))  # oceans: even ground flies
    spokes = [f for f in net.facilities.values() if f.kind == "fulfilment_centre" or f.carrier == carrier]
    spokes = [f for f in spokes if f.kind in ("delivery_station", "fulfilment_centre")]
    for s in spokes:
        for rank, h in enumerate(_nearest(s.place, by_country.get(s.place.country, []), 2)):
            backup = rank > 0
            if s.kind == "fulfilment_centre":
                pickups = AMAZON_PICKUP_TIMES if carrier == "amazon" else PICKUP_TIMES
                both(road_lane(s, h, pickups, backup))
                both(road_lane(h, s, HUB_TO_FC_DEPARTURES, backup))
            elif (ops := ops_of.get(h.place.country)) is not None:
                both(station_lane(h, s, backup, waves.wave_ends(ops.waves), ops.station_arrivals_s))
            else:
                both(station_lane(h, s, backup))
                both(road_lane(s, h, STATION_TO_HUB_DEPARTURES, backup))
        # an air hub sorts express to the station: its morning run (sim.lanes.morning_run) goes there
        for run in air_regions.morning_runs(carrier, s, by_country.get(s.place.country, []), airs):
            own = express.get_edge_data(run.src, run.dst)  # the air hub's own trucks to the station
            if own is None or own["lane"].backup or run.mode == "air":
                _add_lane(express, run)
    # A shipper's parcels for its own metro go to the carrier's local station, not through a hub
    # (the station's pickup driver brings them in; they leave with its couriers).
    for fc in net.fcs:
        for ds in spokes:
            if ds.kind == "delivery_station" and km_between(fc, ds) <= LOCAL_STATION_KM:
                pickups = AMAZON_PICKUP_TIMES if carrier == "amazon" else PICKUP_TIMES
                both(road_lane(fc, ds, pickups))
    return ground, express


def build_network(scenario: Scenario) -> Network:
    net = Network(scenario)
    countries = net.countries
    cfg = scenario.network
    metro_keys = cfg.metros or [p.key for p in places.places_in(sorted(countries)) if p.population > 0]
    net.metros = [places.PLACES[k] for k in metro_keys if places.PLACES[k].country in countries]

    for key in cfg.fulfilment_centres:
        place = places.PLACES[key]
        if place.country in countries:
            fc = _facility(f"fc-{key}", "fulfilment_centre", None, place)
            net.facilities[fc.id] = fc
            net.fcs.append(fc)
    for spec in cfg.facilities:
        f = _facility(spec.id, spec.kind, spec.carrier, places.PLACES[spec.place], spec.name)
        net.facilities[f.id] = f
        if f.kind == "fulfilment_centre":
            net.fcs.append(f)

    for carrier in scenario.carriers | {
        p: None for c in scenario.carriers.values() for p in c.partner.values()
    }:
        hub_places = scenario.carrier_hubs(carrier)
        hubs = [_facility(f"{carrier}-hub-{k}", "sort_hub", carrier, places.PLACES[k]) for k in hub_places]
        hubs += [f for f in net.facilities.values() if f.kind == "sort_hub" and f.carrier == carrier]
        for h in hubs:
            net.facilities[h.id] = h
        hub_countries = {h.place.country for h in hubs}
        for metro in net.metros:
            if metro.country not in hub_countries:
                continue
            ds = _facility(f"{carrier}-ds-{metro.key}", "delivery_station", carrier, metro)
            pp = _facility(f"{carrier}-pp-{metro.key}", "pickup_point", carrier, metro)
            net.facilities[ds.id] = ds
            net.facilities[pp.id] = pp
            net.stations[(carrier, metro.key)] = ds.id
            net.pickup_points[(carrier, metro.key)] = pp.id
        for f in list(net.facilities.values()):
            if (
                f.carrier == carrier
                and f.kind == "delivery_station"
                and (carrier, f.place.key) not in net.stations
            ):
                net.stations[(carrier, f.place.key)] = f.id
        ground, express = _carrier_graphs(net, carrier, hubs)
        net.graphs[(carrier, "ground")] = ground
        net.graphs[(carrier, "express")] = express
    _add_listed_lanes(net, scenario)
    from sim.same_day import add_shuttles  # same-day's own lanes (imports this module)

    add_shuttles(net)
    return net


def _add_listed_lanes(net: Network, scenario: Scenario) -> None:
    """Lanes a scenario lists explicitly, in the graphs of the carrier that owns them."""
    for i, spec in enumerate(scenario.network.lanes):
        for end in (spec.src, spec.dst):
            if end not in net.facilities:
                raise ValueError(f"network.lanes.{i}: unknown facility {end!r}")
        a, b = net.facilities[spec.src], net.facilities[spec.dst]
        carrier = a.carrier or b.carrier
        if carrier is None or (a.carrier and b.carrier and a.carrier != b.carrier):
            raise ValueError(f"network.lanes.{i}: a lane runs within one carrier's network")
        made = (
            air_lane(a, b, spec.departure_seconds())
            if spec.mode == "air"
            else road_lane(a, b, spec.departure_seconds())
        )
        lane = made
        if spec.duration:  # a listed duration wins; the vehicle then moves evenly along the lane
            lane = Lane(a.id, b.id, spec.mode, made.distance_km, spec.duration, made.departures)
        modes = ("express",) if spec.mode == "air" else ("ground", "express")
        for mode in modes:
            _add_lane(net.graphs[(carrier, mode)], lane)
