"""Webhooks of a world shared through Redis (``--store``): subscriptions, the outbox and the
attempt log in Redis, and one dispatcher for the whole world.

- ``RedisOutbox`` has ``Outbox``'s methods, so the hub works as in one process; every worker reads
  subscriptions, counts and attempt logs from it, and a subscription made on any worker is
  announced (``webhooks`` notice) so every worker's hub knows it at once.
- ``HubLeader``: only the worker holding the webhook lock (an expiring lease, like the engine's)
  releases events into the outbox and sends them. A worker that takes the lock over — the leader
  was killed — loads the pending rows (with their attempt counts) and the world's held events; a
  delivery id already in the outbox or already acknowledged is never made twice, so the only
  repeats are the sends that were in flight when the leader died: the same delivery id, the next
  attempt number (at-least-once).
- The delivery-id epoch is the world's generation: every worker agrees on it after a reset.

Keys (``ps:{world}:wh:…``): ``subs`` (hash id → spec), ``n`` (subscription numbers), ``counts``
(hash id → tally), ``attempts:{id}`` (sorted set by attempt id), ``e{epoch}:pending:{id}`` (hash
delivery id → row), ``e{epoch}:known`` (set of delivery ids ever made), ``e{epoch}:push`` (the
carriers' push-API state).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import redis

from mock_carriers.webhooks.models import Delivery, Subscription
from mock_carriers.webhooks.outbox import ATTEMPT_FIELDS
from mock_carriers.world.redis_link import LOCK_RENEW_S, Lease

if TYPE_CHECKING:
    from mock_carriers.webhooks.hub import WebhookHub
    from mock_carriers.world.redis_world import SharedWorld

log = logging.getLogger("parcel_sandbox.webhooks")


def _row_json(row: Delivery) -> str:
    return json.dumps(
        [
            row.delivery_id,
            row.subscription_id,
            row.event_id,
            row.tracking_number,
            row.seq,
            row.due_at,
            row.payload,
            row.attempts,
            row.next_attempt_at,
        ],
        separators=(",", ":"),
    )


class RedisOutbox:
    """``Outbox`` in Redis, shared by every worker of the world."""

    durable = True

    def __init__(self, shared: SharedWorld, generation: Callable[[], int], attempt_log_limit: int) -> None:
        self.client = shared.client
        self._shared = shared
        self._generation = generation
        self.root = f"{shared.keys.root}:wh"
        self.attempt_log_limit = attempt_log_limit

    def _pending(self, sid: str, epoch: int | None = None) -> str:
        return f"{self.root}:e{self._generation() if epoch is None else epoch}:pending:{sid}"

    def _known(self) -> str:
        return f"{self.root}:e{self._generation()}:known"

    def _push(self) -> str:
        return f"{self.root}:e{self._generation()}:push"

    def close(self) -> None:
        """The client is the shared world's; nothing of its own to close."""

    # --- loading --------------------------------------------------------------------------------

    def meta(self) -> tuple[int, int]:
        return self._generation(), int(self.client.get(f"{self.root}:n") or 0) + 1

    def take_number(self, _candidate: int) -> int:
        """The next subscription number, unique across every worker."""
        return int(self.client.incr(f"{self.root}:n"))

    def next_epoch(self, _epoch: int) -> int:
        return self._generation()

    def subscriptions(self) -> list[Subscription]:
        subs = []
        for sid, value in self.client.hgetall(f"{self.root}:subs").items():
            n, spec = json.loads(value)
            subs.append(Subscription.from_row(sid.decode(), int(n), spec))
        return sorted(subs, key=lambda s: s.n)

    def pending(self) -> list[Delivery]:
        rows = []
        for sub in self.subscriptions():
            for value in self.client.hvals(self._pending(sub.id)):
                rows.append(Delivery(*json.loads(value)))
        return sorted(rows, key=lambda r: (r.subscription_id, r.tracking_number, r.seq))

    def pending_count(self, sid: str) -> int:
        return int(self.client.hlen(self._pending(sid)))

    def counts(self) -> dict[str, dict[str, int]]:
        return {k.decode(): json.loads(v) for k, v in self.client.hgetall(f"{self.root}:counts").items()}

    def push_state(self) -> dict[str, dict[str, Any]]:
        state: dict[str, dict[str, Any]] = {}
        for field, value in self.client.hgetall(self._push()).items():
            namespace, key = field.decode().split("\x00", 1)
            state.setdefault(namespace, {})[key] = json.loads(value)
        return state

    # --- subscriptions --------------------------------------------------------------------------

    def add_subscription(self, sub: Subscription, epoch: int, next_n: int) -> None:
        self.client.hset(f"{self.root}:subs", sub.id, json.dumps([sub.n, sub.to_json()]))
        self._shared.notify("webhooks")

    def delete_subscription(self, sid: str) -> None:
        pipe = self.client.pipeline()
        pipe.hdel(f"{self.root}:subs", sid)
        pipe.delete(self._pending(sid), f"{self.root}:attempts:{sid}")
        pipe.hdel(f"{self.root}:counts", sid)
        pipe.execute()
        self._shared.notify("webhooks")

    def restart(self, subs: Iterable[Subscription], epoch: int, next_n: int) -> None:
        """A reset: subscriptions re-dated (every worker writes the same); the old epochs' rows go."""
        specs = {sub.id: json.dumps([sub.n, sub.to_json()]) for sub in subs}
        if specs:
            self.client.hset(f"{self.root}:subs", mapping=specs)
        for key in self.client.scan_iter(match=f"{self.root}:e*", count=500):
            number = key.decode()[len(self.root) + 2 :].split(":", 1)[0]
            if number.isdigit() and int(number) < epoch:
                self.client.delete(key)

    # --- the outbox -----------------------------------------------------------------------------

    def known(self, delivery_id: str) -> bool:
        return bool(self.client.sismember(self._known(), delivery_id))

    def add(self, rows: list[Delivery]) -> None:
        pipe = self.client.pipeline()
        for row in rows:
            pipe.hset(self._pending(row.subscription_id), row.delivery_id, _row_json(row))
        pipe.sadd(self._known(), *[row.delivery_id for row in rows])
        pipe.execute()

    def claimed(self, rows: list[Delivery]) -> None:
        """Rows about to be sent: their attempt is counted first, so a leader that dies mid-send
        leaves them pending with it, and the next leader sends the same id as the next attempt."""
        if not rows:
            return
        pipe = self.client.pipeline()
        for row in rows:
            sent = Delivery(
                row.delivery_id,
                row.subscription_id,
                row.event_id,
                row.tracking_number,
                row.seq,
                row.due_at,
                row.payload,
                row.attempts + 1,
                row.next_attempt_at,
            )
            pipe.hset(self._pending(row.subscription_id), row.delivery_id, _row_json(sent))
        pipe.execute()

    def settle(self, row: Delivery, outcome: str, attempt: int) -> None:
        if outcome == "retry":  # the hub has set the row's attempts and next attempt time
            self.client.hset(self._pending(row.subscription_id), row.delivery_id, _row_json(row))
        else:
            self.client.hdel(self._pending(row.subscription_id), row.delivery_id)

    def log_attempt(self, sid: str, tally: Mapping[str, int], attempt: tuple[Any, ...]) -> None:
        key = f"{self.root}:attempts:{sid}"
        number = int(self.client.incr(f"{self.root}:attempt_id"))
        pipe = self.client.pipeline()
        pipe.hset(f"{self.root}:counts", sid, json.dumps(dict(tally)))
        pipe.zadd(key, {json.dumps([number, *attempt]): number})
        if number % 1000 == 0:
            pipe.zremrangebyrank(key, 0, -self.attempt_log_limit - 1)
        pipe.execute()

    def attempts(self, sid: str, after: int, limit: int) -> list[dict[str, Any]]:
        key = f"{self.root}:attempts:{sid}"
        values = self.client.zrangebyscore(key, f"({after}", "+inf", start=0, num=limit)
        return [dict(zip(ATTEMPT_FIELDS, json.loads(v), strict=True)) for v in values]

    # --- push state -----------------------------------------------------------------------------

    def put_push_state(self, namespace: str, items: Mapping[str, Any]) -> None:
        if items:
            self.client.hset(
                self._push(), mapping={f"{namespace}\x00{k}": json.dumps(v) for k, v in items.items()}
            )
            self._shared.notify("webhooks")


