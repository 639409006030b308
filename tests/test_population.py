"""Who parcels go to: address pools per city, and destinations weighted by population."""

from __future__ import annotations

import pytest

from sim.events import Service
from sim.network import build_network
from sim.population import ADDRESS_POOL, Destinations, address_pools
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


def test_address_pools_are_reproducible_per_seed() -> None:
    metros = tuple(build_network(small_scenario()).metros[:3])
    a, b = address_pools.__wrapped__(1, metros), address_pools.__wrapped__(1, metros)
    assert a == b
    assert a != address_pools.__wrapped__(2, metros)
    for metro in metros:
        pool = a[metro.key]
        assert len(pool) == ADDRESS_POOL
        assert all(abs(lat - metro.lat) <= 0.12 and abs(lon - metro.lon) <= 0.15 for _, _, lat, lon in pool)
        assert len({street for street, _, _, _ in pool}) > ADDRESS_POOL * 0.9
