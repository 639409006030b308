"""Where the world is and who runs it: the carriers (share, services, hubs, working days, partners,
credentials), the countries and metros served, extra facilities and lanes, and hub sort capacity.

The network itself is built from these by ``sim.network``; the defaults are in ``defaults``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from sim import places
from sim.events import SIM_CARRIERS, Service
from sim.fields import DAY, MINUTE, Rate, StrictModel, duration_between
from sim.scenario.defaults import DEFAULT_FULFILMENT_CENTRES
from sim.scenario.types import CLOCK, Weekday, clock_seconds

#: Token lifetimes a carrier may be given.
MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME = 1.0, 30 * DAY
#: List lengths that cost time per parcel or per event.
MAX_FACILITIES, MAX_LANES, MAX_DEPARTURES = 1_000, 5_000, 288
MAX_CREDENTIALS = 1_000

TokenLifetime = duration_between(MIN_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME, nullable=True)
LaneDuration = duration_between(MINUTE, 14 * DAY, nullable=True)


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
            if not CLOCK.match(t):
                raise ValueError(f"bad departure time {t!r}: use 'HH:MM' (24 h, local)")
        return v

    def departure_seconds(self) -> tuple[float, ...]:
        return tuple(sorted(clock_seconds(t) for t in self.departures))


class NetworkConfig(StrictModel):
    countries: list[str] = Field(
        default_factory=lambda: ["US"], max_length=len(places.PLACES), description="ISO country codes."
    )
    metros: list[str] | None = Field(
        None, max_length=len(places.PLACES), description="Place keys that receive parcels; default all."
    )
    fulfilment_centres: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FULFILMENT_CENTRES),
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
        2.0,
        ge=0.1,
        le=100,
        description="Hub sort and vehicle capacity against the expected normal-day load: at 2 a hub "
        "sorts ~21 % of its day an hour in its waves (UPS Worldport's ratio) and a vehicle carries a "
        "day of its lane.",
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
