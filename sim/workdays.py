"""The world's working calendars: on which days each carrier collects from shippers and delivers, at
each place, for each service and shipper — its profile's weekdays (``sim.profiles``), or the
scenario's where it sets them, less the public holidays the carrier closes on there
(``sim.calendars``).

A calendar is a ``sim.timing.WorkDays``; they are built once per (carrier, place, service, shipper)
and shared, so asking costs a dictionary look-up.
"""

from __future__ import annotations

from datetime import timedelta

from sim.calendars import holiday_closures, service_in
from sim.places import Place
from sim.profiles import ProfileError
from sim.scenario import Scenario
from sim.timing import WorkDays, weekday_set


class WorkCalendars:
    """Every carrier's pickup and delivery days in one world."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        start = scenario.start.date()
        end = start + timedelta(seconds=scenario.duration + scenario.drain) + timedelta(days=60)
        self.years = tuple(range(start.year, end.year + 1))
        self._cache: dict[tuple[str, str, str, str, str | None, str | None], WorkDays] = {}

    def _explicit(self, carrier: str, kind: str) -> frozenset[int] | None:
        cfg = self.scenario.carriers.get(carrier)
        days = (cfg.delivery_days if kind == "delivery" else cfg.pickup_days) if cfg else None
        return weekday_set(days) if days else None

    def _weekdays(
        self, carrier: str, kind: str, country: str, service: str | None, shipper: str | None
    ) -> frozenset[int]:
        explicit = self._explicit(carrier, kind)
        if explicit is not None:
            return explicit
        default = weekday_set(
            self.scenario.delivery_days(carrier) if kind == "delivery" else self.scenario.pickup_days(carrier)
        )
        try:
            sp = service_in(carrier, service or "ground", country)
        except (LookupError, ProfileError):
            return default
        if kind == "pickup":
            return sp.pickup_days
        return sp.delivery_days | (sp.extra_days_for.get(shipper, frozenset()) if shipper else frozenset())

    def days(
        self, carrier: str, kind: str, place: Place, service: str | None = None, shipper: str | None = None
    ) -> WorkDays:
        """``carrier``'s ``kind`` ("delivery" / "pickup") days at ``place`` for ``service`` (None: its
        main service there) and parcels of ``shipper`` (a partner's last mile for another carrier)."""
        key = (carrier, kind, place.country, place.region, service, shipper)
        found = self._cache.get(key)
        if found is None:
            weekdays = self._weekdays(carrier, kind, place.country, service, shipper)
            try:
                closed = frozenset().union(
                    *(holiday_closures(carrier, place.country, place.region, y) for y in self.years)
                )
            except ProfileError:
                closed = frozenset()
            found = self._cache[key] = WorkDays(weekdays, closed)
        return found
