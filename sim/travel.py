"""Distance-true travel: how long a road or air leg really takes, and where the vehicle is meanwhile.

A road leg drives the road distance (great-circle distance × a circuity factor) at the country's
moving truck speed, stopping when the drivers' hours-of-service rules say so; long legs run with a
team. An air leg is the truck to the ramp and the loading at one end, the flight, and the unloading
and the truck to the sort floor at the other. ``Timeline`` says how far along a vehicle is at any
moment of its trip, so an "in transit" scan can be placed on the road where the truck really is.

Pure functions, no SimPy: every rule here is unit-tested on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.places import PLACES, Place

H = 3600.0
EARTH_RADIUS_KM = 6371.0

# --- road distance: circuity (road km over great-circle km) --------------------------------------
# Newell (1980) found road distances ~1.2 × the straight line; Ballou, Rahardja & Sakai (2002,
# Transportation Research A 36:843) measured national circuity factors, the US's ~1.2 and Europe's
# higher (Kim et al. 2015 place South Korea's 1.26 between the US and the EU). Kazakhstan's sparse
# trunk network is given the European figure. Germany's dense Autobahn network: the fastest route's
# length over the great circle for ten pairs of the shipped German metros (HAM–BER 289 km, HAM–MUC
# 775, FRA–BER 545, CGN–BER 575, HAM–FRA 490, LEJ–MUC 430, DTM–LEJ 420, CGN–MUC 575, STR–BER 630,
# HAM–CGN 425 road km, as route planners give them) averages 1.22 (1.13–1.29).
CIRCUITY = {"US": 1.20, "CA": 1.20, "DE": 1.22}
CIRCUITY_DEFAULT = 1.30  # Europe (DE, SI), Kazakhstan

# --- moving speeds of line-haul trucks, km/h -----------------------------------------------------
# US: FHWA Freight Facts and Figures 2010, table 3-8 — trucks' average operating speed on 25
# Interstates 52.8–59.2 mph (~90 km/h). EU: trucks over 3.5 t are limited to 80 km/h on German
# motorways (StVO §3(3)) and governed at 90 km/h (Directive 92/6/EEC); 75 km/h moving average is an
# assumption below both limits. Germany's night line-haul runs on the Autobahn when it is emptiest
# and holds the 80 km/h limit (an assumption, like the 75). KZ: assumed 70 km/h (two-lane trunk
# roads; no measured figure).
TRUCK_KMH = {"US": 90.0, "CA": 90.0, "KZ": 70.0, "DE": 80.0}
TRUCK_KMH_DEFAULT = 75.0
LOCAL_KMH = (
    45.0  # through metro traffic (FHWA: trucks average < 55 mph on metro Interstates, slower off them)
)
ACCESS_KM = 15.0  # metro driving at each end of a road leg, from the dock to the highway
GATE_S = 15 * 60.0  # gate, yard and docking at the far end of a road leg

# --- air -------------------------------------------------------------------------------------------
# A freighter cruises at ~850 km/h (B767-300F, A300-600F); block speed including climb and descent
# is lower. Air routes run ~5 % longer than the great circle (airways, approaches). DHL gives < 2 h
# to transfer a parcel through its Leipzig hub; an hour and a half at each end covers the truck to
# the ramp, building and loading the containers, and the reverse at arrival.
AIR_CRUISE_KMH = 850.0
AIR_ROUTE_FACTOR = 1.05
AIR_TAXI_CLIMB_S = 0.5 * H
AIR_ORIGIN_HANDLING_S = 1.5 * H
AIR_DEST_HANDLING_S = 1.5 * H
#: An air hub's outbound bank: its containers are built on the sort floor to each destination, so
#: from the end of the sort they are only towed to the aircraft and loaded (UPS Worldport's night
#: sort ends about 03:30 and its planes leave from about 04:00, docs/realism.md §5).
AIR_BANK_LOADING_S = 0.5 * H
#: … and at the air hub an inbound bank's containers go from the aircraft straight onto the sort
#: (Worldport: ~13 min through the sort; DHL Leipzig: < 2 h for the whole transfer, §10).
AIR_BANK_UNLOADING_S = 0.5 * H
AIR_MIN_KM = 1000.0  # air only for legs of at least 1,000 km (singlestore-logistics-sim default)
#: Overnight express flies to and from its air hub from this far: farther than a truck covers
#: between the evening's sort and the air hub's night sort (~8 h at road speeds with the metro ends).
EXPRESS_AIR_MIN_KM = 450.0


@dataclass(frozen=True, slots=True)
class DrivingRules:
    """Hours-of-service limits for one driver, and what a team does instead of the daily rest."""

    name: str
    continuous_s: float  # driving before a break is due
    break_s: float
    daily_s: float  # driving before a daily rest
    rest_s: float
    team_daily_s: float  # a two-driver crew's driving before the truck must stand (inf: never)
    team_rest_s: float
    team_swap_s: float  # a stop to change drivers, in place of each driver's break


# US: 49 CFR 395.3 — 11 h driving after 10 h off duty; no driving once 8 h have passed without a
# 30-minute interruption. A sleeper team keeps the truck moving: one drives while the other is in
# the berth (which counts as the off-duty time), so the truck stops only to change drivers.
US_RULES = DrivingRules("49 CFR 395.3", 8 * H, 0.5 * H, 11 * H, 10 * H, math.inf, 0.0, 0.25 * H)
# EU (and AETR, which Kazakhstan applies): Regulation (EC) 561/2006 — a 45-minute break after 4.5 h
# driving, 9 h driving a day, an 11-hour daily rest. Multi-manning: a co-driver's time in the moving
# vehicle counts as a break, and the crew takes a 9-hour rest within each 30 hours (at most 2 × 9 h
# of driving between rests).
EU_RULES = DrivingRules("Regulation (EC) 561/2006", 4.5 * H, 0.75 * H, 9 * H, 11 * H, 18 * H, 9 * H, 0.25 * H)
#: Canada's federal rules allow 13 h of driving a day; the US limits, the stricter, are used there.
RULES = {"US": US_RULES, "CA": US_RULES}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def road_km(great_circle_km: float, country: str) -> float:
    return great_circle_km * CIRCUITY.get(country, CIRCUITY_DEFAULT)


def truck_kmh(country: str, km: float) -> float:
    """A road leg's average moving speed: metro driving at both ends, the highway between."""
    if km <= 0:
        return LOCAL_KMH
    metro = min(km, 2 * ACCESS_KM)
    hours = metro / LOCAL_KMH + (km - metro) / TRUCK_KMH.get(country, TRUCK_KMH_DEFAULT)
    return km / hours


