"""The sandbox clock shared through Redis: every worker and host sees one clock.

The clock's whole state is four values — mode, speed, anchor (the sandbox instant at the anchor's
wall time) and the anchor's wall time — kept in a Redis hash. A move (advance, to, speed, mode) on
any worker takes a short cross-process lock, reads the hash, applies the move with the local
clock's own checks (never backwards, never past the limit), writes the hash back and publishes a
``clock`` notice; every worker's listener reloads the hash on it, so the next read anywhere sees
the move. Reads never touch Redis: a realtime clock is computed from the state, on a wall clock
corrected to the Redis server's (``redis_link.WallClock``), so hosts agree.

A sandbox killed and restarted finds the hash as it was: the clock resumes at its instant (a
realtime clock has run on meanwhile, as the wall clock has).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis

from mock_carriers.world.clock import ClockError, ClockMode, SandboxClock, check_speed
from mock_carriers.world.redis_link import GenKeys, SpinLock


class SharedClock(SandboxClock):
    def __init__(
        self,
        client: redis.Redis,
        keys: GenKeys,
        start: datetime,
        mode: ClockMode,
        speed: float,
        *,
        horizon: datetime,
        limit: datetime,
        wall: Callable[[], float],
        notify: Callable[[str], None],
    ) -> None:
        super().__init__(start, mode, speed, horizon=horizon, wall=wall, limit=limit)
        self._client = client
        self._key = keys.clock
        self._notify = notify
        self._mutex = SpinLock(client, keys.clock_lock)
        with self._mutex:
            # The first process of a generation writes its initial state; the others (and a
            # restarted one) take the clock as it is.
            if not self._client.exists(self._key):
                self._write()
            else:
                self.refresh()

    def _write(self) -> None:
        with self._lock:
            data: dict[str, Any] = {
                "mode": self._mode,
                "speed": repr(self._speed),
                "anchor": self._anchor.isoformat(),
                "wall": repr(self._anchor_wall),
            }
        self._client.hset(self._key, mapping=data)

    def refresh(self) -> None:
        """Load the shared state (on a ``clock`` notice, and before every move)."""
        raw = self._client.hgetall(self._key)
        if not raw:
            return
        try:
            state = {k.decode(): v.decode() for k, v in raw.items()}
            mode = state["mode"]
            speed = check_speed(float(state["speed"]))
            anchor = datetime.fromisoformat(state["anchor"])
            wall = float(state["wall"])
        except (KeyError, ValueError, UnicodeDecodeError) as exc:
            raise ClockError(f"the shared clock in Redis is unreadable ({exc})") from None
        with self._lock:
            self._mode = mode  # type: ignore[assignment]  # written by _write, one of MODES
            self._speed = speed
            self._anchor = anchor
            self._anchor_wall = wall

    def _shared(self, move: Callable[..., Any], *args: Any) -> Any:
        with self._mutex:
            self.refresh()
            result = move(*args)
            self._write()
        self._notify("clock")
        return result

    def advance(self, seconds: float) -> datetime:
        moved: datetime = self._shared(super().advance, seconds)
        return moved

    def set(self, instant: datetime) -> datetime:
        moved: datetime = self._shared(super().set, instant)
        return moved

    def set_speed(self, speed: float) -> None:
        self._shared(super().set_speed, speed)

    def set_mode(self, mode: ClockMode) -> None:
        self._shared(super().set_mode, mode)

    def restore(self, state: dict[str, Any], wall_time: float) -> None:
        raise ClockError("a shared clock resumes from Redis, not from a saved state")
