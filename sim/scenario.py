"""Scenario files: YAML parsed into pydantic models, with errors that name file, line and field.

A scenario is everything that defines a world: when it starts, how long it runs, the places and
carriers, demand, incident rates, disruptions and pinned QA cases. ``load_scenario`` accepts a
path or the name of a shipped scenario (``baseline``); a mistake raises ``ScenarioError`` whose
lines read ``file:line:col: field.path: message``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sim import places
from sim.events import CARRIERS, SIM_CARRIERS, Service

# --------------------------------------------------------------------------------------------
# Durations: "7d", "12h", "90m", "45s", "1d12h", ISO-8601 "PT2H" / "P1DT6H", or plain seconds.

_SIMPLE = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*w)?\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?"
    r"\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$"
)
_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?"
    r"(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_duration(value: Any) -> float:
    """Seconds in a duration: ``"4d"``, ``"90m"``, ``"2h"``, ``"1d12h"``, ``"PT2H"`` or a number."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as '7d', '12h', '90m' or 'PT2H'")
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a duration such as '7d', '12h', '90m' or 'PT2H'")
    text = value.strip()
    m = _ISO.match(text.upper()) if text[:1] in "Pp" else None
    if m and any(m.groups()):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return w * 604800 + d * 86400 + h * 3600 + mi * 60 + s
    m = _SIMPLE.match(text.lower())
    if m and any(m.groups()):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return w * 604800 + d * 86400 + h * 3600 + mi * 60 + s
    raise ValueError(f"bad duration {value!r}: use e.g. '7d', '12h', '90m', '1d12h' or 'PT2H'")


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "format": "duration",
            "examples": ["7d", "12h", "90m", "1d12h", "PT2H"],
        }
    ),
]


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"bad instant {value!r}: use ISO-8601 with an offset, e.g. 2026-11-02T00:00:00-05:00"
            ) from exc
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("an instant needs a UTC offset, e.g. 2026-11-02T00:00:00-05:00")
    return value


Instant = Annotated[
    datetime,
    BeforeValidator(_aware),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2026-11-02T00:00:00-05:00"]}),
]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    services: dict[Service, float] = Field(
        description="Service mix: service level -> share of this carrier's parcels (sums to 1)."
    )
    hubs: list[str] | None = Field(None, description="Place keys of sort hubs; default: real hubs.")
    delivery_days: list[Weekday] | None = Field(None, description="Local weekdays with deliveries.")
    pickup_days: list[Weekday] | None = Field(None, description="Local weekdays with pickups.")
    partner: dict[Service, str] = Field(
        default_factory=dict,
        description="Last mile by a partner carrier per service, e.g. {economy: usps}.",
    )
    credentials: dict[str, str] = Field(
        default_factory=dict, description="Allowed client_id -> client_secret (empty: any works)."
    )
    api_keys: list[str] = Field(default_factory=list, description="Allowed API keys (DHL); empty: any.")
    token_lifetime: Duration | None = Field(None, description="Override the carrier's token lifetime.")

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
    departures: list[str] = Field(description="Local departure times 'HH:MM' at the origin facility.")
    duration: Duration | None = Field(None, description="Door to door; default from distance and mode.")

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
    countries: list[str] = Field(default_factory=lambda: ["US"], description="ISO country codes.")
    metros: list[str] | None = Field(None, description="Place keys that receive parcels; default all.")
    fulfilment_centres: list[str] = Field(
        default_factory=lambda: ["ONT", "DFW", "CMH", "EWR", "ATL", "IND", "PHX", "SEA", "JAX", "MEM"],
        description="Place keys of the shippers' fulfilment centres / warehouses.",
    )
    facilities: list[FacilitySpec] = Field(
        default_factory=list, description="Extra facilities listed explicitly (added to the generated)."
    )
    lanes: list[LaneSpec] = Field(
        default_factory=list, description="Lanes listed explicitly (added to, or replacing, generated ones)."
    )
    hub_sort_per_hour: float = Field(
        0, ge=0, description="Sort capacity of one hub, parcels/hour; 0 = sized from demand."
    )
    capacity_headroom: float = Field(
        2.0, gt=0, description="Hub sort capacity as a multiple of the expected normal-day load."
    )

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
    multiplier: float = Field(gt=0, description="Volume multiplier inside the window.")


