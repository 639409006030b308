"""Pure timing rules on tiny inputs: distances and durations, departures and cut-offs, pickups,
the station's delivery day, business days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sim import timing
from sim.localtime import iso
from tests.tinyworld import MON_TO_FRI, MON_TO_SAT, MONDAY, NY, H, at

pytestmark = pytest.mark.unit

TUE, FRI, SAT, SUN = (MONDAY + timedelta(days=d) for d in (1, 4, 5, 6))
NEXT_MON = MONDAY + timedelta(days=7)


def test_great_circle_distances() -> None:
    # New York – Los Angeles, ~3,936 km; one degree of latitude, ~111.2 km
    assert timing.haversine_km(40.7128, -74.0060, 34.0522, -118.2437) == pytest.approx(3936, rel=0.005)
    assert timing.haversine_km(0, 0, 1, 0) == pytest.approx(111.19, rel=0.001)
    assert timing.haversine_km(52.52, 13.405, 52.52, 13.405) == 0


def test_next_departure_respects_the_loading_cutoff() -> None:
    deps = (10 * H, 14 * H)
    assert timing.next_departure(at(MONDAY, 9, 30), NY, deps) == at(MONDAY, 10)  # exactly at the cut-off
    assert timing.next_departure(at(MONDAY, 9, 31), NY, deps) == at(MONDAY, 14)
    assert timing.next_departure(at(MONDAY, 13, 45), NY, deps) == at(TUE, 10)  # tomorrow's first
    assert timing.next_departure(at(MONDAY, 13, 45), NY, deps, cutoff=0.0) == at(MONDAY, 14)


def test_next_departure_keeps_local_time_across_dst() -> None:
    # Saturday 2026-03-07 evening EST; the next 06:00 departure is Sunday's, in EDT
    dep = timing.next_departure(at(SAT, 20), NY, (6 * H,))
    assert iso(dep, NY) == "2026-03-08T06:00:00-04:00"
    # and on the autumn day of 25 hours (2026-11-01), 06:00 EST
    autumn = timing.next_departure(at(SAT + timedelta(days=238), 20), NY, (6 * H,))
    assert iso(autumn, NY) == "2026-11-01T06:00:00-05:00"


def test_a_departure_runs_only_on_its_weekdays() -> None:
    # a load plan: 04:20 Tuesday–Saturday, 21:20 Monday–Friday (local day it leaves)
    deps, runs = (4 * H + 1200, 21 * H + 1200), (frozenset(range(1, 6)), frozenset(range(5)))
    assert timing.next_departure(at(MONDAY, 3), NY, deps, runs=runs) == at(MONDAY, 21, 20)
    assert timing.next_departure(at(FRI, 22), NY, deps, runs=runs) == at(SAT, 4, 20)
    # ready Saturday after the last one of the week: Monday evening's trailer
    assert timing.next_departure(at(SAT, 5), NY, deps, runs=runs) == at(MONDAY + timedelta(days=7), 21, 20)
    # every day without ``runs``
    assert timing.next_departure(at(SAT, 5), NY, deps) == at(SAT, 21, 20)


def test_a_lane_needs_a_departure() -> None:
    with pytest.raises(ValueError, match="no departure"):
        timing.next_departure(at(MONDAY, 9), NY, ())


def test_pickup_needs_an_hour_and_a_working_day() -> None:
    times = (11 * H, 17 * H)
    assert timing.pickup_time(at(MONDAY, 10), NY, times, MON_TO_FRI) == at(MONDAY, 11)
    assert timing.pickup_time(at(MONDAY, 10, 1), NY, times, MON_TO_FRI) == at(MONDAY, 17)
    assert timing.pickup_time(at(FRI, 16, 30), NY, times, MON_TO_FRI) == at(NEXT_MON, 11)
    assert timing.pickup_time(at(FRI, 16, 30), NY, times, MON_TO_SAT) == at(SAT, 11)


def test_the_station_sends_out_what_arrived_by_eight_on_a_working_day() -> None:
    assert timing.delivery_day(at(MONDAY, 8), NY, MON_TO_FRI) == MONDAY
    assert timing.delivery_day(at(MONDAY, 8, 1), NY, MON_TO_FRI) == TUE
    assert timing.delivery_day(at(SAT, 5), NY, MON_TO_FRI) == NEXT_MON
    assert timing.delivery_day(at(SAT, 5), NY, MON_TO_SAT) == SAT
    assert timing.delivery_day(at(SAT, 9), NY, MON_TO_SAT) == NEXT_MON


def test_business_days_skip_days_off() -> None:
    assert timing.add_business_days(FRI, 1, MON_TO_FRI) == NEXT_MON
    assert timing.add_business_days(FRI, 2, MON_TO_SAT) == NEXT_MON
    assert timing.add_business_days(SUN, 0, MON_TO_FRI) == SUN
    assert timing.next_open_day(SAT, MON_TO_FRI) == NEXT_MON
    assert timing.next_open_day(MONDAY, MON_TO_FRI, holidays=frozenset({MONDAY})) == TUE
    with pytest.raises(ValueError):
        timing.next_open_day(MONDAY, frozenset())


def test_weekday_keys_and_the_promise_hour() -> None:
    assert timing.weekday_set(["mon", "sun"]) == frozenset({0, 6})
    assert iso(timing.end_of_day(MONDAY, NY), NY) == "2026-03-02T20:00:00-05:00"
