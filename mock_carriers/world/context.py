"""What a carrier adapter may know about the world: the seam between the sandbox and the adapters.

A carrier package (``mock_carriers/carriers/<name>/``) builds its FastAPI sub-application from a
``CarrierContext`` and nothing else: it never sees the engine, the store or the clock directly.
Tests hand it a fake context with hand-written events; the served sandbox hands it the real one.
"""

from __future__ import annotations

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
    """

    tracking_number: str
    carrier: str
    service: str
    events: list[ScanEvent]
    truth: ParcelTruth | None

    @property
    def latest(self) -> ScanEvent | None:
        return self.events[-1] if self.events else None


class CarrierContext(Protocol):
    carrier: str

    def now(self) -> datetime:
        """The sandbox clock's current instant (timezone-aware, UTC)."""
        ...

    def lookup(self, tracking_number: str) -> ParcelView | None:
        """The parcel under this carrier's number, or None when this carrier never issued it."""
        ...

    @property
    def tokens(self) -> TokenIssuer: ...

    @property
    def credentials(self) -> CredentialPolicy: ...

    def request_id(self, kind: str) -> str:
        """A deterministic id for server-generated fields (transaction ids, request ids)."""
        ...
