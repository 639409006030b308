"""Promises from the standard: the delivery day a carrier sells at label time.

Computed from the carrier's published standard (``sim.profiles``), its calendar
(``sim.calendars``) and its cut-off — never from the simulation's own plan, so a parcel the world
delays is late, as it would be for real. Peak adjustments only where the carrier publishes one
(``ServiceProfile.peak``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sim.calendars import add_business_days, next_working_day
from sim.localtime import local_clock, local_date
from sim.places import Place
from sim.profiles import service_profile, zone


@dataclass(frozen=True, slots=True)
class Promise:
    ship_day: date  # the pick-up day the label makes (origin's local date)
    business_days: int  # the standard it was sold with, peak day included
    day: date  # the promised delivery day (destination's local date)
    by: float  # epoch seconds: the end of the carrier's delivery day on ``day``


def ship_day(
    carrier: str,
    service: str,
    origin: Place,
    destination: Place,
    label_time: float,
    shipper: str | None = None,
    cutoff_s: float | None = None,
) -> date:
    """The first pick-up day a label created at ``label_time`` makes: today if before the carrier's
    cut-off (origin local time; ``cutoff_s``: the shipper's own, where its scheduled pickup comes
    earlier) and the carrier collects today, else its next pick-up day."""
    sp = service_profile(carrier, service, origin, destination)
    tz = origin.zone
    today = local_date(label_time, tz)
    cut = sp.cutoff_s if cutoff_s is None else min(sp.cutoff_s, cutoff_s)
    after_cutoff = label_time > local_clock(tz, today, cut)  # wall clock, DST-correct
    first = today + timedelta(days=1) if after_cutoff else today
    return next_working_day(carrier, service, origin.country, origin.region, first, "pickup", shipper)


def promise(
    carrier: str,
    service: str,
    origin: Place,
    destination: Place,
    label_time: float,
    shipper: str | None = None,
    cutoff_s: float | None = None,
) -> Promise:
    """The promise sold for a parcel labelled at ``label_time`` (epoch seconds) from ``origin`` to
    ``destination``: the standard's business days after the ship day, counted on the carrier's
    calendar at the destination, landing on a day it delivers there."""
    sp = service_profile(carrier, service, origin, destination)
    shipped = ship_day(carrier, service, origin, destination, label_time, shipper, cutoff_s)
    n = sp.standard.business_days(zone(origin, destination))
    if sp.peak is not None and sp.peak.applies(shipped):
        n += sp.peak.extra_days
    c, r = destination.country, destination.region
    day = add_business_days(carrier, service, c, r, shipped, n, "business", shipper)
    day = next_working_day(carrier, service, c, r, day, "delivery", shipper)
    return Promise(shipped, n, day, local_clock(destination.zone, day, sp.end_of_day_s))
