"""Opening hours: when pickup points, lockers and post offices serve customers, and when a
merchant's warehouse receives returns. Weekly schedules in local time, and the arithmetic on them
(open at an instant, the next opening, so much open time after an instant).

Pure functions on a ``Week`` (seven days, Monday first, each a tuple of open spans in seconds after
local midnight). Tables per carrier; a carrier profile (issue 12) may replace them.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sim.localtime import local_date, local_midnight

H = 3600.0
Span = tuple[float, float]
Week = tuple[tuple[Span, ...], ...]


def week(mon_fri: Span | None, sat: Span | None = None, sun: Span | None = None) -> Week:
    """A schedule from Monday–Friday, Saturday and Sunday hours (None: closed that day)."""
    days = [mon_fri] * 5 + [sat, sun]
    return tuple(((d,) if d else ()) for d in days)


ALWAYS: Week = tuple(((0.0, 24 * H),) for _ in range(7))

# Pickup points by who runs them (and where). Lockers are open around the clock: DHL Packstation
# ("rund um die Uhr", dhl.de), Amazon Hub Locker (Amazon: most lockers 24/7; those inside shops keep
# the shop's hours), Kazpost's Postamat terminals. Post offices keep counter hours: USPS retail hours
# vary by office, weekdays ~09:00–17:00 and Saturday mornings are typical (usps.com locator).
# Parcel shops keep their host shop's hours: German shops close on Sundays (Ladenschlussgesetz);
# Hermes PaketShops are mostly kiosks and supermarkets open to 20:00; DPD Pickup shops and US/Canadian
# retail partners (UPS Access Point, FedEx OnSite at Walgreens/Dollar General, Canada Post dealers
# in pharmacies) keep retail hours — these are typical hours, an assumption per network.
PICKUP_POINT_HOURS: dict[str, Week] = {
    "amazon": ALWAYS,
    "kazpost": ALWAYS,
    "usps": week((9 * H, 17 * H), (9 * H, 12 * H)),
    "ups": week((9 * H, 20 * H), (9 * H, 18 * H), (11 * H, 17 * H)),
    "fedex": week((8 * H, 21 * H), (8 * H, 21 * H), (10 * H, 18 * H)),
    "dhl": week((9 * H, 19 * H), (10 * H, 16 * H)),
    "hermes": week((8 * H, 20 * H), (8 * H, 20 * H)),
    "dpd": week((9 * H, 19 * H), (9 * H, 14 * H)),
    "canadapost": week((9 * H, 21 * H), (9 * H, 18 * H), (10 * H, 17 * H)),
}
PICKUP_POINT_HOURS_BY_COUNTRY: dict[tuple[str, str], Week] = {
    ("dhl", "DE"): ALWAYS,  # Packstation
}
DEFAULT_PICKUP_POINT_HOURS = week((9 * H, 18 * H), (9 * H, 13 * H))

# A merchant's returns dock: two shifts on weekdays and a Saturday morning shift, closed on Sundays
# (an assumption: typical of e-commerce fulfilment centres' inbound receiving; no dock arrivals at
# midnight or on Sundays).
RECEIVING_HOURS: Week = week((6 * H, 22 * H), (6 * H, 14 * H))

# When a courier collects customers' drop-offs from a pickup point: on its afternoon round
# (parcel shops are collected once a working day).
SHOP_COLLECTION_S: Span = (15 * H, 18 * H)


def pickup_point_hours(carrier: str, country: str) -> Week:
    return PICKUP_POINT_HOURS_BY_COUNTRY.get(
        (carrier, country), PICKUP_POINT_HOURS.get(carrier, DEFAULT_PICKUP_POINT_HOURS)
    )


def is_always_open(w: Week) -> bool:
    return w == ALWAYS


def open_seconds_per_week(w: Week) -> float:
    return sum(end - start for day in w for start, end in day)


def _spans(w: Week, tz: ZoneInfo, day: date) -> list[Span]:
    """The open spans of ``day`` as epoch seconds (wall-clock hours, DST-correct)."""
    midnight = local_midnight(tz, day)
    nxt = local_midnight(tz, day + timedelta(days=1))
    out = []
    for start, end in w[day.weekday()]:
        # wall-clock seconds from midnight; on a 23/25-hour day the end of the day is the next midnight
        a = midnight + start
        b = nxt if end >= 24 * H else midnight + end
        if b > a:
            out.append((a, b))
    return out


def is_open(w: Week, tz: ZoneInfo, at: float) -> bool:
    return any(a <= at < b for a, b in _spans(w, tz, local_date(at, tz)))


def next_open(w: Week, tz: ZoneInfo, at: float) -> float:
    """``at`` if open then, else the next opening."""
    day = local_date(at, tz)
    for offset in range(8):
        for a, b in _spans(w, tz, day + timedelta(days=offset)):
            if at < b:
                return max(a, at)
    raise ValueError("a schedule needs some open hours in the week")


def add_open_time(w: Week, tz: ZoneInfo, start: float, seconds: float) -> float:
    """The instant at which ``seconds`` of open time have passed since ``start`` (counting only
    open hours): a customer who takes so long to come by, counted in the hours they could."""
    if seconds < 0:
        raise ValueError("open time to add must be non-negative")
    per_week = open_seconds_per_week(w)
    if per_week <= 0:
        raise ValueError("a schedule needs some open hours in the week")
    t = next_open(w, tz, start)
    left = seconds
    # whole weeks at once (a lognormal's tail can be weeks long)
    weeks = int(left // per_week)
    if weeks:
        t = next_open(w, tz, t + weeks * 7 * 86400.0)
        left -= weeks * per_week
    day = local_date(t, tz)
    for offset in range(9):
        for a, b in _spans(w, tz, day + timedelta(days=offset)):
            if b <= t:
                continue
            a = max(a, t)
            if a + left < b:
                return a + left
            left -= b - a
    raise AssertionError("less than a week of open time left, yet not placed within 8 days")


def scaled_open_time(w: Week, seconds: float) -> float:
    """Wall-clock ``seconds`` expressed as the same share of the week's open time: a wait drawn in
    wall-clock hours (a median of 20 h) keeps its median when only open hours count."""
    return seconds * open_seconds_per_week(w) / (7 * 24 * H)
