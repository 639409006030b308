"""Issue 12's calibration figures computed from a run's raw logs (events.jsonl, truth.jsonl): transit
in working days, on-time by carrier, deliveries on holidays and Sundays, how ETAs are met and
revised, and scan visibility. Used by ``tests/test_calibration.py`` and, as a script, to print a
run's table:

    .venv/bin/python -m tests.calibration_metrics RUN_DIR

Working days are judged on the published calendars (weekdays as the figure defines them, public
holidays from ``sim.public_holidays``), never on the simulation's own plan. A figure in a carrier's
business days (UPS/FedEx Ground's zone 8) skips only the holidays the carrier's published holiday
schedule closes (its profile's cited ``closed_on``: UPS and FedEx work Veterans Day).
"""

from __future__ import annotations

import argparse
import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sim.profiles import closed_holidays
from sim.profiles.types import ALL_HOLIDAYS
from sim.public_holidays import holiday
from tests.realism import events_by_parcel, truths

ATTEMPT_CODES = frozenset({"DELIVERED", "DELIVERY_ATTEMPTED"})
DOOR_CODES = frozenset({"DELIVERED", "DELIVERY_ATTEMPTED", "AVAILABLE_FOR_PICKUP"})
KM_PER_MILE = 1.609344
ZONE8_KM = 1800 * KM_PER_MILE
MON_SAT = frozenset(range(6))
MON_FRI = frozenset(range(5))
LATE_VISIBLE_S = 2 * 3600.0


