"""Pure timing functions: departure schedules and cut-offs, pickups, local business days.

Times are absolute epoch seconds (floats); local calendars come from each facility's IANA zone
(``sim.localtime``). Nothing here touches SimPy, so every rule is testable on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sim.localtime import local_clock, local_date

# --- parameters (docs/realism.md §5); how long legs take is sim.travel's ---
EARTH_RADIUS_KM = 6371.0
LOADING_CUTOFF_S = 30 * 60  # a parcel must be sorted this long before its trailer leaves
NOMINAL_SORT_S = 60 * 60  # planning assumption for a hub sort (queue + sort)
STATION_CUTOFF_S = 8 * 3600  # default sort cut-off of a delivery station (each has its own: sim.stations)
PROMISE_TIME_S = 20 * 3600  # "by end of day": 20:00 local at the destination

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dphi = p2 - p1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def next_departure(
    ready: float,
    tz: ZoneInfo,
    departures: tuple[float, ...],
    cutoff: float = LOADING_CUTOFF_S,
    runs: tuple[frozenset[int], ...] | None = None,
) -> float:
    """The first scheduled departure (local seconds-of-day list) a parcel ready at ``ready`` makes.

    A parcel that misses the cut-off waits for the next departure, the next day if need be. A
    departure is a local wall-clock time, so on a DST day the 06:00 trailer still leaves at 06:00.
    ``runs``, when given, names for each departure the weekdays (0 = Monday, the local day it
    leaves) it runs on: a load plan's trailer that does not run at weekends.
    """
    key = (ready, cutoff, departures, tz, runs)
    if key == _last_departure[0]:  # a hub's sort asks, then the lane it boards asks the same
        return _last_departure[1]
    day = local_date(ready, tz)
    earliest = ready + cutoff
    for offset in range(0, 9):
        d = day + timedelta(days=offset)
        times = departures_on(tz, d, departures)
        if runs is not None:
            weekday = d.weekday()
            times = tuple(t for t, r in zip(times, runs, strict=True) if weekday in r)
        for t in times:
            if t >= earliest:
                _last_departure[:] = [key, t]
                return t
    raise ValueError("no departure within 8 days; a lane needs at least one departure time")


_last_departure: list = [None, 0.0]


@lru_cache(maxsize=65536)
def departures_on(tz: ZoneInfo, day: date, departures: tuple[float, ...]) -> tuple[float, ...]:
    """A schedule's departures on local ``day``, as instants."""
    return tuple(local_clock(tz, day, dep) for dep in departures)


@dataclass(frozen=True, slots=True)
class WorkDays:
    """A carrier's working days at a place: its weekdays less the dates it closes (public holidays
    it does not work, ``sim.calendars``). ``weekday in days`` asks about the weekday only."""

    weekdays: frozenset[int]
    closed: frozenset[date] = frozenset()

    def __contains__(self, weekday: object) -> bool:
        return weekday in self.weekdays

    def __len__(self) -> int:
        return len(self.weekdays)

    def __iter__(self) -> Iterator[int]:
        return iter(self.weekdays)


Days = frozenset[int] | WorkDays  # plain weekday sets still work everywhere a calendar does


def works(day: date, open_days: Days) -> bool:
    """Whether ``day`` is a working day: its weekday works and it is not a closed date."""
    return day.weekday() in open_days and not (isinstance(open_days, WorkDays) and day in open_days.closed)


def is_open_day(day: date, open_days: Days) -> bool:
    return works(day, open_days)


def weekday_set(keys: tuple[str, ...] | list[str]) -> frozenset[int]:
    return frozenset(WEEKDAY_KEYS.index(k) for k in keys)


def next_open_day(day: date, open_days: Days, holidays: frozenset[date] = frozenset()) -> date:
    """``day`` itself if the carrier works that day, else the next day it does."""
    for offset in range(0, 15):
        d = day + timedelta(days=offset)
        if works(d, open_days) and d not in holidays:
            return d
    raise ValueError("a carrier needs at least one working weekday")


def add_business_days(day: date, n: int, open_days: Days) -> date:
    d = day
    for _ in range(n):
        d = next_open_day(d + timedelta(days=1), open_days)
    return d


def delivery_day(arrival: float, tz: ZoneInfo, open_days: Days, cutoff_s: float = STATION_CUTOFF_S) -> date:
    """The local day a parcel reaching its delivery station at ``arrival`` goes out for delivery
    (``cutoff_s``: the station's sort cut-off, local seconds after midnight)."""
    today = local_date(arrival, tz)
    if arrival <= local_clock(tz, today, cutoff_s) and works(today, open_days):
        return today
    return next_open_day(today + timedelta(days=1), open_days)


def pickup_time(ready: float, tz: ZoneInfo, pickup_times: tuple[float, ...], open_days: Days) -> float:
    """When the carrier collects a parcel labelled at ``ready`` from a shipper (cut-off 1 h before)."""
    day = local_date(ready, tz)
    for offset in range(0, 15):
        d = day + timedelta(days=offset)
        if not works(d, open_days):
            continue
        for t in pickup_times:
            at = local_clock(tz, d, t)
            if at >= ready + 3600:
                return at
    raise ValueError("no pickup within two weeks")


def end_of_day(day: date, tz: ZoneInfo, seconds: float = PROMISE_TIME_S) -> float:
    """The instant an "end of day" promise runs out (``seconds``: a carrier's own end of day)."""
    return local_clock(tz, day, seconds)


#: DPD Predict announces a one-hour delivery window on the morning of delivery (quarter-hour steps).
PREDICT_WINDOW_S = 3600.0
_QUARTER_HOUR_S = 900.0


def predict_window(stop: float, van_leaves: float) -> tuple[float, float]:
    """The one-hour window (start, end) a Predict-style carrier announces for a stop planned at
    ``stop``: on the quarter hour, the stop about in its middle, never before the van leaves.
    Whole-offset zones keep epoch quarter hours on local quarter hours."""
    start = max((stop - PREDICT_WINDOW_S / 2) // _QUARTER_HOUR_S, van_leaves // _QUARTER_HOUR_S)
    start *= _QUARTER_HOUR_S
    return start, start + PREDICT_WINDOW_S
