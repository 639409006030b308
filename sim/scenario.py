"""Scenario files: YAML parsed into pydantic models, with errors that name file, line and field.

A scenario is everything that defines a world: when it starts, how long it runs, the places and
carriers, demand, incident rates, disruptions and pinned QA cases. ``load_scenario`` accepts a
path or the name of a shipped scenario (``baseline``); a mistake raises ``ScenarioError`` whose
lines read ``file:line:col: field.path: message``.

Every number has a documented range (the JSON Schema's ``minimum``/``maximum``, docs/scenarios.md),
chosen so that whatever validates also runs and serves to the end: the horizon is at most
``MAX_DURATION`` + ``MAX_DRAIN``, instants stay in 2000–2099, and the demand process draws at most
``MAX_DEMAND_DRAWS`` parcels (``demand_draws``). The YAML itself is read by ``sim.safe_yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from sim import places, safe_yaml
from sim.errors import one_line
from sim.events import CARRIERS, SIM_CARRIERS, Service
from sim.faults_config import (  # re-exported: the served sandbox imports them from here
    FAULT_ROUTES,
    FAULT_STATUSES,
    RATE_LIMIT_PRESETS,
    CorrectedDelivery,
    FaultsConfig,
    HttpFaults,
    Latency,
    LateScans,
    RateLimit,
    ScanFaults,
    StaleTracker,
)
from sim.fields import (  # re-exported: parse_duration is the control plane's too
    DAY,
    MINUTE,
    Instant,
    Rate,
    StrictModel,
    duration_between,
    format_duration,
    parse_duration,
    parse_seconds,
)

__all__ = [
    "FAULT_ROUTES",
    "FAULT_STATUSES",
    "RATE_LIMIT_PRESETS",
    "CorrectedDelivery",
    "FaultsConfig",
    "HttpFaults",
    "LateScans",
    "Latency",
    "RateLimit",
    "ScanFaults",
    "Scenario",
    "ScenarioError",
    "StaleTracker",
    "load_scenario",
    "parse_duration",
    "parse_scenario",
    "parse_seconds",
    "shipped_scenarios",
]

# --------------------------------------------------------------------------------------------
# Limits (each is in the JSON Schema and docs/scenarios.md; tests/test_limits.py runs the corners)

#: Longest demand period: a year, leap day included.
MAX_DURATION = 366 * DAY
#: Longest drain after demand stops (the slowest story, three failed attempts and a return, takes
#: about three weeks).
MAX_DRAIN = 90 * DAY
#: Most parcels the demand process may draw over the run (over one day for shorter runs and for
#: `serve`'s endless demand). About 5.6 KB each while in flight, so at most ~14 GB; a
#: 1,000,000-parcel day with the default daily curve and weekday mix draws 1.76 M.
MAX_DEMAND_DRAWS = 2_500_000
#: Largest parcels_per_day, and the largest demand multiplier (peak_multiplier, a peak window).
MAX_PARCELS_PER_DAY = 1_000_000
MAX_MULTIPLIER = 100.0
#: Largest relative weight in a daily curve or weekday mix.
MAX_WEIGHT = 1_000_000.0
#: Seeds are unsigned 63-bit integers (they fit SQLite, JSON consumers and every language's int64).
MAX_SEED = 2**63 - 1
#: Token lifetimes a carrier may be given.
MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME = 1.0, 30 * DAY
#: List lengths that cost time per parcel or per event.
MAX_PEAKS, MAX_DISRUPTIONS, MAX_CASES = 100, 200, 1_000
MAX_FACILITIES, MAX_LANES, MAX_DEPARTURES = 1_000, 5_000, 288
MAX_CREDENTIALS, MAX_EXPECT = 1_000, 200

#: A scenario's name: safe as a folder name (``runs/<name>``), never a path.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

RunDuration = duration_between(0, MAX_DURATION, above=True)
Drain = duration_between(0, MAX_DRAIN)
TokenLifetime = duration_between(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME, nullable=True)
LaneDuration = duration_between(MINUTE, 14 * DAY, nullable=True)
DisruptionDuration = duration_between(0, MAX_DURATION, above=True)
ShipAt = duration_between(0, MAX_DURATION)
CaseDelay = duration_between(0, 30 * DAY)
Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]
#: An expected figure (summary.json values are rates, counts and hours).
Band = Annotated[float, Field(ge=-1e12, le=1e12)]

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


# --------------------------------------------------------------------------------------------
# Carriers

# Published hub locations, by carrier (place keys from sim.places). UPS: Worldport (Louisville),
# CACH (Hodgkins), Ontario CA, Atlanta, Dallas, Parsippany/Newark, Philadelphia; FedEx: Memphis
# World Hub, Indianapolis, Northlake/Chicago; DHL: CVG Americas hub (Hebron KY); Amazon Air:
# KCVG (Hebron KY) plus regional sort centres; USPS: regional processing & distribution centres.
DEFAULT_HUBS: dict[str, tuple[str, ...]] = {
    "ups": ("SDF", "HDG", "ONT", "ATL", "DFW", "EWR", "PHL", "OAK", "SEA", "DEN", "MCI", "YYZ", "YVR"),
    "fedex": ("MEM", "IND", "CHI", "DFW", "ATL", "EWR", "ONT", "OAK", "SEA", "DEN", "PIT", "YYZ", "YVR"),
    "usps": ("CHI", "ATL", "DFW", "LAX", "EWR", "DEN", "SEA", "PHL", "MEM", "MCI", "CVG", "MSP", "SFO"),
    "dhl": ("HEB", "LAX", "NYC", "CHI", "MIA", "DFW", "SFO", "YYZ", "YVR"),
    "amazon": ("HEB", "ONT", "DFW", "ATL", "EWR", "HDG", "SEA", "PHX", "BWI", "JAX", "SMF", "MSP"),
    "hermes": ("HDL", "HAJ", "LEJ", "NUE", "DTM", "MUC", "FRA", "HAM"),
    # DPD Germany: depots in the large German metros, Frankfurt nearest its Aschaffenburg hub.
    "dpd": ("FRA", "HAJ", "DTM", "LEJ", "NUE", "MUC", "STR", "HAM", "BER"),
    "canadapost": ("YYZ", "YUL", "YVR", "YYC"),
    "kazpost": ("ALA", "NQZ"),
}
# Germany (and the Almaty gateway for Kazakhstan) for the carriers that also run there:
# DHL's parcel centres and its Leipzig air hub; UPS's Köln/Bonn air hub and German centres.
DEFAULT_HUBS["dhl"] += ("LEJ", "BER", "HAM", "CGN", "FRA", "MUC", "STR", "DTM", "ALA", "LJU")
DEFAULT_HUBS["ups"] += ("CGN", "FRA", "MUC", "HAM", "BER", "LEJ")

DEFAULT_DELIVERY_DAYS: dict[str, tuple[str, ...]] = {
    "ups": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "fedex": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "usps": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "dhl": ("mon", "tue", "wed", "thu", "fri"),
    "amazon": WEEKDAYS,
    "hermes": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "dpd": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "canadapost": ("mon", "tue", "wed", "thu", "fri"),
    "kazpost": ("mon", "tue", "wed", "thu", "fri", "sat"),
}


class CarrierConfig(StrictModel):
    share: float = Field(gt=0, le=1, description="Share of all parcels this carrier carries.")
    services: dict[Service, Rate] = Field(
        description="Service mix: service level -> share of this carrier's parcels (sums to 1)."
    )
    hubs: list[str] | None = Field(
        None, max_length=len(places.PLACES), description="Place keys of sort hubs; default: real hubs."
    )
    delivery_days: list[Weekday] | None = Field(None, description="Local weekdays with deliveries.")
    pickup_days: list[Weekday] | None = Field(None, description="Local weekdays with pickups.")
    partner: dict[Service, str] = Field(
        default_factory=dict,
        description="Last mile by a partner carrier per service, e.g. {economy: usps}.",
    )
    credentials: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_CREDENTIALS,
        description="Allowed client_id -> client_secret (empty: any works).",
    )
    api_keys: list[str] = Field(
        default_factory=list, max_length=MAX_CREDENTIALS, description="Allowed API keys (DHL); empty: any."
    )
    token_lifetime: TokenLifetime = Field(None, description="Override the carrier's token lifetime.")

    @field_validator("services")
    @classmethod
    def _mix_sums_to_one(cls, v: dict[Service, float]) -> dict[Service, float]:
        if not v:
            raise ValueError("at least one service is needed")
        if any(x < 0 for x in v.values()):
            raise ValueError("service shares cannot be negative")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"service shares must sum to 1 (they sum to {total:g})")
        return v

    @field_validator("partner")
    @classmethod
    def _known_partner(cls, v: dict[Service, str]) -> dict[Service, str]:
        for carrier in v.values():
            if carrier not in SIM_CARRIERS:
                raise ValueError(f"unknown partner carrier {carrier!r} (known: {', '.join(SIM_CARRIERS)})")
        return v

    @field_validator("hubs")
    @classmethod
    def _known_hubs(cls, v: list[str] | None) -> list[str] | None:
        for key in v or ():
            if key not in places.PLACES:
                raise ValueError(f"unknown place {key!r} for a hub")
        return v


# --------------------------------------------------------------------------------------------
# Network


class FacilitySpec(StrictModel):
    id: str
    kind: Literal["fulfilment_centre", "sort_hub", "delivery_station", "pickup_point"]
    carrier: str | None = Field(None, description="Owning carrier (none for a fulfilment centre).")
    place: str = Field(description="Place key (sim.places), e.g. 'CHI'.")
    name: str | None = Field(None, description="Display name; default from the carrier and city.")

    @field_validator("place")
    @classmethod
    def _known_place(cls, v: str) -> str:
        if v not in places.PLACES:
            raise ValueError(f"unknown place {v!r}")
        return v


_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class LaneSpec(StrictModel):
    """A lane listed explicitly: added to (or replacing) the generated lane between two facilities."""

    src: str = Field(alias="from", description="Facility id the lane leaves from, e.g. 'ups-hub-SDF'.")
    dst: str = Field(alias="to", description="Facility id it arrives at.")
    mode: Literal["truck", "air"] = Field("truck", description="Truck, or air (fast services only).")
    departures: list[str] = Field(
        max_length=MAX_DEPARTURES, description="Local departure times 'HH:MM' at the origin facility."
    )
    duration: LaneDuration = Field(None, description="Door to door; default from distance and mode.")

    @field_validator("departures")
    @classmethod
    def _times(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a lane needs at least one departure time")
        for t in v:
            if not _CLOCK.match(t):
                raise ValueError(f"bad departure time {t!r}: use 'HH:MM' (24 h, local)")
        return v

    def departure_seconds(self) -> tuple[float, ...]:
        return tuple(
            sorted(int(h) * 3600.0 + int(m) * 60.0 for h, m in (t.split(":") for t in self.departures))
        )


class NetworkConfig(StrictModel):
    countries: list[str] = Field(
        default_factory=lambda: ["US"], max_length=len(places.PLACES), description="ISO country codes."
    )
    metros: list[str] | None = Field(
        None, max_length=len(places.PLACES), description="Place keys that receive parcels; default all."
    )
    fulfilment_centres: list[str] = Field(
        default_factory=lambda: ["ONT", "DFW", "CMH", "EWR", "ATL", "IND", "PHX", "SEA", "JAX", "MEM"],
        description="Place keys of the shippers' fulfilment centres / warehouses.",
    )
    facilities: list[FacilitySpec] = Field(
        default_factory=list,
        max_length=MAX_FACILITIES,
        description="Extra facilities listed explicitly (added to the generated).",
    )
    lanes: list[LaneSpec] = Field(
        default_factory=list,
        max_length=MAX_LANES,
        description="Lanes listed explicitly (added to, or replacing, generated ones).",
    )
    hub_sort_per_hour: float = Field(
        0,
        ge=0,
        le=10_000_000,
        description="Sort capacity of one hub, parcels/hour (0, or 1 and more); 0 = sized from demand.",
    )
    capacity_headroom: float = Field(
        2.0, ge=0.1, le=100, description="Hub sort capacity as a multiple of the expected normal-day load."
    )

    @field_validator("hub_sort_per_hour")
    @classmethod
    def _sorts_something(cls, v: float) -> float:
        if 0 < v < 1:
            raise ValueError("a hub sorts at least 1 parcel an hour (or 0: sized from demand)")
        return v

    @field_validator("metros", "fulfilment_centres")
    @classmethod
    def _known_places(cls, v: list[str] | None) -> list[str] | None:
        for key in v or ():
            if key not in places.PLACES:
                raise ValueError(f"unknown place {key!r}")
        return v


# --------------------------------------------------------------------------------------------
# Demand


# Share of a day's orders per local hour (online-shopping curve: evening peak, night trough).
DEFAULT_DAILY_CURVE: tuple[float, ...] = (
    1.2,
    0.8,
    0.5,
    0.4,
    0.4,
    0.6,
    1.5,
    2.8,
    4.0,
    5.2,
    5.8,
    6.0,
    6.0,
    5.9,
    5.8,
    5.7,
    5.6,
    5.6,
    5.8,
    6.2,
    6.4,
    5.8,
    4.2,
    2.2,
)


class PeakWindow(StrictModel):
    start: Instant
    end: Instant
    multiplier: float = Field(gt=0, le=MAX_MULTIPLIER, description="Volume multiplier inside the window.")

    @model_validator(mode="after")
    def _ordered(self) -> PeakWindow:
        if self.end <= self.start:
            raise ValueError("a peak window ends after it starts")
        return self


class DemandConfig(StrictModel):
    parcels_per_day: float = Field(
        gt=0, le=MAX_PARCELS_PER_DAY, description="Average parcels created per day."
    )
    daily_curve: list[Weight] = Field(
        default_factory=lambda: list(DEFAULT_DAILY_CURVE),
        description="24 relative weights, one per local hour.",
    )
    weekday_weights: dict[Weekday, Weight] = Field(
        default_factory=lambda: {
            "mon": 1.15,
            "tue": 1.1,
            "wed": 1.05,
            "thu": 1.0,
            "fri": 0.95,
            "sat": 0.85,
            "sun": 0.9,
        },
        description="Relative volume per weekday.",
    )
    peak_multiplier: float = Field(
        1.0, gt=0, le=MAX_MULTIPLIER, description="Volume multiplier over the whole run."
    )
    returns_share: float = Field(
        0.0, ge=0, le=1, description="Share of parcels that are customer returns to the merchant."
    )
    peaks: list[PeakWindow] = Field(
        default_factory=list, max_length=MAX_PEAKS, description="Windows of extra volume."
    )

    @field_validator("daily_curve")
    @classmethod
    def _curve(cls, v: list[float]) -> list[float]:
        if len(v) != 24:
            raise ValueError(f"daily_curve needs 24 hourly weights, got {len(v)}")
        if any(x < 0 for x in v) or sum(v) <= 0:
            raise ValueError("daily_curve weights must be non-negative and not all zero")
        return v

    @field_validator("weekday_weights")
    @classmethod
    def _weekdays(cls, v: dict[str, float]) -> dict[str, float]:
        if len(v) == len(WEEKDAYS) and not any(v.values()):
            raise ValueError("weekday_weights cannot all be zero")
        return v

    def peak_parcels_per_day(self) -> float:
        """The demand process's ceiling rate, per day: it draws candidates at this rate and keeps
        each with probability rate/ceiling (``sim.processes.demand``), so this bounds its work."""
        hourly_peak = max(self.daily_curve) * 24 / sum(self.daily_curve)
        week = [self.weekday_weights.get(k, 1.0) for k in WEEKDAYS]
        weekday_peak = max(week) * 7 / sum(week)
        peak_max = max([1.0] + [p.multiplier for p in self.peaks])
        return self.parcels_per_day * self.peak_multiplier * hourly_peak * weekday_peak * peak_max


# --------------------------------------------------------------------------------------------
# Incidents


class AfterFailedAttempt(StrictModel):
    retry: float = Field(0.70, ge=0, le=1, description="Redelivery on the next delivery day.")
    pickup_point: float = Field(0.25, ge=0, le=1, description="Held at a pickup point / locker.")
    return_to_sender: float = Field(0.05, ge=0, le=1, description="Sent back to the shipper at once.")

    @model_validator(mode="after")
    def _sums(self) -> AfterFailedAttempt:
        total = self.retry + self.pickup_point + self.return_to_sender
        if abs(total - 1) > 1e-6:
            raise ValueError(f"retry + pickup_point + return_to_sender must sum to 1 (got {total:g})")
        return self


class IncidentRates(StrictModel):
    """Per-parcel probabilities. Defaults follow docs/realism.md §9."""

    loss: float = Field(0.002, ge=0, le=1, description="Lost in the network (scans stop).")
    lost_exception_share: float = Field(
        0.5, ge=0, le=1, description="Share of lost parcels the carrier later flags 'unable to locate'."
    )
    misdelivery: float = Field(0.004, ge=0, le=1, description="DELIVERED scan at the wrong address.")
    damage: float = Field(0.005, ge=0, le=1, description="Contents damaged in a hub.")
    failed_attempt: float = Field(0.045, ge=0, le=1, description="A delivery attempt fails.")
    address_error: float = Field(0.003, ge=0, le=1, description="Address unusable: exception/return.")
    address_corrected_share: float = Field(
        0.5, ge=0, le=1, description="Address issues fixed by the carrier."
    )
    missed_connection: float = Field(0.008, ge=0, le=1, description="Per hub transfer: misses its trailer.")
    breakdown: float = Field(0.002, ge=0, le=1, description="Per line-haul trip: breakdown (2-8 h).")
    customs_hold: float = Field(0.08, ge=0, le=1, description="Cross-border parcels held in customs.")
    pickup_point_choice: float = Field(0.03, ge=0, le=1, description="Recipients shipping to a locker.")
    unclaimed: float = Field(0.05, ge=0, le=1, description="Pickup-point parcels never collected.")
    after_failed_attempt: AfterFailedAttempt = Field(
        default_factory=AfterFailedAttempt, description="What happens after a failed attempt (shares)."
    )
    max_attempts: int = Field(3, ge=1, le=5, description="Delivery attempts before return to sender.")


# --------------------------------------------------------------------------------------------
# Disruptions


class RegionSelector(StrictModel):
    countries: list[str] = Field(default_factory=list, description="ISO country codes, e.g. ['US'].")
    regions: list[str] = Field(default_factory=list, description="States/provinces, e.g. ['IL', 'WI'].")
    places: list[str] = Field(default_factory=list, description="Place keys.")

    @model_validator(mode="after")
    def _not_empty(self) -> RegionSelector:
        if not (self.countries or self.regions or self.places):
            raise ValueError("name at least one of countries, regions or places")
        for key in self.places:
            if key not in places.PLACES:
                raise ValueError(f"unknown place {key!r}")
        return self

    def contains(self, place: places.Place) -> bool:
        return place.country in self.countries or place.region in self.regions or place.key in self.places


class WeatherDisruption(StrictModel):
    kind: Literal["weather"]
    region: RegionSelector
    start: Instant
    duration: DisruptionDuration
    severity: float = Field(1.0, gt=0, le=1, description="1 = facilities and couriers stop.")


class HubOutage(StrictModel):
    kind: Literal["hub_outage"]
    facility: str = Field(description="Facility id, e.g. 'ups-hub-HDG'.")
    start: Instant
    duration: DisruptionDuration


class LinehaulBreakdown(StrictModel):
    kind: Literal["linehaul_breakdown"]
    lane: tuple[str, str] = Field(description="Facility ids [from, to].")
    start: Instant
    duration: DisruptionDuration


Disruption = Annotated[WeatherDisruption | HubOutage | LinehaulBreakdown, Field(discriminator="kind")]


# --------------------------------------------------------------------------------------------
# Pinned cases

Story = Literal[
    "delivered",
    "lost",
    "misdelivered",
    "damaged",
    "weather_delay",
    "failed_attempts_return",
    "pickup_point",
    "customs_hold",
    "address_return",
]


class PinnedCase(StrictModel):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", description="How QA asks for the case.")
    carrier: str
    service: Service = Field(Service.GROUND, description="Service level of the pinned parcel.")
    origin: str = Field(description="Place key of the fulfilment centre.")
    destination: str = Field(description="Place key of the recipient's city.")
    ship_at: ShipAt = Field(
        0, description="When the label is created, after the scenario start (before demand ends)."
    )
    story: Story = Field("delivered", description="The scripted story the parcel lives.")
    at: str | None = Field(None, description="Facility id where the story's incident happens.")
    delay: CaseDelay = Field(2 * 86400, description="Extra delay for weather_delay stories.")

    @field_validator("carrier")
    @classmethod
    def _carrier(cls, v: str) -> str:
        if v not in CARRIERS:
            raise ValueError(f"unknown carrier {v!r} (known: {', '.join(CARRIERS)})")
        return v

    @field_validator("origin", "destination")
    @classmethod
    def _place(cls, v: str) -> str:
        if v not in places.PLACES:
            raise ValueError(f"unknown place {v!r}")
        return v


# --------------------------------------------------------------------------------------------
# The scenario


class Scenario(StrictModel):
    name: str = Field(
        max_length=64,
        json_schema_extra={"pattern": _NAME.pattern},
        description="Scenario name (a shipped scenario's file stem; also the default output folder).",
    )
    description: str = Field("", description="What the scenario exercises (first line is listed).")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of every random stream; same seed, same world.")
    start: Instant = Field(description="The instant the world starts (ISO-8601 with offset).")
    duration: RunDuration = Field(description="How long demand runs, e.g. '7d'.")
    drain: Drain = Field(
        14 * 86400, description="After demand stops, keep simulating so parcels in flight can finish."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="Where the world is.")
    carriers: dict[str, CarrierConfig] = Field(
        description="Carrier key -> share, services, hubs, partner, credentials."
    )
    demand: DemandConfig = Field(description="How many parcels, and when they are ordered.")
    incidents: IncidentRates = Field(default_factory=IncidentRates, description="What goes wrong, how often.")
    disruptions: list[Disruption] = Field(
        default_factory=list,
        max_length=MAX_DISRUPTIONS,
        description="Weather over a region, hub outages, line-haul breakdowns.",
    )
    cases: list[PinnedCase] = Field(
        default_factory=list, max_length=MAX_CASES, description="Pinned QA cases (scripted parcels)."
    )
    faults: FaultsConfig = Field(
        default_factory=FaultsConfig, description="HTTP faults, rate limits and scan-data faults (all off)."
    )
    expect: dict[str, tuple[Band, Band]] = Field(
        default_factory=dict,
        max_length=MAX_EXPECT,
        description="Bands the run's summary should land in: summary.json key (dotted for nested, "
        "e.g. fates.lost) -> [low, high]. Checked by the test suite for shipped scenarios.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME.match(v):
            raise ValueError(
                "a name is letters, digits, '_', '-' and '.', starting with a letter or digit "
                "(it names the default output folder)"
            )
        return v

    @field_validator("carriers")
    @classmethod
    def _carriers(cls, v: dict[str, CarrierConfig]) -> dict[str, CarrierConfig]:
        if not v:
            raise ValueError("at least one carrier is needed")
        unknown = [k for k in v if k not in CARRIERS]
        if unknown:
            raise ValueError(f"unknown carrier {unknown[0]!r} (known: {', '.join(CARRIERS)})")
        total = sum(c.share for c in v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"carrier shares must sum to 1 (they sum to {total:g})")
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        names = [c.name for c in self.cases]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate case name {sorted(dup)[0]!r}")
        # A cross-field problem names its field first ("path: message") so the loader can locate it.
        draws = self.demand_draws()
        if draws > MAX_DEMAND_DRAWS:
            raise ValueError(
                f"demand.parcels_per_day: demand too large: up to {draws:,.0f} parcels drawn over "
                f"{'the run' if self.duration >= DAY else 'a day'} (at most {MAX_DEMAND_DRAWS:,}; "
                "parcels_per_day x peak_multiplier x peaks x the peak hour and weekday factors x days)"
            )
        for i, case in enumerate(self.cases):
            if case.ship_at >= self.duration:
                ends = format_duration(self.duration)
                raise ValueError(f"cases.{i}.ship_at: must be before demand ends (duration {ends})")
        return self

    def demand_draws(self) -> float:
        """The most parcels demand can draw over the run (over a day if the run is shorter, and
        per day in ``serve``'s endless demand)."""
        return self.demand.peak_parcels_per_day() * max(self.duration, DAY) / DAY

    def carrier_hubs(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        hubs = cfg.hubs if cfg is not None and cfg.hubs else DEFAULT_HUBS[carrier]
        return tuple(h for h in hubs if places.PLACES[h].country in self.network.countries)

    def delivery_days(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        return tuple(cfg.delivery_days) if cfg and cfg.delivery_days else DEFAULT_DELIVERY_DAYS[carrier]

    def pickup_days(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        if cfg and cfg.pickup_days:
            return tuple(cfg.pickup_days)
        # Large shippers get Saturday pickups; Amazon's own network runs every day.
        return WEEKDAYS if carrier == "amazon" else ("mon", "tue", "wed", "thu", "fri", "sat")


# --------------------------------------------------------------------------------------------
# Loading, with every problem located


class ScenarioError(Exception):
    """A scenario file is wrong. ``str(err)`` is one ``file:line:col: field: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        problems = [one_line(p) for p in problems]  # whatever a file holds, one problem is one line
        super().__init__("\n".join(problems))
        self.problems = problems


#: Problems printed for one file; the rest are counted on one more line.
MAX_PROBLEMS = 50


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the union member tag and "[key]" markers that are not part of the file.
    skip = {"[key]", "weather", "hub_outage", "linehaul_breakdown", "function-after", "function-before"}
    return tuple(p for p in loc if not (isinstance(p, str) and (p in skip or p.startswith("function-"))))


_NAMED = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*): (.+)$", re.DOTALL)


def _dotted(path: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def read_yaml(text: str, filename: str) -> tuple[Any, safe_yaml.Positions]:
    """YAML within sim.safe_yaml's limits; a problem raises ScenarioError naming file:line:col."""
    try:
        return safe_yaml.load(text)
    except safe_yaml.YamlProblem as exc:
        field = (
            exc.field if exc.path else ("(file)" if exc.message.startswith("file too large") else "(yaml)")
        )
        raise ScenarioError([f"{filename}:{exc.line}:{exc.col}: {field}: {exc.message}"]) from None


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse scenario YAML text; raises ScenarioError with file:line:col: field: message lines."""
    data, positions = read_yaml(text, filename)
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"{filename}:1:1: (root): a scenario is a mapping of fields, got {type(data).__name__}"]
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        problems = []
        for err in errors[:MAX_PROBLEMS]:
            loc = _clean_loc(tuple(err["loc"]))
            msg = err["msg"]
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            named = _NAMED.match(msg) if not loc else None
            if named:  # a cross-field check names the field it is about
                loc, msg = _dotted(named.group(1)), named.group(2)
            line, col = positions.locate(loc, key=err["type"] == "extra_forbidden")
            field = safe_yaml.format_path(loc)
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append(f"{filename}:{line}:{col}: {field}: {msg}")
        if len(errors) > MAX_PROBLEMS:
            problems.append(f"{filename}:1:1: (more): {len(errors) - MAX_PROBLEMS:,} more problems not shown")
        raise ScenarioError(problems) from None


def locate(path: str | Path, dotted: str) -> tuple[int, int]:
    """Line and column of a dotted field (``carriers.ups.share``) in a scenario file, or (1, 1)."""
    try:
        _, positions = safe_yaml.load(read_text(Path(path)))
    except (ScenarioError, safe_yaml.YamlProblem):
        return (1, 1)
    loc = _dotted(dotted)
    while loc:
        if loc in positions.keys:  # a mapping key: point at the key
            return positions.keys[loc]
        if loc in positions.values:  # a list item: point at the item
            return positions.values[loc]
        loc = loc[:-1]
    return (1, 1)


def world_error(path: str | Path, exc: Exception) -> ScenarioError:
    """A scenario that parses but cannot make a world (e.g. a service that reaches nowhere)."""
    message = str(exc)
    field = message.split(":", 1)[0]
    if re.fullmatch(r"[A-Za-z0-9_.]+", field):
        line, col = locate(path, field)
        return ScenarioError([f"{path}:{line}:{col}: {message}"])
    return ScenarioError([f"{path}:1:1: (world): {message}"])


_PACKAGE = Path(__file__).resolve().parent
#: Where the shipped scenarios are: inside the package in a wheel (pyproject's force-include), at
#: the root of a source checkout otherwise (an editable install, the README's `scenarios/`).
SHIPPED_DIRS: tuple[Path, ...] = (
    _PACKAGE / "scenarios_data",
    *([_PACKAGE.parent / "scenarios"] if (_PACKAGE.parent / "pyproject.toml").is_file() else []),
)


def shipped_scenarios() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in SHIPPED_DIRS:
        if folder.is_dir():
            for path in sorted(folder.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def resolve(ref: str | Path) -> Path:
    """A scenario argument: a path to a file, or the name of a shipped scenario."""
    path = Path(ref)
    if path.is_file():
        return path
    shipped = shipped_scenarios()
    if str(ref) in shipped:
        return shipped[str(ref)]
    known = ", ".join(shipped) or "none"
    raise ScenarioError([f"{ref}:1:1: (file): no such file or shipped scenario (shipped: {known})"])


def read_text(path: Path) -> str:
    """A scenario file's text; refuses one over ``safe_yaml.MAX_BYTES`` before reading it all."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(safe_yaml.MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc.strerror or exc}"]) from None
    if len(raw) > safe_yaml.MAX_BYTES:
        limit = f"{safe_yaml.MAX_BYTES:,}"
        raise ScenarioError(
            [f"{path}:1:1: (file): file too large: more than {limit} bytes (a scenario is a few KB)"]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError([f"{path}:{line}:{col}: (file): not UTF-8 text ({exc.reason})"]) from None


def load_scenario(ref: str | Path) -> tuple[Scenario, Path]:
    path = resolve(ref)
    return parse_scenario(read_text(path), str(path)), path
