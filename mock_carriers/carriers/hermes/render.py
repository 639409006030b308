"""Canonical → Hermes Germany HSI wire format. Pure functions: a ``ParcelView`` in, JSON-ready dicts out.

Shapes [SPEC ``openapi-shipment.yaml`` ``ShipmentInfo`` / ``ShipmentStatus`` / ``ShipmentHistoryStatus``
/ ``CurrentShipmentStatus``; key order and value styles from karrio's Hermes tracking fixture, 3P]:

- ``status`` is the whole history, **oldest first** (karrio reverses it to get newest-first, 3P);
- ``timestamp`` is ISO 8601 with the scan's local offset and whole seconds (``2020-12-04T07:58:24+01:00``,
  the spec's example);
- ``code`` is the 4-digit 2x2 code; ``description`` the catalogue's long text in German (Hermes's
  default) or English, placeholders filled in;
- ``scanningUnit`` ``{name: "Hermes Germany", city, countryCode}``, country codes ISO 3166-1 alpha-3;
- ``deliveryForecast`` from the newest visible event's ``estimated_delivery``: ``date`` YYYY-MM-DD,
  ``timeSlot`` ``HH:MM`` in German time ("CET or CEST"), ``fixed`` false (a forecast, not a booked day);
- absent values are omitted, never ``null`` (the spec's types allow no nulls).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, EventCode, Location, ScanEvent

from . import codes
from .errors import MESSAGES, NO_INFORMATION
from .places import COUNTRIES, OTHER_PLACE, PLACES

#: Hermes serves German by default and English on request [SPEC ``Accept-Language``, default DE].
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

#: myHermes's public tracking page, the shipment ID after the ``#`` [3P: widely used by shop systems].
TRACKING_LINK = "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#"
#: ``scanningUnit.name`` of a scan no Hermes building made (the electronic notice, the client's
#: warehouse) [SPEC example; 3P fixture]; buildings name themselves (``scanning_unit``).
SCANNING_UNIT = "Hermes Germany"
_UNIT_KINDS = frozenset({"sort_hub", "delivery_station"})
#: Time slots are given in German time [SPEC ``TimeSlot``: "(CET or CEST)"].
GERMAN_TIME = ZoneInfo("Europe/Berlin")


_SPACES = re.compile(r"\s{2,}")
_BEFORE_PUNCT = re.compile(r"\s+([.,])")
#: Words before a PaketShop's own name that the catalogue text already says (the sandbox's generic
#: facility names start with "Pickup Point").
_SHOP_PREFIX = re.compile(r"^(?:Hermes\s+)?(?:PaketShop|ParcelShop|Pickup\s+Point)\s+", re.IGNORECASE)


# --- small formatters ---------------------------------------------------------------------------


def language_of(accept_language: str | None) -> str:
    """``Accept-Language`` → ``de`` or ``en``: the highest-weighted language Hermes serves, else German.

    Clients send ``DE``/``EN`` (karrio) as well as browser-style lists (``en-GB,en;q=0.9``)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def alpha3(country: str) -> str:
    """ISO alpha-3 for an alpha-2 code; an unknown code is passed through as given."""
    entry = COUNTRIES.get(country.upper())
    return entry[0] if entry else country.upper()


def country_name(country: str, language: str) -> str:
    entry = COUNTRIES.get(country.upper())
    if entry is None:
        return country.upper()
    return entry[1] if language == "de" else entry[2]


def timestamp(iso: str) -> str:
    """The scan's local time with its offset, whole seconds: ``2026-11-02T09:15:00+01:00``."""
    return datetime.fromisoformat(iso).isoformat(timespec="seconds")


def local_date_time(iso: str) -> tuple[str, str]:
    """``statusDate`` / ``statusTime`` of the deprecated endpoints: local ``YYYY-MM-DD``, ``hh:mm:ss``."""
    dt = datetime.fromisoformat(iso)
    return dt.strftime("%Y-%m-%d"), dt.strftime("%H:%M:%S")


def _german_clock(iso: str | None) -> str | None:
    if not iso:
        return None
    dt = datetime.fromisoformat(iso)
    if dt.tzinfo is not None:
        dt = dt.astimezone(GERMAN_TIME)
    return dt.strftime("%H:%M")