class DemandConfig(StrictModel):
    parcels_per_day: float = Field(gt=0, description="Average parcels created per day.")
    daily_curve: list[float] = Field(
        default_factory=lambda: list(DEFAULT_DAILY_CURVE),
        description="24 relative weights, one per local hour.",
    )
    weekday_weights: dict[Weekday, float] = Field(
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
    peak_multiplier: float = Field(1.0, gt=0, description="Volume multiplier over the whole run.")
    returns_share: float = Field(
        0.0, ge=0, le=1, description="Share of parcels that are customer returns to the merchant."
    )
    peaks: list[PeakWindow] = Field(default_factory=list, description="Windows of extra volume.")

    @field_validator("daily_curve")
    @classmethod
    def _curve(cls, v: list[float]) -> list[float]:
        if len(v) != 24:
            raise ValueError(f"daily_curve needs 24 hourly weights, got {len(v)}")
        if any(x < 0 for x in v) or sum(v) <= 0:
            raise ValueError("daily_curve weights must be non-negative and not all zero")
        return v


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
    duration: Duration
    severity: float = Field(1.0, gt=0, le=1, description="1 = facilities and couriers stop.")


class HubOutage(StrictModel):
    kind: Literal["hub_outage"]
    facility: str = Field(description="Facility id, e.g. 'ups-hub-HDG'.")
    start: Instant
    duration: Duration


class LinehaulBreakdown(StrictModel):
    kind: Literal["linehaul_breakdown"]
    lane: tuple[str, str] = Field(description="Facility ids [from, to].")
    start: Instant
    duration: Duration


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
    ship_at: Duration = Field(0, description="When the label is created, after the scenario start.")
    story: Story = Field("delivered", description="The scripted story the parcel lives.")
    at: str | None = Field(None, description="Facility id where the story's incident happens.")
    delay: Duration = Field(2 * 86400, description="Extra delay for weather_delay stories.")

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
# Faults: what the served carrier APIs get wrong (mock_carriers/faults.py; docs/faults.md).
# The simulation ignores this section: faults change what carriers show and answer, never the truth.

#: HTTP statuses a fault may answer with, each in the carrier's own error body.
FAULT_STATUSES: tuple[int, ...] = (429, 500, 502, 503, 504)
#: Route classes of every carrier: its OAuth/LWA token endpoint, its tracking reads, the rest.
FAULT_ROUTES: tuple[str, ...] = ("token", "track", "other")

#: Published rate limits per carrier (docs/carrier-apis.md, docs/realism.md §7). UPS publishes none.
RATE_LIMIT_PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    # DHL developer portal tiers; the daily quota resets 00:00 GMT.
    "dhl": {
        "default": {"per_second": 1, "burst": 1, "daily": 250},
        "starter": {"per_second": 1, "burst": 1, "daily": 250},
        "standard": {"per_second": 2, "burst": 2, "daily": 1000},
    },
    # FedEx: 1400 transactions per 10 s per project, Track capability 100K requests/day.
    "fedex": {"default": {"window": 10, "window_limit": 1400, "daily": 100_000}},
    # USPS: per-hour quota per app, ~60/hour for new apps (secondary source).
    "usps": {"default": {"window": 3600, "window_limit": 60}},
    # Amazon getTracking usage plan: 80 requests/s, burst 100.
    "amazon": {"default": {"per_second": 80, "burst": 100}},
    "ups": {},
    # DPD: "The amount of login calls allowed per day is 10" (DPD Belgium/Netherlands login-service
    # docs); tracking is rate limited too ("Rate limiting applies"), with no figure published.
    "dpd": {"default": {"daily": 10, "routes": ["token"]}},
}


def parse_seconds(value: Any) -> float:
    """A short duration: ``"250ms"``, ``"1.5s"``, ``"2m"`` or a number of seconds."""
    if isinstance(value, str) and value.strip().lower().endswith("ms"):
        number = value.strip()[:-2].strip()
        try:
            ms = float(number)
        except ValueError:
            raise ValueError(f"bad duration {value!r}: use e.g. '250ms', '1.5s' or 0.25") from None
        if ms < 0:
            raise ValueError("a duration cannot be negative")
        return ms / 1000.0
    return parse_duration(value)


Seconds = Annotated[
    float,
    BeforeValidator(parse_seconds),
    WithJsonSchema({"type": ["string", "number"], "format": "duration", "examples": ["250ms", "1.5s", 2]}),
]
Rate = Annotated[float, Field(ge=0, le=1)]


def _fixed_latency(value: Any) -> Any:
    # "latency: 250ms" is a fixed latency.
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


