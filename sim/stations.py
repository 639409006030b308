"""Delivery stations: each one's dispatch schedule, the parcels waiting for a day's routes, and the
day's route plans (which stop each parcel is, when the van reaches it, which stops spill).

The arithmetic is in ``sim.courier_routes``; this module applies it to a station and its parcels.
Every draw comes from a stream named for the station and day (and route), never from a parcel's
own stream, so a route's timeline does not depend on which parcels the world happened to put on
it: pinning a case onto a route moves no one else's delivery.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sim import courier_routes as cr
from sim.addresses import service_area_km2
from sim.localtime import local_clock
from sim.network import Facility
from sim.parcels import Parcel
from sim.scenario import Scenario
from sim.streams import ParcelRng, stream_seed

REGULAR, SAME_DAY = "regular", "same_day"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A station's usual day (local seconds after midnight)."""

    first_van_s: float
    cutoff_s: float  # parcels in by then go out that day
    routes: int
    area_km2: float
    day: cr.CourierDay


@dataclass(slots=True)
class Stop:
    at: float  # the van reaches the stop
    planned: float  # where the plan put it (the window announced at loading is around this)
    parcels: list[Parcel]


@dataclass(slots=True)
class RoutePlan:
    """One van on one day: loading, departure, the simulated stops it makes, what it brings back."""

    station: str
    index: int
    kind: str
    loads: list[tuple[float, Parcel]]  # out-for-delivery scans over the loading
    dispatch: float
    stops: list[Stop]
    spilled: list[Parcel]  # stops the route did not reach before its end
    back: float  # the van is back at the station
    stops_total: int  # stops on the route that day, simulated or not
    overtime: bool = False
    rng: ParcelRng = field(default_factory=lambda: ParcelRng(0))


