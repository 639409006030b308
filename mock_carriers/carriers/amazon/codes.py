"""Canonical codes → Amazon Shipping v2 codes.

Amazon's vocabulary is small and closed: ``Event.eventCode`` has 14 values, ``TrackingSummary.status``
10 and ``DetailCodes`` 30 (``shippingV2.json`` definitions ``EventCode``, ``Status``, ``DetailCodes``).
Generated SP-API SDKs deserialize these as enums, so the mock never invents a value outside them:
every canonical code lands on the closest documented value, and the nuance that Amazon has no event
for (delays, customs) survives only as a detail code or as a moved ``promisedDeliveryDate``.
Mappings marked INFER are ours; the spec gives the vocabulary, not the mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.events import EventCode, ExceptionReason

#: ``EventCode`` enum of shippingV2.json with the spec's own descriptions.
AMAZON_EVENT_CODES: dict[str, str] = {
    "ReadyForReceive": "Package has been created and is ready for pickup at the shippers location.",
    "PickupDone": "Package has been picked up by the service provider.",
    "Delivered": "Package has been delivered.",
    "Departed": "Package has departed from a particular location in carrier network.",
    "DeliveryAttempted": "Delivery was attempted, but was unsuccessful.",
    "Lost": "Package is lost.",
    "OutForDelivery": "Package is out for delivery.",
    "ArrivedAtCarrierFacility": "Package is in transit and has been received at a carrier location.",
    "Rejected": "Package was rejected by the recipient.",
    "Undeliverable": "Package is undeliverable.",
    "PickupCancelled": "Pickup scheduled for the package was cancelled.",
    "ReturnInitiated": "Return label has been generated.",
    "AvailableForPickup": "Package held for recipient pickup.",
    "RecipientRequestedAlternateDeliveryTiming": "Recipient has requested an update to their delivery date.",
}

#: Default Amazon ``eventCode`` per canonical code. EXCEPTION and DELIVERY_ATTEMPTED are refined by
#: the reason (``REASONS``). Codes Amazon has no event for become ``ArrivedAtCarrierFacility``
#: because the parcel is, in fact, sitting at a carrier facility (INFER).
EVENT_CODES: dict[EventCode, str] = {
    EventCode.LABEL_CREATED: "ReadyForReceive",
    EventCode.PICKED_UP: "PickupDone",
    EventCode.ARRIVED_AT_FACILITY: "ArrivedAtCarrierFacility",
    EventCode.PROCESSED_AT_FACILITY: "ArrivedAtCarrierFacility",  # INFER: no "processed" event
    EventCode.DEPARTED_FACILITY: "Departed",
    EventCode.IN_TRANSIT: "ArrivedAtCarrierFacility",  # INFER: spec text "is in transit and … received"
    EventCode.ARRIVED_AT_DELIVERY_STATION: "ArrivedAtCarrierFacility",  # + detail ArrivedAtLocalFacility
    EventCode.OUT_FOR_DELIVERY: "OutForDelivery",
    EventCode.DELIVERY_ATTEMPTED: "DeliveryAttempted",
    EventCode.DELIVERED: "Delivered",
    EventCode.AVAILABLE_FOR_PICKUP: "AvailableForPickup",
    EventCode.PICKED_UP_BY_RECIPIENT: "Delivered",  # INFER: the hand-over is the delivery
    EventCode.EXCEPTION: "ArrivedAtCarrierFacility",  # INFER: only without a reason; see REASONS
    EventCode.DELAYED: "ArrivedAtCarrierFacility",  # INFER: no delay event; promise date moves
    EventCode.CUSTOMS_HOLD: "ArrivedAtCarrierFacility",  # INFER: no customs vocabulary at all
    EventCode.CUSTOMS_CLEARED: "ArrivedAtCarrierFacility",  # INFER
    EventCode.HANDED_TO_PARTNER: "Departed",  # INFER: leaves Amazon; alternateLegTrackingId set
    EventCode.RETURN_TO_SENDER: "ReturnInitiated",  # SPEC example: ReturnInitiated opens RETURNS leg
    EventCode.RETURNED_TO_SENDER: "Delivered",  # SPEC example: Delivered with shipmentType RETURNS
    EventCode.DELIVERY_RESCHEDULED: "ArrivedAtCarrierFacility",  # INFER: back at the station;
    # RecipientRequestedAlternateDeliveryTiming is for recipient requests, which the sim does not model
}

#: Canonical codes from which on the parcel travels the return leg (``shipmentType: RETURNS``).
RETURN_LEG_STARTS: frozenset[EventCode] = frozenset({EventCode.RETURN_TO_SENDER})

#: Detail codes an event carries by its canonical code alone.
EVENT_DETAIL_CODES: dict[EventCode, tuple[str, ...]] = {
    EventCode.ARRIVED_AT_DELIVERY_STATION: ("ArrivedAtLocalFacility",),
}


@dataclass(frozen=True, slots=True)
class ReasonMap:
    """How one exception reason shows at Amazon."""

    detail: str | None  # DetailCodes value, None when Amazon has no code for the cause
    on_exception: str  # eventCode of an EXCEPTION scan with this reason
    on_attempt: str  # eventCode of a DELIVERY_ATTEMPTED scan with this reason
    note: str


_DELAY = "no Amazon detail code for delays; visible only as a later promisedDeliveryDate"

REASONS: dict[ExceptionReason, ReasonMap] = {
    ExceptionReason.WEATHER: ReasonMap(None, "ArrivedAtCarrierFacility", "DeliveryAttempted", _DELAY),
    ExceptionReason.MISSED_CONNECTION: ReasonMap(
        None, "ArrivedAtCarrierFacility", "DeliveryAttempted", _DELAY
    ),
    ExceptionReason.HUB_BACKLOG: ReasonMap(None, "ArrivedAtCarrierFacility", "DeliveryAttempted", _DELAY),
    ExceptionReason.HUB_OUTAGE: ReasonMap(None, "ArrivedAtCarrierFacility", "DeliveryAttempted", _DELAY),
    ExceptionReason.BREAKDOWN: ReasonMap(None, "ArrivedAtCarrierFacility", "DeliveryAttempted", _DELAY),
    ExceptionReason.ADDRESS_ISSUE: ReasonMap(
        "AddressNotFound",
        "Undeliverable",
        "DeliveryAttempted",
        "SPEC: AddressNotFound = undeliverable, returning to seller, address missing or incorrect",
    ),
    ExceptionReason.RECIPIENT_UNAVAILABLE: ReasonMap(
        "CustomerUnavailable",
        "DeliveryAttempted",
        "DeliveryAttempted",
        "SPEC: attempted delivery but the recipient was unavailable",
    ),
    ExceptionReason.NO_ACCESS: ReasonMap(
        "UnableToAccess",
        "DeliveryAttempted",
        "DeliveryAttempted",
        "SPEC: attempted delivery but could not access the recipient location",
    ),
    ExceptionReason.DAMAGED: ReasonMap(
        "Damaged",
        "Undeliverable",
        "Rejected",
        "SPEC: Damaged is paired with Rejected (refused because damaged) or Undeliverable",
    ),
    ExceptionReason.CUSTOMS_HOLD: ReasonMap(
        None,
        "ArrivedAtCarrierFacility",
        "DeliveryAttempted",
        "INFER: Amazon Shipping v2 has no customs codes",
    ),
    ExceptionReason.LOST: ReasonMap(None, "Lost", "Lost", "SPEC: eventCode/status Lost; no detail code"),
    ExceptionReason.REFUSED: ReasonMap(
        "Rejected", "Rejected", "Rejected", "SPEC: Rejected = recipient refused to accept the shipment"
    ),
    ExceptionReason.UNCLAIMED: ReasonMap(
        "Undeliverable",
        "Undeliverable",
        "DeliveryAttempted",
        "INFER: uncollected at the pickup point, so undeliverable and returning to the seller",
    ),
}

#: ``details.delivery_location`` → DetailCodes. Values the sim may write; unknown ones add nothing
#: (Amazon has no code for a locker or a pickup point).
DELIVERY_LOCATION_CODES: dict[str, str] = {
    "front_door": "DeliveredToPorch",
    "porch": "DeliveredToPorch",
    "rear_door": "DeliveredToRearDoor",
    "back_door": "DeliveredToRearDoor",
    "garage": "DeliveredToGarage",
    "garden": "DeliveredToGarden",
    "greenhouse": "DeliveredToGreenhouse",
    "shed": "DeliveredToShed",
    "mailbox": "DeliveredToMailSlot",
    "mail_slot": "DeliveredToMailSlot",
    "letterbox": "DeliveredToMailSlot",
    "mailroom": "DeliveredToMailRoom",
    "mail_room": "DeliveredToMailRoom",
    "neighbor": "DeliveredToNeighbor",
    "neighbour": "DeliveredToNeighbor",
    "reception": "DeliveredToReceptionist",
    "receptionist": "DeliveredToReceptionist",
    "behind_bin": "DeliveredToBehindWheelieBin",
}

#: ``TrackingSummary.status`` for the latest event's Amazon eventCode.
STATUS_FOR_EVENT: dict[str, str] = {
    "ReadyForReceive": "PreTransit",
    "PickupDone": "InTransit",
    "Delivered": "Delivered",
    "Departed": "InTransit",
    "DeliveryAttempted": "DeliveryAttempted",
    "Lost": "Lost",
    "OutForDelivery": "OutForDelivery",
    "ArrivedAtCarrierFacility": "InTransit",
    "Rejected": "Rejected",
    "Undeliverable": "Undeliverable",
    "PickupCancelled": "PickupCancelled",
    "ReturnInitiated": "InTransit",  # INFER: the return leg is moving
    "AvailableForPickup": "AwaitingCustomerPickup",
    "RecipientRequestedAlternateDeliveryTiming": "InTransit",  # INFER
}

#: Status before the carrier has any scan to show.
STATUS_NO_EVENTS = "PreTransit"


def event_code(code: EventCode, reason: ExceptionReason | None) -> str:
    """The Amazon ``eventCode`` for one canonical scan."""
    if reason is not None:
        if code is EventCode.EXCEPTION:
            return REASONS[reason].on_exception
        if code is EventCode.DELIVERY_ATTEMPTED:
            return REASONS[reason].on_attempt
    return EVENT_CODES[code]


def detail_codes(code: EventCode, reason: ExceptionReason | None, details: dict[str, object]) -> list[str]:
    """The DetailCodes one canonical scan contributes, in a fixed order, without duplicates."""
    out: list[str] = list(EVENT_DETAIL_CODES.get(code, ()))
    reason_detail = REASONS[reason].detail if reason is not None else None
    if reason_detail is not None:
        out.append(reason_detail)
    elif code is EventCode.DELIVERY_ATTEMPTED:
        out.append("DeliveryAttempted")
    if code in (EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT, EventCode.RETURNED_TO_SENDER):
        where = details.get("delivery_location")
        if isinstance(where, str) and where.lower() in DELIVERY_LOCATION_CODES:
            out.append(DELIVERY_LOCATION_CODES[where.lower()])
        if details.get("signed_by"):
            out.append("Signed")
    unique: list[str] = []
    for c in out:
        if c not in unique:
            unique.append(c)
    return unique
