"""Regional air hubs: besides its main air hub, a carrier may run regional ones, each with its own
night sort for the express of its region — the hubs and delivery stations nearer to it than to any
other air hub of the country — flying its region's next-day direct instead of through the main hub.
Which hubs they are is carrier data (``CarrierProfile.regional_air_hubs``, cited in the profiles);
this module only draws the regions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim import travel
from sim.lanes import Lane, air_to_station, km_between, morning_run
from sim.profiles import regional_air_hubs

if TYPE_CHECKING:
    from sim.network import Facility


def regional(carrier: str, hubs: list[Facility], airs: list[Facility]) -> list[Facility]:
    """``carrier``'s regional air hubs among ``hubs`` (one country's), where it also runs a main
    air hub (one of ``airs``) in that country."""
    if not hubs:
        return []
    country = hubs[0].place.country
    if not any(a.place.country == country for a in airs):
        return []
    keys = regional_air_hubs(carrier, country)
    return [h for h in hubs if h.place.key in keys and h not in airs]


def in_region(f: Facility, hub: Facility, hubs: list[Facility], airs: list[Facility]) -> bool:
    """Whether ``f`` lies in regional air hub ``hub``'s region: nearer to it than to every other air
    hub of its country, main (``airs``) or regional (among ``hubs``)."""
    country = hub.place.country
    rivals = [a for a in airs if a.place.country == country]
    rivals += [h for h in regional(hub.carrier or "", hubs, airs) if h is not hub]
    d = km_between(f, hub)
    return all(d < km_between(f, a) for a in rivals)


def feeders(carrier: str, hubs: list[Facility], airs: list[Facility]) -> list[tuple[Facility, Facility]]:
    """(air hub, spoke hub) pairs of one country's night banks: every hub of the country feeds its
    main air hubs, the hubs of a region its regional one."""
    pairs = [(air, h) for air in hubs if air in airs for h in hubs]
    pairs += [(r, h) for r in regional(carrier, hubs, airs) for h in hubs if in_region(h, r, hubs, airs)]
    return [(air, h) for air, h in pairs if h is not air]


def serving(carrier: str, f: Facility, hubs: list[Facility], airs: list[Facility]) -> list[Facility]:
    """The air hubs whose morning flights reach delivery station ``f`` (``hubs``: its country's):
    its country's main air hubs and the regional one of its region."""
    if f.kind != "delivery_station":
        return []
    mains = [a for a in airs if a.place.country == f.place.country]
    return [*mains, *(r for r in regional(carrier, hubs, airs) if in_region(f, r, hubs, airs))]


def morning_runs(carrier: str, f: Facility, hubs: list[Facility], airs: list[Facility]) -> list[Lane]:
    """The air hubs' morning runs to delivery station ``f``. A carrier with regional air hubs flies a
    dense domestic network (docs/realism.md §5): its banks reach every
    station of the region, by flight or by truck (``sim.lanes.morning_run``); any other flies only to
    stations ``travel.EXPRESS_AIR_MIN_KM`` or more away, the rest taking the hubs' own trucks."""
    dense = bool(regional(carrier, hubs, airs))
    out = []
    for air in serving(carrier, f, hubs, airs):
        if dense:
            out.append(morning_run(air, f))
        elif km_between(f, air) >= travel.EXPRESS_AIR_MIN_KM:
            out.append(air_to_station(air, f))
    return out
