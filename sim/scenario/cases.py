"""Pinned QA cases: scripted parcels with a name, a route, a ship time and a story.

The world ships them at ``ship_at`` (``sim.processes.demand``); ``sim.pinned`` gives each its
tracking number and scripts its story.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sim import places
from sim.events import CARRIERS, Service
from sim.fields import DAY, StrictModel, duration_between
from sim.scenario.types import MAX_DURATION

MAX_CASES = 1_000

ShipAt = duration_between(0, MAX_DURATION)
CaseDelay = duration_between(0, 30 * DAY)


def _known_carrier(v: str) -> str:
    if v not in CARRIERS:
        raise ValueError(f"unknown carrier {v!r} (known: {', '.join(CARRIERS)})")
    return v


def _known_place(v: str) -> str:
    if v not in places.PLACES:
        raise ValueError(f"unknown place {v!r}")
    return v


#: A carrier key of ``sim.events.CARRIERS`` and a place key of ``sim.places``, checked on input.
CarrierKey = Annotated[str, AfterValidator(_known_carrier)]
PlaceKey = Annotated[str, AfterValidator(_known_place)]

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
    carrier: CarrierKey
    service: Service = Field(Service.GROUND, description="Service level of the pinned parcel.")
    origin: PlaceKey = Field(description="Place key of the fulfilment centre.")
    destination: PlaceKey = Field(description="Place key of the recipient's city.")
    ship_at: ShipAt = Field(
        0, description="When the label is created, after the scenario start (before demand ends)."
    )
    story: Story = Field("delivered", description="The scripted story the parcel lives.")
    at: str | None = Field(
        None,
        description="Facility id where the story's incident happens (lost, weather_delay: a facility "
        "of the parcel's route; damaged: a hub of it). A run refuses one off the route.",
    )
    delay: CaseDelay = Field(2 * 86400, description="Extra delay for weather_delay stories.")
