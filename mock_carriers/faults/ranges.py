"""The ranges a fault configuration must stay inside to be served (``PUT /_sandbox/faults``, and a
scenario's ``faults:`` section when a sandbox starts).

The configuration models (``mock_carriers.faults.config``) check types and shapes; these bounds are
what the served sandbox needs on top so that no later request can fail on arithmetic: a
``per_second`` of ``5e-324`` would make the next 429's ``Retry-After`` a 300-digit number, a
``timeout_cap`` of ``inf`` would hold a request forever, a scan fault delay past the datetime range
would overflow. Each bound is generous for any real test and documented in docs/faults.md.
"""

from __future__ import annotations

import math

from mock_carriers.faults.config import FaultsConfig, Latency, RateLimit

#: Any one injected latency (each of value, low, high, median, max), in seconds.
MAX_LATENCY_S = 300.0
#: A timeout fault answers 504 after at most this long (and after more than 0 s).
MAX_TIMEOUT_CAP_S = 3600.0
#: Token bucket refill: one request per 1000 s up to a million a second.
PER_SECOND_RANGE = (1e-3, 1e6)
#: Token bucket size, requests per window, requests per day.
MAX_BURST = 1_000_000
MAX_COUNT = 1_000_000_000
#: A fixed window lasts at most a day (the daily quota covers longer periods).
MAX_WINDOW_S = 86400.0
#: Scan-data fault durations (late delay, stale duration, corrected-delivery lag): ten years — "for
#: ever" in any test, and far inside the datetime range the shifted instants must stay in.
MAX_SCAN_DELAY_S = 3650 * 86400.0


def _bounded(path: str, value: float | None, low: float, high: float, *, open_low: bool = False) -> list[str]:
    if value is None:
        return []
    if not math.isfinite(value):
        return [f"{path}: must be finite"]
    if (value <= low if open_low else value < low) or value > high:
        bracket = "(" if open_low else "["
        return [f"{path}: must be in {bracket}{low:g}, {high:g}] (got {value:g})"]
    return []


def _latency(path: str, latency: Latency | None) -> list[str]:
    if latency is None:
        return []
    out: list[str] = []
    for name in ("value", "low", "high", "median", "max"):
        out += _bounded(f"{path}.{name}", getattr(latency, name), 0.0, MAX_LATENCY_S)
    return out


def _rate_limit(path: str, limit: RateLimit) -> list[str]:
    out = _bounded(f"{path}.per_second", limit.per_second, *PER_SECOND_RANGE)
    out += _bounded(f"{path}.burst", limit.burst, 1, MAX_BURST)
    out += _bounded(f"{path}.window", limit.window, 0.0, MAX_WINDOW_S, open_low=True)
    out += _bounded(f"{path}.window_limit", limit.window_limit, 1, MAX_COUNT)
    out += _bounded(f"{path}.daily", limit.daily, 1, MAX_COUNT)
    return out


def check(config: FaultsConfig, prefix: str = "faults") -> list[str]:
    """Every out-of-range value as ``faults.field.path: message`` (empty: servable)."""
    out = _bounded(f"{prefix}.timeout_cap", config.timeout_cap, 0.0, MAX_TIMEOUT_CAP_S, open_low=True)
    for carrier, routes in config.http.items():
        for route, rule in routes.items():
            out += _latency(f"{prefix}.http.{carrier}.{route}.latency", rule.latency)
    for carrier, limit in config.rate_limits.items():
        path = f"{prefix}.rate_limits.{carrier}"
        # The preset's own values count too: what is served is the resolved limit.
        out += _rate_limit(path, limit) or _rate_limit(path, limit.resolved(carrier))
    scan = config.scan
    out += _bounded(f"{prefix}.scan.late.delay", scan.late.delay, 0.0, MAX_SCAN_DELAY_S)
    out += _bounded(f"{prefix}.scan.stale.duration", scan.stale.duration, 0.0, MAX_SCAN_DELAY_S)
    out += _bounded(
        f"{prefix}.scan.corrected_delivery.after", scan.corrected_delivery.after, 0.0, MAX_SCAN_DELAY_S
    )
    return out
