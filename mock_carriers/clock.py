"""SandboxClock: the instant the served world is at, under the tester's control.

Modes (docs/architecture.md §4): ``manual`` moves only when told; ``realtime`` runs at ``speed`` sandbox
seconds per wall second; ``instant`` shows the whole horizon at once. The clock never runs
backwards — the world cannot un-happen; ``POST /_sandbox/reset`` starts it over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Literal

ClockMode = Literal["manual", "realtime", "instant"]
MODES: tuple[str, ...] = ("manual", "realtime", "instant")


class ClockError(ValueError):
    """A clock request that cannot be honoured (moving backwards, a bad mode or speed)."""


class SandboxClock:
    def __init__(
        self,
        start: datetime,
        mode: ClockMode = "manual",
        speed: float = 1.0,
        horizon: datetime | None = None,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}; use one of {', '.join(MODES)}")
        if speed <= 0:
            raise ClockError("speed must be positive")
        self._wall = wall
        self._lock = threading.Lock()
        self._anchor = start  # sandbox instant at _anchor_wall
        self._anchor_wall = wall()
        self._mode: ClockMode = mode
        self._speed = float(speed)
        self.horizon = horizon
        if mode == "instant":
            self._anchor = self._instant_target(start)

    def _instant_target(self, current: datetime) -> datetime:
        if self.horizon is None:
            raise ClockError("instant mode needs a finite horizon")
        return max(current, self.horizon)

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> datetime:
        if self._mode == "realtime":
            return self._anchor + timedelta(seconds=(self._wall() - self._anchor_wall) * self._speed)
        return self._anchor

    @property
    def mode(self) -> ClockMode:
        return self._mode

    @property
    def speed(self) -> float:
        return self._speed

    def _rebase(self, instant: datetime) -> None:
        self._anchor = instant
        self._anchor_wall = self._wall()

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ClockError("the clock cannot move backwards")
        with self._lock:
            self._rebase(self._now_locked() + timedelta(seconds=seconds))
            return self._anchor

    def set(self, instant: datetime) -> datetime:
        with self._lock:
            current = self._now_locked()
            if instant < current:
                raise ClockError(
                    f"the clock cannot move backwards (now {current.isoformat()}); "
                    "reset the sandbox to start over"
                )
            self._rebase(instant)
            return self._anchor

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ClockError("speed must be positive")
        with self._lock:
            self._rebase(self._now_locked())
            self._speed = float(speed)

    def set_mode(self, mode: ClockMode) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}; use one of {', '.join(MODES)}")
        with self._lock:
            current = self._now_locked()
            self._mode = mode
            self._rebase(self._instant_target(current) if mode == "instant" else current)
