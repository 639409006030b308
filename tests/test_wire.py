"""The engine worker's wire form (mock_carriers.world.wire): what the API process decodes is what
the worker had, field for field; truths travel only when they changed; the shared table stays in
step across batches and across its own restarts; a batch is ingested piece by piece."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from mock_carriers.world import wire
from mock_carriers.world.store import InMemoryStore
from mock_carriers.world.wire import Packed, Packer, Unpacker
from mock_carriers.world.worker import Batch, _batch
from sim.engine import Engine
from sim.events import Delay, ExceptionReason, Location, ParcelTruth, ScanEvent
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


def _run(days: int = 2, step_h: int = 6) -> Iterator[Batch]:
    """The batches of a world as a worker makes them, one at a time (their truths are the live
    objects, which the world goes on changing after the batch)."""
    engine = Engine(small_scenario(demand={"parcels_per_day": 60}), seed=3)
    at = engine.now
    for _ in range(days * 24 // step_h):
        at += timedelta(hours=step_h)
        events = engine.advance(at)
        yield _batch(engine, events, engine.now.timestamp())


def _batches(days: int = 2, step_h: int = 6) -> list[Batch]:
    return list(_run(days, step_h))


def _travel(packer: Packer, batch: Batch) -> Packed:
    packed = packer.pack(
        batch.events, batch.truths, batch.finished, batch.frontier, batch.created, batch.ended
    )
    return pickle.loads(pickle.dumps(packed))  # as the pipe carries it


def _decode(unpacker: Unpacker, packed: Packed) -> tuple[list[ScanEvent], list[float]]:
    unpacker.take(packed)
    events: list[ScanEvent] = []
    visible: list[float] = []
    for piece, epochs in unpacker.pieces(packed):
        assert len(piece) <= wire.PIECE
        events += piece
        visible += epochs
    return events, visible


def test_scans_arrive_equal_field_for_field_with_their_visible_epochs() -> None:
    packer, unpacker = Packer(), Unpacker()
    total = 0
    for batch in _batches():
        events, visible = _decode(unpacker, _travel(packer, batch))
        assert events == batch.events
        assert [e.to_json() for e in events] == [e.to_json() for e in batch.events]
        assert visible == [datetime.fromisoformat(e.visible_at).timestamp() for e in batch.events]
        total += len(events)
    assert total > 500  # the world made enough scans for the comparison to mean something


def test_a_shared_place_is_one_object_on_the_receiving_side() -> None:
    packer, unpacker = Packer(), Unpacker()
    by_facility: dict[str, Location] = {}
    for batch in _batches():
        events, _ = _decode(unpacker, _travel(packer, batch))
        for e in events:
            if e.location.facility_id is not None:
                seen = by_facility.setdefault(e.location.facility_id, e.location)
                if seen == e.location:
                    assert seen is e.location
    assert by_facility


def test_a_truth_travels_only_when_it_changed_and_none_always() -> None:
    packer = Packer()
    truth = ParcelTruth("1Z1", "ups", "ground", "2026-01-05T09:00:00-05:00", "2026-01-08", {}, {})
    sent = {"1Z1": wire.truth_json(truth)}
    args = ([], 0.0, 0, False)
    first = packer.pack([], {"1Z1": truth}, *args)
    assert first.truths == sent
    assert packer.pack([], {"1Z1": truth}, *args).truths == {}
    truth.attempts = 1
    assert packer.pack([], {"1Z1": truth}, *args).truths == {"1Z1": wire.truth_json(truth)}
    truth.delays.append(Delay(ExceptionReason.WEATHER, 90, "2026-01-06T10:00:00-05:00", "F1"))
    assert packer.pack([], {"1Z1": truth}, *args).truths == {"1Z1": wire.truth_json(truth)}
    truth.delivered_to = {"city": "Denver"}
    assert packer.pack([], {"1Z1": truth}, *args).truths == {"1Z1": wire.truth_json(truth)}
    assert packer.pack([], {"1Z1": None}, *args).truths == {"1Z1": None}
    # its story ended: a later snapshot of the same number travels again
    assert packer.pack([], {"1Z1": truth}, *args).truths == {"1Z1": wire.truth_json(truth)}
    assert packer.pack([], {}, [truth], 0.0, 0, False).finished == [wire.truth_json(truth)]
    assert packer.pack([], {"1Z1": truth}, *args).truths == {"1Z1": wire.truth_json(truth)}


def test_the_fingerprint_sees_every_change_the_json_sees_over_a_run_of_the_world() -> None:
    """The fingerprint is cheap because it trusts the world to change a truth by assignment (or
    by appending to a list): here every batch of a run is packed both ways, and the truths sent
    must be exactly those whose JSON changed — a dict changed in place would fail this."""
    packer = Packer()
    last_json: dict[str, bytes] = {}
    changed = resent = 0
    for batch in _run(days=4, step_h=2):
        for t in batch.finished:
            last_json.pop(t.tracking_number, None)
            if t.partner:
                last_json.pop(t.partner.get("tracking_number", ""), None)
        expected: dict[str, bytes | None] = {}
        for tn, truth in batch.truths.items():
            if truth is None:
                last_json.pop(tn, None)
                expected[tn] = None
                continue
            text = truth.to_json().encode()
            if last_json.get(tn) != text:
                resent += tn in last_json
                last_json[tn] = text
                expected[tn] = text
        # the world's objects move on after this batch (the thread runner's live truths): pack now
        packed = packer.pack(
            batch.events, batch.truths, batch.finished, batch.frontier, batch.created, batch.ended
        )
        assert packed.truths == expected
        changed += len(expected)
    assert changed > 100 and resent > 20  # truths were sent, and sent again after a change


def test_truths_arrive_equal_field_for_field() -> None:
    packer, unpacker = Packer(), Unpacker()
    seen = 0
    for batch in _run():
        truths, finished = unpacker.truths(_travel(packer, batch))
        for tn, truth in truths.items():
            assert truth == batch.truths[tn]
            seen += truth is not None
        assert finished == batch.finished
    assert seen > 100


def test_the_table_starts_over_past_its_limit_and_both_sides_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "TABLE_LIMIT", 5)
    packer, unpacker = Packer(), Unpacker()
    epochs = set()
    for batch in _batches():
        packed = _travel(packer, batch)
        epochs.add(packed.epoch)
        events, _ = _decode(unpacker, packed)
        assert events == batch.events
    assert len(epochs) > 1


def test_a_table_out_of_step_is_refused() -> None:
    with pytest.raises(ValueError, match="out of step"):
        Unpacker().take(Packed([], [(3, ("2026-01-09", None, None))], 0, {}, [], 0.0, 0, False, 0))


def test_a_batch_is_ingested_piece_by_piece_into_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "PIECE", 16)
    packer, unpacker = Packer(), Unpacker()
    store = InMemoryStore()
    plain = InMemoryStore()
    pieces = 0
    for source in _batches():
        packed = _travel(packer, source)
        unpacker.take(packed)
        truths, finished = unpacker.truths(packed)
        batch = Batch([], truths, finished, packed.frontier, packed.created, packed.ended)
        batch.packed = unpacker.pieces(packed)
        for events, visible in batch.pieces():
            store.add(events, {}, visible)
            pieces += 1
        store.add((), batch.truths)
        assert batch.events == source.events and batch.packed is None
        plain.add(source.events, source.truths)
    assert pieces > len(_batches())  # some batches came in more than one piece
    assert [r.tracking_number for r in store.records()] == [r.tracking_number for r in plain.records()]
    for rec in store.records():
        twin = plain.get(rec.tracking_number)
        assert twin is not None
        assert rec.events == twin.events and rec.visible == twin.visible and rec.born == twin.born
        assert rec.truth == twin.truth


def test_a_decoded_batch_is_handed_over_in_pieces_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mock_carriers.world.messages.PIECE", 16)
    batch = max(_batches(), key=lambda b: len(b.events))
    assert len(batch.events) > 16
    pieces = list(batch.pieces())
    assert [e for events, _ in pieces for e in events] == batch.events
    assert all(len(events) <= 16 and visible is None for events, visible in pieces)
