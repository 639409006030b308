"""What the store holds of one tracking number (``Record``) and what a listing shows of it
(``ParcelSummary``): every read takes the instant it looks at (``store``)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from datetime import datetime

from mock_carriers.world.archive import Row
from sim.events import Fate, ParcelTruth, ScanEvent


@dataclass(slots=True)
class Record:
    ord: int
    tracking_number: str
    carrier: str
    service: str
    events: list[ScanEvent] = field(default_factory=list)
    visible: list[float] = field(default_factory=list)  # epoch of each event's visible_at
    truth: ParcelTruth | None = None
    finished_at: float | None = None
    #: When the carrier stops showing it (its retention after the parcel finished), None before.
    expires_at: float | None = None
    #: The truth as it was before the parcel finished (shown until the clock reaches the finish).
    prior: ParcelTruth | None = None
    #: Epoch of its first event (the label): before it, the number does not exist yet.
    born: float = float("-inf")

    def visible_events(self, now: float) -> list[ScanEvent]:
        return self.events[: bisect.bisect_right(self.visible, now)]

    def status(self, now: float) -> str | None:
        n = bisect.bisect_right(self.visible, now)
        return self.events[n - 1].code.value if n else None

    def exists(self, now: float) -> bool:
        """Whether the number exists at ``now``: created, and not yet past its retention."""
        return self.born <= now and (self.expires_at is None or now < self.expires_at)

    def truth_at(self, now: float) -> ParcelTruth | None:
        """The truth known at ``now``: the outcome (fate, delivery, return, loss) only once the
        parcel has finished by ``now`` — the engine runs ahead, and its truth with it."""
        if self.finished_at is not None and now >= self.finished_at:
            return self.truth
        truth = self.prior if self.finished_at is not None else self.truth
        if truth is None or (truth.fate is Fate.IN_NETWORK and not truth.delivered_at):
            return truth
        return replace(
            truth,
            fate=Fate.IN_NETWORK,
            delivered_at=None,
            delivered_to=None,
            lost_at=None,
            returned_at=None,
            damaged=False,
        )

    def story_end(self, truth: ParcelTruth) -> float:
        """The instant the parcel's story ends: its last scan, delivery, return or loss, whichever
        is latest. The world may settle a story ahead of the clock (a courier's day is planned at
        dawn); the truth is final only once the clock has passed this instant."""
        raw = truth.lost_at or {}
        marks = [self.events[-1].occurred_at if self.events else None, truth.delivered_at, truth.returned_at]
        marks.append(str(raw["at"]) if raw.get("at") else None)
        return max((datetime.fromisoformat(m).timestamp() if m else 0.0) for m in marks)

    def final(self, now: float) -> bool:
        """Whether the parcel's fate is final at ``now``: finished, and the clock past its end."""
        return self.finished_at is not None and self.truth is not None and self.story_end(self.truth) < now

    def fate_at(self, now: float) -> str | None:
        """The fate as of ``now`` (what ``/_sandbox/truth`` says): the final fate once final,
        ``lost`` once the loss has happened, else ``in_network``; None without a truth. The same
        for a live world, which learns the end as it goes, and a recording, which knew it all along."""
        truth = self.truth
        if truth is None:
            return None
        if self.final(now):
            return truth.fate.value
        at = (truth.lost_at or {}).get("at")
        if at and datetime.fromisoformat(str(at)).timestamp() < now:
            return Fate.LOST.value
        return Fate.IN_NETWORK.value

    def version(self, now: float) -> int:
        """How many events are visible at ``now`` (part of a view's cache key)."""
        return bisect.bisect_right(self.visible, now)

    @classmethod
    def from_row(cls, row: Row) -> Record:
        visible = [datetime.fromisoformat(e.visible_at).timestamp() for e in row.events]
        born = datetime.fromisoformat(row.events[0].occurred_at).timestamp() if row.events else float("-inf")
        return cls(
            row.ord,
            row.tracking_number,
            row.carrier,
            row.service,
            row.events,
            visible,
            row.truth,
            row.finished_at,
            row.expires_at,
            row.truth,
            born,
        )

    def row(self) -> Row:
        return Row(
            self.ord,
            self.tracking_number,
            self.carrier,
            self.service,
            self.events,
            self.truth,
            self.finished_at,
            self.expires_at,
        )


@dataclass(slots=True)
class ParcelSummary:
    ord: int
    tracking_number: str
    carrier: str
    service: str
    status: str | None
    fate: str | None
    case: str | None
    #: Whether ``fate`` is final (an archived parcel finished long before the clock: always).
    final: bool = True
