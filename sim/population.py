"""Who parcels go to: which cities a carrier's service reaches, weighted by population, and the
household a parcel is addressed to (``sim.addresses``)."""

from __future__ import annotations

from bisect import bisect_right

from sim import addresses
from sim.addresses import ADDRESSES_PER_CITY, Address
from sim.events import Service
from sim.network import Facility, Network
from sim.places import Place
from sim.scenario import Scenario
from sim.streams import Rng
from sim.timing import haversine_km

SAME_DAY_RADIUS_KM = 100.0  # same-day is sold only from a warehouse this close to the recipient


def recipient(seed: int, place: Place, rng: Rng) -> Address:
    """A household in ``place`` for a parcel drawing from ``rng`` (one draw)."""
    return addresses.household(addresses.city(seed, place), rng.randrange(ADDRESSES_PER_CITY))


class Destinations:
    """The cities each carrier's service reaches from an origin country — by itself or through the
    partner that carries that service's last mile — with cumulative population weights."""

    def __init__(self, scenario: Scenario, net: Network) -> None:
        self._scenario = scenario
        self._net = net
        self._cache: dict[tuple[str, Service, str], tuple[list[Place], list[float]]] = {}
        self._near: dict[tuple[str, str], tuple[list[Place], list[float]]] = {}

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
        return options[min(bisect_right(cum, u), len(options) - 1)]  # the first c with u < c

    def near(self, carrier: str, fc: Facility, u: float) -> Place | None:
        """A city within ``SAME_DAY_RADIUS_KM`` of ``fc`` that ``carrier`` serves (population
        weighted), for same-day: None when there is none."""
        key = (carrier, fc.id)
        cached = self._near.get(key)
        if cached is None:
            net = self._net
            options = [
                m
                for m in net.metros
                if net.serves(carrier, m.key)
                and m.country == fc.place.country
                and haversine_km(fc.place.lat, fc.place.lon, m.lat, m.lon) <= SAME_DAY_RADIUS_KM
            ]
            total = sum(m.population for m in options)
            cum, acc = [], 0.0
            for m in options:
                acc += m.population / total if total else 1 / len(options)
                cum.append(acc)
            cached = self._near[key] = (options, cum)
        options, cum = cached
        for m, c in zip(options, cum, strict=True):
            if u < c:
                return m
        return options[-1] if options else None
