"""Fault injection for the served sandbox: HTTP faults, rate limits and scan-data faults.

Three layers, all configured by the scenario's ``faults:`` section (``mock_carriers.faults.config``)
and replaced at runtime with ``PUT /_sandbox/faults``:

- **HTTP faults** (``FaultMiddleware``, an ASGI wrapper around each carrier sub-app): latency, error
  statuses in the carrier's own body, timeouts, dropped connections, truncated bodies and token-expiry
  storms. Each (carrier, route class) has its own ``random.Random`` streams seeded from (scenario
  seed, carrier, route), advanced once per request, so the same request sequence meets the same
  faults.
- **Rate limits** (``RateLimiter``): a token bucket, a fixed window and a daily quota per client
  credential, answered with the carrier's 429.
- **Scan-data faults** (``Faults.filter_view``, a ``Sandbox.view_filters`` hook): duplicates, swaps,
  late and missing scans, a false DELIVERED later corrected, frozen trackers. Decided per tracking
  number by a hash, so one parcel shows the same fault on every request. The truth never changes.

Every injected fault is counted in ``Metrics`` (``GET /_sandbox/metrics``, Prometheus text format).
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_carriers.carriers import registry
from mock_carriers.faults import ranges as fault_limits
from mock_carriers.faults.config import (
    FAULT_ROUTES,
    FaultsConfig,
    HttpFaults,
    Latency,
    RateLimit,
    scenario_faults,
)
from mock_carriers.world.store import Record
from sim.errors import UsageError
from sim.events import TERMINAL_CODES, EventCode, ExceptionReason, ScanEvent

if TYPE_CHECKING:
    from mock_carriers.world.sandbox import Sandbox

Outcome = Literal["pass", "error", "timeout", "drop", "truncate"]
LimitKind = Literal["second", "window", "daily"]

# --------------------------------------------------------------------------------------------
# Routes

#: The mock's own documentation pages are not the carrier's API and are never faulted.
_DOCS_PREFIXES: tuple[str, ...] = ("/_docs", "/_openapi.json")


def local_path(scope: Scope) -> str:
    """The request path below the carrier's mount prefix."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def route_of(carrier: str, path: str) -> str | None:
    """The route class of a carrier path (``token``, ``track``, ``other``; the carrier's
    ``RouteTable``), None for the mock's own docs."""
    if path.startswith(_DOCS_PREFIXES):
        return None
    return registry.spec(carrier).routes.route_of(path)


def rate_limited(carrier: str, request: Request, retry_after: int | None, daily: bool = False) -> Response:
    return registry.spec(carrier).rate_limited(request, retry_after, daily=daily)


def server_error(carrier: str, request: Request, status: int) -> Response:
    return registry.spec(carrier).server_error(request, status)


# --------------------------------------------------------------------------------------------
# Metrics

_HELP: dict[str, str] = {
    "parcel_sandbox_requests_total": "Requests that reached a mock carrier, per route class.",
    "parcel_sandbox_faults_total": "Injected HTTP faults, per carrier, route class and kind.",
    "parcel_sandbox_injected_latency_seconds_total": "Latency added by fault injection.",
    "parcel_sandbox_rate_limited_total": "Requests answered 429 by a rate limit, per limit kind.",
    "parcel_sandbox_token_storms_total": "Token-expiry storms, per carrier and trigger.",
    "parcel_sandbox_tokens_expired_total": "Live tokens expired by token-expiry storms.",
    "parcel_sandbox_scan_faults_total": "Carrier views changed by a scan-data fault, per kind.",
}


