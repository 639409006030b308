"""Incident draws on tiny inputs: each rate owns its own uniform (so raising one rate only adds
incidents), and every duration lands in its published range and shape."""

from __future__ import annotations

import statistics

import pytest

from sim import incidents
from sim.events import ExceptionReason
from sim.scenario import IncidentRates
from sim.streams import ParcelRng, stream_seed
from tests.tinyworld import Scripted

pytestmark = pytest.mark.unit

H = 3600.0
N = 20_000


def rngs(n: int = N, name: str = "parcel") -> list[ParcelRng]:
    return [ParcelRng(stream_seed(1, f"{name}:{i}")) for i in range(n)]


def test_a_fate_takes_the_same_draws_whatever_the_rates() -> None:
    none, every = (
        IncidentRates.model_validate({}),
        IncidentRates.model_validate(
            {
                k: 1.0
                for k in (
                    "loss",
                    "misdelivery",
                    "damage",
                    "address_error",
                    "pickup_point_choice",
                    "unclaimed",
                )
            }
        ),
    )
    a, b = ParcelRng(5), ParcelRng(5)
    incidents.draw_fate(a, none, 4, 2)
    incidents.draw_fate(b, every, 4, 2)
    assert a.random() == b.random()  # the parcel's later draws are where they were


def test_raising_a_rate_only_adds_incidents() -> None:
    def lost(rate: float) -> set[int]:
        rates = IncidentRates(loss=rate)
        return {
            i for i, r in enumerate(rngs(5000)) if incidents.draw_fate(r, rates, 4, 2).lost_leg is not None
        }

    low, high = lost(0.05), lost(0.10)
    assert low < high
    assert len(high) / 5000 == pytest.approx(0.10, abs=0.015)
    assert lost(0.0) == set()


def test_lost_leg_and_damaged_hub_lie_on_the_route() -> None:
    rates = IncidentRates(loss=1.0, damage=1.0)
    fates = [incidents.draw_fate(r, rates, 3, 2) for r in rngs(3000)]
    assert {f.lost_leg for f in fates} == {0, 1, 2}
    assert {f.damaged_at_hub for f in fates} == {0, 1}
    assert {f.lost_in_facility for f in fates} == {True, False}
    exc = [f.lost_exception_after_s for f in fates if f.lost_exception_after_s is not None]
    assert 0.4 < len(exc) / len(fates) < 0.6  # lost_exception_share 0.5
    assert min(exc) >= 5 * 86400 and max(exc) <= 10 * 86400
    # nowhere to lose or damage it: no incident, whatever the dice say
    direct = incidents.draw_fate(ParcelRng(1), rates, 0, 0)
    assert direct.lost_leg is None and direct.damaged_at_hub is None


def test_retries_fail_at_half_the_first_attempt_rate() -> None:
    first = [incidents.attempt_failure(r, 0.2, 1) for r in rngs()]
    retry = [incidents.attempt_failure(r, 0.2, 2) for r in rngs(name="retry")]
    failed = [x for x in first if x is not None]
    assert len(failed) / N == pytest.approx(0.2, abs=0.01)
    assert sum(x is not None for x in retry) / N == pytest.approx(0.1, abs=0.01)
    share = {reason: failed.count(reason) / len(failed) for reason in set(failed)}
    assert share[ExceptionReason.RECIPIENT_UNAVAILABLE] == pytest.approx(0.70, abs=0.03)
    assert share[ExceptionReason.NO_ACCESS] == pytest.approx(0.22, abs=0.03)
    assert share[ExceptionReason.REFUSED] == pytest.approx(0.08, abs=0.02)


def test_after_a_failed_attempt_follows_the_configured_shares() -> None:
    rates = IncidentRates.model_validate(
        {"after_failed_attempt": {"retry": 0.5, "pickup_point": 0.3, "return_to_sender": 0.2}}
    )
    choices = [incidents.after_failed_attempt(r, rates) for r in rngs()]
    assert choices.count("retry") / N == pytest.approx(0.5, abs=0.015)
    assert choices.count("pickup_point") / N == pytest.approx(0.3, abs=0.015)
    assert choices.count("return") / N == pytest.approx(0.2, abs=0.015)


def test_lognormal_hits_its_median_and_95th_percentile() -> None:
    xs = sorted(incidents.lognormal_seconds(r, 20 * 60, 60 * 60) for r in rngs())
    assert statistics.median(xs) == pytest.approx(20 * 60, rel=0.03)
    assert xs[int(0.95 * N)] == pytest.approx(60 * 60, rel=0.05)


def test_holds_and_breakdowns_are_zero_or_in_their_range() -> None:
    holds = [incidents.customs_hold(r, 0.3) for r in rngs()]
    held = [h for h in holds if h]
    assert len(held) / N == pytest.approx(0.3, abs=0.015)
    assert min(held) >= 6 * H and max(held) <= 72 * H
    assert statistics.median(held) < 30 * H  # skewed towards short holds (v² shape)
    breaks = [incidents.breakdown_delay(r, 1.0) for r in rngs(2000)]
    assert min(breaks) >= 2 * H and max(breaks) <= 8 * H
    assert all(incidents.breakdown_delay(r, 0.0) == 0.0 for r in rngs(2000))
    assert all(H <= incidents.customs_processing(r) <= 3 * H for r in rngs(2000))


def test_visibility_lag_first_scan_and_updates() -> None:
    first = [incidents.visibility_lag(r, True) for r in rngs(5000)]
    assert min(first) >= 10 * 60 and max(first) <= 30 * 60
    later = [incidents.visibility_lag(r, False) for r in rngs()]
    assert sum(x < 15 * 60 for x in later) / N == pytest.approx(0.70, abs=0.015)
    assert sum(x >= 60 * 60 for x in later) / N == pytest.approx(0.05, abs=0.01)
    assert max(later) <= 2 * H
    # the bucket edges: a draw of exactly 0.70 starts the second bucket
    assert incidents.visibility_lag(Scripted(0.70), False) == 15 * 60
    assert incidents.visibility_lag(Scripted(0.0), False) == 0


