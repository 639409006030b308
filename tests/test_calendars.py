"""Carrier calendars (sim/calendars.py): weekdays per carrier and service, holidays per carrier,
pickup points' open days."""

from __future__ import annotations

from datetime import date

import pytest

from sim.calendars import (
    add_business_days,
    business_days_between,
    holiday_closures,
    is_working_day,
    next_working_day,
    pickup_point_open_day,
    service_in,
)
from sim.profiles.types import PeakAdjustment

pytestmark = pytest.mark.unit

VETERANS_DAY = date(2026, 11, 11)  # a Wednesday
THANKSGIVING = date(2026, 11, 26)
CHRISTMAS = date(2026, 12, 25)  # a Friday
SUNDAY = date(2026, 11, 8)
SATURDAY = date(2026, 11, 7)


def test_usps_closes_on_veterans_day_and_ups_fedex_work_it() -> None:
    assert not is_working_day("usps", "ground", "US", "TX", VETERANS_DAY)
    assert is_working_day("ups", "ground", "US", "TX", VETERANS_DAY)
    assert is_working_day("fedex", "ground", "US", "TX", VETERANS_DAY)


@pytest.mark.parametrize("carrier", ["ups", "fedex", "usps"])
@pytest.mark.parametrize("day", [THANKSGIVING, CHRISTMAS, date(2027, 1, 1)])
def test_nobody_delivers_on_thanksgiving_christmas_or_new_year(carrier: str, day: date) -> None:
    assert not is_working_day(carrier, "ground", "US", "NY", day)
    assert not is_working_day(carrier, "ground", "US", "NY", day, kind="pickup")


def test_sundays_belong_to_amazon_and_to_usps_only_for_amazon_parcels() -> None:
    assert is_working_day("amazon", "two_day", "US", "WA", SUNDAY)
    assert not is_working_day("usps", "ground", "US", "WA", SUNDAY)
    assert is_working_day("usps", "ground", "US", "WA", SUNDAY, shipper="amazon")
    assert not is_working_day("usps", "ground", "US", "WA", SUNDAY, kind="business", shipper="amazon")
    assert not is_working_day("ups", "ground", "US", "WA", SUNDAY)
    assert not is_working_day("fedex", "ground", "US", "WA", SUNDAY)
    assert is_working_day("amazon", "two_day", "US", "WA", THANKSGIVING)
    assert not is_working_day("amazon", "two_day", "US", "WA", CHRISTMAS)


def test_saturdays_depend_on_carrier_and_service() -> None:
    assert is_working_day("ups", "ground", "US", "NY", SATURDAY)
    assert not is_working_day("ups", "ground", "US", "NY", SATURDAY, kind="business")
    assert not is_working_day("ups", "next_day", "US", "NY", SATURDAY)
    assert is_working_day("usps", "ground", "US", "NY", SATURDAY, kind="business")
    assert is_working_day("dhl", "ground", "DE", "BE", SATURDAY)
    assert not is_working_day("ups", "ground", "DE", "BE", SATURDAY)


def test_german_carriers_keep_the_holidays_of_the_land() -> None:
    buss_und_bettag = date(2026, 11, 18)
    assert not is_working_day("dhl", "ground", "DE", "SN", buss_und_bettag)  # Leipzig, Dresden
    assert is_working_day("dhl", "ground", "DE", "BE", buss_und_bettag)
    assert not is_working_day(
        "hermes", "ground", "DE", "NW", date(2026, 11, 1)
    )  # Allerheiligen, a Sunday anyway
    assert not is_working_day("dpd", "ground", "DE", "HH", date(2026, 10, 3))  # a Saturday holiday
    assert not is_working_day("ups", "ground", "DE", "BY", date(2026, 6, 4))  # Fronleichnam
    assert is_working_day("ups", "ground", "DE", "HH", date(2026, 6, 4))


def test_partners_keep_their_own_country_calendars() -> None:
    assert not is_working_day(
        "canadapost", "international", "CA", "ON", date(2026, 11, 11)
    )  # Remembrance Day
    assert not is_working_day("kazpost", "international", "KZ", "ALA", date(2026, 12, 16))
    assert is_working_day("kazpost", "international", "KZ", "ALA", date(2026, 12, 19))  # a Saturday


