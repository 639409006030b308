"""Who parcels go to: destinations weighted by population, same-day destinations near a
warehouse, and the household a parcel is addressed to."""

from __future__ import annotations

import pytest

from sim.events import Service
from sim.network import build_network
from sim.places import PLACES
from sim.population import SAME_DAY_RADIUS_KM, Destinations, recipient
from sim.streams import ParcelRng
from sim.timing import haversine_km
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def destinations() -> Destinations:
    scenario = small_scenario()
    return Destinations(scenario, build_network(scenario))


def test_domestic_and_international_destinations_are_split_by_country(destinations: Destinations) -> None:
    domestic, cum = destinations.options("ups", Service.GROUND, "US")
    abroad, _ = destinations.options("ups", Service.INTERNATIONAL, "US")
    assert domestic and abroad
    assert {m.country for m in domestic} == {"US"}
    assert "US" not in {m.country for m in abroad}
    assert cum == sorted(cum) and cum[-1] == pytest.approx(1.0)


def test_a_uniform_draw_lands_on_cities_by_population(destinations: Destinations) -> None:
    options, cum = destinations.options("ups", Service.GROUND, "US")
    assert destinations.pick("ups", Service.GROUND, "US", 0.0) == options[0]
    assert destinations.pick("ups", Service.GROUND, "US", cum[0]) == options[1]  # edges belong to the next
    assert destinations.pick("ups", Service.GROUND, "US", 0.9999999999) == options[-1]
    n = 10_000
    share = (
        sum(destinations.pick("ups", Service.GROUND, "US", (i + 0.5) / n) == options[0] for i in range(n)) / n
    )
    total = sum(m.population for m in options)
    assert share == pytest.approx(options[0].population / total, abs=1 / n)


def test_a_service_that_reaches_nowhere_picks_nothing(destinations: Destinations) -> None:
    assert destinations.options("ups", Service.GROUND, "ZZ") == ([], [])  # no city in that country
    assert destinations.pick("ups", Service.GROUND, "ZZ", 0.5) is None
    assert destinations.pick("nobody", Service.GROUND, "US", 0.5) is None


def test_same_day_destinations_are_cities_near_the_warehouse(destinations: Destinations) -> None:
    net = destinations._net
    ewr = next(f for f in net.fcs if f.place.key == "EWR")
    picked = {destinations.near("amazon", ewr, (i + 0.5) / 50) for i in range(50)}
    assert picked == {PLACES["NYC"]}  # Newark: New York is 14 km away, Philadelphia 120 km
    for fc in net.fcs:
        m = destinations.near("amazon", fc, 0.5)
        if m is not None:
            assert haversine_km(fc.place.lat, fc.place.lon, m.lat, m.lon) <= SAME_DAY_RADIUS_KM
    mem = next(f for f in net.fcs if f.place.key == "MEM")
    assert destinations.near("nobody", mem, 0.5) is None


def test_a_recipient_is_one_draw_from_the_parcel_stream_and_the_same_household_every_time() -> None:
    a, b = ParcelRng(7), ParcelRng(7)
    assert recipient(1, PLACES["BER"], a) == recipient(1, PLACES["BER"], b)
    assert a.random() == b.random()  # both streams moved by exactly one draw
    street, name, _lat, _lon, postcode = recipient(1, PLACES["BER"], ParcelRng(8))
    assert 10115 <= int(postcode) <= 14199
    assert street[-1].isdigit() and name
