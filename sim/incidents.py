"""Pure incident draws: what goes wrong for one parcel, and how long things take.

Every function takes the parcel's own random stream (``sim.streams``), so changing one rate changes
only the parcels that rate touches: a parcel's uniform draw for "lost" is the same whatever the
rate, and a higher rate can only add lost parcels, never reshuffle the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sim.events import ExceptionReason
from sim.profiles.types import FailedDeliveryPolicy
from sim.scenario import IncidentRates
from sim.streams import Rng, skip

H = 3600.0
DAY = 24 * H

# A van back at the station: its failed parcels are scanned in (notice, reschedule, hold, return)
# over the check-in, not in the second the van arrives (an assumption: a few minutes to half an hour).
STATION_CHECKIN_S = (3 * 60.0, 30 * 60.0)
# An address held for correction: the day (1-based, of the hold) the shipper or recipient supplies
# a corrected one, when it comes at all — mostly the next day or two (an assumption).
ADDRESS_FIX_DAY_SHARES = (0.55, 0.25, 0.12, 0.08)
ADDRESS_FIX_AFTER_VANS_S = (1 * H, 8 * H)  # that day, this long after the station's first van leaves
# Damaged contents (docs/realism.md §3: ~0.5 % of parcels; ~10 % of boxes cosmetically): how the
# carrier handles it, as shares (an assumption): the damage is only seen at the door (no scan in the
# network), the parcel is repacked at the hub (a delay), or it goes back to the shipper.
DAMAGE_UNSCANNED, DAMAGE_REPACKED = 0.30, 0.55  # the rest (0.15) is returned
REPACK_S = (3 * H, 20 * H)  # a repack: to the hub's damage desk and back onto a later trailer
# A lost parcel: the next scan its carrier expected, counted from the last scan it got (a leg or a
# sort takes about this long; the carrier's own ``missing_scan_after_s`` is added before it says so).
EXPECTED_NEXT_SCAN_S = (6 * H, 14 * H)
TRACE_OFFICE_S = (9 * H, 17 * H)  # a trace's conclusion is entered in office hours (local)

# Visibility lag: first appearance 10–30 min (DHL KB); later updates mostly minutes, sometimes
# up to two hours (Shippo/aggregator notes in docs/realism.md §4, §9).
FIRST_VISIBLE_LAG_S = (10 * 60, 30 * 60)
UPDATE_LAG_BUCKETS = ((0.70, 0, 15 * 60), (0.25, 15 * 60, 60 * 60), (0.05, 60 * 60, 2 * H))


@dataclass(slots=True)
class ParcelFate:
    """The incidents decided for a parcel when its label is created."""

    lost_leg: int | None = None  # index of the lane on which (or at whose end) it disappears
    lost_in_facility: bool = False  # disappears inside the facility after its arrival scan
    lost_exception_after_s: float | None = None  # trace: "unable to locate" this long after "running late"
    damaged_at_hub: int | None = None  # index into the parcel's hubs
    damage_returned: bool = False  # set at the damage: the contents go back to the shipper from that hub
    misdelivered: bool = False
    address_error: bool = False
    address_corrected: bool = False
    pickup_point: bool = False  # recipient chose a locker / pickup point
    unclaimed: bool = False


def draw_fate(rng: Rng, rates: IncidentRates, n_legs: int, n_hubs: int) -> ParcelFate:
    """Draw a fresh parcel's incidents. The draw count is fixed (12) so each rate owns its own
    uniform; the ones that only say how a loss or a damage happens are skipped, not made, for the
    parcels that have none (nearly all: ``streams.skip``)."""
    random = rng.random
    fate = ParcelFate()
    if random() < rates.loss and n_legs > 0:
        u_lost_leg, u_lost_exc, u_lost_days, u_lost_where = random(), random(), random(), random()
        fate.lost_leg = min(n_legs - 1, int(u_lost_leg * n_legs))
        fate.lost_in_facility = u_lost_where < 0.5
        if u_lost_exc < rates.lost_exception_share:
            fate.lost_exception_after_s = (5 + 5 * u_lost_days) * 86400
    else:
        skip(rng, 4)
    if random() < rates.damage and n_hubs > 0:
        fate.damaged_at_hub = min(n_hubs - 1, int(random() * n_hubs))
    else:
        skip(rng, 1)
    u_mis, u_addr, u_addr_fix, u_pp, u_unclaimed = random(), random(), random(), random(), random()
    fate.misdelivered = u_mis < rates.misdelivery
    fate.address_error = u_addr < rates.address_error
    fate.address_corrected = u_addr_fix < rates.address_corrected_share
    fate.pickup_point = u_pp < rates.pickup_point_choice
    fate.unclaimed = u_unclaimed < rates.unclaimed
    return fate


def attempt_failure(rng: Rng, rate: float, attempt: int) -> ExceptionReason | None:
    """Whether delivery attempt ``attempt`` (1-based) fails, and why. Retries succeed more often
    (the recipient was notified), so later attempts fail at half the first-attempt rate."""
    u = rng.random()
    p = rate if attempt == 1 else rate / 2
    if u >= p:
        skip(rng, 1)  # the reason's draw: only a failure needs it
        return None
    u_reason = rng.random()
    # Ofcom 2024 problem mix: not home / no time to answer dominate; access problems next.
    if u_reason < 0.70:
        return ExceptionReason.RECIPIENT_UNAVAILABLE
    if u_reason < 0.92:
        return ExceptionReason.NO_ACCESS
    return ExceptionReason.REFUSED


def after_failure_step(
    policy: FailedDeliveryPolicy, reason: ExceptionReason, attempt: int, attempts: int | None = None
) -> str:
    """What the carrier does with a parcel whose attempt ``attempt`` (1-based) failed for
    ``reason``: ``return`` (to the shipper now), ``hold`` (a notice, then it waits for the
    recipient at ``policy.hold_at``) or ``retry`` (the next working day, unless the recipient
    redirects it). ``attempts`` overrides the policy's count (a scenario's ``max_attempts``)."""
    if reason is ExceptionReason.REFUSED and policy.refused_returns_at_once:
        return "return"
    if attempt >= (attempts or policy.attempts):
        return "hold" if policy.hold_after_last else "return"
    if not policy.auto_redelivery or policy.to_pickup_point_after_first:
        return "hold"
    return "retry"


def carry_over_days(rng: Rng, share: float) -> int:
    """How many working days a delivery base leaves a parcel for the next day's tours: each day
    anew with probability ``share``, so a parcel that missed one day's tours can miss the next.
    No draw when ``share`` is 0, so carriers without carry-over keep their parcels' streams."""
    days = 0
    while share > 0.0 and rng.random() < share:
        days += 1
    return days


