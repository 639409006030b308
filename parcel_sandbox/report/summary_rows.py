"""summary.json as (measure, value) rows: what ``parcel-sandbox run`` prints and the report's
summary table shows. A figure an older summary.json lacks is left out, not invented; one that is
not what ``run`` writes (a hand-edited file) is shown as it is, not trusted to be a number."""

from __future__ import annotations

from typing import Any


def _number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _pct(x: Any) -> str:
    if x is None:
        return "—"
    return f"{100 * x:.2f} %" if _number(x) else str(x)


def _count(x: Any) -> str:
    return f"{x:,}" if isinstance(x, int) and not isinstance(x, bool) else str(x)


def _hours(minutes: Any) -> str:
    return f"{minutes / 60:,.0f}" if _number(minutes) else str(minutes)


def _section(s: dict[str, Any], key: str) -> dict[str, Any]:
    value = s.get(key)
    return value if isinstance(value, dict) else {}


def summary_rows(s: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for key, label in (
        ("parcels", "parcels"),
        ("tracking_numbers", "tracking numbers"),
        ("events", "scan events"),
    ):
        if key in s:
            rows.append((label, _count(s[key])))
    simple = _section(s, "events_per_simple_domestic_parcel")
    if "mean" in simple:
        rows.append(("events per simple domestic parcel", str(simple["mean"])))
    for key, label in (
        ("on_time_rate", "on-time rate"),
        ("first_attempt_rate", "first-attempt success"),
        ("lost_rate", "lost rate"),
    ):
        if key in s:
            rows.append((label, _pct(s[key])))
    rows += [(f"fate: {k}", _count(v)) for k, v in _section(s, "fates").items()]
    rows += [(f"delay hours: {k}", _hours(v)) for k, v in _section(s, "delay_minutes_by_cause").items()]
    rows += [(f"transit hours {k}", str(v)) for k, v in _section(s, "transit_hours").items()]
    return rows
