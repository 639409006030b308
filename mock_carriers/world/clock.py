"""SandboxClock: the instant the served world is at, under the tester's control.

Modes (docs/architecture.md §4): ``manual`` moves only when told; ``realtime`` runs at ``speed`` sandbox
seconds per wall second; ``instant`` shows the whole horizon at once. The clock never runs
backwards — the world cannot un-happen; ``POST /_sandbox/reset`` starts it over — and never past
its ``limit`` (the scenario's horizon, or a cap for an endless world): every move is checked in
seconds before any ``datetime`` arithmetic, so no input can overflow it, and a realtime clock that
reaches the limit stays there.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

ClockMode = Literal["manual", "realtime", "instant"]
MODES: tuple[str, ...] = ("manual", "realtime", "instant")
#: Realtime speeds (sandbox seconds per wall second): from a thousandth of real time to ~116 days
#: a second — far past any test's need, and small enough that arithmetic on it stays exact.
MIN_SPEED = 1e-3
MAX_SPEED = 1e7


class ClockError(ValueError):
    """A clock request that cannot be honoured (moving backwards, a bad mode or speed)."""


def check_speed(speed: float) -> float:
    """The speed as a float, or ClockError naming the allowed range."""
    if isinstance(speed, bool) or not isinstance(speed, int | float):
        raise ClockError("must be a number of sandbox seconds per wall second")
    if not math.isfinite(speed) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ClockError(
            f"must be between {MIN_SPEED:g} and {MAX_SPEED:g} sandbox seconds per wall second (got {speed!r})"
        )
    return float(speed)


def utc_or_none(instant: datetime) -> datetime | None:
    """The instant in UTC, or None when it has no offset or cannot be represented in UTC
    (``0001-01-01T00:00+14:00`` is before year 1 there)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        return None
    try:
        return instant.astimezone(UTC)
    except OverflowError:
        return None


class SandboxClock:
    def __init__(
        self,
        start: datetime,
        mode: ClockMode = "manual",
        speed: float = 1.0,
        horizon: datetime | None = None,
        wall: Callable[[], float] = time.monotonic,
        limit: datetime | None = None,
    ) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}; use one of {', '.join(MODES)}")
        speed = check_speed(speed)
        #: The latest instant the clock may show; never before the horizon.
        self.limit = limit if limit is not None else horizon
        if self.limit is not None and horizon is not None and self.limit < horizon:
            raise ClockError("the clock's limit must not be before its horizon")
        self._wall = wall
        self._lock = threading.Lock()
        self._anchor = start  # sandbox instant at _anchor_wall
        self._anchor_wall = wall()
        self._mode: ClockMode = mode
        self._speed = float(speed)
        self.horizon = horizon
        if mode == "instant":
            self._anchor = self._instant_target(start)
        #: Called after every change (mode, speed, a move): the sandbox persists the clock.
        self.on_change: Callable[[], None] | None = None

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def state(self, wall_time: float) -> dict[str, Any]:
        """What a ``--db`` file keeps of the clock: mode, speed, the instant, and the wall time
        (epoch seconds) it was read at, so a realtime clock resumes with the time it was down."""
        with self._lock:
            return {
                "mode": self._mode,
                "speed": self._speed,
                "now": self._now_locked().isoformat(),
                "wall": wall_time,
            }

    def restore(self, state: dict[str, Any], wall_time: float) -> None:
        """Resume from ``state()``: the same instant (plus the wall time since, × speed, in
        realtime mode), never past the limit, never before the current instant."""
        try:
            mode = state["mode"]
            speed = check_speed(state["speed"])
            instant = datetime.fromisoformat(state["now"])
            down = max(0.0, wall_time - float(state["wall"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ClockError(f"the saved clock state is unreadable ({exc})") from None
        if mode not in MODES:
            raise ClockError(f"the saved clock mode {mode!r} is unknown")
        with self._lock:
            if mode == "realtime":
                room = self._room(instant)
                ahead = down * speed if room is None else min(room, down * speed)
                instant = instant + timedelta(seconds=ahead)
            self._mode = mode
            self._speed = speed
            self._rebase(max(instant, self._anchor))

    def _instant_target(self, current: datetime) -> datetime:
        if self.horizon is None:
            raise ClockError("instant mode needs a finite horizon")
        return max(current, self.horizon)

    def now(self) -> datetime:
        with self._lock:
            return self._now_locked()

    def _now_locked(self) -> datetime:
        if self._mode == "realtime":
            elapsed = max(0.0, (self._wall() - self._anchor_wall) * self._speed)
            room = self._room(self._anchor)
            if room is not None and elapsed >= room:
                return self.limit  # type: ignore[return-value]  # room is None without a limit
            return self._anchor + timedelta(seconds=elapsed)
        return self._anchor

    def _room(self, instant: datetime) -> float | None:
        """Seconds from ``instant`` to the limit (None: no limit)."""
        return None if self.limit is None else max(0.0, (self.limit - instant).total_seconds())

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
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise ClockError("advance must be a finite number of seconds or a duration such as '4d'")
        if seconds < 0:
            raise ClockError("the clock cannot move backwards")
        with self._lock:
            current = self._now_locked()
            room = self._room(current)
            if room is not None and seconds > room:
                raise ClockError(self._beyond(current, f"advancing {seconds:g} s"))
            self._rebase(current + timedelta(seconds=seconds))
            moved = self._anchor
        self._changed()
        return moved

    def set(self, instant: datetime) -> datetime:
        target = utc_or_none(instant)
        if target is None:
            raise ClockError("'to' needs a UTC offset and must be a representable instant")
        with self._lock:
            current = self._now_locked()
            if target < current:
                raise ClockError(
                    f"the clock cannot move backwards (now {current.isoformat()}); "
                    "reset the sandbox to start over"
                )
            if self.limit is not None and target > self.limit:
                raise ClockError(self._beyond(current, f"moving to {target.isoformat()}"))
            self._rebase(instant)
            moved = self._anchor
        self._changed()
        return moved

    def _beyond(self, current: datetime, what: str) -> str:
        assert self.limit is not None
        room = (self.limit - current).total_seconds()
        return (
            f"{what} would pass the sandbox's limit {self.limit.isoformat()} "
            f"(at most {room:g} s from now, {current.isoformat()}); reset the sandbox to start over"
        )

    def set_speed(self, speed: float) -> None:
        speed = check_speed(speed)
        with self._lock:
            self._rebase(self._now_locked())
            self._speed = speed
        self._changed()

    def set_mode(self, mode: ClockMode) -> None:
        if mode not in MODES:
            raise ClockError(f"unknown clock mode {mode!r}; use one of {', '.join(MODES)}")
        with self._lock:
            current = self._now_locked()
            self._mode = mode
            self._rebase(self._instant_target(current) if mode == "instant" else current)
        self._changed()
