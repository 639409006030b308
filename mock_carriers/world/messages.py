"""What the engine worker says to the sandbox, and the chained hash of its log (``worker``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from mock_carriers.world.wire import PIECE
from sim.events import ParcelTruth, ScanEvent


@dataclass(slots=True)
class Hello:
    """The worker's first message: what it knows before simulating anything."""

    cases: list[dict[str, str]]
    end: float | None  # epoch of the world's end, None for an endless world


@dataclass(slots=True)
class Batch:
    events: list[ScanEvent]
    #: The truth of each tracking number the events touch (None once its story has ended: it
    #: comes in ``finished``). In a process runner a snapshot; in a thread runner the live object.
    truths: dict[str, ParcelTruth | None]
    finished: list[ParcelTruth]
    frontier: float  # epoch: every event with visible_at <= frontier has been emitted
    created: int
    ended: bool
    #: The epoch of each event's ``visible_at`` when the sender computed it (else None).
    visible: list[float] | None = None
    #: Events still on the wire (a process runner's batch): decoded piece by piece by ``pieces()``.
    packed: Iterator[tuple[list[ScanEvent], list[float]]] | None = None
    #: Parcels (first scans) in the log before this batch — set on a batch read back from a shared
    #: world's stream, whose start may have been trimmed (``redis_trim``); else None.
    ord_base: int | None = None

    def pieces(self) -> Iterator[tuple[list[ScanEvent], list[float] | None]]:
        """The events in pieces (with their visible epochs when known), decoding what is still
        packed as it goes; once every piece has been taken, ``events`` holds them all."""
        if self.packed is None:  # decoded already (a thread runner's, a Redis entry): slice it
            events, epochs = self.events, self.visible
            for i in range(0, len(events), PIECE):
                yield events[i : i + PIECE], None if epochs is None else epochs[i : i + PIECE]
            return
        packed, self.packed = self.packed, None
        visible: list[float] = []
        for events, epochs in packed:
            self.events.extend(events)
            visible.extend(epochs)
            yield events, epochs
        self.visible = visible

    def complete(self) -> Batch:
        """Decode whatever is still packed (for a reader that wants ``events`` whole)."""
        for _ in self.pieces():
            pass
        return self


@dataclass(slots=True)
class Progress:
    """Re-simulating a resumed world: how far it got (nothing emitted)."""

    frontier: float


@dataclass(slots=True)
class Failed:
    message: str


@dataclass(slots=True)
class Resume:
    """Re-simulate up to ``frontier`` silently; the log so far holds ``count`` events hashing to
    ``digest`` (``EventHash``)."""

    frontier: float
    count: int
    digest: str


Message = Hello | Batch | Progress | Failed


class EventHash:
    """A chained SHA-256 over the events in emission order (their canonical JSON): equal logs, equal
    digests, whatever step sizes produced them; the state is the last digest, so a ``--db`` file
    can carry it across restarts."""

    def __init__(self, count: int = 0, digest: str = "") -> None:
        self._digest = bytes.fromhex(digest) if digest else b""
        self.count = count

    def update(self, events: list[ScanEvent]) -> None:
        digest = self._digest
        for e in events:
            digest = hashlib.sha256(digest + e.to_json().encode()).digest()
        self._digest = digest
        self.count += len(events)

    def hexdigest(self) -> str:
        return self._digest.hex()
