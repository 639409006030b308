"""Canonical ``EventCode`` / ``ExceptionReason`` → UPS Track API activity status.

A UPS activity status has four parts (Tracking.yaml ``Status``): ``type`` (Package Activity Types
table: D, I, M, X …), ``code`` (a two-character activity code from the Movement Scans, Manifest,
Package Exceptions or Delivery Codes tables), ``statusCode`` (the three-digit, zero-padded
Status/Description code) and ``description`` (the customer-facing text).

Evidence tags used below, as in ``docs/carrier-apis.md``:

- [TABLE <name>] — ``vendor/specs/ups/tracking-codes.extracted.json`` (UPS developer-portal appendix)
- [OBS] — a real UPS response: the UPS Postman collection (``UPS-Tracking.postman_collection.json``)
  or captured production responses quoted in public code; descriptions are copied verbatim,
  trailing spaces included, because UPS sends them that way.
- [SPEC] — ``vendor/specs/ups/Tracking.yaml``
- [INFER] — our choice where no source pairs this canonical meaning with a UPS code.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.events import EventCode, ExceptionReason, ScanEvent


@dataclass(frozen=True, slots=True)
class UpsStatus:
    type: str
    code: str
    status_code: str
    description: str


#: Status/Description codes (three digits, zero-padded as UPS sends them) → their customer-facing
#: text [TABLE Status/Description Codes]. Only the codes this adapter emits; ``currentStatus``
#: is rendered from here.
STATUS_TEXT: dict[str, str] = {
    "003": "Shipment Ready for UPS",
    "005": "On the Way",
    "011": "Delivered",
    "012": "Clearance in Progress",
    "013": "Exception",
    "014": "Clearance Completed",
    "021": "Out for Delivery",
    "022": "First Attempt Made",
    "023": "Second Delivery Attempted",
    "024": "Final Attempt Made",
    "034": "Returned to Sender",
    "035": "Returning to Sender",
    "036": "Returning to Sender: In Transit",
    "038": "Picked Up by UPS",
    "040": "Ready for Customer Pickup",
    "048": "Delay",
    "050": "Address Information Required",
    "052": "Delay: Severe Weather",
    "055": "Rescheduled Delivery",
    "059": "Damage Reported",
    "064": "Delivery Refused",
    "071": "Preparing for Delivery",
    "129": "Investigation Opened",
    "137": "Transferred to UPS Delivery Partner",
    "139": "Security Access Required",
    "160": "We Have Your Package",
}

DELIVERED_STATUS_CODE = "011"

#: The status of an event whose meaning does not depend on a reason.
EVENT_STATUS: dict[EventCode, UpsStatus] = {
    # [OBS] Postman sample and production captures: type M, MP, 003, text with a trailing space.
    EventCode.LABEL_CREATED: UpsStatus(
        "M", "MP", "003", "Shipper created a label, UPS has not received the package yet. "
    ),
    # [TABLE Movement Scans] PU = pickup scan; 038 "Picked Up by UPS"; text as [TABLE Package
    # Exceptions] Z5 "Pickup Scan".
    EventCode.PICKED_UP: UpsStatus("I", "PU", "038", "Pickup Scan"),
    # [OBS] production captures: I / AR / 005 "Arrived at Facility".
    EventCode.ARRIVED_AT_FACILITY: UpsStatus("I", "AR", "005", "Arrived at Facility"),
    # [INFER] [TABLE Movement Scans] HU "Hub Scan" with the text UPS shows for sort scans
    # ("Processing at UPS Facility", [OBS] on YP); 005 because a hub sort is still "On the Way"
    # (YP/071 "Preparing for Delivery" would claim the parcel is at its last building).
    EventCode.PROCESSED_AT_FACILITY: UpsStatus("I", "HU", "005", "Processing at UPS Facility"),
    # [OBS] production captures: I / DP / 005 "Departed from Facility".
    EventCode.DEPARTED_FACILITY: UpsStatus("I", "DP", "005", "Departed from Facility"),
    # [TABLE Movement Scans] AG, text verbatim.
    EventCode.IN_TRANSIT: UpsStatus("I", "AG", "005", "Package is in transit to a UPS facility"),
    # [TABLE Movement Scans] DS "Destination scan – the package is at the last UPS building before
    # delivery"; [INFER] the short form UPS prints, and 071 "Preparing for Delivery".
    EventCode.ARRIVED_AT_DELIVERY_STATION: UpsStatus("I", "DS", "071", "Destination Scan"),
    # [OBS] production captures: I / OT / 021 "Out For Delivery Today".
    EventCode.OUT_FOR_DELIVERY: UpsStatus("I", "OT", "021", "Out For Delivery Today"),
    # Reason-driven (see REASON_STATUS); this is the no-reason fallback: [TABLE Package Exceptions]
    # C4 "The receiver was not available at the time of the delivery attempt."
    EventCode.DELIVERY_ATTEMPTED: UpsStatus(
        "X", "C4", "022", "The receiver was not available at the time of the delivery attempt."
    ),
    # [OBS] production capture: D / FS / 011 "DELIVERED " (trailing space as sent); FS is also the
    # delivered code of the UPSTrackAlert.yaml webhook example.
    EventCode.DELIVERED: UpsStatus("D", "FS", "011", "DELIVERED "),
    # [TABLE Package Exceptions] ZP; [TABLE Status] 040 "Ready for Customer Pickup". Type I, not X
    # (issue 14 item 7): waiting at an Access Point is the plan working, not an exception, and
    # karrio reads type X as "on hold"; the Activity Types table's I is "In Transit, Out for Delivery".
    EventCode.AVAILABLE_FOR_PICKUP: UpsStatus(
        "I", "ZP", "040", "Delivered to UPS Access Point™ location and awaiting customer pickup."
    ),
    # [TABLE Delivery Codes] 2W; a collected Access Point parcel is delivered (D / 011).
    EventCode.PICKED_UP_BY_RECIPIENT: UpsStatus("D", "2W", "011", "Package Picked Up At UPS Access Point"),
    # No-reason fallback: [TABLE Package Exceptions] 99; [TABLE Status] 013 "Exception".
    EventCode.EXCEPTION: UpsStatus("X", "99", "013", "Please contact UPS for additional information."),
    # No-reason fallback: [TABLE Package Exceptions] 1X; [TABLE Status] 048 "Delay".
    EventCode.DELAYED: UpsStatus(
        "X", "1X", "048", "Your package is delayed. Check back later for delivery updates."
    ),
    # No-reason fallback = the customs reason below.
    EventCode.CUSTOMS_HOLD: UpsStatus(
        "X",
        "B4",
        "012",
        "Your package is pending release from a Government Agency. Once they release it, your package "
        "will be on its way.",
    ),
    # [SPEC] Tracking.yaml Status example: SR "Your package was released by the customs agency.";
    # [TABLE Status] 014 "Clearance Completed" (the spec example's "003" does not fit a release).
    # Type I (issue 14 item 7): a release ends the hold; the example's X would leave clients
    # believing the parcel is still held.
    EventCode.CUSTOMS_CLEARED: UpsStatus(
        "I", "SR", "014", "Your package was released by the customs agency."
    ),
    # [TABLE Package Exceptions] 4B; [TABLE Status] 137. USPS hand-overs use LX (PARTNER_STATUS).
    EventCode.HANDED_TO_PARTNER: UpsStatus(
        "I", "4B", "137", "The package was transferred to a postal provider for delivery."
    ),
    # [TABLE Package Exceptions] UF; [TABLE Status] 035 "Returning to Sender". Type I: the parcel
    # is moving (back); the exception that caused it was its own X scan.
    EventCode.RETURN_TO_SENDER: UpsStatus(
        "I", "UF", "035", "We're in the process of returning this package to the sender."
    ),
    # [TABLE Package Exceptions] UA; [TABLE Status] 034 "Returned to Sender". Neither D (a client
    # must not read a return as a delivery) nor X (issue 14 item 7: not an exception): UPS's
    # Activity Types have no "returned" type, so I, with status code 034 saying what happened.
    EventCode.RETURNED_TO_SENDER: UpsStatus("I", "UA", "034", "UPS has returned your package to the sender."),
    # [TABLE Package Exceptions] TH; [TABLE Status] 055 "Rescheduled Delivery".
    EventCode.DELIVERY_RESCHEDULED: UpsStatus(
        "X", "TH", "055", "Your delivery has been rescheduled for the next business day."
    ),
}

#: Exception text for each reason [TABLE Package Exceptions], with the Status/Description code
#: UPS files that kind of exception under [TABLE Status]. The pairing of reason and code is
#: [INFER]: the tables give codes and texts, never our canonical reasons.
REASON_STATUS: dict[ExceptionReason, UpsStatus] = {
    ExceptionReason.WEATHER: UpsStatus(
        "X",
        "2A",
        "052",
        "Recent weather has caused delivery delays. Recovery efforts are under way to deliver your "
        "package as soon as possible.",
    ),
    ExceptionReason.MISSED_CONNECTION: UpsStatus(
        "X", "CL", "048", "We've missed the scheduled transfer time. This may cause a delay."
    ),
    ExceptionReason.HUB_BACKLOG: UpsStatus(
        "X", "3A", "048", "Due to operating conditions, your package may be delayed."
    ),
    ExceptionReason.HUB_OUTAGE: UpsStatus(
        "X",
        "8L",
        "048",
        "Due to operating conditions, the delivery date will be rescheduled. We are adjusting plans as "
        "quickly as possible.",
    ),
    ExceptionReason.BREAKDOWN: UpsStatus(
        "X",
        "DR",
        "048",
        "A mechanical failure has delayed delivery. We're adjusting plans to deliver your package as "
        "quickly as possible.",
    ),
    ExceptionReason.ADDRESS_ISSUE: UpsStatus(
        "X",
        "AG",
        "050",
        "The address is incomplete. This may delay delivery. We're attempting to update the address.",
    ),
    ExceptionReason.RECIPIENT_UNAVAILABLE: UpsStatus(
        "X",
        "48",
        "022",
        "The receiver was not available for delivery. We'll make a second attempt the next business day.",
    ),
    ExceptionReason.NO_ACCESS: UpsStatus(
        "X", "95", "139", "We are trying to get the security access our driver needs for this delivery."
    ),
    ExceptionReason.DAMAGED: UpsStatus(
        "X", "45", "059", "Your package was damaged in transit. We will notify the sender with details."
    ),
    ExceptionReason.CUSTOMS_HOLD: EVENT_STATUS[EventCode.CUSTOMS_HOLD],
    ExceptionReason.LOST: UpsStatus("X", "UO", "129", "Lost package investigation"),
    ExceptionReason.REFUSED: UpsStatus("X", "KT", "064", "The receiver refused the delivery."),
    ExceptionReason.UNCLAIMED: UpsStatus(
        "X",
        "3N",
        "035",
        "The package was not picked up by the receiver at the UPS Access Point™ location and will be "
        "returned to sender.",
    ),
}

#: Events whose UPS code and text come from the reason when one is given.
REASON_DRIVEN: frozenset[EventCode] = frozenset(
    {
        EventCode.EXCEPTION,
        EventCode.DELAYED,
        EventCode.DELIVERY_ATTEMPTED,
        EventCode.CUSTOMS_HOLD,
        EventCode.RETURN_TO_SENDER,
    }
)

#: Delivery attempts are filed by attempt number [TABLE Status] 022/023/024, except refusals (064).
ATTEMPT_STATUS: dict[int, str] = {1: "022", 2: "023", 3: "024"}

#: Hand-over to the US Postal Service (SurePost / Ground Saver): [TABLE Package Exceptions] LX.
PARTNER_STATUS: dict[str, UpsStatus] = {
    "usps": UpsStatus("I", "LX", "137", "Package transferred to post office"),
}

#: ``alternateTrackingNumber.type`` per partner: [SPEC] AlternateTrackingNumber example "USPS_PIC";
#: other partners [INFER] by the same pattern.
PARTNER_NUMBER_TYPE: dict[str, str] = {"usps": "USPS_PIC"}

#: Movement scans that, after a return-to-sender, UPS files as "Returning to Sender: In Transit".
_MOVEMENT = frozenset(
    {
        EventCode.ARRIVED_AT_FACILITY,
        EventCode.PROCESSED_AT_FACILITY,
        EventCode.DEPARTED_FACILITY,
        EventCode.IN_TRANSIT,
        EventCode.ARRIVED_AT_DELIVERY_STATION,
    }
)


def status_for(event: ScanEvent, returning: bool = False) -> UpsStatus:
    """The UPS activity status of one canonical event. ``returning``: a return-to-sender was
    already shown, so movement scans belong to the return leg."""
    code = event.code
    if code == EventCode.HANDED_TO_PARTNER:
        partner = (event.details.get("partner") or {}).get("carrier")
        return PARTNER_STATUS.get(str(partner), EVENT_STATUS[code])
    if code in REASON_DRIVEN and event.reason is not None:
        status = REASON_STATUS[event.reason]
        if code == EventCode.DELIVERY_ATTEMPTED and event.reason != ExceptionReason.REFUSED:
            status = replace(status, status_code=_attempt_code(event))
        elif code == EventCode.RETURN_TO_SENDER:
            status = replace(status, status_code=EVENT_STATUS[code].status_code)
        return status
    status = EVENT_STATUS[code]
    if code == EventCode.DELIVERY_ATTEMPTED:
        return replace(status, status_code=_attempt_code(event))
    if returning and code in _MOVEMENT:
        return replace(status, status_code="036")
    return status


def _attempt_code(event: ScanEvent) -> str:
    try:
        attempt = int(event.details.get("attempt") or 1)
    except (TypeError, ValueError):
        attempt = 1
    return ATTEMPT_STATUS[min(max(attempt, 1), 3)]


#: ``deliveryInformation.location`` texts [TABLE Delivery Codes] (ML Front Door, MM Rear Door, …)
#: for the canonical ``details.delivery_location`` values.
DELIVERY_LOCATION_TEXT: dict[str, str] = {
    "front_door": "Front Door",
    "back_door": "Rear Door",
    "rear_door": "Rear Door",
    "side_door": "Side Door",
    "porch": "Porch",
    "garage": "Garage",
    "mailbox": "Mailbox",
    "mailroom": "Mail Room",
    "mail_room": "Mail Room",
    "reception": "Reception",
    "front_desk": "Front Desk",
    "receiver": "Receiver",
    "neighbor": "Neighbor - By Request",
    "locker": "Locker",
    "pickup_point": "Delivered To UPS Access Point™",
}


@dataclass(frozen=True, slots=True)
class UpsService:
    code: str
    level_code: str
    description: str


#: ``package.service`` per canonical service. Ground is [OBS] (production capture: code "518",
#: levelCode "003", "UPS Ground"). The others are [INFER]: levelCode follows the legacy three-digit
#: UPS service codes (001 Next Day Air, 002 2nd Day Air, 065 Worldwide Saver …) that "003" Ground
#: belongs to; no capture shows their newer ``code``, so it repeats the level code.
SERVICES: dict[str, UpsService] = {
    "same_day": UpsService("083", "083", "UPS Express Critical"),
    "next_day": UpsService("001", "001", "UPS Next Day Air"),
    "two_day": UpsService("002", "002", "UPS 2nd Day Air"),
    "ground": UpsService("518", "003", "UPS Ground"),
    "economy": UpsService("093", "093", "UPS Ground Saver"),
    "international": UpsService("065", "065", "UPS Worldwide Saver"),
}


def service_for(service: str) -> UpsService:
    return SERVICES.get(service, SERVICES["ground"])