def test_add_business_days_skips_weekends_and_the_carriers_holidays() -> None:
    # a UPS Ground parcel picked up the Tuesday before Thanksgiving, 3 business days: Wed, Fri, Mon
    assert add_business_days("ups", "ground", "US", "NY", date(2026, 11, 24), 3) == date(2026, 11, 30)
    # USPS counts Saturdays but not Veterans Day: Tue +2 -> Thu (Wed closed) -> Fri
    assert add_business_days("usps", "ground", "US", "NY", date(2026, 11, 10), 2) == date(2026, 11, 13)
    # n = 0 is the day itself, or the next working day
    assert add_business_days("ups", "ground", "US", "NY", SATURDAY, 0) == date(2026, 11, 9)
    assert add_business_days("ups", "ground", "US", "NY", date(2026, 11, 9), 0) == date(2026, 11, 9)
    with pytest.raises(ValueError):
        add_business_days("ups", "ground", "US", "NY", SATURDAY, -1)


def test_business_days_between_is_e_plus_n() -> None:
    # DHL: picked up Friday 13 Nov, delivered Tuesday 17 Nov = E+3 (Sat, Mon, Tue)
    assert business_days_between("dhl", "ground", "DE", "BE", date(2026, 11, 13), date(2026, 11, 17)) == 3
    # in Saxony Buß- und Bettag (Wed 18 Nov) does not count
    assert business_days_between("dhl", "ground", "DE", "SN", date(2026, 11, 17), date(2026, 11, 19)) == 1


def test_next_working_day_and_its_limit() -> None:
    assert next_working_day("usps", "ground", "US", "NY", VETERANS_DAY) == date(2026, 11, 12)
    assert next_working_day("ups", "ground", "US", "NY", CHRISTMAS) == date(2026, 12, 26)  # a Saturday


def test_a_cross_border_service_is_the_carriers_product_for_abroad() -> None:
    assert service_in("dhl", "international", "SI").product == "DHL Express Worldwide"
    assert service_in("dhl", "ground", "DE").product == "DHL Paket"
    with pytest.raises(LookupError, match="Hermes Germany sells nothing in US"):
        service_in("hermes", "ground", "US")


def test_pickup_points_open_days() -> None:
    assert pickup_point_open_day("locker", "DE", "BE", date(2026, 12, 25))
    assert not pickup_point_open_day("branch", "DE", "BE", SUNDAY)
    assert not pickup_point_open_day("parcel_shop", "DE", "SN", date(2026, 11, 18))
    assert pickup_point_open_day("parcel_shop", "DE", "BE", date(2026, 11, 18))
    assert not pickup_point_open_day("post_office", "US", "NY", VETERANS_DAY)
    assert pickup_point_open_day("access_point", "US", "NY", VETERANS_DAY)
    assert pickup_point_open_day("access_point", "US", "NY", SUNDAY)
    assert not pickup_point_open_day("access_point", "US", "NY", THANKSGIVING)


def test_a_peak_window_may_wrap_the_new_year() -> None:
    peak = PeakAdjustment((11, 9), (1, 10), 1)
    assert (
        peak.applies(date(2026, 11, 9))
        and peak.applies(date(2027, 1, 10))
        and peak.applies(date(2026, 12, 31))
    )
    assert not peak.applies(date(2026, 11, 8)) and not peak.applies(date(2027, 1, 11))
    assert PeakAdjustment((3, 1), (3, 31), 1).applies(date(2026, 3, 15))


def test_holiday_closures_feed_the_weekday_calendars() -> None:
    from sim.timing import next_open_day

    ups = holiday_closures("ups", "US", "NY", 2026)
    assert THANKSGIVING in ups and CHRISTMAS in ups and VETERANS_DAY not in ups
    assert VETERANS_DAY in holiday_closures("usps", "US", "NY", 2026)
    mon_sat = frozenset(range(6))
    assert next_open_day(THANKSGIVING, mon_sat, ups) == date(2026, 11, 27)
    assert date(2026, 11, 18) in holiday_closures("dhl", "DE", "SN", 2026)
    assert date(2026, 11, 18) not in holiday_closures("dhl", "DE", "BE", 2026)