def station_checkin(rng: Rng, back: float) -> float:
    """When a parcel the van brings back at ``back`` is scanned in at the station."""
    lo, hi = STATION_CHECKIN_S
    return back + lo + (hi - lo) * rng.random()


def address_fix_day(rng: Rng, hold_days: int) -> int:
    """The day of an address hold (1 … ``hold_days``) a corrected address arrives on."""
    u, acc = rng.random(), 0.0
    for day, share in enumerate(ADDRESS_FIX_DAY_SHARES, start=1):
        acc += share
        if u < acc:
            return min(day, hold_days)
    return hold_days


def address_fix_time(rng: Rng, first_van_s: float) -> float:
    """Local seconds after midnight at which a corrected address comes in, on its day."""
    lo, hi = ADDRESS_FIX_AFTER_VANS_S
    return first_van_s + lo + (hi - lo) * rng.random()


def damage_handling(rng: Rng) -> tuple[str, float]:
    """How a damaged parcel is handled — ``unscanned``, ``repacked`` or ``returned`` — and the
    seconds a repack costs (0 otherwise). Two draws, always."""
    u, v = rng.random(), rng.random()
    if u < DAMAGE_UNSCANNED:
        return "unscanned", 0.0
    if u < DAMAGE_UNSCANNED + DAMAGE_REPACKED:
        lo, hi = REPACK_S
        return "repacked", lo + (hi - lo) * v
    return "returned", 0.0


def expected_next_scan(rng: Rng, last_scan: float) -> float:
    """When a parcel's carrier expected the scan after ``last_scan`` (for a parcel that vanished)."""
    lo, hi = EXPECTED_NEXT_SCAN_S
    return last_scan + lo + (hi - lo) * rng.random()


def trace_concluded_s(rng: Rng) -> float:
    """Local seconds after midnight at which a carrier's trace team enters its conclusion."""
    lo, hi = TRACE_OFFICE_S
    return lo + (hi - lo) * rng.random()


