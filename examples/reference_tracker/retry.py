"""Being a good API citizen: ``Retry-After`` on 429, exponential back-off on 5xx and broken
connections, per carrier. Pure functions and a small state holder; the poller consults it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: A carrier's Retry-After is honoured up to this long; beyond it the tracker re-checks (a header
#: saying "come back tomorrow" must not park a carrier for longer than an operator would notice).
MAX_RETRY_AFTER_S = 3600.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date. None when
    absent or unreadable; never negative; capped at ``MAX_RETRY_AFTER_S``."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def backoff_seconds(failures: int, base: float, cap: float) -> float:
    """Wait after the ``failures``-th failure in a row: base, 2×base, 4×base, … up to ``cap``."""
    if failures <= 0:
        return 0.0
    return min(cap, base * 2 ** min(failures - 1, 30))


@dataclass
class Gate:
    """One carrier's traffic light: closed until ``open_at`` (monotonic seconds) after a 429 or an
    outage; the failure count drives the back-off and resets on the first good answer."""

    base: float = 1.0
    cap: float = 60.0
    clock: Callable[[], float] = time.monotonic
    open_at: float = 0.0
    failures: int = 0
    reason: str = ""
    history: list[float] = field(default_factory=list)  # the waits imposed, newest last (bounded)
    probing: bool = False

    def is_open(self) -> bool:
        return self.clock() >= self.open_at

    def admit(self) -> bool:
        """May a request go now? After a failure only one probe goes at a time, so a reopened gate
        does not release a burst of queued requests at a carrier that just refused one."""
        if not self.is_open():
            return False
        if self.failures == 0:
            return True
        if self.probing:
            return False
        self.probing = True
        return True

    def release(self) -> None:
        self.probing = False

    def wait_left(self) -> float:
        return max(0.0, self.open_at - self.clock())

    def _close(self, seconds: float, reason: str) -> None:
        self.open_at = self.clock() + seconds
        self.reason = reason
        self.history = [*self.history[-49:], seconds]

    def rate_limited(self, retry_after: float | None) -> float:
        """A 429: wait what the carrier asked for, else back off as for an outage."""
        self.failures += 1
        wait = retry_after if retry_after is not None else backoff_seconds(self.failures, self.base, self.cap)
        self._close(wait, "rate limited (429)")
        return wait

    def unavailable(self, reason: str) -> float:
        self.failures += 1
        wait = backoff_seconds(self.failures, self.base, self.cap)
        self._close(wait, reason)
        return wait

    def succeeded(self) -> None:
        self.failures = 0
        self.reason = ""
