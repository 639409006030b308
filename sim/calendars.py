"""Carrier calendars: on which days a carrier delivers, collects and counts its standard, where and
for whom; and which days post offices, parcel shops and lockers open.

A day is a working day for a carrier's service when its profile lists the weekday (``sim.profiles``)
and the place's public holiday that day, if any (``sim.public_holidays``), is not one the carrier
closes on. Pure functions of dates; nothing here knows the simulation's clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from sim.profiles import CROSS_BORDER, closed_holidays, profile
from sim.profiles.types import ServiceProfile
from sim.public_holidays import holiday, public_holidays

Kind = Literal["delivery", "pickup", "business"]
#: how far ahead a calendar looks for a working day before it gives up (a year of closures is a bug)
MAX_SEARCH_DAYS = 60


def service_in(carrier: str, service: str, country: str) -> ServiceProfile:
    """A carrier's service as delivered in ``country``: its domestic product there, else its
    cross-border one (the last leg of an international parcel)."""
    p = profile(carrier)
    found = p.services.get((service, country)) or p.services.get((service, CROSS_BORDER))
    if found is None:
        # a partner or a carrier asked about a service it does not sell there: its main product
        # in that country decides the days (every profile sells something where it operates)
        found = next((s for (_, c), s in p.services.items() if c == country), None)
    if found is None:
        raise LookupError(f"{p.name} sells nothing in {country}")
    return found


def closed_for_holiday(carrier: str, country: str, region: str, day: date) -> bool:
    """Whether ``day`` is a public holiday there that ``carrier`` does not work."""
    key = holiday(country, region, day)
    if key is None:
        return False
    closed = closed_holidays(carrier, country)
    return "*" in closed or key in closed


def weekdays(s: ServiceProfile, kind: Kind, shipper: str | None = None) -> frozenset[int]:
    if kind == "pickup":
        return s.pickup_days
    if kind == "business":
        return s.business_days
    extra = s.extra_days_for.get(shipper, frozenset()) if shipper else frozenset()
    return s.delivery_days | extra


def is_working_day(
    carrier: str,
    service: str,
    country: str,
    region: str,
    day: date,
    kind: Kind = "delivery",
    shipper: str | None = None,
) -> bool:
    """Whether ``carrier`` delivers (``kind="delivery"``), collects (``"pickup"``) or counts a day of
    its standard (``"business"``) for ``service`` on ``day`` in ``country``/``region``. ``shipper``
    adds the days a carrier works for that shipper only (USPS Sundays for Amazon)."""
    s = service_in(carrier, service, country)
    if day.weekday() not in weekdays(s, kind, shipper):
        return False
    return not closed_for_holiday(carrier, country, region, day)


def next_working_day(
    carrier: str,
    service: str,
    country: str,
    region: str,
    day: date,
    kind: Kind = "delivery",
    shipper: str | None = None,
) -> date:
    """``day`` itself when it is a working day, else the next one."""
    for offset in range(MAX_SEARCH_DAYS):
        d = day + timedelta(days=offset)
        if is_working_day(carrier, service, country, region, d, kind, shipper):
            return d
    where = f"{country}-{region}"
    raise ValueError(f"{carrier} {service} has no working day in {where} within {MAX_SEARCH_DAYS} days")


def add_business_days(
    carrier: str,
    service: str,
    country: str,
    region: str,
    day: date,
    n: int,
    kind: Kind = "business",
    shipper: str | None = None,
) -> date:
    """The ``n``-th working day after ``day`` (``n = 0``: ``day`` itself if it works, else the next)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    d = next_working_day(carrier, service, country, region, day, kind, shipper) if n == 0 else day
    for _ in range(n):
        d = next_working_day(carrier, service, country, region, d + timedelta(days=1), kind, shipper)
    return d


def business_days_between(
    carrier: str, service: str, country: str, region: str, start: date, end: date, shipper: str | None = None
) -> int:
    """Working days (``kind="business"``) after ``start`` up to and including ``end`` — E+n's n."""
    return sum(
        is_working_day(carrier, service, country, region, start + timedelta(days=k), "business", shipper)
        for k in range(1, (end - start).days + 1)
    )


def holiday_closures(carrier: str, country: str, region: str, year: int) -> frozenset[date]:
    """The dates in ``year`` a carrier closes for a public holiday there — the ``holidays`` argument
    of ``sim.timing.next_open_day`` for code that keeps weekday sets."""
    closed = closed_holidays(carrier, country)
    return frozenset(
        d for d, key in public_holidays(country, region, year).items() if "*" in closed or key in closed
    )


# --- pickup points -------------------------------------------------------------------------------

PickupKind = Literal["locker", "post_office", "branch", "parcel_shop", "access_point", "station"]
#: US and Canadian retail partners (UPS Access Point, FedEx OnSite, Canada Post dealers) close on the
#: three days most retail closes; an assumption (retailers' holiday hours vary by store).
RETAIL_CLOSED: frozenset[str] = frozenset(
    {"us.thanksgiving", "us.christmas", "us.new_year", "ca.christmas", "ca.new_year"}
)


def pickup_point_open_day(kind: PickupKind, country: str, region: str, day: date) -> bool:
    """Whether a pickup point of ``kind`` opens at all on ``day`` (its hours: sim.opening_hours).

    Lockers never close (Packstation, Amazon Hub Locker, Postamat). Post offices and carrier counters
    close on Sundays and public holidays (USPS retail closes on the federal holidays; Deutsche Post
    Filialen and German shops on Sundays and holidays by the Ladenschlussgesetz). Retail partners in
    the US and Canada open every day but the big three retail holidays."""
    if kind == "locker":
        return True
    key = holiday(country, region, day)
    if kind in ("access_point",) and country in ("US", "CA"):
        return key not in RETAIL_CLOSED
    if day.weekday() == 6:
        return False
    return key is None
