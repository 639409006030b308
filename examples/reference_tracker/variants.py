"""How the tracker behaves: the reference behaviour, and two deliberately broken variants that a
scoring tool (``parcel-sandbox verify``) should catch. Selected with ``--broken``.

- ``ignores-exceptions``: reads every delay, exception, failed attempt and carrier-declared loss as
  plain ``in_transit``, and never flags lost-parcel silence — the tracker that tells a customer
  "on its way" about a parcel stuck in a storm or lost in a hub.
- ``stale``: refreshes a parcel only every few tracker-clock days (``--stale-every``, 3 d), so its
  answers lag behind what the carrier already shows — the tracker whose cache never expires.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from examples.reference_tracker.model import Shipment, TrackEvent
from examples.reference_tracker.vocabulary import Status

BROKEN_VARIANTS = ("ignores-exceptions", "stale")


class Behaviour:
    """The reference tracker: carrier statuses as mapped, silence flagged, every parcel refreshed
    on every poll round."""

    name = "reference"
    flags_silence = True

    def interpret_event(self, event: TrackEvent) -> TrackEvent:
        return event

    def refresh_due(self, shipment: Shipment, now: datetime) -> bool:
        return True


class IgnoresExceptions(Behaviour):
    name = "ignores-exceptions"
    flags_silence = False
    FLATTENED = frozenset({Status.DELAYED, Status.EXCEPTION, Status.FAILED_ATTEMPT, Status.LOST})

    def interpret_event(self, event: TrackEvent) -> TrackEvent:
        if event.status in self.FLATTENED:
            return replace(event, status=Status.IN_TRANSIT)
        return event


class Stale(Behaviour):
    name = "stale"

    def __init__(self, every: timedelta) -> None:
        self.every = every

    def refresh_due(self, shipment: Shipment, now: datetime) -> bool:
        return shipment.last_checked is None or now - shipment.last_checked >= self.every


def behaviour_for(broken: str | None, stale_every: timedelta) -> Behaviour:
    if broken is None:
        return Behaviour()
    if broken == "ignores-exceptions":
        return IgnoresExceptions()
    if broken == "stale":
        return Stale(stale_every)
    raise ValueError(f"unknown broken variant {broken!r}; use one of {', '.join(BROKEN_VARIANTS)}")
