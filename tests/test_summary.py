"""summary.json on crafted logs: each figure counts what its definition says (sim/summary.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.events import EventCode, Fate, Location, ParcelTruth, ScanEvent
from sim.parcels import event_id
from sim.summary import DEFINITIONS, summarize

pytestmark = pytest.mark.unit

STATION = Location("ds-1", "delivery_station", "Station", "Dallas", "TX", "US", "75201", 32.8, -96.8)
PICKUP_POINT = Location("pp-1", "pickup_point", "Shop", "Dallas", "TX", "US", "75201", 32.8, -96.8)
DOOR = Location(None, "address", "A. Person", "Dallas", "TX", "US", "75201", 32.8, -96.8, "1 Main St")
CREATED = "2026-11-02T09:00:00-06:00"
PROMISE = "2026-11-05T20:00:00-06:00"


def _scan(number: str, seq: int, code: EventCode, at: str) -> ScanEvent:
    where = DOOR if code in (EventCode.DELIVERED, EventCode.DELIVERY_ATTEMPTED) else STATION
    return ScanEvent(event_id(number, seq), seq, number, "ups", "ground", code, None, at, at, where, None)


def _truth(number: str, attempts: int, delivered_at: str | None, **kw: object) -> ParcelTruth:
    dest = {"kind": "address", "city": "Dallas", "country": "US"}
    t = ParcelTruth(number, "ups", "ground", CREATED, PROMISE, {}, dest, attempts=attempts)
    t.delivered_at = delivered_at
    t.fate = Fate.DELIVERED if delivered_at else Fate.RETURNED
    t.delivered_to = dict(dest) if delivered_at else None
    for k, v in kw.items():
        setattr(t, k, v)
    return t


def _write(tmp_path: Path, scans: list[ScanEvent], truths: list[ParcelTruth]) -> dict[str, object]:
    events, truth = tmp_path / "events.jsonl", tmp_path / "truth.jsonl"
    events.write_text("".join(s.to_json() + "\n" for s in scans), encoding="utf-8")
    truth.write_text("".join(t.to_json() + "\n" for t in truths), encoding="utf-8")
    return summarize(events, truth)


def test_a_failed_first_attempt_collected_later_from_a_pickup_point_is_not_a_first_attempt_success(
    tmp_path: Path,
) -> None:
    at = "2026-11-04T14:00:00-06:00"
    later = "2026-11-05T11:00:00-06:00"
    scans = [
        # A: delivered at the door at its first attempt
        _scan("A", 0, EventCode.OUT_FOR_DELIVERY, at),
        _scan("A", 1, EventCode.DELIVERED, at),
        # B: the first attempt fails, the parcel goes to a shop and is collected: still one attempt
        _scan("B", 0, EventCode.OUT_FOR_DELIVERY, at),
        _scan("B", 1, EventCode.DELIVERY_ATTEMPTED, at),
        _scan("B", 2, EventCode.AVAILABLE_FOR_PICKUP, later),
        _scan("B", 3, EventCode.PICKED_UP_BY_RECIPIENT, later),
        # C: put into the locker its recipient chose: the first attempt delivered it
        _scan("C", 0, EventCode.AVAILABLE_FOR_PICKUP, at),
        _scan("C", 1, EventCode.PICKED_UP_BY_RECIPIENT, later),
        # D: handed to a partner whose first attempt (on the partner's number) fails, then collected
        _scan("D", 0, EventCode.HANDED_TO_PARTNER, at),
        _scan("D-P", 0, EventCode.DELIVERY_ATTEMPTED, at),
        _scan("D-P", 1, EventCode.PICKED_UP_BY_RECIPIENT, later),
        # E: two attempts, delivered at the second
        _scan("E", 0, EventCode.DELIVERY_ATTEMPTED, at),
        _scan("E", 1, EventCode.DELIVERED, later),
    ]
    truths = [
        _truth("A", 1, at),
        _truth("B", 1, later, delivered_to={"kind": "pickup_point"}),
        _truth("C", 1, at, delivered_to={"kind": "pickup_point"}),
        _truth("D", 1, later, partner={"usps": "D-P"}),
        _truth("E", 2, later),
        _truth("F", 0, None),  # never attempted: not in the denominator
    ]
    s = _write(tmp_path, scans, truths)
    # A and C of the five attempted parcels; the old count (one attempt and a delivered_at) said 4/5
    assert s["first_attempt_rate"] == 0.4
    assert s["fates"]["delivered"] == 5  # type: ignore[index]


def test_summary_json_defines_every_figure_it_reports(tmp_path: Path) -> None:
    s = _write(tmp_path, [_scan("A", 0, EventCode.DELIVERED, CREATED)], [_truth("A", 1, CREATED)])
    assert s["definitions"] == DEFINITIONS
    assert set(DEFINITIONS) == set(s) - {"definitions"}
    assert all(isinstance(v, str) and v for v in DEFINITIONS.values())
