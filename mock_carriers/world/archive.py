"""The sandbox's SQLite file: finished parcels that left memory, and (with ``--db``) the journal
that makes a served world durable.

``archive`` (table ``parcels``): one row per finished tracking number, events and truth as JSON,
with the instant its carrier's retention ends (``expires_at``); rows past it are purged. Without
``--db`` the file lives in the sandbox's state directory; with ``--db`` it is that file.

``journal`` (``--db`` only): every event as the engine produced it (``live_events``), the parcels
still in memory (``live``), and in ``sandbox_meta`` the frontier, the count and chained hash of the
log, the parcels created and the clock's state — written in one transaction per batch, so a
sandbox killed at any instant restarts from a consistent frontier.

One connection, guarded by a lock: SQLite's handle is never used by two threads at once, and it is
never closed while the sandbox that owns it is alive (a reset swaps in a new store and leaves the
old handle to be closed when the last request holding it is done).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mock_carriers.world.dbfile import open_db
from sim.errors import UsageError
from sim.events import ParcelTruth, ScanEvent

_PARCELS = (
    "CREATE TABLE IF NOT EXISTS parcels (ord INTEGER PRIMARY KEY, tracking_number TEXT UNIQUE,"
    " carrier TEXT, service TEXT, status TEXT, fate TEXT, case_name TEXT, events TEXT, truth TEXT,"
    " finished_at REAL, expires_at REAL)"
)
_LIVE = (
    "CREATE TABLE IF NOT EXISTS live (ord INTEGER PRIMARY KEY, tracking_number TEXT UNIQUE,"
    " carrier TEXT, service TEXT, truth TEXT, finished_at REAL, expires_at REAL)"
)
_LIVE_EVENTS = (
    "CREATE TABLE IF NOT EXISTS live_events (n INTEGER PRIMARY KEY, tracking_number TEXT, data TEXT)"
)
# Archiving a finished parcel deletes its live events by number, and housekeeping deletes by
# expiry: without these, each is a scan of the whole table (quadratic in a long --db run).
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS live_events_by_number ON live_events (tracking_number)",
    "CREATE INDEX IF NOT EXISTS parcels_by_expiry ON parcels (expires_at)",
)


@dataclass(slots=True)
class Row:
    """A parcel as stored: what ``store.Record`` is built from."""

    ord: int
    tracking_number: str
    carrier: str
    service: str
    events: list[ScanEvent]
    truth: ParcelTruth | None
    finished_at: float | None
    expires_at: float | None


@dataclass(slots=True)
class JournalState:
    """What a ``--db`` file remembers of the world beyond its parcels."""

    frontier: float
    count: int
    digest: str
    created: int
    clock: dict[str, Any] | None


def _truth_json(truth: ParcelTruth | None) -> str | None:
    return truth.to_json() if truth is not None else None


def _truth(text: str | None) -> ParcelTruth | None:
    return ParcelTruth.from_dict(json.loads(text)) if text else None


def _events_json(events: list[ScanEvent]) -> str:
    # The same JSON array as json.dumps([e.to_dict() ...]) reads back, at a fifth of the cost.
    return "[" + ",".join(e.to_json() for e in events) + "]"


class SqliteArchive:
    """Finished parcels on disk (and, when ``durable``, the world's journal).

    The file must be new or parcel-sandbox's own (``mock_carriers.world.dbfile``); anything else raises
    ``UsageError`` and is left untouched. ``world``/``label`` name the world the file belongs to;
    ``claim`` (an explicit reset) lets another world take it over and starts it empty."""

    def __init__(
        self,
        path: str | Path,
        world: str = "",
        label: str = "",
        *,
        claim: bool = False,
        durable: bool = False,
    ) -> None:
        self.path = Path(path)
        self.durable = durable
        self.db = open_db(path, world, label or world, claim=claim)
        self._lock = threading.Lock()
        with self._lock:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            for ddl in (_PARCELS, _LIVE, _LIVE_EVENTS, *_INDEXES):
                self.db.execute(ddl)
            if claim or not durable:
                # A new world (or an ephemeral state file): nothing of an earlier one is served.
                self._clear_locked()
            self.db.commit()

    # --- the archive of finished parcels ---------------------------------------------------------

    def put(self, rows: list[Row]) -> None:
        """Finished parcels leave memory: into ``parcels`` (and out of the journal's ``live``)."""
        values = [
            (
                r.ord,
                r.tracking_number,
                r.carrier,
                r.service,
                r.events[-1].code.value if r.events else None,
                r.truth.fate.value if r.truth else None,
                r.truth.case if r.truth else None,
                _events_json(r.events),
                _truth_json(r.truth),
                r.finished_at,
                r.expires_at,
            )
            for r in rows
        ]
        with self._lock:
            self.db.executemany("INSERT OR REPLACE INTO parcels VALUES (?,?,?,?,?,?,?,?,?,?,?)", values)
            if self.durable:
                numbers = [(r.tracking_number,) for r in rows]
                self.db.executemany("DELETE FROM live WHERE tracking_number = ?", numbers)
                self.db.executemany("DELETE FROM live_events WHERE tracking_number = ?", numbers)
            self.db.commit()

    def check_version(self, version: str) -> None:
        """A ``--db`` file written by another model version is refused: its world would not
        reproduce (the re-simulation's hash check is the second line of defence)."""
        written = self.meta("version")
        if written is None or self.state() is None:
            self.set_meta("version", version)
        elif written != version:
            raise UsageError(
                f"{self.path}: written by {written}, this sandbox is {version}: its world would "
                "not reproduce; use a new --db file"
            )

    def get(self, tracking_number: str) -> Row | None:
        with self._lock:
            row = self.db.execute(
                "SELECT ord, tracking_number, carrier, service, events, truth, finished_at, expires_at"
                " FROM parcels WHERE tracking_number = ?",
                (tracking_number,),
            ).fetchone()
        if row is None:
            return None
        events = [ScanEvent.from_dict(d) for d in json.loads(row[4])]
        return Row(row[0], row[1], row[2], row[3], events, _truth(row[5]), row[6], row[7])

    def list(
        self,
        now: float,
        carrier: str | None,
        status: str | None,
        fate: str | None,
        case: str | None,
        after: int,
        limit: int,
    ) -> list[tuple[int, str, str, str, str | None, str | None, str | None]]:
        sql = (
            "SELECT ord, tracking_number, carrier, service, status, fate, case_name FROM parcels"
            " WHERE ord > ? AND (expires_at IS NULL OR expires_at > ?)"
        )
        args: list[object] = [after, now]
        for column, value in (("carrier", carrier), ("status", status), ("fate", fate), ("case_name", case)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        sql += " ORDER BY ord LIMIT ?"
        args.append(limit)
        with self._lock:
            return list(self.db.execute(sql, args))

    def purge(self, now: float) -> int:
        """Parcels whose carrier's retention ended by ``now`` are gone, as at the carrier."""
        with self._lock:
            cur = self.db.execute(
                "DELETE FROM parcels WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,)
            )
            self.db.commit()
            return cur.rowcount

    def max_ord(self) -> int:
        with self._lock:
            a = self.db.execute("SELECT COALESCE(MAX(ord), 0) FROM parcels").fetchone()[0]
            b = self.db.execute("SELECT COALESCE(MAX(ord), 0) FROM live").fetchone()[0]
        return int(max(a, b))

    def _clear_locked(self) -> None:
        for table in ("parcels", "live", "live_events"):
            self.db.execute(f"DELETE FROM {table}")
        keys = ("frontier", "event_count", "event_hash", "created", "clock")
        self.db.executemany("DELETE FROM sandbox_meta WHERE key = ?", [(k,) for k in keys])

    def clear(self) -> None:
        with self._lock:
            self._clear_locked()
            self.db.commit()

    def __len__(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM parcels").fetchone()[0])

    # --- the journal (--db) ----------------------------------------------------------------------

    def journal(
        self,
        events: list[ScanEvent],
        new: Iterable[tuple[int, str, str, str]],
        truths: dict[str, ParcelTruth],
        finished: Iterable[tuple[str, float | None, float | None]],
        state: JournalState,
    ) -> None:
        """One batch, in one transaction: its events, the parcels it created, their truths, the
        parcels it finished (``(number, finished_at, expires_at)``), and the log's new state."""
        with self._lock:
            self.db.executemany(
                "INSERT INTO live (ord, tracking_number, carrier, service) VALUES (?,?,?,?)", list(new)
            )
            self.db.executemany(
                "INSERT INTO live_events (tracking_number, data) VALUES (?, ?)",
                [(e.tracking_number, e.to_json()) for e in events],
            )
            self.db.executemany(
                "UPDATE live SET truth = ? WHERE tracking_number = ?",
                [(t.to_json(), tn) for tn, t in truths.items()],
            )
            self.db.executemany(
                "UPDATE live SET finished_at = ?, expires_at = ? WHERE tracking_number = ?",
                [(at, expires, tn) for tn, at, expires in finished],
            )
            self._put_meta_locked(
                {
                    "frontier": repr(state.frontier),
                    "event_count": str(state.count),
                    "event_hash": state.digest,
                    "created": str(state.created),
                }
            )
            self.db.commit()

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self.db.execute("SELECT value FROM sandbox_meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._put_meta_locked({key: value})
            self.db.commit()

    def save_clock(self, clock: dict[str, Any]) -> None:
        with self._lock:
            self._put_meta_locked({"clock": json.dumps(clock, sort_keys=True)})
            self.db.commit()

    def _put_meta_locked(self, items: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO sandbox_meta VALUES (?, ?)", list(items.items()))

    def state(self) -> JournalState | None:
        """The journal's state, or None when the file holds no world yet."""
        with self._lock:
            meta = dict(self.db.execute("SELECT key, value FROM sandbox_meta").fetchall())
        if "frontier" not in meta:
            clock = json.loads(meta["clock"]) if "clock" in meta else None
            return None if clock is None else JournalState(float("-inf"), 0, "", 0, clock)
        return JournalState(
            float(meta["frontier"]),
            int(meta["event_count"]),
            meta["event_hash"],
            int(meta.get("created", "0")),
            json.loads(meta["clock"]) if "clock" in meta else None,
        )

    def live_rows(self) -> list[Row]:
        """The parcels that were in memory, in creation order, with their events in log order."""
        with self._lock:
            parcels = self.db.execute(
                "SELECT ord, tracking_number, carrier, service, truth, finished_at, expires_at"
                " FROM live ORDER BY ord"
            ).fetchall()
            events = self.db.execute("SELECT tracking_number, data FROM live_events ORDER BY n").fetchall()
        by_number: dict[str, list[ScanEvent]] = {}
        for tn, data in events:
            by_number.setdefault(tn, []).append(ScanEvent.from_dict(json.loads(data)))
        return [Row(o, tn, c, s, by_number.get(tn, []), _truth(t), f, x) for o, tn, c, s, t, f, x in parcels]


def epoch(instant: str) -> float:
    return datetime.fromisoformat(instant).timestamp()