def test_delivery_place_boundaries() -> None:
    assert incidents.delivery_place(Scripted(0.6199)) == "front_door"
    assert incidents.delivery_place(Scripted(0.62)) == "mailbox"
    assert incidents.delivery_place(Scripted(0.75)) == "left_with_individual"
    assert incidents.delivery_place(Scripted(0.9599)) == "front_desk"
    assert incidents.delivery_place(Scripted(0.96)) == "garage"
    assert incidents.delivery_place(Scripted(0.999999)) == "garage"


def test_a_delivery_base_carries_a_parcel_over_each_day_anew() -> None:
    assert incidents.carry_over_days(Scripted(), 0.0) == 0  # no share: no draw at all
    assert incidents.carry_over_days(Scripted(0.06), 0.06) == 0
    assert incidents.carry_over_days(Scripted(0.059, 0.5), 0.06) == 1
    assert incidents.carry_over_days(Scripted(0.01, 0.02, 0.07), 0.06) == 2
    days = [incidents.carry_over_days(r, 0.2) for r in rngs()]
    once, twice = sum(d >= 1 for d in days) / N, sum(d >= 2 for d in days) / N
    assert once == pytest.approx(0.2, abs=0.01)
    assert twice == pytest.approx(0.04, abs=0.005)  # a second day's miss is as likely as the first


def _fate_drawing_all_twelve(rng: ParcelRng, rates: IncidentRates, n_legs: int, n_hubs: int) -> tuple:
    """draw_fate as it was: all twelve uniforms made, used or not."""
    u = [rng.random() for _ in range(12)]
    lost = u[0] < rates.loss and n_legs > 0
    damaged = u[5] < rates.damage and n_hubs > 0
    return (
        min(n_legs - 1, int(u[1] * n_legs)) if lost else None,
        lost and u[4] < 0.5,
        (5 + 5 * u[3]) * 86400 if lost and u[2] < rates.lost_exception_share else None,
        min(n_hubs - 1, int(u[6] * n_hubs)) if damaged else None,
        u[7] < rates.misdelivery,
        u[8] < rates.address_error,
        u[9] < rates.address_corrected_share,
        u[10] < rates.pickup_point_choice,
        u[11] < rates.unclaimed,
    )


@pytest.mark.unit
@pytest.mark.parametrize("rate", [0.0, 0.3, 1.0])
def test_fate_skips_unused_draws_but_keeps_every_draw_and_its_place(rate: float) -> None:
    rates = IncidentRates(loss=rate, damage=rate, misdelivery=0.3, address_error=0.3, unclaimed=0.3)
    for seed in range(300):
        n_legs, n_hubs = seed % 4, (seed // 4) % 3
        mine, theirs = ParcelRng(seed), ParcelRng(seed)
        f = incidents.draw_fate(mine, rates, n_legs, n_hubs)
        got = (
            f.lost_leg,
            f.lost_in_facility,
            f.lost_exception_after_s,
            f.damaged_at_hub,
            f.misdelivered,
            f.address_error,
            f.address_corrected,
            f.pickup_point,
            f.unclaimed,
        )
        assert got == _fate_drawing_all_twelve(theirs, rates, n_legs, n_hubs), seed
        assert mine.random() == theirs.random()  # the stream goes on from the same place


@pytest.mark.unit
def test_an_attempt_takes_two_draws_whether_it_fails_or_not() -> None:
    for seed in range(200):
        mine, theirs = ParcelRng(seed), ParcelRng(seed)
        reason = incidents.attempt_failure(mine, 0.5, 1 + seed % 3)
        u, u_reason = theirs.random(), theirs.random()
        p = 0.5 if seed % 3 == 0 else 0.25
        assert (reason is None) == (u >= p)
        if reason is not None:
            assert reason == incidents.attempt_failure(ParcelRng(seed), 0.5, 1 + seed % 3)
            assert (reason is ExceptionReason.RECIPIENT_UNAVAILABLE) == (u_reason < 0.70)
        assert mine.random() == theirs.random()


def test_the_air_sort_is_quicker_than_the_ground_floor_and_takes_the_same_one_draw() -> None:
    """Express is sorted apart: ~13 minutes through the air sort (Worldport) against the ground
    floor's ~20, from one draw each, so switching a parcel between them moves no later draw."""
    air = [incidents.air_sort_seconds(ParcelRng(stream_seed(5, f"a{i}"))) for i in range(4000)]
    ground = [incidents.sort_seconds(ParcelRng(stream_seed(5, f"a{i}"))) for i in range(4000)]
    assert statistics.median(air) == pytest.approx(13 * 60, rel=0.05)
    assert statistics.median(ground) == pytest.approx(20 * 60, rel=0.05)
    assert statistics.quantiles(air, n=20)[-1] == pytest.approx(39 * 60, rel=0.1)
    a, b = ParcelRng(9), ParcelRng(9)
    incidents.air_sort_seconds(a)
    incidents.sort_seconds(b)
    assert a.random() == b.random()


def test_a_missort_reaches_the_door_a_drawn_while_after_the_cutoff_never_on_the_minute() -> None:
    late = [incidents.missort_late_seconds(ParcelRng(stream_seed(6, f"m{i}"))) for i in range(500)]
    lo, hi = incidents.MISSORT_LATE_S
    assert all(lo <= s <= hi for s in late)
    assert sum(s % 60 == 0 for s in late) <= 1 and max(late) - min(late) > 0.9 * (hi - lo)
