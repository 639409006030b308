"""Canonical → Amazon Shipping v2 wire format (``GetTrackingResponse``). Pure functions.

Shape and conventions from ``shippingV2.json`` (definition ``GetTrackingResult`` and the 200 example):
``eventHistory`` oldest first; every time in UTC with milliseconds and a ``Z``
(``2024-02-11T07:09:05.513Z``); ``location`` carries only the fields Amazon knows (the example sends
just ``postalCode`` and ``countryCode``), so empty fields are left out; the return leg is told apart
by ``shipmentType`` and by ``trackingDetailCodes.returns``; ``alternateLegTrackingId`` is required
and a string, and the example sends the literal ``"null"`` when there is none.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, ScanEvent

from . import codes

#: What Amazon writes when a shipment has no alternate leg (spec 200 example).
NO_ALTERNATE_LEG = "null"


def amazon_time(value: datetime | str) -> str:
    """``2026-11-02T14:15:00.000Z``: UTC, millisecond precision, ``Z`` suffix."""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    if dt.tzinfo is None:
        raise ValueError(f"naive timestamp cannot be rendered for Amazon: {value!r}")
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def scan_millis(event: ScanEvent) -> int:
    """The milliseconds Amazon's scanners stamp (the spec's example: ``07:09:05.513Z``). The world
    keeps whole seconds; a hash of the number and instant gives each scan stable milliseconds, the
    same for scans of one instant (issue 14 item 8: always ``.000Z`` was a tell)."""
    digest = hashlib.blake2b(f"{event.tracking_number}|{event.occurred_at}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 1000


def event_time(event: ScanEvent) -> str:
    dt = datetime.fromisoformat(event.occurred_at)
    return amazon_time(dt.replace(microsecond=scan_millis(event) * 1000) if dt.microsecond == 0 else dt)


def location(event: ScanEvent) -> dict[str, str]:
    loc = event.location
    out: dict[str, str] = {}
    # Key order of the spec's ``Location`` definition.
    for key, value in (
        ("stateOrRegion", loc.region),
        ("city", loc.city),
        ("countryCode", loc.country),
        ("postalCode", loc.postal_code),
    ):
        if value:
            out[key] = value
    return out


def shipment_types(events: list[ScanEvent]) -> list[str]:
    """``FORWARD`` until the return is initiated, ``RETURNS`` from that event on."""
    out: list[str] = []
    leg = "FORWARD"
    for event in events:
        if event.code in codes.RETURN_LEG_STARTS:
            leg = "RETURNS"
        out.append(leg)
    return out


def event_entry(event: ScanEvent, shipment_type: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"eventCode": codes.event_code(event.code, event.reason)}
    loc = location(event)
    if loc:
        entry["location"] = loc
    entry["eventTime"] = event_time(event)
    entry["shipmentType"] = shipment_type
    return entry


def event_history(events: list[ScanEvent], legs: list[str]) -> list[dict[str, Any]]:
    """``eventHistory``, oldest first. Amazon's 14 event codes are coarser than the world's scans:
    an arrival and a delay booked at the same facility and minute both read
    ``ArrivedAtCarrierFacility``, and Amazon shows such a scan once, not twice (issue 14 item 3)."""
    history: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for event, leg in zip(events, legs, strict=True):
        entry = event_entry(event, leg)
        key = (entry["eventCode"], entry["eventTime"], tuple(entry.get("location", {}).items()), leg)
        if key not in seen:
            seen.add(key)
            history.append(entry)
    return history


def _offset_of(value: str | None) -> tzinfo | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value)
    return dt.tzinfo


def _end_of_day(date: str, tz: tzinfo) -> datetime:
    return datetime.combine(datetime.fromisoformat(date).date(), time(23, 59, 59), tzinfo=tz)


def promised_delivery(view: ParcelView) -> str | None:
    """The latest visible promise as Amazon's ``promisedDeliveryDate`` (a UTC instant).

    A window's end is the promise. A bare date is promised by the end of that local day; its zone is
    the destination's, which only earlier windows reveal, so the most recent window offset is used,
    else the offset of the event carrying the promise (INFER). Amazon keeps a promise on the
    shipment after delivery or loss, so an event without one does not erase it; before any
    estimate is visible the label-time promise stands.
    """
    carrier_est: tuple[EstimatedDelivery, ScanEvent] | None = None
    window_tz: tzinfo | None = None
    for event in reversed(view.events):
        est = event.estimated_delivery
        if est is None:
            continue
        if carrier_est is None:
            carrier_est = (est, event)
        window_tz = _offset_of(est.end) or _offset_of(est.start)
        if window_tz is not None:
            break
    if carrier_est is not None:
        est, event = carrier_est
        if est.end:
            return amazon_time(est.end)
        tz = _offset_of(est.start) or window_tz or _offset_of(event.occurred_at) or UTC
        return amazon_time(_end_of_day(est.date, tz))
    if view.truth is not None and view.truth.promised_by:
        return amazon_time(view.truth.promised_by)
    if view.events:
        last = view.events[-1]
        tz = _offset_of(last.occurred_at) or UTC
        return amazon_time(_end_of_day(last.occurred_at[:10], tz))
    return None


def alternate_leg(events: list[ScanEvent]) -> str:
    """The partner carrier's number once the parcel was handed over, else Amazon's ``"null"``."""
    for event in reversed(events):
        partner = event.details.get("partner")
        if isinstance(partner, dict) and partner.get("tracking_number"):
            return str(partner["tracking_number"])
    return NO_ALTERNATE_LEG


def tracking_detail_codes(events: list[ScanEvent], legs: list[str]) -> dict[str, list[str]]:
    """Per leg, the detail codes of that leg's latest event (what explains its current state)."""
    latest: dict[str, ScanEvent] = {}
    for event, leg in zip(events, legs, strict=True):
        latest[leg] = event
    out: dict[str, list[str]] = {}
    for leg, key in (("FORWARD", "forward"), ("RETURNS", "returns")):
        event = latest.get(leg)
        out[key] = codes.detail_codes(event.code, event.reason, event.details) if event else []
    return out


def tracking_result(view: ParcelView, requested: str) -> dict[str, Any] | None:
    """``GetTrackingResult`` for a parcel, or None when Amazon would know nothing to say."""
    promised = promised_delivery(view)
    if promised is None:
        return None
    events = view.events
    legs = shipment_types(events)
    history = event_history(events, legs)
    status = codes.STATUS_FOR_EVENT[history[-1]["eventCode"]] if history else codes.STATUS_NO_EVENTS
    return {
        "trackingId": requested,
        "alternateLegTrackingId": alternate_leg(events),
        "eventHistory": history,
        "promisedDeliveryDate": promised,
        "summary": {
            "status": status,
            "trackingDetailCodes": tracking_detail_codes(events, legs),
        },
    }


def tracking_response(view: ParcelView, requested: str, now: datetime) -> dict[str, Any] | None:
    """The 200 body of ``getTracking``. ``now`` is accepted for the common adapter shape; Amazon's
    body carries no server timestamp, so it does not change the output."""
    del now
    result = tracking_result(view, requested)
    return None if result is None else {"payload": result}
