"""Pinned QA cases: parcels whose tracking numbers are known before the run and whose stories are
scripted rather than drawn.

Each case has its own number stream and its own parcel stream, so pinning a story never changes
any other parcel of the world, nor any other case's number.
"""

from __future__ import annotations

from sim import places
from sim.incidents import ParcelFate
from sim.network import Facility
from sim.parcels import Story
from sim.scenario import PinnedCase
from sim.streams import named_random
from sim.tracking_numbers import TrackingNumberFactory

#: the stories whose incident happens at a facility of the route: ``case.at``, when it names one
AT_STORIES = frozenset({"lost", "damaged", "weather_delay"})

# a pinned lost parcel: "running late" once its next scan is overdue, then admitted lost after the
# shortest trace the world draws (5–10 days, sim.incidents.draw_fate)
LOST_EXCEPTION_AFTER_S = 5 * 86400.0


class CaseNumbers:
    """Each case's tracking numbers (its own, and any a partner mints for it), from a number
    block and a stream of its own."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._factories: dict[str, TrackingNumberFactory] = {}
        self._numbers: dict[str, str] = {}

    def number(self, case: PinnedCase) -> str:
        """The case's tracking number — the same whenever it is asked for, before or during a run."""
        known = self._numbers.get(case.name)
        if known is None:
            known = self._numbers[case.name] = self.factory(case).mint(
                case.carrier,
                case.service,
                places.PLACES[case.origin].country,
                places.PLACES[case.destination].country,
            )
        return known

    def factory(self, case: PinnedCase) -> TrackingNumberFactory:
        factory = self._factories.get(case.name)
        if factory is None:
            rng = named_random(self._seed, f"case-number:{case.name}")
            factory = self._factories[case.name] = TrackingNumberFactory(rng, namespace=1)
        return factory


def at_problem(case: PinnedCase, route: list[str], facilities: dict[str, Facility]) -> str | None:
    """Why ``case.at`` cannot be where its story happens on ``route``, or None: a lost parcel or a
    held one must be at a facility of its route, a damaged one at one of its hubs. (``script`` would
    otherwise put the story at the route's start or first hub: somewhere the case did not say.)"""
    if case.at is None or case.story not in AT_STORIES:
        return None
    damaged = case.story == "damaged"
    stops = [f for f in route if facilities[f].kind == "sort_hub"] if damaged else route
    if case.at in stops:
        return None
    where = "a hub of" if damaged else "on"
    return f"{case.at} is not {where} the route of case {case.name!r}: {', '.join(stops) or 'no hub'}"


def script(
    case: PinnedCase, route: list[str], facilities: dict[str, Facility], max_attempts: int
) -> tuple[ParcelFate, Story]:
    """The fate and story a case forces on a parcel planned along ``route``: no incident by chance,
    the named one where the case says (``case.at``), else at the middle hub of the route."""
    fate = ParcelFate()
    story = Story(no_incidents=True)
    hubs = [fid for fid in route if facilities[fid].kind == "sort_hub"]
    at = case.at or (hubs[len(hubs) // 2] if hubs else route[0])
    if case.story == "lost":
        fate.lost_leg = max(0, route.index(at) - 1) if at in route else 0
        fate.lost_in_facility = True
        fate.lost_exception_after_s = LOST_EXCEPTION_AFTER_S
    elif case.story == "misdelivered":
        fate.misdelivered = True
    elif case.story == "damaged":
        fate.damaged_at_hub = hubs.index(at) if at in hubs else 0
    elif case.story == "weather_delay":
        story.hold_at, story.hold_s = at, case.delay
    elif case.story == "failed_attempts_return":
        # every attempt the last-mile carrier makes fails; where its policy then holds the parcel
        # (a post office, a branch), nobody collects it and it goes back after the hold
        story.attempt_failures = max_attempts
        story.after_failure = "retry"
        fate.unclaimed = True
    elif case.story == "pickup_point":
        story.attempt_failures = 1
        story.after_failure = "pickup_point"
    elif case.story == "customs_hold":
        story.customs_hold_s = case.delay
    elif case.story == "address_return":
        fate.address_error = True
        fate.address_corrected = False
    return fate, story
