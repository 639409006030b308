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
from typing import Any, cast

from mock_carriers.webhooks import formats
from mock_carriers.webhooks.dispatch_side import DispatchSide
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
from mock_carriers.webhooks.push import PushStates
from mock_carriers.webhooks.push_apis import PushApis
from mock_carriers.webhooks.queues import DeliveryQueues
from mock_carriers.webhooks.shared import RedisOutbox, SharedHub
from mock_carriers.webhooks.targets import TargetPolicy
from mock_carriers.world.archive import epoch
from mock_carriers.world.sandbox import Sandbox
from sim.events import ParcelTruth, ScanEvent

log = logging.getLogger("parcel_sandbox.webhooks")


def _delivery(did: str, sub: Subscription, event: ScanEvent, payload: str, wall: float) -> Delivery:
    """An outbox row for one event to one subscription, due now."""
    return Delivery(
        did,
        sub.id,
        event.event_id,
        event.tracking_number,
        event.seq,
        event.visible_at,
        payload,
        next_attempt_at=wall,
    )


class WebhookHub(DispatchSide, PushApis, SharedHub):
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
        self._outbox: Outbox | RedisOutbox = self._open_outbox(Outbox)
        self._queues = DeliveryQueues()
        # (due, arrival, event, format): None for every subscription at the carrier's instant
        self._heap: list[tuple[float, int, ScanEvent, str | None]] = []
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
        # A world resumed from its --db file: the events it already holds wait here again; what
        # was released before the restart is known to the outbox and is not sent twice.
        self.on_events(sandbox.held_events())
        self._lead_when_shared()

    def close(self) -> None:  # a shared world's webhook leader stops when the world closes
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
        now = self.sandbox.now()
        with self._lock:
            n = self._outbox.take_number(self._next_n)
            self._next_n = n + 1
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
        self._sync()  # a subscription made on another worker a moment ago
        with self._lock:
            return list(self._subs.values())

    def get(self, sid: str) -> Subscription | None:
        return next((sub for sub in self.list() if sub.id == sid), None)

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
        if isinstance(self._outbox, RedisOutbox):
            return self._shared_counts(sid)
        with self._lock:
            pending = self._queues.pending_of(sid)
            done = self._counts.get(sid, {"delivered": 0, "failed": 0, "attempts": 0})
            return {"pending": pending, **done}

    def totals(self) -> dict[str, int]:
        """Deliveries over every subscription: subscriptions, pending, delivered, failed, attempts."""
        with self._lock:
            out = {"subscriptions": len(self._subs), "pending": len(self._queues.pending)}
            for key in ("delivered", "failed", "attempts"):
                out[key] = sum(c.get(key, 0) for sid, c in self._counts.items() if sid in self._subs)
            return out

    def attempts(self, sid: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The attempt log of one subscription, oldest first; ``id`` is the paging cursor."""
        with self._lock:
            return self._outbox.attempts(sid, after, limit)

    # --- from the sandbox: new events, resets ----------------------------------------------------

    def on_events(self, events: list[ScanEvent], visible: list[float] | None = None) -> None:
        """``Sandbox.listeners`` hook: hold events until visible, release the ones already due.
        ``visible``: each event's ``visible_at`` as an epoch, when the pump has it."""
        if not events or not self.leading:
            return
        try:
            # Never ask the sandbox anything while holding the hub's lock: a reset holds the
            # sandbox's lock while it calls on_reset (which takes ours) — lock order is sandbox, hub.
            now_ts = self.sandbox.now().timestamp()
            with self._lock:
                epochs = visible if visible is not None else [epoch(e.visible_at) for e in events]
                heap, arrivals = self._heap, self._arrivals
                for event, at in zip(events, epochs, strict=True):
                    heapq.heappush(heap, (at, next(arrivals), event, None))
                released = self._release(now_ts)
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
            self._epoch = self._outbox.next_epoch(self._epoch)
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
            visible, _, event, only = heapq.heappop(self._heap)
            known: tuple[list[ScanEvent], ParcelTruth | None] | None = None
            later: set[str] = set()
            for sub in subs:
                if event.carrier not in sub.carriers:
                    continue
                due = formats.due_later(sub.format, event, visible) if only is None else None
                if due is not None:
                    if sub.format not in later:  # an aggregator has it later: once per format
                        later.add(sub.format)
                        heapq.heappush(self._heap, (due, next(self._arrivals), event, sub.format))
                    continue
                if (only is not None and sub.format != only) or visible < sub.created_ts:
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
                    state = self.push_state(sub.format)
                    payload = formats.render(sub.format, event, history, truth, did, state)
                except Exception:  # one event a carrier renderer chokes on must not hold up the rest
                    log.exception(
                        "webhook %s: cannot render event %s as %s", sub.id, event.event_id, sub.format
                    )
                    continue
                row = _delivery(did, sub, event, payload, wall)
                if not sub.ordered and self.chance(f"{did}:out_of_order") < sub.inject.out_of_order:
                    row.held = True
                    row.next_attempt_at = wall + self.config.reorder_hold_seconds
                rows.append(row)
        self._queue(rows)
        return len(rows)

    def _queue(self, rows: list[Delivery]) -> None:
        """Into the outbox and the send queues (lock held)."""
        if rows:
            self._outbox.add(rows)
            for row in rows:
                self._queues.enqueue(row, self._subs.get(row.subscription_id))

    def resend(self, format: str, events: Sequence[ScanEvent], tag: str) -> int:
        """A push API's "send them again": each event once more to every subscription of
        ``format``, now, under delivery ids of their own (``tag`` tells one resend from the next).
        Returns how many events were queued (0 without a subscription)."""
        wall = self.wall()
        rows: list[Delivery] = []
        with self._lock:
            subs = [s for s in self._subs.values() if s.format == format]
            for sub in subs:
                for event in events:
                    did = self.delivery_id(sub.id, f"{event.event_id}:{tag}")
                    if did in self._queues.pending or self._outbox.known(did):
                        continue
                    history, truth = self._history(event)
                    payload = formats.render(
                        sub.format, event, history, truth, did, self.push_state(sub.format)
                    )
                    rows.append(_delivery(did, sub, event, payload, wall))
            self._queue(rows)
        if rows:
            self.dispatcher.poke()
        return len(events) if subs else 0

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
