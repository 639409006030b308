"""Scoring a tracker from what ``verify`` observed: pure functions over observations, so each
rule is tested on hand-made histories (tests/test_verify_score.py).

- **status accuracy**: the tracker's word (mapped) equals what the carrier showed at that instant;
  ``lost`` is also right once the parcel really is lost.
- **update lag**: from the step the carrier's status changed to the first step the tracker showed
  it, in sandbox hours (step resolution); a change never shown counts as never caught up.
- **exceptions**: per kind (delayed, failed attempt, exception, returned, lost), whether the
  tracker showed it at all after the carrier did (lost: after the parcel went missing — the
  tracker's "no updates for N days"), and how late.
- **ETA error**: the tracker's ETA date against the day the parcel was really delivered (local).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parcel_sandbox.verify.settings import Thresholds

#: Exception kinds: the carrier statuses that announce each (lost is judged from the truth).
KINDS: dict[str, frozenset[str]] = {
    "delayed": frozenset({"delayed"}),
    "failed_attempt": frozenset({"failed_attempt"}),
    "exception": frozenset({"exception"}),
    "returned": frozenset({"returning", "returned"}),
    "lost": frozenset({"lost"}),
}


@dataclass(slots=True)
class Observation:
    t: float  # sandbox epoch seconds
    carrier: str | None  # canonical status the carrier showed
    tracker: str | None  # the tracker's status, mapped to the canonical words
    word: str | None = None  # the tracker's own word
    eta: str | None = None  # the tracker's ETA date
    carrier_eta: str | None = None
    error: str | None = None
    lost: bool = False  # the parcel had really gone missing by then


@dataclass(slots=True)
class ParcelRun:
    tracking_number: str
    carrier: str
    case: str | None
    fate: str | None = None  # final fate (or as far as known at the end)
    delivered_day: str | None = None  # local date it was delivered
    lost_at: float | None = None
    observations: list[Observation] = field(default_factory=list)


def _accepted(o: Observation) -> set[str | None]:
    ok: set[str | None] = {o.carrier}
    if o.lost:
        ok.add("lost")
    return ok


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def _hours(seconds: float) -> float:
    return round(seconds / 3600.0, 2)


def accuracy(parcels: list[ParcelRun]) -> dict[str, Any]:
    scored = right = errors = 0
    confusion: dict[str, dict[str, int]] = {}
    for p in parcels:
        for o in p.observations:
            if o.error is not None:
                errors += 1
            if o.carrier is None:
                continue
            scored += 1
            good = o.error is None and o.tracker in _accepted(o)
            right += good
            if not good:
                row = confusion.setdefault(o.carrier, {})
                said = (o.error and "(error)") or str(o.tracker)
                row[said] = row.get(said, 0) + 1
    return {
        "answers": scored,
        "right": right,
        "accuracy": round(right / scored, 4) if scored else None,
        "errors": errors,
        "wrong": confusion,
    }


def lags(parcels: list[ParcelRun]) -> dict[str, Any]:
    found: list[float] = []
    never = 0
    for p in parcels:
        obs = p.observations
        for i in range(1, len(obs)):
            if obs[i].carrier == obs[i - 1].carrier or obs[i].carrier is None:
                continue
            wanted = obs[i].carrier
            shown = next(
                (o.t for o in obs[i:] if o.tracker == wanted or (o.lost and o.tracker == "lost")), None
            )
            if shown is None:
                never += 1
            else:
                found.append(shown - obs[i].t)
    return {
        "changes": len(found) + never,
        "never": never,
        "p50_hours": _hours(_pct(found, 0.5)) if found else None,
        "p90_hours": _hours(_pct(found, 0.9)) if found else None,
        "max_hours": _hours(max(found)) if found else None,
    }


def exceptions(parcels: list[ParcelRun], lost_after_s: float = 0.0) -> dict[str, dict[str, Any]]:
    """Per kind. A lost parcel counts only when the run went on ``lost_after_s`` past the loss
    (the silence a tracker needs before it may call a parcel lost)."""
    out: dict[str, dict[str, Any]] = {}
    for kind, words in KINDS.items():
        seen = caught = 0
        late: list[float] = []
        missed: list[str] = []
        for p in parcels:
            if kind == "lost":
                start = p.lost_at if p.fate == "lost" else None
                end = p.observations[-1].t if p.observations else None
                if start is not None and (end is None or end < start + lost_after_s):
                    start = None
            else:
                start = next((o.t for o in p.observations if o.carrier in words), None)
            if start is None:
                continue
            seen += 1
            when = next((o.t for o in p.observations if o.t >= start and o.tracker in words), None)
            if when is None:
                missed.append(p.tracking_number)
            else:
                caught += 1
                late.append(when - start)
        out[kind] = {
            "seen": seen,
            "caught": caught,
            "share": round(caught / seen, 4) if seen else None,
            "median_late_hours": _hours(_pct(late, 0.5)) if late else None,
            "max_late_hours": _hours(max(late)) if late else None,
            "missed": missed[:20],
        }
    return out


def _day_diff(a: str, b: str) -> int | None:
    try:
        return (datetime.fromisoformat(a[:10]).date() - datetime.fromisoformat(b[:10]).date()).days
    except ValueError:
        return None


def eta_error(parcels: list[ParcelRun]) -> dict[str, Any]:
    tracker: list[int] = []
    carrier: list[int] = []
    for p in parcels:
        if p.delivered_day is None:
            continue
        for o in p.observations:
            if o.carrier in ("delivered", None) or o.eta is None:
                continue
            d = _day_diff(o.eta, p.delivered_day)
            if d is not None:
                tracker.append(abs(d))
            c = _day_diff(o.carrier_eta, p.delivered_day) if o.carrier_eta else None
            if c is not None:
                carrier.append(abs(c))

    def mean(xs: list[int]) -> float | None:
        return round(sum(xs) / len(xs), 3) if xs else None

    return {
        "answers": len(tracker),
        "mean_abs_days": mean(tracker),
        "exact_share": round(sum(d == 0 for d in tracker) / len(tracker), 4) if tracker else None,
        "carrier_mean_abs_days": mean(carrier),
    }


def findings(result: dict[str, Any], limits: Thresholds) -> list[str]:
    """Why the run fails its thresholds (empty: it passes)."""
    out: list[str] = []
    acc = result["accuracy"]["accuracy"]
    if acc is None:
        out.append("status accuracy: no answers to score (no sampled parcel was visible)")
    elif acc < limits.min_accuracy:
        out.append(f"status accuracy {acc:.1%} is below {limits.min_accuracy:.0%}")
    lag = result["lag"]
    if lag["p90_hours"] is not None and lag["p90_hours"] > limits.max_lag_p90_hours:
        out.append(f"update lag p90 {lag['p90_hours']:g} h is above {limits.max_lag_p90_hours:g} h")
    if lag["changes"] and lag["never"] / lag["changes"] > 1 - limits.min_accuracy:
        out.append(f"update lag: {lag['never']} of {lag['changes']} status changes never reached the tracker")
    for kind, row in result["exceptions"].items():
        if row["seen"] and row["share"] < limits.min_caught:
            out.append(
                f"{kind}: caught {row['caught']} of {row['seen']} (below {limits.min_caught:.0%})"
                + (f", e.g. {row['missed'][0]}" if row["missed"] else "")
            )
    eta = result["eta"]["mean_abs_days"]
    if limits.max_eta_error_days is not None and eta is not None and eta > limits.max_eta_error_days:
        out.append(f"ETA error {eta:g} days on average is above {limits.max_eta_error_days:g}")
    return out


def score(parcels: list[ParcelRun], limits: Thresholds, lost_after_s: float = 0.0) -> dict[str, Any]:
    result: dict[str, Any] = {
        "accuracy": accuracy(parcels),
        "lag": lags(parcels),
        "exceptions": exceptions(parcels, lost_after_s),
        "eta": eta_error(parcels),
        "misdelivered": {
            "parcels": sum(p.fate == "misdelivered" for p in parcels),
            "note": "the carrier shows these delivered; only the truth knows the door was wrong",
        },
    }
    result["findings"] = findings(result, limits)
    result["passed"] = not result["findings"]
    return result
