"""The shape of a carrier profile: typed, frozen records the per-carrier data modules fill in.

A profile is what a carrier publishes (or is measured to do): its services and their standards, the
days it works, what it does after a failed attempt, how fast its scans reach a tracker and how its
estimates behave. The world reads it; nothing here draws a random number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from sim.waves import ALIGNED, DISPATCH_AFTER_WAVE_S, HUB_WAVES, Wave

H = 3600.0
DAY = 24 * H

Weekdays = frozenset[int]  # 0 = Monday
MON_FRI: Weekdays = frozenset(range(5))
MON_SAT: Weekdays = frozenset(range(6))
TUE_SAT: Weekdays = frozenset(range(1, 6))
EVERY_DAY: Weekdays = frozenset(range(7))

#: USPS's common mileage bands of its zones 1–8 (upper bound in miles, zone): docs/realism.md §5.
US_ZONE_MILES: tuple[tuple[float, int], ...] = (
    (50, 1),
    (150, 2),
    (300, 3),
    (600, 4),
    (1000, 5),
    (1400, 6),
    (1800, 7),
)
KM_PER_MILE = 1.609344
ALL_HOLIDAYS: frozenset[str] = frozenset({"*"})


def us_zone(distance_km: float) -> int:
    """The US distance zone (1–8) of a great-circle distance; zone 8 is over 1,800 miles."""
    miles = distance_km / KM_PER_MILE
    for bound, zone in US_ZONE_MILES:
        if miles <= bound:
            return zone
    return 8


@dataclass(frozen=True, slots=True)
class Standard:
    """A published service standard: business days from pick-up to delivery (day 0 = the pick-up
    day). One figure everywhere, or one per US zone 1–8 (``by_zone[zone - 1]``)."""

    days: int
    by_zone: tuple[int, ...] | None = None
    published: str = ""  # as the carrier states it ("1–5 business days by zone")

    def __post_init__(self) -> None:
        if self.by_zone is not None and len(self.by_zone) != 8:
            raise ValueError("a zoned standard has one figure per zone 1–8")

    def business_days(self, zone: int | None) -> int:
        if self.by_zone is None or zone is None:
            return self.days
        return self.by_zone[min(8, max(1, zone)) - 1]


@dataclass(frozen=True, slots=True)
class PeakAdjustment:
    """Extra days a carrier adds to its published standard in its peak season (only where it
    publishes one): labels from ``start`` to ``end`` inclusive, as (month, day), the window may
    wrap the new year."""

    start: tuple[int, int]
    end: tuple[int, int]
    extra_days: int

    def applies(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end


@dataclass(frozen=True, slots=True)
class ServiceProfile:
    """One service as the carrier sells it in one market."""

    product: str  # the carrier's name for it ("UPS Ground")
    standard: Standard
    delivery_days: Weekdays  # the days its couriers deliver
    pickup_days: Weekdays = MON_FRI
    business_days: Weekdays = MON_FRI  # the days its standard counts
    cutoff_s: float = 17 * H  # a label after this (local, at origin) ships the next pick-up day
    end_of_day_s: float = 20 * H  # the promise runs to this local time on the promised day
    guaranteed: bool = False  # money-back guarantee (promise = the standard, no slack)
    #: cumulative shares delivered by E+1, E+2, … working days (measured), when known
    transit_shares: tuple[float, ...] | None = None
    #: shippers whose parcels this service also delivers on extra weekdays (USPS Sunday for Amazon)
    extra_days_for: Mapping[str, Weekdays] = field(default_factory=lambda: MappingProxyType({}))
    peak: PeakAdjustment | None = None
    #: the date sold is a checkout date: the advertised standard, or later where the carrier's plan
    #: for the order cannot make it (Amazon shows each order a date its network can make)
    promise_from_plan: bool = False


@dataclass(frozen=True, slots=True)
class FailedDeliveryPolicy:
    """What a carrier does when a parcel cannot be delivered as planned: nobody takes it, the
    address is wrong, it was refused, or it went missing (``sim.incidents.after_failure_step``)."""

    attempts: int  # doorstep attempts before the parcel is held or returned
    notice_left: bool  # a card / notice at the door (or an e-mail)
    auto_redelivery: bool  # tries again on the next working day without being asked
    hold_at: str  # "post_office" | "access_point" | "station" | "branch" | "parcel_shop" | "locker"
    hold_days: int  # how long it waits there for the recipient before going back
    hold_business_days: bool  # hold_days counts working days (else calendar days)
    #: after the first failure it goes straight to a branch / shop instead of a second attempt
    to_pickup_point_after_first: bool = False
    address_hold_days: int = 5  # working days held for an address correction before returning
    refused_returns_at_once: bool = True
    #: after the last attempt it waits at ``hold_at`` (False: straight back to the shipper)
    hold_after_last: bool = True

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.hold_days < 1 or self.address_hold_days < 1:
            raise ValueError("attempts, hold_days and address_hold_days are at least 1")


@dataclass(frozen=True, slots=True)
class VisibilityProfile:
    """How fast a scan reaches a tracker: scanners upload in batches; now and then a batch is hours
    late (a device out of coverage, a facility's feed stalled)."""

    batch_interval_s: float  # a device uploads what it holds every so often
    lag_median_s: float  # transmission and processing after the upload (lognormal)
    lag_p95_s: float
    late_batch_share: float  # share of batches that arrive hours late
    late_batch_s: tuple[float, float]  # how late such a batch is (uniform)
    first_event_s: tuple[float, float] = (10 * 60, 30 * 60)  # label data to first appearance


@dataclass(frozen=True, slots=True)
class EtaProfile:
    """How a carrier's estimate behaves (``sim.eta``): its own error on the first estimate, how it
    revises, how long it waits for a missing scan, its delivery windows."""

    first_met_target: float  # V: share of first estimates met (issue 12's band 0.80–0.985)
    optimistic_share: float  # first estimate a working day earlier than the carrier's own plan
    pessimistic_share: float  # … a working day later (the parcel then comes "early")
    revision_early_share: float  # a revision a day too cautious, corrected earlier later (≥ 2 %)
    revision_wrong_share: float  # a revision a day too optimistic, itself missed
    missing_scan_after_s: float  # no expected scan for this long: "running late"
    window_s: float | None  # width of an announced delivery window (None: a date only)
    window_missed_share: float  # share of announced windows the delivery falls outside
    #: how long after it knows (a missed departure, a declared storm) a carrier's estimate changes
    announce_lag_s: tuple[float, float] = (10 * 60, 90 * 60)


@dataclass(frozen=True, slots=True)
class HubOperations:
    """How a carrier's hubs run in one country, where it runs them unlike the generic hub
    (``sim.waves.HUB_WAVES``, trailers to the nearest hubs): its sort waves, when its trailers
    leave, whether every hub trucks straight to every other, and when its morning trucks reach
    the delivery stations (local seconds of day)."""

    waves: tuple[Wave, ...]
    hub_to_hub_departures: tuple[float, ...]
    station_arrivals_s: tuple[float, ...]
    direct: bool  # every hub runs a night trailer to every other hub of the country
    #: its sorter clears a normal day's outbound (or inbound) parcels in this long at full rate
    #: (None: sized as the generic hub, ``sim.waves.full_rate_per_hour``)
    clear_s: float | None = None
    #: share of the parcels reaching a delivery base that its tours leave for the next working day
    #: (a full tour, an unstaffed district): an independent miss each day, so a parcel that missed
    #: one day can miss the next (0: every parcel goes out on the first day it makes)
    carry_over: float = 0.0

    def __post_init__(self) -> None:
        starts = [w.start_s for w in self.waves] + [w.end_s for w in self.waves]
        if not self.waves or any(s % 900 for s in starts):
            raise ValueError("hub waves start and end on local quarter hours (sim.waves.open_at)")
        if not 0.0 <= self.carry_over < 1.0:
            raise ValueError("carry_over is a share of parcels (0 <= share < 1)")
        ALIGNED.add(id(self.waves))  # so sim.waves remembers their next wave per quarter hour


def after_wave(name: str, waves: tuple[Wave, ...] = HUB_WAVES) -> float:
    """Local seconds of day at which trailers leave after the sort wave ``name`` ends."""
    wave = next((w for w in waves if w.name == name), None)
    if wave is None:
        raise ValueError(f"no sort wave named {name!r}")
    return (wave.end_s + DISPATCH_AFTER_WAVE_S) % DAY


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """A carrier's long hub-to-hub trailers in one country: on a load plan, not after every sort
    wave — each leaves at a set local time on set weekdays (the local day it leaves), on every
    lane whose drive is longer than ``min_drive_s``. A departure takes as many trailers as the
    lane's day needs (extra sections called at its dispatch time: ``sim.lanes.Lane``)."""

    departures: tuple[float, ...]  # local seconds of day, ascending
    runs: tuple[Weekdays, ...]  # per departure, the weekdays it runs on (0 = Monday)
    min_drive_s: float

    def __post_init__(self) -> None:
        if not self.departures or len(self.runs) != len(self.departures):
            raise ValueError("a load plan names the weekdays of each of its departures")
        if list(self.departures) != sorted(self.departures) or not all(0 <= d < DAY for d in self.departures):
            raise ValueError("a load plan's departures are ascending local seconds of day")
        if not all(r and r <= EVERY_DAY for r in self.runs):
            raise ValueError("each departure runs on at least one weekday (0 = Monday … 6)")


@dataclass(frozen=True, slots=True)
class CarrierProfile:
    key: str
    name: str
    countries: frozenset[str]
    services: Mapping[tuple[str, str], ServiceProfile]  # (service, market country) -> profile
    #: per country, the holiday keys (sim.public_holidays) it does not work; ``ALL_HOLIDAYS``
    #: closes on every public holiday of the place (a country not listed: closed on every one)
    closed_on: Mapping[str, frozenset[str]]
    failed_delivery: FailedDeliveryPolicy
    visibility: VisibilityProfile
    eta: EtaProfile
    texts: Mapping[str, str]  # what its tracking shows, keyed by situation
    first_attempt: float | None  # a published or measured first-attempt success level
    #: published on-time levels (low, high), strict, as the module's comment scopes them (V)
    on_time: tuple[float, float] | None = None
    #: per country, hubs run unlike the generic hub (a country not listed: the generic hub)
    hubs: Mapping[str, HubOperations] = field(default_factory=lambda: MappingProxyType({}))
    #: per country, its long hub-to-hub lanes' load plan (a country not listed: every lane leaves
    #: after every sort wave, ``sim.lanes.HUB_TO_HUB_DEPARTURES``)
    load_plans: Mapping[str, LoadPlan] = field(default_factory=lambda: MappingProxyType({}))
    #: its hubs sort at most this many normal days' load a day, where it publishes what its plants
    #: can take (None: sized as the generic hub, ``sim.waves.full_rate_per_hour``)
    sort_capacity_days: float | None = None
    #: its express aircraft carry this many normal days of their lane, where it publishes the air
    #: capacity it plans for its peak (None: the generic vehicle, ``sim.capacity.vehicle_load``)
    air_capacity_days: float | None = None
    #: per country, regional air hubs (place keys): each runs its own night sort for the express of
    #: the hubs and stations nearer to it than to any other air hub (``sim.air_regions``)
    regional_air_hubs: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    #: per country where it runs the generic hub, the share of parcels reaching a delivery unit that
    #: its tours leave for the next working day, each day anew (``HubOperations.carry_over`` where
    #: it runs its own hubs)
    carry_over: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    #: its express goes out with couriers of its own, never left by the ground tours (UPS, FedEx);
    #: False: with the same carriers as everything else (USPS's Priority Mail)
    express_couriers: bool = True
