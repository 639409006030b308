"""Scheduled disruptions: weather over a region, a hub outage, a line-haul breakdown.

Each kind is a model tagged by its ``kind``; ``Disruption`` is their union, and ``KINDS`` lists
the tags (the loader drops them from error locations: they are not keys in the file). What a
disruption closes, and when, is ``sim.closures``'s.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field, model_validator

from sim import places
from sim.fields import Instant, StrictModel, duration_between
from sim.scenario.types import MAX_DURATION

MAX_DISRUPTIONS = 200

DisruptionDuration = duration_between(0, MAX_DURATION, above=True)


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


#: A new kind is a model above with its own ``kind`` literal, added to this union.
Disruption = Annotated[WeatherDisruption | HubOutage | LinehaulBreakdown, Field(discriminator="kind")]
#: The ``kind`` tags, in the order of the union.
KINDS: tuple[str, ...] = tuple(
    get_args(member.model_fields["kind"].annotation)[0] for member in get_args(get_args(Disruption)[0])
)
