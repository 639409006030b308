"""The webhook hub's durable state in SQLite: subscriptions, the outbox (one row per event and
subscription, pending until acknowledged or failed for good), the attempt log, delivery counts, the
delivery-id epoch, and carriers' push-API state.

In memory by default, and tables in the ``--db`` file when the sandbox has one. Unlike the parcel
archive those tables are not cleared on start: a restarted sandbox restores its subscriptions and
still delivers what was pending. Every method runs under the hub's lock.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mock_carriers.webhooks.models import Delivery, Subscription
from mock_carriers.world.dbfile import ensure_ours

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS webhook_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhook_subscriptions (id TEXT PRIMARY KEY, n INTEGER NOT NULL,"
    " spec TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhook_outbox (delivery_id TEXT PRIMARY KEY, subscription_id TEXT NOT NULL,"
    " event_id TEXT NOT NULL, tracking_number TEXT NOT NULL, seq INTEGER NOT NULL, due_at TEXT NOT NULL,"
    " payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_outbox_status ON webhook_outbox (status, subscription_id)",
    "CREATE TABLE IF NOT EXISTS webhook_attempts (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " subscription_id TEXT NOT NULL, delivery_id TEXT NOT NULL, event_id TEXT NOT NULL,"
    " tracking_number TEXT NOT NULL, seq INTEGER NOT NULL, attempt INTEGER NOT NULL, status_code INTEGER,"
    " error TEXT, outcome TEXT NOT NULL, at TEXT NOT NULL, sandbox_at TEXT NOT NULL,"
    " duration_ms REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS webhook_attempts_sub ON webhook_attempts (subscription_id, id)",
    "CREATE TABLE IF NOT EXISTS webhook_counts (subscription_id TEXT PRIMARY KEY, delivered INTEGER NOT NULL,"
    " failed INTEGER NOT NULL, attempts INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS webhook_push_state (namespace TEXT NOT NULL, key TEXT NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY (namespace, key))",
)

#: The columns of one attempt, as ``attempts`` returns them.
ATTEMPT_FIELDS = (
    "id",
    "delivery_id",
    "event_id",
    "tracking_number",
    "seq",
    "attempt",
    "status_code",
    "error",
    "outcome",
    "at",
    "sandbox_at",
    "duration_ms",
)


class Outbox:
    """The tables, and one method per thing the hub reads or writes."""

    def __init__(self, db: str | Path | None, attempt_log_limit: int) -> None:
        if db:
            ensure_ours(db)  # the sandbox's archive marked it; never write into anyone else's file
        conn = sqlite3.connect(str(db) if db else ":memory:", check_same_thread=False, timeout=30)
        # The outbox must survive a process restart, not a power cut: the OS cache is enough, and
        # an fsync per acknowledged delivery would cap the dispatcher at the disk's sync rate.
        conn.execute("PRAGMA synchronous=OFF")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.commit()
        self.conn = conn
        #: With a db file, finished outbox rows stay as the record of what was acknowledged, which a
        #: restarted world's replayed events are checked against; in memory they can go at once.
        self.durable = bool(db)
        self.attempt_log_limit = attempt_log_limit

    def close(self) -> None:
        self.conn.close()

    # --- loading on start ------------------------------------------------------------------------

    def meta(self) -> tuple[int, int]:
        """(delivery-id epoch, the next subscription number)."""
        meta = dict(self.conn.execute("SELECT key, value FROM webhook_meta").fetchall())
        return int(meta.get("epoch", 0)), int(meta.get("next_n", 1))

    def take_number(self, candidate: int) -> int:
        """The next subscription number (one process: the hub's own count)."""
        return candidate

    def next_epoch(self, epoch: int) -> int:
        """The delivery-id epoch after a reset."""
        return epoch + 1

    def subscriptions(self) -> list[Subscription]:
        rows = self.conn.execute("SELECT id, n, spec FROM webhook_subscriptions ORDER BY n")
        return [Subscription.from_row(sid, n, spec) for sid, n, spec in rows]

    def pending(self) -> list[Delivery]:
        """Every pending row, by subscription, parcel and seq."""
        rows = self.conn.execute(
            "SELECT delivery_id, subscription_id, event_id, tracking_number, seq, due_at, payload, attempts,"
            " next_attempt_at FROM webhook_outbox WHERE status = 'pending' ORDER BY subscription_id,"
            " tracking_number, seq"
        )
        return [Delivery(*row) for row in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            sid: {"delivered": delivered, "failed": failed, "attempts": tries}
            for sid, delivered, failed, tries in self.conn.execute("SELECT * FROM webhook_counts")
        }

    def push_state(self) -> dict[str, dict[str, Any]]:
        state: dict[str, dict[str, Any]] = {}
        for namespace, key, value in self.conn.execute(
            "SELECT namespace, key, value FROM webhook_push_state"
        ):
            state.setdefault(namespace, {})[key] = json.loads(value)
        return state

    # --- subscriptions ---------------------------------------------------------------------------

    def add_subscription(self, sub: Subscription, epoch: int, next_n: int) -> None:
        self.conn.execute(
            "INSERT INTO webhook_subscriptions VALUES (?, ?, ?)", (sub.id, sub.n, sub.to_json())
        )
        self._save_meta(epoch, next_n)
        self.conn.commit()

    def delete_subscription(self, sid: str) -> None:
        """The subscription, its pending rows, its attempt log and its counts."""
        for table in ("webhook_outbox", "webhook_attempts", "webhook_counts"):
            self.conn.execute(f"DELETE FROM {table} WHERE subscription_id = ?", (sid,))
        self.conn.execute("DELETE FROM webhook_subscriptions WHERE id = ?", (sid,))
        self.conn.commit()

    def restart(self, subs: Iterable[Subscription], epoch: int, next_n: int) -> None:
        """The world starts over: subscriptions re-dated, pending rows and push state gone."""
        for sub in subs:
            self.conn.execute(
                "UPDATE webhook_subscriptions SET spec = ? WHERE id = ?", (sub.to_json(), sub.id)
            )
        self.conn.execute("DELETE FROM webhook_outbox WHERE status = 'pending'")
        self.conn.execute("DELETE FROM webhook_push_state")
        self._save_meta(epoch, next_n)
        self.conn.commit()

    def _save_meta(self, epoch: int, next_n: int) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO webhook_meta VALUES (?, ?)",
            [("epoch", str(epoch)), ("next_n", str(next_n))],
        )

    # --- the outbox ------------------------------------------------------------------------------

    def known(self, delivery_id: str) -> bool:
        """Whether a row exists: pending, or (with a db file) already settled."""
        return bool(
            self.conn.execute("SELECT 1 FROM webhook_outbox WHERE delivery_id = ?", (delivery_id,)).fetchone()
        )

    def add(self, rows: list[Delivery]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO webhook_outbox VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
            [
                (
                    r.delivery_id,
                    r.subscription_id,
                    r.event_id,
                    r.tracking_number,
                    r.seq,
                    r.due_at,
                    r.payload,
                    r.next_attempt_at,
                )
                for r in rows
            ],
        )
        self.conn.commit()

    def claimed(self, rows: list[Delivery]) -> None:
        """Rows about to be sent (one process: a restart re-sends them from the same count)."""

    def settle(self, row: Delivery, outcome: str, attempt: int) -> None:
        """Move a row on after an attempt (not committed: ``log_attempt`` commits). A retry stays
        pending; a finished row is kept as a record with a db file and goes without one."""
        if outcome == "retry" or self.durable:
            status = "pending" if outcome == "retry" else outcome
            self.conn.execute(
                "UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ?,"
                " payload = CASE WHEN ? = 'pending' THEN payload ELSE '' END WHERE delivery_id = ?",
                (status, attempt, row.next_attempt_at, status, row.delivery_id),
            )
        else:
            self.conn.execute("DELETE FROM webhook_outbox WHERE delivery_id = ?", (row.delivery_id,))

    def log_attempt(self, sid: str, tally: Mapping[str, int], attempt: tuple[Any, ...]) -> None:
        """One attempt (``ATTEMPT_FIELDS`` without ``id``) and the subscription's counts; commits.
        The log keeps ``attempt_log_limit`` newest rows (trimmed every thousand)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO webhook_counts VALUES (?, ?, ?, ?)",
            (sid, tally["delivered"], tally["failed"], tally["attempts"]),
        )
        cursor = self.conn.execute(
            "INSERT INTO webhook_attempts (subscription_id, delivery_id, event_id, tracking_number, seq,"
            " attempt, status_code, error, outcome, at, sandbox_at, duration_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sid, *attempt),
        )
        last = cursor.lastrowid or 0
        if last % 1000 == 0:
            self.conn.execute("DELETE FROM webhook_attempts WHERE id <= ?", (last - self.attempt_log_limit,))
        self.conn.commit()

    def attempts(self, sid: str, after: int, limit: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT id, delivery_id, event_id, tracking_number, seq, attempt, status_code, error,"
            " outcome, at, sandbox_at, duration_ms FROM webhook_attempts"
            " WHERE subscription_id = ? AND id > ? ORDER BY id LIMIT ?",
            (sid, after, limit),
        ).fetchall()
        return [dict(zip(ATTEMPT_FIELDS, row, strict=True)) for row in rows]

    # --- push state ------------------------------------------------------------------------------

    def put_push_state(self, namespace: str, items: Mapping[str, Any]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO webhook_push_state VALUES (?, ?, ?)",
            [(namespace, key, json.dumps(value)) for key, value in items.items()],
        )
        self.conn.commit()
