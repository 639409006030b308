"""Same-day delivery as it is sold: only inside a metro (a warehouse within ``SAME_DAY_RADIUS_KM``
of the recipient), only for orders placed before the day's cut-off, carried by a direct shuttle
from the warehouse to the metro's delivery station and delivered by an evening route.

Amazon's same-day (the only network here that sells it): orders placed by about noon arrive the
same evening, by 22:00, in metros with a same-day site nearby (Amazon's "Same-Day Delivery"
help page; docs/realism.md §10: same-day only inside a metro before a cut-off).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sim import courier_routes, timing
from sim.lanes import road_lane
from sim.localtime import local_date
from sim.network import Network
from sim.pickups import SAME_DAY_SHUTTLES
from sim.population import SAME_DAY_RADIUS_KM

H = 3600.0
ORDER_CUTOFF_S = 12 * H  # local time at the warehouse: same-day orders until noon
STAGING_S = 30 * 60  # a same-day parcel must be at the station this long before its van


def sells_same_day(carrier: str) -> bool:
    return courier_routes.courier_day(carrier).same_day is not None


def order_open(local_seconds: float) -> bool:
    """Whether an order placed at this local time of day can still be delivered today."""
    return local_seconds < ORDER_CUTOFF_S


def promise(created: float, tz: ZoneInfo) -> date:
    """Same-day is promised for the day it is ordered (the demand sells it only before the cut-off)."""
    return local_date(created, tz)


def station_cutoff_s(carrier: str) -> float | None:
    """Local time by which a same-day parcel must be at the station to make the evening routes."""
    sd = courier_routes.courier_day(carrier).same_day
    return None if sd is None else sd[0] - STAGING_S


def add_shuttles(net: Network) -> None:
    """Direct warehouse → delivery-station lanes for every metro within the same-day radius of a
    fulfilment centre, for the carriers that sell same-day (in both of their graphs)."""
    for carrier in sorted({c for (c, _) in net.stations}):
        if not sells_same_day(carrier) or (carrier, "ground") not in net.graphs:
            continue
        for fc in net.fcs:
            for metro in net.metros:
                ds_id = net.stations.get((carrier, metro.key))
                if ds_id is None or metro.country != fc.place.country:
                    continue
                km = timing.haversine_km(fc.place.lat, fc.place.lon, metro.lat, metro.lon)
                if km > SAME_DAY_RADIUS_KM:
                    continue
                lane = road_lane(fc, net.facilities[ds_id], SAME_DAY_SHUTTLES)
                for mode in ("ground", "express"):
                    net.graphs[(carrier, mode)].add_edge(fc.id, ds_id, lane=lane, weight=lane.expected_s)