def _destination_country(view: ParcelView) -> str | None:
    if view.truth is None:
        return None
    country = view.truth.destination.get("country")
    return str(country) if country else None


# --- descriptions -------------------------------------------------------------------------------


def _shop_name(name: str) -> str:
    """The PaketShop's own name: the catalogue already says "Hermes PaketShop" before it."""
    return _SHOP_PREFIX.sub("", name.strip()) or name.strip()


def describe(
    status: codes.HermesStatus, event: ScanEvent, language: str, destination_country: str | None = None
) -> str:
    """The catalogue text in ``language`` with its placeholders filled in for ``event``'s place."""
    text = status.text(language)
    if "#" not in text:
        return text
    loc = event.location
    words = PLACES.get(loc.kind, OTHER_PLACE)
    if language == "de":
        im, art, ort = words.im_de, words.art_de, words.ort_de
        going_to = (
            f"nach {country_name(destination_country, 'de')}"
            if destination_country and destination_country.upper() != loc.country.upper()
            else ""
        )
        text = text.replace("#LAND#", going_to)
    else:
        im, art, ort = "at the", "the", words.ort_en
        # "located in #ORT# #LAND#" names the city and its country, not a kind of place [INFER].
        text = text.replace("#ORT# #LAND#", f"{loc.city}, {country_name(loc.country, 'en')}")
        text = text.replace("#LAND#", "")
    for placeholder, value in (
        ("#IM#", im),
        ("#AM#", im),
        ("#ART#", art),
        ("#IN#", "in"),
        ("#ORT#", ort),
        ("#CITY#", loc.city),
        ("#PAKETSHOPNAME#", _shop_name(loc.name)),
    ):
        text = text.replace(placeholder, value)
    return _BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()


def statuses(view: ParcelView) -> list[tuple[ScanEvent, codes.HermesStatus]]:
    """Each visible event with the catalogue row Hermes shows for it (oldest first)."""
    destination = _destination_country(view)
    events = view.events
    return [(e, codes.status_for(e, events[:i], destination)) for i, e in enumerate(events)]


# --- pieces of a shipment ------------------------------------------------------------------------


def international_shipment_id(events: Sequence[ScanEvent]) -> str | None:
    """The partner carrier's number once the hand-over is visible [SPEC ``internationalShipmentID``]."""
    for event in reversed(events):
        if event.code is EventCode.HANDED_TO_PARTNER:
            partner = event.details.get("partner") or {}
            number = partner.get("tracking_number") if isinstance(partner, dict) else None
            if number:
                return str(number)
    return None


def _head(view: ParcelView) -> dict[str, Any]:
    """``shipmentID``, ``clientReference`` (the client's order number) and the partner's number."""
    out: dict[str, Any] = {"shipmentID": view.tracking_number}
    if view.truth is not None and view.truth.package is not None:
        out["clientReference"] = view.truth.package.reference
    partner = international_shipment_id(view.events)
    if partner:
        out["internationalShipmentID"] = partner
    return out


def receiver_address(view: ParcelView) -> dict[str, str] | None:
    """``{city, zipCode, countryCode}`` of the addressee, from the label data."""
    if view.truth is None:
        return None
    dest = view.truth.destination
    out: dict[str, str] = {}
    if dest.get("city"):
        out["city"] = str(dest["city"])
    if dest.get("postal_code"):
        out["zipCode"] = str(dest["postal_code"])
    if dest.get("country"):
        out["countryCode"] = alpha3(str(dest["country"]))
    return out or None


