"""What the tracker knows: scan events as a carrier showed them, one carrier answer, a shipment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from examples.reference_tracker.vocabulary import Status


def iso(instant: datetime | None) -> str | None:
    """UTC ISO-8601 (``2026-11-04T18:10:32+00:00``), or None."""
    return instant.astimezone(UTC).isoformat() if instant is not None else None


@dataclass(frozen=True)
class TrackEvent:
    """One scan as the carrier shows it: its time (aware), its own code and text, where, and the
    tracker's word for it. ``source`` is ``poll`` (the carrier's API) or ``webhook``."""

    time: datetime
    code: str
    description: str
    location: str
    status: Status
    source: str = "poll"

    def key(self) -> tuple[datetime, str, str]:
        """Identity for de-duplication: a re-sent scan is the same time, code and text."""
        return (self.time, self.code, self.description)

    def to_json(self) -> dict[str, Any]:
        return {
            "time": iso(self.time),
            "code": self.code,
            "description": self.description,
            "location": self.location,
            "status": str(self.status),
            "source": self.source,
        }


@dataclass(frozen=True)
class Eta:
    """The carrier's current estimate: the promised local date, and a window when it gives one."""

    date: str  # YYYY-MM-DD, the destination's local date
    start: datetime | None = None
    end: datetime | None = None

    def window_json(self) -> dict[str, str | None] | None:
        if self.start is None and self.end is None:
            return None
        return {"start": iso(self.start), "end": iso(self.end)}


@dataclass(frozen=True)
class CarrierView:
    """One carrier answer for one tracking number. ``found`` is False when the carrier has nothing
    (yet): an unknown number, or a label without a visible scan on carriers that hide those."""

    found: bool
    events: tuple[TrackEvent, ...] = ()
    eta: Eta | None = None

    @classmethod
    def not_found(cls) -> CarrierView:
        return cls(found=False)


@dataclass
class Shipment:
    carrier: str
    tracking_number: str
    registered_at: datetime
    events: list[TrackEvent] = field(default_factory=list)
    status: Status = Status.PENDING
    status_detail: str = "registered; waiting for the carrier's first answer"
    eta: Eta | None = None
    last_carrier_update: datetime | None = None
    last_checked: datetime | None = None
    #: The carrier has answered about this number at least once (a label it knows, even scan-less).
    carrier_knows: bool = False
    #: The carrier's own code of the newest scan (before the tracker's interpretation).
    carrier_code: str | None = None
    #: The last error polling this parcel, cleared by the next good answer.
    last_error: str | None = None
    #: When the parcel reached a terminal status (tracker clock); polling stops a grace period later.
    terminal_since: datetime | None = None
    polls: int = 0
    #: The carrier refused the number itself as malformed; it is no longer polled.
    rejected: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.carrier, self.tracking_number)

    def to_json(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "tracking_number": self.tracking_number,
            "status": str(self.status),
            "status_detail": self.status_detail,
            "eta": self.eta.date if self.eta else None,
            "eta_window": self.eta.window_json() if self.eta else None,
            "events": [e.to_json() for e in self.events],
            "last_carrier_update": iso(self.last_carrier_update),
            "last_checked": iso(self.last_checked),
            "carrier_code": self.carrier_code,
            "last_error": self.last_error,
        }

    def summary_json(self) -> dict[str, Any]:
        out = self.to_json()
        del out["events"]
        out["event_count"] = len(self.events)
        return out
