"""Figures about the first and last mile computed from a run's raw logs (``events.jsonl``,
``truth.jsonl``): pickup clock faces, the courier day, same-day that is same-day, opening hours.

Each function reads the logs only (never the summary, never the simulation's state), so the realism
tests in ``tests/test_realism_edges.py`` judge what a tracker would see. The figures are plain
dicts of numbers, printable for a report (``python -m tests.edge_metrics RUN_DIR``).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sim.timing import haversine_km
from tests.realism import iter_jsonl, local

DOORSTEP = "address"  # the location kind of a scan at a recipient's door


def _minutes(dt: datetime) -> float:
    return dt.hour * 60 + dt.minute + dt.second / 60


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


def clock_faces(run: Path) -> dict[str, Any]:
    """Shipper pickups on the hour, scans on a whole minute, and the commonest pickup instant."""
    pickups = on_hour = zero_sec = scans = 0
    instants: dict[str, int] = defaultdict(int)
    for e in iter_jsonl(run / "events.jsonl"):
        t = local(e["occurred_at"])
        scans += 1
        zero_sec += t.second == 0
        if e["code"] == "PICKED_UP" and e["location"]["kind"] == "fulfilment_centre":
            pickups += 1
            on_hour += t.minute == 0 and t.second == 0
            instants[f"{e['location']['facility_id']} {e['occurred_at']}"] += 1
    top = max(instants.values(), default=0)
    return {
        "pickups": pickups,
        "pickup_on_the_hour": _share(on_hour, pickups),
        "pickup_top_instant_share": _share(top, pickups),
        "scans": scans,
        "scans_zero_seconds": _share(zero_sec, scans),
    }


def _quantile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return 0.0
    i = q * (len(xs) - 1)
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def courier_day(run: Path) -> dict[str, Any]:
    """Out-for-delivery and doorstep-delivery local times, overall and for Amazon."""
    ofd: list[float] = []
    door: list[float] = []
    door_amazon: list[float] = []
    for e in iter_jsonl(run / "events.jsonl"):
        code = e["code"]
        if code == "OUT_FOR_DELIVERY":
            ofd.append(_minutes(local(e["occurred_at"])))
        elif code in ("DELIVERED", "DELIVERY_ATTEMPTED") and e["location"]["kind"] == DOORSTEP:
            if code == "DELIVERED" and (e.get("details") or {}).get("partner"):
                continue  # the original carrier mirroring its partner's delivery: counted once
            m = _minutes(local(e["occurred_at"]))
            door.append(m)
            if e["carrier"] == "amazon":
                door_amazon.append(m)
    return {
        "ofd": len(ofd),
        "ofd_06_11": _share(sum(360 <= m < 660 for m in ofd), len(ofd)),
        "ofd_iqr_min": _quantile(ofd, 0.75) - _quantile(ofd, 0.25),
        "ofd_p10_p50_p90": [round(_quantile(ofd, q) / 60, 2) for q in (0.1, 0.5, 0.9)],
        "doorstep": len(door),
        "doorstep_from_1930": _share(sum(m >= 19.5 * 60 for m in door), len(door)),
        "doorstep_before_0800": _share(sum(m < 8 * 60 for m in door), len(door)),
        "doorstep_p10_p50_p90": [round(_quantile(door, q) / 60, 2) for q in (0.1, 0.5, 0.9)],
        "amazon_doorstep": len(door_amazon),
        "amazon_from_2000": _share(sum(m >= 20 * 60 for m in door_amazon), len(door_amazon)),
    }


def same_day(run: Path) -> dict[str, Any]:
    """Same-day parcels: the share first attempted on the label's local date, and how far they go."""
    first_attempt: dict[str, date] = {}
    for e in iter_jsonl(run / "events.jsonl"):
        if e["service"] != "same_day" or e["tracking_number"] in first_attempt:
            continue
        if e["code"] in ("DELIVERED", "DELIVERY_ATTEMPTED") or (
            e["code"] == "AVAILABLE_FOR_PICKUP" and e["location"]["kind"] == "pickup_point"
        ):
            first_attempt[e["tracking_number"]] = local(e["occurred_at"]).date()
    same = 0
    km: list[float] = []
    n = 0
    for t in iter_jsonl(run / "truth.jsonl"):
        if t["service"] != "same_day" or t["customer_return"]:
            continue
        n += 1
        o, d = t["origin"], t["destination"]
        km.append(haversine_km(o["lat"], o["lon"], d["lat"], d["lon"]))
        attempted = first_attempt.get(t["tracking_number"])
        same += attempted is not None and attempted == local(t["created_at"]).date()
    return {
        "same_day": n,
        "attempted_on_label_date": _share(same, n),
        "median_km": statistics.median(km) if km else 0.0,
        "max_km": max(km, default=0.0),
    }


def collections(run: Path) -> dict[str, Any]:
    """Local times of what happens at pickup points (recipients collecting, customers dropping off
    returns, parcels made available) and of merchants' dock receipts, per facility name prefix."""
    out: dict[str, list[tuple[str, str, datetime]]] = defaultdict(list)
    for e in iter_jsonl(run / "events.jsonl"):
        loc = e["location"]
        code = e["code"]
        t = local(e["occurred_at"])
        if loc["kind"] == "pickup_point" and code in (
            "PICKED_UP_BY_RECIPIENT",
            "PICKED_UP",
            "AVAILABLE_FOR_PICKUP",
        ):
            if (e.get("details") or {}).get("partner"):
                continue
            out[code].append((loc["facility_id"], loc["name"], t))
        elif code == "DELIVERED" and (e.get("details") or {}).get("delivery_location") == "receiving_dock":
            out["DOCK"].append((loc["facility_id"] or "", loc["name"], t))
    return out


def night_share(times: list[tuple[str, str, datetime]], start_h: int = 22, end_h: int = 7) -> float:
    """The share of ``times`` between ``start_h`` and ``end_h`` local (over midnight)."""
    night = sum(t.hour >= start_h or t.hour < end_h for _, _, t in times)
    return _share(night, len(times))


def report(run: Path) -> dict[str, Any]:
    col = collections(run)
    return {
        "clock_faces": clock_faces(run),
        "courier_day": courier_day(run),
        "same_day": same_day(run),
        "collections": {
            code: {
                "n": len(v),
                "night_22_07": night_share(v),
                "sunday": _share(sum(t.weekday() == 6 for _, _, t in v), len(v)),
            }
            for code, v in sorted(col.items())
        },
    }


def history(run: Path, tracking_number: str) -> str:
    """One parcel's scans as a carrier's tracking page lists them: local time, status, where."""
    lines = []
    for e in iter_jsonl(run / "events.jsonl"):
        if e["tracking_number"] != tracking_number:
            continue
        t = local(e["occurred_at"])
        loc = e["location"]
        where = loc["name"] if loc["kind"] != DOORSTEP else f"{loc['address']}, {loc['postal_code']}"
        reason = f" ({e['reason']})" if e["reason"] else ""
        lines.append(f"{t:%a %d %b %H:%M:%S}  {e['code'] + reason:<40} {where}, {loc['city']}")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "history":
        print(history(Path(sys.argv[2]), sys.argv[3]))
        sys.exit(0)
    for arg in sys.argv[1:]:
        print(arg)
        print(json.dumps(report(Path(arg)), indent=1))
