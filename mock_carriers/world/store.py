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

import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol

from mock_carriers.world.archive import Row, SqliteArchive
from mock_carriers.world.record import ParcelSummary, Record
from sim.events import ParcelTruth, ScanEvent

__all__ = ["EventStore", "ExpiryPolicy", "InMemoryStore", "ParcelSummary", "Record"]


#: (record, the instant it finished) -> the instant its carrier's retention ends, or None (never).
ExpiryPolicy = Callable[[Record, float], float | None]


class EventStore(Protocol):
    """What the sandbox asks of a store (a Redis store shared by several API workers is another
    class with this protocol, docs/architecture.md §9)."""

    def add(self, events: Iterable[ScanEvent], truth_of: dict[str, ParcelTruth | None]) -> list[Record]: ...
    def _add_known(
        self, events: list[ScanEvent], visible: list[float], created: list[Record], skip_unborn: bool
    ) -> None:
        records = self._records
        for e, at in zip(events, visible, strict=True):
            rec = records.get(e.tracking_number)
            if rec is None:
                if skip_unborn and e.seq != 1:
                    continue
                self._ord += 1
                rec = Record(self._ord, e.tracking_number, e.carrier, e.service)
                rec.born = datetime.fromisoformat(e.occurred_at).timestamp()
                records[e.tracking_number] = rec
                created.append(rec)
            rec.events.append(e)
            rec.visible.append(at)

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
#: Archived parcels kept decoded, least recently read out first. A tracking read of a finished
#: parcel otherwise reads and decodes its SQLite row every time — most of a hot read's CPU
#: (docs/benchmarks.md, "the lane in the protocol").
THAWED_RECORDS = 4096


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
        # Decoded archive rows. A row changes only when its number is evicted again or purged;
        # each bumps ``_rows_changed``, and a read that raced one is not kept.
        self._thawed: OrderedDict[str, Record] = OrderedDict()
        self._rows_changed = 0

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

    def add(
        self,
        events: Iterable[ScanEvent],
        truth_of: dict[str, ParcelTruth | None],
        visible: list[float] | None = None,
        skip_unborn: bool = False,
    ) -> list[Record]:
        """Append events (log order); returns the records they created. A truth given for a
        number replaces the one held (the engine's latest snapshot). ``visible``: each event's
        ``visible_at`` as an epoch, when the sender computed it already. ``skip_unborn``: leave
        out the scans of a number this store has not seen begin (a replica read from a trimmed
        stream: the parcel expired before it started, ``redis_trim``)."""
        created: list[Record] = []
        events = list(events)
        if visible is None:
            visible = [datetime.fromisoformat(e.visible_at).timestamp() for e in events]
        with self._lock:
            self._add_known(events, visible, created, skip_unborn)
            for tn, truth in truth_of.items():
                rec = self._records.get(tn)
                if rec is not None and truth is not None and rec.finished_at is None:
                    rec.truth = rec.prior = truth
        return created

    def _add_known(
        self, events: list[ScanEvent], visible: list[float], created: list[Record], skip_unborn: bool
    ) -> None:
        records = self._records
        for e, at in zip(events, visible, strict=True):
            rec = records.get(e.tracking_number)
            if rec is None:
                if skip_unborn and e.seq != 1:
                    continue
                self._ord += 1
                rec = Record(self._ord, e.tracking_number, e.carrier, e.service)
                rec.born = datetime.fromisoformat(e.occurred_at).timestamp()
                records[e.tracking_number] = rec
                created.append(rec)
            rec.events.append(e)
            rec.visible.append(at)
            if rec.finished_at is not None:  # a scan released after its story's end arrived
                self._end(rec, rec.truth, datetime.fromisoformat(e.occurred_at).timestamp())

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
            scanned = [tn for tn in self._early if tn in self._records]  # their scans came since
            ends = [(self._early.pop(tn)[0], tn) for tn in scanned]
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
            if rec is None:
                rec = self._thawed.get(tracking_number)
                if rec is not None:
                    self._thawed.move_to_end(tracking_number)
                    return rec
            changed = self._rows_changed
        archive = self.archive_open
        if rec is None and archive is not None:
            row = archive.get(tracking_number)
            if row is None:
                return None
            rec = Record.from_row(row)
            with self._lock:
                if changed == self._rows_changed and tracking_number not in self._records:
                    self._thawed[tracking_number] = rec
                    if len(self._thawed) > THAWED_RECORDS:
                        self._thawed.popitem(last=False)
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
                self._thawed.pop(rec.tracking_number, None)
            self._rows_changed += 1
        return len(gone)

    def purge(self, now: float) -> int:
        """Forget parcels whose carrier's retention has ended (memory and archive)."""
        archive = self.archive_open
        gone = archive.purge(now) if archive is not None else 0
        if gone:
            with self._lock:
                self._thawed.clear()
                self._rows_changed += 1
        return gone

    def __len__(self) -> int:
        return len(self._records)
