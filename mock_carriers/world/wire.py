"""The engine worker's batches on the wire between its process and the API process.

Pickling a ``Batch`` as it is costs the receiving process ~5 µs per scan and as much per truth
snapshot (a slotted dataclass unpickles through ``dataclasses``' Python ``__setstate__``), all in
one ``pickle.loads`` of the whole batch — CPU the API process takes from its requests. Here the
worker (``Packer``) does the work instead and sends plain values:

- each scan is a tuple of strings and numbers; its code and reason are indices into the enums;
  its ``visible_at`` is also sent as an epoch (the store, the webhook hub and the UI's tally all
  need it and would each parse it again);
- a place or promise many scans share (a facility, a promised day — ``shared()``) goes once into
  a table both sides keep, and then travels as its index; a recipient's door or a one-hour window
  travels as its fields;
- a parcel's truth travels only when it changed since the worker last sent it (most scans leave
  it as it was); ``None`` (its story ended) always travels. Whether it changed is decided on a
  *fingerprint* — its fields as they are (``attrgetter``, no copy) and the length of each list
  field — compared with the one kept from the last send (~1 µs), not on its JSON (~4 µs for every
  truth a batch touches, most of them unchanged). The world changes a truth by assigning its
  fields (a new dict for ``delivered_to``, ``lost_at``, ``partner``) and by appending to
  ``delays``; a dict changed in place would go unseen, which ``tests/test_wire.py`` checks
  against the JSON over a run of the world;
- a truth travels as its JSON (``orjson``: ~4 µs in the worker), and so does a finished one;
  pickling the dataclass costs the worker ~2× that and the receiver as much as decoding the
  JSON (``Unpacker.truths``), which happens in the API process, off the engine's critical path;
- the scans travel in pieces of ``PIECE`` pickled separately, so the receiver decodes one piece at
  a time and lets go of the GIL in between (``Unpacker.pieces``): no request waits behind a whole
  batch.

The receiver builds each ``ScanEvent`` with one constructor call and shares the tables' objects.
What it gets is equal, field for field, to what the worker had (``tests/test_wire.py``).
"""

from __future__ import annotations

import dataclasses
import operator
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from sim.events import EstimatedDelivery, EventCode, ExceptionReason, Location, ParcelTruth, ScanEvent

#: Scans per separately pickled piece: decoding one takes well under a millisecond.
PIECE = 256
#: Entries past which both tables start over (a new epoch): bounded memory on both sides.
TABLE_LIMIT = 50_000
PROTOCOL = pickle.HIGHEST_PROTOCOL

_CODES: tuple[EventCode, ...] = tuple(EventCode)
_CODE_INDEX: dict[EventCode, int] = {c: i for i, c in enumerate(_CODES)}
_REASONS: tuple[ExceptionReason, ...] = tuple(ExceptionReason)
_REASON_INDEX: dict[ExceptionReason, int] = {r: i for i, r in enumerate(_REASONS)}

Shared = Location | EstimatedDelivery

#: A truth's fields as they are, and the names of those that are lists (appended to in place).
_TRUTH_FIELDS: tuple[dataclasses.Field[Any], ...] = dataclasses.fields(ParcelTruth)
_truth_values: Callable[[ParcelTruth], tuple[Any, ...]]
_truth_values = operator.attrgetter(*(f.name for f in _TRUTH_FIELDS))
_TRUTH_LISTS: tuple[str, ...] = tuple(f.name for f in _TRUTH_FIELDS if str(f.type).startswith("list"))


def fingerprint(truth: ParcelTruth) -> tuple[Any, ...]:
    """What tells whether a truth changed since it was sent: its fields (compared by identity
    first, then by value) and the length of each list field."""
    return (_truth_values(truth), *(len(getattr(truth, name)) for name in _TRUTH_LISTS))


def truth_json(truth: ParcelTruth) -> bytes:
    """A truth as it travels (``ParcelTruth.to_json``'s shape, as bytes)."""
    return orjson.dumps(truth)


def truth_from_json(data: bytes) -> ParcelTruth:
    return ParcelTruth.from_dict(orjson.loads(data))


#: A place or promise on the wire: None, a table index, or its fields (Location: 10, ETA: 3).
Ref = int | tuple[Any, ...] | None


def shared(value: Shared) -> bool:
    """Whether many scans share the value (worth a table entry): a facility, a promised day."""
    if isinstance(value, Location):
        return value.facility_id is not None
    return value.start is None


def fields_of(value: Shared) -> tuple[Any, ...]:
    if isinstance(value, Location):
        v = value
        return (
            v.facility_id,
            v.kind,
            v.name,
            v.city,
            v.region,
            v.postal_code,
            v.country,
            v.lat,
            v.lon,
            v.address,
        )
    return (value.date, value.start, value.end)


def _build(fields: tuple[Any, ...]) -> Shared:
    return Location(*fields) if len(fields) == 10 else EstimatedDelivery(*fields)


@dataclass(slots=True)
class Packed:
    """A batch as it travels: pieces of pickled scan rows and what goes with them."""

    pieces: list[bytes]
    #: New table entries, (index, fields), in index order; ``epoch`` says which table they extend.
    entries: list[tuple[int, tuple[Any, ...]]]
    epoch: int
    #: Each changed truth's JSON (``truth_json``), None for a story that ended.
    truths: dict[str, bytes | None]
    finished: list[bytes]
    frontier: float
    created: int
    ended: bool
    count: int


