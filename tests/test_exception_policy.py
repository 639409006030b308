"""The pure exception-mechanics functions (``sim.incidents``) and the carriers' failed-delivery
policies (``sim.profiles``): what follows a failed attempt, how long a hold lasts, when an address
correction comes, how damage is handled, when a lost parcel's next scan was expected."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from sim import incidents
from sim.events import ExceptionReason
from sim.profiles import PROFILES
from sim.profiles.types import MON_FRI, MON_SAT, FailedDeliveryPolicy
from sim.streams import ParcelRng, stream_seed

pytestmark = pytest.mark.unit

H = 3600.0
UNAVAILABLE, REFUSED = ExceptionReason.RECIPIENT_UNAVAILABLE, ExceptionReason.REFUSED


def rngs(n: int, name: str = "exc") -> list[ParcelRng]:
    return [ParcelRng(stream_seed(3, f"{name}:{i}")) for i in range(n)]


def steps(carrier: str, reason: ExceptionReason = UNAVAILABLE, override: int | None = None) -> list[str]:
    """The carrier's step after each failed attempt until it stops retrying."""
    policy = PROFILES[carrier].failed_delivery
    out = []
    for n in range(1, 6):
        out.append(incidents.after_failure_step(policy, reason, n, override))
        if out[-1] != "retry":
            return out
    return out


@pytest.mark.parametrize("carrier", sorted(PROFILES))
def test_a_refused_parcel_goes_back_at_once_with_every_carrier(carrier: str) -> None:
    assert steps(carrier, REFUSED) == ["return"]


@pytest.mark.parametrize(
    ("carrier", "expected"),
    [
        # three attempts on consecutive days, then held for pickup (UPS Access Point, FedEx location)
        ("ups", ["retry", "retry", "hold"]),
        ("fedex", ["retry", "retry", "hold"]),
        ("hermes", ["retry", "retry", "hold"]),
        # three attempts, then back to the shipper (Amazon keeps no hold after a failed attempt)
        ("amazon", ["retry", "retry", "return"]),
        # two attempts, then a Pickup Paketshop
        ("dpd", ["retry", "hold"]),
        # a notice and a hold after the one attempt: no automatic redelivery
        ("usps", ["hold"]),
        ("dhl", ["hold"]),
        ("canadapost", ["hold"]),
        ("kazpost", ["hold"]),
    ],
)
def test_each_carrier_attempts_as_its_policy_says(carrier: str, expected: list[str]) -> None:
    assert steps(carrier) == expected
    assert len(expected) == PROFILES[carrier].failed_delivery.attempts


def test_a_scenario_attempt_count_overrides_every_policy() -> None:
    assert steps("ups", override=1) == ["hold"]
    assert steps("amazon", override=5) == ["retry"] * 4 + ["return"]
    # a carrier that never redelivers by itself still holds after the first attempt
    assert steps("usps", override=3) == ["hold"]


def test_usps_leaves_a_notice_and_holds_without_redelivering() -> None:
    usps = PROFILES["usps"].failed_delivery
    assert usps.notice_left and not usps.auto_redelivery
    assert usps.hold_at == "post_office" and usps.hold_days == 15


def test_a_policy_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        FailedDeliveryPolicy(0, True, True, "station", 5, True)


def test_a_hold_counts_calendar_or_working_days() -> None:
    friday = date(2026, 12, 4)
    assert incidents.hold_until(friday, 7, False, MON_SAT) == date(2026, 12, 11)
    # five business days from a Friday: Mon–Fri of the next week
    assert incidents.hold_until(friday, 5, True, MON_FRI) == date(2026, 12, 11)
    # seven Werktage (Mon–Sat) from a Friday: Sat, Mon–Fri, Sat
    assert incidents.hold_until(friday, 7, True, MON_SAT) == date(2026, 12, 12)
    with pytest.raises(ValueError, match="working weekday"):
        incidents.hold_until(friday, 3, True, frozenset())


def test_the_check_in_comes_minutes_after_the_van_and_never_in_its_second() -> None:
    back = 1_000_000.0
    times = [incidents.station_checkin(r, back) for r in rngs(2000)]
    lo, hi = incidents.STATION_CHECKIN_S
    assert all(back + lo <= t <= back + hi for t in times)
    assert len({round(t) for t in times}) > 1000  # spread over the check-in, not one shared instant


def test_an_address_correction_comes_within_the_hold_mostly_early() -> None:
    days = Counter(incidents.address_fix_day(r, 5) for r in rngs(10_000))
    assert set(days) <= set(range(1, 6))
    assert days[1] / 10_000 == pytest.approx(incidents.ADDRESS_FIX_DAY_SHARES[0], abs=0.02)
    assert days[1] > days[2] > days[3]
    # a hold of one day: the correction comes that day or not at all
    assert {incidents.address_fix_day(r, 1) for r in rngs(500)} == {1}


def test_a_correction_comes_in_after_the_vans_have_left() -> None:
    lo, hi = incidents.ADDRESS_FIX_AFTER_VANS_S
    at = [incidents.address_fix_time(r, 8 * H) for r in rngs(1000)]
    assert all(8 * H + lo <= t <= 8 * H + hi for t in at) and len({round(t) for t in at}) > 950


def test_damage_is_sometimes_unscanned_mostly_repacked_for_hours_sometimes_returned() -> None:
    drawn = [incidents.damage_handling(r) for r in rngs(10_000)]
    kinds = Counter(k for k, _ in drawn)
    assert kinds["unscanned"] / 10_000 == pytest.approx(incidents.DAMAGE_UNSCANNED, abs=0.02)
    assert kinds["repacked"] / 10_000 == pytest.approx(incidents.DAMAGE_REPACKED, abs=0.02)
    assert kinds["returned"] > 0.1 * 10_000
    lo, hi = incidents.REPACK_S
    repacks = [s for k, s in drawn if k == "repacked"]
    assert all(lo <= s <= hi for s in repacks)
    assert len({round(s) for s in repacks}) > 0.9 * len(repacks)  # no repeated durations
    assert all(s == 0.0 for k, s in drawn if k != "repacked")


def test_damage_handling_takes_two_draws_whatever_it_decides() -> None:
    a, b = ParcelRng(9), ParcelRng(9)
    incidents.damage_handling(a)
    b.random(), b.random()
    assert a.random() == b.random()


def test_a_trace_is_concluded_in_office_hours() -> None:
    lo, hi = incidents.TRACE_OFFICE_S
    at = [incidents.trace_concluded_s(r) for r in rngs(1000)]
    assert all(lo <= t <= hi for t in at) and len({round(t) for t in at}) > 950


def test_a_lost_parcels_next_scan_was_expected_hours_later() -> None:
    lo, hi = incidents.EXPECTED_NEXT_SCAN_S
    at = [incidents.expected_next_scan(r, 0.0) for r in rngs(1000)]
    assert all(lo <= t <= hi for t in at)
    assert max(at) - min(at) > 0.8 * (hi - lo)
