"""Webhooks: subscriptions, signing, a durable outbox and the dispatcher that empties it.

How an event travels:

1. The sandbox hands each batch of new events to ``WebhookHub.on_events`` (a ``Sandbox.listeners``
   hook). They wait in a heap until the sandbox clock passes their ``visible_at``: a webhook never
   tells of a scan the carrier's API does not show yet.
2. When an event is due, each matching subscription gets one outbox row whose ``delivery_id`` is a
   hash of (subscription, reset epoch, event id) — the same on every retry and after a restart, so
   receivers can de-duplicate on it. Carrier-native bodies (``ups``, ``fedex``) are rendered once,
   here, so their bytes never change between attempts.
3. A background asyncio task (``start``/``stop``, run by the app's lifespan) syncs the sandbox (a
   realtime clock moves without any request), claims ready rows and POSTs them with httpx. Per
   (subscription, tracking number) only the lowest-seq pending row may be in flight: seq n+1 waits
   until seq n is acknowledged or has failed for good — unless out-of-order delivery is injected.
4. A non-2xx answer, a timeout or a connection error is retried with exponential backoff and
   seeded jitter, up to ``max_attempts``; then the row is marked failed and the parcel's next event
   goes. Every attempt is logged with its outcome (``GET /_sandbox/webhooks/{id}/deliveries``).

The outbox is SQLite: in memory by default, and tables in the ``--db`` file when the sandbox has
one. Unlike the parcel archive those tables are not cleared on start: a restarted sandbox restores
its subscriptions and still delivers what was pending. Its world restarts from the scenario start,
so the events it regenerates map to delivery ids that already exist and are not sent twice.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import hashlib
import heapq
import hmac
import ipaddress
import itertools
import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import urlsplit

import httpx

from mock_carriers.carriers.fedex import webhook as fedex_webhook
from mock_carriers.carriers.ups import trackalert
from mock_carriers.world.context import ParcelView
from mock_carriers.world.dbfile import ensure_ours
from mock_carriers.world.sandbox import Sandbox
from sim.events import CARRIERS, ScanEvent

log = logging.getLogger("parcel_sandbox.webhooks")

Format = Literal["sandbox", "ups", "fedex"]
Scope = Literal["all", "subscribed"]
FORMATS: tuple[str, ...] = ("sandbox", "ups", "fedex")
#: The carriers whose events each format can speak for.
FORMAT_CARRIERS: dict[str, tuple[str, ...]] = {"sandbox": CARRIERS, "ups": ("ups",), "fedex": ("fedex",)}

SIGNATURE_HEADER = "X-Parcel-Sandbox-Signature"
DELIVERY_HEADER = "X-Parcel-Sandbox-Delivery"
ATTEMPT_HEADER = "X-Parcel-Sandbox-Attempt"
USER_AGENT = "parcel-sandbox-webhooks/0.1"


class WebhookError(ValueError):
    """A subscription the sandbox refuses (answered with 400 and this message)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try again. Defaults follow TrackingMore's published schedule (30 s × 2ⁿ, 14
    retries after the first attempt; docs/realism.md §7)."""

    base_seconds: float = 30.0
    factor: float = 2.0
    max_seconds: float = 3 * 86400.0
    max_attempts: int = 15
    jitter: float = 0.2  # ± this fraction of each wait
    timeout_seconds: float = 10.0

    def delay(self, attempt: int, key: str) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based). The jitter is seeded by
        ``key`` (seed + delivery id), so a schedule is reproducible."""
        wait = min(self.max_seconds, self.base_seconds * self.factor ** min(attempt - 1, 60))
        u = random.Random(f"{key}:{attempt}").random()
        return wait * (1.0 + self.jitter * (2.0 * u - 1.0))


@dataclass(frozen=True, slots=True)
class Injection:
    """Faults a subscription asks for, as probabilities per delivery (seeded, reproducible)."""

    out_of_order: float = 0.0  # hold a delivery back until a later event of its parcel went
    duplicate: float = 0.0  # send an acknowledged delivery once more


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: How often the dispatcher syncs the clock and looks for deliveries that are due.
    tick_seconds: float = 0.25
    #: httpcore's connection pool costs more per request as it grows; past ~8 concurrent requests
    #: throughput to one receiver falls (measured on loopback), so the default stays small.
    max_in_flight: int = 8
    #: Out-of-order injection: the longest a held delivery waits for its successor.
    reorder_hold_seconds: float = 30.0
    duplicate_delay_seconds: float = 0.2
    #: On shutdown, in-flight requests get this long before they are cancelled (and stay pending).
    stop_grace_seconds: float = 2.0
    #: The attempt log keeps this many newest rows (all subscriptions together): a soak run with a
    #: subscription must not grow without bound.
    attempt_log_limit: int = 100_000


