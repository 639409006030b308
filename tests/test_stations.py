"""A station's day on a handful of parcels: its schedule, its routes (one per territory), stops in
sweep order with one stop per door, loading before the van leaves, spills past the end of the day,
and a route's timeline that does not depend on which parcels are on it."""

from __future__ import annotations

import math
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from sim import courier_routes as cr
from sim.events import Location
from sim.incidents import ParcelFate
from sim.parcels import Story
from sim.stations import REGULAR, Stations
from sim.streams import ParcelRng
from tests.conftest import small_scenario
from tests.tinyworld import NY, tiny_network

pytestmark = pytest.mark.unit

TUESDAY = date(2026, 3, 3)


def parcel(i: int, lat: float, lon: float, address: str | None = None) -> Any:
    loc = Location(
        None, "address", f"P{i}", "New York", "NY", "10001", "US", lat, lon, address or f"{i} Main St"
    )
    return SimpleNamespace(dest_location=loc, fate=ParcelFate(), story=Story(), rng=ParcelRng(i), n=i)


@pytest.fixture
def stations() -> Stations:
    net = tiny_network()
    return Stations(seed=3, scenario=small_scenario(), facilities=net.facilities)


def local_hour(epoch: float) -> float:
    t = datetime.fromtimestamp(epoch, NY)
    return t.hour + t.minute / 60


def test_a_station_has_its_own_first_van_and_cutoff(stations: Stations) -> None:
    s = stations.schedule("ds")
    ups = cr.courier_day("ups")
    assert ups.first_van[0] <= s.first_van_s <= ups.first_van[1]
    assert s.cutoff_s == s.first_van_s - ups.staging_s
    assert stations.schedule("ds") is s
    assert s.routes == cr.route_count(s.area_km2) > 10


def test_stops_follow_the_sweep_and_one_door_is_one_stop(stations: Stations) -> None:
    ds = stations._facilities["ds"].place
    # four doors due north-east of the station, further and further round the wedge
    ps = [parcel(i, ds.lat + 0.01 + 0.0005 * i, ds.lon + 0.001 + 0.0001 * i) for i in range(4)]
    same_door = parcel(9, ps[2].dest_location.lat, ps[2].dest_location.lon, ps[2].dest_location.address)
    plans = stations.plan("ds", TUESDAY, REGULAR, [*ps, same_door])
    assert len(plans) >= 1
    stops = [s for plan in plans for s in plan.stops]
    assert sum(len(s.parcels) for s in stops) + sum(len(p.spilled) for p in plans) == 5
    assert any(len(s.parcels) == 2 for s in stops)  # two parcels, one door, one stop
    for plan in plans:
        times = [s.at for s in plan.stops]
        assert times == sorted(times)
        assert all(t <= plan.dispatch for t, _ in plan.loads)  # loaded before the van leaves
        assert all(plan.dispatch - t <= cr.LOAD_S[1] for t, _ in plan.loads)
        assert plan.back > plan.dispatch
        assert 7 <= local_hour(plan.dispatch) <= 11


def test_a_routes_timeline_does_not_depend_on_who_is_on_it(stations: Stations) -> None:
    ds = stations._facilities["ds"].place
    a = parcel(1, ds.lat + 0.02, ds.lon + 0.004)
    b = parcel(2, ds.lat + 0.021, ds.lon + 0.0045)
    alone = stations.plan("ds", TUESDAY, REGULAR, [a])
    together = stations.plan("ds", TUESDAY, REGULAR, [parcel(1, ds.lat + 0.02, ds.lon + 0.004), b])

    def stop_of(plans: list[Any], n: int) -> float:
        return next(s.at for p in plans for s in p.stops for q in s.parcels if q.n == n)

    assert stop_of(alone, 1) == stop_of(together, 1)
    assert alone[0].dispatch == together[0].dispatch


def test_a_long_day_spills_its_last_stops(stations: Stations, monkeypatch: pytest.MonkeyPatch) -> None:
    ds = stations._facilities["ds"].place
    routes = stations.schedule("ds").routes
    # the end of route 0's sweep: its last stops
    late = []
    for i in range(1, 6):
        b = 2 * math.pi * (0.95 + 0.008 * i) / routes
        late.append(
            parcel(
                i, ds.lat + 0.05 * math.cos(b), ds.lon + 0.05 * math.sin(b) / math.cos(math.radians(ds.lat))
            )
        )
    assert all(
        cr.sweep_position(ds.lat, ds.lon, p.dest_location.lat, p.dest_location.lon, routes)[1] > 0.9
        for p in late
    )
    normal = stations.plan("ds", TUESDAY, REGULAR, late)
    assert not any(p.spilled for p in normal)
    monkeypatch.setattr(stations, "volume", lambda day: 3.0)  # three times the usual volume
    busy = stations.plan("ds", TUESDAY, REGULAR, late)
    assert sum(len(p.spilled) for p in busy) == 5
    assert all(p.overtime for p in busy)
