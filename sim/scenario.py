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


Duration = Annotated[float, BeforeValidator(parse_duration)]


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


Instant = Annotated[datetime, BeforeValidator(_aware)]
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
    carrier: str | None = None
    place: str = Field(description="Place key (sim.places), e.g. 'CHI'.")
    name: str | None = None

    @field_validator("place")
    @classmethod
    def _known_place(cls, v: str) -> str:
        if v not in places.PLACES:
            raise ValueError(f"unknown place {v!r}")
        return v


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
    multiplier: float = Field(gt=0)


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
    retry: float = 0.70
    pickup_point: float = 0.25
    return_to_sender: float = 0.05

    @model_validator(mode="after")
    def _sums(self) -> AfterFailedAttempt:
        total = self.retry + self.pickup_point + self.return_to_sender
        if abs(total - 1) > 1e-6:
            raise ValueError(f"retry + pickup_point + return_to_sender must sum to 1 (got {total:g})")
        return self


class IncidentRates(StrictModel):
    """Per-parcel probabilities. Defaults follow research/realism.md §9."""

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
    after_failed_attempt: AfterFailedAttempt = Field(default_factory=AfterFailedAttempt)
    max_attempts: int = Field(3, ge=1, le=5)


# --------------------------------------------------------------------------------------------
# Disruptions


class RegionSelector(StrictModel):
    countries: list[str] = Field(default_factory=list)
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
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    carrier: str
    service: Service = Service.GROUND
    origin: str = Field(description="Place key of the fulfilment centre.")
    destination: str = Field(description="Place key of the recipient's city.")
    ship_at: Duration = Field(0, description="When the label is created, after the scenario start.")
    story: Story = "delivered"
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
# The scenario


class Scenario(StrictModel):
    name: str
    description: str = ""
    seed: int = 0
    start: Instant
    duration: Duration = Field(description="How long demand runs, e.g. '7d'.")
    drain: Duration = Field(
        14 * 86400, description="After demand stops, keep simulating so parcels in flight can finish."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    carriers: dict[str, CarrierConfig]
    demand: DemandConfig
    incidents: IncidentRates = Field(default_factory=IncidentRates)
    disruptions: list[Disruption] = Field(default_factory=list)
    cases: list[PinnedCase] = Field(default_factory=list)

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
