"""A four-node network built by hand for the pure modules' tests: one fulfilment centre, two hubs
and a delivery station, with lane times and schedules chosen so every expected answer can be
worked out on paper.

    fc ──2 h──> h1 ──1 h──> ds        pickups 11:00; h1/h2 → ds departures 04:00
     └──3 h──> h2 ──2 h──┘            (expected door-to-door: via h1 29 h, via h2 31 h)
"""

from __future__ import annotations

from datetime import date, datetime

import networkx as nx

from sim import places
from sim.events import Location
from sim.lanes import Lane
from sim.network import Facility, Network
from sim.scenario import Scenario
from tests.conftest import small_scenario

H = 3600.0
MON_TO_FRI = frozenset(range(5))
MON_TO_SAT = frozenset(range(6))
NY = places.zone("America/New_York")
MONDAY = date(2026, 3, 2)  # EST (-05:00); DST starts Sunday 2026-03-08


def at(day: date, hh: int, mm: int = 0, tz=NY) -> float:
    """Epoch of a local wall-clock time."""
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=tz).timestamp()


def facility(fid: str, kind: str, carrier: str | None, place_key: str) -> Facility:
    place = places.PLACES[place_key]
    loc = Location(
        fid, kind, fid, place.city, place.region, place.postal_code, place.country, place.lat, place.lon
    )
    return Facility(fid, kind, carrier, place, fid, loc, place.zone)


def add_lane(g: nx.DiGraph, lane: Lane) -> None:
    g.add_edge(lane.src, lane.dst, lane=lane, weight=lane.expected_s)


def tiny_network(scenario: Scenario | None = None, station_place: str = "NYC") -> Network:
    net = Network(scenario or small_scenario())
    fc = facility("fc", "fulfilment_centre", None, "EWR")
    h1 = facility("h1", "sort_hub", "ups", "PHL")
    h2 = facility("h2", "sort_hub", "ups", "BOS")
    ds = facility("ds", "delivery_station", "ups", station_place)
    for f in (fc, h1, h2, ds):
        net.facilities[f.id] = f
    net.fcs = [fc]
    net.metros = [places.PLACES[station_place]]
    net.stations[("ups", station_place)] = "ds"
    lanes = [
        Lane("fc", "h1", "truck", 120.0, 2 * H, (11 * H,)),
        Lane("fc", "h2", "truck", 320.0, 3 * H, (11 * H,)),
        Lane("h1", "ds", "truck", 130.0, 1 * H, (4 * H,)),
        Lane("h2", "ds", "truck", 300.0, 2 * H, (4 * H,)),
    ]
    for mode in ("ground", "express"):
        g = nx.DiGraph()
        for lane in lanes:
            add_lane(g, lane)
        net.graphs[("ups", mode)] = g
    return net


class Scripted:
    """An Rng that returns the uniforms it is given, for boundary cases."""

    def __init__(self, *u: float) -> None:
        self._u = list(u)

    def random(self) -> float:
        return self._u.pop(0)

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()

    def gauss(self, mu: float, sigma: float) -> float:
        raise NotImplementedError

    def randrange(self, n: int) -> int:
        return int(self.random() * n)