def rules_for(country: str) -> DrivingRules:
    return RULES.get(country, EU_RULES)


@dataclass(frozen=True, slots=True)
class Timeline:
    """A vehicle's trip: driving stretches as (start offset s, end offset s, km at start), the
    speed between, the total distance, and the trip's duration (gate to gate, or hub to hub)."""

    stretches: tuple[tuple[float, float, float], ...]
    kmh: float
    km: float
    duration_s: float

    def km_at(self, elapsed: float) -> float:
        """Distance covered ``elapsed`` seconds after departure (standing still during stops)."""
        for start, end, km0 in self.stretches:
            if elapsed < start:
                return km0
            if elapsed <= end:
                return km0 + (elapsed - start) * self.kmh / 3600
        return self.km

    def stops(self) -> list[float]:
        """Offsets at which the vehicle stops on the way (breaks, rests, driver changes)."""
        return [end for _, end, _ in self.stretches[:-1]]

    def halfway_stop(self) -> float:
        """The stop nearest the middle of the trip (the middle itself on a trip without one)."""
        middle = self.duration_s / 2
        return min(self.stops() or [middle], key=lambda t: abs(t - middle))


def drive(km: float, country: str, team: bool | None = None) -> Timeline:
    """A road leg of ``km`` road kilometres: driving stretches between the breaks and rests the
    rules require. ``team`` None decides as carriers do: a team when one driver's day is too short."""
    rules = rules_for(country)
    kmh = truck_kmh(country, km)
    total = km / kmh * 3600
    if team is None:
        team = total > rules.daily_s
    stretches: list[tuple[float, float, float]] = []
    t = driven = since_rest = 0.0
    while True:
        stretch = min(rules.continuous_s, total - driven)
        limit = rules.team_daily_s if team else rules.daily_s
        stretch = min(stretch, limit - since_rest)
        stretches.append((t, t + stretch, driven * kmh / 3600))
        t += stretch
        driven += stretch
        since_rest += stretch
        if driven >= total - 1e-6:
            break
        if since_rest >= limit - 1e-6:
            t += rules.team_rest_s if team else rules.rest_s
            since_rest = 0.0
        else:
            t += rules.team_swap_s if team else rules.break_s
    return Timeline(tuple(stretches), kmh, km, t + GATE_S)


def fly(
    great_circle_km: float,
    origin_handling_s: float = AIR_ORIGIN_HANDLING_S,
    dest_handling_s: float = AIR_DEST_HANDLING_S,
) -> Timeline:
    """An air leg hub to hub: origin handling, the flight, destination handling. The vehicle is
    on the ground at the origin hub until the flight leaves and at the destination once it lands."""
    flight = great_circle_km * AIR_ROUTE_FACTOR / AIR_CRUISE_KMH * 3600 + AIR_TAXI_CLIMB_S
    km = great_circle_km
    start = origin_handling_s
    return Timeline(((start, start + flight, 0.0),), km / flight * 3600, km, start + flight + dest_handling_s)


def along(lat1: float, lon1: float, lat2: float, lon2: float, fraction: float) -> tuple[float, float]:
    """The point ``fraction`` of the way along the great circle from one point to the other."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    d = haversine_km(lat1, lon1, lat2, lon2) / EARTH_RADIUS_KM
    if d < 1e-9:
        return lat1, lon1
    a = math.sin((1 - fraction) * d) / math.sin(d)
    b = math.sin(fraction * d) / math.sin(d)
    x = a * math.cos(p1) * math.cos(l1) + b * math.cos(p2) * math.cos(l2)
    y = a * math.cos(p1) * math.sin(l1) + b * math.cos(p2) * math.sin(l2)
    z = a * math.sin(p1) + b * math.sin(p2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def nearest_place(lat: float, lon: float, places: tuple[Place, ...] | None = None) -> Place:
    """The listed city nearest a point (every place of ``sim.places`` by default)."""
    pool = places if places is not None else tuple(PLACES.values())
    return min(pool, key=lambda p: (haversine_km(lat, lon, p.lat, p.lon), p.key))
