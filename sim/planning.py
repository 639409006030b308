"""Plans: the facility path a parcel takes, the day it would arrive if all went to plan, and the
promise it is sold with.

A plan uses the published schedules only (pickup times, lane departures, a nominal sort, a customs
allowance); what really happens — queues, closures, missed trailers — is the processes' business,
and they compare against these plans to say why a parcel is late.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sim import timing
from sim.events import Service
from sim.localtime import local_date
from sim.network import HUB_TO_STATION_DEPARTURES, Facility, Lane, Network
from sim.places import Place

H = 3600.0
FAST_SERVICES = frozenset({Service.SAME_DAY, Service.NEXT_DAY, Service.TWO_DAY, Service.INTERNATIONAL})
CUSTOMS_PLANNING_S = 4 * H
STANDARD_DAYS = {Service.NEXT_DAY: 1, Service.TWO_DAY: 2}  # business days a service is sold as

Calendars = dict[str, frozenset[int]]  # carrier -> working weekdays (0 = Monday)


def promise_day(
    service: Service,
    planned: date,
    ship_day: date,
    carrier_days: frozenset[int],
    last_mile_days: frozenset[int],
    international: bool,
) -> date:
    """The delivery day a parcel is sold with, given the day its plan arrives.

    Next-day and two-day promise their standard business days even when the plan is faster (and
    the plan when it is slower); economy adds a business day of slack on whoever runs its last
    mile; cross-border parcels add one for customs; everything else promises the plan."""
    if service in STANDARD_DAYS:
        standard = timing.add_business_days(ship_day, STANDARD_DAYS[service], carrier_days)
        return max(planned, standard)
    if service is Service.ECONOMY:
        return timing.add_business_days(planned, 1, last_mile_days)
    if international:
        return timing.add_business_days(planned, 1, carrier_days)
    return planned


class Planner:
    """Routes, lanes and planned arrival days on one network, with each carrier's working days."""

    def __init__(
        self,
        net: Network,
        delivery_days: Calendars,
        pickup_days: Calendars,
        station_cutoff: Callable[[str], float] | None = None,
        pickup_departure: Callable[[str, Facility, float, frozenset[int]], float] | None = None,
    ) -> None:
        self.net = net
        self.delivery_days = delivery_days
        self.pickup_days = pickup_days
        # the first-/last-mile schedules (sim.stations, sim.pickups), when the world has them
        self.station_cutoff = station_cutoff
        self.pickup_departure = pickup_departure
        self._lanes: dict[tuple[str, bool, str, str], Lane] = {}

    def fcs(self, carrier: str) -> list[Facility]:
        """The fulfilment centres a carrier collects from: those in countries where it has hubs."""
        countries = {h.place.country for h in self.net.hubs(carrier)}
        return [fc for fc in self.net.fcs if fc.place.country in countries]

    def lane(self, carrier: str, express: bool, src: str, dst: str) -> Lane:
        """The lane a parcel of ``carrier`` rides from ``src`` to ``dst``."""
        key = (carrier, express, src, dst)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = self._find_lane(carrier, express, src, dst)
        return lane

    def _find_lane(self, carrier: str, express: bool, src: str, dst: str) -> Lane:
        net = self.net
        g = net.graph(net.facilities[src].carrier or carrier, express)
        if g.has_edge(src, dst):
            return g.edges[src, dst]["lane"]
        # a hand-over lane between two carriers' facilities: a local shuttle
        a, b = net.facilities[src], net.facilities[dst]
        km = timing.haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
        return Lane(src, dst, "truck", km, timing.truck_seconds(km), HUB_TO_STATION_DEPARTURES)

    def route(
        self,
        carrier: str,
        service: Service,
        fc: Facility,
        dest: Place,
        partner: str | None,
    ) -> tuple[list[str], int | None] | None:
        """The facility path and the index of the hand-over hub (None: no hand-over).

        With a partner, the last mile is the partner's: into the partner's station when the
        carrier reaches the destination city itself (SurePost style), else from the carrier's
        gateway hub nearest the destination through the partner's own network (cross-border
        postal hand-over)."""
        net = self.net
        express = service in FAST_SERVICES
        ds_id = net.stations.get((carrier, dest.key))
        partner_ds = net.stations.get((partner, dest.key)) if partner else None
        if ds_id is not None:
            if service is Service.SAME_DAY and net.graph(carrier, True).has_edge(fc.id, ds_id):
                return [fc.id, ds_id], None
            route = list(net.route(carrier, express, fc.id, ds_id) or [])
            if len(route) < 2:
                return None
            if partner_ds and len(route) >= 3:
                route[-1] = partner_ds
                return route, len(route) - 2
            return route, None
        if partner_ds is None:
            return None
        hubs = net.hubs(carrier)
        gateway = min(
            hubs, key=lambda h: (timing.haversine_km(h.place.lat, h.place.lon, dest.lat, dest.lon), h.id)
        )
        first = list(net.route(carrier, express, fc.id, gateway.id) or [])
        partner_hubs = net.hubs(partner)  # type: ignore[arg-type]
        if len(first) < 2 or not partner_hubs:
            return None
        entry = min(
            partner_hubs,
            key=lambda h: (
                timing.haversine_km(h.place.lat, h.place.lon, gateway.place.lat, gateway.place.lon),
                h.id,
            ),
        )
        second = list(net.route(partner, express, entry.id, partner_ds) or [])  # type: ignore[arg-type]
        if len(second) < 2:
            return None
        return first + second, len(first) - 1

    def delivery_day(self, carrier: str, express: bool, route: list[str], index: int, ready: float) -> date:
        """The day a parcel at ``route[index]``, ready to leave at ``ready``, would be delivered if
        every leg made its planned departure: pickups from a fulfilment centre on the carrier's
        pickup days, a nominal sort at hubs, a customs allowance at borders."""
        net = self.net
        t = ready
        for j in range(index, len(route) - 1):
            f = net.facilities[route[j]]
            lane = self.lane(carrier, express, route[j], route[j + 1])
            if f.kind == "fulfilment_centre" and self.pickup_departure is not None and j == 0:
                t = self.pickup_departure(carrier, f, t, self.pickup_days[carrier])
            elif f.kind == "fulfilment_centre":
                t = timing.pickup_time(t, f.tz, lane.departures, self.pickup_days[carrier])
            else:
                sort = timing.NOMINAL_SORT_S if f.kind == "sort_hub" else 0.0
                t = timing.next_departure(t + sort, f.tz, lane.departures)
            t += lane.duration_s
            nxt = net.facilities[route[j + 1]]
            if nxt.place.country != f.place.country:
                t += CUSTOMS_PLANNING_S
        ds = net.facilities[route[-1]]
        days = self.delivery_days[ds.carrier or carrier]
        if self.station_cutoff is not None:
            return timing.delivery_day(t, ds.tz, days, self.station_cutoff(ds.id))
        return timing.delivery_day(t, ds.tz, days)

    def promise(
        self,
        carrier: str,
        service: Service,
        partner: str | None,
        route: list[str],
        fc: Facility,
        international: bool,
        created: float,
    ) -> date:
        """The delivery day sold at label creation (``promise_day`` on the planned day)."""
        planned = self.delivery_day(carrier, service in FAST_SERVICES, route, 0, created)
        return promise_day(
            service,
            planned,
            local_date(created, fc.tz),
            self.delivery_days[carrier],
            self.delivery_days[partner or carrier],
            international,
        )
