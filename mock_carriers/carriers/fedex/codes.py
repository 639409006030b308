"""Canonical codes → FedEx Track API codes and texts.

Evidence tags follow ``docs/carrier-apis.md``: [SPEC] the saved Track API spec, [DOC] FedEx's
"Tracking Status Codes" page (karrio copy), [3P] captured production responses in karrio's test
fixtures, [INFER] chosen here because no source gave the value. FedEx publishes no complete list of
``derivedStatusCode`` values or of scan ``exceptionCode`` values, so most of those are [INFER].
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.events import EventCode, ExceptionReason


@dataclass(frozen=True, slots=True)
class FedexEvent:
    """How one canonical event looks in ``scanEvents[]`` and in ``latestStatusDetail``."""

    event_type: str  # scanEvents[].eventType and latestStatusDetail.code
    description: str  # scanEvents[].eventDescription and latestStatusDetail.description
    derived_code: str  # scanEvents[].derivedStatusCode (FedEx collapses many types to IT)
    derived_status: str  # scanEvents[].derivedStatus
    status_code: str  # latestStatusDetail.derivedCode
    status_text: str  # latestStatusDetail.statusByLocale
    evidence: str


def _ev(
    event_type: str,
    description: str,
    derived_code: str,
    derived_status: str,
    evidence: str,
    status_code: str | None = None,
    status_text: str | None = None,
) -> FedexEvent:
    return FedexEvent(
        event_type,
        description,
        derived_code,
        derived_status,
        status_code or derived_code,
        status_text or derived_status,
        evidence,
    )


EVENT_CODES: dict[EventCode, FedexEvent] = {
    EventCode.LABEL_CREATED: _ev("OC", "Shipment information sent to FedEx", "IN", "Label created", "3P"),
    EventCode.PICKED_UP: _ev("PU", "Picked up", "PU", "Picked up", "3P"),
    EventCode.ARRIVED_AT_FACILITY: _ev("AR", "Arrived at FedEx location", "IT", "In transit", "3P"),
    # FedEx has no "processed" scan; a hub sort shows as a plain in-transit scan [INFER].
    EventCode.PROCESSED_AT_FACILITY: _ev("IT", "In transit", "IT", "In transit", "INFER"),
    EventCode.DEPARTED_FACILITY: _ev("DP", "Departed FedEx location", "IT", "In transit", "3P"),
    EventCode.IN_TRANSIT: _ev("IT", "On the way", "IT", "In transit", "3P"),
    EventCode.ARRIVED_AT_DELIVERY_STATION: _ev("AR", "At local FedEx facility", "IT", "In transit", "3P"),
    # Scan-level derived code IT is observed; the latest status keeping OD is [INFER].
    EventCode.OUT_FOR_DELIVERY: _ev(
        "OD", "On FedEx vehicle for delivery", "IT", "In transit", "3P", "OD", "On FedEx vehicle for delivery"
    ),
    EventCode.DELIVERY_ATTEMPTED: _ev("DE", "Delivery exception", "DE", "Delivery exception", "3P"),
    EventCode.DELIVERED: _ev("DL", "Delivered", "DL", "Delivered", "3P"),
    # HP is in FedEx's code table [DOC]; the texts and derived code are [INFER].
    EventCode.AVAILABLE_FOR_PICKUP: _ev(
        "HP", "Ready for recipient pickup", "HP", "Ready for pickup", "DOC+INFER"
    ),
    # FedEx reports a collection at a hold location as a delivery [INFER].
    EventCode.PICKED_UP_BY_RECIPIENT: _ev("DL", "Delivered", "DL", "Delivered", "INFER"),
    EventCode.EXCEPTION: _ev("SE", "Shipment exception", "SE", "Shipment exception", "DOC+INFER"),
    EventCode.DELAYED: _ev("DY", "Delay", "DY", "Delay", "DOC+3P"),
    EventCode.CUSTOMS_HOLD: _ev("CD", "Clearance delay", "CD", "Clearance delay", "DOC+INFER"),
    EventCode.CUSTOMS_CLEARED: _ev(
        "CC", "International shipment release - Import", "IT", "In transit", "DOC+INFER"
    ),
    # Default for partners without their own FedEx code (see PARTNER_EVENTS) [INFER].
    EventCode.HANDED_TO_PARTNER: _ev("TR", "Transferred to partner carrier", "IT", "In transit", "DOC+INFER"),
    EventCode.RETURN_TO_SENDER: _ev(
        "RS", "Returning package to shipper", "RS", "Return to shipper", "DOC+INFER"
    ),
    # Not DL: a client that treats DL as "the recipient has it" must not see a return that way.
    EventCode.RETURNED_TO_SENDER: _ev("RS", "Returned to shipper", "RS", "Returned to shipper", "DOC+INFER"),
    EventCode.DELIVERY_RESCHEDULED: _ev("DD", "Delivery rescheduled", "DY", "Delay", "DOC+INFER"),
}

#: HANDED_TO_PARTNER by partner carrier: FedEx Ground Economy (SmartPost) hands over to USPS [DOC].
PARTNER_EVENTS: dict[str, FedexEvent] = {
    "usps": _ev("AX", "At USPS facility", "IT", "In transit", "DOC"),
}


@dataclass(frozen=True, slots=True)
class FedexReason:
    """How an ``ExceptionReason`` shows: scan ``exceptionCode``/``exceptionDescription``,
    ``latestStatusDetail.ancillaryDetails`` and, for delays, ``delayDetail.type``."""

    code: str
    description: str
    delay_type: str  # DelayDetail.type enum: WEATHER, OPERATIONAL, LOCAL, GENERAL, CLEARANCE
    action: str
    action_description: str
    evidence: str


_CONTACT = (
    "Contact us at <http://www.fedex.com/us/customersupport/call/index.html> to discuss "
    "possible delivery or pickup alternatives."
)
_NO_ACTION = "No action is required. The package is being processed."

# FedEx tells customers "package delayed" whatever the operational cause, so the operational
# reasons share one code [3P: A52 "Package delayed"].
_DELAYED = FedexReason("A52", "Package delayed", "OPERATIONAL", _NO_ACTION, "Package delayed", "3P")

REASONS: dict[ExceptionReason, FedexReason] = {
    ExceptionReason.WEATHER: FedexReason(
        "71",
        "Severe weather conditions have delayed delivery",
        "WEATHER",
        _NO_ACTION,
        "Weather delay",
        "INFER",
    ),
    ExceptionReason.MISSED_CONNECTION: _DELAYED,
    ExceptionReason.HUB_BACKLOG: _DELAYED,
    ExceptionReason.HUB_OUTAGE: _DELAYED,
    ExceptionReason.BREAKDOWN: _DELAYED,
    ExceptionReason.ADDRESS_ISSUE: FedexReason(
        "03", "Incorrect address", "LOCAL", _CONTACT, "Incorrect Address", "INFER"
    ),
    # Code, description, action and actionDescription as in the spec's StatusAncillaryDetail example
    # and the captured DE scan [SPEC+3P].
    ExceptionReason.RECIPIENT_UNAVAILABLE: FedexReason(
        "08",
        "Customer not available or business closed",
        "LOCAL",
        _CONTACT,
        "Customer not Available or Business Closed",
        "SPEC+3P",
    ),
    # Text from the spec's reasonDescription examples; pairing it with code 84 is [INFER].
    ExceptionReason.NO_ACCESS: FedexReason(
        "84",
        "Local delivery restriction, delivery not attempted",
        "LOCAL",
        _CONTACT,
        "Local Delivery Restriction",
        "SPEC+INFER",
    ),
    ExceptionReason.DAMAGED: FedexReason(
        "10", "Damaged - delivery not completed", "GENERAL", _CONTACT, "Package Damaged", "INFER"
    ),
    # Code and text from the spec's ScanEvent example [SPEC].
    ExceptionReason.CUSTOMS_HOLD: FedexReason(
        "A25",
        "Package available for clearance",
        "CLEARANCE",
        "Contact the broker or FedEx to provide the documents needed for clearance.",
        "Clearance Required",
        "SPEC",
    ),
    ExceptionReason.LOST: FedexReason(
        "A12", "Package cannot be located", "GENERAL", _CONTACT, "Package Not Located", "INFER"
    ),
    ExceptionReason.REFUSED: FedexReason(
        "07", "Refused by recipient", "LOCAL", _CONTACT, "Refused by Recipient", "INFER"
    ),
    ExceptionReason.UNCLAIMED: FedexReason(
        "A43", "Package not claimed by recipient", "LOCAL", _CONTACT, "Package Not Claimed", "INFER"
    ),
}


@dataclass(frozen=True, slots=True)
class FedexService:
    type: str  # serviceDetail.type
    description: str  # serviceDetail.description
    short_description: str  # serviceDetail.shortDescription
    carrier_code: str  # trackingNumberInfo.carrierCode (spec enum)
    unique_suffix: str  # last part of trackingNumberUniqueId
    evidence: str


#: Canonical ``Service`` → FedEx service. PRIORITY_OVERNIGHT/P-1/FDXE/FX are [3P]; the others use
#: FedEx's service-type names [DOC], with short descriptions [INFER].
SERVICES: dict[str, FedexService] = {
    "same_day": FedexService("SAME_DAY", "FedEx SameDay", "SD", "FDXE", "FX", "DOC+INFER"),
    "next_day": FedexService("PRIORITY_OVERNIGHT", "FedEx Priority Overnight", "P-1", "FDXE", "FX", "3P"),
    "two_day": FedexService("FEDEX_2_DAY", "FedEx 2Day", "E2", "FDXE", "FX", "DOC+INFER"),
    "ground": FedexService("FEDEX_GROUND", "FedEx Ground", "FG", "FDXG", "FDEG", "SPEC+INFER"),
    "economy": FedexService("SMART_POST", "FedEx Ground Economy", "SP", "FXSP", "FXSP", "DOC+INFER"),
    "international": FedexService(
        "INTERNATIONAL_PRIORITY", "FedEx International Priority", "IP", "FDXE", "FX", "DOC+INFER"
    ),
}
DEFAULT_SERVICE = SERVICES["ground"]

#: Location.kind → scanEvents[].locationType (spec enum) for scans without a code-specific type.
LOCATION_TYPES: dict[str, str] = {
    "address": "DELIVERY_LOCATION",
    "fulfilment_centre": "PICKUP_LOCATION",
    "sort_hub": "FEDEX_FACILITY",
    "delivery_station": "DESTINATION_FEDEX_FACILITY",
    "pickup_point": "SHIP_AND_GET_LOCATION",
    "airport": "AIRPORT",
}

#: Scans whose locationType follows the event rather than the place [3P for OC/PU/OD].
EVENT_LOCATION_TYPES: dict[EventCode, str] = {
    EventCode.LABEL_CREATED: "CUSTOMER",
    EventCode.PICKED_UP: "PICKUP_LOCATION",
    EventCode.OUT_FOR_DELIVERY: "VEHICLE",
    EventCode.CUSTOMS_HOLD: "PORT_OF_ENTRY",
    EventCode.CUSTOMS_CLEARED: "PORT_OF_ENTRY",
    EventCode.HANDED_TO_PARTNER: "NON_FEDEX_FACILITY",
    EventCode.RETURNED_TO_SENDER: "DELIVERY_LOCATION",
}

#: ScanEvent ``details.delivery_location`` → deliveryDetails (locationType enum, locationDescription).
DELIVERY_LOCATIONS: dict[str, tuple[str, str]] = {
    "front_door": ("RESIDENCE", "Front door"),
    "back_door": ("RESIDENCE", "Back door"),
    "porch": ("RESIDENCE", "Porch"),
    "garage": ("RESIDENCE", "Garage"),
    "residence": ("RESIDENCE", "Residence"),
    "in_person": ("RESIDENCE", "Residence"),
    "mailroom": ("MAILROOM", "Mailroom"),
    "reception": ("RECEPTIONIST_OR_FRONT_DESK", "Receptionist/Front Desk"),
    "shipping_receiving": ("SHIPPING_RECEIVING", "Shipping/Receiving"),
    "locker": ("FEDEX_LOCATION", "FedEx location"),
    "pickup_point": ("FEDEX_LOCATION", "FedEx location"),
    "neighbour": ("OTHER", "Neighbor"),
    "neighbor": ("OTHER", "Neighbor"),
}

#: deliveryDetails.deliveryOptionEligibilityDetails options, in the order FedEx lists them [3P].
DELIVERY_OPTIONS: tuple[str, ...] = (
    "INDIRECT_SIGNATURE_RELEASE",
    "REDIRECT_TO_HOLD_AT_LOCATION",
    "REROUTE",
    "RESCHEDULE",
    "RETURN_TO_SHIPPER",
    "DISPUTE_DELIVERY",
    "SUPPLEMENT_ADDRESS",
)

#: address.countryName for the countries a scenario is likely to use; others fall back to the code.
COUNTRY_NAMES: dict[str, str] = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "GB": "United Kingdom",
    "IE": "Ireland",
    "DE": "Germany",
    "FR": "France",
    "NL": "Netherlands",
    "BE": "Belgium",
    "LU": "Luxembourg",
    "IT": "Italy",
    "ES": "Spain",
    "PT": "Portugal",
    "AT": "Austria",
    "CH": "Switzerland",
    "PL": "Poland",
    "CZ": "Czech Republic",
    "DK": "Denmark",
    "SE": "Sweden",
    "NO": "Norway",
    "FI": "Finland",
    "CN": "China",
    "HK": "Hong Kong",
    "JP": "Japan",
    "KR": "South Korea",
    "SG": "Singapore",
    "IN": "India",
    "AU": "Australia",
    "NZ": "New Zealand",
    "BR": "Brazil",
    "AE": "United Arab Emirates",
    "RU": "Russia",
    "TR": "Turkey",
    "ZA": "South Africa",
}

#: trackingNumberInfo.carrierCode values the spec accepts in a request.
CARRIER_CODES: frozenset[str] = frozenset(
    {
        "FDXE",
        "FDXG",
        "FXSP",
        "FXFR",
        "FDXC",
        "FXCC",
        "FEDEX_CARGO",
        "FEDEX_CUSTOM_CRITICAL",
        "FEDEX_EXPRESS",
        "FEDEX_FREIGHT",
        "FEDEX_GROUND",
        "FEDEX_OFFICE",
        "FEDEX_KINKOS",
        "FX",
        "FDFR",
        "FDEG",
        "FXK",
        "FDC",
        "FDCC",
    }
)


def event_for(code: EventCode, partner_carrier: str | None = None) -> FedexEvent:
    if code is EventCode.HANDED_TO_PARTNER and partner_carrier in PARTNER_EVENTS:
        return PARTNER_EVENTS[partner_carrier]
    return EVENT_CODES[code]


def service_for(service: str) -> FedexService:
    return SERVICES.get(service, DEFAULT_SERVICE)


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())
