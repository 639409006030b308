"""The thin SimPy layer: demand, a parcel's journey through the network, sorting and last mile.

Each process is a short generator that asks the pure modules (``timing``, ``incidents``,
``network``) what happens next and waits for it; ``World`` holds the shared state (sorters,
station loads, the event buffer) and turns what happens into canonical events.
"""

from __future__ import annotations

import hashlib
import heapq
import random
from collections import defaultdict
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import simpy
from faker import Faker

from sim import incidents, timing
from sim import places as places_module
from sim.events import (
    POSTAL_PARTNERS,
    Delay,
    EstimatedDelivery,
    EventCode,
    ExceptionReason,
    Fate,
    Location,
    ParcelTruth,
    ScanEvent,
    Service,
)
from sim.incidents import ParcelFate
from sim.localtime import iso, local_clock, local_date
from sim.network import HUB_TO_STATION_DEPARTURES, Facility, Lane, Network
from sim.places import Place
from sim.scenario import HubOutage, LinehaulBreakdown, PinnedCase, Scenario, WeatherDisruption
from sim.streams import ParcelRng, Rng, stream_seed
from sim.tracking_numbers import TrackingNumberFactory, detect_carrier

H = 3600.0
DAY = 86400.0
SORT_LANES = 8  # parallel sort lines per hub (the SimPy resource's capacity)
STATION_HEADROOM = 1.6  # couriers' daily stop capacity over a station's expected normal load
IN_TRANSIT_AFTER_S = 10 * H  # long line-haul legs get a synthetic "in transit" update
PICKUP_POINT_HOLD_DAYS = {"ups": 7, "fedex": 7, "usps": 15, "dhl": 7, "amazon": 3}
ADDRESS_POOL = 48  # generated recipient addresses per metro
FAST_SERVICES = frozenset({Service.SAME_DAY, Service.NEXT_DAY, Service.TWO_DAY, Service.INTERNATIONAL})
CUSTOMS_PLANNING_S = 4 * H
RETURN_DROP_OFF_ALLOWANCE_S = 2 * DAY  # returns are promised from the label, allowing a drop-off
STANDARD_DAYS = {Service.NEXT_DAY: 1, Service.TWO_DAY: 2}
# Addresses from the country's Faker locale. Faker has no Kazakh locale (kk_KZ); Russian is an
# official language of Kazakhstan and how most addresses there are printed, so ru_RU stands in.
FAKER_LOCALES = {"US": "en_US", "CA": "en_CA", "DE": "de_DE", "KZ": "ru_RU", "SI": "sl_SI", "GB": "en_GB"}
FALLBACK_LOCALE = "en_US"


@lru_cache(maxsize=16)
def address_pools(seed: int, metros: tuple[Place, ...]) -> dict[str, list[tuple[str, str, float, float]]]:
    """Recipient addresses and names per city, from the country's Faker locale. Pure in its
    arguments, so a sandbox that resets (or a test suite that builds many) makes them once."""
    pools: dict[str, list[tuple[str, str, float, float]]] = {}
    fakers: dict[str, Faker] = {}
    rng = random.Random(stream_seed(seed, "addresses"))
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


def event_id(tracking_number: str, seq: int) -> str:
    return hashlib.blake2b(f"{tracking_number}:{seq}".encode(), digest_size=8).hexdigest()


@dataclass(slots=True)
class Stream:
    """The events one tracking number shows (a parcel has two after a partner hand-over)."""

    tracking_number: str
    carrier: str
    service: str
    seq: int = 0
    last_visible: float = 0.0


@dataclass(slots=True)
class Story:
    """What a pinned QA case forces; the defaults leave everything to chance."""

    attempt_failures: int = 0  # fail this many attempts, whatever the dice say
    after_failure: str | None = None  # "retry" | "pickup_point" | "return"
    hold_at: str | None = None  # facility id where a forced delay happens
    hold_s: float = 0.0
    hold_cause: ExceptionReason = ExceptionReason.WEATHER
    customs_hold_s: float | None = None
    no_incidents: bool = False


@dataclass(slots=True)
class Parcel:
    tracking_number: str
    carrier: str
    service: Service
    express: bool
    rng: Rng
    fc: Facility
    dest: Place
    dest_location: Location
    route: list[str]
    truth: ParcelTruth
    fate: ParcelFate
    stream: Stream
    streams: list[Stream]
    eta_day: date
    eta: EstimatedDelivery | None
    partner: str | None = None
    handover: int | None = None  # route index of the hub where a partner takes over
    pinned: bool = False
    case: PinnedCase | None = None
    pickup_point: Facility | None = None  # where a customer return was dropped off
    story: Story = field(default_factory=Story)
    hubs_done: int = 0


class SortLanes:
    """A hub's sort lines: ``lanes`` in parallel, first come first served, each parcel holding one
    for its induction time. The same queue SimPy's ``Resource`` gives, computed rather than
    simulated: a parcel learns on arrival when its turn ends (two scheduler events fewer a hub)."""

    __slots__ = ("_free",)

    def __init__(self, lanes: int) -> None:
        self._free = [0.0] * lanes  # a heap of the instants each lane comes free

    def book(self, arrival: float, service: float) -> float:
        """Take the first lane free at or after ``arrival`` for ``service`` seconds; when done."""
        done = max(arrival, self._free[0]) + service
        heapq.heapreplace(self._free, done)
        return done


