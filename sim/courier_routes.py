"""Courier routes, as pure arithmetic: each carrier's courier day, a station's dispatch schedule, a
route's territory and stop sequence, and when each stop is reached.

A delivery station's service area is cut into route territories by bearing from the station (the
sweep of Gillett & Miller, 1974: routes are wedges, stops visited in angular order). The world
simulates a *sample* of each route's stops — the parcels it made — while the route itself carries
the carrier's full daily load (``CourierDay.stops`` stops): the other stops are counted, not
simulated. So a simulated stop's place in the day follows from its position in the sweep, and the
time to reach it from the route's length, the drive between stops (distance-based, from the
territory's area and the number of stops) and service times.

Nothing here touches SimPy; ``sim.processes.last_mile`` runs the routes.

Parameters (sources: docs/realism.md §5 and §10):

- Route size: Amazon routes have 150 or more stops (LMRRC, MIT/Amazon 2021); delivery-partner routes
  120–180 stops and 180–300 packages; USPS city routes are an 8-hour day with 5–6 hours on the
  street (USPS OIG).
- Courier day: out for delivery ~07:00–10:00; deliveries ~09:00–21:00, Amazon until 22:00
  (Amazon: "deliveries may arrive as late as 10 p.m."); USPS carriers back by 17:00–18:00 (goal).
- Drive between stops: the expected length of an optimal tour through ``n`` random points in an area
  ``A`` is ~0.7124·sqrt(n·A) (Beardwood–Halton–Hammersley constant, as estimated by Applegate et
  al., *The Traveling Salesman Problem*, 2006), times a road circuity factor of ~1.3 for urban
  grids (Boscoe et al. 2012 measured 1.2–1.4 in US cities), at urban stop-and-go speeds.
- Service per stop: Amazon's planned service time per package is tens of seconds to minutes (LMRRC
  data examples: 14.5–84 s); a stop with walking to the door takes one to a few minutes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sim.scenario.demand import DemandConfig
from sim.timing import WEEKDAY_KEYS, haversine_km

H = 3600.0
MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class CourierDay:
    """How one carrier runs its delivery day (local times, seconds after midnight)."""

    first_van: tuple[float, float]  # a station's first van leaves in this range (per station)
    wave_s: float  # the station's routes leave over this span after its first van
    stops: tuple[int, int]  # stops per route on a normal day
    until_s: float  # the last delivery of the day; also the hour "end of day" promises mean
    same_day: tuple[float, float] | None = None  # same-day routes: first van, last delivery
    #: the station's sort cut-off: parcels must be in this long before its first van leaves
    staging_s: float = 75 * MINUTE


#: UPS's preload sorts straight onto the shelves of each package car, so a centre takes parcels
#: until shortly before its cars leave: "We're there at 2am loading trucks [...] We're usually done
#: at 730" (a UPS preload supervisor, forums.macrumors.com "UPS hold for pickup", 2015), against
#: cars leaving 08:00–09:00 — the preload's end about 45 minutes before the first car
#: (docs/realism.md §10). Other carriers stage a van's load before it leaves (75 minutes).
UPS_PRELOAD_STAGING_S = 45 * MINUTE

#: Per carrier (a carrier profile may override; issue 12). Dispatch 07:00–10:00 overall; Amazon
#: starts later and delivers until 22:00; USPS leaves after casing and is back by about 18:00.
COURIER_DAYS: dict[str, CourierDay] = {
    "ups": CourierDay((8.0 * H, 9.0 * H), 50 * MINUTE, (120, 160), 21 * H, staging_s=UPS_PRELOAD_STAGING_S),
    "fedex": CourierDay((8.0 * H, 9.25 * H), 50 * MINUTE, (110, 150), 20 * H),
    "usps": CourierDay((8.5 * H, 9.5 * H), 40 * MINUTE, (90, 120), 20 * H),
    "amazon": CourierDay((8.5 * H, 9.75 * H), 60 * MINUTE, (140, 180), 22 * H, (15.5 * H, 22 * H)),
    "dhl": CourierDay((7.5 * H, 8.5 * H), 45 * MINUTE, (120, 160), 20 * H),
    "hermes": CourierDay((8.0 * H, 9.25 * H), 45 * MINUTE, (120, 160), 20 * H),
    "dpd": CourierDay((7.5 * H, 8.5 * H), 45 * MINUTE, (110, 150), 20 * H),
    "canadapost": CourierDay((8.0 * H, 9.0 * H), 45 * MINUTE, (100, 140), 20 * H),
    "kazpost": CourierDay((9.0 * H, 10.0 * H), 45 * MINUTE, (60, 100), 19 * H),
}
DEFAULT_COURIER_DAY = COURIER_DAYS["ups"]

LOAD_S = (15 * MINUTE, 35 * MINUTE)  # a van is loaded (out-for-delivery scans) over this long
DAY_JITTER_S = 12 * MINUTE  # a station's dispatch moves by up to this much from day to day
TERRITORY_KM2 = 40.0  # a route's territory (suburban routes drive 100–150 km a day)
URBAN_KMH = 18.0  # between stops: stop-and-go in residential streets
ARTERIAL_KMH = 35.0  # from the station to the territory and back
CIRCUITY = 1.3  # road over straight-line distance in cities
BHH = 0.7124  # optimal tour length ≈ BHH·sqrt(n·A)
SERVICE_MEDIAN_S, SERVICE_P95_S = 110.0, 300.0  # one stop: park, walk, hand over or leave
BREAK_S = 30 * MINUTE  # the driver's meal break, half-way through the route
SERVICE_PER_EXTRA_S = 20.0  # each further parcel at the same stop
PACE_SD = 0.10  # a route's pace varies by day (traffic, weather, a new driver): lognormal sd
STOP_JITTER = 0.35  # a stop moves by up to this share of a step either way (2 × 0.35 < the 0.8 pace floor)
FLEX = 1.15  # extra volume a station absorbs with extra routes (helpers, seasonal drivers)
OVERTIME_S = 1.0 * H  # in peak (volume above FLEX), routes run this long past the usual end
SAME_DAY_STOPS = (40, 70)  # a same-day route: an evening run of a few dozen stops


def courier_day(carrier: str) -> CourierDay:
    return COURIER_DAYS.get(carrier, DEFAULT_COURIER_DAY)


def station_first_van(cd: CourierDay, u: float) -> float:
    """A station's usual first-van time (local seconds) from one uniform draw."""
    lo, hi = cd.first_van
    return lo + (hi - lo) * u


