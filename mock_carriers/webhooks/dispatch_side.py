"""The hub's side of the dispatcher's loop: which rows are ready, and what one attempt did to its
row (retried with backoff and seeded jitter, failed, or delivered; every attempt logged)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mock_carriers.webhooks.models import Delivery, Subscription, WebhookConfig
from mock_carriers.webhooks.queues import DeliveryQueues

if TYPE_CHECKING:
    from mock_carriers.webhooks.outbox import Outbox
    from mock_carriers.webhooks.shared import RedisOutbox
    from mock_carriers.world.sandbox import Sandbox


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class DispatchSide:
    """Mixed into ``WebhookHub``, which owns the lock, the queues, the outbox and the counts.

    Never asks the sandbox anything while holding the lock: a reset holds the sandbox's lock and
    calls the hub's ``on_reset`` (lock order: sandbox, then hub)."""

    sandbox: Sandbox
    config: WebhookConfig
    wall: Callable[[], float]
    _lock: threading.RLock
    _subs: dict[str, Subscription]
    _queues: DeliveryQueues
    _outbox: Outbox | RedisOutbox
    _counts: dict[str, dict[str, int]]
    leading: bool

    if TYPE_CHECKING:

        def _release(self, now_ts: float) -> int: ...

    def busy(self) -> bool:
        with self._lock:
            return bool(self._subs)

    def advance(self) -> int:
        """Release what became visible at the effective clock (in a worker thread; never waits
        for the engine: an event is released only once the APIs show it)."""
        now = self.sandbox.now().timestamp()
        with self._lock:
            return self._release(now) if self.leading else 0  # in a shared world: the leader's job

    def claim(self) -> list[tuple[Delivery, Subscription]]:
        """Rows ready to send now, marked in flight."""
        now = self.wall()
        with self._lock:
            if not self.leading:
                return []
            room = self.config.max_in_flight - len(self._queues.in_flight)
            claimed = self._queues.claim(self._subs, room, now)
            self._outbox.claimed([row for row, _ in claimed])  # a shared outbox counts the attempt
            return claimed

    def next_due(self) -> float | None:
        with self._lock:
            return self._queues.next_due()

    def cancelled(self, row: Delivery) -> None:
        """A send was cancelled (shutdown): the row stays pending, ready for the next dispatcher."""
        with self._lock:
            self._queues.in_flight.discard(row.delivery_id)
            if self._queues.pending.get(row.delivery_id) is row:
                self._queues.schedule(row)

    def forget_in_flight(self) -> None:
        with self._lock:
            self._queues.in_flight.clear()
            self._queues.reschedule_all()

    def record(
        self,
        row: Delivery,
        sub: Subscription,
        attempt: int,
        status_code: int | None,
        error: str | None,
        duration_ms: float,
        duplicate: bool,
    ) -> str:
        """Log one attempt and move the row on. Returns the outcome."""
        ok = status_code is not None and 200 <= status_code < 300
        now = self.wall()
        sandbox_now = self.sandbox.now().isoformat()  # before the lock: see on_events
        with self._lock:
            if not duplicate:
                self._queues.in_flight.discard(row.delivery_id)
            if sub.id not in self._subs:
                return "cancelled"
            live = not duplicate and self._queues.pending.get(row.delivery_id) is row
            if duplicate:
                outcome = "duplicate"
            elif ok:
                outcome = "delivered"
            elif attempt >= sub.retry.max_attempts:
                outcome = "failed"
            else:
                outcome = "retry"
            if live:
                row.attempts = attempt
                if outcome == "retry":
                    row.next_attempt_at = now + sub.retry.delay(
                        attempt, f"{self.sandbox.seed}:{row.delivery_id}"
                    )
                    self._queues.schedule(row)
                else:
                    self._queues.dequeue(row)
                    if ok:
                        self._queues.release_held(row, now)
                self._outbox.settle(row, outcome, attempt)
            tally = self._counts.setdefault(sub.id, {"delivered": 0, "failed": 0, "attempts": 0})
            tally["attempts"] += 1
            if live and outcome in ("delivered", "failed"):
                tally[outcome] += 1
            attempt_row = (
                row.delivery_id,
                row.event_id,
                row.tracking_number,
                row.seq,
                attempt,
                status_code,
                error,
                outcome,
                _iso(now),
                sandbox_now,
                round(duration_ms, 3),
            )
            self._outbox.log_attempt(sub.id, tally, attempt_row)
        return outcome
