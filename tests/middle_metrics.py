"""Middle-mile realism figures computed from a run's raw logs (events.jsonl, truth.jsonl): how fast
scans move, seconds-of-minute, shared pickup durations, local detours, where partners take over, and
scans at a closed facility. Used by ``tests/test_realism_middle.py`` and, as a script, to print the
before/after table of issue 11:

    .venv/bin/python -m tests.middle_metrics RUN_DIR [--outage FACILITY START END]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.realism import events_by_parcel, truths

GROUND_SERVICES = frozenset({"ground", "economy"})
LOCAL_KM = 100.0  # a parcel whose warehouse and recipient are this close is "local"
DETOUR_KM = 400.0  # a local parcel seen this far from its recipient has taken a detour
MIN_MOVE_KM = 50.0  # moves shorter than this say more about clock noise than about speed


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def instant(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


@dataclass
class Move:
    """Two consecutive scans of one tracking number at places at least ``MIN_MOVE_KM`` apart."""

    tracking_number: str
    service: str
    domestic: bool
    km: float
    hours: float
    src: str
    dst: str

    @property
    def kmh(self) -> float:
        return math.inf if self.hours <= 0 else self.km / self.hours


def moves(evs_by_number: dict[str, list[dict[str, Any]]], truth: dict[str, dict[str, Any]]) -> list[Move]:
    """Every scan-to-scan move of at least ``MIN_MOVE_KM`` (great-circle, between scan locations)."""
    out: list[Move] = []
    partner_of = {v["partner"]["tracking_number"]: k for k, v in truth.items() if v.get("partner")}
    for tn, evs in evs_by_number.items():
        t = truth.get(tn) or truth.get(partner_of.get(tn, ""))
        domestic = t is not None and t["origin"]["country"] == t["destination"]["country"]
        for a, b in itertools.pairwise(evs):
            la, lb = a["location"], b["location"]
            d = km(la["lat"], la["lon"], lb["lat"], lb["lon"])
            if d < MIN_MOVE_KM:
                continue
            hours = (instant(b["occurred_at"]) - instant(a["occurred_at"])) / 3600
            out.append(
                Move(
                    tn,
                    a["service"],
                    domestic,
                    d,
                    hours,
                    f"{a['code']}@{la['city']}",
                    f"{b['code']}@{lb['city']}",
                )
            )
    return out


def share(flags: Iterable[bool]) -> float:
    flags = list(flags)
    return sum(flags) / len(flags) if flags else 0.0


def zero_seconds_share(
    evs_by_number: dict[str, list[dict[str, Any]]], codes: frozenset[str] | None = None
) -> float:
    """Share of scans whose local time has :00 seconds (all codes, or those in ``codes``)."""
    return share(
        e["occurred_at"][17:19] == "00"
        for evs in evs_by_number.values()
        for e in evs
        if codes is None or e["code"] in codes
    )


def pickup_to_next(evs_by_number: dict[str, list[dict[str, Any]]]) -> Counter[int]:
    """Seconds from each PICKED_UP scan to the parcel's next scan, counted by value."""
    out: Counter[int] = Counter()
    for evs in evs_by_number.values():
        for a, b in itertools.pairwise(evs):
            if a["code"] == "PICKED_UP":
                out[round(instant(b["occurred_at"]) - instant(a["occurred_at"]))] += 1
                break
    return out


def most_shared(counts: Counter[int]) -> tuple[int, float]:
    """The most common value and the share of all counted items that have it."""
    if not counts:
        return 0, 0.0
    value, n = counts.most_common(1)[0]
    return value, n / sum(counts.values())


