"""Who parcels go to: recipient names and street addresses per city, and which cities a carrier's
service reaches, weighted by population.

Addresses come from the country's Faker locale, on streams of their own, so the rest of the world
never moves when the address pool does.
"""

from __future__ import annotations

from functools import lru_cache

from faker import Faker

from sim.events import Service
from sim.network import Network
from sim.places import Place
from sim.scenario import Scenario
from sim.streams import named_random, stream_seed

ADDRESS_POOL = 48  # generated recipient addresses per metro
# Faker has no Kazakh locale (kk_KZ); Russian is an official language of Kazakhstan and how most
# addresses there are printed, so ru_RU stands in.
FAKER_LOCALES = {"US": "en_US", "CA": "en_CA", "DE": "de_DE", "KZ": "ru_RU", "SI": "sl_SI", "GB": "en_GB"}
FALLBACK_LOCALE = "en_US"

Address = tuple[str, str, float, float]  # street, name, lat, lon


@lru_cache(maxsize=16)
def address_pools(seed: int, metros: tuple[Place, ...]) -> dict[str, list[Address]]:
    """Recipient addresses and names per city, from the country's Faker locale. Pure in its
    arguments, so a sandbox that resets (or a test suite that builds many) makes them once."""
    pools: dict[str, list[Address]] = {}
    fakers: dict[str, Faker] = {}
    rng = named_random(seed, "addresses")
    for metro in metros:
        locale = FAKER_LOCALES.get(metro.country, FALLBACK_LOCALE)
        if locale not in fakers:
            fakers[locale] = Faker(locale)
            fakers[locale].seed_instance(stream_seed(seed, f"faker:{locale}"))
        fk = fakers[locale]
        pools[metro.key] = [
            (
                fk.street_address(),
                fk.name(),
                metro.lat + rng.uniform(-0.12, 0.12),
                metro.lon + rng.uniform(-0.15, 0.15),
            )
            for _ in range(ADDRESS_POOL)
        ]
    return pools


class Destinations:
    """The cities each carrier's service reaches from an origin country — by itself or through the
    partner that carries that service's last mile — with cumulative population weights."""

    def __init__(self, scenario: Scenario, net: Network) -> None:
        self._scenario = scenario
        self._net = net
        self._cache: dict[tuple[str, Service, str], tuple[list[Place], list[float]]] = {}

    def options(self, carrier: str, service: Service, origin_country: str) -> tuple[list[Place], list[float]]:
        key = (carrier, service, origin_country)
        cached = self._cache.get(key)
        if cached is None:
            net = self._net
            international = service is Service.INTERNATIONAL
            cfg = self._scenario.carriers.get(carrier)
            partner = cfg.partner.get(service) if cfg else None
            options = [
                m
                for m in net.metros
                if (net.serves(carrier, m.key) or (partner and net.serves(partner, m.key)))
                and (m.country != origin_country) == international
            ]
            total = sum(m.population for m in options)
            cum, acc = [], 0.0
            for m in options:
                acc += m.population / total if total else 1 / len(options)
                cum.append(acc)
            cached = self._cache[key] = (options, cum)
        return cached

    def pick(self, carrier: str, service: Service, origin_country: str, u: float) -> Place | None:
        """The city a uniform draw ``u`` in [0, 1) lands on, or None when the service reaches none."""
        options, cum = self.options(carrier, service, origin_country)
        if not options:
            return None
        for m, c in zip(options, cum, strict=True):
            if u < c:
                return m
        return options[-1]
