"""The run report's figures, tallied in one streaming pass over a run's ``events.jsonl`` and
``truth.jsonl``: every line is read once and dropped, and what is kept is keyed by day, carrier,
service, cause, hour or place — never by parcel — so a month-long run needs no more memory than a
day's. Pure functions of the records; ``parcel_sandbox.report.figures`` draws the result.

Definitions follow ``sim.summary`` (summary.json): a parcel is delivered when its fate is delivered,
misdelivered or damaged and it has a ``delivered_at``; it is on time when ``delivered_at <=
promised_by``. Days and hours are the local ones the logs carry (each instant has its place's UTC
offset), so "deliveries at 14:00" means 2 pm at the door.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sim.calendars import business_days_between
from sim.summary import DELIVERED_FATES
from sim.timing import haversine_km

#: Distance bands (great-circle km between origin and destination), upper bound exclusive.
DISTANCE_BANDS: tuple[tuple[str, float], ...] = (
    ("< 150 km", 150.0),
    ("150–600 km", 600.0),
    ("600–1,500 km", 1500.0),
    ("1,500–3,000 km", 3000.0),
    ("≥ 3,000 km", math.inf),
)
#: Distinct origin → destination pairs tallied; a log with more (a shipped world has a few thousand
#: places) counts the parcels of further pairs as not drawn, so a hand-made log of a new city per
#: line cannot grow the tally without bound.
MAX_FLOWS = 100_000
#: Event codes counted per day from events.jsonl (what a tracker sees go wrong).
EVENT_CODES_PER_DAY: tuple[str, ...] = ("DELIVERY_ATTEMPTED", "EXCEPTION", "DELAYED", "CUSTOMS_HOLD")
_CODE_MARKERS = tuple((code, f'"code":"{code}"') for code in EVENT_CODES_PER_DAY)


def distance_band(km: float) -> str:
    """The label of the band ``km`` falls in."""
    for label, upper in DISTANCE_BANDS:
        if km < upper:
            return label
    raise ValueError(f"not a distance: {km!r}")  # NaN


def local_day(instant: str) -> str:
    """The local date (``YYYY-MM-DD``) of an ISO instant carrying its place's offset."""
    return datetime.fromisoformat(instant).date().isoformat()


def local_hour(instant: str) -> int:
    """The local hour (0–23) of an ISO instant carrying its place's offset."""
    return datetime.fromisoformat(instant).hour


#: Longest transit counted by the carrier's calendar, day by day (a world's horizon is 400 days); a
#: longer one — only a hand-made log has it — is counted Monday to Friday, in constant time.
CALENDAR_SPAN_DAYS = 400


def weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    days = (end - start).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    return 5 * weeks + sum((start + timedelta(days=k)).weekday() < 5 for k in range(1, rest + 1))


@functools.lru_cache(maxsize=65_536)
def business_days(carrier: str, service: str, country: str, region: str, start: date, end: date) -> int:
    """Transit in business days as the carrier counts its standard (E+n's n: working days after the
    label's day up to the delivery day), by the carrier's calendar where it delivers; Monday to
    Friday for a carrier or place the calendars do not know (a run from an older version)."""
    if (end - start).days > CALENDAR_SPAN_DAYS:
        return weekdays_between(start, end)
    try:
        return business_days_between(carrier, service, country, region, start, end)
    except (LookupError, ValueError):
        return weekdays_between(start, end)


def quantile_from_counts(counts: dict[int, int], q: float) -> float | None:
    """The ``q`` quantile of integer values given as ``{value: how many}`` (nearest rank, as
    ``sim.summary``'s percentiles); None when there are none."""
    total = sum(counts.values())
    if not total:
        return None
    rank = min(total - 1, max(0, round(q * (total - 1))))
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if rank < seen:
            return float(value)
    raise AssertionError("unreachable: rank < total")


def box_stats(counts: dict[int, int]) -> dict[str, float | int | None]:
    """Five numbers of a distribution of integers (p5, p25, median, p75, p95) and its size."""
    return {
        "n": sum(counts.values()),
        "p5": quantile_from_counts(counts, 0.05),
        "p25": quantile_from_counts(counts, 0.25),
        "median": quantile_from_counts(counts, 0.5),
        "p75": quantile_from_counts(counts, 0.75),
        "p95": quantile_from_counts(counts, 0.95),
    }


def _text(record: dict[str, Any], key: str) -> str:
    """A field that names something (a carrier, a service, a fate, a cause): a string, or a
    TypeError naming it (the reader turns that into file:line)."""
    value = record[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} should be a string, got {type(value).__name__}")
    return value


def _place(d: dict[str, Any]) -> tuple[str, str, str]:
    """A place key: a facility where there is one (a fulfilment centre), else the city."""
    return (str(d.get("facility_id") or ""), str(d.get("city") or "?"), str(d.get("country") or "?"))


