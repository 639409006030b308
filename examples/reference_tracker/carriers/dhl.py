"""DHL Shipment Tracking – Unified: an API key header, one number per call
(``docs/carriers/dhl.md``; spec ``vendor/specs/dhl``).

DHL gives only a coarse ``statusCode`` per event (``pre-transit``, ``transit``, ``delivered``,
``failure``); DHL Express says the rest in the checkpoint text, so the tracker reads the English
text, as DHL Express integrations do. Timestamps are the scan's local wall clock without offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import CarrierClient, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import local_instant, zone_for
from examples.reference_tracker.vocabulary import Status

# (text fragment, status), first match wins; the texts are DHL Express checkpoint texts.
TEXT_RULES: tuple[tuple[str, Status], ...] = (
    ("delivered - returned to shipper", Status.RETURNED),
    ("returned to shipper", Status.RETURNING),
    ("could not be located", Status.LOST),
    ("out with courier", Status.OUT_FOR_DELIVERY),
    ("awaiting collection", Status.AVAILABLE_FOR_PICKUP),
    ("not collected by recipient", Status.EXCEPTION),
    ("delivery attempt", Status.FAILED_ATTEMPT),
    ("no response at consignee", Status.FAILED_ATTEMPT),
    ("delivery not accepted", Status.FAILED_ATTEMPT),
    ("delayed", Status.DELAYED),
    ("missed its scheduled connection", Status.DELAYED),
    ("scheduled for delivery", Status.DELAYED),
    ("on hold", Status.EXCEPTION),
    ("damaged", Status.EXCEPTION),
    ("further consignee information needed", Status.EXCEPTION),
)
STATUS_CODES: dict[str, Status] = {
    "pre-transit": Status.LABEL_CREATED,
    "transit": Status.IN_TRANSIT,
    "delivered": Status.DELIVERED,
    "failure": Status.EXCEPTION,
    "unknown": Status.IN_TRANSIT,
}
_STATE = re.compile(r",\s*([A-Z]{2})\s*-")


def event_status(status_code: str, description: str) -> Status:
    if status_code == "delivered":
        return Status.DELIVERED
    if status_code == "pre-transit":
        return Status.LABEL_CREATED
    lowered = description.lower()
    for fragment, status in TEXT_RULES:
        if fragment in lowered:
            return status
    return STATUS_CODES.get(status_code, Status.IN_TRANSIT)


def _zone(place: dict[str, Any]) -> Any:
    address = place.get("address") or {}
    state = _STATE.search(text(address.get("addressLocality")))
    return zone_for(address.get("countryCode"), state.group(1) if state else None)


def _wall(value: Any) -> datetime | None:
    """A DHL Express time: local wall clock; the ETA fields append a ``Z`` that means nothing."""
    raw = text(value).removesuffix("Z")
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=None)
    except ValueError:
        return None


def parse_shipment(shipment: dict[str, Any]) -> CarrierView:
    events = []
    for event in shipment.get("events") or []:
        wall = _wall(event.get("timestamp"))
        if wall is None:
            continue
        where = event.get("location") or {}
        description = text(event.get("description"))
        events.append(
            TrackEvent(
                time=local_instant(wall, _zone(where)),
                code=text(event.get("statusCode")),
                description=description,
                location=text((where.get("address") or {}).get("addressLocality")),
                status=event_status(text(event.get("statusCode")), description),
            )
        )
    events.reverse()  # listed newest first
    return CarrierView(found=True, events=tuple(events), eta=_eta(shipment))


def _eta(shipment: dict[str, Any]) -> Eta | None:
    raw = text(shipment.get("estimatedTimeOfDelivery"))
    if len(raw) < 10:
        return None
    zone = _zone(shipment.get("destination") or {})
    frame = shipment.get("estimatedDeliveryTimeFrame") or {}
    start, end = _wall(frame.get("estimatedFrom")), _wall(frame.get("estimatedThrough"))
    return Eta(
        date=raw[:10],
        start=local_instant(start, zone) if start else None,
        end=local_instant(end, zone) if end else None,
    )


class DhlClient(CarrierClient):
    name = "dhl"
    credential_defaults: ClassVar[dict[str, str]] = {"api_key": "reference-tracker-key"}

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        (number,) = numbers
        return await self.http.get(
            f"{self.base_url}/track/shipments",
            params={"trackingNumber": number, "language": "en"},
            headers={"DHL-API-Key": self.credentials["api_key"], "Accept": "application/json"},
        )

    def _is_answer(self, response: httpx.Response) -> bool:
        """DHL's 404 "No result found" is an answer: it has nothing for the number (yet)."""
        if response.status_code != 404:
            return False
        try:
            return response.json().get("title") == "No result found"
        except (ValueError, AttributeError):
            return False

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        (number,) = numbers
        if response.status_code == 404:
            return {number: CarrierView.not_found()}
        body = self.json(response)
        shipments = body.get("shipments") or [] if isinstance(body, dict) else []
        return {number: parse_shipment(shipments[0]) if shipments else CarrierView.not_found()}
