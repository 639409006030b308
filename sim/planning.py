"""Plans: the facility path a parcel takes and the day it would arrive if all went to plan — the
carrier's own expectation, from which its estimates start (the promise sold is the published
standard's: ``sim.promises``).

A plan uses the published schedules only (pickup times, lane departures, a nominal sort, a customs
allowance); what really happens — queues, closures, missed trailers — is the processes' business,
and they compare against these plans to say why a parcel is late.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from sim import loading, timing, waves
from sim.events import Service
from sim.lanes import Lane
from sim.network import Facility, Network
from sim.places import Place
from sim.timing import Days

if TYPE_CHECKING:
    from sim.workdays import WorkCalendars

H = 3600.0
FAST_SERVICES = frozenset({Service.SAME_DAY, Service.NEXT_DAY, Service.TWO_DAY, Service.INTERNATIONAL})
CUSTOMS_PLANNING_S = 4 * H

Calendars = dict[str, frozenset[int]]  # carrier -> working weekdays (0 = Monday)


class Planner:
    """Routes, lanes and planned arrival days on one network, with each carrier's working days."""

    def __init__(
        self,
        net: Network,
        delivery_days: Calendars,
        pickup_days: Calendars,
        station_cutoff: Callable[[str], float] | None = None,
        pickup_departure: Callable[[str, Facility, float, Days], float] | None = None,
        calendars: WorkCalendars | None = None,
    ) -> None:
        self.net = net
        self.delivery_days = delivery_days  # weekdays per carrier, when no calendars are given
        self.pickup_days = pickup_days
        self.calendars = calendars  # per place, service and shipper, with holidays (sim.workdays)
        # the first-/last-mile schedules (sim.stations, sim.pickups), when the world has them
        self.station_cutoff = station_cutoff
        self.pickup_departure = pickup_departure
        self._lanes: dict[tuple[str, bool, str, str], Lane] = {}
        self._plans: dict[tuple[str, bool, tuple[str, ...], float], date] = {}

    def pickup_at(self, carrier: str, f: Facility) -> Days:
        """The days ``carrier`` collects at facility ``f``."""
        if self.calendars is None:
            return self.pickup_days[carrier]
        return self.calendars.days(carrier, "pickup", f.place)

    def delivery_at(
        self, carrier: str, ds: Facility, service: str | None = None, shipper: str | None = None
    ) -> Days:
        """The days the station ``ds`` delivers for ``carrier``'s ``service`` (parcels of ``shipper``)."""
        runs = ds.carrier or carrier
        if self.calendars is None:
            return self.delivery_days[runs]
        return self.calendars.days(runs, "delivery", ds.place, service, shipper)

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
        return net.exchange_lane(src, dst)  # a hand-over between two carriers' networks

    def route(
        self,
        carrier: str,
        service: Service,
        fc: Facility,
        dest: Place,
        partner: str | None,
    ) -> tuple[list[str], int | None] | None:
        """The facility path and the index of its first partner facility, where the parcel is
        handed over (None: no hand-over).

        With a partner, the last mile is the partner's and the hand-over is near the recipient:
        at the partner's office in the destination city when the carrier reaches that city itself
        (SurePost style: the carrier's van drops it at the post office), else at the partner's
        office of exchange nearest the recipient, reached from the carrier's own gateway nearest
        that office (a cross-border postal item)."""
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
                return [*route, partner_ds], len(route)
            return route, None
        if partner_ds is None:
            return None
        assert partner is not None
        entries = net.gateways(partner, dest.country)
        if not entries:
            return None
        entry = min(entries, key=lambda h: (_km(h.place, dest), h.id))
        own = [
            h for c in sorted({h.place.country for h in net.hubs(carrier)}) for h in net.gateways(carrier, c)
        ]
        if not own:
            return None
        gateway = min(own, key=lambda h: (_km(h.place, entry.place), h.id))
        first = list(net.route(carrier, express, fc.id, gateway.id) or [])
        second = list(net.route(partner, express, entry.id, partner_ds) or [])
        if len(first) < 2 or len(second) < 2:
            return None
        return first + second, len(first)

    def return_route(
        self, carrier: str, partner: str | None, route: list[str], handover: int | None, start: str, fc: str
    ) -> list[str] | None:
        """The way back to the shipper from ``start`` for a parcel that came along ``route``: on
        the partner's network to where it took the parcel over, across to the carrier's facility
        it came from, then the carrier's ground network home (a cross-border return flies back)."""
        net = self.net
        if partner is not None and handover is not None and net.facilities[start].carrier == partner:
            taken_over, came_from = route[handover], route[handover - 1]
            partner_part = list(net.route(partner, False, start, taken_over) or [])
            home = list(net.route(carrier, False, came_from, fc) or [])
            if partner_part and home:
                return partner_part + home
            return None
        back = net.route(net.facilities[start].carrier or carrier, False, start, fc) or net.route(
            carrier, False, start, fc
        )
        return list(back) if back else None

    def delivery_day(self, carrier: str, express: bool, route: list[str], index: int, ready: float) -> date:
        """The day a parcel at ``route[index]``, ready to leave at ``ready``, would be delivered if
        every leg made its planned departure: pickups from a fulfilment centre on the carrier's
        pickup days, a nominal sort in the hubs' waves, each leg's timetable with slack for its
        vehicle's lateness, a customs allowance at borders."""
        if index >= len(route) - 1:
            return self._at_station(carrier, route[-1], ready)
        departs = self._depart(carrier, express, route, index, ready, first=True)
        # from its first departure on, a plan depends on nothing else: thousands of parcels share it
        key = (carrier, express, tuple(route[index:]), departs)
        day = self._plans.get(key)
        if day is None:
            if len(self._plans) > 200_000:
                self._plans.clear()
            day = self._plans[key] = self._from_departure(carrier, express, key[2], departs)
        return day

    def _depart(
        self, carrier: str, express: bool, route: list[str] | tuple[str, ...], j: int, t: float, first: bool
    ) -> float:
        """When the plan leaves ``route[j]`` having got there (or been ready there) at ``t``."""
        f = self.net.facilities[route[j]]
        lane = self.lane(carrier, express, route[j], route[j + 1])
        if f.kind == "fulfilment_centre":
            if self.pickup_departure is not None:  # the shipper's pickup truck (sim.pickups)
                return self.pickup_departure(carrier, f, t, self.pickup_at(carrier, f))
            return timing.pickup_time(t, f.tz, lane.departures, self.pickup_at(carrier, f))
        if f.kind == "sort_hub":
            t = waves.planned_sort(t, f.tz, f.waves)
        elif not first:  # through a station on the way (a hand-over, a return)
            t += loading.STATION_HANDLING_S[1]
        return timing.next_departure(t, f.tz, lane.departures, lane.cutoff_s, lane.runs)

    def _from_departure(self, carrier: str, express: bool, route: tuple[str, ...], departs: float) -> date:
        net = self.net
        t = departs
        for j in range(len(route) - 1):
            if j:
                t = self._depart(carrier, express, route, j, t, first=False)
            f, nxt = net.facilities[route[j]], net.facilities[route[j + 1]]
            t += self.lane(carrier, express, route[j], route[j + 1]).duration_s + loading.PLAN_SLACK_S
            if nxt.place.country != f.place.country:
                t += CUSTOMS_PLANNING_S
        return self._at_station(carrier, route[-1], t)

    def _at_station(self, carrier: str, ds_id: str, t: float) -> date:
        """The day a parcel at its delivery station at ``t`` goes out: the station's cut-off."""
        ds = self.net.facilities[ds_id]
        days = self.delivery_at(carrier, ds)
        if self.station_cutoff is not None:
            return timing.delivery_day(t, ds.tz, days, self.station_cutoff(ds.id))
        return timing.delivery_day(t, ds.tz, days)


def _km(a: Place, b: Place) -> float:
    return timing.haversine_km(a.lat, a.lon, b.lat, b.lon)
