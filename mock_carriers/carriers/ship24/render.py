"""Canonical events -> Ship24's ``tracking`` object: ``tracker``, ``shipment``, ``events`` (newest
first) and ``statistics`` [SPEC ``#/components/schemas/tracking``].

Field choices, each in FIDELITY.md: ``occurrenceDatetime`` in the courier's local time without an
offset (the spec's first example form, "logistics date and time"); ``statistics`` timestamps in the
same form; ``createdAt``/``estimatedDeliveryDate`` in UTC with milliseconds; ``eventId`` and
``shipmentId`` UUID-shaped, derived from the world's ids so they never change between calls.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sim.events import EventCode, ParcelTruth, ScanEvent

from . import codes, couriers


class Found(NamedTuple):
    """A shipment as Ship24 shows it: its events (oldest first, each with its courier) and what
    the tracked parcel's carrier knows of it."""

    number: str
    carrier: str
    service: str
    events: list[tuple[ScanEvent, couriers.Courier]]
    truth: ParcelTruth | None


def uuid_of(*parts: str) -> str:
    raw = hashlib.sha256("|".join(parts).encode()).digest()[:16]
    return str(uuid.UUID(bytes=raw, version=4))


def local_time(iso: str) -> str:
    """ "Logistics date and time": the local wall clock of the scan, no offset [SPEC example]."""
    return datetime.fromisoformat(iso).strftime("%Y-%m-%dT%H:%M:%S")


def utc_ms(at: datetime) -> str:
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def location(event: ScanEvent) -> str | None:
    loc = event.location
    area = f"{loc.region} {loc.postal_code}".strip()
    parts = [p for p in (loc.city, area, loc.country) if p]
    return ", ".join(parts) or None


def tracker_json(tracker: dict[str, Any], delivered: bool, detected: tuple[str, ...] = ()) -> dict[str, Any]:
    """A tracker, in the spec's field order: ``courierCode`` as given, else the couriers found
    handling the shipment. ``isTracked`` turns false once the shipment is delivered or the tracker
    unsubscribed [SPEC tracker.isTracked]."""
    hints = tracker["input"].get("courierCode") or detected
    return {
        "trackerId": tracker["trackerId"],
        "trackingNumber": tracker["trackingNumber"],
        "shipmentReference": tracker["shipmentReference"],
        "courierCode": list(hints),
        "clientTrackerId": tracker["clientTrackerId"],
        "isSubscribed": tracker["isSubscribed"],
        "isTracked": tracker["isSubscribed"] and not delivered,
        "createdAt": tracker["createdAt"],
    }


def event_json(event: ScanEvent, courier: couriers.Courier, number: str, milestone: str) -> dict[str, Any]:
    status = codes.status_of(event)
    return {
        "eventId": uuid_of("ship24-event", event.event_id),
        "trackingNumber": number,
        "eventTrackingNumber": event.tracking_number,
        "status": codes.text_of(event),
        "occurrenceDatetime": local_time(event.occurred_at),
        "order": None,
        "location": location(event),
        "sourceCode": courier.source,
        "courierCode": courier.code,
        "statusCode": status.code,
        "statusCategory": status.category,
        "statusMilestone": milestone,
    }


def _estimated(events: list[ScanEvent]) -> str | None:
    eta = next((e.estimated_delivery for e in reversed(events) if e.estimated_delivery is not None), None)
    if eta is None:
        return None
    if eta.end is not None:
        return utc_ms(datetime.fromisoformat(eta.end))
    # A date without a time: noon UTC stays on that calendar day from UTC-12 to UTC+11, where a
    # midnight would land on the day before for every American reader.
    return f"{eta.date}T12:00:00.000Z"


def _signed_by(events: list[ScanEvent]) -> str | None:
    for event in reversed(events):
        if event.code in (EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT):
            signed = event.details.get("signed_by")
            return signed if isinstance(signed, str) else None
    return None


def shipment_json(
    found: Found, events: list[ScanEvent], steps: list[str], tracker: dict[str, Any] | None
) -> dict[str, Any]:
    given = tracker["input"] if tracker is not None else {}
    origin = found.truth.origin.get("country") if found.truth else None
    destination = found.truth.destination.get("country") if found.truth else None
    latest = codes.status_of(events[-1]) if events else codes.Status(None, None, None)
    numbers = list(dict.fromkeys([found.number, *(e.tracking_number for e in events)]))
    recipient = given.get("recipient") or {}
    return {
        "shipmentId": uuid_of("ship24-shipment", found.number) if events else None,
        "statusCode": latest.code,
        "statusCategory": latest.category,
        "statusMilestone": steps[-1] if steps else codes.PENDING,
        "originCountryCode": origin or given.get("originCountryCode"),
        "destinationCountryCode": destination or given.get("destinationCountryCode"),
        "delivery": {
            "estimatedDeliveryDate": _estimated(events),
            "service": found.service.replace("_", " ").title() if events else None,
            "signedBy": _signed_by(events),
        },
        "trackingNumbers": [{"tn": n} for n in numbers],
        "recipient": {
            "name": recipient.get("name"),
            "address": None,
            "postCode": given.get("destinationPostCode"),
            "city": None,
            "subdivision": None,
        },
    }


def statistics_json(events: list[ScanEvent], steps: list[str]) -> dict[str, Any]:
    stamps: dict[str, str | None] = dict.fromkeys(codes.MILESTONE_TIMESTAMPS.values())
    for event, step in zip(events, steps, strict=True):
        field = codes.MILESTONE_TIMESTAMPS.get(step)
        if field is not None and stamps[field] is None:
            stamps[field] = local_time(event.occurred_at)
    return {"timestamps": stamps}


def tracking(found: Found, tracker: dict[str, Any] | None, *, only_last: bool = False) -> dict[str, Any]:
    """The tracking object of ``found`` (its events as Ship24 shows them, oldest first in
    ``found.events``). ``only_last``: a webhook's, whose ``events`` holds just the newest one."""
    events = [e for e, _ in found.events]
    steps = codes.milestones(events)
    rendered = [
        event_json(event, courier, found.number, step)
        for (event, courier), step in zip(found.events, steps, strict=True)
    ]
    body: dict[str, Any] = {}
    if tracker is not None:
        detected = tuple(dict.fromkeys(courier.code for _, courier in found.events))
        body["tracker"] = tracker_json(tracker, bool(steps) and steps[-1] == codes.DELIVERED, detected)
    body["shipment"] = shipment_json(found, events, steps, tracker)
    body["events"] = rendered[-1:] if only_last else rendered[::-1]
    body["statistics"] = statistics_json(events, steps)
    return body
