"""Rate limits per client credential: a token bucket, a fixed window and a daily quota, answered
with the carrier's own 429 (``mock_carriers.faults.middleware``)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from mock_carriers.faults.config import RateLimit

LimitKind = Literal["second", "window", "daily"]


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
