"""The outbox's pending rows in memory: one queue per (subscription, parcel) in ``seq`` order, and a
heap of rows that may go, by next attempt time.

Per (subscription, parcel) only the head of the queue may be in flight — seq n+1 waits until seq n
is acknowledged or has failed for good — unless the subscription asked for out-of-order delivery,
when every row is scheduled. Heap entries go stale instead of being removed; ``claim`` skips them.
Every method runs under the hub's lock.
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import itertools

from mock_carriers.webhooks.models import Delivery, Subscription


class DeliveryQueues:
    def __init__(self) -> None:
        self.pending: dict[str, Delivery] = {}  # delivery id -> row
        self.in_flight: set[str] = set()
        self._queues: dict[tuple[str, str], list[Delivery]] = {}
        self._ready: list[tuple[float, int, str]] = []
        self._arrivals = itertools.count()

    def enqueue(self, row: Delivery, sub: Subscription | None) -> None:
        queue = self._queues.setdefault((row.subscription_id, row.tracking_number), [])
        bisect.insort(queue, row, key=lambda r: r.seq)
        self.pending[row.delivery_id] = row
        if queue[0] is row or (sub is not None and not sub.ordered):
            self.schedule(row)

    def dequeue(self, row: Delivery) -> None:
        self.pending.pop(row.delivery_id, None)
        key = (row.subscription_id, row.tracking_number)
        queue = self._queues.get(key)
        if queue is None:
            return
        with contextlib.suppress(ValueError):
            queue.remove(row)
        if not queue:
            del self._queues[key]
        else:
            self.schedule(queue[0])  # the parcel's next event may go now

    def schedule(self, row: Delivery) -> None:
        heapq.heappush(self._ready, (row.next_attempt_at, next(self._arrivals), row.delivery_id))

    def reschedule_all(self) -> None:
        self._ready.clear()
        for queue in self._queues.values():
            for row in queue:
                self.schedule(row)

    def claim(
        self, subs: dict[str, Subscription], room: int, now: float
    ) -> list[tuple[Delivery, Subscription]]:
        """Up to ``room`` rows ready to send at ``now``, marked in flight."""
        out: list[tuple[Delivery, Subscription]] = []
        while room > 0 and self._ready and self._ready[0][0] <= now:
            at, _, did = heapq.heappop(self._ready)
            row = self.pending.get(did)
            if row is None or row.next_attempt_at != at or did in self.in_flight:
                continue  # stale: finished, rescheduled, or already on its way
            sub = subs.get(row.subscription_id)
            if sub is None:
                continue
            if sub.ordered and self._queues[(sub.id, row.tracking_number)][0] is not row:
                continue  # an earlier event of the parcel came first; scheduled when it is head
            self.in_flight.add(did)
            out.append((row, sub))
            room -= 1
        return out

    def next_due(self) -> float | None:
        return self._ready[0][0] if self._ready else None

    def release_held(self, sent: Delivery, now: float) -> None:
        """Out-of-order injection: a held row goes as soon as a later event of its parcel went."""
        for row in self._queues.get((sent.subscription_id, sent.tracking_number), []):
            if row.held and row.seq < sent.seq:
                row.held = False
                row.next_attempt_at = now
                self.schedule(row)

    def drop_subscription(self, sid: str) -> None:
        for key in [k for k in self._queues if k[0] == sid]:
            for row in self._queues.pop(key):
                self.pending.pop(row.delivery_id, None)

    def pending_of(self, sid: str) -> int:
        return sum(len(q) for (s, _), q in self._queues.items() if s == sid)

    def clear(self) -> None:
        self._queues.clear()
        self.pending.clear()
        self._ready.clear()