def delivery_forecast(estimate: EstimatedDelivery | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    out: dict[str, Any] = {"fixed": False, "date": estimate.date}
    start, end = _german_clock(estimate.start), _german_clock(estimate.end)
    if start and end:
        out["timeSlot"] = {"from": start, "to": end}
    return out


def scanning_unit(loc: Location) -> str:
    """The unit that scanned: ``Hermes Logistik-Center Hamburg`` (issue 14 item 8, INFER)."""
    return f"{PLACES[loc.kind].ort_de} {loc.city}" if loc.kind in _UNIT_KINDS and loc.city else SCANNING_UNIT


def status_entry(
    event: ScanEvent, status: codes.HermesStatus, language: str, destination_country: str | None
) -> dict[str, Any]:
    loc = event.location
    unit: dict[str, str] = {"name": scanning_unit(loc)}
    if loc.city:
        unit["city"] = loc.city
    if loc.country:
        unit["countryCode"] = alpha3(loc.country)
    return {
        "timestamp": timestamp(event.occurred_at),
        "code": status.code_2x2,
        "description": describe(status, event, language, destination_country),
        "scanningUnit": unit,
    }


# --- GET /shipmentinfo ------------------------------------------------------------------------------


def shipment_info(view: ParcelView, language: str) -> dict[str, Any]:
    """One ``ShipmentInfo`` for a parcel with at least one visible event."""
    destination = _destination_country(view)
    out = _head(view)
    out["trackingLink"] = TRACKING_LINK + view.tracking_number
    receiver = receiver_address(view)
    if receiver:
        out["receiverAddress"] = receiver
    latest = view.latest
    forecast = delivery_forecast(latest.estimated_delivery if latest else None)
    if forecast:
        out["deliveryForecast"] = forecast
    out["status"] = [status_entry(e, s, language, destination) for e, s in statuses(view)]
    return out


def _no_information() -> dict[str, str]:
    return {"code": NO_INFORMATION, "message": MESSAGES[NO_INFORMATION]}


def no_information(shipment_id: str) -> dict[str, Any]:
    """An ID Hermes has nothing for: HTTP 200 with ``result`` e001 [SPEC 200 description; 3P fixture]."""
    return {"shipmentID": shipment_id, "result": _no_information()}


def no_information_by_reference(client_id: str, client_reference: str) -> dict[str, Any]:
    """A ``clientID`` + ``clientReference`` query (``clientID`` is echoed only for such queries)."""
    return {
        "clientID": client_id,
        "clientReference": client_reference,
        "result": _no_information(),
    }


def shipment_info_response(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"shipmentinfo": entries}


# --- deprecated GET /shipmentstatus and /shipmentstatus/current ----------------------------------------


def history_status(view: ParcelView, language: str) -> dict[str, Any]:
    """``ShipmentHistoryStatus``: every visible event as ``statusDate``/``statusTime``/``statusCode``."""
    destination = _destination_country(view)
    out = _head(view)
    entries = []
    for event, status in statuses(view):
        day, time = local_date_time(event.occurred_at)
        entries.append(
            {
                "statusDate": day,
                "statusTime": time,
                "statusCode": status.status_code,
                "description": describe(status, event, language, destination),
            }
        )
    out["listOfStatus"] = entries
    return out


def history_no_information(shipment_id: str) -> dict[str, Any]:
    return {
        "shipmentID": shipment_id,
        "listOfStatus": [{"resultCode": NO_INFORMATION, "resultMessage": MESSAGES[NO_INFORMATION]}],
    }


def expected_delivery(estimate: EstimatedDelivery | None) -> dict[str, Any] | None:
    if estimate is None:
        return None
    out: dict[str, Any] = {"expectedDate": estimate.date}
    start, end = _german_clock(estimate.start), _german_clock(estimate.end)
    if start and end:
        out["expectedTimeEarliest"] = start
        out["expectedTimeLatest"] = end
    out["fixedDateOfDelivery"] = False
    return out


def current_status(view: ParcelView, language: str) -> dict[str, Any]:
    """``CurrentShipmentStatus``: the newest visible event plus the addressee's city/ZIP/country."""
    destination = _destination_country(view)
    event, status = statuses(view)[-1]
    day, time = local_date_time(event.occurred_at)
    info: dict[str, Any] = {
        "statusDate": day,
        "statusTime": time,
        "statusCode": status.status_code,
        "description": describe(status, event, language, destination),
    }
    expected = expected_delivery(event.estimated_delivery)
    if expected:
        info["expectedDelivery"] = expected
    receiver = receiver_address(view) or {}
    info.update(receiver)
    out = _head(view)
    out["statusInformation"] = info
    return out


def current_no_information(shipment_id: str) -> dict[str, Any]:
    return {
        "shipmentID": shipment_id,
        "statusInformation": {"resultCode": NO_INFORMATION, "resultMessage": MESSAGES[NO_INFORMATION]},
    }
