"""ETAs as a carrier predicts them (sim/eta.py): first estimates with the carrier's error,
revisions when it knows, windows that are sometimes missed."""

from __future__ import annotations

import random
from datetime import date

import pytest

from sim.eta import (
    Revision,
    Trigger,
    announce_at,
    delivery_window,
    first_estimate,
    on_out_for_delivery,
    revise,
    scan_overdue_at,
    step,
)
from sim.profiles import PROFILES
from sim.profiles.types import EtaProfile, H

pytestmark = pytest.mark.unit

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, d) for d in range(9, 16))
NEXT_MON = date(2026, 11, 16)


def weekdays_only(d: date) -> bool:
    return d.weekday() < 5


ETA = EtaProfile(
    first_met_target=0.9,
    optimistic_share=0.1,
    pessimistic_share=0.2,
    revision_early_share=0.1,
    revision_wrong_share=0.2,
    missing_scan_after_s=24 * H,
    window_s=4 * H,
    window_missed_share=0.1,
)


def test_step_walks_the_carriers_delivery_days() -> None:
    assert step(FRI, 1, weekdays_only) == NEXT_MON
    assert step(NEXT_MON, -1, weekdays_only) == FRI
    assert step(SAT, 0, weekdays_only) == NEXT_MON
    assert step(WED, 0, weekdays_only) == WED
    with pytest.raises(ValueError):
        step(MON, 1, lambda d: False)


def test_the_first_estimate_is_the_carriers_plan_with_its_own_error() -> None:
    rng = random.Random(1)
    draws = [first_estimate(rng, ETA, THU, MON, weekdays_only) for _ in range(20_000)]
    share = {d: draws.count(d) / len(draws) for d in set(draws)}
    assert set(share) == {WED, THU, FRI}
    assert share[WED] == pytest.approx(0.1, abs=0.01)
    assert share[FRI] == pytest.approx(0.2, abs=0.01)
    # a Monday plan a day early is the Friday before, never a weekend day, never before today
    early = {first_estimate(rng, ETA, NEXT_MON, MON, weekdays_only) for _ in range(2000)}
    assert early == {FRI, NEXT_MON, date(2026, 11, 17)}
    assert {first_estimate(rng, ETA, MON, MON, weekdays_only) for _ in range(2000)} <= {MON, TUE}


def test_a_revision_shows_after_the_carrier_knows_not_in_the_same_second() -> None:
    rng = random.Random(2)
    known = 1_000_000.0
    shown = [announce_at(rng, ETA, known) - known for _ in range(1000)]
    assert min(shown) >= 10 * 60 and max(shown) <= 90 * 60
    assert scan_overdue_at(known, ETA) == known + 24 * H


def test_revisions_are_sometimes_earlier_and_sometimes_wrong() -> None:
    rng = random.Random(3)
    # the estimate said Tuesday; a missed departure makes the carrier's plan Thursday
    revs = [
        revise(rng, ETA, Trigger.MISSED_DEPARTURE, TUE, THU, 0.0, MON, weekdays_only) for _ in range(20_000)
    ]
    days = [r.day for r in revs if r is not None]
    assert len(days) == len(revs)
    assert days.count(WED) / len(days) == pytest.approx(0.2, abs=0.01)  # too optimistic: missed again
    assert days.count(FRI) / len(days) == pytest.approx(0.1, abs=0.01)  # too cautious: corrected later
    assert days.count(THU) / len(days) == pytest.approx(0.7, abs=0.01)
    # an estimate the carrier's plan still agrees with is not revised; a missing scan is flagged all the same
    same = [
        revise(rng, ETA, Trigger.MISSED_DEPARTURE, THU, THU, 0.0, MON, weekdays_only) for _ in range(2000)
    ]
    assert 0.6 <= same.count(None) / len(same) <= 0.8
    late = [revise(rng, ETA, Trigger.SCAN_MISSING, THU, THU, 0.0, MON, weekdays_only) for _ in range(200)]
    assert all(r is not None and r.text == "running_late" for r in late)


def test_out_for_delivery_corrects_the_estimate_earlier_or_later() -> None:
    assert on_out_for_delivery(FRI, THU, 5.0) == Revision(THU, 5.0, "date_updated", True)
    assert on_out_for_delivery(WED, THU, 5.0) == Revision(THU, 5.0, "date_updated", False)
    assert on_out_for_delivery(THU, THU, 5.0) is None


def test_windows_hold_the_stop_except_the_missed_share() -> None:
    rng = random.Random(4)
    leaves = 8 * H
    outside = 0
    for _ in range(20_000):
        stop = leaves + rng.uniform(0.5 * H, 10 * H)
        w = delivery_window(rng, ETA, stop, leaves)
        assert w is not None and w[1] - w[0] == pytest.approx(4 * H) and w[0] >= leaves
        outside += not (w[0] <= stop <= w[1])
    assert outside / 20_000 == pytest.approx(0.1, abs=0.01)
    assert delivery_window(rng, PROFILES["usps"].eta, 10 * H, 8 * H) is None  # a date only


def test_the_profiles_reach_issue_12s_eta_targets_on_a_plain_population() -> None:
    """With 3 % of parcels a day late (the world's delays), each carrier's first estimate is met by
    80–98.5 % and ≥ 2 % of its revisions move earlier (issue 12's done-when)."""
    for key, p in PROFILES.items():
        rng = random.Random(key)
        met = revisions = earlier = 0
        n = 20_000
        for _ in range(n):
            plan = WED
            actual = THU if rng.random() < 0.03 else plan
            first = first_estimate(rng, p.eta, plan, MON, weekdays_only)
            met += actual <= first
            current = first
            if actual != plan:
                r = revise(rng, p.eta, Trigger.MISSED_DEPARTURE, current, actual, 0.0, MON, weekdays_only)
                if r is not None:
                    revisions += 1
                    earlier += r.earlier
                    current = r.day
            ofd = on_out_for_delivery(current, actual, 0.0)
            if ofd is not None:
                revisions += 1
                earlier += ofd.earlier
        assert 0.80 <= met / n <= 0.985, (key, met / n)
        assert earlier / revisions >= 0.02, (key, earlier / revisions)
