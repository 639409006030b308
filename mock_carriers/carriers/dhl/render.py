"""Canonical → DHL Unified Tracking wire format. Pure functions: same input, same bytes.

Shape and conventions follow the spec (``supermodelIoLogisticsTrackingShipments``) and a real DHL
Express production body (Dec 2021, see FIDELITY.md):

- events newest first; ``status`` is the newest event;
- express timestamps are the scan's local wall-clock time with no offset and no fraction
  (``2021-12-29T10:21:00``), for events, status and proof of delivery alike;
- the estimated-delivery fields carry a literal ``Z`` on local wall-clock times, as the spec's
  example does (its status ``07:53:47Z`` is its event ``07:53:47``);
- places are ``{countryCode, postalCode, addressLocality}`` with the locality written the
  DHL Express way (``CHICAGO, IL - USA``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import quote

from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, EventCode, Location, ScanEvent
from sim.places import zone_of

from . import codes, services
from .services import service_of as service_of  # routes filter on it

#: Codes after which DHL shows a proof of delivery.
_POD_CODES = frozenset({EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT})


def dumps(body: Any) -> bytes:
    """Compact JSON, as DHL sends it (the real 404 is 97 bytes: no whitespace)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def local_timestamp(iso: str) -> str:
    """``2026-11-02T09:15:00-05:00`` → ``2026-11-02T09:15:00`` (DHL Express drops the offset)."""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%dT%H:%M:%S")


def country_name(country: str) -> str:
    return codes.COUNTRY_NAMES.get(country.upper(), country.upper())


def locality(city: str, region: str | None, country: str) -> str:
    """``CHICAGO, IL - USA`` / ``TOKYO - JAPAN``."""
    name = city.upper()
    if region and country.upper() in codes.COUNTRIES_WITH_REGION:
        name = f"{name}, {region.upper()}"
    return f"{name} - {country_name(country)}"


def facility(location: Location) -> str:
    """The place inside a description: ``Processed at LOUISVILLE - USA``."""
    return f"{location.city.upper()} - {country_name(location.country)}"


def address(city: str, region: str | None, postal_code: str | None, country: str) -> dict[str, Any]:
    out: dict[str, Any] = {"countryCode": country.upper()}
    if postal_code:
        out["postalCode"] = postal_code
    out["addressLocality"] = locality(city, region, country)
    return out


def place_from_location(location: Location) -> dict[str, Any]:
    return {"address": address(location.city, location.region, location.postal_code, location.country)}


def place_from_truth(side: dict[str, Any] | None) -> dict[str, Any] | None:
    if not side or not side.get("city") or not side.get("country"):
        return None
    return {"address": address(side["city"], side.get("region"), side.get("postal_code"), side["country"])}


def piece_id(tracking_number: str) -> str:
    """A stable DHL Express piece id (``JD01460000`` + 10 digits) for the waybill's one piece."""
    digest = hashlib.sha256(f"dhl-piece:{tracking_number}".encode()).digest()
    return f"JD01460000{int.from_bytes(digest[:8], 'big') % 10**10:010d}"


def _pod_token(tracking_number: str, salt: str) -> str:
    digest = hashlib.sha256(f"dhl-pod:{salt}:{tracking_number}".encode()).digest()[:16]
    return quote(base64.b64encode(digest).decode("ascii"), safe="")


def pod_url(tracking_number: str, language: str) -> str:
    return (
        "https://webpod.dhl.com/webPOD/DHLePODRequest"
        f"?hwb={_pod_token(tracking_number, 'hwb')}&pudate={_pod_token(tracking_number, 'pudate')}"
        f"&appuid={_pod_token(tracking_number, 'appuid')}&language={language}&country=G0"
    )


def timestamp(iso: str, service: str) -> str:
    """Express: the local wall clock without offset (OBS-EXP); eCommerce / Parcel DE keep the
    offset (OBS-ECOM)."""
    if service in services.WITH_OFFSETS:
        return datetime.fromisoformat(iso).isoformat(timespec="seconds")
    return local_timestamp(iso)


def render_event(
    event: ScanEvent, language: str, pieces: list[str], service: str = services.EXPRESS
) -> dict[str, Any]:
    code = codes.status_code(event.code)
    text = codes.description(language, event.code, event.reason, facility(event.location), service)
    out: dict[str, Any] = {
        "timestamp": timestamp(event.occurred_at, service),
        "location": place_from_location(event.location),
        "statusCode": code,
        # DHL Express repeats the status code here (real body: "status":"delivered").
        "status": code,
        "description": text,
        "pieceIds": list(pieces),
    }
    remark, next_steps = codes.remark(language, event.reason)
    if remark:
        out["remark"] = remark
    if next_steps:
        out["nextSteps"] = next_steps
    return out


def _wall_z(iso: str) -> str:
    return local_timestamp(iso) + "Z"


