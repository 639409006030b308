"""Canonical parcel → UPS Track API JSON (``GET /api/track/v1/details/{inquiryNumber}``).

Pure functions: a ``ParcelView`` and the sandbox instant in, a dict out. Key order is fixed by
construction (the order UPS uses in captured production responses), so the same view always
serialises to the same bytes.

Shape and formats [SPEC Tracking.yaml; OBS production captures]:
- every leaf is a string except ``packageCount`` (int), ``logicalScan`` and ``current`` (bool);
- ``date`` ``YYYYMMDD`` and ``time`` ``HHMMSS`` in the scan's local time; ``gmtDate`` ``YYYYMMDD``,
  ``gmtTime`` ``HH:MM:SS`` (captured responses use colons here, unlike the spec's ``74700``
  example) and ``gmtOffset`` ``-05:00``;
- ``activity`` newest first; ``milestones`` oldest first.
"""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mock_carriers.http import i18n
from mock_carriers.world.context import ParcelView
from sim.events import EventCode, ScanEvent

from . import codes, errors, texts
from . import package as ups_package

_DELIVERED_CODES = frozenset({EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT})

#: A 1×1 GIF: UPS returns the signature as a base64 image; the sandbox has no real signatures.
SIGNATURE_IMAGE = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"

#: Days an Access Point holds a parcel before returning it [INFER: UPS's published 7 calendar days].
ACCESS_POINT_HOLD_DAYS = 7


@dataclass(frozen=True, slots=True)
class TrackOptions:
    """The Track API's query options (all sent by UPS clients as the strings 'true'/'false')."""

    locale: str = "en_US"
    return_signature: bool = False
    return_milestones: bool = False
    return_pod: bool = False


