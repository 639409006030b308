"""EventStore: every tracking number's events and truth, queried "as visible at instant t".

``InMemoryStore`` is the embedded default, filled by the engine worker's batches (the sandbox's
pump thread) and read by requests: each holds the store's lock only for a dictionary update or
lookup. The engine runs ahead of the clock, so the store holds parcels the clock has not reached:
every read takes the instant it looks at, and a parcel is not there before its label is created
(``Record.born``), nor its fate before it happens (``Record.fate_at``, ``Record.truth_at``).
Parcels finished more than the memory window ago move to the SQLite archive
(``archive.SqliteArchive``: the state directory, or the ``--db`` file) and stay trackable from
there until their carrier's retention ends (``expires_at``); memory stays bounded and nothing is
dropped early.

The protocol is small on purpose: a Redis or PostgreSQL backend shared by several API workers
is a new class, not a rewrite (docs/architecture.md §9).
"""

from __future__ import annotations

import bisect
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from mock_carriers.world.archive import Row, SqliteArchive
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


#: (record, the instant it finished) -> the instant its carrier's retention ends, or None (never).
ExpiryPolicy = Callable[[Record, float], float | None]


class EventStore(Protocol):
    """What the sandbox asks of a store (a Redis store shared by several API workers is another
    class with this protocol, docs/architecture.md §9)."""

    def add(self, events: Iterable[ScanEvent], truth_of: dict[str, ParcelTruth | None]) -> list[Record]: ...
    def finish(self, truths: Iterable[ParcelTruth], at: float) -> list[Record]: ...
    def get(self, tracking_number: str) -> Record | None: ...
    def list(
        self,
        now: float,
        carrier: str | None = None,
        status: str | None = None,
        fate: str | None = None,
        case: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[ParcelSummary]: ...
    def evict(self, before: float) -> int: ...
    def purge(self, now: float) -> int: ...
    def __len__(self) -> int: ...


#: How long an end may wait for its number's first scan (sandbox seconds): the world writes scans
#: ahead by hours (a courier's route), never by days.
EARLY_END_S = 3 * 86400.0


class InMemoryStore:
    def __init__(
        self,
        archive: Callable[[], SqliteArchive] | SqliteArchive | None = None,
        expiry: ExpiryPolicy | None = None,
    ) -> None:
        self._records: dict[str, Record] = {}
        self._ord = 0
        self._finished: deque[tuple[float, str]] = deque()
        # A story's end can reach the store before its last scans do — even before its first: the
        # world writes some scans ahead (a courier's stops) and releases them as they occur. Such
        # an end waits here for the number's first scan.
        # A number the world never scans (a partner's, when the parcel ended before the hand-over)
        # is forgotten after EARLY_END_S.
        self._early: dict[str, tuple[ParcelTruth, float]] = {}
        self._lock = threading.RLock()
        # The archive is opened on first use (a sandbox that never evicts never writes a file).
        self._archive: SqliteArchive | None = archive if isinstance(archive, SqliteArchive) else None
        self._open_archive = archive if callable(archive) and self._archive is None else None
        self._expiry = expiry

    @property
    def archive(self) -> SqliteArchive | None:
        """The archive, opened now if it is due (None: this store has none)."""
        if self._archive is None and self._open_archive is not None:
            with self._lock:
                if self._archive is None:
                    self._archive = self._open_archive()
        return self._archive

    @property
    def archive_open(self) -> SqliteArchive | None:
        """The archive if it is open (never opens it: for reads of what may not exist)."""
        return self._archive

    def load(self, rows: Iterable[Row]) -> list[Record]:
        """Parcels a ``--db`` file had in memory when its sandbox stopped."""
        out = []
        with self._lock:
            for row in rows:
                rec = Record.from_row(row)
                self._records[rec.tracking_number] = rec
                self._ord = max(self._ord, rec.ord)
                if rec.finished_at is not None:
                    self._finished.append((rec.finished_at, rec.tracking_number))
                out.append(rec)
        return out

    def start_ord(self, after: int) -> None:
        with self._lock:
            self._ord = max(self._ord, after)

    def add(self, events: Iterable[ScanEvent], truth_of: dict[str, ParcelTruth | None]) -> list[Record]:
        """Append events (log order); returns the records they created. A truth given for a
        number replaces the one held (the engine's latest snapshot)."""
        created: list[Record] = []
        with self._lock:
            for e in events:
                rec = self._records.get(e.tracking_number)
                if rec is None:
                    self._ord += 1
                    rec = Record(self._ord, e.tracking_number, e.carrier, e.service)
                    rec.born = datetime.fromisoformat(e.occurred_at).timestamp()
                    self._records[e.tracking_number] = rec
                    created.append(rec)
                rec.events.append(e)
                rec.visible.append(datetime.fromisoformat(e.visible_at).timestamp())
                if rec.finished_at is not None:  # a scan released after its story's end arrived
                    self._end(rec, rec.truth, datetime.fromisoformat(e.occurred_at).timestamp())
            for tn, truth in truth_of.items():
                rec = self._records.get(tn)
                if rec is not None and truth is not None and rec.finished_at is None:
                    rec.truth = rec.prior = truth
        return created

    def _end(self, rec: Record, truth: ParcelTruth | None, end: float) -> None:
        """The story ended with its last scan: its outcome is known from then on."""
        if rec.finished_at is not None and end <= rec.finished_at:
            return
        rec.truth = truth
        rec.finished_at = end
        rec.expires_at = self._expiry(rec, end) if self._expiry else None
        self._finished.append((end, rec.tracking_number))

    def finish(self, truths: Iterable[ParcelTruth], at: float) -> list[Record]:
        done: list[Record] = []
        with self._lock:
            ends = [(self._early.pop(tn)[0], tn) for tn in [tn for tn in self._early if tn in self._records]]
            for tn in [tn for tn, (_, since) in self._early.items() if since < at - EARLY_END_S]:
                del self._early[tn]
            for t in truths:
                ends.append((t, t.tracking_number))
                if t.partner:
                    ends.append((t, t.partner["tracking_number"]))
            for t, tn in ends:
                rec = self._records.get(tn)
                if rec is None:
                    self._early[tn] = (t, at)
                    continue
                # The story ended with its last scan (``at``, the batch's frontier, when it
                # has none; a later scan moves it): known from then on, not from the batch.
                end = datetime.fromisoformat(rec.events[-1].occurred_at).timestamp() if rec.events else at
                rec.finished_at = None
                self._end(rec, t, end)
                done.append(rec)
        return done

    def records(self) -> list[Record]:
        """The records in memory, in creation order (a snapshot)."""
        with self._lock:
            return list(self._records.values())

    def holds(self, tracking_number: str) -> bool:
        """Whether the number is in memory (cheap; never asks the archive)."""
        return tracking_number in self._records

    def get(self, tracking_number: str) -> Record | None:
        with self._lock:
            rec = self._records.get(tracking_number)
        archive = self.archive_open
        if rec is None and archive is not None:
            row = archive.get(tracking_number)
            return Record.from_row(row) if row is not None else None
        return rec

    def list(
        self,
        now: float,
        carrier: str | None = None,
        status: str | None = None,
        fate: str | None = None,
        case: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[ParcelSummary]:
        out: list[ParcelSummary] = []
        # Memory first, then the archive: a parcel the housekeeper evicts meanwhile is on disk
        # before it leaves memory, so it shows in one or both (deduplicated below), never in none.
        with self._lock:
            records = list(self._records.values())  # insertion order == ord order
        archive = self.archive_open
        if archive is not None:
            held = {rec.tracking_number for rec in records}
            out = [
                ParcelSummary(*row)
                for row in archive.list(now, carrier, status, fate, case, after, limit)
                if row[1] not in held
            ]
        for rec in records:
            if rec.ord <= after or not rec.exists(now):
                continue
            if carrier is not None and rec.carrier != carrier:
                continue
            truth = rec.truth
            rec_fate = rec.fate_at(now)
            rec_case = truth.case if truth else None
            if (fate is not None and rec_fate != fate) or (case is not None and rec_case != case):
                continue
            rec_status = rec.status(now)
            if status is not None and rec_status != status:
                continue
            out.append(
                ParcelSummary(
                    rec.ord,
                    rec.tracking_number,
                    rec.carrier,
                    rec.service,
                    rec_status,
                    rec_fate,
                    rec_case,
                    rec.final(now),
                )
            )
            if archive is None and len(out) >= limit:
                break
        out.sort(key=lambda s: s.ord)
        return out[:limit]

    def evict(self, before: float) -> int:
        """Move parcels finished before ``before`` from memory into the archive."""
        with self._lock:
            due = bool(self._finished) and self._finished[0][0] < before
        if not due:
            return 0
        archive = self.archive
        with self._lock:
            gone: list[Record] = []
            while self._finished and self._finished[0][0] < before:
                end, tn = self._finished.popleft()
                rec = self._records.get(tn)
                # an end a later scan moved has a later entry of its own
                if rec is not None and rec.finished_at == end:
                    gone.append(rec)
        if archive is not None and gone:
            archive.put([r.row() for r in gone])  # on disk first: never a moment it is nowhere
        with self._lock:
            for rec in gone:
                self._records.pop(rec.tracking_number, None)
        return len(gone)

    def purge(self, now: float) -> int:
        """Forget parcels whose carrier's retention has ended (memory and archive)."""
        archive = self.archive_open
        return archive.purge(now) if archive is not None else 0

    def __len__(self) -> int:
        return len(self._records)
