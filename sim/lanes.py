"""Lanes: the scheduled legs of the network — when vehicles leave, how long a road or air leg takes
between two facilities, and what a plan expects of it.

A lane's departures are local wall-clock times at its origin; its duration and where the vehicle is
along the way come from ``sim.travel``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sim import timing, travel, waves
from sim.events import Location
from sim.travel import Timeline, along, nearest_place

if TYPE_CHECKING:
    from sim.events import ExceptionReason
    from sim.network import Facility
    from sim.parcels import Parcel
    from sim.profiles.types import LoadPlan

# --- schedules, local seconds-of-day -------------------------------------------------------
H = 3600.0
#: Trailers and aircraft leave a hub when a sort wave ends (sim.waves).
HUB_DEPARTURES = waves.wave_ends()
#: Hubs also send trucks to their stations as the morning's inbound sort fills them, each timed to
#: reach its station at these local times, before the couriers' sort cut-off (first vans
#: 07:30–09:45, staging 75 min: sim.courier_routes): the night's line-haul goes out that morning.
STATION_MORNING_ARRIVALS_S = (5.5 * H, 6.25 * H)
HUB_TO_STATION_DEPARTURES = HUB_DEPARTURES
#: Between hubs, the evening and night sorts also dispatch trailers as they fill (mid-way through
#: the twilight and night waves), so the evening's pickups reach a hub a night's drive away early.
HUB_TO_HUB_EXTRA_S = (19 * H + waves.DISPATCH_AFTER_WAVE_S, 0 * H + waves.DISPATCH_AFTER_WAVE_S)
HUB_TO_HUB_DEPARTURES = tuple(sorted({*HUB_DEPARTURES, *HUB_TO_HUB_EXTRA_S}))
#: The longest hub-to-hub drive an express parcel rides (an overnight run); farther, it flies.
EXPRESS_TRUCK_MAX_S = 9 * H
STATION_TO_HUB_DEPARTURES = (13 * H, 19 * H, 21 * H)
HUB_TO_FC_DEPARTURES = (10 * H, 16 * H)
PICKUP_TIMES = (11 * H, 17 * H, 20 * H)
AMAZON_PICKUP_TIMES = (9 * H, 13 * H, 17 * H, 21 * H)
#: A carrier's van takes the day's hand-overs to the partner's post office before its morning sort.
EXCHANGE_DEPARTURES = (5.5 * H,)
#: Spoke flights are timed to land for the air hub's night sort (its local time), and the hub's
#: outbound flights leave when that sort ends — the overnight "bank" of UPS Worldport, FedEx Memphis.
#: The bank lands from about midnight, an aircraft a minute ("from midnight onward, a plane lands at
#: Worldport every 60 seconds", AP via bustle.com, 2015; docs/realism.md §5), the farthest spokes —
#: which need the latest pickups — last. A spoke's containers are on the sort (landing + unloading)
#: from ``AIR_BANK_FIRST_S`` for the nearest to ``AIR_BANK_LAST_S`` for spokes ``AIR_BANK_SPAN_KM``
#: or more away, in proportion to the distance between (an assumption: one slot per aircraft over
#: the landing window, in order of distance); the last slot is sorted (~13 minutes, ``incidents``'s
#: air sort) before the outbound bank leaves the sort (``AIR_BANK_OUTBOUND_S``).
AIR_BANK_FIRST_S = 0.5 * H
AIR_BANK_LAST_S = 2.5 * H
AIR_BANK_SPAN_KM = 3000.0  # about Seattle–Louisville
INTERCONTINENTAL_DEPARTURES = (waves.wave_ends()[0],)  # one flight a day, after the night sort
#: The air hub's outbound bank leaves the sort 4 h after the inbound bank lands and its planes take
#: off half an hour later (``travel.AIR_BANK_LOADING_S``: UPS Worldport's night sort runs from about
#: 23:00 to 03:30, its planes leave from ~04:00; docs/realism.md §5) — not another 1½ h of handling
#: after the sort; its containers, built to the destination building, reach a station within
#: ``AIR_RAMP_TO_STATION_S`` of landing.
AIR_BANK_OUTBOUND_S = 3.5 * H
#: A spoke's bank flight: its containers are built on the spoke hub's evening sort as the air hub's
#: are on its night sort — a parcel sorted by the departure scan is in them (no trailer cut-off) —
#: then trucked to the ramp and loaded (an assumption: an hour), not the hour and a half of a
#: flight whose freight is built at the airport (``travel.AIR_ORIGIN_HANDLING_S``).
AIR_SPOKE_LOADING_S = 1.0 * H
AIR_RAMP_TO_STATION_S = 0.75 * H
#: The bank's morning run to a station flies only where that beats the truck by this much (an
#: assumption: a carrier flies a station near its air hub only when the drive would miss the morning).
MORNING_FLIGHT_GAIN_S = 1 * H

AIR_CONNECTION_S = 2 * H  # a route's expected wait for a banked flight
BACKUP_PENALTY_S = 48 * H  # a spoke's second hub is used only when its first is down


@dataclass(slots=True, frozen=True)
class Lane:
    src: str
    dst: str
    mode: str  # "truck" | "air"
    distance_km: float  # great-circle
    duration_s: float  # departure scan to arrival at the far end
    departures: tuple[float, ...]
    timeline: Timeline | None = None  # where the vehicle is along the way (None: evenly)
    backup: bool = False  # a spoke's second hub: used only when its first is down
    #: per departure, the weekdays (local, 0 = Monday) it leaves on; None: every day (a load plan's
    #: long-haul trailers do not run at weekends: ``sim.profiles.types.LoadPlan``)
    runs: tuple[frozenset[int], ...] | None = None
    #: a parcel must be sorted this long before a departure to make it: a trailer's loading; none
    #: for a bank's flights and morning runs, whose departure is the end of the sort that builds
    #: their containers (their loading is the lane's own handling)
    cutoff_s: float = timing.LOADING_CUTOFF_S

    @property
    def daily_departures(self) -> float:
        """Departures a day, on average over a week (a load plan's run only on their weekdays)."""
        return len(self.departures) if self.runs is None else sum(len(r) for r in self.runs) / 7

    @property
    def vehicle_departures(self) -> float:
        """The departures a day one vehicle's room is sized for (``sim.capacity.vehicle_load``): a
        load plan's departure takes up to a whole normal day of the lane — its scheduled trailer and
        the extra sections called at its dispatch time (``sim.profiles.types.LoadPlan``)."""
        return len(self.departures) if self.runs is None else 1.0

    @property
    def expected_s(self) -> float:
        # flights are banked: timed to the sorts they connect, a parcel waits hours, not half a day
        headway = AIR_CONNECTION_S * 2 if self.mode == "air" else 24 * H / self.daily_departures
        penalty = BACKUP_PENALTY_S if self.backup else 0.0
        return self.duration_s + headway / 2 + timing.NOMINAL_SORT_S + penalty


def km_between(a: Facility, b: Facility) -> float:
    return travel.haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)


