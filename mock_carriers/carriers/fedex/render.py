"""Canonical → FedEx wire format. Pure functions: a ``ParcelView`` and an instant in, plain JSON out.

Shapes follow the Track API spec (``TrkcResponseVO_TrackingNumber``, ``TrkcResponseVO_SPOD``) and, for
key order, empty-string habits and which fields appear at all, the captured production responses in
karrio's FedEx fixtures [3P]: timestamps ISO-8601 with the scan's local offset and no fractions,
scans newest first, ``""`` rather than null, city names in capitals.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from mock_carriers.carriers.fedex import codes, locations, package, texts
from mock_carriers.http import i18n
from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, EventCode, ScanEvent

DELIVERED_CODES = frozenset({EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT})
_TERMINAL = DELIVERED_CODES | {EventCode.RETURNED_TO_SENDER}
_DELAY_CODES = frozenset({EventCode.DELAYED, EventCode.CUSTOMS_HOLD, EventCode.DELIVERY_RESCHEDULED})
#: FedEx's uniqueId leads with the ship date as a Julian day number + "000" [3P: 2460426000 = 2024-04-25].
_JULIAN_OFFSET = 1721425


# --- small pieces --------------------------------------------------------------------------------


def fedex_time(iso: str) -> str:
    """ISO-8601 as FedEx writes it: seconds precision, the offset the scan carried."""
    return datetime.fromisoformat(iso).replace(microsecond=0).isoformat()


def _offset(iso: str | None) -> str:
    if not iso:
        return ""
    dt = datetime.fromisoformat(iso).replace(microsecond=0)
    return dt.isoformat()[19:] if dt.tzinfo is not None else ""


def _midnight(day: str, offset: str) -> str:
    return f"{day}T00:00:00{offset}"


def _partner(ev: ScanEvent) -> dict[str, Any]:
    partner = ev.details.get("partner")
    return partner if isinstance(partner, dict) else {}


def _fedex_event(ev: ScanEvent) -> codes.FedexEvent:
    return codes.event_for(ev.code, _partner(ev).get("carrier"))


def _reason(ev: ScanEvent) -> codes.FedexReason | None:
    return codes.REASONS[ev.reason] if ev.reason is not None else None


def _ship_day(view: ParcelView) -> date:
    return datetime.fromisoformat(view.events[0].occurred_at).date()


def unique_id(view: ParcelView) -> str:
    svc = codes.service_for(view.service)
    jd = _ship_day(view).toordinal() + _JULIAN_OFFSET
    return f"{jd}000~{view.tracking_number}~{svc.unique_suffix}"


# --- scan events ---------------------------------------------------------------------------------


def scan_events(view: ParcelView, language: str = i18n.DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """All visible scans, newest first, their texts in ``language``. A scan at the recipient's door
    carries the delivering station's location id, as FedEx's delivery scans do [3P]."""
    out: list[dict[str, Any]] = []
    last_facility: str | None = None
    for ev in view.events:
        lid = locations.location_id(ev.location)
        if lid is not None:
            last_facility = lid
        elif ev.location.kind == "address":
            lid = last_facility
        fx = _fedex_event(ev)
        reason = _reason(ev)
        item: dict[str, Any] = {
            "date": fedex_time(ev.occurred_at),
            "eventType": fx.event_type,
            "eventDescription": texts.text(language, fx.description),
            "exceptionCode": reason.code if reason else "",
            "exceptionDescription": texts.text(language, reason.description) if reason else "",
            "scanLocation": locations.scan_location(ev),
        }
        if lid is not None and ev.code is not EventCode.LABEL_CREATED:
            item["locationId"] = lid
        item["locationType"] = locations.location_type(ev)
        item["derivedStatusCode"] = fx.derived_code
        item["derivedStatus"] = texts.text(language, fx.derived_status)
        out.append(item)
    out.reverse()
    return out


# --- the track result ----------------------------------------------------------------------------


def _latest_status(ev: ScanEvent, language: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
    fx = _fedex_event(ev)
    out: dict[str, Any] = {
        "code": fx.event_type,
        "derivedCode": fx.status_code,
        "statusByLocale": texts.text(language, fx.status_text),
        "description": texts.text(language, fx.description),
        "scanLocation": locations.location_address(ev.location),
    }
    reason = _reason(ev)
    if reason is not None:
        out["ancillaryDetails"] = [
            {
                "reason": reason.code,
                "reasonDescription": texts.text(language, reason.description),
                "action": texts.text(language, reason.action),
                "actionDescription": texts.text(language, reason.action_description),
            }
        ]
        if ev.code in _DELAY_CODES:
            out["delayDetail"] = {"type": reason.delay_type, "status": "DELAYED"}
    return out


def _first(view: ParcelView, code: EventCode) -> ScanEvent | None:
    return next((e for e in view.events if e.code is code), None)


def _last(view: ParcelView, code: EventCode) -> ScanEvent | None:
    return next((e for e in reversed(view.events) if e.code is code), None)


def _estimate_offset(est: EstimatedDelivery, view: ParcelView) -> str:
    truth = view.truth
    return (
        _offset(est.start)
        or _offset(est.end)
        or _offset(truth.promised_by if truth else None)
        or _offset(view.events[-1].occurred_at)
    )


def _date_and_times(view: ParcelView, est: EstimatedDelivery | None) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    latest = view.events[-1]
    if latest.code in DELIVERED_CODES:
        out.append({"type": "ACTUAL_DELIVERY", "dateTime": fedex_time(latest.occurred_at)})
    elif est is not None and latest.code not in _TERMINAL:
        out.append(
            {"type": "ESTIMATED_DELIVERY", "dateTime": _midnight(est.date, _estimate_offset(est, view))}
        )
    attempt = _last(view, EventCode.DELIVERY_ATTEMPTED)
    if attempt is not None:
        out.append({"type": "ATTEMPTED_DELIVERY", "dateTime": fedex_time(attempt.occurred_at)})
    pickup = _first(view, EventCode.PICKED_UP)
    if pickup is not None:
        at = fedex_time(pickup.occurred_at)
        out.append({"type": "ACTUAL_PICKUP", "dateTime": at})
        out.append({"type": "SHIP", "dateTime": _midnight(at[:10], _offset(pickup.occurred_at))})
        out.append({"type": "ACTUAL_TENDER", "dateTime": at})
    return out


def _delivery_details(view: ParcelView, est: EstimatedDelivery | None, now: datetime) -> dict[str, Any]:
    latest = view.events[-1]
    out: dict[str, Any] = {}
    if latest.code in _TERMINAL:
        out["actualDeliveryAddress"] = locations.location_address(latest.location)
        where = str(latest.details.get("delivery_location") or "")
        if where in codes.DELIVERY_LOCATIONS:
            location_type, description = codes.DELIVERY_LOCATIONS[where]
        elif latest.code is EventCode.PICKED_UP_BY_RECIPIENT:
            location_type, description = codes.DELIVERY_LOCATIONS["pickup_point"]
        elif latest.code is EventCode.RETURNED_TO_SENDER:
            location_type, description = codes.DELIVERY_LOCATIONS["shipping_receiving"]
        elif where:
            location_type, description = "OTHER", where.replace("_", " ").capitalize()
        else:
            location_type, description = codes.DELIVERY_LOCATIONS["residence"]
        out["locationType"] = location_type
        out["locationDescription"] = description
    out["deliveryAttempts"] = str(sum(1 for e in view.events if e.code is EventCode.DELIVERY_ATTEMPTED))
    signed_by = latest.details.get("signed_by")
    if latest.code in _TERMINAL and signed_by:
        out["receivedByName"] = str(signed_by)
    if latest.code not in _TERMINAL and est is not None:
        # The scan's own offset stands in for the destination's: the view carries no time zone.
        offset = datetime.fromisoformat(latest.occurred_at).tzinfo or UTC
        out["deliveryToday"] = now.astimezone(offset).date().isoformat() == est.date
    eligibility = "INELIGIBLE" if latest.code in _TERMINAL else "POSSIBLY_ELIGIBLE"
    out["deliveryOptionEligibilityDetails"] = [
        {"option": option, "eligibility": eligibility} for option in codes.DELIVERY_OPTIONS
    ]
    return out


def _service_commit(view: ParcelView, est: EstimatedDelivery | None) -> dict[str, str] | None:
    # Types are the spec's enum; only the "unavailable" message text is from the spec, the rest [INFER].
    latest = view.events[-1]
    if latest.code in _TERMINAL:
        return None
    if latest.code is EventCode.LABEL_CREATED:
        return {
            "message": "Label has been created. The status will be updated when shipment begins to travel.",
            "type": "SHIPMENT_LABEL_CREATED",
        }
    if latest.code is EventCode.AVAILABLE_FOR_PICKUP:
        return {
            "message": "Package is available for pickup at the FedEx location.",
            "type": "HELD_PACKAGE_AVAILABLE_FOR_RECIPIENT_PICKUP",
        }
    if latest.code is EventCode.DELIVERY_ATTEMPTED:
        first = str(latest.details.get("attempt") or 1) == "1"
        return {
            "message": "Delivery was attempted. Another attempt will be made.",
            "type": "FIRST_DELIVERY_ATTEMPTED" if first else "SUBSEQUENT_DELIVERY_ATTEMPTED",
        }
    if est is None:
        return {
            "message": "No scheduled delivery date available at this time.",
            "type": "ESTIMATED_DELIVERY_DATE_UNAVAILABLE",
        }
    return None


def _package_identifiers(view: ParcelView) -> list[dict[str, Any]]:
    # The hand-over number rides as a PARTNER_CARRIER_NUMBER identifier (spec enum). The spec names
    # the list ``value``; one captured response spells it ``values`` — we follow the spec.
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for ev in view.events:
        number = str(_partner(ev).get("tracking_number") or "")
        if ev.code is EventCode.HANDED_TO_PARTNER and number and number not in seen:
            seen.add(number)
            out.append({"type": "PARTNER_CARRIER_NUMBER", "value": [number], "trackingNumberUniqueId": ""})
    return out


def track_result(
    view: ParcelView,
    requested: str,
    now: datetime,
    detailed: bool = True,
    language: str = i18n.DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """One ``TrackResult`` for a parcel with at least one visible scan; status texts in ``language``
    (the ``x-locale`` header's, see ``mock_carriers.http.i18n``)."""
    latest = view.events[-1]
    est = latest.estimated_delivery
    svc = codes.service_for(view.service)
    truth = view.truth
    box = truth.package if truth is not None else None
    delivered = latest.code in DELIVERED_CODES
    terminal = latest.code in _TERMINAL

    out: dict[str, Any] = {
        "trackingNumberInfo": {
            "trackingNumber": requested,
            "trackingNumberUniqueId": unique_id(view),
            "carrierCode": svc.carrier_code,
        },
        "additionalTrackingInfo": {
            "nickname": "",
            "packageIdentifiers": [*package.references(box), *_package_identifiers(view)],
            "hasAssociatedShipments": False,
        },
    }
    shipper = locations.truth_address(truth.origin) if truth else None
    recipient = locations.truth_address(truth.destination) if truth else None
    if shipper is not None:
        out["shipperInformation"] = {"address": shipper}
    if recipient is not None:
        out["recipientInformation"] = {"address": recipient}
    out["latestStatusDetail"] = _latest_status(latest, language)
    out["dateAndTimes"] = _date_and_times(view, est)
    out["availableImages"] = [{"type": "SIGNATURE_PROOF_OF_DELIVERY"}] if delivered else []
    out["specialHandlings"] = package.special_handlings(view.service)
    out["packageDetails"] = {
        "packagingDescription": {"type": "YOUR_PACKAGING", "description": "Your Packaging"},
        "count": "1",
        **package.package_details(box),
    }
    out["shipmentDetails"] = {
        "possessionStatus": _first(view, EventCode.PICKED_UP) is not None,
        **package.shipment_weight(box),
    }
    events = scan_events(view, language)
    out["scanEvents"] = events if detailed else events[:1]
    out["availableNotifications"] = (
        ["ON_DELIVERY"] if terminal else ["ON_DELIVERY", "ON_EXCEPTION", "ON_ESTIMATED_DELIVERY"]
    )
    out["deliveryDetails"] = _delivery_details(view, est, now)
    pickup = _first(view, EventCode.PICKED_UP)
    if pickup is not None:
        origin: dict[str, Any] = {
            "locationContactAndAddress": {"address": locations.location_address(pickup.location)}
        }
        lid = locations.location_id(pickup.location)
        if lid is not None:
            origin["locationId"] = lid
        out["originLocation"] = origin
    elif shipper is not None:
        out["originLocation"] = {"locationContactAndAddress": {"address": shipper}}
    if recipient is not None:
        out["destinationLocation"] = {"locationContactAndAddress": {"address": recipient}}
        out["lastUpdatedDestinationAddress"] = recipient
    commit = _service_commit(view, est)
    if commit is not None:
        out["serviceCommitMessage"] = commit
    out["serviceDetail"] = {
        "type": svc.type,
        "description": svc.description,
        "shortDescription": svc.short_description,
    }
    out["standardTransitTimeWindow"] = {"window": _standard_window(view)}
    window: dict[str, str] = {}
    if est is not None and not terminal and est.start and est.end:
        window = {"begins": fedex_time(est.start), "ends": fedex_time(est.end)}
    out["estimatedDeliveryTimeWindow"] = {"window": window}
    out["goodsClassificationCode"] = ""
    out["returnDetail"] = {}
    return out


def _standard_window(view: ParcelView) -> dict[str, str]:
    """The promise made at label time: the truth's ``promised_by``, else the first scan's estimate."""
    if view.truth is not None and view.truth.promised_by:
        return {"ends": fedex_time(view.truth.promised_by)}
    first = view.events[0].estimated_delivery
    if first is None:
        return {}
    if first.end:
        return {"ends": fedex_time(first.end)}
    return {"ends": _midnight(first.date, _estimate_offset(first, view))}


def not_found_result(requested: str, code: str, message: str) -> dict[str, Any]:
    """The per-number error FedEx puts inside a 200 for a number it does not know [3P].

    The captured reply also carries ``"carrierCode": ""``, which the spec's enum forbids; it is left
    out so the body stays valid against the spec (a client reading it gets the same nothing)."""
    return {
        "trackingNumberInfo": {"trackingNumber": requested, "trackingNumberUniqueId": ""},
        "error": {"code": code, "message": message},
    }


def complete_track_result(requested: str, result: dict[str, Any]) -> dict[str, Any]:
    return {"trackingNumber": requested, "trackResults": [result]}


def track_response(
    transaction_id: str, customer_transaction_id: str | None, complete_results: list[dict[str, Any]]
) -> dict[str, Any]:
    body: dict[str, Any] = {"transactionId": transaction_id}
    if customer_transaction_id is not None:
        body["customerTransactionId"] = customer_transaction_id
    body["output"] = {"completeTrackResults": complete_results}
    return body
