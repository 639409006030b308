"""Canonical ``EventCode`` / ``ExceptionReason`` → what DHL's Unified Tracking API shows.

The Unified API has no public per-event code table: each shipment event carries the coarse
``statusCode`` (``pre-transit | transit | delivered | failure | unknown`` — the spec's enum) and a
free-text ``description``. The sandbox's numbers are DHL Express waybills (``service: express``),
so the descriptions are DHL Express checkpoint texts. Evidence per entry:

- ``OBS``   seen in a real production body (a Dec-2021 express response quoted in a public client,
            a scraped dhl.com timeline, and a DHL Express test fixture of real checkpoints);
- ``3P``    a third-party client's list of DHL Express checkpoint texts it matches on;
- ``SPEC``  the example in ``dhl-shipment-tracking-unified-1.4.1.yaml``;
- ``INFER`` not seen anywhere — worded in DHL Express's style.

Descriptions live in ``TEXTS[language][key]`` so that further languages are data, not code: English
is below, German, Russian, Slovenian and Kazakh are in ``texts.py``.
``{facility}`` is replaced by the place the way DHL Express writes it (``LOUISVILLE - USA``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mock_carriers.http import i18n
from sim.events import EventCode, ExceptionReason

from . import texts

StatusCode = Literal["pre-transit", "transit", "delivered", "failure", "unknown"]

#: The spec's enum for ``statusCode`` (supermodelIoLogisticsTrackingShipmentEvent).
STATUS_CODES: tuple[StatusCode, ...] = ("pre-transit", "transit", "delivered", "failure", "unknown")


@dataclass(frozen=True, slots=True)
class DhlEventCode:
    status_code: StatusCode
    evidence: str


#: Every canonical code → DHL's coarse status; the description comes from ``TEXTS``.
EVENT_CODES: dict[EventCode, DhlEventCode] = {
    EventCode.LABEL_CREATED: DhlEventCode("pre-transit", "3P"),
    EventCode.PICKED_UP: DhlEventCode("transit", "OBS"),
    EventCode.ARRIVED_AT_FACILITY: DhlEventCode("transit", "OBS"),
    EventCode.PROCESSED_AT_FACILITY: DhlEventCode("transit", "OBS"),
    EventCode.DEPARTED_FACILITY: DhlEventCode("transit", "OBS"),
    EventCode.IN_TRANSIT: DhlEventCode("transit", "INFER"),
    EventCode.ARRIVED_AT_DELIVERY_STATION: DhlEventCode("transit", "OBS"),
    EventCode.OUT_FOR_DELIVERY: DhlEventCode("transit", "OBS"),
    EventCode.DELIVERY_ATTEMPTED: DhlEventCode("failure", "3P"),
    EventCode.DELIVERED: DhlEventCode("delivered", "OBS"),
    EventCode.AVAILABLE_FOR_PICKUP: DhlEventCode("transit", "INFER"),
    EventCode.PICKED_UP_BY_RECIPIENT: DhlEventCode("delivered", "INFER"),
    EventCode.EXCEPTION: DhlEventCode("failure", "OBS"),
    # A delay is still a moving parcel: DHL keeps it "transit" (INFER).
    EventCode.DELAYED: DhlEventCode("transit", "INFER"),
    # A hold is an exception, not movement (issue 14 item 7): "failure", as EXCEPTION; karrio and
    # other clients read "transit" as moving (INFER: the enum has no "on hold").
    EventCode.CUSTOMS_HOLD: DhlEventCode("failure", "INFER"),
    EventCode.CUSTOMS_CLEARED: DhlEventCode("transit", "OBS"),
    EventCode.HANDED_TO_PARTNER: DhlEventCode("transit", "INFER"),
    # The parcel will not reach the recipient: "failure" rather than "delivered" (INFER), so a
    # client that equates statusCode "delivered" with success is not misled by a return.
    EventCode.RETURN_TO_SENDER: DhlEventCode("failure", "3P"),
    EventCode.RETURNED_TO_SENDER: DhlEventCode("failure", "INFER"),
    EventCode.DELIVERY_RESCHEDULED: DhlEventCode("transit", "3P"),
}

#: Every canonical reason → evidence of its description (``TEXTS[lang]["reason.<value>"]``).
#: An event that carries a reason is described by its reason; its status still follows its code.
REASON_CODES: dict[ExceptionReason, str] = {
    ExceptionReason.WEATHER: "INFER",
    ExceptionReason.MISSED_CONNECTION: "INFER",
    ExceptionReason.HUB_BACKLOG: "INFER",
    ExceptionReason.HUB_OUTAGE: "INFER",
    ExceptionReason.BREAKDOWN: "INFER",
    ExceptionReason.ADDRESS_ISSUE: "3P",
    ExceptionReason.RECIPIENT_UNAVAILABLE: "OBS",
    ExceptionReason.NO_ACCESS: "3P",
    ExceptionReason.DAMAGED: "INFER",
    ExceptionReason.CUSTOMS_HOLD: "OBS",
    ExceptionReason.LOST: "INFER",
    ExceptionReason.REFUSED: "3P",
    ExceptionReason.UNCLAIMED: "INFER",
}

DEFAULT_LANGUAGE = i18n.DEFAULT_LANGUAGE

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        # events
        "event.LABEL_CREATED": "Shipment information received",
        "event.PICKED_UP": "Shipment picked up",
        # The double space is DHL's own (seen in two independent real captures).
        "event.ARRIVED_AT_FACILITY": "Arrived at DHL Sort Facility  {facility}",
        "event.PROCESSED_AT_FACILITY": "Processed at {facility}",
        "event.DEPARTED_FACILITY": "Shipment has departed from a DHL facility {facility}",
        "event.IN_TRANSIT": "Transferred through {facility}",
        "event.ARRIVED_AT_DELIVERY_STATION": "Arrived at DHL Delivery Facility {facility}",
        "event.OUT_FOR_DELIVERY": "Shipment is out with courier for delivery",
        "event.DELIVERY_ATTEMPTED": "Delivery attempt could not be completed",
        "event.DELIVERED": "Delivered",
        "event.AVAILABLE_FOR_PICKUP": "Awaiting collection by recipient as requested",
        "event.PICKED_UP_BY_RECIPIENT": "Delivered - Collected by recipient",
        "event.EXCEPTION": "Shipment is on hold",
        "event.DELAYED": "Shipment delayed",
        "event.CUSTOMS_HOLD": "Shipment is on hold",
        "event.CUSTOMS_CLEARED": "Clearance processing complete at {facility}",
        "event.HANDED_TO_PARTNER": "Forwarded to third party - no further tracking updates expected",
        # Per backend (``@<service>``): DHL Paket's hand-over abroad, DHL eCommerce's to USPS.
        "event.HANDED_TO_PARTNER@parcel-de": (
            "The shipment has been transported to the destination country/destination area and, "
            "from there, handed over to the delivery organization."
        ),
        "event.HANDED_TO_PARTNER@ecommerce": "Tendered to Delivery Service Provider",
        "event.RETURN_TO_SENDER": "Returned to shipper",
        "event.RETURNED_TO_SENDER": "Delivered - Returned to shipper",
        "event.DELIVERY_RESCHEDULED": "Shipment is scheduled for delivery",
        # reasons
        "reason.weather": "Delivery delayed due to adverse weather conditions",
        "reason.missed_connection": "Shipment missed its scheduled connection",
        "reason.hub_backlog": "Processing delayed at {facility}",
        "reason.hub_outage": "Operational disruption at {facility} - shipment delayed",
        "reason.breakdown": "Shipment delayed due to a vehicle breakdown",
        "reason.address_issue": "Further consignee information needed",
        "reason.recipient_unavailable": "Delivery attempted but no response at Consignee address",
        "reason.no_access": "Delivery attempt could not be completed",
        "reason.damaged": "Shipment damaged - DHL is contacting the shipper",
        "reason.customs_hold": "Shipment is on hold",
        "reason.lost": "Shipment could not be located",
        "reason.refused": "Delivery not accepted",
        "reason.unclaimed": "Shipment not collected by recipient",
        # remark / nextSteps (the spec's example pair for customs; the rest INFER)
        "remark.customs_hold": "The shipment is pending completion of customs inspection.",
        "next.customs_hold": "The status will be updated following customs inspection.",
        "remark.address_issue": "The delivery address is incomplete or incorrect.",
        "next.address_issue": "Please contact DHL Customer Service to provide the correct address.",
        "remark.recipient_unavailable": "The recipient was not available at the time of delivery.",
        "next.recipient_unavailable": "A new delivery attempt will be made on the next business day.",
        "remark.lost": "We are investigating the whereabouts of the shipment.",
        "next.lost": "Please contact DHL Customer Service.",
        # estimated delivery
        "eta.end_of_day": "By End of Day",
    },
    **texts.TRANSLATIONS,
}


def language_for(requested: str | None) -> str:
    """The language DHL answers in: the requested ISO 639-1 code when available, else English.

    [SPEC ``dhl-shipment-tracking-unified-1.4.1.yaml``]: query ``language``, "ISO 639-1 2-character
    language code … an indication of the client preferences ONLY … The actual response language is
    indicated by the Content-Language header" (default ``en``). So an unavailable language silently
    falls back to English and ``Content-Language: en`` says so. [INFER] ``de-DE``, ``de_DE`` and
    ``DE`` are read as ``de``."""
    return i18n.negotiate(requested, frozenset(TEXTS))


def text(language: str, key: str, **values: str) -> str | None:
    table = TEXTS.get(language, TEXTS[DEFAULT_LANGUAGE])
    template = table.get(key, TEXTS[DEFAULT_LANGUAGE].get(key))
    if template is None:
        return None
    return template.format(**values) if values else template


def status_code(code: EventCode) -> StatusCode:
    return EVENT_CODES[code].status_code


def description(
    language: str, code: EventCode, reason: ExceptionReason | None, facility: str, service: str = "express"
) -> str:
    """An event's text; a backend's own wording (``event.<CODE>@<service>``) wins where it has one."""
    key = f"reason.{reason.value}" if reason is not None else f"event.{code.value}"
    out = text(language, f"{key}@{service}", facility=facility) or text(language, key, facility=facility)
    if out is None:  # unreachable while the tests prove every code and reason has a text
        raise KeyError(key)
    return out


def remark(language: str, reason: ExceptionReason | None) -> tuple[str | None, str | None]:
    """``(remark, nextSteps)`` for an event, when DHL would add them."""
    if reason is None:
        return None, None
    return text(language, f"remark.{reason.value}"), text(language, f"next.{reason.value}")


#: Country names the way DHL Express writes them in places ("LOS ANGELES, CA - USA").
COUNTRY_NAMES: dict[str, str] = {
    "US": "USA",
    "CA": "CANADA",
    "MX": "MEXICO",
    "BR": "BRAZIL",
    "GB": "UNITED KINGDOM",
    "IE": "IRELAND, REPUBLIC OF",
    "DE": "GERMANY",
    "FR": "FRANCE",
    "NL": "NETHERLANDS, THE",
    "BE": "BELGIUM",
    "LU": "LUXEMBOURG",
    "AT": "AUSTRIA",
    "CH": "SWITZERLAND",
    "IT": "ITALY",
    "ES": "SPAIN",
    "PT": "PORTUGAL",
    "PL": "POLAND",
    "CZ": "CZECH REPUBLIC, THE",
    "SK": "SLOVAKIA",
    "SI": "SLOVENIA",
    "HU": "HUNGARY",
    "DK": "DENMARK",
    "SE": "SWEDEN",
    "NO": "NORWAY",
    "FI": "FINLAND",
    "RU": "RUSSIA",
    "KZ": "KAZAKHSTAN",
    "TR": "TURKEY",
    "AE": "UNITED ARAB EMIRATES",
    "SA": "SAUDI ARABIA",
    "IN": "INDIA",
    "CN": "CHINA, PEOPLES REPUBLIC",
    "HK": "HONG KONG SAR, CHINA",
    "JP": "JAPAN",
    "KR": "KOREA, REPUBLIC OF (SOUTH K.)",
    "SG": "SINGAPORE",
    "AU": "AUSTRALIA",
    "NZ": "NEW ZEALAND",
    "ZA": "SOUTH AFRICA",
}

#: Countries whose places DHL Express writes with a state/province ("LOS ANGELES, CA - USA").
COUNTRIES_WITH_REGION: frozenset[str] = frozenset({"US", "CA", "AU"})

#: The services DHL suggests trying when none was given, in the order of the real capture.
OTHER_SERVICES: tuple[str, ...] = (
    "freight",
    "dgf",
    "ecommerce",
    "parcel-de",
    "parcel-nl",
    "parcel-pl",
    "post-de",
    "sameday",
    "parcel-uk",
)

#: The ``service`` query values the spec's enum allows.
SERVICE_HINTS: frozenset[str] = frozenset(
    {
        "express",
        "parcel-de",
        "ecommerce",
        "dgf",
        "parcel-uk",
        "post-de",
        "sameday",
        "freight",
        "parcel-nl",
        "parcel-pl",
        "dsc",
        "ecommerce-europe",
    }
)