def local_detours(
    evs_by_number: dict[str, list[dict[str, Any]]], truth: dict[str, dict[str, Any]]
) -> tuple[int, int]:
    """(local parcels, those with a scan more than ``DETOUR_KM`` from both ends of their trip)."""
    local = detoured = 0
    for tn, t in truth.items():
        if t.get("customer_return"):
            continue
        o, d = t["origin"], t["destination"]
        if km(o["lat"], o["lon"], d["lat"], d["lon"]) > LOCAL_KM:
            continue
        local += 1
        far = max(
            (
                min(
                    km(e["location"]["lat"], e["location"]["lon"], d["lat"], d["lon"]),
                    km(e["location"]["lat"], e["location"]["lon"], o["lat"], o["lon"]),
                )
                for e in evs_by_number.get(tn, ())
            ),
            default=0.0,
        )
        detoured += far > DETOUR_KM
    return local, detoured


def handover_km(
    evs_by_number: dict[str, list[dict[str, Any]]], truth: dict[str, dict[str, Any]]
) -> list[float]:
    """For each hand-over to a partner: km from the HANDED_TO_PARTNER scan to the recipient."""
    out = []
    for tn, t in truth.items():
        for e in evs_by_number.get(tn, ()):
            if e["code"] == "HANDED_TO_PARTNER":
                d = t["destination"]
                out.append(km(e["location"]["lat"], e["location"]["lon"], d["lat"], d["lon"]))
                break
    return out


def scans_at_closed(
    evs_by_number: dict[str, list[dict[str, Any]]], facility: str, start: float, end: float
) -> list[dict[str, Any]]:
    """Scans at ``facility`` during its closure [start, end): anything the closed building would
    have to do (arrivals, sorts, departures). The carrier's notice that a parcel waits at its gate
    because of the closure (DELAYED, hub_outage) is not the building working, so it is not one."""
    return [
        e
        for evs in evs_by_number.values()
        for e in evs
        if e["location"].get("facility_id") == facility
        and start <= instant(e["occurred_at"]) < end
        and not (e["code"] == "DELAYED" and e.get("reason") == "hub_outage")
    ]


def median(values: list[float]) -> float:
    v = sorted(values)
    if not v:
        return math.nan
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def report(run: Path, outage: tuple[str, float, float] | None = None) -> dict[str, Any]:
    evs = events_by_parcel(run)
    truth = truths(run)
    mv = moves(evs, truth)
    ground = [m for m in mv if m.domestic and m.service in GROUND_SERVICES]
    pick_value, pick_share = most_shared(pickup_to_next(evs))
    local, detoured = local_detours(evs, truth)
    hand = handover_km(evs, truth)
    out: dict[str, Any] = {
        "scans": sum(len(v) for v in evs.values()),
        "zero_seconds_share": round(zero_seconds_share(evs), 4),
        "pickup_zero_seconds_share": round(zero_seconds_share(evs, frozenset({"PICKED_UP"})), 4),
        "pickup_to_next_most_shared_s": pick_value,
        "pickup_to_next_most_shared_share": round(pick_share, 4),
        "ground_moves_50km": len(ground),
        "ground_moves_over_120kmh_share": round(share(m.kmh > 120 for m in ground), 4),
        "ground_kmh_p50_p99": [round(x, 1) for x in percentiles([m.kmh for m in ground], (0.5, 0.99))],
        "moves_over_900kmh": sum(m.kmh > 900 for m in mv),
        "fastest_move": max(((m.kmh, m.src, m.dst) for m in mv), default=None),
        "local_parcels": local,
        "local_detours_over_400km": detoured,
        "handovers": len(hand),
        "handover_km_median": round(median(hand), 1),
    }
    if outage:
        out["scans_at_closed_facility"] = len(scans_at_closed(evs, *outage))
    return out


def percentiles(values: list[float], qs: tuple[float, ...]) -> list[float]:
    v = sorted(x for x in values if math.isfinite(x))
    if not v:
        return [math.nan for _ in qs]
    return [v[min(len(v) - 1, int(q * len(v)))] for q in qs]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", type=Path)
    ap.add_argument("--outage", nargs=3, metavar=("FACILITY", "START", "END"))
    a = ap.parse_args()
    outage = (a.outage[0], instant(a.outage[1]), instant(a.outage[2])) if a.outage else None
    print(json.dumps(report(a.run, outage), indent=2, default=str))


if __name__ == "__main__":
    main()
