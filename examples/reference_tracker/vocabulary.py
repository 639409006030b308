"""The tracker's own status vocabulary: every carrier's codes are mapped onto these words.

It is deliberately the tracker's, not the sandbox's: a tester scoring a tracker maps these words
onto whatever vocabulary the scoring side uses (docs/reference-tracker.md lists them).
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"  # registered; the carrier has nothing to show yet
    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_ATTEMPT = "failed_attempt"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    DELAYED = "delayed"
    EXCEPTION = "exception"
    RETURNING = "returning"  # on its way back to the sender
    RETURNED = "returned"  # back with the sender
    LOST = "lost"  # the carrier itself says it cannot find the parcel
    LOST_SUSPECTED = "lost_suspected"  # the tracker's inference: no scan for too long


#: Nothing more will happen to the parcel.
TERMINAL = frozenset({Status.DELIVERED, Status.RETURNED})

#: Statuses from which silence is expected rather than alarming: a label nobody handed over yet,
#: a parcel waiting at a pickup point for its recipient, a finished parcel.
SILENCE_EXEMPT = frozenset({Status.PENDING, Status.LABEL_CREATED, Status.AVAILABLE_FOR_PICKUP}) | TERMINAL