def _rate_only(value: Any) -> Any:
    # "late: 0.05" is a rate with the default knobs.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"rate": value}
    return value


def _preset_only(value: Any) -> Any:
    # "rate_limits: {dhl: starter}" names a preset.
    if isinstance(value, str):
        return {"preset": value}
    return value


class Latency(StrictModel):
    dist: Literal["fixed", "uniform", "lognormal"] = Field("fixed", description="Distribution.")
    value: Seconds = Field(0.0, description="fixed: the latency, e.g. '250ms'.")
    low: Seconds = Field(0.0, description="uniform: lower bound.")
    high: Seconds = Field(0.0, description="uniform: upper bound.")
    median: Seconds = Field(0.0, description="lognormal: the median latency.")
    sigma: float = Field(0.5, ge=0, le=5, description="lognormal: sigma of the underlying normal.")
    max: Seconds = Field(30.0, description="Cap on any one drawn latency.")

    @model_validator(mode="after")
    def _params(self) -> Latency:
        if self.dist == "uniform" and self.high < self.low:
            raise ValueError("uniform latency needs high >= low")
        if self.dist == "lognormal" and self.median <= 0:
            raise ValueError("lognormal latency needs a positive median")
        return self


class HttpFaults(StrictModel):
    """Per request to one carrier route: an extra latency and at most one of the faults below."""

    latency: Annotated[Latency | None, BeforeValidator(_fixed_latency)] = Field(
        None, description="Added before the answer: '250ms' or {dist, value|low,high|median,sigma}."
    )
    errors: dict[int, Rate] = Field(
        default_factory=dict, description="HTTP status (429, 500, 502, 503, 504) -> rate, carrier's body."
    )
    timeout: Rate = Field(0.0, description="Hold the request until the client gives up (or timeout_cap).")
    drop: Rate = Field(0.0, description="Close the connection without an answer.")
    truncate: Rate = Field(0.0, description="Send the headers and only half of the body, then close.")
    token_storm: Rate = Field(0.0, description="Expire every live token of the carrier first.")

    @field_validator("errors")
    @classmethod
    def _statuses(cls, v: dict[int, float]) -> dict[int, float]:
        for status in v:
            if status not in FAULT_STATUSES:
                raise ValueError(
                    f"status {status} cannot be injected (use {', '.join(map(str, FAULT_STATUSES))})"
                )
        return v

    @model_validator(mode="after")
    def _at_most_one(self) -> HttpFaults:
        total = sum(self.errors.values()) + self.timeout + self.drop + self.truncate
        if total > 1 + 1e-9:
            raise ValueError(f"errors + timeout + drop + truncate rates sum to {total:g}, more than 1")
        return self


class RateLimit(StrictModel):
    """Limits per client credential (a token's client id, DHL's API key; per address on token routes)."""

    preset: str | None = Field(None, description="A published limit: dhl starter|standard, default.")
    per_second: float | None = Field(None, gt=0, description="Token bucket refill, requests per second.")
    burst: int | None = Field(None, ge=1, description="Token bucket size (default: per_second rounded up).")
    window: Duration | None = Field(None, description="Fixed window length, e.g. '10s' or '1h'.")
    window_limit: int | None = Field(None, ge=1, description="Requests allowed per window.")
    daily: int | None = Field(None, ge=1, description="Requests per sandbox day (resets 00:00 UTC).")
    routes: list[Literal["token", "track", "other"]] = Field(
        default_factory=lambda: ["track", "other"], description="Route classes counted and limited."
    )
    retry_after: bool | None = Field(None, description="Send Retry-After on 429 (default: as the carrier).")

    @model_validator(mode="after")
    def _window(self) -> RateLimit:
        if (self.window is None) != (self.window_limit is None):
            raise ValueError("window and window_limit go together")
        if self.window is not None and self.window <= 0:
            raise ValueError("window must be positive")
        return self

    def resolved(self, carrier: str) -> RateLimit:
        """The preset's values with this config's own values on top."""
        base = RATE_LIMIT_PRESETS.get(carrier, {}).get(self.preset, {}) if self.preset else {}
        own = self.model_dump(exclude_unset=True, exclude_none=True, exclude={"preset"})
        return RateLimit.model_validate({**base, **own})

    @property
    def limits_anything(self) -> bool:
        return any(x is not None for x in (self.per_second, self.window_limit, self.daily))


