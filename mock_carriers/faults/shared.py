"""Faults and rate limits of a world shared through Redis (``--store``).

- The configuration set with ``PUT /_sandbox/faults`` on any worker is written to the generation's
  key and announced; every worker applies it on the notice (and on its periodic refresh).
- Rate-limit counters live in Redis and are counted by one Lua script per request, atomically, on
  the Redis server's clock (``TIME``): a credential's limit holds across every worker and host,
  exactly as one process's ``RateLimiter`` holds it. Counters expire by themselves.

Fault *draws* (which request gets a 503) come from each worker's own seeded streams: the rates
hold across workers, the exact sequence is per worker (docs/serving.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mock_carriers.faults.config import FaultsConfig, RateLimit
from mock_carriers.faults.ratelimit import Denial, RateLimiter, _ceil

if TYPE_CHECKING:
    from mock_carriers.faults.state import Faults
    from mock_carriers.world.redis_world import SharedWorld

#: Counters outlive their last use by this long (s): past any window, and past a day.
COUNTER_TTL_S = 2 * 86400

_ADMIT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local day_n, win_start, win_n, bucket
if ARGV[5] ~= '' then
  local d = redis.call('hmget', KEYS[3], 'day', 'n')
  day_n = tonumber(d[2]) or 0
  if tonumber(d[1]) ~= tonumber(ARGV[6]) then day_n = 0 end
  if day_n >= tonumber(ARGV[5]) then return {'daily', '0'} end
end
if ARGV[3] ~= '' then
  local w = redis.call('hmget', KEYS[2], 'start', 'n')
  win_start = tonumber(w[1]) or now
  win_n = tonumber(w[2]) or 0
  if now >= win_start + tonumber(ARGV[3]) then win_start = now; win_n = 0 end
  if win_n >= tonumber(ARGV[4]) then
    return {'window', string.format('%.6f', win_start + tonumber(ARGV[3]) - now)}
  end
end
if ARGV[1] ~= '' then
  local rate = tonumber(ARGV[1])
  local cap = tonumber(ARGV[2])
  local b = redis.call('hmget', KEYS[1], 'tokens', 'at')
  local tokens = tonumber(b[1]) or cap
  local at = tonumber(b[2]) or now
  tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
  if tokens < 1 then
    redis.call('hset', KEYS[1], 'tokens', string.format('%.9f', tokens), 'at', string.format('%.6f', now))
    redis.call('expire', KEYS[1], ARGV[7])
    return {'second', string.format('%.9f', (1 - tokens) / rate)}
  end
  bucket = tokens - 1
end
if day_n then
  redis.call('hset', KEYS[3], 'day', ARGV[6], 'n', day_n + 1)
  redis.call('expire', KEYS[3], ARGV[7])
end
if win_n then
  redis.call('hset', KEYS[2], 'start', string.format('%.6f', win_start), 'n', win_n + 1)
  redis.call('expire', KEYS[2], ARGV[7])
end
if bucket then
  redis.call('hset', KEYS[1], 'tokens', string.format('%.9f', bucket), 'at', string.format('%.6f', now))
  redis.call('expire', KEYS[1], ARGV[7])
end
return {'', '0'}
"""


def _arg(value: float | int | None) -> str:
    return "" if value is None else repr(value)


class SharedRateLimiter(RateLimiter):
    """``RateLimiter``'s limits, counted in Redis for every worker at once."""

    def __init__(self, shared: SharedWorld, generation: Callable[[], int]) -> None:
        super().__init__()
        self._shared = shared
        self._generation = generation
        self._admit = shared.client.register_script(_ADMIT)

    def clear(self) -> None:
        keys = self._shared.gen(self._generation())
        pattern = keys.limit("*", "*", "*")
        client = self._shared.client
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)

    def admit(
        self,
        carrier: str,
        key: str,
        limit: RateLimit,
        sandbox_now: datetime,
        to_wall: Callable[[float], float] = lambda s: s,
    ) -> Denial | None:
        keys = self._shared.gen(self._generation())
        today = sandbox_now.astimezone(UTC).toordinal()
        per_second = limit.per_second
        capacity = float(limit.burst or max(1, math.ceil(per_second))) if per_second is not None else None
        window = limit.window if limit.window is not None and limit.window_limit is not None else None
        kind, wait = self._admit(
            keys=[keys.limit(k, carrier, key) for k in ("second", "window", "daily")],
            args=[
                _arg(per_second),
                _arg(capacity),
                _arg(window),
                _arg(limit.window_limit if window is not None else None),
                _arg(limit.daily),
                today,
                COUNTER_TTL_S,
            ],
        )
        kind = kind.decode()
        if not kind:
            return None
        if kind == "daily":
            midnight = datetime.fromordinal(today + 1).replace(tzinfo=UTC)
            return Denial("daily", _ceil(to_wall((midnight - sandbox_now).total_seconds())))
        return Denial(kind, _ceil(float(wait)))  # type: ignore[arg-type]  # "second" or "window"


def share_faults(faults: Faults, shared: SharedWorld, generation: Callable[[], int]) -> None:
    """Make ``faults`` one worker's view of the shared configuration and limits."""
    faults.limiter = SharedRateLimiter(shared, generation)
    client = shared.client
    applied: dict[str, str] = {}

    def publish(config: FaultsConfig) -> None:
        text = config.model_dump_json()
        client.set(shared.gen(generation()).faults, text)
        applied["text"] = text
        shared.notify("faults")

    def reload() -> None:
        raw = client.get(shared.gen(generation()).faults)
        if raw is None or raw.decode() == applied.get("text"):
            return
        applied["text"] = raw.decode()
        faults.apply_shared(FaultsConfig.model_validate_json(raw))

    def forget() -> None:
        applied.pop("text", None)

    faults.publish = publish
    shared.on("faults", reload)
    shared.on("reset", forget)