class Metrics:
    """Counters with labels, rendered in the Prometheus text exposition format (0.0.4)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}

    def inc(self, name: str, by: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + by

    def value(self, name: str, **labels: str) -> float:
        """The sum of every series of ``name`` whose labels include ``labels``."""
        want = set(labels.items())
        with self._lock:
            return sum(v for k, v in self._counters.get(name, {}).items() if want <= set(k))

    def clear(self) -> None:
        with self._lock:
            self._counters.clear()

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name in _HELP:
                lines.append(f"# HELP {name} {_HELP[name]}")
                lines.append(f"# TYPE {name} counter")
                for key, value in sorted(self._counters.get(name, {}).items()):
                    labels = ",".join(f'{k}="{_escape(v)}"' for k, v in key)
                    lines.append(f"{name}{{{labels}}} {_number(value)}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


# --------------------------------------------------------------------------------------------
# Per-request decisions


@dataclass(slots=True, frozen=True)
class Decision:
    outcome: Outcome = "pass"
    status: int = 0
    latency: float = 0.0
    storm: bool = False


PASS = Decision()


@dataclass(slots=True)
class _Streams:
    """Independent streams, so that changing the latency does not reshuffle the errors."""

    outcome: random.Random
    latency: random.Random
    storm: random.Random


def _stream(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256(":".join((str(seed), "faults", *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


_STANDARD_NORMAL = NormalDist()


def sample_latency(latency: Latency, u: float) -> float:
    """One latency from one uniform draw (inverse CDF), so each request consumes exactly one."""
    if latency.dist == "fixed":
        value = latency.value
    elif latency.dist == "uniform":
        value = latency.low + u * (latency.high - latency.low)
    else:
        z = _STANDARD_NORMAL.inv_cdf(min(max(u, 1e-12), 1 - 1e-12))
        value = latency.median * math.exp(latency.sigma * z)
    return min(value, latency.max)


def choose_outcome(rule: HttpFaults, u: float) -> tuple[Outcome, int]:
    """Bands of [0, 1): error statuses in ascending order, then timeout, drop, truncate."""
    acc = 0.0
    for status in sorted(rule.errors):
        acc += rule.errors[status]
        if u < acc:
            return "error", status
    for outcome, rate in (("timeout", rule.timeout), ("drop", rule.drop), ("truncate", rule.truncate)):
        acc += rate
        if u < acc:
            return outcome, 0  # type: ignore[return-value]
    return "pass", 0


# --------------------------------------------------------------------------------------------
# Rate limits


@dataclass(slots=True, frozen=True)
class Denial:
    limit: LimitKind
    retry_after: int  # seconds


class RateLimiter:
    """Token bucket and fixed window on the wall clock (a client paces itself in real seconds);
    the daily quota on the sandbox clock, resetting at 00:00 UTC (the carriers' midnight GMT),
    so a tester can jump to the next day instead of waiting for it."""

    def __init__(self, wall: Callable[[], float] = time.monotonic) -> None:
        self._wall = wall
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # tokens, at
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}  # start, count
        self._days: dict[tuple[str, str], tuple[int, int]] = {}  # day ordinal, count

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()
            self._windows.clear()
            self._days.clear()

    def admit(
        self,
        carrier: str,
        key: str,
        limit: RateLimit,
        sandbox_now: datetime,
        to_wall: Callable[[float], float] = lambda s: s,
    ) -> Denial | None:
        """Count one request, or say which limit refuses it and when to retry. ``to_wall`` turns
        sandbox seconds into wall seconds (for the daily quota's Retry-After)."""
        k = (carrier, key)
        with self._lock:
            now = self._wall()
            day_count = window = bucket = None
            if limit.daily is not None:
                today = sandbox_now.astimezone(UTC).toordinal()
                day, count = self._days.get(k, (today, 0))
                day_count = (today, count if day == today else 0)
                if day_count[1] >= limit.daily:
                    midnight = datetime.fromordinal(today + 1).replace(tzinfo=UTC)
                    return Denial("daily", _ceil(to_wall((midnight - sandbox_now).total_seconds())))
            if limit.window is not None and limit.window_limit is not None:
                start, count = self._windows.get(k, (now, 0))
                window = (start, count) if now < start + limit.window else (now, 0)
                if window[1] >= limit.window_limit:
                    return Denial("window", _ceil(window[0] + limit.window - now))
            if limit.per_second is not None:
                capacity = float(limit.burst or max(1, math.ceil(limit.per_second)))
                tokens, at = self._buckets.get(k, (capacity, now))
                tokens = min(capacity, tokens + (now - at) * limit.per_second)
                self._buckets[k] = (tokens, now)
                if tokens < 1:
                    return Denial("second", _ceil((1 - tokens) / limit.per_second))
                bucket = tokens - 1
            if day_count is not None:
                self._days[k] = (day_count[0], day_count[1] + 1)
            if window is not None:
                self._windows[k] = (window[0], window[1] + 1)
            if bucket is not None:
                self._buckets[k] = (bucket, now)
            return None


#: The longest Retry-After the sandbox sends: a day (a daily quota at a slow realtime speed, or a
#: limit refilling at its slowest, would otherwise ask for longer).
MAX_RETRY_AFTER_S = 86400


def _ceil(seconds: float) -> int:
    """Whole seconds to wait, in [1, MAX_RETRY_AFTER_S] whatever the arithmetic gave."""
    if not math.isfinite(seconds):
        return MAX_RETRY_AFTER_S
    return min(MAX_RETRY_AFTER_S, max(1, math.ceil(seconds - 1e-9)))


# --------------------------------------------------------------------------------------------
# Scan-data faults

SCAN_KINDS: tuple[str, ...] = ("stale", "late", "missing", "corrected_delivery", "duplicate", "out_of_order")


@functools.lru_cache(maxsize=1 << 16)
def _parcel_draw(seed: int, tracking_number: str, kind: str) -> tuple[float, int]:
    """(uniform in [0, 1), a free integer) for one parcel and fault kind; stable across requests."""
    digest = hashlib.blake2b(f"{seed}|{tracking_number}|{kind}".encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64, int.from_bytes(digest[8:], "big")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _shift(iso: str, seconds: float) -> str:
    return (datetime.fromisoformat(iso) + timedelta(seconds=seconds)).isoformat()


def _by_seq(events: list[ScanEvent], seq: int) -> int | None:
    return next((i for i, e in enumerate(events) if e.seq == seq), None)


#: A false DELIVERED shows this long after the OUT_FOR_DELIVERY it follows (a scan at van loading).
PHANTOM_LAG_S = 60.0

_CORRECTION_REASONS: dict[EventCode, ExceptionReason | None] = {
    EventCode.DELIVERY_ATTEMPTED: ExceptionReason.RECIPIENT_UNAVAILABLE,
    EventCode.EXCEPTION: ExceptionReason.ADDRESS_ISSUE,
    EventCode.OUT_FOR_DELIVERY: None,
}


# --------------------------------------------------------------------------------------------
# The sandbox's fault state


class InjectedDisconnect(ConnectionError):
    """Raised to an in-process client (no socket to close) for a dropped or truncated answer."""


class Faults:
    """The live fault configuration of one sandbox, its random streams, limiter and counters."""

    def __init__(
        self,
        sandbox: Sandbox,
        config: FaultsConfig | None = None,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        """``config``: the faults to start (and reset) with; by default the scenario's ``faults:``
        section, validated here (``ScenarioError`` locating a mistake in the file)."""
        self.sandbox = sandbox
        self.metrics = Metrics()
        self.limiter = RateLimiter(wall)
        self._lock = threading.Lock()
        self._streams: dict[tuple[str, str], _Streams] = {}
        initial = scenario_faults(sandbox.scenario) if config is None else config
        problems = fault_limits.check(initial)
        if problems:
            raise UsageError(f"scenario {sandbox.scenario.name!r}: " + "; ".join(problems))
        self._initial = initial
        self._apply(initial)
        sandbox.view_filters.append(self.filter_view)
        sandbox.on_reset.append(self.reset)

    # --- configuration ------------------------------------------------------------------------

    @property
    def config(self) -> FaultsConfig:
        return self._config

    def set_config(self, config: FaultsConfig) -> None:
        """Replace the configuration; the random streams and the limiter start afresh, so a test
        that sets faults and then sends requests meets the same faults whatever came before."""
        self._apply(config)

    def reset(self) -> None:
        """Back to the scenario's faults, with fresh streams, limiter and counters."""
        self._apply(self._initial)
        self.metrics.clear()

    def _apply(self, config: FaultsConfig) -> None:
        rules: dict[tuple[str, str], HttpFaults | None] = {}
        for carrier in registry.KEYS:
            for route in FAULT_ROUTES:
                rules[(carrier, route)] = _most_specific(config, carrier, route)
        limits: dict[str, RateLimit] = {}
        for carrier, limit in config.rate_limits.items():
            resolved = limit.resolved(carrier)
            if resolved.limits_anything:
                limits[carrier] = resolved
        with self._lock:
            self._config = config
            self._rules = rules
            self._limits = limits
            self._scan_active = config.scan.active
            self._streams.clear()
        self.limiter.clear()

    def active_for(self, carrier: str) -> bool:
        return carrier in self._limits or any(self._rules[(carrier, r)] is not None for r in FAULT_ROUTES)

    # --- HTTP faults --------------------------------------------------------------------------

    def decide(self, carrier: str, route: str) -> Decision:
        rule = self._rules.get((carrier, route))
        if rule is None:
            return PASS
        with self._lock:
            streams = self._streams.get((carrier, route))
            if streams is None:
                seed = self.sandbox.seed
                parts = ("outcome", "latency", "storm")
                streams = _Streams(*(_stream(seed, carrier, route, part) for part in parts))
                self._streams[(carrier, route)] = streams
            outcome, status = choose_outcome(rule, streams.outcome.random())
            latency = sample_latency(rule.latency, streams.latency.random()) if rule.latency else 0.0
            storm = rule.token_storm > 0 and streams.storm.random() < rule.token_storm
        return Decision(outcome, status, latency, storm)

    def token_storm(self, carrier: str | None, trigger: str) -> int:
        """Expire every live token of one carrier (or all); returns how many were live."""
        expired = 0
        for c in registry.KEYS if carrier is None else (carrier,):
            n = self.sandbox.tokens.expire_all(c)
            expired += n
            self.metrics.inc("parcel_sandbox_token_storms_total", carrier=c, trigger=trigger)
            self.metrics.inc("parcel_sandbox_tokens_expired_total", n, carrier=c)
        return expired

    # --- rate limits --------------------------------------------------------------------------

    def limit_for(self, carrier: str, route: str) -> RateLimit | None:
        limit = self._limits.get(carrier)
        return limit if limit is not None and route in limit.routes else None

    def sends_retry_after(self, carrier: str) -> bool:
        limit = self._limits.get(carrier)
        if limit is not None and limit.retry_after is not None:
            return limit.retry_after
        return registry.spec(carrier).retry_after

    def credential(self, carrier: str, route: str, scope: Scope) -> str | None:
        """Whom a request counts against: the client a live token was issued to, the API key, or
        the caller's address (token endpoints, and carriers whose credential no gateway reads) —
        as the carrier's spec says the request presents it. None (not limited) when the gateway
        would refuse the credential anyway: that request gets the carrier's 401/403 instead."""
        presented = registry.spec(carrier).credential(Headers(scope=scope)) if route != "token" else None
        if presented is None or presented.kind == "address":
            client = scope.get("client")
            return f"address:{client[0] if client else 'unknown'}"
        if presented.kind == "key":
            key = presented.value
            return f"key:{key}" if self.sandbox.credentials.accepts_key(carrier, key) else None
        client_id = self.sandbox.tokens.client_of(carrier, presented.value)
        return f"client:{client_id}" if client_id is not None else None

    def admit(self, carrier: str, route: str, scope: Scope) -> Denial | None:
        limit = self.limit_for(carrier, route)
        if limit is None:
            return None
        key = self.credential(carrier, route, scope)
        if key is None:
            return None
        clock = self.sandbox.clock
        speed = clock.speed if clock.mode == "realtime" else 1.0
        return self.limiter.admit(carrier, key, limit, clock.now(), lambda s: s / speed)

    # --- scan-data faults ---------------------------------------------------------------------

    def filter_view(self, rec: Record, events: list[ScanEvent], now: datetime) -> list[ScanEvent]:
        """What the carrier shows of one parcel under the scan-data faults (a view filter)."""
        cfg = self._config.scan
        if not self._scan_active or not events or (cfg.carriers and rec.carrier not in cfg.carriers):
            return events
        seed = self.sandbox.seed
        tn = rec.tracking_number
        now_s = now.timestamp()
        out = events
        applied: list[str] = []

        def hit(kind: str, rate: float) -> int | None:
            if rate <= 0:
                return None
            u, n = _parcel_draw(seed, tn, kind)
            return n if u < rate else None

        # Stale: after scan k, nothing new shows until `duration` after scan k showed.
        n = hit("stale", cfg.stale.rate)
        if n is not None:
            i = _by_seq(out, 2 + n % 4)
            if i is not None and i + 1 < len(out) and now_s < _epoch(out[i].visible_at) + cfg.stale.duration:
                out = out[: i + 1]
                applied.append("stale")
        # Late: scan k shows `delay` after it should, while the later scans already show.
        n = hit("late", cfg.late.rate)
        if n is not None:
            i = _by_seq(out, 2 + n % 5)
            if i is not None and now_s < _epoch(out[i].visible_at) + cfg.late.delay:
                out = out[:i] + out[i + 1 :]
                applied.append("late")
        # Missing: scan k (never the first, never a terminal one) never shows.
        n = hit("missing", cfg.missing)
        if n is not None:
            i = _by_seq(out, 2 + n % 5)
            if i is not None and out[i].code not in TERMINAL_CODES:
                out = out[:i] + out[i + 1 :]
                applied.append("missing")
        # Corrected delivery: a false DELIVERED right after the first OUT_FOR_DELIVERY, shown for
        # `after`, then removed or replaced by the correction.
        if hit("corrected_delivery", cfg.corrected_delivery.rate) is not None:
            i = next((j for j, e in enumerate(out) if e.code is EventCode.OUT_FOR_DELIVERY), None)
            if i is not None:
                shown = self._phantom_delivery(out[i], now_s)
                if shown is not None:
                    out = [*out[: i + 1], shown, *out[i + 1 :]]
                if shown is not None or now_s >= _epoch(out[i].visible_at) + PHANTOM_LAG_S:
                    applied.append("corrected_delivery")
        # Duplicate: scan k shows twice (the same event, id included, as a re-sent scan).
        n = hit("duplicate", cfg.duplicate)
        if n is not None:
            i = _by_seq(out, 1 + n % 6)
            if i is not None:
                out = [*out[: i + 1], out[i], *out[i + 1 :]]
                applied.append("duplicate")
        # Out of order: scans k and k+1 swap places in the list the carrier renders.
        n = hit("out_of_order", cfg.out_of_order)
        if n is not None:
            k = 1 + n % 6
            i, j = _by_seq(out, k), _by_seq(out, k + 1)
            if i is not None and j is not None:
                out = list(out)
                out[i], out[j] = out[j], out[i]
                applied.append("out_of_order")
        for kind in applied:
            self.metrics.inc("parcel_sandbox_scan_faults_total", carrier=rec.carrier, kind=kind)
        return out

    def _phantom_delivery(self, ofd: ScanEvent, now_s: float) -> ScanEvent | None:
        cfg = self._config.scan.corrected_delivery
        shows_at = _epoch(ofd.visible_at) + PHANTOM_LAG_S
        if now_s < shows_at:
            return None
        if now_s < shows_at + cfg.after:
            return dataclasses.replace(
                ofd,
                event_id=f"{ofd.event_id}-delivered",
                code=EventCode.DELIVERED,
                reason=None,
                occurred_at=_shift(ofd.occurred_at, PHANTOM_LAG_S),
                visible_at=_shift(ofd.visible_at, PHANTOM_LAG_S),
                details={},
            )
        if cfg.replace_with is None:
            return None
        code = EventCode(cfg.replace_with)
        return dataclasses.replace(
            ofd,
            event_id=f"{ofd.event_id}-corrected",
            code=code,
            reason=_CORRECTION_REASONS[code],
            occurred_at=_shift(ofd.occurred_at, PHANTOM_LAG_S),
            visible_at=_shift(ofd.visible_at, PHANTOM_LAG_S + cfg.after),
            details={"attempt": 1} if code is EventCode.DELIVERY_ATTEMPTED else {},
        )

    # --- wiring -------------------------------------------------------------------------------

    def wrap(self, carrier: str, app: ASGIApp) -> FaultMiddleware:
        return FaultMiddleware(self, carrier, app)


def _most_specific(config: FaultsConfig, carrier: str, route: str) -> HttpFaults | None:
    for c, r in ((carrier, route), (carrier, "*"), ("*", route), ("*", "*")):
        rule = config.http.get(c, {}).get(r)
        if rule is not None:
            return rule
    return None


# --------------------------------------------------------------------------------------------
# The ASGI wrapper


class FaultMiddleware:
    """Wraps one carrier sub-app. Per request: latency, then the rate limit (the carrier's 429),
    then a token storm, then at most one fault; otherwise the carrier answers as usual."""

    def __init__(self, faults: Faults, carrier: str, app: ASGIApp) -> None:
        self.faults = faults
        self.carrier = carrier
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_of(self.carrier, local_path(scope))
        if route is None:
            await self.app(scope, receive, send)
            return
        faults, carrier = self.faults, self.carrier
        metrics = faults.metrics
        metrics.inc("parcel_sandbox_requests_total", carrier=carrier, route=route)
        if not faults.active_for(carrier):
            await self.app(scope, receive, send)
            return
        decision = faults.decide(carrier, route)
        labels = {"carrier": carrier, "route": route}
        if decision.latency > 0:
            metrics.inc("parcel_sandbox_faults_total", kind="latency", **labels)
            metrics.inc("parcel_sandbox_injected_latency_seconds_total", decision.latency, **labels)
            await asyncio.sleep(decision.latency)
        denial = faults.admit(carrier, route, scope)
        if denial is not None:
            metrics.inc("parcel_sandbox_rate_limited_total", limit=denial.limit, **labels)
            retry_after = denial.retry_after if faults.sends_retry_after(carrier) else None
            response = rate_limited(carrier, self._request(scope), retry_after, daily=denial.limit == "daily")
            await response(scope, receive, send)
            return
        if decision.storm:
            faults.token_storm(carrier, trigger="rate")
            metrics.inc("parcel_sandbox_faults_total", kind="token_storm", **labels)
        if decision.outcome == "pass":
            await self.app(scope, receive, send)
            return
        kind = f"error_{decision.status}" if decision.outcome == "error" else decision.outcome
        metrics.inc("parcel_sandbox_faults_total", kind=kind, **labels)
        if decision.outcome == "error":
            await self._error(decision.status, scope, receive, send)
        elif decision.outcome == "timeout":
            await self._hold(scope, receive, send)
        elif decision.outcome == "drop":
            await _close_connection("connection dropped")
        else:
            await self._truncate(scope, receive, send)

    def _request(self, scope: Scope) -> Request:
        # The carrier's error writers find its context through request.app (the sub-app).
        return Request({**scope, "app": self.app})

    async def _error(self, status: int, scope: Scope, receive: Receive, send: Send) -> None:
        if status == 429:
            retry_after = 1 if self.faults.sends_retry_after(self.carrier) else None
            response = rate_limited(self.carrier, self._request(scope), retry_after)
        else:
            response = server_error(self.carrier, self._request(scope), status)
        await response(scope, receive, send)

    async def _hold(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer nothing until the client gives up; at the cap, answer 504 as a gateway would."""
        try:
            async with asyncio.timeout(self.faults.config.timeout_cap):
                while (await receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            response = server_error(self.carrier, self._request(scope), 504)
            await response(scope, receive, send)

    async def _truncate(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The carrier's real answer, announced in full (Content-Length) but cut in half."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            await _close_connection("connection dropped")
            return
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await _close_connection("body truncated")


async def _close_connection(what: str) -> None:
    """Close the client's connection mid-request. ASGI has no message for that, so under uvicorn
    the transport of the request's cycle (found through the task serving it) is closed; uvicorn then
    sees a client disconnect and neither answers 500 nor logs. Elsewhere (in-process clients) the
    disconnect is raised to the caller."""
    cycle = _server_cycle()
    if cycle is None:
        raise InjectedDisconnect(what)
    cycle.transport.close()
    for _ in range(100):  # connection_lost runs on a later loop iteration
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)


def _server_cycle() -> Any | None:
    task = asyncio.current_task()
    coro = task.get_coro() if task is not None else None
    frame = getattr(coro, "cr_frame", None)
    cycle = frame.f_locals.get("self") if frame is not None else None
    transport = getattr(cycle, "transport", None)
    if type(cycle).__name__ != "RequestResponseCycle" or not callable(getattr(transport, "close", None)):
        return None
    return cycle