class LateScans(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels with one scan shown late.")
    delay: Duration = Field(6 * 3600, description="How long after its usual visibility the scan shows.")


class CorrectedDelivery(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels shown a false DELIVERED when out for delivery.")
    after: Duration = Field(4 * 3600, description="How long the false DELIVERED shows before correction.")
    replace_with: Literal["DELIVERY_ATTEMPTED", "EXCEPTION", "OUT_FOR_DELIVERY"] | None = Field(
        None, description="What the correction shows in its place; null removes it."
    )


class StaleTracker(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels whose tracking freezes.")
    duration: Duration = Field(3 * 86400, description="How long no new scan shows (then all at once).")


class ScanFaults(StrictModel):
    """Per parcel, decided by a hash of (seed, tracking number, fault): the same parcel always shows
    the same fault. Changes only what carriers show, never the truth."""

    carriers: list[str] = Field(default_factory=list, description="Carriers affected; empty: all.")
    duplicate: Rate = Field(0.0, description="Share of parcels with one scan shown twice.")
    out_of_order: Rate = Field(0.0, description="Share of parcels with two adjacent scans swapped.")
    missing: Rate = Field(0.0, description="Share of parcels with one middle scan never shown.")
    late: Annotated[LateScans, BeforeValidator(_rate_only)] = Field(default_factory=LateScans)
    corrected_delivery: Annotated[CorrectedDelivery, BeforeValidator(_rate_only)] = Field(
        default_factory=CorrectedDelivery
    )
    stale: Annotated[StaleTracker, BeforeValidator(_rate_only)] = Field(default_factory=StaleTracker)

    @field_validator("carriers")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for carrier in v:
            if carrier not in CARRIERS:
                raise ValueError(f"unknown carrier {carrier!r} (known: {', '.join(CARRIERS)})")
        return v

    @property
    def active(self) -> bool:
        return any(
            (
                self.duplicate,
                self.out_of_order,
                self.missing,
                self.late.rate,
                self.corrected_delivery.rate,
                self.stale.rate,
            )
        )


class FaultsConfig(StrictModel):
    """Everything off by default. Changed at runtime with ``PUT /_sandbox/faults``."""

    http: dict[str, dict[str, HttpFaults]] = Field(
        default_factory=dict,
        description="carrier (or '*') -> route (token, track, other or '*') -> faults; most specific wins.",
    )
    rate_limits: dict[str, Annotated[RateLimit, BeforeValidator(_preset_only)]] = Field(
        default_factory=dict, description="carrier -> limits ('starter', or {preset, per_second, ...})."
    )
    scan: ScanFaults = Field(default_factory=ScanFaults)
    timeout_cap: Duration = Field(120, description="A timeout fault answers 504 after this long.")

    @field_validator("http")
    @classmethod
    def _http_keys(cls, v: dict[str, dict[str, HttpFaults]]) -> dict[str, dict[str, HttpFaults]]:
        for carrier, routes in v.items():
            if carrier != "*" and carrier not in CARRIERS:
                raise ValueError(f"unknown carrier {carrier!r} (use '*' or one of {', '.join(CARRIERS)})")
            for route in routes:
                if route != "*" and route not in FAULT_ROUTES:
                    raise ValueError(
                        f"{carrier}: unknown route {route!r} (use '*' or one of {', '.join(FAULT_ROUTES)})"
                    )
        return v

    @field_validator("rate_limits")
    @classmethod
    def _limit_keys(cls, v: dict[str, RateLimit]) -> dict[str, RateLimit]:
        for carrier, limit in v.items():
            if carrier not in CARRIERS:
                raise ValueError(f"unknown carrier {carrier!r} (known: {', '.join(CARRIERS)})")
            presets = RATE_LIMIT_PRESETS.get(carrier, {})
            if limit.preset is not None and limit.preset not in presets:
                known = ", ".join(presets) or "none: it publishes no limits"
                raise ValueError(f"{carrier}: unknown preset {limit.preset!r} (known: {known})")
        return v


# --------------------------------------------------------------------------------------------
# The scenario


class Scenario(StrictModel):
    name: str = Field(description="Scenario name (a shipped scenario's file stem).")
    description: str = Field("", description="What the scenario exercises (first line is listed).")
    seed: int = Field(0, description="Seed of every random stream; same seed, same world.")
    start: Instant = Field(description="The instant the world starts (ISO-8601 with offset).")
    duration: Duration = Field(description="How long demand runs, e.g. '7d'.")
    drain: Duration = Field(
        14 * 86400, description="After demand stops, keep simulating so parcels in flight can finish."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="Where the world is.")
    carriers: dict[str, CarrierConfig] = Field(
        description="Carrier key -> share, services, hubs, partner, credentials."
    )
    demand: DemandConfig = Field(description="How many parcels, and when they are ordered.")
    incidents: IncidentRates = Field(default_factory=IncidentRates, description="What goes wrong, how often.")
    disruptions: list[Disruption] = Field(
        default_factory=list, description="Weather over a region, hub outages, line-haul breakdowns."
    )
    cases: list[PinnedCase] = Field(default_factory=list, description="Pinned QA cases (scripted parcels).")
    faults: FaultsConfig = Field(
        default_factory=FaultsConfig, description="HTTP faults, rate limits and scan-data faults (all off)."
    )
    expect: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Bands the run's summary should land in: summary.json key (dotted for nested, "
        "e.g. fates.lost) -> [low, high]. Checked by the test suite for shipped scenarios.",
    )

    @field_validator("duration")
    @classmethod
    def _positive(cls, v: float) -> float:
        if v <= 0:
            raise ValueError("duration must be positive")
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
        return self

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
# Loading with positions


class ScenarioError(Exception):
    """A scenario file is wrong. ``str(err)`` is one ``file:line:col: field: message`` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _positions(
    node: yaml.Node,
    path: tuple[Any, ...],
    out: dict[tuple[Any, ...], tuple[int, int]],
    keys: dict[tuple[Any, ...], tuple[int, int]],
) -> None:
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _positions(value_node, (*path, key), out, keys)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _positions(item, (*path, i), out, keys)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    # pydantic adds the union member tag and "[key]" markers that are not part of the file.
    skip = {"[key]", "weather", "hub_outage", "linehaul_breakdown", "function-after", "function-before"}
    return tuple(p for p in loc if not (isinstance(p, str) and (p in skip or p.startswith("function-"))))


def _locate(
    loc: tuple[Any, ...],
    values: dict[tuple[Any, ...], tuple[int, int]],
    keys: dict[tuple[Any, ...], tuple[int, int]],
    error_type: str,
) -> tuple[int, int]:
    if error_type == "extra_forbidden" and loc in keys:
        return keys[loc]
    probe = loc
    while probe:
        if probe in values:
            return values[probe]
        probe = probe[:-1]
    return values.get((), (1, 1))


def parse_scenario(text: str, filename: str = "<scenario>") -> Scenario:
    """Parse scenario YAML text; raises ScenarioError with file:line:col: field: message lines."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ScenarioError([f"{filename}:{line}:{col}: (yaml): {exc.problem or exc}"]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([f"{filename}:1:1: (yaml): {exc}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            [f"{filename}:1:1: (root): a scenario is a mapping of fields, got {type(data).__name__}"]
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        values: dict[tuple[Any, ...], tuple[int, int]] = {}
        keys: dict[tuple[Any, ...], tuple[int, int]] = {}
        if root is not None:
            _positions(root, (), values, keys)
        problems = []
        for err in exc.errors():
            loc = _clean_loc(tuple(err["loc"]))
            line, col = _locate(loc, values, keys, err["type"])
            field = ".".join(str(p) for p in loc) or "(root)"
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown field"
            elif msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            problems.append(f"{filename}:{line}:{col}: {field}: {msg}")
        raise ScenarioError(problems) from None


def locate(path: str | Path, dotted: str) -> tuple[int, int]:
    """Line and column of a dotted field (``carriers.ups.share``) in a scenario file, or (1, 1)."""
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return (1, 1)
    values: dict[tuple[Any, ...], tuple[int, int]] = {}
    keys: dict[tuple[Any, ...], tuple[int, int]] = {}
    if root is not None:
        _positions(root, (), values, keys)
    loc = tuple(int(p) if p.isdigit() else p for p in dotted.split("."))
    while loc:
        if loc in keys:  # a mapping key: point at the key
            return keys[loc]
        if loc in values:  # a list item: point at the item
            return values[loc]
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


SHIPPED_DIRS: tuple[Path, ...] = (
    Path(__file__).resolve().parent.parent / "scenarios",  # a source checkout / editable install
    Path(__file__).resolve().parent / "scenarios_data",  # a wheel (see pyproject force-include)
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


def load_scenario(ref: str | Path) -> tuple[Scenario, Path]:
    path = resolve(ref)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc}"]) from None
    return parse_scenario(text, str(path)), path
