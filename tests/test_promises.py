"""Promises from the standard (sim/promises.py): cut-offs, Fridays, holidays, peak, zones."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from sim.places import PLACES
from sim.promises import promise, ship_day

pytestmark = pytest.mark.unit

P = PLACES


def at(place: str, iso: str) -> float:
    """Epoch seconds of a local wall-clock time at a place."""
    return datetime.fromisoformat(iso).replace(tzinfo=P[place].zone).timestamp()


def test_ups_ground_zone_8_is_five_business_days_and_the_promise_runs_to_its_end_of_day() -> None:
    p = promise("ups", "ground", P["EWR"], P["LAX"], at("EWR", "2026-11-02T10:00"))  # a Monday
    assert (p.ship_day, p.business_days, p.day) == (date(2026, 11, 2), 5, date(2026, 11, 9))
    assert p.by == at("LAX", "2026-11-09T21:00")  # UPS delivers until 21:00


def test_a_label_after_the_cutoff_ships_the_next_pickup_day() -> None:
    before = promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-03T18:29"))
    after = promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-03T18:31"))
    assert (before.ship_day, before.day) == (date(2026, 11, 3), date(2026, 11, 4))
    assert (after.ship_day, after.day) == (date(2026, 11, 4), date(2026, 11, 5))


def test_friday_labels_count_business_days_over_the_weekend() -> None:
    # UPS Ground picks up Friday; zone 2 is one business day: Monday (no Saturday business day)
    assert promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-06T12:00")).day == date(
        2026, 11, 9
    )
    # after Friday's cut-off the next UPS pickup is Monday
    assert ship_day("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-06T20:00")) == date(2026, 11, 9)
    # USPS counts Saturdays: Priority Mail zone 1 picked up Friday is due Saturday
    assert promise("usps", "two_day", P["NYC"], P["NYC"], at("NYC", "2026-11-06T12:00")).day == date(
        2026, 11, 7
    )


def test_holidays_shift_the_promise_as_the_carrier_keeps_them() -> None:
    # the day before Thanksgiving, one business day: UPS closes Thursday, so Friday
    p = promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-25T12:00"))
    assert p.day == date(2026, 11, 27)
    # USPS closes on Veterans Day (Wed 11 Nov) and UPS does not: 2 days from Tuesday are Thu, Fri
    usps = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-11-10T12:00"))
    assert (usps.business_days, usps.day) == (2, date(2026, 11, 13))
    assert promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-10T12:00")).day == date(
        2026, 11, 11
    )
    # a label on Christmas Day ships on the next UPS pickup day (Monday: no Saturday pickups)
    assert ship_day("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-12-25T09:00")) == date(2026, 12, 28)


def test_german_carriers_count_working_days_mon_to_sat_and_their_land_holidays() -> None:
    # DHL Paket 1–2 Werktage: picked up Friday, two Werktage later is Monday (Saturday counts)
    assert promise("dhl", "ground", P["LEJ"], P["BER"], at("LEJ", "2026-11-13T12:00")).day == date(
        2026, 11, 16
    )
    # into Saxony across Buß- und Bettag (Wed 18 Nov): Tue -> Thu, Fri
    assert promise("dhl", "ground", P["FRA"], P["DRS"], at("FRA", "2026-11-17T12:00")).day == date(
        2026, 11, 20
    )
    # Hermes sells a day more than DHL
    hermes = promise("hermes", "ground", P["LEJ"], P["BER"], at("LEJ", "2026-11-10T12:00"))
    dhl = promise("dhl", "ground", P["LEJ"], P["BER"], at("LEJ", "2026-11-10T12:00"))
    assert (hermes.day - dhl.day).days == 1


def test_same_day_before_noon_and_next_day_after() -> None:
    morning = promise("amazon", "same_day", P["ONT"], P["LAX"], at("ONT", "2026-11-08T11:00"))  # a Sunday
    noon = promise("amazon", "same_day", P["ONT"], P["LAX"], at("ONT", "2026-11-08T12:30"))
    assert (morning.day, noon.day) == (date(2026, 11, 8), date(2026, 11, 9))
    assert morning.by == at("LAX", "2026-11-08T22:00")


def test_usps_peak_day_is_not_in_the_promise_and_express_keeps_its_guarantee() -> None:
    # USPS's extra peak day is in its own measurement only, never told to customers (OIG 25-036-R25)
    off = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-11-03T12:00"))
    peak = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-12-01T12:00"))
    assert (off.business_days, peak.business_days) == (2, 2)
    assert promise("usps", "next_day", P["NYC"], P["NYC"], at("NYC", "2026-12-01T12:00")).business_days == 1
    assert promise("ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-12-01T12:00")).business_days == 1


def test_cross_border_and_partner_services() -> None:
    p = promise("ups", "international", P["EWR"], P["YYZ"], at("EWR", "2026-11-02T10:00"))
    assert p.business_days == 5 and p.day == date(2026, 11, 9)
    # an Amazon parcel carried by USPS may be promised for a Sunday; USPS's own parcels are not
    amazon = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-11-05T12:00"), shipper="amazon")
    own = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-11-05T12:00"))
    assert own.day == date(2026, 11, 7) and amazon.day == date(2026, 11, 7)
    late = promise("usps", "ground", P["NYC"], P["NYC"], at("NYC", "2026-11-06T12:00"), shipper="amazon")
    assert late.day == date(2026, 11, 9)  # Sunday is not a business day of the standard


def test_a_shipper_whose_last_pickup_comes_early_ships_labels_after_it_the_next_day() -> None:
    """A shipper's own cut-off (its last scheduled truck less an hour, sim.pickups) moves the ship
    day only where it is earlier than the carrier's."""
    label = at("EWR", "2026-11-03T18:00")  # before UPS's 18:30
    assert ship_day("ups", "ground", P["EWR"], P["PHL"], label) == date(2026, 11, 3)
    early = 17.75 * 3600  # the shipper's truck comes at 18:45
    assert ship_day("ups", "ground", P["EWR"], P["PHL"], label, cutoff_s=early) == date(2026, 11, 4)
    late = 19.5 * 3600  # a later truck does not stretch the carrier's cut-off
    assert ship_day(
        "ups", "ground", P["EWR"], P["PHL"], at("EWR", "2026-11-03T18:45"), cutoff_s=late
    ) == date(2026, 11, 4)
    p = promise("ups", "ground", P["EWR"], P["PHL"], label, cutoff_s=early)
    assert (p.ship_day, p.day) == (date(2026, 11, 4), date(2026, 11, 5))