class World:
    """Shared state of one simulated world, and the one place events are made."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, seed: int, net: Network) -> None:
        self.env = env
        self.scenario = scenario
        self.seed = seed
        self.net = net
        self.start_epoch = scenario.start.timestamp()
        self.rates = scenario.incidents
        self.events: list[ScanEvent] = []
        self.finished: list[ParcelTruth] = []
        self.in_flight: dict[str, Parcel] = {}
        self._lanes: dict[tuple[str, bool, str, str], Lane] = {}
        self.dest_cache: dict[tuple[str, Service, str], tuple[list[Place], list[float]]] = {}
        self.unroutable = 0
        self.created = 0
        self.numbers = TrackingNumberFactory(random.Random(stream_seed(seed, "tracking")))
        self._case_factories: dict[str, TrackingNumberFactory] = {}
        self._case_numbers: dict[str, str] = {}
        self.delivery_days = {c: timing.weekday_set(scenario.delivery_days(c)) for c in self._all_carriers()}
        self.pickup_days = {c: timing.weekday_set(scenario.pickup_days(c)) for c in self._all_carriers()}
        self._addresses = self._address_pools()
        self._plan_capacity()
        self._index_disruptions()
        self._check_destinations()

    # --- set-up ---------------------------------------------------------------------------
    def _all_carriers(self) -> list[str]:
        partners = {p for c in self.scenario.carriers.values() for p in c.partner.values()}
        return sorted(set(self.scenario.carriers) | partners)

    def _address_pools(self) -> dict[str, list[tuple[str, str, float, float]]]:
        return address_pools(self.seed, tuple(self.net.metros))

    def _expected_loads(self) -> tuple[dict[str, float], dict[str, float]]:
        """Expected parcels per normal day through each hub and into each delivery station,
        from the demand mix and the planned routes (partner legs land on the partner)."""
        hubs: dict[str, float] = defaultdict(float)
        stations: dict[str, float] = defaultdict(float)
        demand = self.scenario.demand.parcels_per_day
        for carrier, cfg in self.scenario.carriers.items():
            fcs = self.fcs_for(carrier)
            for service, q in cfg.services.items():
                partner = cfg.partner.get(service)
                for fc in fcs:
                    options, _ = destinations(self, carrier, service, fc)
                    total = sum(m.population for m in options) or 1.0
                    for m in options:
                        load = demand * cfg.share * q / len(fcs) * m.population / total
                        planned = self.plan_route(carrier, service, fc, m, partner)
                        if planned is None:
                            continue
                        path, _ = planned
                        for fid in path:
                            if self.net.facilities[fid].kind == "sort_hub":
                                hubs[fid] += load
                        stations[path[-1]] += load * 7 / len(self.pickup_days[carrier])
        return hubs, stations

    def _plan_capacity(self) -> None:
        """Size hub sorters and courier fleets from the expected normal-day load."""
        headroom = self.scenario.network.capacity_headroom
        hub_load, station_load = self._expected_loads()
        self.sorters: dict[str, SortLanes] = {}
        self.sort_scale: dict[str, float] = {}
        self.station_capacity: dict[str, int] = {}
        self.station_load: dict[tuple[str, date], int] = {}
        for f in self.net.facilities.values():
            if f.kind == "sort_hub":
                per_day = max(50.0, hub_load.get(f.id, 0.0))
                # Pickup waves bring a third of a day's volume at once: clear one in about 3 h.
                per_hour = self.scenario.network.hub_sort_per_hour or headroom * per_day / 9
                self.sorters[f.id] = SortLanes(SORT_LANES)
                self.sort_scale[f.id] = SORT_LANES * 3600 / per_hour  # lane-seconds per parcel
            elif f.kind == "delivery_station":
                self.station_capacity[f.id] = max(5, int(STATION_HEADROOM * station_load.get(f.id, 0.0)))

    def fcs_for(self, carrier: str) -> list[Facility]:
        """The fulfilment centres a carrier collects from: those in countries where it has hubs."""
        countries = {h.place.country for h in self.net.hubs(carrier)}
        return [fc for fc in self.net.fcs if fc.place.country in countries]

    def _check_destinations(self) -> None:
        """Every service a carrier sells must reach somewhere from every fulfilment centre;
        otherwise the scenario is wrong, and saying so beats dropping its parcels."""
        for carrier, cfg in self.scenario.carriers.items():
            for service, share in cfg.services.items():
                if share <= 0:
                    continue
                fcs = self.fcs_for(carrier)
                if not fcs:
                    raise ValueError(
                        f"carriers.{carrier}: no fulfilment centre in a country where {carrier} has hubs"
                    )
                for fc in fcs:
                    if pick_destination(self, carrier, service, fc, 0.5) is None:
                        where = "abroad" if service is Service.INTERNATIONAL else f"in {fc.place.country}"
                        raise ValueError(
                            f"carriers.{carrier}.services.{service.value}: {carrier} reaches no city {where} "
                            f"from {fc.id} (add countries/metros, hubs, or a partner)"
                        )

    def _index_disruptions(self) -> None:
        self.closures: dict[str, list[tuple[float, float, ExceptionReason, float]]] = {}
        self.lane_closures: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for d in self.scenario.disruptions:
            start = d.start.timestamp()
            end = start + d.duration
            if isinstance(d, WeatherDisruption):
                for f in self.net.facilities.values():
                    if d.region.contains(f.place):
                        self.closures.setdefault(f.id, []).append(
                            (start, end, ExceptionReason.WEATHER, d.severity)
                        )
            elif isinstance(d, HubOutage):
                if d.facility not in self.net.facilities:
                    raise ValueError(f"disruptions: hub_outage names unknown facility {d.facility!r}")
                self.closures.setdefault(d.facility, []).append((start, end, ExceptionReason.HUB_OUTAGE, 1.0))
            elif isinstance(d, LinehaulBreakdown):
                self.lane_closures.setdefault(tuple(d.lane), []).append((start, end))

    # --- clocks -----------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.start_epoch + self.env._now  # the hottest property in the model

    def wait_until(self, epoch: float) -> simpy.Timeout:
        return self.env.timeout(max(0.0, epoch - self.now))

    def closed_until(
        self,
        facility_id: str,
        at: float,
        rng: Rng,
    ) -> tuple[float, ExceptionReason] | None:
        for start, end, cause, severity in self.closures.get(facility_id, ()):
            if start <= at < end and (severity >= 1.0 or rng.random() < severity):
                return end, cause
        return None

    def down_hubs(self, at: float) -> frozenset[str]:
        return frozenset(
            fid
            for fid, spans in self.closures.items()
            if any(s <= at < e and c is ExceptionReason.HUB_OUTAGE for s, e, c, _ in spans)
        )

    # --- events -----------------------------------------------------------------------------
    def emit(
        self,
        p: Parcel,
        code: EventCode,
        loc: Location,
        tz: ZoneInfo,
        reason: ExceptionReason | None = None,
        details: dict[str, Any] | None = None,
        stream: Stream | None = None,
    ) -> None:
        s = stream or p.stream
        s.seq += 1
        now = self.now
        visible = max(now + incidents.visibility_lag(p.rng, s.seq == 1), s.last_visible)
        s.last_visible = visible
        self.events.append(
            ScanEvent(
                event_id=event_id(s.tracking_number, s.seq),
                seq=s.seq,
                tracking_number=s.tracking_number,
                carrier=s.carrier,
                service=s.service,
                code=code,
                reason=reason,
                occurred_at=iso(now, tz),
                visible_at=iso(visible, tz),
                location=loc,
                estimated_delivery=p.eta,
                details=details or {},
            )
        )

    def at_facility(
        self, p: Parcel, code: EventCode, f: Facility, reason: ExceptionReason | None = None, **details: Any
    ) -> None:
        self.emit(p, code, f.location, f.tz, reason, details or None)

    def conclude(
        self, p: Parcel, code: EventCode, loc: Location, tz: ZoneInfo, details: dict[str, Any] | None = None
    ) -> None:
        """A terminal scan. After a hand-over the original carrier shows the partner's ending too
        (UPS SurePost / FedEx Ground Economy show the post office's delivery)."""
        self.emit(p, code, loc, tz, None, details)
        if len(p.streams) > 1:
            partner = {"carrier": p.stream.carrier, "tracking_number": p.stream.tracking_number}
            self.emit(p, code, loc, tz, None, {**(details or {}), "partner": partner}, stream=p.streams[0])

    def finish(self, p: Parcel) -> None:
        self.in_flight.pop(p.tracking_number, None)
        for s in p.streams[1:]:
            self.in_flight.pop(s.tracking_number, None)
        self.finished.append(p.truth)

    # --- promises and ETAs ------------------------------------------------------------------
    def plan_delivery_day(self, p: Parcel, index: int, ready: float) -> date:
        """When the parcel would be delivered from ``route[index]`` at ``ready`` if all goes to plan."""
        t = ready
        route = p.route
        for j in range(index, len(route) - 1):
            f = self.net.facilities[route[j]]
            lane = self.lane(p, route[j], route[j + 1])
            if f.kind == "fulfilment_centre":
                t = timing.pickup_time(t, f.tz, lane.departures, self.pickup_days[p.carrier])
            else:
                sort = timing.NOMINAL_SORT_S if f.kind == "sort_hub" else 0.0
                t = timing.next_departure(t + sort, f.tz, lane.departures)
            t += lane.duration_s
            nxt = self.net.facilities[route[j + 1]]
            if nxt.place.country != f.place.country:
                t += CUSTOMS_PLANNING_S
        ds = self.net.facilities[route[-1]]
        carrier = ds.carrier or p.carrier
        return timing.delivery_day(t, ds.tz, self.delivery_days[carrier])

    def promise(self, p: Parcel, created: float) -> date:
        planned = self.plan_delivery_day(p, 0, created)
        if p.service in STANDARD_DAYS:
            ship_day = local_date(created, p.fc.tz)
            standard = timing.add_business_days(
                ship_day, STANDARD_DAYS[p.service], self.delivery_days[p.carrier]
            )
            return max(planned, standard)
        if p.service is Service.ECONOMY:
            return timing.add_business_days(planned, 1, self.delivery_days[p.partner or p.carrier])
        if p.truth.international:  # carriers quote cross-border times with a customs allowance
            return timing.add_business_days(planned, 1, self.delivery_days[p.carrier])
        return planned

    def set_eta(self, p: Parcel, day: date) -> None:
        p.eta_day = day
        p.eta = EstimatedDelivery(day.isoformat())

    def note_delay(
        self, p: Parcel, cause: ExceptionReason, seconds: float, f: Facility, index: int, ready: float
    ) -> None:
        """Record a delay in the truth; if it moves the expected day, show the new ETA."""
        if seconds <= 0:
            return
        p.truth.delays.append(Delay(cause, round(seconds / 60), iso(self.now, f.tz), f.id))
        if index >= len(p.route) - 1:
            return
        expected = self.plan_delivery_day(p, index, ready)
        if expected > p.eta_day:
            self.set_eta(p, expected)
            self.at_facility(p, EventCode.DELAYED, f, cause)

    def lane(self, p: Parcel, src: str, dst: str) -> Lane:
        key = (p.carrier, p.express, src, dst)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = self._find_lane(p, src, dst)
        return lane

    def _find_lane(self, p: Parcel, src: str, dst: str) -> Lane:
        g = self.net.graph(self.net.facilities[src].carrier or p.carrier, p.express)
        if g.has_edge(src, dst):
            return g.edges[src, dst]["lane"]
        # a hand-over lane between two carriers' facilities: a local shuttle
        a, b = self.net.facilities[src], self.net.facilities[dst]
        km = timing.haversine_km(a.place.lat, a.place.lon, b.place.lat, b.place.lon)
        return Lane(src, dst, "truck", km, timing.truck_seconds(km), HUB_TO_STATION_DEPARTURES)

    # --- parcels ----------------------------------------------------------------------------
    def plan_route(
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

    def new_return(self, carrier: str, service: Service, customer: Place, fc: Facility, rng: Rng) -> Parcel:
        """A customer's return to the merchant: dropped at a pickup point, carried to the FC."""
        net = self.net
        pp = net.facilities[net.pickup_points[(carrier, customer.key)]]
        ds_id = net.stations[(carrier, customer.key)]
        route = list(net.route(carrier, False, ds_id, fc.id) or [ds_id, fc.id])
        tn = self.numbers.mint(carrier, service.value, customer.country, fc.place.country)
        street, name, lat, lon = self._addresses[customer.key][rng.randrange(ADDRESS_POOL)]
        now = self.now
        created = iso(now, pp.tz)
        stream = Stream(tn, carrier, service.value)
        truth = ParcelTruth(
            tracking_number=tn,
            carrier=carrier,
            service=service.value,
            created_at=created,
            promised_by=created,
            origin={
                "address": street,
                "name": name,
                "city": customer.city,
                "region": customer.region,
                "postal_code": customer.postal_code,
                "country": customer.country,
                "lat": round(lat, 5),
                "lon": round(lon, 5),
            },
            destination={**fc.location.to_dict(), "name": fc.name},
            international=customer.country != fc.place.country,
            customer_return=True,
        )
        p = Parcel(
            tn,
            carrier,
            service,
            False,
            rng,
            fc,
            fc.place,
            fc.location,
            route,
            truth,
            ParcelFate(),
            stream,
            [stream],
            date.min,
            None,
        )
        p.pickup_point = pp
        day = self.plan_delivery_day(p, 0, now + RETURN_DROP_OFF_ALLOWANCE_S)
        self.set_eta(p, day)
        truth.promised_by = iso(timing.end_of_day(day, fc.tz), fc.tz)
        self.in_flight[tn] = p
        self.created += 1
        return p

    def case_numbers_for(self, case: PinnedCase) -> str:
        """A pinned case's number comes from its own stream, so it is known before the run and
        never depends on the rest of the world (or on the other cases)."""
        known = self._case_numbers.get(case.name)
        if known is not None:
            return known
        known = self._case_numbers[case.name] = self.case_factory(case).mint(
            case.carrier,
            case.service,
            places_module.PLACES[case.origin].country,
            places_module.PLACES[case.destination].country,
        )
        return known

    def case_factory(self, case: PinnedCase) -> TrackingNumberFactory:
        factory = self._case_factories.get(case.name)
        if factory is None:
            rng = random.Random(stream_seed(self.seed, f"case-number:{case.name}"))
            factory = self._case_factories[case.name] = TrackingNumberFactory(rng, namespace=1)
        return factory

    def new_parcel(
        self,
        carrier: str,
        service: Service,
        fc: Facility,
        dest: Place,
        rng: Rng,
        case: PinnedCase | None = None,
    ) -> Parcel | None:
        cfg = self.scenario.carriers.get(carrier)
        partner = cfg.partner.get(service) if cfg else None
        planned = self.plan_route(carrier, service, fc, dest, partner)
        if planned is None:
            return None
        route, handover = planned
        if handover is None:
            partner = None
        if case is not None:
            tn = self.case_numbers_for(case)
        else:
            tn = self.numbers.mint(carrier, service.value, fc.place.country, dest.country)
        street, name, lat, lon = self._addresses[dest.key][rng.randrange(ADDRESS_POOL)]
        dest_loc = Location(
            None,
            "address",
            name,
            dest.city,
            dest.region,
            dest.postal_code,
            dest.country,
            round(lat, 5),
            round(lon, 5),
            address=street,
        )
        now = self.now
        created = iso(now, fc.tz)
        n_legs = len(route) - 1
        n_hubs = sum(1 for f in route if self.net.facilities[f].kind == "sort_hub")
        fate = incidents.draw_fate(rng, self.rates, n_legs, n_hubs)
        stream = Stream(tn, carrier, service.value)
        truth = ParcelTruth(
            tracking_number=tn,
            carrier=carrier,
            service=service.value,
            created_at=created,
            promised_by=created,
            origin={
                "facility_id": fc.id,
                "city": fc.place.city,
                "region": fc.place.region,
                "postal_code": fc.place.postal_code,
                "country": fc.place.country,
                "lat": fc.place.lat,
                "lon": fc.place.lon,
                "name": fc.name,
            },
            destination={
                "address": street,
                "name": name,
                "city": dest.city,
                "region": dest.region,
                "postal_code": dest.postal_code,
                "country": dest.country,
                "lat": dest_loc.lat,
                "lon": dest_loc.lon,
            },
            international=fc.place.country != dest.country,
            case=case.name if case else None,
        )
        p = Parcel(
            tn,
            carrier,
            service,
            service in FAST_SERVICES,
            rng,
            fc,
            dest,
            dest_loc,
            route,
            truth,
            fate,
            stream,
            [stream],
            date.min,
            None,
            partner=partner,
            handover=handover,
            pinned=case is not None,
            case=case,
        )
        day = self.promise(p, now)
        if service is Service.SAME_DAY and len(route) == 2:
            day = timing.delivery_day(
                now + 2 * H, self.net.facilities[route[-1]].tz, self.delivery_days[carrier]
            )
        self.set_eta(p, day)
        dest_tz = self.net.facilities[route[-1]].tz
        truth.promised_by = iso(timing.end_of_day(day, dest_tz), dest_tz)
        self.in_flight[tn] = p
        self.created += 1
        return p


# --- processes ------------------------------------------------------------------------------

Proc = Generator[simpy.Event, Any, None]


def demand(env: simpy.Environment, world: World, endless: bool = False) -> Proc:
    """Parcels arrive as a Poisson process following the daily curve, weekday mix and peaks."""
    sc = world.scenario
    dm = sc.demand
    rng = random.Random(stream_seed(world.seed, "demand"))
    tz = sc.start.tzinfo
    curve_total = sum(dm.daily_curve)
    hourly = [w * 24 / curve_total for w in dm.daily_curve]
    wk = [dm.weekday_weights.get(k, 1.0) for k in timing.WEEKDAY_KEYS]
    wk_mean = sum(wk) / 7
    wk = [w / wk_mean for w in wk]
    peaks = [(p.start.timestamp(), p.end.timestamp(), p.multiplier) for p in dm.peaks]
    peak_max = max([1.0] + [m for _, _, m in peaks])
    base = dm.parcels_per_day * dm.peak_multiplier / DAY
    rate_max = base * max(hourly) * max(wk) * peak_max
    carriers = sorted(sc.carriers)
    carrier_w = [sc.carriers[c].share for c in carriers]
    fcs_of = {c: world.fcs_for(c) for c in carriers}
    end = None if endless else sc.duration
    t = 0.0
    index = 0
    while True:
        t += rng.expovariate(rate_max)
        if end is not None and t >= end:
            return
        epoch = world.start_epoch + t
        local = datetime.fromtimestamp(epoch, tz)
        rate = base * hourly[local.hour] * wk[local.weekday()]
        for start, stop, mult in peaks:
            if start <= epoch < stop:
                rate *= mult
        u = rng.random()
        carrier = rng.choices(carriers, carrier_w)[0]
        mix = sc.carriers[carrier].services
        services = list(mix)
        service = rng.choices(services, [mix[s] for s in services])[0]
        fcs = fcs_of[carrier]
        fc = fcs[rng.randrange(len(fcs))]
        u_dest = rng.random()
        # drawn only when returns are on, so worlds without returns keep their random sequence
        is_return = dm.returns_share > 0 and rng.random() < dm.returns_share
        if u >= rate / rate_max:
            continue
        yield env.timeout(t - env.now)
        index += 1
        if is_return:
            service = Service.ECONOMY if Service.ECONOMY in mix else Service.GROUND
        dest = pick_destination(world, carrier, service, fc, u_dest)
        prng = ParcelRng(stream_seed(world.seed, f"parcel:{index}"))
        if is_return and dest is not None and world.net.serves(carrier, dest.key):
            parcel = world.new_return(carrier, service, dest, fc, prng)
            env.process(customer_return(env, world, parcel))
            continue
        parcel = world.new_parcel(carrier, service, fc, dest, prng) if dest is not None else None
        if parcel is None:
            world.unroutable += 1  # counted, and shown in the summary: demand is never lost silently
            continue
        env.process(journey(env, world, parcel))


def destinations(
    world: World, carrier: str, service: Service, fc: Facility
) -> tuple[list[Place], list[float]]:
    """Cities a carrier's service reaches from a fulfilment centre (itself or through its partner),
    with cumulative population weights."""
    key = (carrier, service, fc.place.country)
    cache = world.dest_cache
    if key not in cache:
        international = service is Service.INTERNATIONAL
        cfg = world.scenario.carriers.get(carrier)
        partner = cfg.partner.get(service) if cfg else None
        options = [
            m
            for m in world.net.metros
            if (world.net.serves(carrier, m.key) or (partner and world.net.serves(partner, m.key)))
            and (m.country != fc.place.country) == international
        ]
        total = sum(m.population for m in options)
        cum, acc = [], 0.0
        for m in options:
            acc += m.population / total if total else 1 / len(options)
            cum.append(acc)
        cache[key] = (options, cum)
    return cache[key]


def pick_destination(world: World, carrier: str, service: Service, fc: Facility, u: float) -> Place | None:
    options, cum = destinations(world, carrier, service, fc)
    if not options:
        return None
    for m, c in zip(options, cum, strict=True):
        if u < c:
            return m
    return options[-1]


def journey(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """From label to the end of the story: line-haul legs, then the last mile."""
    world.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    outcome = yield from travel(env, world, p, forward=True)
    if outcome == "lost":
        yield from lost(env, world, p)
        return
    if outcome == "delivered":
        return
    yield from last_mile(env, world, p)


def travel(
    env: simpy.Environment, world: World, p: Parcel, forward: bool
) -> Generator[simpy.Event, Any, str]:
    """Walk ``p.route`` leg by leg. Returns ``arrived`` (at the last node), or ``lost``."""
    net = world.net
    i = 0
    prev_country = p.fc.place.country if forward else None
    ready = world.now  # when the parcel can leave the facility it is at (after its sort)
    while i < len(p.route) - 1:
        here = net.facilities[p.route[i]]
        nxt_id = p.route[i + 1]
        if forward and net.facilities[nxt_id].kind == "sort_hub":
            down = world.down_hubs(world.now)
            if nxt_id in down:
                # Re-route around a hub that is down; if no way round, the parcel waits it out.
                detour = net.route(p.carrier, p.express, here.id, p.route[-1], down)
                if detour:
                    p.route = p.route[:i] + list(detour)
                    nxt_id = p.route[i + 1]
        lane = world.lane(p, here.id, nxt_id)
        # --- departure ---
        if here.kind == "fulfilment_centre" and i == 0 and forward:
            dep = timing.pickup_time(world.now, here.tz, lane.departures, world.pickup_days[p.carrier])
            yield world.wait_until(dep)
            world.at_facility(p, EventCode.PICKED_UP, here)
        else:
            yield from depart(env, world, p, here, lane, i, ready)
            world.at_facility(p, EventCode.DEPARTED_FACILITY, here)
        # --- line-haul ---
        travel_s = lane.duration_s
        extra = 0.0 if p.story.no_incidents else incidents.breakdown_delay(p.rng, world.rates.breakdown)
        lost_here = forward and p.fate.lost_leg == i
        if lost_here and not p.fate.lost_in_facility:
            yield env.timeout(travel_s * 0.5)
            p.truth.lost_at = {"lane": f"{here.id}>{nxt_id}", "at": iso(world.now, here.tz)}
            return "lost"
        if travel_s + extra > IN_TRANSIT_AFTER_S:
            yield env.timeout((travel_s + extra) / 2)
            world.at_facility(p, EventCode.IN_TRANSIT, here, next_facility=net.facilities[nxt_id].name)
            yield env.timeout((travel_s + extra) / 2)
        else:
            yield env.timeout(travel_s + extra)
        i += 1
        there = net.facilities[nxt_id]
        if extra:
            world.note_delay(p, ExceptionReason.BREAKDOWN, extra, there, i, world.now)
        # --- arrival ---
        if there.kind == "delivery_station" and forward:
            world.at_facility(p, EventCode.ARRIVED_AT_DELIVERY_STATION, there)
        elif there.kind == "fulfilment_centre" and not forward:
            return "arrived"
        else:
            world.at_facility(p, EventCode.ARRIVED_AT_FACILITY, there)
        if lost_here:
            p.truth.lost_at = {"facility_id": there.id, "at": iso(world.now, there.tz)}
            return "lost"
        ready = world.now
        if there.kind == "sort_hub":
            ready = yield from sort(env, world, p, there, i, forward)
            crossing = forward and prev_country is not None and there.place.country != prev_country
            handing_over = forward and p.partner is not None and i == p.handover
            if crossing or handing_over:
                yield world.wait_until(ready)
                if crossing:
                    yield from customs(env, world, p, there, i)
                if handing_over:
                    hand_over(world, p, there)
                ready = world.now
            prev_country = there.place.country
    return "arrived"


def depart(
    env: simpy.Environment, world: World, p: Parcel, here: Facility, lane: Lane, index: int, ready: float
) -> Proc:
    """Wait for the lane's next departure after ``ready``; closures and missed connections delay it."""
    if p.story.hold_at == here.id and p.story.hold_s:
        yield world.wait_until(ready)
        yield env.timeout(p.story.hold_s)
        world.note_delay(p, p.story.hold_cause, p.story.hold_s, here, index, world.now)
        p.story.hold_s = 0.0
    dep = timing.next_departure(max(ready, world.now), here.tz, lane.departures)
    # A closed facility (storm, outage) dispatches nothing: the first trailer after it reopens.
    closed = world.closed_until(here.id, dep, p.rng)
    while closed:
        end, cause = closed
        reopened = timing.next_departure(end, here.tz, lane.departures, cutoff=0.0)
        world.note_delay(p, cause, reopened - dep, here, index, end)
        dep = reopened
        closed = world.closed_until(here.id, dep, p.rng)
    for start, end in world.lane_closures.get((lane.src, lane.dst), ()):
        if start <= dep < end:
            late = timing.next_departure(end, here.tz, lane.departures, cutoff=0.0)
            world.note_delay(p, ExceptionReason.BREAKDOWN, late - dep, here, index, end)
            dep = late
    if (
        not p.story.no_incidents
        and here.kind == "sort_hub"
        and incidents.missed_connection(p.rng, world.rates.missed_connection)
    ):
        later = timing.next_departure(dep + 60, here.tz, lane.departures, cutoff=0.0)
        world.note_delay(p, ExceptionReason.MISSED_CONNECTION, later - dep, here, index, dep + 60)
        dep = later
    yield world.wait_until(dep)


def sort(
    env: simpy.Environment, world: World, p: Parcel, hub: Facility, index: int, forward: bool
) -> Generator[simpy.Event, Any, float]:
    """Queue for a sort lane (capacity-limited: backlog grows under load), then sort. Returns the
    instant the parcel reaches the outbound door; the caller's departure wait covers the time until
    then, so a parcel without a scan to make here costs the scheduler no extra event."""
    arrived = world.now
    closed = world.closed_until(hub.id, arrived, p.rng)
    if closed:
        end, cause = closed
        yield world.wait_until(end)
        world.note_delay(p, cause, end - arrived, hub, index, end)
    work = incidents.sort_seconds(p.rng)
    if p.pinned:
        # Pinned cases take no sort capacity, so pinning a story never moves anyone else's parcel.
        ready = world.now + work
    else:
        lane_done = world.sorters[hub.id].book(world.now, world.sort_scale[hub.id] * (0.5 + p.rng.random()))
        ready = lane_done + work  # conveyor to the outbound door, not capacity-limited
    if index < len(p.route) - 1:
        # Does the sort make the trailer the plan counted on? If not, say why it misses it.
        lane = world.lane(p, hub.id, p.route[index + 1])
        planned = timing.next_departure(arrived + timing.NOMINAL_SORT_S, hub.tz, lane.departures)
        actual = timing.next_departure(ready, hub.tz, lane.departures)
        if actual > planned:
            queued = ready - arrived - work
            cause = ExceptionReason.HUB_BACKLOG if queued > 30 * 60 else ExceptionReason.MISSED_CONNECTION
            world.note_delay(p, cause, actual - planned, hub, index, ready)
    scan = forward and p.hubs_done == 0
    damaged = forward and p.fate.damaged_at_hub == p.hubs_done
    if scan or damaged:
        yield world.wait_until(ready)
        if scan:
            world.at_facility(p, EventCode.PROCESSED_AT_FACILITY, hub)
        if damaged:
            p.truth.damaged = True
            world.at_facility(p, EventCode.EXCEPTION, hub, ExceptionReason.DAMAGED)
    p.hubs_done += 1
    return ready


def customs(env: simpy.Environment, world: World, p: Parcel, hub: Facility, index: int) -> Proc:
    hold = p.story.customs_hold_s
    if hold is None:
        hold = 0.0 if p.story.no_incidents else incidents.customs_hold(p.rng, world.rates.customs_hold)
    if hold:
        world.at_facility(p, EventCode.CUSTOMS_HOLD, hub, ExceptionReason.CUSTOMS_HOLD)
        yield env.timeout(hold)
        world.note_delay(p, ExceptionReason.CUSTOMS_HOLD, hold, hub, index, world.now)
    else:
        yield env.timeout(incidents.customs_processing(p.rng))
    world.at_facility(p, EventCode.CUSTOMS_CLEARED, hub)


def hand_over(world: World, p: Parcel, hub: Facility) -> None:
    """Last mile by a partner carrier under its own tracking number (SurePost / SmartPost style)."""
    assert p.partner is not None
    factory = world.case_factory(p.case) if p.case is not None else world.numbers
    if p.partner in POSTAL_PARTNERS:
        # A cross-border postal item carries a UPU S10 number issued in the country of posting.
        if detect_carrier(p.tracking_number) == "s10":
            # Already an S10 item (a post's own international service): the number travels on,
            # and the post of posting keeps showing the destination post's scans (UPU EDI).
            p.truth.partner = {"carrier": p.partner, "tracking_number": p.tracking_number}
            world.at_facility(p, EventCode.HANDED_TO_PARTNER, hub, partner=p.truth.partner)
            return
        tn = factory.mint("s10", p.service.value, p.fc.place.country, p.dest.country)
    else:
        tn = factory.mint(p.partner, p.service.value, hub.place.country, p.dest.country)
    partner = Stream(tn, p.partner, p.service.value)
    p.truth.partner = {"carrier": p.partner, "tracking_number": tn}
    world.at_facility(
        p, EventCode.HANDED_TO_PARTNER, hub, partner={"carrier": p.partner, "tracking_number": tn}
    )
    p.stream = partner
    p.streams.append(partner)
    world.in_flight[tn] = p
    world.at_facility(
        p, EventCode.LABEL_CREATED, hub, partner={"carrier": p.carrier, "tracking_number": p.tracking_number}
    )


def last_mile(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Courier routes from the delivery station in local working hours; attempts and their outcomes."""
    net = world.net
    ds = net.facilities[p.route[-1]]
    carrier = net.facilities[p.route[-1]].carrier or p.stream.carrier  # who runs the last mile
    open_days = world.delivery_days[carrier]
    attempt = 0
    address_checked = False
    to_pickup_point = p.fate.pickup_point and not p.story.attempt_failures
    while True:
        if p.service is Service.SAME_DAY and attempt == 0 and len(p.route) == 2:
            day = local_date(world.now, ds.tz)
            start_s, first_s, last_s = 14 * H, 15 * H, 21 * H
        else:
            day = timing.delivery_day(world.now, ds.tz, open_days)
            start_s, first_s, last_s = (
                timing.COURIER_START_S,
                timing.ROUTE_FIRST_STOP_S,
                timing.ROUTE_LAST_STOP_S,
            )
        ready = world.now
        if not p.pinned:
            first_choice = day
            while world.station_load.get((ds.id, day), 0) >= world.station_capacity[ds.id]:
                day = timing.next_open_day(day + timedelta(days=1), open_days)
            world.station_load[(ds.id, day)] = world.station_load.get((ds.id, day), 0) + 1
            if day != first_choice:
                late = local_clock(ds.tz, day, start_s) - local_clock(ds.tz, first_choice, start_s)
                world.note_delay(p, ExceptionReason.HUB_BACKLOG, late, ds, len(p.route) - 1, ready)
                if day > p.eta_day:
                    world.set_eta(p, day)
                    world.at_facility(p, EventCode.DELAYED, ds, ExceptionReason.HUB_BACKLOG)
        van_leaves = local_clock(ds.tz, day, start_s + p.rng.uniform(0, 45 * 60))
        closed = world.closed_until(ds.id, van_leaves, p.rng)
        if closed:
            end, cause = closed
            new_day = timing.delivery_day(end, ds.tz, open_days)
            van_leaves = local_clock(ds.tz, new_day, start_s + p.rng.uniform(0, 45 * 60))
            world.note_delay(p, cause, van_leaves - ready, ds, len(p.route) - 1, ready)
            if new_day > p.eta_day:
                world.set_eta(p, new_day)
                world.at_facility(p, EventCode.DELAYED, ds, cause)
            day = new_day
        yield world.wait_until(van_leaves)
        if p.fate.address_error and not address_checked:
            address_checked = True
            world.at_facility(p, EventCode.EXCEPTION, ds, ExceptionReason.ADDRESS_ISSUE)
            if p.fate.address_corrected:
                retry = timing.next_open_day(day + timedelta(days=1), open_days)
                p.truth.delays.append(
                    Delay(
                        ExceptionReason.ADDRESS_ISSUE,
                        round((retry - day).days * 1440),
                        iso(world.now, ds.tz),
                        ds.id,
                    )
                )
                world.set_eta(p, retry)
                world.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, ExceptionReason.ADDRESS_ISSUE)
                yield env.timeout(H)
                continue
            yield from return_to_sender(env, world, p, ds, ExceptionReason.ADDRESS_ISSUE)
            return
        stop = local_clock(ds.tz, day, incidents.stop_time(p.rng, first_s, last_s))
        window_start = max(van_leaves + H, stop - 2 * H)
        p.eta = EstimatedDelivery(day.isoformat(), iso(window_start, ds.tz), iso(window_start + 4 * H, ds.tz))
        world.at_facility(p, EventCode.OUT_FOR_DELIVERY, ds)
        yield world.wait_until(stop)
        attempt += 1
        p.truth.attempts = attempt
        if to_pickup_point:
            yield from pickup_point(env, world, p, chosen=True)
            return
        if attempt <= p.story.attempt_failures:
            reason: ExceptionReason | None = ExceptionReason.RECIPIENT_UNAVAILABLE
        elif p.story.no_incidents:
            reason = None
        else:
            reason = incidents.attempt_failure(p.rng, world.rates.failed_attempt, attempt)
        if reason is None:
            deliver(world, p)
            return
        world.emit(p, EventCode.DELIVERY_ATTEMPTED, p.dest_location, ds.tz, reason, {"attempt": attempt})
        if attempt >= world.rates.max_attempts:
            yield env.timeout(2 * H)
            yield from return_to_sender(env, world, p, ds, reason)
            return
        choice = p.story.after_failure or incidents.after_failed_attempt(p.rng, world.rates)
        if choice == "pickup_point":
            yield from pickup_point(env, world, p, chosen=False)
            return
        if choice == "return":
            yield env.timeout(2 * H)
            yield from return_to_sender(env, world, p, ds, reason)
            return
        next_day = timing.next_open_day(day + timedelta(days=1), open_days)
        world.set_eta(p, next_day)
        world.at_facility(p, EventCode.DELIVERY_RESCHEDULED, ds, reason)
        yield env.timeout(2 * H)


def deliver(world: World, p: Parcel) -> None:
    ds = world.net.facilities[p.route[-1]]
    p.eta = None
    u = p.rng.random()
    place = (
        "front_door"
        if u < 0.62
        else "mailbox"
        if u < 0.75
        else "left_with_individual"
        if u < 0.9
        else "front_desk"
        if u < 0.96
        else "garage"
    )
    details: dict[str, Any] = {"delivery_location": place}
    if place in ("left_with_individual", "front_desk"):
        details["signed_by"] = p.dest_location.name.split()[-1].upper()
    world.conclude(p, EventCode.DELIVERED, p.dest_location, ds.tz, details)
    t = p.truth
    t.delivered_at = iso(world.now, ds.tz)
    dest = dict(t.destination)
    if p.fate.misdelivered:
        # A normal DELIVERED scan; truth records the neighbour's door it really went to.
        street = dest["address"]
        number, _, rest = street.partition(" ")
        neighbour = f"{int(number) + 2 if number.isdigit() else number + 'A'} {rest}".strip()
        dest.update(address=neighbour, lat=round(dest["lat"] + 0.0004, 5), lon=round(dest["lon"] - 0.0003, 5))
        t.fate = Fate.MISDELIVERED
    else:
        t.fate = Fate.DAMAGED if t.damaged else Fate.DELIVERED
    t.delivered_to = dest
    world.finish(p)


def pickup_point(env: simpy.Environment, world: World, p: Parcel, chosen: bool) -> Proc:
    """The parcel waits in a locker / pickup point; collected, or returned when unclaimed."""
    net = world.net
    carrier = net.facilities[p.route[-1]].carrier or p.stream.carrier  # who runs the last mile
    pp = net.facilities[net.pickup_points[(carrier, p.dest.key)]]
    if not chosen:
        yield env.timeout(H * (2 + 3 * p.rng.random()))
    p.eta = None
    world.at_facility(p, EventCode.AVAILABLE_FOR_PICKUP, pp)
    if chosen:  # delivered to the locker the recipient picked: the hand-over counts as delivery
        p.truth.delivered_at = iso(world.now, pp.tz)
        p.truth.delivered_to = {**pp.location.to_dict()}
    if p.fate.unclaimed:
        yield env.timeout(PICKUP_POINT_HOLD_DAYS.get(carrier, 7) * DAY)
        p.truth.delivered_at = None
        p.truth.delivered_to = None
        yield from return_to_sender(env, world, p, pp, ExceptionReason.UNCLAIMED)
        return
    yield env.timeout(incidents.pickup_point_collection(p.rng))
    world.conclude(
        p, EventCode.PICKED_UP_BY_RECIPIENT, pp.location, pp.tz, {"delivery_location": "pickup_point"}
    )
    if not chosen:
        p.truth.delivered_at = iso(world.now, pp.tz)
    p.truth.delivered_to = {**pp.location.to_dict()}
    p.truth.fate = Fate.DAMAGED if p.truth.damaged else Fate.DELIVERED
    world.finish(p)


def return_to_sender(
    env: simpy.Environment, world: World, p: Parcel, here: Facility, reason: ExceptionReason
) -> Proc:
    """Back through the network to the shipper, under the same tracking number."""
    net = world.net
    p.eta = None
    world.at_facility(p, EventCode.RETURN_TO_SENDER, here, reason)
    carrier = here.carrier or p.carrier
    start = net.stations.get((carrier, p.dest.key), here.id)
    back = net.route(carrier, False, start, p.fc.id) or net.route(p.carrier, False, p.route[-1], p.fc.id)
    if back:
        p.route = list(back)
        p.express = False
        yield from travel(env, world, p, forward=False)
    world.conclude(p, EventCode.RETURNED_TO_SENDER, p.fc.location, p.fc.tz)
    p.truth.fate = Fate.RETURNED
    p.truth.returned_at = iso(world.now, p.fc.tz)
    world.finish(p)


def lost(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Scans just stop; sometimes, days later, the carrier admits it cannot find the parcel."""
    p.truth.fate = Fate.LOST
    if p.fate.lost_exception_after_s:
        yield env.timeout(p.fate.lost_exception_after_s)
        where = p.truth.lost_at or {}
        fid = where.get("facility_id") or where.get("lane", "").split(">")[0]
        f = world.net.facilities.get(fid) or p.fc
        p.eta = None
        world.at_facility(p, EventCode.EXCEPTION, f, ExceptionReason.LOST)
    world.finish(p)


def customer_return(env: simpy.Environment, world: World, p: Parcel) -> Proc:
    """Reverse logistics: label, drop-off at a pickup point, the network, delivered to the merchant."""
    assert p.pickup_point is not None
    pp = p.pickup_point
    world.at_facility(p, EventCode.LABEL_CREATED, pp)
    yield env.timeout(incidents.lognormal_seconds(p.rng, 20 * H, 72 * H))  # the customer drops it off
    world.at_facility(p, EventCode.PICKED_UP, pp)
    ds = world.net.facilities[p.route[0]]
    yield env.timeout(H * (2 + 4 * p.rng.random()))  # the station's collection round
    world.at_facility(p, EventCode.ARRIVED_AT_FACILITY, ds)
    if len(p.route) > 1:
        yield from travel(env, world, p, forward=False)
    p.eta = None
    world.conclude(
        p,
        EventCode.DELIVERED,
        p.fc.location,
        p.fc.tz,
        {"delivery_location": "receiving_dock", "signed_by": "RECEIVING"},
    )
    p.truth.delivered_at = iso(world.now, p.fc.tz)
    p.truth.delivered_to = dict(p.truth.destination)
    p.truth.fate = Fate.DELIVERED
    world.finish(p)


def pinned_case(env: simpy.Environment, world: World, case: PinnedCase) -> Proc:
    """A QA case: a parcel whose story is scripted, on its own random stream and number block."""
    yield env.timeout(case.ship_at)
    from sim import places

    fc_place = places.PLACES[case.origin]
    fc = next((f for f in world.net.fcs if f.place.key == fc_place.key), None)
    if fc is None:
        raise ValueError(f"case {case.name!r}: origin {case.origin!r} is not a fulfilment centre")
    dest = places.PLACES[case.destination]
    rng = ParcelRng(stream_seed(world.seed, f"case:{case.name}"))
    p = world.new_parcel(case.carrier, Service(case.service), fc, dest, rng, case)
    if p is None:
        raise ValueError(f"case {case.name!r}: {case.carrier} does not serve {case.destination}")
    p.fate = ParcelFate()
    p.story = Story(no_incidents=True)
    hubs = [fid for fid in p.route if world.net.facilities[fid].kind == "sort_hub"]
    at = case.at or (hubs[len(hubs) // 2] if hubs else p.route[0])
    if case.story == "lost":
        p.fate.lost_leg = max(0, p.route.index(at) - 1) if at in p.route else 0
        p.fate.lost_in_facility = True
        p.fate.lost_exception_after_s = 7 * DAY
    elif case.story == "misdelivered":
        p.fate.misdelivered = True
    elif case.story == "damaged":
        p.fate.damaged_at_hub = hubs.index(at) if at in hubs else 0
    elif case.story == "weather_delay":
        p.story.hold_at, p.story.hold_s = at, case.delay
    elif case.story == "failed_attempts_return":
        p.story.attempt_failures = world.rates.max_attempts
        p.story.after_failure = "retry"
    elif case.story == "pickup_point":
        p.story.attempt_failures = 1
        p.story.after_failure = "pickup_point"
    elif case.story == "customs_hold":
        p.story.customs_hold_s = case.delay
    elif case.story == "address_return":
        p.fate.address_error = True
        p.fate.address_corrected = False
    yield from journey(env, world, p)
