"""The shared state of one simulated world: its clock, plans, capacity, closures and ledger, and
the making of new parcels. The processes (``sim.processes``) move parcels through it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import simpy

from sim import courier_routes, incidents, packages, pinned, places, promises, same_day, timing
from sim.capacity import Capacity, expected_loads
from sim.closures import Closures
from sim.eta import announce_at, first_estimate
from sim.events import Delay, EstimatedDelivery, EventCode, ExceptionReason, ParcelTruth, Service
from sim.incidents import ParcelFate
from sim.localtime import iso, local_date
from sim.network import Facility, Network
from sim.parcels import Ledger, Parcel, Stream, facility_address, home_address, home_location
from sim.pickups import LABEL_CUTOFF_S, Pickups
from sim.pinned import CaseNumbers
from sim.places import Place
from sim.planning import FAST_SERVICES, Planner
from sim.population import Destinations, recipient
from sim.profiles import PROFILES, ProfileError, profile, service_profile
from sim.scenario import PinnedCase, Scenario
from sim.stations import Stations
from sim.streams import ParcelRng, Rng, named_random, stream_seed
from sim.tracking_numbers import TrackingNumberFactory
from sim.visibility import Uploads
from sim.workdays import WorkCalendars

if TYPE_CHECKING:
    from sim.processes.linehaul import Fleet

H = 3600.0
RETURN_DROP_OFF_ALLOWANCE_S = 2 * 86400.0  # returns are promised from the label, allowing a drop-off
ETAS_KEPT = 1_000  # promised days shared as one EstimatedDelivery each
PROMISES_KEPT = 50_000  # sold promises remembered by (carrier, service, warehouse, city, ship day)


class World:
    """One world: what every process shares, and the one place parcels are made."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, seed: int, net: Network) -> None:
        self.env = env
        self.scenario = scenario
        self.seed = seed
        self.net = net
        self.start_epoch = scenario.start.timestamp()
        self.rates = scenario.incidents
        self.ledger = Ledger(
            env, self.start_epoch, Uploads(seed, {k: pr.visibility for k, pr in PROFILES.items()})
        )
        self.unroutable = 0  # demand no route serves: counted, and shown in the summary
        self.created = 0
        self.numbers = TrackingNumberFactory(named_random(seed, "tracking"))
        self.cases = CaseNumbers(seed)
        partners = {p for c in scenario.carriers.values() for p in c.partner.values()}
        carriers = sorted(set(scenario.carriers) | partners)
        self.stations = Stations(seed, scenario, net.facilities)  # delivery stations' days
        self.pickups = Pickups(seed)  # trucks at shippers' docks
        self.calendars = WorkCalendars(scenario)  # each carrier's days per place, holidays included
        self.plan = Planner(
            net,
            delivery_days={c: timing.weekday_set(scenario.delivery_days(c)) for c in carriers},
            pickup_days={c: timing.weekday_set(scenario.pickup_days(c)) for c in carriers},
            station_cutoff=self.stations.cutoff_s,
            pickup_departure=lambda c, fc, t, days: self.pickups.next_truck(c, fc.id, fc.tz, t, days).departs,
            calendars=self.calendars,
        )
        self.destinations = Destinations(scenario, net)
        self.closures = Closures(scenario.disruptions, net.facilities)
        hub_load, station_load, lane_load = expected_loads(scenario, self.plan, self.destinations)
        self.capacity = Capacity(
            net.facilities,
            hub_load,
            station_load,
            scenario.network.capacity_headroom,
            scenario.network.hub_sort_per_hour,
            lane_load,
            {fid: self.closures.full_closures(fid) for fid in net.facilities},
        )
        self._origins: dict[str, dict[str, Any]] = {}
        self._etas: dict[date, EstimatedDelivery] = {}
        self._sold: dict[tuple[str, Service, str, Place, date], promises.Promise] = {}
        self.fleet: Fleet | None = None  # the line-haul vehicles (sim.processes.linehaul), made on first use
        self._check_destinations()
        self._check_cases()

    def _check_destinations(self) -> None:
        """Every service a carrier sells must reach somewhere from every fulfilment centre;
        otherwise the scenario is wrong, and saying so beats dropping its parcels."""
        for carrier, cfg in self.scenario.carriers.items():
            for service, share in cfg.services.items():
                if share <= 0:
                    continue
                fcs = self.plan.fcs(carrier)
                if not fcs:
                    raise ValueError(
                        f"carriers.{carrier}: no fulfilment centre in a country where {carrier} has hubs"
                    )
                for fc in fcs:
                    if self.destinations.pick(carrier, service, fc.place.country, 0.5) is None:
                        where = "abroad" if service is Service.INTERNATIONAL else f"in {fc.place.country}"
                        raise ValueError(
                            f"carriers.{carrier}.services.{service.value}: {carrier} reaches no city {where} "
                            f"from {fc.id} (add countries/metros, hubs, or a partner)"
                        )

    def _check_cases(self) -> None:
        """A case's ``at:`` must be where its parcel will pass (``pinned.at_problem``); a story
        moved to wherever the route starts would not be the one the scenario pinned."""
        for i, case in enumerate(self.scenario.cases):
            fc = None if case.at is None else self.fc_at(case.origin)
            if fc is None:
                continue  # no place named, or a case from no warehouse (reported when it ships)
            dest = places.PLACES[case.destination]
            partner = self._partner(case.carrier, case.service)
            planned = self.plan.route(case.carrier, case.service, fc, dest, partner)
            problem = pinned.at_problem(case, planned[0], self.net.facilities) if planned else None
            if problem:
                raise ValueError(f"cases.{i}.at: {problem}")

    def fc_at(self, place_key: str) -> Facility | None:
        """The fulfilment centre at a place, if the world has one there."""
        return next((f for f in self.net.fcs if f.place.key == place_key), None)

    def _partner(self, carrier: str, service: Service) -> str | None:
        """The partner the scenario gives ``carrier`` for ``service``'s last mile, if any."""
        cfg = self.scenario.carriers.get(carrier)
        return cfg.partner.get(service) if cfg else None

    # --- the clock --------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.start_epoch + self.env._now  # the hottest property in the model

    def wait_until(self, epoch: float) -> simpy.Timeout:
        return self.env.timeout(max(0.0, epoch - self.now))

    # --- promises and delays ----------------------------------------------------------------
    def set_eta(self, p: Parcel, day: date) -> None:
        p.eta_day = day
        # one (frozen) promised day shared by every parcel told it: one object, serialised once
        eta = self._etas.get(day)
        if eta is None:
            if len(self._etas) > ETAS_KEPT:
                self._etas.clear()
            eta = self._etas[day] = EstimatedDelivery(day.isoformat())
        p.eta = eta

    def note_delay(
        self,
        p: Parcel,
        cause: ExceptionReason,
        seconds: float,
        f: Facility,
        index: int,
        ready: float,
        at: float | None = None,
    ) -> None:
        """Record a delay in the truth (now, or at ``at``); if it moves the expected day, show the
        new ETA."""
        if seconds <= 0:
            return
        when = self.now if at is None else at
        p.truth.delays.append(Delay(cause, round(seconds / 60), iso(when, f.tz), f.id))
        if index >= len(p.route) - 1:
            return
        expected = self.plan.delivery_day(p.carrier, p.express, p.route, index, ready)
        if expected > p.eta_day:
            self.set_eta(p, expected)
            self.ledger.at_facility(p, EventCode.DELAYED, f, cause, at=at)

    def announce_at(self, p: Parcel, known_at: float) -> float:
        """When a carrier shows what it learnt at ``known_at`` (a closed gate, a cancelled
        trailer): some minutes later, by its profile (``sim.eta.announce_at``)."""
        try:
            eta = profile(p.stream.carrier).eta
        except ProfileError:
            return known_at
        # its own draw, keyed by parcel and instant: the parcel's stream (its later incidents) stays
        # the same whether or not a closure made it wait
        rng = ParcelRng(stream_seed(self.seed, f"announce:{p.tracking_number}:{round(known_at)}"))
        return max(self.now, announce_at(rng, eta, known_at))

    def announce_cancelled(
        self,
        waiting: Iterable[tuple[float, int, Parcel]],
        cut: float,
        dep: float,
        later: float,
        cause: ExceptionReason,
        f: Facility,
    ) -> None:
        """A departure from ``f`` at ``dep`` that does not run (a storm, a stopped lane): the
        parcels ready for it (by ``cut``) learn it then, not when ``later``'s takes them."""
        for ready, _, p in waiting:
            if ready <= cut and p.planned_dep is not None and p.planned_dep <= dep:
                self.note_delay(p, cause, later - p.planned_dep, f, p.at, later, at=self.announce_at(p, dep))
                p.planned_dep = later  # told once: the later departure is now its plan

    # --- new parcels ------------------------------------------------------------------------
    def new_parcel(
        self,
        carrier: str,
        service: Service,
        fc: Facility,
        dest: Place,
        rng: Rng,
        case: PinnedCase | None = None,
    ) -> Parcel | None:
        """A shipment from a fulfilment centre to a recipient in ``dest``, labelled now; None when
        no route serves it. Its incidents are drawn here, from its own stream."""
        partner = self._partner(carrier, service)
        planned = self.plan.route(carrier, service, fc, dest, partner)
        if planned is None:
            return None
        route, handover = planned
        if handover is None:
            partner = None
        if case is not None:
            tn = self.cases.number(case)
        else:
            tn = self.numbers.mint(carrier, service.value, fc.place.country, dest.country)
        address = recipient(self.seed, dest, rng)
        now = self.now
        created = iso(now, fc.tz)
        n_hubs = sum(1 for f in route if self.net.facilities[f].kind == "sort_hub")
        fate = incidents.draw_fate(rng, self.rates, len(route) - 1, n_hubs)
        stream = Stream(tn, carrier, service.value)
        international = fc.place.country != dest.country
        truth = ParcelTruth(
            tracking_number=tn,
            carrier=carrier,
            service=service.value,
            created_at=created,
            promised_by=created,
            origin=self._origin(fc),
            destination=home_address(dest, address),
            international=international,
            case=case.name if case else None,
            package=packages.draw(self.seed, tn),
        )
        p = Parcel(
            tn,
            carrier,
            service,
            service in FAST_SERVICES,
            rng,
            fc,
            dest,
            home_location(dest, address),
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
        ds = self.net.facilities[route[-1]]
        expected = self.plan.delivery_day(carrier, service in FAST_SERVICES, route, 0, now)
        if service is Service.SAME_DAY and len(route) == 2:  # straight from the FC to the station
            day = same_day.promise(now, ds.tz)
            by = timing.end_of_day(day, ds.tz, courier_routes.courier_day(ds.carrier or carrier).until_s)
            self.set_eta(p, day)  # the evening's routes are booked for it: today, or it is late
        else:
            day, by = self._promise(carrier, service, fc, dest, now, expected)
            # the carrier's first estimate is its own plan (with its own error), not the promise
            self.set_eta(p, self.first_estimate(p, ds, expected, now))
        truth.promised_by = iso(by, ds.tz)
        self.ledger.track(tn, p)
        self.created += 1
        return p

    def _promise(
        self, carrier: str, service: Service, fc: Facility, dest: Place, now: float, expected: date
    ) -> tuple[date, float]:
        """The day sold and the instant it runs out: the carrier's published standard from its
        cut-off and calendar (``sim.promises``). A carrier that shows each order a date
        (``promise_from_plan``: Amazon's checkout) sells the later of that and its plan; a service
        no profile describes, its plan."""
        ds = self.net.facilities[self.net.stations.get((carrier, dest.key), fc.id)]
        until = courier_routes.courier_day(ds.carrier or carrier).until_s
        try:
            sold = self._sold_promise(carrier, service, fc, dest, now)
            if not service_profile(carrier, service.value, fc.place, dest).promise_from_plan:
                return sold.day, sold.by
        except ProfileError:
            return expected, timing.end_of_day(expected, ds.tz, until)
        # a checkout date: the service's advertised days, later where the network cannot make them
        if expected <= sold.day:
            return sold.day, sold.by
        return expected, timing.end_of_day(expected, ds.tz, until)

    def _sold_promise(
        self, carrier: str, service: Service, fc: Facility, dest: Place, now: float
    ) -> promises.Promise:
        """``promises.promise`` for a label at ``now``, which depends on the label's time only
        through its ship day: worked out once per (carrier, service, warehouse, city, ship day)
        and shared by that day's parcels (thousands, in a national day)."""
        # a shipper on a daily pickup ships today only if its label makes the last scheduled truck
        # (its own slot, an hour for the label: sim.pickups), where that comes before the carrier's
        # cut-off
        cutoff = self.pickups.windows(carrier, fc.id)[-1] - LABEL_CUTOFF_S
        shipped = promises.ship_day(carrier, service.value, fc.place, dest, now, cutoff_s=cutoff)
        key = (carrier, service, fc.id, dest, shipped)
        sold = self._sold.get(key)
        if sold is None:
            if len(self._sold) > PROMISES_KEPT:
                self._sold.clear()
            sold = self._sold[key] = promises.promise(
                carrier, service.value, fc.place, dest, now, cutoff_s=cutoff
            )
        return sold

    def first_estimate(self, p: Parcel, ds: Facility, expected: date, now: float) -> date:
        """The estimate a carrier first shows: its plan, a working day off now and then."""
        try:
            eta = profile(ds.carrier or p.carrier).eta
        except ProfileError:
            return expected
        days = self.plan.delivery_at(p.carrier, ds, p.service.value, p.carrier)
        return first_estimate(p.rng, eta, expected, local_date(now, ds.tz), lambda d: timing.works(d, days))

    def _origin(self, fc: Facility) -> dict[str, Any]:
        """A warehouse as the truth's origin: one (read-only) record a warehouse, shared by its parcels."""
        origin = self._origins.get(fc.id)
        if origin is None:
            origin = self._origins[fc.id] = facility_address(fc)
        return origin

    def new_return(self, carrier: str, service: Service, customer: Place, fc: Facility, rng: Rng) -> Parcel:
        """A customer's return to the merchant: dropped at a pickup point, carried to the FC."""
        net = self.net
        pp = net.facilities[net.pickup_points[(carrier, customer.key)]]
        ds_id = net.stations[(carrier, customer.key)]
        route = list(net.route(carrier, False, ds_id, fc.id) or [ds_id, fc.id])
        tn = self.numbers.mint(carrier, service.value, customer.country, fc.place.country)
        address = recipient(self.seed, customer, rng)
        now = self.now
        created = iso(now, pp.tz)
        stream = Stream(tn, carrier, service.value)
        truth = ParcelTruth(
            tracking_number=tn,
            carrier=carrier,
            service=service.value,
            created_at=created,
            promised_by=created,
            origin=home_address(customer, address),
            destination={**fc.location.to_dict(), "name": fc.name},
            international=customer.country != fc.place.country,
            customer_return=True,
            package=packages.draw(self.seed, tn),
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
        day = self.plan.delivery_day(carrier, False, route, 0, now + RETURN_DROP_OFF_ALLOWANCE_S)
        self.set_eta(p, day)
        truth.promised_by = iso(timing.end_of_day(day, fc.tz), fc.tz)
        self.ledger.track(tn, p)
        self.created += 1
        return p