def station_cutoff(cd: CourierDay, first_van_s: float) -> float:
    """Parcels that reach the station after this local time go out the next working day."""
    return first_van_s - cd.staging_s


def route_count(area_km2: float) -> int:
    return max(1, round(area_km2 / TERRITORY_KM2))


def bearing(lat0: float, lon0: float, lat: float, lon: float) -> float:
    """Bearing from (lat0, lon0) to (lat, lon), radians in [0, 2π) clockwise from north."""
    dx = (lon - lon0) * math.cos(math.radians(lat0))
    dy = lat - lat0
    return math.atan2(dx, dy) % (2 * math.pi)


def sweep_position(lat0: float, lon0: float, lat: float, lon: float, routes: int) -> tuple[int, float]:
    """Which route's wedge an address falls in, and how far along the wedge's sweep (0–1)."""
    b = bearing(lat0, lon0, lat, lon) / (2 * math.pi) * routes
    r = min(routes - 1, int(b))
    return r, b - r


def day_stops(base_stops: int, volume: float) -> int:
    """Stops a route has on a day whose volume is ``volume`` × normal: extra routes absorb up to
    ``FLEX``, beyond that every route gets longer."""
    return max(1, round(base_stops * max(1.0, volume / FLEX)))


def step_seconds(area_km2: float, stops: int) -> float:
    """Mean time from one stop to the next: drive (tour length per stop) plus mean service."""
    drive_km = BHH * math.sqrt(area_km2 / max(1, stops)) * CIRCUITY
    sigma = math.log(SERVICE_P95_S / SERVICE_MEDIAN_S) / 1.645
    service_mean = SERVICE_MEDIAN_S * math.exp(sigma * sigma / 2)
    return drive_km / URBAN_KMH * H + service_mean


def drive_out_seconds(km: float) -> float:
    """From the station to the start of the territory (or back), on arterial roads."""
    return km * CIRCUITY / ARTERIAL_KMH * H


def stop_index(fraction: float, stops: int) -> int:
    """The stop number (0-based) of an address ``fraction`` of the way along its route's sweep."""
    return min(stops - 1, int(fraction * stops))


def stop_offset(k: int, step: float, pace: float, jitter_u: float) -> float:
    """Seconds from the first stop to stop ``k``: ``k`` steps at the route's pace, plus a jitter of
    less than half a step either way, so stops stay in sequence whatever the draws."""
    return (k * pace + STOP_JITTER * (2 * jitter_u - 1)) * step


def break_after(k: int, stops: int) -> float:
    """The meal break counts for stops in the second half of the route."""
    return BREAK_S if k >= stops // 2 else 0.0


def pace(gauss: float) -> float:
    """A route's pace factor for a day from a standard normal draw (never below 0.8: the jitter
    then cannot swap two stops)."""
    return max(0.8, math.exp(PACE_SD * gauss))


def extra_service(n_parcels: int) -> float:
    return SERVICE_PER_EXTRA_S * max(0, n_parcels - 1)


def volume_factor(dm: DemandConfig, day: date, peaks: list[tuple[date, date, float]]) -> float:
    """How a delivery day's volume compares with a normal day's: the demand of the two ship days
    before it (a ground parcel takes one to three days), with the run's peak multiplier, the
    weekday mix and any peak windows (``peaks``: first day, last day, multiplier)."""
    week = [dm.weekday_weights.get(k, 1.0) for k in WEEKDAY_KEYS]
    mean = sum(week) / 7 or 1.0
    total = 0.0
    for back in (1, 2):
        d = day - timedelta(days=back)
        f = week[d.weekday()] / mean
        for first, last, mult in peaks:
            if first <= d <= last:
                f *= mult
        total += f
    return dm.peak_multiplier * total / 2


def spills(t: float, end: float) -> bool:
    """A stop reached after the route's end (the usual end, or overtime in peak) is not made."""
    return t > end


def area_of_box(half_lat_deg: float, half_lon_deg: float, lat: float) -> float:
    """Area (km²) of a lat/lon box around ``lat`` — a metro's service area."""
    km_lat = 2 * half_lat_deg * 111.2
    km_lon = 2 * half_lon_deg * 111.2 * math.cos(math.radians(lat))
    return km_lat * km_lon


def territory_centre_km(area_km2: float) -> float:
    """Distance from the station (at the centre) to a wedge territory's centroid: 2/3 of the
    radius of a disc of the service area's size."""
    return 2 / 3 * math.sqrt(area_km2 / math.pi)


def distance_km(lat0: float, lon0: float, lat: float, lon: float) -> float:
    return haversine_km(lat0, lon0, lat, lon)
