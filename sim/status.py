"""The canonical status vocabulary: the few words a tracking system's statuses are compared in.

A parcel's *status* at an instant is what its carrier shows then, in one word: the latest visible
scan read as one of ``Status``. Every carrier's own status codes map onto these words (each carrier
package's ``statuses.py``, built with ``carrier_table`` from the carrier's own code function), so a
tester maps a tracker's words onto them once and compares across carriers.

Pure data and functions (no SimPy); docs/truth.md lists the words and the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from typing import Any

from sim.events import EventCode, ExceptionReason, Location, ScanEvent


class Status(StrEnum):
    LABEL_CREATED = "label_created"  # the carrier knows the label; nobody handed the parcel over yet
    IN_TRANSIT = "in_transit"  # moving through the network (pickup, hubs, customs release, hand-over)
    OUT_FOR_DELIVERY = "out_for_delivery"  # on the vehicle today
    FAILED_ATTEMPT = "failed_attempt"  # a delivery attempt failed (nobody home, no access, refused)
    AVAILABLE_FOR_PICKUP = "available_for_pickup"  # waiting at a pickup point or locker
    DELIVERED = "delivered"  # delivered, or collected by the recipient
    DELAYED = "delayed"  # the carrier says it is late (weather, backlog, a new delivery day)
    EXCEPTION = "exception"  # needs attention: customs hold, address problem, damage
    RETURNING = "returning"  # on its way back to the sender
    RETURNED = "returned"  # back with the sender
    LOST = "lost"  # the carrier itself says it cannot find the parcel


#: What each word means, for docs and the control plane (``GET /_sandbox/statuses``).
MEANING: dict[Status, str] = {
    Status.LABEL_CREATED: "the carrier knows the label; nobody handed the parcel over yet",
    Status.IN_TRANSIT: "moving through the network: pickup, hubs, customs release, hand-over",
    Status.OUT_FOR_DELIVERY: "on the delivery vehicle today",
    Status.FAILED_ATTEMPT: "a delivery attempt failed: nobody home, no access, refused",
    Status.AVAILABLE_FOR_PICKUP: "waiting for the recipient at a pickup point or locker",
    Status.DELIVERED: "delivered, or collected by the recipient (a misdelivery too: the carrier "
    "believes it delivered)",
    Status.DELAYED: "the carrier says it is late: weather, missed connection, backlog, outage, "
    "breakdown, a new delivery day",
    Status.EXCEPTION: "needs attention: customs hold, address problem, damage",
    Status.RETURNING: "on its way back to the sender (movement scans after a return started)",
    Status.RETURNED: "back with the sender",
    Status.LOST: "the carrier itself says it cannot find the parcel",
}

#: Nothing more will happen to the parcel under this number.
TERMINAL: frozenset[Status] = frozenset({Status.DELIVERED, Status.RETURNED})

_BY_CODE: dict[EventCode, Status] = {
    EventCode.LABEL_CREATED: Status.LABEL_CREATED,
    EventCode.PICKED_UP: Status.IN_TRANSIT,
    EventCode.ARRIVED_AT_FACILITY: Status.IN_TRANSIT,
    EventCode.PROCESSED_AT_FACILITY: Status.IN_TRANSIT,
    EventCode.DEPARTED_FACILITY: Status.IN_TRANSIT,
    EventCode.IN_TRANSIT: Status.IN_TRANSIT,
    EventCode.ARRIVED_AT_DELIVERY_STATION: Status.IN_TRANSIT,
    EventCode.OUT_FOR_DELIVERY: Status.OUT_FOR_DELIVERY,
    EventCode.DELIVERY_ATTEMPTED: Status.FAILED_ATTEMPT,
    EventCode.DELIVERED: Status.DELIVERED,
    EventCode.AVAILABLE_FOR_PICKUP: Status.AVAILABLE_FOR_PICKUP,
    EventCode.PICKED_UP_BY_RECIPIENT: Status.DELIVERED,
    EventCode.EXCEPTION: Status.EXCEPTION,
    EventCode.DELAYED: Status.DELAYED,
    EventCode.CUSTOMS_HOLD: Status.EXCEPTION,
    EventCode.CUSTOMS_CLEARED: Status.IN_TRANSIT,
    EventCode.HANDED_TO_PARTNER: Status.IN_TRANSIT,
    EventCode.RETURN_TO_SENDER: Status.RETURNING,
    EventCode.RETURNED_TO_SENDER: Status.RETURNED,
    EventCode.DELIVERY_RESCHEDULED: Status.DELAYED,
}

#: Codes that may carry an ``ExceptionReason`` in the world.
REASONED: frozenset[EventCode] = frozenset(
    {
        EventCode.EXCEPTION,
        EventCode.DELAYED,
        EventCode.DELIVERY_ATTEMPTED,
        EventCode.RETURN_TO_SENDER,
        EventCode.CUSTOMS_HOLD,
        EventCode.DELIVERY_RESCHEDULED,
    }
)


def status_of(code: EventCode, reason: ExceptionReason | None = None, returning: bool = False) -> Status:
    """The word for one scan. ``returning``: a return to the sender was already shown, so plain
    movement scans belong to the return leg."""
    if code == EventCode.EXCEPTION and reason == ExceptionReason.LOST:
        return Status.LOST
    status = _BY_CODE[code]
    if returning and status in (Status.IN_TRANSIT, Status.OUT_FOR_DELIVERY):
        return Status.RETURNING
    return status


def current_status(events: Sequence[ScanEvent]) -> Status | None:
    """What a carrier showing ``events`` (oldest first) says now; None before its first scan.

    Scans that share the newest instant are read together: a reschedule booked with a failed
    attempt leaves the status at ``failed_attempt`` (the attempt is what the recipient needs to
    know)."""
    if not events:
        return None
    returning = any(e.code == EventCode.RETURN_TO_SENDER for e in events[:-1])
    last = events[-1]
    if last.code == EventCode.DELIVERY_RESCHEDULED:
        same = [e for e in events if e.occurred_at == last.occurred_at]
        if any(e.code == EventCode.DELIVERY_ATTEMPTED for e in same):
            return Status.FAILED_ATTEMPT
    return status_of(last.code, last.reason, returning)


def sample_scans() -> Iterable[tuple[list[ScanEvent], Status]]:
    """One short history for every (code, reason, on a return leg or not) the world can show, each
    with the word its last scan reads as: the input ``carrier_table`` feeds a carrier's code function."""
    place = Location("F1", "sort_hub", "Hub", "Louisville", "KY", "40209", "US", 38.17, -85.73)
    door = Location(None, "address", "A. Recipient", "Chicago", "IL", "60601", "US", 41.88, -87.62, "1 Main")

    def scan(seq: int, code: EventCode, reason: ExceptionReason | None, details: dict[str, Any]) -> ScanEvent:
        at = f"2026-11-0{min(seq, 9)}T12:00:00+00:00"
        where = door if code in (EventCode.DELIVERED, EventCode.DELIVERY_ATTEMPTED) else place
        return ScanEvent(
            f"{seq:016x}", seq, "SAMPLE", "sample", "ground", code, reason, at, at, where, None, details
        )

    reasons: list[ExceptionReason | None] = [None, *ExceptionReason]
    for returning in (False, True):
        for code in EventCode:
            for reason in reasons if code in REASONED else [None]:
                details: dict[str, Any] = {"attempt": 1} if code == EventCode.DELIVERY_ATTEMPTED else {}
                history = [scan(1, EventCode.LABEL_CREATED, None, {}), scan(2, EventCode.PICKED_UP, None, {})]
                if returning:
                    history.append(scan(3, EventCode.RETURN_TO_SENDER, ExceptionReason.REFUSED, {}))
                history.append(scan(len(history) + 1, code, reason, details))
                status = current_status(history)
                assert status is not None  # a non-empty history always has a status
                yield history, status


#: A carrier's reading of one scan: (the scan's history, oldest first, ending with it) -> the
#: carrier's status code as its API shows it, or None when the carrier shows no status for it.
CodeOf = Callable[[list[ScanEvent]], str | None]


def carrier_table(code_of: CodeOf) -> dict[str, list[Status]]:
    """A carrier's status codes -> the canonical words they stand for, by running the carrier's own
    code function over ``sample_scans``. A code that stands for several words (DHL's coarse
    ``failure``) lists each, in vocabulary order. Combinations the carrier has no code for (its
    function raises KeyError) are not in the table: the world never shows them to that carrier."""
    seen: dict[str, set[Status]] = {}
    for history, status in sample_scans():
        try:
            code = code_of(history)
        except KeyError:
            continue
        if code is not None:
            seen.setdefault(code, set()).add(status)
    order = list(Status)
    return {code: sorted(words, key=order.index) for code, words in sorted(seen.items())}
