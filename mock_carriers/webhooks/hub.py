"""The webhook hub: subscriptions, and the world's events turned into outbox rows.

1. The sandbox hands each batch of new events to ``on_events`` (a ``Sandbox.listeners`` hook). They
   wait in a heap until the sandbox clock passes their ``visible_at``: a webhook never tells of a
   scan the carrier's API does not show yet.
2. When an event is due, each matching subscription gets one outbox row whose ``delivery_id`` is a
   hash of (subscription, reset epoch, event id) — the same on every retry and after a restart, so
   receivers can de-duplicate on it. Carrier bodies are rendered once, here (``formats``).
3. The dispatcher claims ready rows and POSTs them; ``record`` logs each attempt and moves the row
   on: retried with backoff and seeded jitter up to ``max_attempts``, then failed, and the parcel's
   next event goes (``GET /_sandbox/webhooks/{id}/deliveries`` shows every attempt).

The state is durable (``outbox``): a restarted sandbox restores its subscriptions and still delivers
what was pending; its world restarts from the scenario start, so regenerated events map to delivery
ids that already exist and are not sent twice. A carrier's push API subscribes numbers through the
hub (``push_state``); a ``scope: subscribed`` webhook gets what its format's filter lets through.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from mock_carriers.webhooks import formats
from mock_carriers.webhooks.dispatcher import Dispatcher
from mock_carriers.webhooks.models import (
    Delivery,
    Injection,
    RetryPolicy,
    Scope,
    Subscription,
    WebhookConfig,
    WebhookError,
)
from mock_carriers.webhooks.outbox import Outbox
from mock_carriers.webhooks.push import PushState, PushStates
from mock_carriers.webhooks.queues import DeliveryQueues
from mock_carriers.webhooks.targets import TargetPolicy
from mock_carriers.world.sandbox import Sandbox
from sim.events import ParcelTruth, ScanEvent

log = logging.getLogger("parcel_sandbox.webhooks")


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


class WebhookHub:
    """Subscriptions, the outbox and the dispatcher of one sandbox."""

    def __init__(
        self,
        sandbox: Sandbox,
        config: WebhookConfig | None = None,
        allow: Iterable[str] = (),
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.sandbox = sandbox
        self.config = config or WebhookConfig()
        self.targets = TargetPolicy(allow)
        self.wall = wall
        self._lock = threading.RLock()
        self._outbox = Outbox(sandbox.db, self.config.attempt_log_limit)
        self._queues = DeliveryQueues()
        self._heap: list[tuple[float, int, ScanEvent]] = []
        self._arrivals = itertools.count()
        self._epoch, self._next_n = self._outbox.meta()
        self._subs: dict[str, Subscription] = {s.id: s for s in self._outbox.subscriptions()}
        for row in self._outbox.pending():
            if row.subscription_id in self._subs:
                self._queues.enqueue(row, self._subs[row.subscription_id])
        self._counts: dict[str, dict[str, int]] = self._outbox.counts()
        self._push = PushStates(self._outbox, self._lock)
        self.dispatcher = Dispatcher(self)
        sandbox.listeners.append(self.on_events)
        sandbox.on_reset.append(self.on_reset)

    def close(self) -> None:
        with self._lock:
            self._outbox.close()

    # --- subscriptions ---------------------------------------------------------------------------

    def check_url(self, url: str) -> str | None:
        """Why the sandbox will not call ``url``, or None. Loopback only unless allowed."""
        return self.targets.check_url(url)

    def subscribe(
        self,
        url: str,
        secret: str,
        format: str = formats.SANDBOX,
        carriers: Sequence[str] | None = None,
        scope: str = "all",
        retry: RetryPolicy | None = None,
        inject: Injection | None = None,
    ) -> Subscription:
        problem = self.check_url(url)
        if problem is not None:
            raise WebhookError(problem)
        chosen = formats.check_subscription(format, carriers, scope)
        # Sync before taking the hub's lock (the sandbox calls into the hub while holding its own):
        # events already due go to the existing subscriptions, not to this one.
        now = self.sandbox.sync()
        with self._lock:
            n = self._next_n
            self._next_n += 1
            sid = "wh_" + hashlib.sha256(f"{self.sandbox.seed}:subscription:{n}".encode()).hexdigest()[:16]
            sub = Subscription(
                id=sid,
                n=n,
                url=url,
                secret=secret,
                format=format,
                carriers=chosen,
                scope=cast(Scope, scope),
                retry=retry or self.config.retry,
                inject=inject or Injection(),
                created_at=now.isoformat(),
            )
            self._subs[sid] = sub
            self._outbox.add_subscription(sub, self._epoch, self._next_n)
        return sub

    def list(self) -> list[Subscription]:
        with self._lock:
            return list(self._subs.values())

    def get(self, sid: str) -> Subscription | None:
        with self._lock:
            return self._subs.get(sid)

    def delete(self, sid: str) -> bool:
        """Forget a subscription, its pending deliveries and its attempt log."""
        with self._lock:
            if self._subs.pop(sid, None) is None:
                return False
            self._queues.drop_subscription(sid)
            self._counts.pop(sid, None)
            self._outbox.delete_subscription(sid)
            return True

    def counts(self, sid: str) -> dict[str, int]:
        """Deliveries of one subscription: pending, delivered, failed, and attempts made."""
        with self._lock:
            pending = self._queues.pending_of(sid)
            done = self._counts.get(sid, {"delivered": 0, "failed": 0, "attempts": 0})
            return {"pending": pending, **done}

    def attempts(self, sid: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The attempt log of one subscription, oldest first; ``id`` is the paging cursor."""
        with self._lock:
            return self._outbox.attempts(sid, after, limit)

    # --- carriers' push APIs (mock_carriers.carriers.spec.PushHub) --------------------------------

    def has_subscription(self, format: str) -> bool:
        with self._lock:
            return any(s.format == format for s in self._subs.values())

    def ensure_subscription(self, url: str, secret: str, format: str, scope: str) -> str | None:
        """Reuse the subscription of ``format`` with this URL and secret, or subscribe one; or why not."""
        with self._lock:
            for sub in self._subs.values():
                if sub.format == format and sub.url == url and sub.secret == secret:
                    return None
        try:
            self.subscribe(url, secret, format, scope=scope)
        except WebhookError as exc:
            return str(exc)
        return None

    def push_state(self, namespace: str) -> PushState:
        return self._push.of(namespace)

    # --- from the sandbox: new events, resets ----------------------------------------------------

    def on_events(self, events: list[ScanEvent]) -> None:
        """``Sandbox.listeners`` hook: hold events until visible, release the ones already due."""
        if not events:
            return
        try:
            with self._lock:
                for event in events:
                    heapq.heappush(self._heap, (_ts(event.visible_at), next(self._arrivals), event))
                released = self._release(self.sandbox.clock.now().timestamp())
        except Exception:  # a webhook problem must never break the world's sync for every caller
            log.exception("webhook release failed")
            return
        if released:
            self.dispatcher.poke()

    def on_reset(self) -> None:
        """The world starts over: drop what was pending for the old world and every push API's
        subscriptions, keep subscriptions (now dated from the new world's start) and their logs,
        and start a new delivery-id epoch so the replayed events are delivered afresh."""
        with self._lock:
            self._heap.clear()
            self._push.clear()
            self._epoch += 1
            start = self.sandbox.clock.now().isoformat()
            for sub in self._subs.values():
                sub.created_at = start
            self._outbox.restart(self._subs.values(), self._epoch, self._next_n)
            self._queues.clear()

    def delivery_id(self, sid: str, event_id: str) -> str:
        digest = hashlib.sha256(f"{sid}:{self._epoch}:{event_id}".encode()).hexdigest()
        return "dlv_" + digest[:24]

    def chance(self, key: str) -> float:
        return random.Random(f"{self.sandbox.seed}:{key}").random()

    def _release(self, now_ts: float) -> int:
        """Move the events visible at ``now_ts`` into the outbox (lock held)."""
        subs = list(self._subs.values())
        rows: list[Delivery] = []
        wall = self.wall()
        while self._heap and self._heap[0][0] <= now_ts:
            visible, _, event = heapq.heappop(self._heap)
            known: tuple[list[ScanEvent], ParcelTruth | None] | None = None
            for sub in subs:
                if event.carrier not in sub.carriers or visible < sub.created_ts:
                    continue
                if sub.format != formats.SANDBOX and known is None:
                    known = self._history(event)
                history, truth = known or ([event], None)
                if sub.scope == "subscribed" and not self._subscribed(sub, event, visible, history):
                    continue
                did = self.delivery_id(sub.id, event.event_id)
                if did in self._queues.pending or self._outbox.known(did):
                    continue  # regenerated after a restart: already delivered or still pending
                try:
                    payload = formats.render(sub.format, event, history, truth, did)
                except Exception:  # one event a carrier renderer chokes on must not hold up the rest
                    log.exception(
                        "webhook %s: cannot render event %s as %s", sub.id, event.event_id, sub.format
                    )
                    continue
                row = Delivery(
                    did,
                    sub.id,
                    event.event_id,
                    event.tracking_number,
                    event.seq,
                    event.visible_at,
                    payload,
                    next_attempt_at=wall,
                )
                if not sub.ordered and self.chance(f"{did}:out_of_order") < sub.inject.out_of_order:
                    row.held = True
                    row.next_attempt_at = wall + self.config.reorder_hold_seconds
                rows.append(row)
        if rows:
            self._outbox.add(rows)
            for row in rows:
                self._queues.enqueue(row, self._subs.get(row.subscription_id))
        return len(rows)

    def _history(self, event: ScanEvent) -> tuple[list[ScanEvent], ParcelTruth | None]:
        """The parcel's events up to and including ``event`` (seq order), and its truth."""
        rec = self.sandbox.store.get(event.tracking_number)
        if rec is None:
            return [event], None
        history = [e for e in rec.events if e.seq <= event.seq]
        return (history if history and history[-1].event_id == event.event_id else [event]), rec.truth

    def _subscribed(
        self, sub: Subscription, event: ScanEvent, visible: float, history: list[ScanEvent]
    ) -> bool:
        fmt = formats.carrier_format(sub.format)
        if fmt is None or fmt.subscribed is None:
            return False
        return fmt.subscribed(self.push_state(fmt.name), event, visible, history)

    # --- for the dispatcher ----------------------------------------------------------------------

    def busy(self) -> bool:
        with self._lock:
            return bool(self._subs)

    def advance(self) -> int:
        """Sync the world to the clock and release what became visible (in a worker thread)."""
        self.sandbox.sync()
        with self._lock:
            return self._release(self.sandbox.clock.now().timestamp())

    def claim(self) -> list[tuple[Delivery, Subscription]]:
        """Rows ready to send now, marked in flight."""
        now = self.wall()
        with self._lock:
            room = self.config.max_in_flight - len(self._queues.in_flight)
            return self._queues.claim(self._subs, room, now)

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
                self.sandbox.clock.now().isoformat(),
                round(duration_ms, 3),
            )
            self._outbox.log_attempt(sub.id, tally, attempt_row)
        return outcome

    # --- the dispatcher's life (the app's lifespan) ----------------------------------------------

    @property
    def running(self) -> bool:
        return self.dispatcher.running

    async def start(self) -> None:
        await self.dispatcher.start()

    def ensure_started(self) -> None:
        self.dispatcher.ensure_started()

    async def stop(self) -> None:
        await self.dispatcher.stop()
