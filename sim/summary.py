"""summary.json: the run's headline figures, recomputed from events.jsonl and truth.jsonl alone,
so anyone can check a run against the published bands (docs/realism.md). ``DEFINITIONS`` says what
each figure counts; it is written into summary.json beside the figures."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

DELIVERED_FATES = ("delivered", "misdelivered", "damaged")
_ATTEMPT_FAILED = '"code":"DELIVERY_ATTEMPTED"'

#: What each figure of summary.json counts (written into it as ``definitions``; docs/realism.md).
DEFINITIONS: dict[str, str] = {
    "parcels": "lines of truth.jsonl: physical parcels, customer returns included",
    "tracking_numbers": "distinct tracking numbers in events.jsonl (a partner hand-over adds one)",
    "events": "lines of events.jsonl",
    "events_per_parcel": "events / parcels",
    "events_per_simple_domestic_parcel": "events of parcels delivered at their first attempt, domestic, "
    "with no partner, no delay, no pinned case, not to a pickup point and not a customer return",
    "on_time_rate": "parcels with delivered_at <= promised_by over parcels with a delivered_at and fate "
    "delivered, misdelivered or damaged",
    "first_attempt_rate": "parcels whose first attempt delivered them (one attempt, a delivered_at, and no "
    "DELIVERY_ATTEMPTED scan on any of their tracking numbers) over parcels with at least one attempt; "
    "a parcel collected from a pickup point after a failed attempt is not a first-attempt success, one "
    "put into the locker its recipient chose is",
    "fates": "parcels by their final fate in truth.jsonl",
    "lost_rate": "fate lost / parcels",
    "fate_rates": "each fate / parcels",
    "customer_returns": "parcels that are a customer's return to the merchant",
    "delay_minutes_by_cause": "sum of truth delays' minutes, by cause",
    "transit_hours": "p50, p90, p99 of created_at -> delivered_at in hours, over delivered parcels",
    "by_carrier": "per carrier of the label: parcels, delivered, on_time, on_time_rate as above",
}


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return round(values[k], 2)


def first_attempt_delivered(truth: dict[str, Any], failed_attempt: set[str]) -> bool:
    """Whether a parcel's first attempt delivered it. ``attempts`` alone cannot tell: a parcel
    left at a pickup point after a failed attempt is collected later without a second attempt, so
    the failed-attempt scan on any of its numbers (its own, a partner's) decides."""
    if truth["attempts"] != 1 or truth["delivered_at"] is None:
        return False
    numbers = [truth["tracking_number"], *(truth.get("partner") or {}).values()]
    return not any(n in failed_attempt for n in numbers)


def summarize(events_path: Path, truth_path: Path) -> dict[str, Any]:
    per_number: Counter[str] = Counter()
    failed_attempt: set[str] = set()  # tracking numbers with a failed delivery attempt
    events = 0
    with events_path.open(encoding="utf-8") as fh:
        for line in fh:
            # Only the tracking number and one code are needed; avoid a full parse of every event.
            start = line.index('"tracking_number":"') + 19
            number = line[start : line.index('"', start)]
            per_number[number] += 1
            if _ATTEMPT_FAILED in line:
                failed_attempt.add(number)
            events += 1

    parcels = returns = 0
    fates: Counter[str] = Counter()
    delay_minutes: dict[str, int] = defaultdict(int)
    delivered = on_time = attempted = first_ok = 0
    transit_h: list[float] = []
    simple_counts: list[int] = []
    by_carrier: dict[str, dict[str, int]] = defaultdict(lambda: {"parcels": 0, "delivered": 0, "on_time": 0})
    with truth_path.open(encoding="utf-8") as fh:
        for line in fh:
            t = json.loads(line)
            parcels += 1
            fates[t["fate"]] += 1
            returns += bool(t.get("customer_return"))
            c = by_carrier[t["carrier"]]
            c["parcels"] += 1
            for d in t["delays"]:
                delay_minutes[d["cause"]] += d["minutes"]
            if t["attempts"] >= 1:
                attempted += 1
                first_ok += first_attempt_delivered(t, failed_attempt)
            if t["fate"] in DELIVERED_FATES and t["delivered_at"]:
                delivered += 1
                c["delivered"] += 1
                done = datetime.fromisoformat(t["delivered_at"])
                if done <= datetime.fromisoformat(t["promised_by"]):
                    on_time += 1
                    c["on_time"] += 1
                transit_h.append((done - datetime.fromisoformat(t["created_at"])).total_seconds() / 3600)
                simple = (
                    not t.get("customer_return")
                    and t["fate"] == "delivered"
                    and not t["international"]
                    and not t["partner"]
                    and t["attempts"] == 1
                    and not t["delays"]
                    and t["case"] is None
                    and t["delivered_to"].get("kind") != "pickup_point"
                )
                if simple:
                    simple_counts.append(per_number[t["tracking_number"]])

    def rate(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "parcels": parcels,
        "tracking_numbers": len(per_number),
        "events": events,
        "events_per_parcel": rate(events, parcels),
        "events_per_simple_domestic_parcel": {
            "mean": rate(sum(simple_counts), len(simple_counts)),
            "min": min(simple_counts, default=None),
            "max": max(simple_counts, default=None),
            "parcels": len(simple_counts),
        },
        "on_time_rate": rate(on_time, delivered),
        "first_attempt_rate": rate(first_ok, attempted),
        "fates": {
            f: fates.get(f, 0)
            for f in ("delivered", "misdelivered", "damaged", "lost", "returned", "in_network")
        },
        "lost_rate": rate(fates.get("lost", 0), parcels),
        "fate_rates": {
            f: rate(fates.get(f, 0), parcels)
            for f in ("delivered", "misdelivered", "damaged", "lost", "returned", "in_network")
        },
        "customer_returns": returns,
        "delay_minutes_by_cause": dict(sorted(delay_minutes.items())),
        "transit_hours": {
            "p50": _percentile(transit_h, 0.5),
            "p90": _percentile(transit_h, 0.9),
            "p99": _percentile(transit_h, 0.99),
        },
        "by_carrier": {
            k: {**v, "on_time_rate": rate(v["on_time"], v["delivered"])}
            for k, v in sorted(by_carrier.items())
        },
        "definitions": DEFINITIONS,
    }
