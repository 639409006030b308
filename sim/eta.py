"""ETAs as a carrier predicts them: a first estimate with the carrier's own error, revisions when
the carrier would know — a missed departure at its scheduled time, a storm when it is declared, an
expected scan that does not come — sometimes earlier, sometimes wrong, and delivery windows that
are sometimes missed.

The carrier's knowledge is its own plan (``expected``: the day its schedules give from where the
parcel is), never the simulation's ground truth. Every function is pure: draws come from the
parcel's stream (``rng``), working days from the caller's calendar (``is_delivery_day``, e.g. a
``sim.calendars.is_working_day`` closure), parameters from ``sim.profiles`` (``EtaProfile``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sim.profiles.types import EtaProfile
from sim.streams import Rng

DayTest = Callable[[date], bool]
MAX_STEP_DAYS = 30
#: a window the delivery misses misses it by this much (seconds), late more often than early
WINDOW_MISS_S = (10 * 60, 90 * 60)
WINDOW_MISS_LATE_SHARE = 0.7


class Trigger(StrEnum):
    MISSED_DEPARTURE = "missed_departure"  # the trailer it was planned on left without it
    STORM_DECLARED = "storm_declared"  # a storm declared over a place on its path
    SCAN_MISSING = "scan_missing"  # an expected scan did not come ("running late")
    EXCEPTION = "exception"  # a scanned exception: a failed attempt, an address problem, damage


#: what a revision shows (the keys of ``CarrierProfile.texts``)
TEXT_FOR: dict[Trigger, str] = {
    Trigger.MISSED_DEPARTURE: "date_updated",
    Trigger.STORM_DECLARED: "running_late",
    Trigger.SCAN_MISSING: "running_late",
    Trigger.EXCEPTION: "date_updated",
}


@dataclass(frozen=True, slots=True)
class Revision:
    day: date  # the new estimated delivery day
    at: float  # when it shows (epoch seconds)
    text: str  # "running_late" | "date_updated"
    earlier: bool  # it moves the estimate earlier


def step(day: date, n: int, is_delivery_day: DayTest) -> date:
    """``n`` delivery days after (``n > 0``) or before (``n < 0``) ``day``; 0: ``day`` itself if it
    is one, else the next."""
    sign = 1 if n >= 0 else -1
    d, left = day, abs(n)
    if n == 0:
        left, d = 1, day - timedelta(days=1)
    for _ in range(MAX_STEP_DAYS):
        d += timedelta(days=sign)
        if is_delivery_day(d):
            left -= 1
            if left == 0:
                return d
    raise ValueError(f"no delivery day within {MAX_STEP_DAYS} days of {day}")


def _with_error(
    u: float, low: float, high: float, expected: date, today: date, is_delivery_day: DayTest
) -> date:
    """``expected`` a working day early (``u < low``), a day late (``u < low + high``), or as is;
    never before ``today``'s next delivery day."""
    if u < low:
        return max(step(expected, -1, is_delivery_day), step(today, 0, is_delivery_day))
    if u < low + high:
        return step(expected, 1, is_delivery_day)
    return expected


def first_estimate(rng: Rng, eta: EtaProfile, expected: date, today: date, is_delivery_day: DayTest) -> date:
    """The estimate a carrier shows first: its own plan, a working day early or late now and then."""
    return _with_error(
        rng.random(), eta.optimistic_share, eta.pessimistic_share, expected, today, is_delivery_day
    )


def announce_at(rng: Rng, eta: EtaProfile, known_at: float) -> float:
    """When a revision shows: some minutes after the carrier knows (never in the same second as the
    scan that told it)."""
    lo, hi = eta.announce_lag_s
    return known_at + lo + (hi - lo) * rng.random()


def scan_overdue_at(expected_scan_at: float, eta: EtaProfile) -> float:
    """When a missing expected scan makes the carrier flag "running late"."""
    return expected_scan_at + eta.missing_scan_after_s


def revise(
    rng: Rng,
    eta: EtaProfile,
    trigger: Trigger,
    current: date,
    expected: date,
    known_at: float,
    today: date,
    is_delivery_day: DayTest,
) -> Revision | None:
    """The revision a carrier shows once it knows (``known_at``: a missed departure's scheduled
    time, a storm's declaration, a scan's due time plus the carrier's patience) that its plan now
    gives ``expected``. Sometimes a day too optimistic (missed again), sometimes a day too cautious
    (corrected earlier later). None when the estimate does not change and nothing is flagged."""
    day = _with_error(
        rng.random(), eta.revision_wrong_share, eta.revision_early_share, expected, today, is_delivery_day
    )
    at = announce_at(rng, eta, known_at)
    if day == current and trigger is not Trigger.SCAN_MISSING and trigger is not Trigger.STORM_DECLARED:
        return None
    return Revision(day, at, TEXT_FOR[trigger], day < current)


def on_out_for_delivery(current: date, day: date, at: float) -> Revision | None:
    """Out for delivery on ``day``: an estimate for another day is corrected to it (earlier when the
    estimate had been too cautious)."""
    if day == current:
        return None
    return Revision(day, at, "date_updated", day < current)


def delivery_window(rng: Rng, eta: EtaProfile, stop_at: float, earliest: float) -> tuple[float, float] | None:
    """The window a carrier announces for a stop planned at ``stop_at`` (None: it announces a date
    only), never starting before ``earliest`` (the van leaves). With the carrier's missed share the
    route runs otherwise and the stop falls outside it — late more often than early."""
    if eta.window_s is None:
        return None
    width = eta.window_s
    start = max(stop_at - width / 2, earliest)
    u, v, w = rng.random(), rng.random(), rng.random()
    if u < eta.window_missed_share:
        miss = WINDOW_MISS_S[0] + (WINDOW_MISS_S[1] - WINDOW_MISS_S[0]) * v
        # a window wholly before the stop cannot start before the van leaves: then it misses early
        late = w < WINDOW_MISS_LATE_SHARE and stop_at - miss - width >= earliest
        start = stop_at - miss - width if late else stop_at + miss
    return start, start + width
