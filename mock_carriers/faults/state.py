"""The live fault configuration of one sandbox (``PUT /_sandbox/faults`` replaces it): the most
specific HTTP fault rule per carrier and route class, the resolved rate limits, the seeded random
streams, the limiter and the metrics — and the scan-data faults as a ``Sandbox.view_filters`` hook.

Configured by the scenario's ``faults:`` section (``mock_carriers.faults.config``). Each (carrier,
route class) has its own ``random.Random`` streams seeded from (scenario seed, carrier, route),
advanced once per request, so the same request sequence meets the same faults. Every injected fault
is counted in ``Metrics`` (``GET /_sandbox/metrics``). docs/faults.md has the user's view.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Scope

from mock_carriers.carriers import registry
from mock_carriers.faults import ranges as fault_limits
from mock_carriers.faults import scan
from mock_carriers.faults.config import FAULT_ROUTES, FaultsConfig, HttpFaults, RateLimit, scenario_faults
from mock_carriers.faults.decisions import (
    PASS,
    Decision,
    Streams,
    choose_outcome,
    sample_latency,
    seeded_stream,
)
from mock_carriers.faults.metrics import Metrics, label_key
from mock_carriers.faults.middleware import FaultMiddleware
from mock_carriers.faults.ratelimit import Denial, RateLimiter
from mock_carriers.faults.routes import endpoint_of, local_path, route_of
from mock_carriers.world.store import Record
from sim.errors import UsageError
from sim.events import ScanEvent

if TYPE_CHECKING:
    from mock_carriers.world.sandbox import Sandbox


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
        self._streams: dict[tuple[str, str], Streams] = {}
        #: Counts configurations applied: part of every view's version (scan faults alter views).
        self.generation = 0
        self._lane_keys: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        initial = scenario_faults(sandbox.scenario) if config is None else config
        problems = fault_limits.check(initial)
        if problems:
            raise UsageError(f"scenario {sandbox.scenario.name!r}: " + "; ".join(problems))
        self._initial = initial
        #: Tells the other workers of a shared world about a new configuration (``faults.shared``).
        self.publish: Callable[[FaultsConfig], None] | None = None
        #: Bumped by every configuration change: part of a parcel view's cache key.
        self.generation = 0
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
        if self.publish is not None:
            self.publish(config)

    def apply_shared(self, config: FaultsConfig) -> None:
        """A configuration another worker of a shared world set (``faults.shared``)."""
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
            self.generation += 1
        self.limiter.clear()

    def active_for(self, carrier: str) -> bool:
        return carrier in self._limits or any(self._rules[(carrier, r)] is not None for r in FAULT_ROUTES)

    # --- the fast lane (mock_carriers.http.fastlane.LaneGate) ---------------------------------

    def lane_open(self, carrier: str) -> bool:
        """The lane may answer this carrier's requests itself: no HTTP fault, rate limit or
        scan-data fault is configured for it (otherwise this gateway and the route answer)."""
        if self._scan_active and (not self._config.scan.carriers or carrier in self._config.scan.carriers):
            return False
        return not self.active_for(carrier)

    def lane_served(self, carrier: str, local_path: str) -> None:
        """Count a request the lane answered, as ``FaultMiddleware`` counts every request."""
        key = self._lane_keys.get((carrier, local_path))
        if key is None:
            route = route_of(carrier, local_path)
            if route is None:
                return
            key = label_key(carrier=carrier, route=route)
            if len(self._lane_keys) < 4096:  # paths carry numbers: keep a bounded few
                self._lane_keys[(carrier, local_path)] = key
        self.metrics.inc_labelled("parcel_sandbox_requests_total", key)

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
                streams = Streams(*(seeded_stream(seed, carrier, route, part) for part in parts))
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
        now = self.sandbox.now()
        endpoint = endpoint_of(carrier, scope.get("method", "GET"), local_path(scope))
        if endpoint is not None and limit.per_second is not None:
            # Each endpoint its own per-second bucket; the window and daily quota count the key's
            # every request, across the API.
            bucket, rest = _split(limit, endpoint)
            denied = self.limiter.admit(carrier, f"{key} {endpoint}", bucket, now, lambda s: s / speed)
            if denied is not None:
                return denied
            limit = rest
        return self.limiter.admit(carrier, key, limit, now, lambda s: s / speed)

    # --- scan-data faults ---------------------------------------------------------------------

    def filter_view(self, rec: Record, events: list[ScanEvent], now: datetime) -> list[ScanEvent]:
        """What the carrier shows of one parcel under the scan-data faults (a view filter)."""
        cfg = self._config.scan
        if not self._scan_active or not events or (cfg.carriers and rec.carrier not in cfg.carriers):
            return events
        out, applied = scan.apply(cfg, self.sandbox.seed, rec.tracking_number, events, now)
        for kind in applied:
            self.metrics.inc("parcel_sandbox_scan_faults_total", carrier=rec.carrier, kind=kind)
        return out

    # --- wiring -------------------------------------------------------------------------------

    def wrap(self, carrier: str, app: ASGIApp) -> FaultMiddleware:
        return FaultMiddleware(self, carrier, app)


def _split(limit: RateLimit, endpoint: str) -> tuple[RateLimit, RateLimit]:
    """An endpoint's own bucket, and the limit's other parts (window, daily quota)."""
    own = limit.endpoints.get(endpoint)
    bucket = RateLimit(
        per_second=own or limit.per_second, burst=None if own else limit.burst, routes=limit.routes
    )
    return bucket, limit.model_copy(update={"per_second": None, "burst": None})


def _most_specific(config: FaultsConfig, carrier: str, route: str) -> HttpFaults | None:
    for c, r in ((carrier, route), (carrier, "*"), ("*", route), ("*", "*")):
        rule = config.http.get(c, {}).get(r)
        if rule is not None:
            return rule
    return None


def _split(limit: RateLimit, endpoint: str) -> tuple[RateLimit, RateLimit]:
    """An endpoint's own bucket, and the limit's other parts (window, daily quota)."""
    own = limit.endpoints.get(endpoint)
    bucket = RateLimit(
        per_second=own or limit.per_second, burst=None if own else limit.burst, routes=limit.routes
    )
    return bucket, limit.model_copy(update={"per_second": None, "burst": None})


def _most_specific(config: FaultsConfig, carrier: str, route: str) -> HttpFaults | None:
    for c, r in ((carrier, route), (carrier, "*"), ("*", route), ("*", "*")):
        rule = config.http.get(c, {}).get(r)
        if rule is not None:
            return rule
    return None