def parse_ts(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    # The event contract carries offsets; a naive stamp is read as UTC rather than as host time.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def ups_date(dt: datetime | date) -> str:
    # f-strings, not strftime: a Track response formats a few dozen of these
    return f"{dt.year:04d}{dt.month:02d}{dt.day:02d}"


def ups_time(dt: datetime) -> str:
    return f"{dt.hour:02d}{dt.minute:02d}{dt.second:02d}"


def gmt_offset(dt: datetime) -> str:
    offset = dt.utcoffset() or timedelta(0)
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 3600:02d}:{total % 3600 // 60:02d}"


def slic(facility_id: str) -> str:
    """A stable four-digit Site Location Indicator Code for a sandbox facility."""
    return f"{zlib.crc32(facility_id.encode('utf-8')) % 10000:04d}"


def render_not_found(inquiry_number: str) -> dict[str, Any]:
    """UPS answers HTTP 200 with a warning, not 404, for numbers it has nothing on."""
    code, message = errors.NOT_FOUND_WARNING
    return {
        "trackResponse": {
            "shipment": [{"inquiryNumber": inquiry_number, "warnings": [{"code": code, "message": message}]}]
        }
    }


def visible_events(view: ParcelView, now: datetime) -> list[ScanEvent]:
    """The view's events (seq order) that the carrier shows at ``now``. The context already
    filters; filtering again keeps the renderer honest with any store that does not."""
    return [e for e in view.events if parse_ts(e.visible_at) <= now]


def render_track(
    view: ParcelView, inquiry_number: str, now: datetime, options: TrackOptions | None = None
) -> dict[str, Any]:
    options = options or TrackOptions()
    language = texts.language(options.locale)
    events = visible_events(view, now)
    if not events:
        return render_not_found(inquiry_number)

    statuses = _statuses(events)
    newest_first = sorted(events, key=lambda e: (parse_ts(e.occurred_at), e.seq), reverse=True)
    slics = _slics(events)
    activity = [_activity(e, statuses[e.event_id], slics.get(e.event_id), language) for e in newest_first]
    latest = newest_first[0]
    delivered = next((e for e in reversed(events) if e.code in _DELIVERED_CODES), None)

    package: dict[str, Any] = {"trackingNumber": view.tracking_number}
    delivery_date, delivery_time = _delivery_dates(events, delivered)
    package["deliveryDate"] = delivery_date
    if delivery_time is not None:
        package["deliveryTime"] = delivery_time
    package["activity"] = activity
    current = statuses[latest.event_id].status_code
    package["currentStatus"] = {
        "description": texts.text(language, codes.STATUS_TEXT[current]),
        "code": current,
    }
    addresses = _package_addresses(view)
    if addresses:
        package["packageAddress"] = addresses
    service = codes.service_for(view.service)
    package["service"] = {
        "code": service.code,
        "levelCode": service.level_code,
        "description": service.description,
    }
    alternates = _alternate_numbers(events)
    if alternates:
        package["alternateTrackingNumber"] = alternates
    if delivered is not None:
        package["deliveryInformation"] = _delivery_information(view, delivered, options)
    if latest.code == EventCode.AVAILABLE_FOR_PICKUP:
        hold_until = parse_ts(latest.occurred_at).date() + timedelta(days=ACCESS_POINT_HOLD_DAYS)
        package["accessPointInformation"] = {"pickupByDate": ups_date(hold_until)}
    if options.return_milestones:
        package["milestones"] = _milestones(events, newest_first, language)
    package["packageCount"] = 1
    truth = view.truth
    if truth is not None:
        package.update(ups_package.fields(truth.package, truth.origin.get("country")))

    shipment: dict[str, Any] = {"inquiryNumber": inquiry_number, "shipmentType": "S"}
    if view.tracking_number.upper().startswith("1Z") and len(view.tracking_number) == 18:
        shipment["shipperNumber"] = view.tracking_number[2:8].upper()
    label = next((e for e in events if e.code == EventCode.LABEL_CREATED), None)
    if label is not None:
        shipment["pickupDate"] = ups_date(parse_ts(label.occurred_at))
    shipment["package"] = [package]
    return {"trackResponse": {"shipment": [shipment]}}


def _statuses(events: list[ScanEvent]) -> dict[str, codes.UpsStatus]:
    out: dict[str, codes.UpsStatus] = {}
    returning = False
    for event in events:
        out[event.event_id] = codes.status_for(event, returning=returning)
        if event.code == EventCode.RETURN_TO_SENDER:
            returning = True
    return out


def _slics(events: list[ScanEvent]) -> dict[str, str]:
    """A doorstep scan carries the SLIC of the building that delivered it, as UPS's do."""
    out: dict[str, str] = {}
    last: str | None = None
    for event in events:
        if event.location.facility_id:
            last = slic(event.location.facility_id)
            out[event.event_id] = last
        elif last is not None:
            out[event.event_id] = last
    return out


def _activity(
    event: ScanEvent, status: codes.UpsStatus, site: str | None, language: str = i18n.DEFAULT_LANGUAGE
) -> dict[str, Any]:
    loc = event.location
    if event.code == EventCode.LABEL_CREATED:
        # A manifest record has no scan place: UPS shows the country only [OBS].
        location: dict[str, Any] = {"address": {"countryCode": loc.country, "country": loc.country}}
    else:
        address: dict[str, str] = {}
        if loc.city:
            # Upper case like packageAddress (issue 14 item 8: title-case scan cities were a tell).
            address["city"] = loc.city.upper()
        if loc.region:
            address["stateProvince"] = loc.region
        if loc.postal_code:
            address["postalCode"] = loc.postal_code
        address["countryCode"] = loc.country
        address["country"] = loc.country
        location = {"address": address}
        if site is not None:
            location["slic"] = site
    local = parse_ts(event.occurred_at)
    gmt = local.astimezone(UTC)
    return {
        "location": location,
        "status": {
            "type": status.type,
            "description": texts.text(language, status.description),
            "code": status.code,
            "statusCode": status.status_code,
        },
        "date": ups_date(local),
        "time": ups_time(local),
        "gmtDate": ups_date(gmt),
        "gmtOffset": gmt_offset(local),
        "gmtTime": f"{gmt.hour:02d}:{gmt.minute:02d}:{gmt.second:02d}",
        "logicalScan": False,
    }


def _delivery_dates(
    events: list[ScanEvent], delivered: ScanEvent | None
) -> tuple[list[dict[str, str]], dict[str, str] | None]:
    """``deliveryDate``/``deliveryTime``: DEL once delivered; otherwise the latest event's promise,
    SDD while it still equals the first promise, RDD once it moved [SPEC DeliveryDate/DeliveryTime]."""
    if delivered is not None:
        at = parse_ts(delivered.occurred_at)
        return [{"type": "DEL", "date": ups_date(at)}], {"type": "DEL", "endTime": ups_time(at)}
    estimate = events[-1].estimated_delivery
    if estimate is None:
        return [], None
    first = next((e.estimated_delivery for e in events if e.estimated_delivery is not None), estimate)
    kind = "SDD" if first.date == estimate.date else "RDD"
    dates = [{"type": kind, "date": estimate.date.replace("-", "")}]
    if estimate.start and estimate.end:
        window = {
            "type": "EDW",
            "startTime": ups_time(parse_ts(estimate.start)),
            "endTime": ups_time(parse_ts(estimate.end)),
        }
        return dates, window
    # A day without a window is promised "by end of day" [OBS: RDD with {"type": "EOD"}].
    return dates, {"type": "EOD"}


def _package_addresses(view: ParcelView) -> list[dict[str, Any]]:
    truth = view.truth
    if truth is None:
        return []
    out = []
    for kind, place in (("ORIGIN", truth.origin), ("DESTINATION", truth.destination)):
        if not place:
            continue
        address: dict[str, str] = {}
        if place.get("city"):
            address["city"] = str(place["city"]).upper()
        if place.get("region"):
            address["stateProvince"] = str(place["region"])
        country = str(place.get("country") or "")
        address["countryCode"] = country
        address["country"] = country
        out.append({"type": kind, "address": address})
    return out


def _alternate_numbers(events: list[ScanEvent]) -> list[dict[str, str]]:
    """Partner hand-overs (SurePost/Ground Saver → USPS) show the partner's number, the way UPS
    lists the USPS PIC of a SurePost package [SPEC AlternateTrackingNumber example]."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for event in events:
        partner = event.details.get("partner")
        if not isinstance(partner, dict) or not partner.get("tracking_number"):
            continue
        number = str(partner["tracking_number"])
        if number in seen:
            continue
        seen.add(number)
        carrier = str(partner.get("carrier") or "")
        kind = codes.PARTNER_NUMBER_TYPE.get(carrier, carrier.upper())
        out.append({"number": number, "type": kind})
    return out


def _delivery_information(view: ParcelView, delivered: ScanEvent, options: TrackOptions) -> dict[str, Any]:
    info: dict[str, Any] = {}
    where = delivered.details.get("delivery_location")
    if where:
        info["location"] = codes.DELIVERY_LOCATION_TEXT.get(str(where), str(where).replace("_", " ").title())
    signed_by = str(delivered.details.get("signed_by") or "")
    info["receivedBy"] = signed_by
    if options.return_signature and signed_by:
        info["signature"] = {"image": SIGNATURE_IMAGE}
    if options.return_pod:
        info["pod"] = {"content": _pod(view, delivered, info.get("location", ""), signed_by)}
    return info


def _pod(view: ParcelView, delivered: ScanEvent, left_at: str, signed_by: str) -> str:
    """UPS sends the proof of delivery as a base64 HTML letter; this is a plain, stable one."""
    at = parse_ts(delivered.occurred_at)
    place = delivered.location
    html = (
        "<html><body><h1>Proof of Delivery</h1>"
        f"<p>Tracking Number: {view.tracking_number}</p>"
        f"<p>Delivered On: {at.strftime('%m/%d/%Y %H:%M')}</p>"
        f"<p>Delivered To: {place.city}, {place.region}, {place.country}</p>"
        f"<p>Left At: {left_at}</p>"
        f"<p>Received By: {signed_by}</p>"
        "</body></html>"
    )
    return base64.b64encode(html.encode("utf-8")).decode("ascii")


#: The progress steps UPS.com and the ``milestones`` array show, oldest first, with the
#: Status/Description code of each [INFER: names from UPS.com's tracker and the Status table;
#: the API's own milestone codes are not published].
_MILESTONES: tuple[tuple[str, str, frozenset[EventCode]], ...] = (
    ("Label Created", "003", frozenset({EventCode.LABEL_CREATED})),
    ("We Have Your Package", "160", frozenset(set(EventCode) - {EventCode.LABEL_CREATED})),
    (
        "On the Way",
        "005",
        frozenset(
            {
                EventCode.DEPARTED_FACILITY,
                EventCode.IN_TRANSIT,
                EventCode.ARRIVED_AT_DELIVERY_STATION,
                EventCode.HANDED_TO_PARTNER,
            }
        ),
    ),
    ("Out for Delivery", "021", frozenset({EventCode.OUT_FOR_DELIVERY})),
    ("Delivered", "011", _DELIVERED_CODES),
)


def _milestones(
    events: list[ScanEvent], newest_first: list[ScanEvent], language: str = i18n.DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    index = {e.event_id: i for i, e in enumerate(newest_first)}
    reached: list[int | None] = []
    for _, _, triggers in _MILESTONES:
        first = next((e for e in events if e.code in triggers), None)
        reached.append(index[first.event_id] if first is not None else None)
    # A later milestone completes the earlier ones (a parcel can skip "Out for Delivery").
    linked: list[int | None] = list(reached)
    for i in range(len(linked) - 2, -1, -1):
        if linked[i] is None:
            linked[i] = linked[i + 1]
    last_complete = max((i for i, v in enumerate(linked) if v is not None), default=None)
    out = []
    for i, (name, code, _) in enumerate(_MILESTONES):
        complete = linked[i] is not None
        milestone: dict[str, Any] = {}
        if complete:
            milestone["category"] = name
        milestone["code"] = code
        milestone["current"] = i == last_complete
        # The category names the step for machines and stays English [INFER]; the description is
        # the customer-facing text and follows ``locale``.
        milestone["description"] = texts.text(language, name)
        if complete:
            milestone["linkedActivity"] = str(linked[i])
        milestone["state"] = "COMPLETE" if complete else "INCOMPLETE"
        out.append(milestone)
    return out
