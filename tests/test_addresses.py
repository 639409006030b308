"""Addresses: many households per city, computed from an index; postcodes inside the city's real
ranges (US: real ZIP codes near their centroid); names without titles; one stream per city; house
numbers where the country writes them, and the neighbour's door two numbers on."""

from __future__ import annotations

import itertools
import re

import pytest

from sim import addresses as ad
from sim.places import PLACES, Place
from sim.timing import haversine_km

pytestmark = pytest.mark.unit


def households(key: str, n: int = 3000, seed: int = 1) -> list[ad.Address]:
    c = ad.city(seed, PLACES[key])
    return [ad.household(c, i) for i in range(n)]


def test_a_household_is_the_same_every_time_and_cities_have_thousands() -> None:
    a = ad.household(ad.city(1, PLACES["NYC"]), 12345)
    assert ad.household(ad.city.__wrapped__(1, PLACES["NYC"]), 12345) == a
    hs = households("NYC")
    assert len({h[0] for h in hs}) > 2900  # distinct doors
    assert len({h[4] for h in hs}) > 150  # postcodes all over the city
    assert ad.ADDRESSES_PER_CITY >= 10_000


def test_us_postcodes_are_real_zip_codes_of_the_metro_and_doors_sit_near_them() -> None:
    zips = {z: (lat, lon) for z, lat, lon in ad.us_zips()["NYC"]}
    assert {"10001", "11201", "10451"} <= set(zips)  # Manhattan, Brooklyn, the Bronx
    for street, _name, lat, lon, postcode in households("NYC", 500):
        assert postcode in zips
        zlat, zlon = zips[postcode]
        assert haversine_km(lat, lon, zlat, zlon) < 6.0
        assert street.split()[0].isdigit()  # "1234 Oak St"
    assert all(len(ad.us_zips()[k]) >= 5 for k in ("BOI", "NYC", "LAX", "ABQ"))


@pytest.mark.parametrize(
    ("key", "low", "high"),
    [("BER", 10115, 14199), ("MUC", 80331, 81929), ("HAM", 20095, 22769), ("ALA", 50000, 50063)],
)
def test_postcodes_outside_the_us_come_from_the_citys_ranges(key: str, low: int, high: int) -> None:
    codes = {h[4] for h in households(key, 2000)}
    assert all(low <= int(c) <= high for c in codes)
    assert len(codes) > 20
    digits = ad.POSTCODE_DIGITS[PLACES[key].country]
    assert all(len(c) == digits for c in codes)


def test_canadian_postcodes_use_the_citys_forward_sortation_areas() -> None:
    for *_, postcode in households("YYZ", 300):
        assert re.fullmatch(r"M\d[A-Z] \d[A-Z]\d", postcode)
        assert postcode[:3] in ad.FSAS["YYZ"]


def test_postcodes_follow_position_outside_the_us() -> None:
    """Neighbouring streets share postcodes: doors within 300 m mostly have the same one."""
    hs = households("BER", 3000)
    near = same = 0
    for a, b in itertools.pairwise(hs):
        if haversine_km(a[2], a[3], b[2], b[3]) < 0.3:
            near += 1
            same += a[4] == b[4]
    assert near == 0 or same / near > 0.5


def test_names_carry_no_titles_and_agree_in_gender() -> None:
    berlin = [h[1] for h in households("BER", 20_000)]
    assert not any(re.search(r"\b(Dr|Prof|Dipl)\.|\bII\b|\bMBA\b", n) for n in berlin)
    assert len(set(berlin)) > 10_000
    (female_first, female_last), (male_first, male_last) = ad.lexicon("ru_RU")[1]
    for name in (h[1] for h in households("ALA", 2000)):
        first, last = name.split(" ", 1)
        # Russian surnames agree with the first name: Ольга Иванова, not Ольга Иванов
        assert (first in female_first and last in female_last) or (first in male_first and last in male_last)
    assert ad.plain_name("Klaus-Ulrich Koch")
    assert not ad.plain_name("Dr. Koch") and not ad.plain_name("Koch II")


def test_adding_a_city_does_not_move_another() -> None:
    """Each city draws from its own stream: a world with more cities builds the same Berlin."""
    ad.city.cache_clear()
    before = households("BER", 200)
    for key in ("MUC", "HAM", "CGN"):
        ad.city(1, PLACES[key])
    ad.city.cache_clear()
    ad.city(1, PLACES["LJU"])
    assert households("BER", 200) == before
    assert households("BER", 200, seed=2) != before


def test_house_numbers_where_the_country_writes_them() -> None:
    assert ad.street_line("US", "Oak Street", 12, None) == "12 Oak Street"
    assert ad.street_line("US", "Oak Street", 12, 4) == "12 Oak Street Apt 4"
    assert ad.street_line("DE", "Hauptstraße", 5, None) == "Hauptstraße 5"
    assert ad.street_line("KZ", "ул. Абая", 5, 12) == "ул. Абая, д. 5, кв. 12"
    assert 1 <= ad.house_number("DE", 0.0) and ad.house_number("DE", 0.999) <= 181
    assert ad.house_number("US", 0.999) > 1000


@pytest.mark.parametrize(
    ("line", "neighbour"),
    [
        ("350 Fifth Avenue", "352 Fifth Avenue"),
        ("350 Fifth Avenue Apt 12", "352 Fifth Avenue Apt 12"),
        ("Hauptstraße 5", "Hauptstraße 7"),
        ("Straße des 17. Juni 5", "Straße des 17. Juni 7"),
        ("Zarnikova ulica 12", "Zarnikova ulica 14"),
        ("ул. Абая, д. 5, кв. 12", "ул. Абая, д. 7, кв. 12"),
        ("Am Markt", "Am Markt A"),
    ],
)
def test_the_neighbours_door_is_two_house_numbers_on(line: str, neighbour: str) -> None:
    assert ad.neighbour_line(line) == neighbour


def test_service_radius_grows_with_the_metro() -> None:
    small = Place("X", "X", "X", "US", "00000", 0, 0, "UTC", 0.25)
    assert ad.service_radius_km(small) == pytest.approx(12.0)
    assert ad.service_radius_km(PLACES["NYC"]) > ad.service_radius_km(PLACES["BOI"])
    assert ad.postcode_in_ranges(((1, 2), (10, 10)), 4, 0.0) == "0001"
    assert ad.postcode_in_ranges(((1, 2), (10, 10)), 4, 0.99) == "0010"
