"""What a carrier adapter may know about the world: the seam between the sandbox and the adapters.

A carrier package (``mock_carriers/carriers/<name>/``) builds its FastAPI sub-application from a
``CarrierContext`` and nothing else: it never sees the engine, the store or the clock directly.
Tests hand it a fake context with hand-written events; the served sandbox hands it the real one.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import ParcelTruth, ScanEvent


@dataclass(slots=True)
class ParcelView:
    """One tracking number as its carrier shows it at the sandbox's current instant.

    ``events`` holds only the events with ``visible_at <= now``, oldest first (``seq`` order).
    It may be empty: the label exists but the carrier has nothing to show yet (each carrier says
    so in its own way). ``truth`` is the ground truth of the physical parcel,
    for the ship-from/ship-to addresses and the weight — never for what the carrier cannot know.

    ``version`` changes whenever what a carrier shows of the number could change (a newly visible
    event, the parcel finishing, the world starting over, a fault configuration that alters views):
    a rendered answer kept under it stays right. None (a context that cannot tell) means: never keep one.
    """

    tracking_number: str
    carrier: str
    service: str
    events: list[ScanEvent]
    truth: ParcelTruth | None
    #: A cheap key of what the view shows, for a render cache: ``(world generation, visible
    #: events, faults generation, finished)``. It changes whenever what a carrier would show
    #: changes — a new visible event, the parcel finishing, a fault configuration that may
    #: transform views, a reset — and is equal for two views of the same number that show the
    #: same thing. None (a fake context's view) is never cached.
    version: Hashable | None = None

    @property
    def latest(self) -> ScanEvent | None:
        return self.events[-1] if self.events else None


class CarrierContext(Protocol):
    carrier: str

    def now(self) -> datetime:
        """The sandbox's effective instant (timezone-aware, UTC): ``min(clock target, engine
        frontier)``, so everything visible at it is known. Never blocks."""
        ...

    def lookup(self, tracking_number: str) -> ParcelView | None:
        """The parcel under this carrier's number as visible at ``now()``, or None when this carrier
        has not issued it (yet), or no longer shows it (its retention ended). Never blocks on the
        simulation; ``ParcelView.version`` keys a render cache."""
        ...

    @property
    def tokens(self) -> TokenIssuer: ...

    @property
    def credentials(self) -> CredentialPolicy: ...

    def request_id(self, kind: str) -> str:
        """A deterministic id for server-generated fields (transaction ids, request ids)."""
        ...


class WorldContext(CarrierContext, Protocol):
    """The context of a face over the whole world (an aggregator such as Ship24): it reads every
    carrier's parcels as those carriers show them, never the store or the engine."""

    def lookup_in(self, carrier: str, tracking_number: str, now: datetime | None = None) -> ParcelView | None:
        """The parcel under ``carrier``'s number at ``now`` (default: the clock's current instant)."""
        ...