def km(a: dict[str, Any], b: dict[str, Any]) -> float:
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b["lon"] - a["lon"]) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def local_day(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


def working_days_between(
    start: date,
    end: date,
    weekdays: frozenset[int],
    country: str,
    region: str = "",
    closed: frozenset[str] = ALL_HOLIDAYS,
) -> int:
    """Working days after ``start`` up to and including ``end`` (E+n's n): ``weekdays`` that are no
    public holiday of the place — of those in ``closed`` (holiday keys; ``ALL_HOLIDAYS``: every
    one), for a carrier's business days."""
    n = 0
    d = start
    every = ALL_HOLIDAYS <= closed
    while d < end:
        d += timedelta(days=1)
        if d.weekday() in weekdays:
            h = holiday(country, region, d)
            if h is None or not (every or h in closed):
                n += 1
    return n


@dataclass
class ParcelLog:
    """One shipment's truth and every scan of all its tracking numbers, in time order."""

    truth: dict[str, Any]
    events: list[dict[str, Any]] = field(default_factory=list)

    def first(self, codes: Iterable[str]) -> dict[str, Any] | None:
        wanted = frozenset(codes)
        return next((e for e in self.events if e["code"] in wanted), None)


def parcels(run: Path) -> list[ParcelLog]:
    """Forward shipments (no customer returns), each with all its streams' scans."""
    evs = events_by_parcel(run)
    out = []
    for tn, t in truths(run).items():
        if t.get("customer_return"):
            continue
        log = ParcelLog(t, list(evs.get(tn, [])))
        partner = (t.get("partner") or {}).get("tracking_number")
        if partner and partner != tn:
            log.events += evs.get(partner, [])
        log.events.sort(key=lambda e: (datetime.fromisoformat(e["occurred_at"]), e["seq"]))
        out.append(log)
    return out


def transit_days(
    log: ParcelLog, weekdays: frozenset[int], closed: frozenset[str] = ALL_HOLIDAYS
) -> int | None:
    """Working days from the pick-up date to the first attempt's date (door, or the chosen
    locker), skipping the public holidays in ``closed``; None when the parcel was never picked up
    or never reached a door."""
    picked = log.first(["PICKED_UP"])
    door = log.first(DOOR_CODES)
    if picked is None or door is None:
        return None
    d = log.truth["destination"]
    return working_days_between(
        local_day(picked["occurred_at"]),
        local_day(door["occurred_at"]),
        weekdays,
        d.get("country", ""),
        d.get("region", "") or d.get("state", "") or "",
        closed,
    )


def e_shares(logs: Iterable[ParcelLog], weekdays: frozenset[int], upto: int = 3) -> dict[str, float]:
    """Cumulative shares of first attempts by E+1 … E+``upto`` working days."""
    days = [n for n in (transit_days(x, weekdays) for x in logs) if n is not None]
    if not days:
        return {}
    return {f"E+{k}": sum(n <= k for n in days) / len(days) for k in range(1, upto + 1)} | {"n": len(days)}


def domestic(logs: Iterable[ParcelLog], country: str) -> list[ParcelLog]:
    return [
        x
        for x in logs
        if x.truth["origin"].get("country") == country and x.truth["destination"].get("country") == country
    ]


def germany_transit(logs: list[ParcelLog]) -> dict[str, dict[str, float]]:
    """E+1/E+2/E+3 (Mon–Sat, German holidays excluded) for domestic German parcels, all and per carrier."""
    de = domestic(logs, "DE")
    out = {"all": e_shares(de, MON_SAT)}
    for c in sorted({x.truth["carrier"] for x in de}):
        out[c] = e_shares([x for x in de if x.truth["carrier"] == c], MON_SAT)
    return out


def zone8_ground_days(logs: list[ParcelLog]) -> dict[str, float]:
    """Median business days pick-up → first attempt of UPS/FedEx Ground parcels over 1,800 miles,
    in the carrier's business days as its transit maps count them: Monday–Friday less the US
    holidays its published schedule closes (not Veterans Day, which both work)."""
    out: dict[str, float] = {}
    for c in ("ups", "fedex"):
        closed = closed_holidays(c, "US")
        days = [
            n
            for x in domestic(logs, "US")
            if x.truth["carrier"] == c
            and x.truth["service"] == "ground"
            and km(x.truth["origin"], x.truth["destination"]) > ZONE8_KM
            and (n := transit_days(x, MON_FRI, closed)) is not None
        ]
        if days:
            out[c] = statistics.median(days)
            out[f"{c}_n"] = len(days)
    return out


def service_medians(logs: list[ParcelLog], carrier: str, country: str = "US") -> dict[str, float]:
    """Median business days (Mon–Fri) pick-up → first attempt per service of one carrier."""
    by: dict[str, list[int]] = defaultdict(list)
    for x in domestic(logs, country):
        if x.truth["carrier"] == carrier and (n := transit_days(x, MON_FRI)) is not None:
            by[x.truth["service"]].append(n)
    return {s: statistics.median(v) for s, v in sorted(by.items())}


def on_time(logs: list[ParcelLog]) -> dict[str, float]:
    """Strict on-time per carrier: delivered (door or pickup point) by the promise's end."""
    hit: Counter[str] = Counter()
    n: Counter[str] = Counter()
    for x in logs:
        t = x.truth
        if not t.get("delivered_at") or not t.get("promised_by"):
            continue
        n[t["carrier"]] += 1
        hit[t["carrier"]] += datetime.fromisoformat(t["delivered_at"]) <= datetime.fromisoformat(
            t["promised_by"]
        )
    return {c: hit[c] / n[c] for c in sorted(n)}


def deliveries_on(logs: list[ParcelLog], day: date, carriers: Iterable[str]) -> int:
    """Door scans (delivered or attempted) on local ``day`` by any of ``carriers`` (the scanning
    carrier: a partner's last mile counts for the partner)."""
    wanted = frozenset(carriers)
    return sum(
        1
        for x in logs
        for e in x.events
        if e["code"] in ATTEMPT_CODES and e["carrier"] in wanted and local_day(e["occurred_at"]) == day
    )


def pickups_on(logs: list[ParcelLog], day: date, carriers: Iterable[str]) -> int:
    wanted = frozenset(carriers)
    return sum(
        1
        for x in logs
        for e in x.events
        if e["code"] == "PICKED_UP" and e["carrier"] in wanted and local_day(e["occurred_at"]) == day
    )


def sunday_deliveries(logs: list[ParcelLog]) -> Counter[str]:
    """Door scans on Sundays, keyed ``scanning carrier/service/shipper's carrier``."""
    out: Counter[str] = Counter()
    for x in logs:
        for e in x.events:
            if e["code"] in ATTEMPT_CODES and local_day(e["occurred_at"]).weekday() == 6:
                out[f"{e['carrier']}/{x.truth['service']}/{x.truth['carrier']}"] += 1
    return out


def eta_figures(logs: list[ParcelLog]) -> dict[str, float]:
    """First estimate met, last revised estimate met, share of revisions that move earlier.

    An estimate is an event's ``estimated_delivery.date``; a revision is a change of that date
    between two scans (the out-for-delivery scan, which dates today, not counted); met = delivered
    (door or pickup point) on or before it."""
    first_met = first_n = last_met = last_n = 0
    revisions = earlier = 0
    for x in logs:
        delivered = x.truth.get("delivered_at")
        dates = [
            (e["code"], date.fromisoformat(e["estimated_delivery"]["date"]))
            for e in x.events
            if e.get("estimated_delivery") and e["code"] != "OUT_FOR_DELIVERY"
        ]
        if not dates:
            continue
        changes = [(a, b) for (_, a), (_, b) in itertools.pairwise(dates) if a != b]
        revisions += len(changes)
        earlier += sum(b < a for a, b in changes)
        if not delivered:
            continue
        got = local_day(delivered)
        first_n += 1
        first_met += got <= dates[0][1]
        if changes:
            last_n += 1
            last_met += got <= dates[-1][1]
    return {
        "first_met": first_met / first_n if first_n else math.nan,
        "last_revised_met": last_met / last_n if last_n else math.nan,
        "revisions": revisions,
        "revised_parcels": last_n,
        "earlier_share": earlier / revisions if revisions else math.nan,
    }


def late_visible_share(logs: list[ParcelLog]) -> float:
    """Share of scans visible more than 2 h after they happen."""
    n = late = 0
    for x in logs:
        for e in x.events:
            n += 1
            lag = datetime.fromisoformat(e["visible_at"]) - datetime.fromisoformat(e["occurred_at"])
            late += lag.total_seconds() > LATE_VISIBLE_S
    return late / n if n else math.nan


def weather_announce_hours(logs: list[ParcelLog], storm_start: datetime) -> list[float]:
    """Per parcel delayed by weather: hours from the storm's start to its first weather notice."""
    out = []
    for x in logs:
        e = next(
            (e for e in x.events if e["code"] in ("DELAYED", "EXCEPTION") and e.get("reason") == "weather"),
            None,
        )
        if e is not None:
            out.append((datetime.fromisoformat(e["visible_at"]) - storm_start).total_seconds() / 3600)
    return out


def table(run: Path) -> dict[str, Any]:
    return figures(parcels(run))


def figures(logs: list[ParcelLog]) -> dict[str, Any]:
    """Every figure, by the names a scenario's ``calibration:`` block uses (dotted for nested)."""
    rates = on_time(logs)
    return {
        "on_time_spread": max(rates.values()) - min(rates.values()) if rates else math.nan,
        "ups_over_usps": rates["ups"] - rates["usps"] if {"ups", "usps"} <= set(rates) else math.nan,
        "germany": germany_transit(logs),
        "zone8": zone8_ground_days(logs),
        "ups_services": service_medians(logs, "ups"),
        "on_time": rates,
        "eta": eta_figures(logs),
        "late_visible": late_visible_share(logs),
        "sundays": dict(sunday_deliveries(logs)),
        "veterans_usps": deliveries_on(logs, date(2026, 11, 11), ["usps"]),
        "thanksgiving": deliveries_on(logs, date(2026, 11, 26), ["ups", "fedex", "usps"]),
        "thanksgiving_pickups": pickups_on(logs, date(2026, 11, 26), ["ups", "fedex", "usps"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("run", type=Path)
    args = ap.parse_args()
    for k, v in table(args.run).items():
        print(f"{k}: {v}")


if __name__ == "__main__":
    main()
