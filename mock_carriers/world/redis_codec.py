"""A batch as one entry of a shared world's Redis stream: zlib-compressed JSON, level 1 (~175 bytes
per event with its truth snapshots; level 6 saves a fifth for 4× the CPU).

JSON, not pickle: the stream lives in a server other hosts reach. Each entry stands alone (a replica
may start reading anywhere). What the entry carries besides the events spares every API worker work
it would otherwise do per scan: each scan's ``visible_at`` as an epoch (``v``), and the log's parcel
count before it (``o``, ``redis_trim``). Decoding builds each place or promised day that many scans
share once per process (``_shared``), and each scan with one constructor call.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any

import orjson

from mock_carriers.world.messages import Batch
from sim.events import EstimatedDelivery, EventCode, ExceptionReason, Location, ParcelTruth, ScanEvent

#: Shared places and promised days a process keeps (then it starts over).
CACHE_LIMIT = 50_000

_CODES = {c.value: c for c in EventCode}
_REASONS = {r.value: r for r in ExceptionReason}
_places: dict[tuple[Any, ...], Location] = {}
_etas: dict[tuple[Any, ...], EstimatedDelivery] = {}


def encode_batch(batch: Batch, ord_base: int = 0) -> bytes:
    """``ord_base``: parcels (first scans) in the log before this batch (``redis_trim``)."""
    events = batch.events
    visible = batch.visible
    if visible is None or len(visible) != len(events):
        visible = [datetime.fromisoformat(e.visible_at).timestamp() for e in events]
    data = {
        "o": ord_base,
        "e": [orjson.Fragment(e.to_json()) for e in events],  # the shape of to_dict(), serialised once
        "v": visible,
        "t": {tn: (t.to_dict() if t is not None else None) for tn, t in batch.truths.items()},
        "f": [t.to_dict() for t in batch.finished],
        "fr": batch.frontier,
        "c": batch.created,
        "x": batch.ended,
    }
    return zlib.compress(orjson.dumps(data), 1)


def _place(d: dict[str, Any]) -> Location:
    if d.get("facility_id") is None:  # a recipient's door: one parcel's
        return Location.from_dict(d)
    key = tuple(d.values())
    hit = _places.get(key)
    if hit is None:
        if len(_places) > CACHE_LIMIT:
            _places.clear()
        hit = _places[key] = Location.from_dict(d)
    return hit


def _eta(d: dict[str, Any] | None) -> EstimatedDelivery | None:
    if d is None:
        return None
    if d.get("start") is not None:  # a one-hour window: one parcel's
        return EstimatedDelivery.from_dict(d)
    key = tuple(d.values())
    hit = _etas.get(key)
    if hit is None:
        if len(_etas) > CACHE_LIMIT:
            _etas.clear()
        hit = _etas[key] = EstimatedDelivery(d["date"], None, d.get("end"))
    return hit


def _event(d: dict[str, Any]) -> ScanEvent:
    reason = d.get("reason")
    return ScanEvent(
        d["event_id"],
        d["seq"],
        d["tracking_number"],
        d["carrier"],
        d["service"],
        _CODES[d["code"]],
        _REASONS[reason] if reason else None,
        d["occurred_at"],
        d["visible_at"],
        _place(d["location"]),
        _eta(d.get("estimated_delivery")),
        d.get("details") or {},
    )


def decode_batch(payload: bytes) -> Batch:
    data = orjson.loads(zlib.decompress(payload))
    events = [_event(e) for e in data["e"]]
    batch = Batch(
        events,
        {tn: (ParcelTruth.from_dict(t) if t is not None else None) for tn, t in data["t"].items()},
        [ParcelTruth.from_dict(t) for t in data["f"]],
        float(data["fr"]),
        int(data["c"]),
        bool(data["x"]),
    )
    visible = data.get("v")
    batch.visible = (
        [float(v) for v in visible] if visible is not None and len(visible) == len(events) else None
    )
    batch.ord_base = int(data.get("o", 0))
    return batch