@dataclass(slots=True)
class Subscription:
    id: str
    n: int
    url: str
    secret: str
    format: Format
    carriers: tuple[str, ...]
    scope: Scope
    retry: RetryPolicy
    inject: Injection
    created_at: str  # sandbox instant; events visible before it are not sent

    @property
    def created_ts(self) -> float:
        return datetime.fromisoformat(self.created_at).timestamp()

    @property
    def ordered(self) -> bool:
        return self.inject.out_of_order <= 0.0

    def to_json(self) -> str:
        return json.dumps(
            {
                "url": self.url,
                "secret": self.secret,
                "format": self.format,
                "carriers": list(self.carriers),
                "scope": self.scope,
                "retry": asdict(self.retry),
                "inject": asdict(self.inject),
                "created_at": self.created_at,
            }
        )

    @classmethod
    def from_row(cls, sid: str, n: int, spec: str) -> Subscription:
        d = json.loads(spec)
        return cls(
            id=sid,
            n=n,
            url=d["url"],
            secret=d["secret"],
            format=d["format"],
            carriers=tuple(d["carriers"]),
            scope=d["scope"],
            retry=RetryPolicy(**d["retry"]),
            inject=Injection(**d["inject"]),
            created_at=d["created_at"],
        )

    def public(self) -> dict[str, Any]:
        """What the control plane shows: everything but the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "format": self.format,
            "carriers": list(self.carriers),
            "scope": self.scope,
            "created_at": self.created_at,
            "retry": asdict(self.retry),
            "inject": asdict(self.inject),
        }


@dataclass(slots=True)
class Delivery:
    """One pending outbox row: one event for one subscription."""

    delivery_id: str
    subscription_id: str
    event_id: str
    tracking_number: str
    seq: int
    due_at: str  # the event's visible_at
    payload: str  # sandbox format: the event's JSON; ups/fedex: the whole body
    attempts: int = 0
    next_attempt_at: float = 0.0  # wall clock (epoch seconds), so it means the same after a restart
    held: bool = False


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
    "CREATE TABLE IF NOT EXISTS webhook_trackalert (tracking_number TEXT PRIMARY KEY, since REAL NOT NULL,"
    " until REAL NOT NULL, preferences TEXT)",
)


def sign_sandbox(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, raw body)>``, the ``X-Parcel-Sandbox-Signature`` value."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def build_request(sub: Subscription, row: Delivery, attempt: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt. Every format also carries the sandbox's delivery id
    and attempt number as headers, since UPS and FedEx bodies have no id to de-duplicate on."""
    headers = {
        "Content-Type": "application/json",
        DELIVERY_HEADER: row.delivery_id,
        ATTEMPT_HEADER: str(attempt),
    }
    if sub.format == "sandbox":
        body = f'{{"delivery_id":{json.dumps(row.delivery_id)},"attempt":{attempt},"event":{row.payload}}}'
        raw = body.encode("utf-8")
        headers["User-Agent"] = USER_AGENT
        headers[SIGNATURE_HEADER] = sign_sandbox(sub.secret, raw)
    elif sub.format == "ups":
        raw = row.payload.encode("utf-8")
        headers["User-Agent"] = trackalert.USER_AGENT
        # UPS puts the client id of the OAuth token it got from the customer here [SPEC]; the sandbox
        # runs no OAuth against the receiver and sends the subscription's secret instead.
        headers["x-api-key"] = sub.secret
    else:
        raw = row.payload.encode("utf-8")
        headers["User-Agent"] = USER_AGENT
        headers[fedex_webhook.SIGNATURE_HEADER] = fedex_webhook.sign(sub.secret, raw)
    return raw, headers


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


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
        self.allow_hosts: set[str] = set()
        self.allow_networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in allow:
            host = entry.strip().strip("[]").lower()
            if not host:
                continue
            try:
                self.allow_networks.append(ipaddress.ip_network(host, strict=False))
            except ValueError:
                self.allow_hosts.add(host)
        self._wall = wall
        self._lock = threading.RLock()
        self._db = self._open(sandbox.db)
        #: With a db file, finished outbox rows stay as the record of what was acknowledged, which a
        #: restarted world's replayed events are checked against; in memory they can go at once.
        self._durable = bool(sandbox.db)
        self._counts: dict[str, dict[str, int]] = {}
        self._subs: dict[str, Subscription] = {}
        self._queues: dict[tuple[str, str], list[Delivery]] = {}
        self._pending: dict[str, Delivery] = {}
        self._in_flight: set[str] = set()
        self._heap: list[tuple[float, int, ScanEvent]] = []
        self._arrivals = itertools.count()
        #: Rows that may be sent, by next attempt time: queue heads (every row for an out-of-order
        #: subscription). Entries go stale instead of being removed; ``_claim`` checks each.
        self._ready: list[tuple[float, int, str]] = []
        self._alerts: dict[str, tuple[float, float, frozenset[str] | None]] = {}
        self._epoch = 0
        self._next_n = 1
        self._load()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._sends: set[asyncio.Task[None]] = set()
        sandbox.listeners.append(self.on_events)
        sandbox.on_reset.append(self.on_reset)

    # --- storage -------------------------------------------------------------------------------

    @staticmethod
    def _open(db: str | Path | None) -> sqlite3.Connection:
        if db:
            ensure_ours(db)  # the sandbox's archive marked it; never write into anyone else's file
        conn = sqlite3.connect(str(db) if db else ":memory:", check_same_thread=False, timeout=30)
        # The outbox must survive a process restart, not a power cut: the OS cache is enough, and
        # an fsync per acknowledged delivery would cap the dispatcher at the disk's sync rate.
        conn.execute("PRAGMA synchronous=OFF")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.commit()
        return conn

    def _load(self) -> None:
        meta = dict(self._db.execute("SELECT key, value FROM webhook_meta").fetchall())
        self._epoch = int(meta.get("epoch", 0))
        self._next_n = int(meta.get("next_n", 1))
        for sid, n, spec in self._db.execute("SELECT id, n, spec FROM webhook_subscriptions ORDER BY n"):
            self._subs[sid] = Subscription.from_row(sid, n, spec)
        rows = self._db.execute(
            "SELECT delivery_id, subscription_id, event_id, tracking_number, seq, due_at, payload, attempts,"
            " next_attempt_at FROM webhook_outbox WHERE status = 'pending' ORDER BY subscription_id,"
            " tracking_number, seq"
        )
        for row in rows:
            delivery = Delivery(*row)
            if delivery.subscription_id in self._subs:
                self._enqueue(delivery)
        for sid, delivered, failed, tries in self._db.execute("SELECT * FROM webhook_counts"):
            self._counts[sid] = {"delivered": delivered, "failed": failed, "attempts": tries}
        for tn, since, until, prefs in self._db.execute("SELECT * FROM webhook_trackalert"):
            self._alerts[tn] = (since, until, frozenset(json.loads(prefs)) if prefs else None)

    def _save_meta(self) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO webhook_meta VALUES (?, ?)",
            [("epoch", str(self._epoch)), ("next_n", str(self._next_n))],
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- subscriptions ---------------------------------------------------------------------------

    def check_url(self, url: str) -> str | None:
        """Why the sandbox will not call ``url``, or None. Loopback only unless allowed."""
        try:
            parts = urlsplit(url)
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            return f"webhook url {url!r} is not a valid URL"
        if parts.scheme not in ("http", "https"):
            return "webhook url must start with http:// or https://"
        bad = next((c for c in url if c.isspace() or ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0), None)
        if bad is not None:
            # A CR/LF (or any control character or space) can never go on a request line.
            return f"webhook url must not contain {bad!r}: percent-encode it (e.g. %20 for a space)"
        try:
            httpx.URL(url)  # what the dispatcher will send: it must accept the URL now, not later
        except (ValueError, httpx.InvalidURL):
            return f"webhook url {url!r} is not a valid URL"
        host = (parts.hostname or "").lower()
        if not host:
            return "webhook url has no host"
        if not port_ok:
            return "webhook url has an invalid port"
        if _loopback(host) or host in self.allow_hosts:
            return None
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = None
        if ip is not None and any(ip in net for net in self.allow_networks):
            return None
        return (
            f"webhook url host {host!r} is not allowed: the sandbox only calls loopback addresses "
            f"(127.0.0.0/8, ::1, localhost) unless the operator allows the host with --webhook-allow {host}"
        )

    def subscribe(
        self,
        url: str,
        secret: str,
        format: str = "sandbox",
        carriers: Sequence[str] | None = None,
        scope: str = "all",
        retry: RetryPolicy | None = None,
        inject: Injection | None = None,
    ) -> Subscription:
        problem = self.check_url(url)
        if problem is not None:
            raise WebhookError(problem)
        if format not in FORMATS:
            raise WebhookError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
        speaks = FORMAT_CARRIERS[format]
        if carriers is None:
            chosen = speaks
        else:
            chosen = tuple(dict.fromkeys(carriers))
            if not chosen:
                raise WebhookError("carriers must name at least one carrier")
            for carrier in chosen:
                if carrier not in CARRIERS:
                    raise WebhookError(f"unknown carrier {carrier!r}; use one of {', '.join(CARRIERS)}")
                if carrier not in speaks:
                    raise WebhookError(
                        f"format {format!r} carries {', '.join(speaks)} events only, not {carrier!r}"
                    )
        if scope not in ("all", "subscribed"):
            raise WebhookError("scope must be 'all' or 'subscribed'")
        if scope == "subscribed" and format != "ups":
            raise WebhookError("scope 'subscribed' (UPS Track Alert numbers) needs format 'ups'")
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
                format=cast(Format, format),
                carriers=chosen,
                scope=cast(Scope, scope),
                retry=retry or self.config.retry,
                inject=inject or Injection(),
                created_at=now.isoformat(),
            )
            self._subs[sid] = sub
            self._db.execute("INSERT INTO webhook_subscriptions VALUES (?, ?, ?)", (sid, n, sub.to_json()))
            self._save_meta()
            self._db.commit()
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
            for key in [k for k in self._queues if k[0] == sid]:
                for row in self._queues.pop(key):
                    self._pending.pop(row.delivery_id, None)
            self._counts.pop(sid, None)
            for table in ("webhook_outbox", "webhook_attempts", "webhook_counts"):
                self._db.execute(f"DELETE FROM {table} WHERE subscription_id = ?", (sid,))
            self._db.execute("DELETE FROM webhook_subscriptions WHERE id = ?", (sid,))
            self._db.commit()
            return True

    def counts(self, sid: str) -> dict[str, int]:
        """Deliveries of one subscription: pending, delivered, failed, and attempts made."""
        with self._lock:
            pending = sum(len(q) for (s, _), q in self._queues.items() if s == sid)
            done = self._counts.get(sid, {"delivered": 0, "failed": 0, "attempts": 0})
            return {"pending": pending, **done}

    def attempts(self, sid: str, after: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """The attempt log of one subscription, oldest first; ``id`` is the paging cursor."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, delivery_id, event_id, tracking_number, seq, attempt, status_code, error,"
                " outcome, at, sandbox_at, duration_ms FROM webhook_attempts"
                " WHERE subscription_id = ? AND id > ? ORDER BY id LIMIT ?",
                (sid, after, limit),
            ).fetchall()
        keys = (
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
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # --- UPS Track Alert (mock_carriers/carriers/ups/trackalert.py) ------------------------------

    def has_ups_webhook(self) -> bool:
        with self._lock:
            return any(s.format == "ups" for s in self._subs.values())

    def ups_destination(self, url: str, credential: str) -> str | None:
        """A v1 ``destination``: reuse the matching ups webhook or register one; or why not."""
        with self._lock:
            for sub in self._subs.values():
                if sub.format == "ups" and sub.url == url and sub.secret == credential:
                    return None
        try:
            self.subscribe(url, credential, "ups", scope="subscribed")
        except WebhookError as exc:
            return str(exc)
        return None

    def track_alert_subscribe(
        self, numbers: list[str], preferences: frozenset[str] | None, now: datetime, days: int
    ) -> None:
        since = now.timestamp()
        until = since + days * 86400.0
        prefs = json.dumps(sorted(preferences)) if preferences is not None else None
        with self._lock:
            for number in numbers:
                self._alerts[number] = (since, until, preferences)
            self._db.executemany(
                "INSERT OR REPLACE INTO webhook_trackalert VALUES (?, ?, ?, ?)",
                [(number, since, until, prefs) for number in numbers],
            )
            self._db.commit()

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
            self._poke()

    def on_reset(self) -> None:
        """The world starts over: drop what was pending for the old world, keep subscriptions (now
        dated from the new world's start) and their logs, and start a new delivery-id epoch so the
        replayed events are delivered afresh."""
        with self._lock:
            self._heap.clear()
            self._alerts.clear()
            self._epoch += 1
            start = self.sandbox.clock.now().isoformat()
            for sub in self._subs.values():
                sub.created_at = start
                self._db.execute(
                    "UPDATE webhook_subscriptions SET spec = ? WHERE id = ?", (sub.to_json(), sub.id)
                )
            self._db.execute("DELETE FROM webhook_outbox WHERE status = 'pending'")
            self._db.execute("DELETE FROM webhook_trackalert")
            self._save_meta()
            self._db.commit()
            self._queues.clear()
            self._pending.clear()
            self._ready.clear()

    def delivery_id(self, sid: str, event_id: str) -> str:
        digest = hashlib.sha256(f"{sid}:{self._epoch}:{event_id}".encode()).hexdigest()
        return "dlv_" + digest[:24]

    def _chance(self, key: str) -> float:
        return random.Random(f"{self.sandbox.seed}:{key}").random()

    def _release(self, now_ts: float) -> int:
        """Move the events visible at ``now_ts`` into the outbox (lock held)."""
        subs = list(self._subs.values())
        rows: list[Delivery] = []
        wall = self._wall()
        while self._heap and self._heap[0][0] <= now_ts:
            visible, _, event = heapq.heappop(self._heap)
            history: list[ScanEvent] | None = None
            for sub in subs:
                if event.carrier not in sub.carriers or visible < sub.created_ts:
                    continue
                if sub.format != "sandbox" and history is None:
                    history = self._history(event)
                if sub.scope == "subscribed" and not self._alerted(event, visible, history or [event]):
                    continue
                did = self.delivery_id(sub.id, event.event_id)
                if (
                    did in self._pending
                    or self._db.execute(
                        "SELECT 1 FROM webhook_outbox WHERE delivery_id = ?", (did,)
                    ).fetchone()
                ):
                    continue  # regenerated after a restart: already delivered or still pending
                try:
                    payload = self._payload(sub, event, history or [event], did)
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
                if not sub.ordered and self._chance(f"{did}:out_of_order") < sub.inject.out_of_order:
                    row.held = True
                    row.next_attempt_at = wall + self.config.reorder_hold_seconds
                rows.append(row)
        if rows:
            self._db.executemany(
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
            self._db.commit()
            for row in rows:
                self._enqueue(row)
        return len(rows)

    def _history(self, event: ScanEvent) -> list[ScanEvent]:
        """The parcel's events up to and including ``event`` (seq order)."""
        rec = self.sandbox.store.get(event.tracking_number)
        if rec is None:
            return [event]
        history = [e for e in rec.events if e.seq <= event.seq]
        return history if history and history[-1].event_id == event.event_id else [event]

    def _alerted(self, event: ScanEvent, visible: float, history: list[ScanEvent]) -> bool:
        alert = self._alerts.get(event.tracking_number)
        if alert is None:
            return False
        since, until, preferences = alert
        if not since <= visible <= until:
            return False
        return trackalert.wants(preferences, trackalert.activity_type(event, history))

    def _payload(self, sub: Subscription, event: ScanEvent, history: list[ScanEvent], did: str) -> str:
        if sub.format == "sandbox":
            return event.to_json()
        if sub.format == "ups":
            body = trackalert.render_event(event, history)
        else:
            rec = self.sandbox.store.get(event.tracking_number)
            view = ParcelView(
                event.tracking_number,
                event.carrier,
                event.service,
                history,
                rec.truth if rec is not None else None,
            )
            body = fedex_webhook.render_payload(view, datetime.fromisoformat(event.visible_at), did)
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)

    def _enqueue(self, row: Delivery) -> None:
        queue = self._queues.setdefault((row.subscription_id, row.tracking_number), [])
        bisect.insort(queue, row, key=lambda r: r.seq)
        self._pending[row.delivery_id] = row
        sub = self._subs.get(row.subscription_id)
        if queue[0] is row or (sub is not None and not sub.ordered):
            self._schedule(row)

    def _dequeue(self, row: Delivery) -> None:
        self._pending.pop(row.delivery_id, None)
        key = (row.subscription_id, row.tracking_number)
        queue = self._queues.get(key)
        if queue is None:
            return
        with contextlib.suppress(ValueError):
            queue.remove(row)
        if not queue:
            del self._queues[key]
        else:
            self._schedule(queue[0])  # the parcel's next event may go now

    def _schedule(self, row: Delivery) -> None:
        heapq.heappush(self._ready, (row.next_attempt_at, next(self._arrivals), row.delivery_id))

    def _reschedule_all(self) -> None:
        self._ready.clear()
        for queue in self._queues.values():
            for row in queue:
                self._schedule(row)

    # --- the dispatcher --------------------------------------------------------------------------

    def _claim(self) -> list[tuple[Delivery, Subscription]]:
        """Rows ready to send now: per (subscription, parcel) only the head of the queue unless the
        subscription asked for out-of-order delivery."""
        out: list[tuple[Delivery, Subscription]] = []
        now = self._wall()
        with self._lock:
            room = self.config.max_in_flight - len(self._in_flight)
            while room > 0 and self._ready and self._ready[0][0] <= now:
                at, _, did = heapq.heappop(self._ready)
                row = self._pending.get(did)
                if row is None or row.next_attempt_at != at or did in self._in_flight:
                    continue  # stale: finished, rescheduled, or already on its way
                sub = self._subs.get(row.subscription_id)
                if sub is None:
                    continue
                if sub.ordered and self._queues[(sub.id, row.tracking_number)][0] is not row:
                    continue  # an earlier event of the parcel came first; scheduled when it is head
                self._in_flight.add(did)
                out.append((row, sub))
                room -= 1
        return out

    def _next_due(self) -> float | None:
        with self._lock:
            return self._ready[0][0] if self._ready else None

    def _record(
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
        now = self._wall()
        with self._lock:
            if not duplicate:
                self._in_flight.discard(row.delivery_id)
            if sub.id not in self._subs:
                return "cancelled"
            live = not duplicate and self._pending.get(row.delivery_id) is row
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
                    self._schedule(row)
                else:
                    self._dequeue(row)
                    if ok:
                        self._release_held(row, now)
                if outcome == "retry" or self._durable:
                    status = "pending" if outcome == "retry" else outcome
                    self._db.execute(
                        "UPDATE webhook_outbox SET status = ?, attempts = ?, next_attempt_at = ?,"
                        " payload = CASE WHEN ? = 'pending' THEN payload ELSE '' END WHERE delivery_id = ?",
                        (status, attempt, row.next_attempt_at, status, row.delivery_id),
                    )
                else:
                    self._db.execute("DELETE FROM webhook_outbox WHERE delivery_id = ?", (row.delivery_id,))
            tally = self._counts.setdefault(sub.id, {"delivered": 0, "failed": 0, "attempts": 0})
            tally["attempts"] += 1
            if live and outcome in ("delivered", "failed"):
                tally[outcome] += 1
            self._db.execute(
                "INSERT OR REPLACE INTO webhook_counts VALUES (?, ?, ?, ?)",
                (sub.id, tally["delivered"], tally["failed"], tally["attempts"]),
            )
            cursor = self._db.execute(
                "INSERT INTO webhook_attempts (subscription_id, delivery_id, event_id, tracking_number, seq,"
                " attempt, status_code, error, outcome, at, sandbox_at, duration_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sub.id,
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
                ),
            )
            last = cursor.lastrowid or 0
            if last % 1000 == 0:
                limit = self.config.attempt_log_limit
                self._db.execute("DELETE FROM webhook_attempts WHERE id <= ?", (last - limit,))
            self._db.commit()
        return outcome

    def _release_held(self, sent: Delivery, now: float) -> None:
        """Out-of-order injection: a held row goes as soon as a later event of its parcel went."""
        for row in self._queues.get((sent.subscription_id, sent.tracking_number), []):
            if row.held and row.seq < sent.seq:
                row.held = False
                row.next_attempt_at = now
                self._schedule(row)

    async def _send(
        self, client: httpx.AsyncClient, row: Delivery, sub: Subscription, duplicate: bool = False
    ) -> None:
        attempt = row.attempts + 1
        body, headers = build_request(sub, row, attempt)
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            # httpx's timeout bounds each read; the outer one bounds a receiver that drips its answer.
            response = await asyncio.wait_for(
                client.post(sub.url, content=body, headers=headers, timeout=sub.retry.timeout_seconds),
                timeout=sub.retry.timeout_seconds * 2,
            )
            status_code = response.status_code
        except (httpx.TimeoutException, TimeoutError):
            error = "timeout"
        except asyncio.CancelledError:
            if not duplicate:
                with self._lock:
                    self._in_flight.discard(row.delivery_id)
                    if self._pending.get(row.delivery_id) is row:
                        self._schedule(row)  # still pending: a restarted dispatcher sends it
            raise
        except Exception as exc:  # any failure to talk to the receiver is an outcome, never a crash
            error = _describe(exc)
        elapsed = (time.perf_counter() - started) * 1000.0
        outcome = await asyncio.to_thread(
            self._record, row, sub, attempt, status_code, error, elapsed, duplicate
        )
        self._poke()
        if (
            outcome == "delivered"
            and sub.inject.duplicate > 0
            and self._chance(f"{row.delivery_id}:duplicate") < sub.inject.duplicate
        ):
            await asyncio.sleep(self.config.duplicate_delay_seconds)
            await self._send(client, row, sub, duplicate=True)

    def _advance(self) -> int:
        """Sync the world to the clock and release what became visible (in a worker thread)."""
        self.sandbox.sync()
        with self._lock:
            return self._release(self.sandbox.clock.now().timestamp())

    def _busy(self) -> bool:
        with self._lock:
            return bool(self._subs)

    async def _run(self, wake: asyncio.Event) -> None:
        limits = httpx.Limits(max_connections=self.config.max_in_flight)
        # trust_env=False: a proxy from the environment must never see the receiver's traffic.
        async with httpx.AsyncClient(trust_env=False, follow_redirects=False, limits=limits) as client:
            try:
                while not self._stopping:
                    try:
                        if self._busy():
                            await asyncio.to_thread(self._advance)
                        for row, sub in self._claim():
                            task = asyncio.create_task(self._send(client, row, sub))
                            self._sends.add(task)
                            task.add_done_callback(self._sends.discard)
                    except Exception:  # the dispatcher must outlive any one bad tick
                        log.exception("webhook dispatcher tick failed")
                    await self._sleep(wake)
            finally:
                await self._drain()

    async def _sleep(self, wake: asyncio.Event) -> None:
        # Each dispatcher task waits on its own event: an Event belongs to the loop that first
        # waits on it, and a test suite may run the app under several loops in turn.
        timeout = self.config.tick_seconds
        due = self._next_due()
        if due is not None:
            timeout = min(timeout, max(0.001, due - self._wall()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=timeout)
        wake.clear()

    async def _drain(self) -> None:
        if self._sends:
            _, late = await asyncio.wait(set(self._sends), timeout=self.config.stop_grace_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)

    def _poke(self) -> None:
        """Wake the dispatcher now (callable from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(wake.set)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Run the dispatcher on the running event loop (the app's lifespan calls this)."""
        loop = asyncio.get_running_loop()
        if not (self.running and self._loop is loop):
            self._launch(loop)

    def ensure_started(self) -> None:
        """Start the dispatcher from a request handler when no lifespan did (an ASGI server run
        with lifespan off); a no-op outside an event loop or when it already runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if not (self.running and self._loop is not None and not self._loop.is_closed()):
            self._launch(loop)

    def _launch(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            self._in_flight.clear()  # a previous loop's sends died with it
            self._reschedule_all()
        self._loop = loop
        self._wake = wake = asyncio.Event()
        self._stopping = False
        self._task = loop.create_task(self._run(wake), name="parcel-sandbox-webhooks")

    async def stop(self) -> None:
        """Stop the dispatcher; in-flight requests get a grace period, then stay pending."""
        task = self._task
        if task is None:
            return
        if task.get_loop() is not asyncio.get_running_loop():
            # The dispatcher runs under another loop (another server or test client started it):
            # ask that loop to cancel it rather than await a task this loop cannot.
            other = task.get_loop()
            if not other.is_closed():
                with contextlib.suppress(RuntimeError):
                    other.call_soon_threadsafe(task.cancel)
            self._task = None
            return
        self._stopping = True
        self._poke()
        try:
            await asyncio.wait_for(
                task, timeout=self.config.stop_grace_seconds + self.config.tick_seconds + 5
            )
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
