"""Pickups from shippers on tiny inputs: a warehouse's own slots, trucks that vary by day, the
label cut-off, pickup days, and scans spread over the loading."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sim import pickups
from sim.streams import ParcelRng

pytestmark = pytest.mark.unit

H = 3600.0
NY = ZoneInfo("America/New_York")
MON_TO_FRI = frozenset(range(5))


def at(d: int, h: float) -> float:
    return datetime(2026, 3, d, tzinfo=NY).timestamp() + h * H


def test_a_warehouse_slot_shifts_its_carriers_windows() -> None:
    base = pickups.PICKUP_WINDOWS["ups"]
    assert pickups.shipper_windows("ups", 0.5) == base
    early = pickups.shipper_windows("ups", 0.0)
    assert early == tuple(t - pickups.SHIPPER_OFFSET_S for t in base)
    assert pickups.shipper_windows("nobody", 0.5) == pickups.DEFAULT_WINDOWS
    # parcel carriers call in the afternoon and evening
    for carrier in ("ups", "fedex", "usps", "dhl", "hermes", "dpd"):
        assert all(14 * H <= t <= 20 * H for t in pickups.PICKUP_WINDOWS[carrier]), carrier


def test_a_truck_arrives_near_its_window_and_loads_for_twenty_to_forty_five_minutes() -> None:
    t = pickups.truck((16 * H,), 0, date(2026, 3, 2), NY, 0.5, 0.0)
    assert t.arrives == at(2, 16)
    assert t.departs - t.arrives == pickups.DWELL_S[0]
    late = pickups.truck((16 * H,), 0, date(2026, 3, 2), NY, 1.0, 1.0)
    assert late.arrives == at(2, 16) + pickups.DAY_JITTER_S
    assert late.departs - late.arrives == pickups.DWELL_S[1]
    assert pickups.scan_time(t, 0.0) == t.arrives and pickups.scan_time(t, 1.0) == t.departs


def test_next_truck_respects_the_label_cutoff_and_pickup_days() -> None:
    p = pickups.Pickups(seed=1)
    windows = p.windows("ups", "fc-EWR")
    assert p.windows("ups", "fc-EWR") is windows  # one slot per warehouse and carrier
    ready = at(2, 10)  # Monday 10:00
    t = p.next_truck("ups", "fc-EWR", NY, ready, MON_TO_FRI)
    assert t.arrives >= ready + pickups.LABEL_CUTOFF_S
    assert datetime.fromtimestamp(t.arrives, NY).date() == date(2026, 3, 2)
    friday_night = at(6, 22)
    monday = p.next_truck("ups", "fc-EWR", NY, friday_night, MON_TO_FRI)
    assert datetime.fromtimestamp(monday.arrives, NY).weekday() == 0
    # the same truck for every parcel that makes it (the schedule is the world's, not the parcel's)
    assert p.next_truck("ups", "fc-EWR", NY, ready + 60, MON_TO_FRI) == t


def test_trucks_vary_by_day_and_scans_spread_over_the_load() -> None:
    p = pickups.Pickups(seed=1)
    arrivals = {p.truck("fedex", "fc-ATL", NY, date(2026, 3, d), 0).arrives % 3600 for d in range(2, 7)}
    assert len(arrivals) == 5  # a different minute each day
    scans = [p.scan("fedex", "fc-ATL", NY, at(2, 8), MON_TO_FRI, ParcelRng(i))[0] for i in range(200)]
    t = p.next_truck("fedex", "fc-ATL", NY, at(2, 8), MON_TO_FRI)
    assert all(t.arrives <= s <= t.departs for s in scans)
    assert len({int(s) for s in scans}) > 150  # not one second for the whole load
    assert sum(int(s) % 3600 == 0 for s in scans) <= 2


def test_same_day_shuttles_are_fixed_and_shared() -> None:
    p = pickups.Pickups(seed=1)
    assert p.windows("amazon", "fc-EWR", same_day=True) == pickups.SAME_DAY_SHUTTLES
    t = p.next_truck("amazon", "fc-EWR", NY, at(2, 10), frozenset(range(7)), same_day=True)
    assert abs(t.arrives - at(2, 11)) <= pickups.DAY_JITTER_S


def test_a_truck_remembers_the_seconds_it_scanned_at_whatever_the_lane() -> None:
    p = pickups.Pickups(seed=1)
    t = p.next_truck("ups", "fc-EWR", NY, at(2, 8), MON_TO_FRI)
    taken = p.scanned("ups", "fc-EWR", False, t, t.arrives)
    taken.add(7)
    assert p.scanned("ups", "fc-EWR", False, t, t.arrives) == {7}
    assert p.scanned("ups", "fc-EWR", True, t, t.arrives) == set()  # the same-day shuttle is another truck


def _first_truck_walking(
    p: pickups.Pickups, carrier: str, fc: str, ready: float, days: object, same_day: bool
) -> pickups.Truck | None:
    """next_truck's definition: walk the days from the one before ready's, and their windows."""
    from datetime import timedelta

    from sim.localtime import local_date
    from sim.timing import works

    day = local_date(ready, NY) - timedelta(days=1)
    for offset in range(16):
        d = day + timedelta(days=offset)
        if works(d, days):  # type: ignore[arg-type]
            for i in range(len(p.windows(carrier, fc, same_day))):
                t = p.truck(carrier, fc, NY, d, i, same_day)
                if t.arrives >= ready + pickups.LABEL_CUTOFF_S:
                    return t
    return None


@pytest.mark.parametrize("windows", ["published", "overlapping"])
def test_next_truck_is_the_first_in_order_of_days_and_windows_late_enough(
    windows: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sim.timing import WorkDays

    if windows == "overlapping":  # jittered arrivals out of window order: the first in order counts
        monkeypatch.setitem(
            pickups.PICKUP_WINDOWS, "ups", (10.0 * 3600, 10.1 * 3600, 10.2 * 3600, 23.9 * 3600)
        )
    holidays = WorkDays(frozenset(range(5)), frozenset({date(2026, 11, 26), date(2026, 12, 25)}))
    p = pickups.Pickups(seed=3)
    rng = ParcelRng(17)
    start = datetime(2026, 11, 20, tzinfo=NY).timestamp()
    for k in range(3000):
        ready = start + rng.random() * 40 * 86400
        carrier = ("ups", "amazon", "usps")[k % 3]
        days = holidays if k % 2 else frozenset(range(6))
        same_day = k % 7 == 0
        got = p.next_truck(carrier, f"fc-{k % 4}", NY, ready, days, same_day)
        assert got == _first_truck_walking(p, carrier, f"fc-{k % 4}", ready, days, same_day), (k, ready)


def test_next_truck_says_so_when_no_pickup_day_comes_within_two_weeks() -> None:
    with pytest.raises(ValueError, match="two weeks"):
        pickups.Pickups(seed=3).next_truck("ups", "fc", NY, 1.8e9, frozenset(), False)
