"""The standard pinned stories: one shared list of QA cases that a scenario opts into with a
``standard_cases:`` section naming the lane they ride, so every QA scenario answers
``cases["lost-after-hub"]`` the same way instead of each file copying the stories.

The list is data (``STANDARD_STORIES``); ``expand`` turns it into ``PinnedCase``s on the scenario's
lanes. A case's tracking number and parcel stream are named after the case (``sim.pinned``), so a
standard case is the same parcel as an explicit case with the same name, lane and ship time.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from sim.events import Service
from sim.fields import DAY, HOUR, StrictModel
from sim.scenario.cases import CarrierKey, PinnedCase, PlaceKey, Story


@dataclass(frozen=True, slots=True)
class StandardStory:
    name: str  # the case name QA asks for, the same in every scenario
    story: Story
    ship_at: float  # seconds after the scenario start
    delay: float = 2 * DAY  # weather_delay and customs_hold: how long the hold lasts
    cross_border: bool = False  # rides the scenario's cross-border lane (skipped without one)


#: The standard stories, in the order ``/_sandbox/cases`` lists them. Each ships in the world's
#: first hours, so even a two-day scenario's drain tells the slowest (three attempts and a return).
STANDARD_STORIES: tuple[StandardStory, ...] = (
    StandardStory("lost-after-hub", "lost", 2 * HOUR),
    StandardStory("misdelivered-to-neighbour", "misdelivered", 2 * HOUR),
    StandardStory("weather-delayed", "weather_delay", 3 * HOUR),
    StandardStory("three-failed-then-returned", "failed_attempts_return", 3 * HOUR),
    StandardStory("customs-hold-released", "customs_hold", 3 * HOUR, cross_border=True),
    StandardStory("damaged-in-network", "damaged", 4 * HOUR),
    StandardStory("address-problem", "address_return", 4 * HOUR),
)
STANDARD_NAMES = tuple(s.name for s in STANDARD_STORIES)


class StandardLane(StrictModel):
    carrier: CarrierKey = Field(description="The carrier that carries the standard cases on this lane.")
    service: Service = Field(Service.GROUND, description="Their service level.")
    origin: PlaceKey = Field(description="Place key of the fulfilment centre they ship from.")
    destination: PlaceKey = Field(description="Place key of the recipients' city.")


class StandardCases(StandardLane):
    """Opt into the standard pinned stories (docs/scenarios.md lists them): the domestic lane
    every story rides, and the cross-border lane the customs story rides (without one, the
    scenario has no customs case)."""

    cross_border: StandardLane | None = Field(
        None, description="The lane of the customs-hold story; none: the scenario has no customs case."
    )


def expand(standard: StandardCases) -> list[PinnedCase]:
    """The standard stories as pinned cases on the scenario's lanes."""
    out = []
    for s in STANDARD_STORIES:
        lane: StandardLane | None = standard.cross_border if s.cross_border else standard
        if lane is None:
            continue
        out.append(
            PinnedCase(
                name=s.name,
                carrier=lane.carrier,
                service=lane.service,
                origin=lane.origin,
                destination=lane.destination,
                ship_at=s.ship_at,
                story=s.story,
                delay=s.delay,
            )
        )
    return out
