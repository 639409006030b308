"""Public holidays by rule (sim/public_holidays.py), pinned against published dates."""

from __future__ import annotations

from datetime import date

import pytest

from sim.public_holidays import COUNTRIES, easter_sunday, holiday, nth_weekday, public_holidays

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "year, easter",
    [
        (1818, date(1818, 3, 22)),  # the earliest possible Easter
        (1943, date(1943, 4, 25)),  # the latest possible Easter
        (1961, date(1961, 4, 2)),
        (2000, date(2000, 4, 23)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_the_computus_gives_the_published_easter_sundays(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_nth_weekday_counts_from_either_end_of_the_month() -> None:
    assert nth_weekday(2026, 11, 3, 4) == date(2026, 11, 26)  # fourth Thursday of November
    assert nth_weekday(2026, 5, 0, -1) == date(2026, 5, 25)  # last Monday of May
    assert nth_weekday(2026, 12, 3, -1) == date(2026, 12, 31)  # last Thursday of December


def test_us_federal_holidays_2026() -> None:
    h = public_holidays("US", "TX", 2026)
    assert h[date(2026, 1, 19)] == "us.mlk_day"
    assert h[date(2026, 5, 25)] == "us.memorial_day"
    assert h[date(2026, 6, 19)] == "us.juneteenth"
    assert h[date(2026, 9, 7)] == "us.labor_day"
    assert h[date(2026, 10, 12)] == "us.columbus_day"
    assert h[date(2026, 11, 11)] == "us.veterans_day"
    assert h[date(2026, 11, 26)] == "us.thanksgiving"
    assert h[date(2026, 12, 25)] == "us.christmas"
    assert date(2026, 11, 27) not in h  # the day after Thanksgiving is no federal holiday


def test_us_holidays_on_a_weekend_are_observed_on_the_nearest_weekday() -> None:
    assert holiday("US", "NY", date(2026, 7, 3)) == "us.independence_day"  # 4 July 2026 is a Saturday
    assert holiday("US", "NY", date(2026, 7, 4)) == "us.independence_day"
    assert holiday("US", "NY", date(2022, 12, 26)) == "us.christmas"  # 25 Dec 2022 was a Sunday
    assert holiday("US", "NY", date(2027, 12, 31)) == "us.new_year"  # 1 Jan 2028 is a Saturday
    assert holiday("US", "NY", date(2020, 6, 19)) is None  # Juneteenth only from 2021


def test_german_national_holidays_follow_easter() -> None:
    h = public_holidays("DE", "BE", 2026)
    assert h[date(2026, 4, 3)] == "de.karfreitag"
    assert h[date(2026, 4, 6)] == "de.ostermontag"
    assert h[date(2026, 5, 14)] == "de.christi_himmelfahrt"
    assert h[date(2026, 5, 25)] == "de.pfingstmontag"
    assert h[date(2026, 10, 3)] == "de.deutsche_einheit"
    assert h[date(2026, 3, 8)] == "de.frauentag"  # Berlin's own


@pytest.mark.parametrize(
    "region, day, key",
    [
        ("NW", date(2026, 6, 4), "de.fronleichnam"),
        ("BE", date(2026, 6, 4), None),
        ("BY", date(2026, 1, 6), "de.heilige_drei_koenige"),
        ("HH", date(2026, 1, 6), None),
        ("HH", date(2026, 10, 31), "de.reformationstag"),
        ("NI", date(2026, 10, 31), "de.reformationstag"),
        ("NW", date(2026, 10, 31), None),
        ("NW", date(2026, 11, 1), "de.allerheiligen"),
        ("SN", date(2023, 11, 22), "de.buss_und_bettag"),
        ("SN", date(2024, 11, 20), "de.buss_und_bettag"),
        ("SN", date(2025, 11, 19), "de.buss_und_bettag"),
        ("SN", date(2026, 11, 18), "de.buss_und_bettag"),
        ("BY", date(2026, 11, 18), None),
        ("BY", date(2026, 8, 15), None),  # only in communes with a Catholic majority: left out
    ],
)
def test_german_laender_keep_their_own_holidays(region: str, day: date, key: str | None) -> None:
    assert holiday("DE", region, day) == key


def test_canadian_holidays_and_their_weekend_moves() -> None:
    assert holiday("CA", "ON", date(2026, 5, 18)) == "ca.victoria_day"
    assert holiday("CA", "ON", date(2027, 5, 24)) == "ca.victoria_day"
    assert holiday("CA", "ON", date(2026, 10, 12)) == "ca.thanksgiving"
    assert holiday("CA", "ON", date(2026, 11, 11)) == "ca.remembrance_day"
    assert holiday("CA", "ON", date(2026, 2, 16)) == "ca.family_day"
    assert holiday("CA", "QC", date(2026, 2, 16)) is None
    assert holiday("CA", "QC", date(2026, 6, 24)) == "ca.fete_nationale"
    # Boxing Day 2026 is a Saturday: the Monday after is the day off
    assert holiday("CA", "BC", date(2026, 12, 28)) == "ca.boxing_day"


def test_slovenian_and_kazakh_holidays() -> None:
    assert holiday("SI", "LJ", date(2026, 4, 6)) == "si.velikonocni_ponedeljek"
    assert holiday("SI", "LJ", date(2026, 2, 8)) == "si.presernov_dan"
    assert holiday("SI", "LJ", date(2016, 1, 2)) is None  # restored in 2017
    assert holiday("SI", "LJ", date(2017, 1, 2)) == "si.novo_leto_2"
    assert holiday("KZ", "ALA", date(2026, 3, 23)) == "kz.nauryz_3"
    assert holiday("KZ", "ALA", date(2026, 3, 9)) == "kz.womens_day"  # 8 March 2026 is a Sunday
    assert holiday("KZ", "ALA", date(2026, 10, 25)) == "kz.republic_day"
    assert holiday("KZ", "ALA", date(2026, 12, 17)) is None  # dropped from 2022
    assert holiday("KZ", "ALA", date(2021, 12, 17)) == "kz.independence_day_2"


def test_every_shipped_country_has_rules_and_unknown_ones_have_none() -> None:
    from sim.places import PLACES

    assert {p.country for p in PLACES.values()} <= set(COUNTRIES)
    assert public_holidays("FR", "", 2026) == {}
    with pytest.raises(TypeError):
        public_holidays("US", "TX", 2026)[date(2026, 1, 2)] = "x"  # type: ignore[index]
