"""The facility network: fulfilment centres, carrier sort hubs, delivery stations and pickup points
at real places, joined by scheduled lanes; fastest-route routing that can avoid hubs that are down.

One directed graph per carrier and mode: ``ground`` (trucks only) and ``express`` (trucks, plus air
between hubs at least ``AIR_MIN_KM`` apart). Edge weight = the lane's expected door-to-door time
(travel + half the headway + a nominal sort), so Dijkstra finds the fastest plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import networkx as nx

from sim import places, timing
from sim.events import Location
from sim.places import Place
from sim.scenario import Scenario

# --- schedules, local seconds-of-day -------------------------------------------------------
H = 3600.0
HUB_TRUCK_DEPARTURES = (2 * H, 6 * H, 10 * H, 14 * H, 18 * H, 22 * H)
HUB_AIR_DEPARTURES = (21.5 * H, 23.5 * H)
HUB_TO_STATION_DEPARTURES = (1 * H, 3 * H, 4.5 * H, 6 * H, 12 * H)
STATION_TO_HUB_DEPARTURES = (13 * H, 19 * H, 21 * H)
HUB_TO_FC_DEPARTURES = (10 * H, 16 * H)
PICKUP_TIMES = (11 * H, 17 * H, 20 * H)
AMAZON_PICKUP_TIMES = (9 * H, 13 * H, 17 * H, 21 * H)
SAME_DAY_DEPARTURES = (9 * H, 11 * H, 13 * H)
NEIGHBOUR_HUBS = 2  # stations and FCs connect to their two nearest hubs (so one can be down)

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


@dataclass(slots=True, frozen=True)
class Lane:
    src: str
    dst: str
    mode: str  # "truck" | "air"
    distance_km: float
    duration_s: float
    departures: tuple[float, ...]

    @property
    def expected_s(self) -> float:
        headway = 24 * H / len(self.departures)
        return self.duration_s + headway / 2 + timing.NOMINAL_SORT_S


def _facility(fid: str, kind: str, carrier: str | None, place: Place, name: str | None = None) -> Facility:
    default = CARRIER_FACILITY_NAMES.get((carrier or "", kind), KIND_NAMES[kind])
    label = name or f"{default} {place.city}"
    loc = Location(
        fid, kind, label, place.city, place.region, place.postal_code, place.country, place.lat, place.lon
    )
    return Facility(fid, kind, carrier, place, label, loc, place.zone)


def _nearest(place: Place, candidates: list[Facility], n: int) -> list[Facility]:
    return sorted(
        candidates, key=lambda f: (timing.haversine_km(place.lat, place.lon, f.place.lat, f.place.lon), f.id)
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
        key = (carrier, express, src, avoid)
        paths = self._routes.get(key)
        if paths is None:
            g = self.graph(carrier, express)
            if avoid:
                g = nx.restricted_view(g, [a for a in avoid if a != src], [])
            paths = self._routes[key] = (
                nx.single_source_dijkstra_path(g, src, weight="weight") if src in g else {}
            )
        path = paths.get(dst)
        if path is None or (avoid and dst in avoid and dst != src):
            return None
        return tuple(path)


def _add_lane(g: nx.DiGraph, lane: Lane) -> None:
    g.add_edge(lane.src, lane.dst, lane=lane, weight=lane.expected_s)


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

        for mode in ("ground", "express"):
            g = nx.DiGraph()
            for a in hubs:
                for b in hubs:
                    if a.id == b.id:
                        continue
                    km = timing.haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
                    lane = Lane(a.id, b.id, "truck", km, timing.truck_seconds(km), HUB_TRUCK_DEPARTURES)
                    if mode == "express" and km >= timing.AIR_MIN_KM:
                        air = Lane(a.id, b.id, "air", km, timing.air_seconds(km), HUB_AIR_DEPARTURES)
                        lane = air if air.expected_s < lane.expected_s else lane
                    _add_lane(g, lane)
            spokes = [
                f
                for f in net.facilities.values()
                if (f.kind == "delivery_station" and f.carrier == carrier) or f.kind == "fulfilment_centre"
            ]
            for s in spokes:
                same_country = [h for h in hubs if h.place.country == s.place.country]
                for h in _nearest(s.place, same_country, NEIGHBOUR_HUBS):
                    km = timing.haversine_km(s.place.lat, s.place.lon, h.place.lat, h.place.lon)
                    t = timing.truck_seconds(km)
                    if s.kind == "fulfilment_centre":
                        pickups = AMAZON_PICKUP_TIMES if carrier == "amazon" else PICKUP_TIMES
                        _add_lane(g, Lane(s.id, h.id, "truck", km, t, pickups))
                        _add_lane(g, Lane(h.id, s.id, "truck", km, t, HUB_TO_FC_DEPARTURES))
                    else:
                        _add_lane(g, Lane(h.id, s.id, "truck", km, t, HUB_TO_STATION_DEPARTURES))
                        _add_lane(g, Lane(s.id, h.id, "truck", km, t, STATION_TO_HUB_DEPARTURES))
            if carrier == "amazon":
                # Same-day: from a fulfilment centre straight to the delivery station of its metro.
                for fc in net.fcs:
                    ds_id = net.stations.get((carrier, fc.place.key))
                    if ds_id:
                        _add_lane(
                            g, Lane(fc.id, ds_id, "truck", 20.0, timing.LOCAL_TRUCK_S, SAME_DAY_DEPARTURES)
                        )
            net.graphs[(carrier, mode)] = g
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
        km = timing.haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
        duration = spec.duration or (
            timing.air_seconds(km) if spec.mode == "air" else timing.truck_seconds(km)
        )
        lane = Lane(a.id, b.id, spec.mode, km, duration, spec.departure_seconds())
        modes = ("express",) if spec.mode == "air" else ("ground", "express")
        for mode in modes:
            _add_lane(net.graphs[(carrier, mode)], lane)