def hold_until(placed: date, days: int, business: bool, open_days: frozenset[int]) -> date:
    """The last day a parcel placed on ``placed`` is kept: ``days`` calendar days later, or ``days``
    working days (``open_days``, 0 = Monday) when ``business``."""
    if not business:
        return placed + timedelta(days=days)
    if not open_days:
        raise ValueError("a hold in working days needs at least one working weekday")
    day, left = placed, days
    while left:
        day += timedelta(days=1)
        left -= day.weekday() in open_days
    return day


def after_failed_attempt(rng: Rng, rates: IncidentRates) -> str:
    """``retry`` | ``pickup_point`` | ``return`` after a failed attempt (BNetzA outcome mix)."""
    u = rng.random()
    a = rates.after_failed_attempt
    if u < a.retry:
        return "retry"
    if u < a.retry + a.pickup_point:
        return "pickup_point"
    return "return"


def lognormal_seconds(rng: Rng, median_s: float, p95_s: float) -> float:
    sigma = math.log(p95_s / median_s) / 1.645
    return median_s * math.exp(sigma * rng.gauss(0.0, 1.0))


def sort_seconds(rng: Rng) -> float:
    """Time on the sort floor once a parcel's turn comes (induction to outbound door)."""
    return lognormal_seconds(rng, 20 * 60, 60 * 60)


def air_sort_seconds(rng: Rng) -> float:
    """Time through the air sort, express sorted apart from ground: "it takes about 13 minutes from
    the time it gets unloaded to the time [it's] load[ed]" (UPS on Worldport, via imaginary.org;
    docs/realism.md §10); its p95 three times the median, as the ground floor's."""
    return lognormal_seconds(rng, 13 * 60, 39 * 60)


def missed_connection(rng: Rng, rate: float) -> bool:
    return rng.random() < rate


#: how long after its trailer's cut-off a mis-sorted parcel reaches the door: drawn, so the delay
#: notice it causes is not on the minute of a departure less its cut-off
MISSORT_LATE_S = (60.0, 10 * 60.0)


def missort_late_seconds(rng: Rng) -> float:
    """Seconds after its trailer's cut-off a mis-sorted parcel reaches the outbound door."""
    lo, hi = MISSORT_LATE_S
    return lo + (hi - lo) * rng.random()


def breakdown_delay(rng: Rng, rate: float) -> float:
    """Extra seconds on a line-haul trip from a breakdown (2–8 h), usually 0."""
    u, v = rng.random(), rng.random()
    return (2 + 6 * v) * H if u < rate else 0.0


def customs_hold(rng: Rng, rate: float) -> float:
    """Seconds a cross-border parcel is held by customs (6–72 h), or 0 when released at once."""
    u, v = rng.random(), rng.random()
    return (6 + 66 * v * v) * H if u < rate else 0.0


def customs_processing(rng: Rng) -> float:
    return (1 + 2 * rng.random()) * H


def pickup_point_collection(rng: Rng) -> float:
    """How long a recipient takes to collect from a locker / pickup point."""
    return lognormal_seconds(rng, 20 * H, 72 * H)


# Where a courier leaves a parcel it delivers: cumulative shares.
DELIVERY_PLACES = (
    (0.62, "front_door"),
    (0.75, "mailbox"),
    (0.90, "left_with_individual"),
    (0.96, "front_desk"),
    (1.0, "garage"),
)


def delivery_place(rng: Rng) -> str:
    """Where a delivered parcel is left (one draw)."""
    u = rng.random()
    for bound, place in DELIVERY_PLACES:
        if u < bound:
            return place
    return DELIVERY_PLACES[-1][1]


def _lag_bands() -> tuple[tuple[float, float, float, float, float], ...]:
    """Each update-lag bucket as (upper bound of u, lower bound of u, lo, hi - lo, share)."""
    out, acc = [], 0.0
    for p, lo, hi in UPDATE_LAG_BUCKETS:
        out.append((acc + p, acc, lo, hi - lo, p))
        acc += p
    return tuple(out)


_LAG_BANDS = _lag_bands()  # once: a lag is drawn for every scan


def visibility_lag(rng: Rng, first: bool) -> float:
    """Scan-upload lag in seconds. One draw: its bucket, then where inside the bucket it falls."""
    u = rng.random()
    if first:
        lo, hi = FIRST_VISIBLE_LAG_S
        return lo + (hi - lo) * u
    for upper, acc, lo, span, p in _LAG_BANDS:
        if u < upper:
            return lo + span * (u - acc) / p
    return UPDATE_LAG_BUCKETS[-1][2]
