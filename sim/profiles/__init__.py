"""Carrier profiles: what each of the world's carriers publishes, one data module per carrier, and
the lookup the world calls — by (carrier, service, origin, destination).

``docs/realism.md`` §11 lists every figure with its source; each module's rows cite it as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from sim.places import Place
from sim.profiles import amazon, canadapost, dhl, dpd, fedex, hermes, kazpost, ups, usps
from sim.profiles.types import (
    ALL_HOLIDAYS,
    CarrierProfile,
    HubOperations,
    LoadPlan,
    ServiceProfile,
    us_zone,
)
from sim.timing import haversine_km

PROFILES: Mapping[str, CarrierProfile] = MappingProxyType(
    {m.PROFILE.key: m.PROFILE for m in (ups, fedex, usps, dhl, amazon, hermes, dpd, canadapost, kazpost)}
)
CROSS_BORDER = "XB"


class ProfileError(LookupError):
    """A carrier, or a service in a market, that no profile describes."""


def profile(carrier: str) -> CarrierProfile:
    try:
        return PROFILES[carrier]
    except KeyError:
        raise ProfileError(f"no profile for carrier {carrier!r} (known: {', '.join(PROFILES)})") from None


def market(origin: Place, destination: Place) -> str:
    """The market a parcel is sold in: the destination's country, or cross-border."""
    return destination.country if origin.country == destination.country else CROSS_BORDER


def zone(origin: Place, destination: Place) -> int | None:
    """The US distance zone (1–8) between two US places; None elsewhere (no zoned standards)."""
    if origin.country != "US" or destination.country != "US":
        return None
    return us_zone(haversine_km(origin.lat, origin.lon, destination.lat, destination.lon))


def service_profile(carrier: str, service: str, origin: Place, destination: Place) -> ServiceProfile:
    """The service a carrier sells from ``origin`` to ``destination``."""
    p = profile(carrier)
    m = market(origin, destination)
    found = p.services.get((service, m))
    if found is None:
        sold = ", ".join(f"{s} in {mk}" for s, mk in p.services)
        raise ProfileError(f"{p.name} sells no {service} in market {m} (it sells: {sold})")
    return found


def standard_days(carrier: str, service: str, origin: Place, destination: Place) -> int:
    """Business days of the published standard from ``origin`` to ``destination`` (pick-up day = 0)."""
    return service_profile(carrier, service, origin, destination).standard.business_days(
        zone(origin, destination)
    )


def closed_holidays(carrier: str, country: str) -> frozenset[str]:
    """The holiday keys a carrier does not work in ``country`` (``ALL_HOLIDAYS``: every one; a
    country its profile does not list: every one, as a local partner would)."""
    return profile(carrier).closed_on.get(country, ALL_HOLIDAYS)


def load_plan(carrier: str, country: str) -> LoadPlan | None:
    """``carrier``'s load plan for its long hub-to-hub lanes in ``country``; None where every lane
    leaves after every sort wave."""
    p = PROFILES.get(carrier)
    return p.load_plans.get(country) if p is not None else None


def hub_operations(carrier: str, country: str) -> HubOperations | None:
    """How ``carrier`` runs its hubs in ``country``; None where it runs the generic hub (or has no
    profile: a scenario's own carrier)."""
    p = PROFILES.get(carrier)
    return p.hubs.get(country) if p is not None else None


def carry_over(carrier: str, country: str, express: bool = False) -> float:
    """Share of ``carrier``'s parcels in ``country`` its delivery units leave for the next working
    day's tours (each day anew): its hubs' ``HubOperations.carry_over``, else its profile's; none
    for express a carrier gives couriers of its own, or a carrier without a profile."""
    p = PROFILES.get(carrier)
    if p is None or (express and p.express_couriers):
        return 0.0
    ops = p.hubs.get(country)
    return ops.carry_over if ops is not None else p.carry_over.get(country, 0.0)


def regional_air_hubs(carrier: str, country: str) -> tuple[str, ...]:
    """``carrier``'s regional air hubs in ``country`` (place keys); none where it has no profile."""
    p = PROFILES.get(carrier)
    return p.regional_air_hubs.get(country, ()) if p is not None else ()