def road_lane(a: Facility, b: Facility, departures: tuple[float, ...], backup: bool = False) -> Lane:
    """A truck lane: the road distance driven under the origin country's hours-of-service rules."""
    km = km_between(a, b)
    tl = travel.drive(travel.road_km(km, a.place.country), a.place.country)
    return Lane(a.id, b.id, "truck", km, tl.duration_s, departures, tl, backup)


def hub_lane(a: Facility, b: Facility, departures: tuple[float, ...], plan: LoadPlan | None) -> Lane:
    """A trailer lane between two hubs: after the sort waves (``departures``), or, longer than the
    carrier's load plan's shortest long haul, on that plan's departures and weekdays."""
    lane = road_lane(a, b, departures)
    if plan is not None and lane.duration_s > plan.min_drive_s:
        return replace(lane, departures=plan.departures, runs=plan.runs)
    return lane


def station_lane(
    hub: Facility,
    station: Facility,
    backup: bool = False,
    departures: tuple[float, ...] = HUB_TO_STATION_DEPARTURES,
    arrivals: tuple[float, ...] = STATION_MORNING_ARRIVALS_S,
) -> Lane:
    """A hub's trucks to one of its stations: after each wave (``departures``), and the morning runs
    timed (by the drive) to reach the station by ``arrivals``."""
    lane = road_lane(hub, station, departures, backup)
    morning = {round((t - lane.duration_s) % (24 * H) / 60) * 60.0 for t in arrivals}
    return replace(lane, departures=tuple(sorted({*lane.departures, *morning})))


def air_to_station(air: Facility, station: Facility) -> Lane:
    """The air hub's morning flight to a station's airport, its containers straight to the station."""
    lane = air_lane(air, station, (AIR_BANK_OUTBOUND_S,), travel.AIR_BANK_LOADING_S, cutoff_s=0.0)
    return replace(lane, duration_s=lane.duration_s - travel.AIR_DEST_HANDLING_S + AIR_RAMP_TO_STATION_S)


def morning_run(air: Facility, station: Facility) -> Lane:
    """The air hub's morning run to a station with its outbound bank: the flight where it beats the
    drive by ``MORNING_FLIGHT_GAIN_S`` (Chicago from Louisville), else a truck leaving as the sort
    ends (New York from Philadelphia)."""
    fly = air_to_station(air, station)
    drive = replace(road_lane(air, station, (AIR_BANK_OUTBOUND_S,)), cutoff_s=0.0)
    return fly if fly.duration_s + MORNING_FLIGHT_GAIN_S <= drive.duration_s else drive


