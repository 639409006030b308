"""A batch as a Redis stream entry (mock_carriers.world.redis_codec): JSON, each entry standing
alone; what a replica decodes is what the engine had, with each scan's visible epoch and the log's
parcel count before it."""

from __future__ import annotations

from datetime import datetime

import pytest

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