class Stations:
    """Every delivery station's schedule, and the parcels waiting for each (station, day, kind)."""

    def __init__(self, seed: int, scenario: Scenario, facilities: dict[str, Facility]) -> None:
        self._seed = seed
        self._facilities = facilities
        self._dm = scenario.demand
        self._peaks = [
            (p.start.date(), (p.end - timedelta(microseconds=1)).date(), p.multiplier)
            for p in scenario.demand.peaks
        ]
        self._schedules: dict[str, Schedule] = {}
        self.pending: dict[tuple[str, date, str], list[Parcel]] = defaultdict(list)

    def schedule(self, station_id: str) -> Schedule:
        s = self._schedules.get(station_id)
        if s is None:
            f = self._facilities[station_id]
            day = cr.courier_day(f.carrier or "")
            u = ParcelRng(stream_seed(self._seed, f"station:{station_id}")).random()
            first = cr.station_first_van(day, u)
            area = service_area_km2(f.place)
            s = self._schedules[station_id] = Schedule(
                first, cr.station_cutoff(day, first), cr.route_count(area), area, day
            )
        return s

    def cutoff_s(self, station_id: str) -> float:
        return self.schedule(station_id).cutoff_s

    def add(self, p: Parcel, station_id: str, day: date, kind: str = REGULAR) -> bool:
        """Put a parcel on a day's routes; True when it is the first for that (station, day, kind),
        so the caller starts the station's day."""
        key = (station_id, day, kind)
        first = key not in self.pending
        self.pending[key].append(p)
        return first

    def take(self, station_id: str, day: date, kind: str) -> list[Parcel]:
        return self.pending.pop((station_id, day, kind), [])

    def volume(self, day: date) -> float:
        return cr.volume_factor(self._dm, day, self._peaks)

    def plan(self, station_id: str, day: date, kind: str, parcels: list[Parcel]) -> list[RoutePlan]:
        """The day's routes for ``parcels``: each parcel's stop on its territory's route, the
        times, and what spills past the route's end."""
        f = self._facilities[station_id]
        sched = self.schedule(station_id)
        tz = f.tz
        cd = sched.day
        day_rng = ParcelRng(stream_seed(self._seed, f"station-day:{station_id}:{day}:{kind}"))
        jitter = cr.DAY_JITTER_S * (2 * day_rng.random() - 1)
        volume = self.volume(day)
        peak = volume > cr.FLEX
        by_route: dict[int, list[tuple[float, Parcel]]] = defaultdict(list)
        lat0, lon0 = f.place.lat, f.place.lon
        for p in parcels:
            loc = p.dest_location
            r, frac = cr.sweep_position(lat0, lon0, loc.lat, loc.lon, sched.routes)
            if p.fate.pickup_point and not p.story.attempt_failures:
                frac = 0.0  # lockers and shops are the route's first (commercial) stops
            by_route[r].append((frac, p))
        plans = []
        area = sched.area_km2 / sched.routes
        out_km = cr.territory_centre_km(sched.area_km2)
        for r in sorted(by_route):
            rng = ParcelRng(stream_seed(self._seed, f"route:{station_id}:{day}:{kind}:{r}"))
            if kind == SAME_DAY and cd.same_day is not None:
                lo, hi = cr.SAME_DAY_STOPS
                first_van, until = cd.same_day[0], cd.same_day[1]
            else:
                lo, hi = cd.stops
                first_van, until = sched.first_van_s, cd.until_s
            base = lo + rng.randrange(hi - lo + 1)
            stops_total = cr.day_stops(base, volume)
            step = cr.step_seconds(area, stops_total)
            pace = cr.pace(rng.gauss(0.0, 1.0))
            wave = cd.wave_s * ((r * 0.6180339887) % 1.0)
            dispatch = local_clock(tz, day, first_van + jitter + wave) + rng.random() * 60
            load_s = cr.LOAD_S[0] + (cr.LOAD_S[1] - cr.LOAD_S[0]) * rng.random()
            drive = cr.drive_out_seconds(out_km * (0.6 + 0.8 * rng.random()))
            first_stop = dispatch + drive
            end = local_clock(tz, day, until) + (cr.OVERTIME_S if peak else 0.0)
            route_seed = stream_seed(self._seed, f"stops:{station_id}:{day}:{kind}:{r}")
            groups: dict[tuple[float, float, str], list[Parcel]] = defaultdict(list)
            fracs: dict[tuple[float, float, str], float] = {}
            for frac, p in by_route[r]:
                loc = p.dest_location
                key = (loc.lat, loc.lon, loc.address or "") if frac > 0 else (0.0, 0.0, "")
                groups[key].append(p)
                fracs[key] = frac
            stops: list[Stop] = []
            spilled: list[Parcel] = []
            for key in sorted(groups, key=lambda k: (fracs[k], k)):
                k = cr.stop_index(fracs[key], stops_total)
                ju = ParcelRng(route_seed + k).random()
                at = first_stop + cr.stop_offset(k, step, pace, ju) + cr.break_after(k, stops_total)
                members = groups[key]
                if cr.spills(at, end):
                    spilled.extend(members)
                else:
                    planned = first_stop + k * step + cr.break_after(k, stops_total)
                    stops.append(Stop(at, planned, members))
            last = first_stop + cr.stop_offset(stops_total - 1, step, pace, 0.5) + cr.BREAK_S
            back = min(last, end) + drive
            # out-for-delivery scans over the loading, each parcel at its own place in the load
            loads = [(dispatch - load_s * p.rng.random(), p) for s in stops for p in s.parcels]
            loads += [(dispatch - load_s * p.rng.random(), p) for p in spilled]
            loads.sort(key=lambda x: x[0])
            plans.append(
                RoutePlan(
                    station_id,
                    r,
                    kind,
                    loads,
                    dispatch,
                    stops,
                    spilled,
                    back,
                    stops_total,
                    overtime=peak and last > local_clock(tz, day, until),
                    rng=rng,
                )
            )
        return plans
