"""EventStore: every tracking number's events and truth, queried "as visible at instant t".

``InMemoryStore`` is the embedded default. Parcels whose story ended more than ``retention``
ago leave memory; with a SQLite file (``--db``) they move there and stay queryable, so a
long-running sandbox has bounded memory. The protocol is small on purpose: a Redis or
PostgreSQL backend shared by several API workers is a new class, not a rewrite (docs/architecture.md §9).
"""

from __future__ import annotations

import bisect
import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from mock_carriers.world.dbfile import open_db
from sim.events import ParcelTruth, ScanEvent


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

    def visible_events(self, now: float) -> list[ScanEvent]:
        return self.events[: bisect.bisect_right(self.visible, now)]

    def status(self, now: float) -> str | None:
        n = bisect.bisect_right(self.visible, now)
        return self.events[n - 1].code.value if n else None


@dataclass(slots=True)
class ParcelSummary:
    ord: int
    tracking_number: str
    carrier: str
    service: str
    status: str | None
    fate: str | None
    case: str | None


class EventStore(Protocol):
    def add(self, events: Iterable[ScanEvent], truth_of: dict[str, ParcelTruth | None]) -> None: ...
    def finish(self, truths: Iterable[ParcelTruth], at: float) -> None: ...
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
    def __len__(self) -> int: ...


class SqliteArchive:
    """Finished parcels that left memory. One row per tracking number; events and truth as JSON.

    The file must be new or parcel-sandbox's own (``mock_carriers.world.dbfile``); anything else raises
    ``UsageError`` and is left untouched. ``world``/``label`` name the world the file belongs to;
    ``claim`` (an explicit reset) lets another world take it over."""

    def __init__(self, path: str | Path, world: str = "", label: str = "", *, claim: bool = False) -> None:
        self.db = open_db(path, world, label or world, claim=claim)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS parcels (ord INTEGER PRIMARY KEY, tracking_number TEXT UNIQUE,"
            " carrier TEXT, service TEXT, status TEXT, fate TEXT, case_name TEXT, events TEXT, truth TEXT)"
        )
        # Rows this world wrote in an earlier process: the world starts over from its first
        # instant and writes them again as the clock passes them (a stale row would list a
        # parcel the restarted clock has not reached).
        self.db.execute("DELETE FROM parcels")
        self.db.commit()

    def put(self, records: list[Record]) -> None:
        rows = [
            (
                r.ord,
                r.tracking_number,
                r.carrier,
                r.service,
                r.events[-1].code.value if r.events else None,
                r.truth.fate.value if r.truth else None,
                r.truth.case if r.truth else None,
                json.dumps([e.to_dict() for e in r.events], separators=(",", ":")),
                r.truth.to_json() if r.truth else None,
            )
            for r in records
        ]
        self.db.executemany("INSERT OR REPLACE INTO parcels VALUES (?,?,?,?,?,?,?,?,?)", rows)
        self.db.commit()

    def get(self, tracking_number: str) -> Record | None:
        row = self.db.execute(
            "SELECT ord, tracking_number, carrier, service, events, truth FROM parcels"
            " WHERE tracking_number = ?",
            (tracking_number,),
        ).fetchone()
        if row is None:
            return None
        events = [ScanEvent.from_dict(d) for d in json.loads(row[4])]
        return Record(
            row[0],
            row[1],
            row[2],
            row[3],
            events,
            [datetime.fromisoformat(e.visible_at).timestamp() for e in events],
            ParcelTruth.from_dict(json.loads(row[5])) if row[5] else None,
            finished_at=0.0,
        )

    def list(
        self,
        carrier: str | None,
        status: str | None,
        fate: str | None,
        case: str | None,
        after: int,
        limit: int,
    ) -> list[ParcelSummary]:
        sql = (
            "SELECT ord, tracking_number, carrier, service, status, fate, case_name FROM parcels"
            " WHERE ord > ?"
        )
        args: list[object] = [after]
        for column, value in (("carrier", carrier), ("status", status), ("fate", fate), ("case_name", case)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        sql += " ORDER BY ord LIMIT ?"
        args.append(limit)
        return [ParcelSummary(*row) for row in self.db.execute(sql, args)]

    def clear(self) -> None:
        self.db.execute("DELETE FROM parcels")
        self.db.commit()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM parcels").fetchone()[0])


class InMemoryStore:
    def __init__(self, archive: SqliteArchive | None = None) -> None:
        self._records: dict[str, Record] = {}
        self._ord = 0
        self._finished: deque[tuple[float, str]] = deque()
        self._lock = threading.RLock()
        self.archive = archive

    def add(self, events: Iterable[ScanEvent], truth_of: dict[str, ParcelTruth | None]) -> None:
        with self._lock:
            for e in events:
                rec = self._records.get(e.tracking_number)
                if rec is None:
                    self._ord += 1
                    rec = Record(
                        self._ord,
                        e.tracking_number,
                        e.carrier,
                        e.service,
                        truth=truth_of.get(e.tracking_number),
                    )
                    self._records[e.tracking_number] = rec
                rec.events.append(e)
                rec.visible.append(datetime.fromisoformat(e.visible_at).timestamp())

    def finish(self, truths: Iterable[ParcelTruth], at: float) -> None:
        with self._lock:
            for t in truths:
                numbers = [t.tracking_number] + ([t.partner["tracking_number"]] if t.partner else [])
                for tn in numbers:
                    rec = self._records.get(tn)
                    if rec is not None:
                        rec.truth = t
                        rec.finished_at = at
                        self._finished.append((at, tn))

    def holds(self, tracking_number: str) -> bool:
        """Whether the number is in memory (cheap; never asks the archive)."""
        return tracking_number in self._records

    def get(self, tracking_number: str) -> Record | None:
        with self._lock:
            rec = self._records.get(tracking_number)
        if rec is None and self.archive is not None:
            return self.archive.get(tracking_number)
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
        if self.archive is not None:
            out = self.archive.list(carrier, status, fate, case, after, limit)
        with self._lock:
            for rec in self._records.values():  # insertion order == ord order
                if rec.ord <= after:
                    continue
                if carrier is not None and rec.carrier != carrier:
                    continue
                rec_fate = rec.truth.fate.value if rec.truth else None
                rec_case = rec.truth.case if rec.truth else None
                if (fate is not None and rec_fate != fate) or (case is not None and rec_case != case):
                    continue
                rec_status = rec.status(now)
                if status is not None and rec_status != status:
                    continue
                out.append(
                    ParcelSummary(
                        rec.ord, rec.tracking_number, rec.carrier, rec.service, rec_status, rec_fate, rec_case
                    )
                )
                if self.archive is None and len(out) >= limit:
                    break
        out.sort(key=lambda s: s.ord)
        return out[:limit]

    def evict(self, before: float) -> int:
        """Drop parcels finished before ``before`` from memory (into the archive when there is one)."""
        with self._lock:
            gone: list[Record] = []
            while self._finished and self._finished[0][0] < before:
                _, tn = self._finished.popleft()
                rec = self._records.pop(tn, None)
                if rec is not None:
                    gone.append(rec)
        if gone and self.archive is not None:
            self.archive.put(gone)
        return len(gone)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._finished.clear()
            self._ord = 0
        if self.archive is not None:
            self.archive.clear()

    def __len__(self) -> int:
        return len(self._records)