def estimated_delivery(
    est: EstimatedDelivery | None, language: str, zone: tzinfo | None = None
) -> dict[str, Any]:
    if est is None:
        return {}
    if est.start and est.end:
        return {
            "estimatedTimeOfDelivery": _wall_z(est.start),
            "estimatedDeliveryTimeFrame": {
                "estimatedFrom": _wall_z(est.start),
                "estimatedThrough": _wall_z(est.end),
            },
        }
    # A bare date is the consignee's calendar day: its local midnight with that zone's offset, not
    # "Z" — local midnight written as UTC is the previous evening west of Greenwich (issue 14 item 8).
    midnight = datetime.fromisoformat(f"{est.date}T00:00:00").replace(tzinfo=zone or UTC)
    out: dict[str, Any] = {"estimatedTimeOfDelivery": midnight.isoformat().replace("+00:00", "Z")}
    remark = codes.text(language, "eta.end_of_day")
    if remark:
        out["estimatedTimeOfDeliveryRemark"] = remark
    return out


def shown_events(view: ParcelView, service: str) -> list[ScanEvent]:
    """The events DHL shows, oldest first. DHL Express says "Forwarded to third party - no further
    tracking updates expected" when it hands a parcel on, and means it: nothing after that scan is
    shown (issue 14 item 4). eCommerce and Parcel DE go on showing the partner's scans."""
    if service != services.EXPRESS:
        return view.events
    for i, event in enumerate(view.events):
        if event.code is EventCode.HANDED_TO_PARTNER:
            return view.events[: i + 1]
    return view.events


def details(
    view: ParcelView, language: str, pieces: list[str], service: str = services.EXPRESS
) -> dict[str, Any]:
    out: dict[str, Any] = {"product": {"productName": services.product_name(view, service)}}
    latest = view.latest
    signed_by = None
    if latest is not None and latest.code in _POD_CODES:
        signed_by = latest.details.get("signed_by") or None
        url = pod_url(view.tracking_number, language)
        pod: dict[str, Any] = {
            "timestamp": timestamp(latest.occurred_at, service),
            "signatureUrl": url,
            "documentUrl": url,
        }
        if signed_by:
            pod["signed"] = {"@type": "Person", "name": signed_by}
        out["proofOfDelivery"] = pod
    out["proofOfDeliverySignedAvailable"] = bool(signed_by)
    out["totalNumberOfPieces"] = len(pieces)
    out["pieceIds"] = list(pieces)
    box = view.truth.package if view.truth is not None else None
    if box is not None:
        # SPEC example units: {"value": 253.5, "unitText": "kg"}, sides {"value": 20, "unitText": "cm"}.
        out["weight"] = {"value": box.weight_kg, "unitText": "kg"}
        out["dimensions"] = {
            side: {"value": int(cm), "unitText": "cm"}
            for side, cm in (("width", box.width_cm), ("height", box.height_cm), ("length", box.length_cm))
        }
    # After a hand-over DHL lists the delivering partner's number as a "local-tracking-number"
    # reference (the type the spec's enum has, and real eCommerce bodies use for it).
    references = []
    for event in view.events:
        partner = event.details.get("partner") or {}
        number = partner.get("tracking_number")
        if number and all(r["number"] != number for r in references):
            references.append({"number": number, "type": "local-tracking-number"})
    if references:
        out["references"] = references
    return out


def render_shipment(view: ParcelView, language: str) -> dict[str, Any]:
    """One element of ``shipments``. ``view.events`` must not be empty (DHL answers 404 then)."""
    service = services.service_of(view)
    view = dataclasses.replace(view, events=shown_events(view, service))
    latest = view.latest
    assert latest is not None, "an empty view is a 404, not a shipment"
    pieces = [piece_id(view.tracking_number)]
    events = [render_event(e, language, pieces, service) for e in reversed(view.events)]
    out: dict[str, Any] = {"id": view.tracking_number, "service": service}
    truth = view.truth
    origin = place_from_truth(truth.origin if truth else None)
    if origin:
        out["origin"] = origin
    destination = place_from_truth(truth.destination if truth else None)
    if destination:
        out["destination"] = destination
    # The real status object is the newest event without its piece list.
    out["status"] = {k: v for k, v in events[0].items() if k != "pieceIds"}
    dest = truth.destination if truth else {}
    out.update(
        estimated_delivery(
            latest.estimated_delivery, language, zone_of(dest.get("city"), dest.get("country"))
        )
    )
    out["details"] = details(view, language, pieces, service)
    out["events"] = events
    return out


def additional_shipment_urls(tracking_number: str, root_path: str, own: str = services.EXPRESS) -> list[str]:
    """Where else DHL suggests looking: every other backend, in the real capture's order.
    Host-relative, like the real ``/track/shipments?…``."""
    number = quote(tracking_number, safe="")
    others = [s for s in (services.EXPRESS, *codes.OTHER_SERVICES) if s != own]
    return [f"{root_path}/track/shipments?trackingNumber={number}&service={service}" for service in others]


def render_shipments(
    shipments: list[dict[str, Any]], tracking_number: str, root_path: str, suggest_others: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"shipments": shipments}
    if suggest_others:
        own = shipments[0]["service"] if shipments else services.EXPRESS
        body["possibleAdditionalShipmentsUrl"] = additional_shipment_urls(tracking_number, root_path, own)
    return body
