"""Canonical ``EventCode``/``ExceptionReason`` → USPS scan event codes, event texts and status categories.

USPS's own table (Publication 199 Appendix G-4, "USPS Domestic Tracking Scan Events") was not
obtained, so the codes come from what was seen (docs/carrier-apis.md §4.2):

- [OBS]  a real tracking response (karrio's captured fixture for 9400109104250532908587, and the
         USPS/api-examples README): ``GX``, ``03``, ``10``, ``A1``, ``T1``, ``TL``, ``SF``, ``07``,
         ``OF``, ``01`` with their exact ``eventType`` texts.
- [3P]   a third-party code table (USPS::WebTools::Tracking::Codes): ``02``, ``04``, ``09``, ``16``,
         ``22``, ``27``, ``30``, ``42``, ``56``, ``71``, ``DX``, ``EF``.
- [INFER] codes marked in ``INFERRED_CODES`` are our guesses; their *texts* are phrases USPS
         shows on its tracking pages (seen in third-party status lists), their *codes* are not
         confirmed.

``statusCategory`` values are the ones seen in real responses and client code: ``Pre-Shipment``,
``Accepted``, ``In Transit``, ``Out for Delivery``, ``Delivery Attempt``, ``Delivered``,
``Available for Pickup``, ``Alert`` (the spec does not enumerate them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.events import EventCode, ExceptionReason, ScanEvent

PRE_SHIPMENT = "Pre-Shipment"
ACCEPTED = "Accepted"
IN_TRANSIT = "In Transit"
OUT_FOR_DELIVERY = "Out for Delivery"
DELIVERY_ATTEMPT = "Delivery Attempt"
DELIVERED = "Delivered"
AVAILABLE_FOR_PICKUP = "Available for Pickup"
ALERT = "Alert"


@dataclass(frozen=True, slots=True)
class UspsEvent:
    code: str  # eventCode
    text: str  # eventType (USPS puts the human-readable event name there)
    category: str  # statusCategory when this event is the latest


#: One default per canonical code. ``usps_event`` refines some by context (first arrival, the
#: kind of facility, the reason, where a parcel was left) the way USPS's texts differ.
EVENT_CODES: dict[EventCode, UspsEvent] = {
    EventCode.LABEL_CREATED: UspsEvent("GX", "Shipping Label Created, USPS Awaiting Item", PRE_SHIPMENT),
    EventCode.PICKED_UP: UspsEvent("03", "USPS in possession of item", ACCEPTED),
    EventCode.ARRIVED_AT_FACILITY: UspsEvent("A1", "Arrived at USPS Regional Facility", IN_TRANSIT),
    # [INFER] code: "10" is "Processed" in the 3P table; the text is USPS's current wording.
    EventCode.PROCESSED_AT_FACILITY: UspsEvent("10", "Processing at USPS Facility", IN_TRANSIT),
    EventCode.DEPARTED_FACILITY: UspsEvent("T1", "Departed USPS Regional Facility", IN_TRANSIT),
    EventCode.IN_TRANSIT: UspsEvent("TL", "In Transit to Next Facility", IN_TRANSIT),
    EventCode.ARRIVED_AT_DELIVERY_STATION: UspsEvent("07", "Arrived at Post Office", IN_TRANSIT),
    EventCode.OUT_FOR_DELIVERY: UspsEvent("OF", "Out for Delivery", OUT_FOR_DELIVERY),
    EventCode.DELIVERY_ATTEMPTED: UspsEvent("02", "Notice Left", DELIVERY_ATTEMPT),
    EventCode.DELIVERED: UspsEvent("01", "Delivered", DELIVERED),
    EventCode.AVAILABLE_FOR_PICKUP: UspsEvent("16", "Available for Pickup", AVAILABLE_FOR_PICKUP),
    EventCode.PICKED_UP_BY_RECIPIENT: UspsEvent(
        "01", "Delivered, Individual Picked Up at Postal Facility", DELIVERED
    ),
    EventCode.EXCEPTION: UspsEvent("PX", "Processing Exception, Other Delay", ALERT),
    EventCode.DELAYED: UspsEvent("NT", "In Transit, Arriving Late", IN_TRANSIT),
    EventCode.CUSTOMS_HOLD: UspsEvent("CH", "Held in Customs", ALERT),
    EventCode.CUSTOMS_CLEARED: UspsEvent("CC", "Customs Clearance Processing Complete", IN_TRANSIT),
    EventCode.HANDED_TO_PARTNER: UspsEvent("42", "USPS Handoff to Shipping Partner", IN_TRANSIT),
    EventCode.RETURN_TO_SENDER: UspsEvent("09", "Return to Sender", ALERT),
    # The event is USPS's "Delivered, To Original Sender"; the item's status is not (RETURNED_STATUS).
    EventCode.RETURNED_TO_SENDER: UspsEvent("01", "Delivered, To Original Sender", DELIVERED),
    EventCode.DELIVERY_RESCHEDULED: UspsEvent("71", "Rescheduled to Next Delivery Day", IN_TRANSIT),
}

#: The item's ``status``/``statusCategory`` once it is back with its sender (issue 14 item 7): USPS's
#: return code 09 "Return to Sender" under "Alert", not the last event's "Delivered, …" — a client
#: that reads the status (karrio matches "delivered" in it) must not take a return for a delivery.
#: The event itself keeps USPS's own text and code 01.
RETURNED_STATUS = UspsEvent("09", "Return to Sender", ALERT)

#: What an EXCEPTION (and a DELIVERY_ATTEMPTED with a reason) shows for each canonical reason.
REASON_CODES: dict[ExceptionReason, UspsEvent] = {
    ExceptionReason.WEATHER: UspsEvent("WX", "Delivery Exception, Local Weather Delay", ALERT),
    ExceptionReason.MISSED_CONNECTION: UspsEvent("PX", "Processing Exception, Other Delay", ALERT),
    ExceptionReason.HUB_BACKLOG: UspsEvent("PX", "Processing Exception, Other Delay", ALERT),
    ExceptionReason.HUB_OUTAGE: UspsEvent("PX", "Processing Exception, Other Delay", ALERT),
    ExceptionReason.BREAKDOWN: UspsEvent("PX", "Processing Exception, Other Delay", ALERT),
    ExceptionReason.ADDRESS_ISSUE: UspsEvent("22", "Insufficient Address", ALERT),
    ExceptionReason.RECIPIENT_UNAVAILABLE: UspsEvent(
        "56", "Notice Left (No Authorized Recipient Available)", DELIVERY_ATTEMPT
    ),
    ExceptionReason.NO_ACCESS: UspsEvent(
        "30", "Delivery Attempted - No Access to Delivery Location", DELIVERY_ATTEMPT
    ),
    ExceptionReason.DAMAGED: UspsEvent("PD", "Processing Exception, Damaged Item", ALERT),
    ExceptionReason.CUSTOMS_HOLD: UspsEvent("CH", "Held in Customs", ALERT),
    # USPS has no "lost" scan: a lost item's tracking simply goes stale, then shows this alert.
    ExceptionReason.LOST: UspsEvent("DX", "Delivery Status Not Updated", ALERT),
    ExceptionReason.REFUSED: UspsEvent("04", "Refused", ALERT),
    ExceptionReason.UNCLAIMED: UspsEvent("27", "Unclaimed/Being Returned to Sender", ALERT),
}

#: Codes we could not confirm in any USPS source (see FIDELITY.md).
INFERRED_CODES: frozenset[str] = frozenset({"10", "PX", "NT", "CH", "CC", "WX", "PD"})

#: ``details.delivery_location`` → the "Delivered, …" variant USPS writes.
DELIVERED_AT: dict[str, str] = {
    "front_door": "Delivered, Front Door/Porch",
    "porch": "Delivered, Front Door/Porch",
    "mailbox": "Delivered, In/At Mailbox",
    "locker": "Delivered, Parcel Locker",
    "parcel_locker": "Delivered, Parcel Locker",
    "reception": "Delivered, Front Desk/Reception/Mail Room",
    "mail_room": "Delivered, Front Desk/Reception/Mail Room",
    "neighbour": "Delivered, Left with Individual",
    "neighbor": "Delivered, Left with Individual",
    "in_person": "Delivered, Left with Individual",
    "individual": "Delivered, Left with Individual",
    "garage": "Delivered, Garage or Other Location at Address",
    "back_door": "Delivered, Garage or Other Location at Address",
    "post_office": "Delivered, Individual Picked Up at Post Office",
}

#: Location kinds that are Post Office-like (city/state/ZIP shown as-is); every other facility
#: is a processing plant, which USPS names "<CITY> <ST> DISTRIBUTION CENTER" [OBS].
RETAIL_KINDS: frozenset[str] = frozenset(
    {
        "address",
        "pickup_point",
        "delivery_station",
        "post_office",
        "fulfilment_centre",
        "fulfillment_center",
        "locker",
        "access_point",
        "shipper",
        "customer",
        "store",
    }
)


def usps_event(event: ScanEvent, *, first_arrival: bool = False) -> UspsEvent:
    """The USPS code/text/category one canonical event is shown with."""
    code = event.code
    base = EVENT_CODES[code]
    if code is EventCode.ARRIVED_AT_FACILITY and first_arrival:
        return UspsEvent("10", "Arrived at USPS Regional Origin Facility", IN_TRANSIT)
    if code is EventCode.DEPARTED_FACILITY and event.location.kind in RETAIL_KINDS:
        return UspsEvent("SF", "Departed Post Office", IN_TRANSIT)
    if code in (EventCode.EXCEPTION, EventCode.DELIVERY_ATTEMPTED) and event.reason is not None:
        # USPS names the failed attempt by its cause ("Refused", "Notice Left (…)", …).
        return REASON_CODES[event.reason]
    if code is EventCode.DELIVERED:
        where = _details(event).get("delivery_location")
        text = DELIVERED_AT.get(str(where)) if where else None
        return UspsEvent(base.code, text or base.text, base.category)
    return base


def _details(event: ScanEvent) -> dict[str, Any]:
    return event.details or {}
