"""Canonical events -> Ship24's three status fields, and the event texts the sandbox shows.

Ship24 normalises every courier's raw text into ``statusCode`` (the meaning of one event),
``statusCategory`` (its phase) and ``statusMilestone`` (the shipment's overall status at that
event) [DOCS docs.ship24.com/status]. The milestones are documented in full: ``pending``,
``info_received``, ``in_transit``, ``out_for_delivery``, ``failed_attempt``,
``available_for_pickup``, ``delivered``, ``exception``. ``statusCode``/``statusCategory`` "may be
empty on non-significant events", while the milestone is on every event.

Sources of each code below: [SPEC] the vendored OpenAPI file's examples (``data_order_created``,
``delivery_out_for_delivery``, ``delivery_delivered``; category ``transit`` with a null code);
[INFER] the stored copy of the status page is cut before its statusCode table, so the other codes
follow Ship24's documented ``<category>_<meaning>`` pattern. FIDELITY.md lists them.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.events import EventCode, ExceptionReason, ScanEvent

PENDING = "pending"
INFO_RECEIVED = "info_received"
IN_TRANSIT = "in_transit"
OUT_FOR_DELIVERY = "out_for_delivery"
FAILED_ATTEMPT = "failed_attempt"
AVAILABLE_FOR_PICKUP = "available_for_pickup"
DELIVERED = "delivered"
EXCEPTION = "exception"

#: Every milestone [DOCS], and the statistics timestamp each one fills (``statistics.timestamps``).
MILESTONE_TIMESTAMPS: dict[str, str] = {
    INFO_RECEIVED: "infoReceivedDatetime",
    IN_TRANSIT: "inTransitDatetime",
    OUT_FOR_DELIVERY: "outForDeliveryDatetime",
    FAILED_ATTEMPT: "failedAttemptDatetime",
    AVAILABLE_FOR_PICKUP: "availableForPickupDatetime",
    EXCEPTION: "exceptionDatetime",
    DELIVERED: "deliveredDatetime",
}
MILESTONES: tuple[str, ...] = (PENDING, *MILESTONE_TIMESTAMPS)


class Status(NamedTuple):
    code: str | None
    category: str | None
    #: The milestone this event moves the shipment to; None keeps the one before.
    milestone: str | None


_S = Status

#: One row per canonical event code.
STATUS: dict[EventCode, Status] = {
    EventCode.LABEL_CREATED: _S("data_order_created", "data", INFO_RECEIVED),  # [SPEC]
    EventCode.PICKED_UP: _S("pickup_picked_up", "pickup", IN_TRANSIT),  # [INFER]
    # Hub scans are Ship24's "non-significant" events: category transit, no code [SPEC example].
    EventCode.ARRIVED_AT_FACILITY: _S(None, "transit", IN_TRANSIT),
    EventCode.PROCESSED_AT_FACILITY: _S(None, "transit", IN_TRANSIT),
    EventCode.DEPARTED_FACILITY: _S(None, "transit", IN_TRANSIT),
    EventCode.IN_TRANSIT: _S(None, "transit", IN_TRANSIT),
    EventCode.ARRIVED_AT_DELIVERY_STATION: _S("transit_arrived_at_destination", "transit", IN_TRANSIT),
    EventCode.OUT_FOR_DELIVERY: _S("delivery_out_for_delivery", "delivery", OUT_FOR_DELIVERY),  # [SPEC]
    EventCode.DELIVERY_ATTEMPTED: _S("delivery_failed_attempt", "delivery", FAILED_ATTEMPT),
    EventCode.DELIVERED: _S("delivery_delivered", "delivery", DELIVERED),  # [SPEC]
    EventCode.AVAILABLE_FOR_PICKUP: _S("delivery_available_for_pickup", "delivery", AVAILABLE_FOR_PICKUP),
    EventCode.PICKED_UP_BY_RECIPIENT: _S("delivery_delivered", "delivery", DELIVERED),  # [SPEC]
    EventCode.EXCEPTION: _S("exception_other", "exception", EXCEPTION),
    # A delay is news, not a change of state: the shipment stays where it was.
    EventCode.DELAYED: _S("exception_delayed", "exception", None),
    EventCode.CUSTOMS_HOLD: _S("customs_held", "customs", EXCEPTION),
    EventCode.CUSTOMS_CLEARED: _S("customs_released", "customs", IN_TRANSIT),
    EventCode.HANDED_TO_PARTNER: _S("transit_handed_to_partner", "transit", IN_TRANSIT),
    EventCode.RETURN_TO_SENDER: _S("exception_returning", "exception", EXCEPTION),
    # Back with the shipper is the end of the road for the shipment, not a delivery [DOCS: the
    # exception milestone covers "returned"].
    EventCode.RETURNED_TO_SENDER: _S("exception_returned", "exception", EXCEPTION),
    EventCode.DELIVERY_RESCHEDULED: _S("delivery_rescheduled", "delivery", None),
}

#: Exception reasons that have a code of their own (the rest keep the event code's row).
REASON_CODES: dict[ExceptionReason, str] = {
    ExceptionReason.LOST: "exception_lost",
    ExceptionReason.DAMAGED: "exception_damaged",
    ExceptionReason.REFUSED: "exception_refused",
    ExceptionReason.ADDRESS_ISSUE: "exception_address_issue",
    ExceptionReason.CUSTOMS_HOLD: "customs_held",
}


def status_of(event: ScanEvent) -> Status:
    row = STATUS[event.code]
    if event.code == EventCode.EXCEPTION and event.reason in REASON_CODES:
        return row._replace(code=REASON_CODES[event.reason])
    return row


def milestones(events: list[ScanEvent]) -> list[str]:
    """Each event's ``statusMilestone``: the shipment's overall status once that event happened
    (oldest first, in step with ``events``). A shipment's first events before any milestone read
    ``pending``."""
    current = PENDING
    out: list[str] = []
    for event in events:
        moved = status_of(event).milestone
        if moved is not None:
            current = moved
        out.append(current)
    return out


#: The raw event text ("status"). Ship24 passes on the courier's own wording; the sandbox cannot
#: reach the carriers' text tables (a carrier package never imports another), so it shows plain
#: courier-style English per code — FIDELITY.md lists this as a deviation.
TEXTS: dict[EventCode, str] = {
    EventCode.LABEL_CREATED: "Shipment information received",
    EventCode.PICKED_UP: "Picked up by courier",
    EventCode.ARRIVED_AT_FACILITY: "Arrived at sorting facility",
    EventCode.PROCESSED_AT_FACILITY: "Processed at sorting facility",
    EventCode.DEPARTED_FACILITY: "Departed sorting facility",
    EventCode.IN_TRANSIT: "In transit",
    EventCode.ARRIVED_AT_DELIVERY_STATION: "Arrived at delivery facility",
    EventCode.OUT_FOR_DELIVERY: "Out for delivery",
    EventCode.DELIVERY_ATTEMPTED: "Delivery attempted",
    EventCode.DELIVERED: "Delivered",
    EventCode.AVAILABLE_FOR_PICKUP: "Available for pickup at the pickup point",
    EventCode.PICKED_UP_BY_RECIPIENT: "Picked up by the recipient at the pickup point",
    EventCode.EXCEPTION: "Shipment exception",
    EventCode.DELAYED: "Shipment delayed",
    EventCode.CUSTOMS_HOLD: "Held by customs",
    EventCode.CUSTOMS_CLEARED: "Released by customs",
    EventCode.HANDED_TO_PARTNER: "Handed over to the delivery partner",
    EventCode.RETURN_TO_SENDER: "Returning to sender",
    EventCode.RETURNED_TO_SENDER: "Returned to sender",
    EventCode.DELIVERY_RESCHEDULED: "Delivery rescheduled",
}

REASON_TEXTS: dict[ExceptionReason, str] = {
    ExceptionReason.WEATHER: "weather conditions",
    ExceptionReason.MISSED_CONNECTION: "missed connection",
    ExceptionReason.HUB_BACKLOG: "high volume at the facility",
    ExceptionReason.HUB_OUTAGE: "facility disruption",
    ExceptionReason.BREAKDOWN: "vehicle breakdown",
    ExceptionReason.ADDRESS_ISSUE: "address issue",
    ExceptionReason.RECIPIENT_UNAVAILABLE: "recipient not available",
    ExceptionReason.NO_ACCESS: "no access to the delivery location",
    ExceptionReason.DAMAGED: "package damaged",
    ExceptionReason.CUSTOMS_HOLD: "customs inspection",
    ExceptionReason.LOST: "package cannot be located",
    ExceptionReason.REFUSED: "refused by the recipient",
    ExceptionReason.UNCLAIMED: "not collected in time",
}


def text_of(event: ScanEvent) -> str:
    text = TEXTS[event.code]
    if event.reason is not None:
        text = f"{text} - {REASON_TEXTS[event.reason]}"
    return text