def air_lane(
    a: Facility,
    b: Facility,
    departures: tuple[float, ...],
    origin_s: float = travel.AIR_ORIGIN_HANDLING_S,
    dest_s: float = travel.AIR_DEST_HANDLING_S,
    cutoff_s: float = timing.LOADING_CUTOFF_S,
) -> Lane:
    km = km_between(a, b)
    tl = travel.fly(km, origin_s, dest_s)
    return Lane(a.id, b.id, "air", km, tl.duration_s, departures, tl, cutoff_s=cutoff_s)


def bank_slot(km: float) -> float:
    """When a spoke ``km`` from its air hub has its containers on the hub's night sort (hub local
    seconds after midnight): the nearer, the earlier in the bank."""
    share = min(1.0, km / AIR_BANK_SPAN_KM)
    return AIR_BANK_FIRST_S + (AIR_BANK_LAST_S - AIR_BANK_FIRST_S) * share


def bank_departure(spoke: Facility, hub: Facility, duration_s: float, reference: datetime) -> float:
    """Local seconds-of-day at ``spoke`` for a flight that lands for ``hub``'s night sort in the
    spoke's slot (``bank_slot``, hub time), at the zones' offsets on the ``reference`` day."""
    shift = (hub.tz.utcoffset(reference) or 0) - (spoke.tz.utcoffset(reference) or 0)  # type: ignore[operator]
    slot = bank_slot(km_between(spoke, hub))
    return (slot - shift.total_seconds() - duration_s) % (24 * H)


def bank_lanes(spoke: Facility, air: Facility, reference: datetime) -> tuple[Lane, Lane]:
    """A spoke's express flights: to the air hub, landing for its night sort, and back on its
    outbound bank."""
    unload, load = travel.AIR_BANK_UNLOADING_S, AIR_SPOKE_LOADING_S
    duration = travel.fly(km_between(spoke, air), load, unload).duration_s
    dep = bank_departure(spoke, air, duration, reference)
    return air_lane(spoke, air, (dep,), load, unload, cutoff_s=0.0), air_lane(
        air, spoke, (AIR_BANK_OUTBOUND_S,), travel.AIR_BANK_LOADING_S, cutoff_s=0.0
    )


def hub_pairs(hubs: list[Facility], neighbours: int) -> list[tuple[Facility, Facility]]:
    """Which hubs of one country truck to each other: each to its ``neighbours`` nearest, and
    the closest pair between any parts left unconnected, so every hub reaches every other."""
    dist = {(a.id, b.id): km_between(a, b) for a in hubs for b in hubs if a.id != b.id}
    pairs: set[tuple[str, str]] = set()
    for a in hubs:
        others = sorted((dist[a.id, b.id], b.id) for b in hubs if b.id != a.id)
        for _, b_id in others[:neighbours]:
            pairs.add(tuple(sorted((a.id, b_id))))  # type: ignore[arg-type]
    part = {h.id: h.id for h in hubs}

    def root(x: str) -> str:
        while part[x] != x:
            x = part[x]
        return x

    for a_id, b_id in sorted(pairs):
        part[root(a_id)] = root(b_id)
    while len({root(h.id) for h in hubs}) > 1:
        _, a_id, b_id = min((d, a, b) for (a, b), d in dist.items() if root(a) != root(b))
        pairs.add(tuple(sorted((a_id, b_id))))  # type: ignore[arg-type]
        part[root(a_id)] = root(b_id)
    by_id = {h.id: h for h in hubs}
    return [(by_id[a], by_id[b]) for a, b in sorted(pairs)]


def road_location(lane: Lane, a: Facility, b: Facility, stop: float) -> tuple[Location, ZoneInfo]:
    """Where a vehicle on ``lane`` from ``a`` to ``b`` is ``stop`` seconds into its trip: the point
    along the way, named for the nearest city, and that city's zone (a scan there reads its clock)."""
    tl = lane.timeline
    assert tl is not None
    lat, lon = along(a.place.lat, a.place.lon, b.place.lat, b.place.lon, tl.km_at(stop) / tl.km)
    near = nearest_place(lat, lon)
    loc = Location(
        None,
        "vehicle",
        f"In transit near {near.city}",
        near.city,
        near.region,
        near.postal_code,
        near.country,
        round(lat, 4),
        round(lon, 4),
    )
    return loc, near.zone


@dataclass(slots=True)
class LaneQueue:
    """Parcels waiting for a lane's vehicles, and the departures already called."""

    lane: Lane
    origin: Facility
    dest: Facility
    pickup_days: timing.Days | None  # a shipper's pickup lane: the carrier's pickup days
    room: int
    carrier: str = ""
    shuttle: bool = False  # a same-day shuttle from the warehouse (sim.pickups, sim.same_day)
    queue: list[tuple[float, int, Parcel]] = field(default_factory=list)
    called: set[float] = field(default_factory=set)
    missed: dict[float, ExceptionReason] = field(
        default_factory=dict
    )  # departure -> why it left without them
