"""A batch as a Redis stream entry (mock_carriers.world.redis_codec): JSON, each entry standing
alone; what a replica decodes is what the engine had, with each scan's visible epoch and the log's
parcel count before it."""

from __future__ import annotations

import zlib
from datetime import datetime

import orjson
import pytest

from mock_carriers.world.messages import Batch
from mock_carriers.world.redis_codec import decode_batch, encode_batch
from tests.test_wire import _batches

pytestmark = pytest.mark.unit


def test_an_entry_decodes_to_the_batch_it_was_with_visible_epochs_and_the_parcel_count() -> None:
    seen = 0
    for i, batch in enumerate(_batches()):
        back = decode_batch(encode_batch(batch, ord_base=100 + i))
        assert back.events == batch.events
        assert [e.to_json() for e in back.events] == [e.to_json() for e in batch.events]
        assert back.visible == [datetime.fromisoformat(e.visible_at).timestamp() for e in batch.events]
        assert back.truths == batch.truths and back.finished == batch.finished
        assert (back.frontier, back.created, back.ended) == (batch.frontier, batch.created, batch.ended)
        assert back.ord_base == 100 + i
        seen += len(batch.events)
    assert seen > 500


def test_a_facility_is_one_object_across_entries() -> None:
    places = {}
    for batch in _batches():
        for e in decode_batch(encode_batch(batch)).events:
            if e.location.facility_id is not None:
                assert places.setdefault(e.location, e.location) is e.location
    assert places


def _old_entry(batch: Batch) -> bytes:
    """An entry as written before the compact form: each scan as its object."""
    data = {
        "o": 7,
        "e": [e.to_dict() for e in batch.events],
        "v": [datetime.fromisoformat(e.visible_at).timestamp() for e in batch.events],
        "t": {tn: (t.to_dict() if t is not None else None) for tn, t in batch.truths.items()},
        "f": [t.to_dict() for t in batch.finished],
        "fr": batch.frontier,
        "c": batch.created,
        "x": batch.ended,
    }
    return zlib.compress(orjson.dumps(data), 1)


def test_an_entry_written_before_the_compact_form_still_decodes() -> None:
    batch = max(_batches(), key=lambda b: len(b.events))
    back = decode_batch(_old_entry(batch))
    assert back.events == batch.events and back.truths == batch.truths and back.ord_base == 7
    assert back.visible == [datetime.fromisoformat(e.visible_at).timestamp() for e in batch.events]


def test_scans_travel_as_arrays_and_a_shared_place_once_per_entry() -> None:
    batch = max(_batches(), key=lambda b: len(b.events))
    data = orjson.loads(zlib.decompress(encode_batch(batch)))
    assert data["k"] == 2 and all(isinstance(row, list) for row in data["e"])
    shared = {e.location for e in batch.events if e.location.facility_id is not None}
    shared |= {
        e.estimated_delivery
        for e in batch.events
        if e.estimated_delivery is not None and e.estimated_delivery.start is None
    }
    assert len(data["p"]) == len(shared) < len(batch.events)