class RunTally:
    """What the report shows, fed one record at a time (``add_event_line``, ``add_truth``) and
    read once at the end (``result``). Its size grows with days, carriers, services, causes and
    places, not with parcels or events."""

    def __init__(self) -> None:
        self.events = 0
        self.codes_per_day: dict[str, Counter[str]] = defaultdict(Counter)
        self.labelled: Counter[str] = Counter()
        self.delivered: Counter[str] = Counter()
        self.fates: Counter[str] = Counter()
        self.on_time: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])  # on time, delivered
        self.transit: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)  # (service, band)
        self.delay_minutes: dict[tuple[str, str], int] = defaultdict(int)  # (day, cause)
        self.hours: dict[str, Counter[int]] = defaultdict(Counter)  # carrier -> local hour
        self.flows: Counter[tuple[tuple[str, str, str], tuple[str, str, str]]] = Counter()
        # where each place is: a running sum of coordinates, so a city's dot sits at its parcels' mean
        self.coords: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
        self.unplaced = 0  # parcels of pairs past MAX_FLOWS

    def add_event_line(self, line: str) -> None:
        """One line of events.jsonl. Only the codes that mean trouble are dated; the rest are
        counted without parsing (a run has tens of events per parcel)."""
        self.events += 1
        for code, marker in _CODE_MARKERS:
            if marker in line:
                start = line.index('"occurred_at":"') + 15
                self.codes_per_day[local_day(line[start : line.index('"', start)])][code] += 1
                return

    def add_truth(self, t: dict[str, Any]) -> None:
        """One record of truth.jsonl."""
        carrier, service, fate = _text(t, "carrier"), _text(t, "service"), _text(t, "fate")
        self.labelled[local_day(t["created_at"])] += 1
        self.fates[fate] += 1
        for d in t["delays"]:
            self.delay_minutes[(local_day(d["at"]), _text(d, "cause"))] += int(d["minutes"])
        origin, destination = t["origin"], t["destination"]
        o, dst = _place(origin), _place(destination)
        if (o, dst) in self.flows or len(self.flows) < MAX_FLOWS:
            self.flows[(o, dst)] += 1
            for key, where in ((o, origin), (dst, destination)):
                c = self.coords[key]
                c[0] += float(where["lat"])
                c[1] += float(where["lon"])
                c[2] += 1
        else:
            self.unplaced += 1
        if fate not in DELIVERED_FATES or not t.get("delivered_at"):
            return
        done = datetime.fromisoformat(t["delivered_at"])
        created = datetime.fromisoformat(t["created_at"])
        self.delivered[done.date().isoformat()] += 1
        self.hours[carrier][done.hour] += 1
        tally = self.on_time[(carrier, service)]
        tally[0] += done <= datetime.fromisoformat(t["promised_by"])
        tally[1] += 1
        km = haversine_km(
            float(origin["lat"]), float(origin["lon"]), float(destination["lat"]), float(destination["lon"])
        )
        n = business_days(
            carrier,
            service,
            str(destination.get("country") or ""),
            str(destination.get("region") or ""),
            created.date(),
            done.date(),
        )
        self.transit[(service, distance_band(km))][n] += 1

    def result(self, top_flows: int = 150) -> dict[str, Any]:
        """Plain JSON-able figures. Flows keep the ``top_flows`` largest (ties by name) and say how
        many parcels the rest carried."""
        days = sorted(
            set(self.labelled)
            | set(self.delivered)
            | set(self.codes_per_day)
            | {d for d, _ in self.delay_minutes}
        )
        causes = sorted({c for _, c in self.delay_minutes})
        ranked = sorted(self.flows.items(), key=lambda kv: (-kv[1], kv[0]))
        kept, rest = ranked[:top_flows], ranked[top_flows:]

        def where(key: tuple[str, str, str]) -> dict[str, Any]:
            lat, lon, n = self.coords[key]
            return {"name": key[1], "country": key[2], "lat": round(lat / n, 4), "lon": round(lon / n, 4)}

        return {
            "events": self.events,
            "parcels": sum(self.labelled.values()),
            "fates": dict(sorted(self.fates.items())),
            "per_day": {
                "days": days,
                "labelled": [self.labelled.get(d, 0) for d in days],
                "delivered": [self.delivered.get(d, 0) for d in days],
                **{
                    code.lower(): [
                        self.codes_per_day[d][code] if d in self.codes_per_day else 0 for d in days
                    ]
                    for code in EVENT_CODES_PER_DAY
                },
            },
            "on_time": [
                {
                    "carrier": carrier,
                    "service": service,
                    "on_time": on,
                    "delivered": n,
                    "rate": round(on / n, 4),
                }
                for (carrier, service), (on, n) in sorted(self.on_time.items())
            ],
            "transit_business_days": [
                {
                    "service": service,
                    "band": band,
                    "counts": {str(k): v for k, v in sorted(counts.items())},
                    **box_stats(counts),
                }
                for (service, band), counts in sorted(
                    self.transit.items(), key=lambda kv: (kv[0][0], _band_order(kv[0][1]))
                )
            ],
            "delay_hours": {
                "days": days,
                "causes": {
                    cause: [round(self.delay_minutes.get((d, cause), 0) / 60, 2) for d in days]
                    for cause in causes
                },
            },
            "delivery_hours": {
                carrier: [counts.get(h, 0) for h in range(24)]
                for carrier, counts in sorted(self.hours.items())
            },
            "flows": [{"from": where(o), "to": where(dst), "parcels": n} for (o, dst), n in kept],
            "flows_not_shown": {"flows": len(rest), "parcels": sum(n for _, n in rest) + self.unplaced},
        }


def _band_order(label: str) -> int:
    return [b for b, _ in DISTANCE_BANDS].index(label)
