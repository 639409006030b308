"""The world's working calendars (sim/workdays.py, sim.timing.WorkDays) and scan uploads
(sim.visibility.Uploads): holidays close a carrier's days where its profile says, USPS works Sundays
for Amazon parcels only, a device's batch shares its upload and lateness."""

from __future__ import annotations

from datetime import date

import pytest

from sim import timing
from sim.places import Place
from sim.profiles import PROFILES
from sim.scenario import load_scenario
from sim.streams import ParcelRng
from sim.timing import WorkDays
from sim.visibility import Uploads
from sim.workdays import WorkCalendars

pytestmark = pytest.mark.unit

VETERANS_DAY = date(2026, 11, 11)
THANKSGIVING = date(2026, 11, 26)
SUNDAY = date(2026, 11, 8)
NYC = Place("NYC", "New York", "NY", "US", "10001", 40.7, -74.0, "America/New_York", 19.0)


@pytest.fixture(scope="module")
def calendars() -> WorkCalendars:
    return WorkCalendars(load_scenario("baseline")[0])


def test_workdays_close_their_dates_and_keep_weekday_membership() -> None:
    days = WorkDays(frozenset(range(5)), frozenset({VETERANS_DAY}))
    assert 2 in days and 6 not in days and len(days) == 5
    assert not timing.works(VETERANS_DAY, days)
    assert timing.next_open_day(VETERANS_DAY, days) == date(2026, 11, 12)
    assert timing.works(VETERANS_DAY, frozenset(range(5)))  # a plain weekday set knows no holiday


def test_usps_closes_on_veterans_day_ups_works_it_and_both_close_on_thanksgiving(
    calendars: WorkCalendars,
) -> None:
    usps = calendars.days("usps", "delivery", NYC, "ground")
    ups = calendars.days("ups", "delivery", NYC, "ground")
    assert not timing.works(VETERANS_DAY, usps)
    assert timing.works(VETERANS_DAY, ups)
    assert not timing.works(THANKSGIVING, usps) and not timing.works(THANKSGIVING, ups)
    assert not timing.works(THANKSGIVING, calendars.days("fedex", "pickup", NYC))


def test_usps_delivers_sundays_for_amazon_parcels_only(calendars: WorkCalendars) -> None:
    assert not timing.works(SUNDAY, calendars.days("usps", "delivery", NYC, "ground", "usps"))
    assert not timing.works(SUNDAY, calendars.days("usps", "delivery", NYC, "ground", "ups"))
    assert timing.works(SUNDAY, calendars.days("usps", "delivery", NYC, "ground", "amazon"))
    assert not timing.works(SUNDAY, calendars.days("ups", "delivery", NYC, "ground"))  # UPS Ground: Mon–Sat


def test_a_scenarios_own_weekdays_win_over_the_profile() -> None:
    scenario = load_scenario("germany")[0]
    cal = WorkCalendars(scenario)
    berlin = Place("BER", "Berlin", "BE", "DE", "10115", 52.5, 13.4, "Europe/Berlin", 3.6)
    assert cal.days("dhl", "delivery", berlin).weekdays == timing.weekday_set(scenario.delivery_days("dhl"))


def test_a_devices_batch_shares_its_upload_and_a_late_batch_is_hours_late() -> None:
    vis = PROFILES["ups"].visibility
    up = Uploads(7, {"ups": vis})
    t0 = 1_800_000_000.0
    lags = [
        up.visible_at(t0 + k * 7.0, "ups-hub-X", "ups", ParcelRng(k), False) - (t0 + k * 7.0)
        for k in range(30)
    ]
    assert min(lags) >= 0
    # over many batches some are hours late, at about the profile's share
    late = sum(
        up.visible_at(t0 + k * vis.batch_interval_s, f"dev{k % 50}", "ups", ParcelRng(k), False)
        - (t0 + k * vis.batch_interval_s)
        > vis.late_batch_s[0]
        for k in range(20_000)
    )
    assert 0.3 * vis.late_batch_share < late / 20_000 < 3 * vis.late_batch_share
    first = up.visible_at(t0, "ups-hub-X", "ups", ParcelRng(1), True) - t0
    assert vis.first_event_s[0] <= first <= vis.first_event_s[1]


def test_the_lag_table_is_the_profiles_lognormal() -> None:
    from sim.visibility import lag_quantiles

    vis = PROFILES["ups"].visibility
    table = lag_quantiles(vis)
    assert list(table) == sorted(table)
    assert abs(table[len(table) // 2] - vis.lag_median_s) < 1e-6 * vis.lag_median_s
    p95 = table[round(0.95 * (len(table) - 1))]
    assert abs(p95 - vis.lag_p95_s) / vis.lag_p95_s < 0.02