@dataclass
class Packer:
    """The worker's side (one per connection: its table lives as long as the receiver's)."""

    _index: dict[Shared, int] = field(default_factory=dict)
    #: id(object) -> (object, index): most scans share the very object; hashing a frozen
    #: dataclass hashes every field. The entry holds the object, so its id is not reused.
    _by_id: dict[int, tuple[Shared, int]] = field(default_factory=dict)
    _epoch: int = 0
    #: The truth last sent per tracking number (its fingerprint), until its story ends.
    _sent: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def _ref(self, value: Shared | None, new: list[tuple[int, tuple[Any, ...]]]) -> Ref:
        if value is None:
            return None
        hit = self._by_id.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if not shared(value):
            return fields_of(value)
        index = self._index.get(value)
        if index is None:
            index = self._index[value] = len(self._index)
            new.append((index, fields_of(value)))
        self._by_id[id(value)] = (value, index)
        return index

    def _truths(self, truths: dict[str, ParcelTruth | None]) -> dict[str, bytes | None]:
        out: dict[str, bytes | None] = {}
        sent = self._sent
        for tn, truth in truths.items():
            if truth is None:
                sent.pop(tn, None)
                out[tn] = None
                continue
            mark = fingerprint(truth)
            if sent.get(tn) != mark:
                sent[tn] = mark
                out[tn] = truth_json(truth)
        return out

    def pack(
        self,
        events: list[ScanEvent],
        truths: dict[str, ParcelTruth | None],
        finished: list[ParcelTruth],
        frontier: float,
        created: int,
        ended: bool,
    ) -> Packed:
        if len(self._index) > TABLE_LIMIT:
            self._index.clear()
            self._by_id.clear()
            self._epoch += 1
        new: list[tuple[int, tuple[Any, ...]]] = []
        by_id = self._by_id
        ref = self._ref
        parse = datetime.fromisoformat
        rows = []
        add = rows.append
        for e in events:
            # the common case inline: a place or promise this packer has seen, the very object
            place = e.location
            hit = by_id.get(id(place))
            place_ref = hit[1] if hit is not None and hit[0] is place else ref(place, new)
            eta = e.estimated_delivery
            if eta is None:
                eta_ref = None
            else:
                hit = by_id.get(id(eta))
                eta_ref = hit[1] if hit is not None and hit[0] is eta else ref(eta, new)
            reason = e.reason
            add(
                (
                    e.event_id,
                    e.seq,
                    e.tracking_number,
                    e.carrier,
                    e.service,
                    _CODE_INDEX[e.code],
                    -1 if reason is None else _REASON_INDEX[reason],
                    e.occurred_at,
                    e.visible_at,
                    parse(e.visible_at).timestamp(),
                    place_ref,
                    eta_ref,
                    e.details or None,
                )
            )
        pieces = [pickle.dumps(rows[i : i + PIECE], PROTOCOL) for i in range(0, len(rows), PIECE)]
        for t in finished:
            self._sent.pop(t.tracking_number, None)
            if t.partner:
                self._sent.pop(t.partner.get("tracking_number", ""), None)
        return Packed(
            pieces,
            new,
            self._epoch,
            self._truths(truths),
            [truth_json(t) for t in finished],
            frontier,
            created,
            ended,
            len(rows),
        )


class Unpacker:
    """The receiver's side: the table, and the scans rebuilt piece by piece."""

    def __init__(self) -> None:
        self._table: list[Shared] = []
        self._epoch = 0

    def take(self, packed: Packed) -> None:
        """Extend the table with a batch's new entries (before any of its pieces is decoded)."""
        if packed.epoch != self._epoch:
            self._table = []
            self._epoch = packed.epoch
        for index, fields in packed.entries:
            if index != len(self._table):
                raise ValueError(f"wire table out of step: entry {index}, table of {len(self._table)}")
            self._table.append(_build(fields))

    @staticmethod
    def truths(packed: Packed) -> tuple[dict[str, ParcelTruth | None], list[ParcelTruth]]:
        """The batch's truths and finished truths, decoded."""
        truths = {tn: None if data is None else truth_from_json(data) for tn, data in packed.truths.items()}
        return truths, [truth_from_json(data) for data in packed.finished]

    def pieces(self, packed: Packed) -> Iterator[tuple[list[ScanEvent], list[float]]]:
        """The batch's scans, one piece at a time, with each scan's visible epoch."""
        table = self._table
        codes = _CODES
        reasons = _REASONS
        for piece in packed.pieces:
            events: list[ScanEvent] = []
            visible: list[float] = []
            add_event = events.append
            add_visible = visible.append
            rows = pickle.loads(piece)
            for eid, seq, tn, carrier, service, code, reason, occ, vis, at, place, eta, details in rows:
                add_event(
                    ScanEvent(
                        eid,
                        seq,
                        tn,
                        carrier,
                        service,
                        codes[code],
                        None if reason < 0 else reasons[reason],
                        occ,
                        vis,
                        table[place] if place.__class__ is int else Location(*place),
                        None
                        if eta is None
                        else (table[eta] if eta.__class__ is int else EstimatedDelivery(*eta)),
                        {} if details is None else details,
                    )
                )
                add_visible(at)
            yield events, visible