class SharedHub:
    """Mixed into ``WebhookHub``: what a hub does as one worker of a shared world."""

    sandbox: Any
    config: Any
    leading: bool
    dispatcher: Any
    _outbox: Any
    _lock: Any
    _subs: dict[str, Subscription]
    _queues: Any
    _heap: list[Any]
    _push: Any
    _epoch: int
    _counts: dict[str, dict[str, int]]

    def on_events(self, events: list[Any]) -> None: ...

    def _open_outbox(self, local: Callable[[Any, int], Any]) -> Any:
        """The outbox: ``local`` (SQLite) in one process, Redis in a shared world — where this hub
        releases and sends only while it holds the webhook lock (``leading``)."""
        shared, limit = self.sandbox.shared, self.config.attempt_log_limit
        self.leading = shared is None
        if shared is None:
            return local(self.sandbox.db, limit)
        return RedisOutbox(shared, lambda: int(self.sandbox.generation), limit)

    def _lead_when_shared(self) -> None:
        self._leader: HubLeader | None = None
        shared = self.sandbox.shared
        if shared is not None:
            shared.on("webhooks", self._sync)
            self._leader = HubLeader(self, shared)  # type: ignore[arg-type]  # mixed into WebhookHub
            self._leader.start()

    def _shared_counts(self, sid: str) -> dict[str, int]:
        """A subscription's counts as the leader keeps them in Redis, wherever it runs."""
        zero = {"delivered": 0, "failed": 0, "attempts": 0}
        return {"pending": self._outbox.pending_count(sid), **self._outbox.counts().get(sid, zero)}

    def _sync(self) -> None:
        """Take the subscriptions (and push-API state) as the shared outbox has them."""
        if self.sandbox.shared is None:
            return
        subs = {s.id: s for s in self._outbox.subscriptions()}
        push = self._outbox.push_state()
        with self._lock:
            for sid in set(self._subs) - set(subs):
                self._queues.drop_subscription(sid)
            self._subs = subs
            self._push.values = push

    def take_over(self) -> None:
        """This worker now sends the world's webhooks: load the pending rows (with their attempt
        counts) and hold the world's events again; what the outbox already knows is not made twice."""
        self._sync()
        with self._lock:
            self._epoch = self.sandbox.generation
            self._counts = self._outbox.counts()
            self._queues.clear()
            self._heap.clear()
            for row in self._outbox.pending():
                if row.subscription_id in self._subs:
                    self._queues.enqueue(row, self._subs[row.subscription_id])
            self.leading = True
        self.on_events(self.sandbox.held_events())
        self.dispatcher.poke()

    def step_down(self) -> None:
        with self._lock:
            if self.sandbox.shared is None:
                return
            self.leading = False
            self._queues.clear()
            self._heap.clear()


class HubLeader:
    """Holds the webhook lock for this worker's hub whenever no other worker does."""

    def __init__(self, hub: WebhookHub, shared: SharedWorld) -> None:
        self.hub = hub
        self.lease = Lease(shared.client, f"{shared.keys.root}:wh:lock")
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="webhook-leader", daemon=True)
        shared.on("close", self.stop)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                if not self.lease.acquire():
                    self._stopping.wait(0.5)
                    continue
                self.hub.take_over()
                try:
                    while not self._stopping.wait(LOCK_RENEW_S):
                        if not self.lease.renew():
                            log.warning("webhook lock lost; another worker sends the webhooks now")
                            break
                finally:
                    self.hub.step_down()
                    self.lease.release()
            except redis.RedisError as exc:
                log.warning("webhook leader: Redis: %s; retrying", exc)
                self.hub.step_down()
                self._stopping.wait(1.0)
            except Exception:
                log.exception("webhook leader failed; retrying")
                self.hub.step_down()
                self._stopping.wait(1.0)
