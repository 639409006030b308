"""Canonical → USPS Tracking v3 wire format. Pure functions: a ``ParcelView`` in, JSON-ready dicts out.

Shapes [SPEC tracking-v3.yaml ``TrackingDetails``/``TrackingEvent``; field order and value styles
from the real responses in the USPS/api-examples README and karrio's captured fixture]:

- ``eventTimestamp`` is the local time without an offset and with the seconds zeroed (USPS shows
  scan minutes); ``GMTTimestamp`` is UTC with seconds and a ``Z``; ``GMTOffset`` is ``-05:00``.
- ``trackingEvents`` newest first, at most 99.
- Processing plants appear as ``"<CITY> <ST> DISTRIBUTION CENTER"`` in ``eventCity`` with no state
  or ZIP; "In Transit to Next Facility" and "In Transit, Arriving Late" carry no location at all.
- Production's value styles, not the spec's (``wire.py``, issue 14 item 1): booleans as strings,
  display-name ``mailClass``, ``mailType`` ``DM``, ``uniqueMailPieceID``, every event key present
  with ``null`` where USPS has nothing.
- ``expand=SUMMARY`` answers the ``TrackResults`` form the USPS README documents.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, EventCode, Location, ScanEvent

from . import codes, numbers, summaries, wire

#: Canonical service → USPS ``mailClass`` (the spec's enum). The enum predates Ground Advantage,
#: so ground maps to its predecessor ``USPS_RETAIL_GROUND``.
MAIL_CLASS: dict[str, str] = {
    # USPS sells no general same-day parcel product; the sandbox mints Express numbers (STC 701).
    "same_day": "PRIORITY_MAIL_EXPRESS",
    "next_day": "PRIORITY_MAIL_EXPRESS",
    "two_day": "PRIORITY_MAIL",
    "ground": "USPS_RETAIL_GROUND",
    "economy": "PARCEL_SELECT",
    "international": "PRIORITY_MAIL_INTERNATIONAL_PARCELS",
}
#: Partner hand-overs (UPS SurePost, FedEx Ground Economy, DHL eCommerce) enter as Parcel Select.
PARTNER_MAIL_CLASS = "PARCEL_SELECT"
DEFAULT_MAIL_CLASS = "USPS_RETAIL_GROUND"

#: IMpb service type codes when the number does not carry one (the same codes
#: ``sim.tracking_numbers`` mints: 9200 1… Ground Advantage, 9205 5… Priority, 9270 1… Express,
#: 9261 2… Parcel Select).
SERVICE_TYPE_CODE: dict[str, str] = {
    "PRIORITY_MAIL": "055",
    "PRIORITY_MAIL_EXPRESS": "701",
    "USPS_RETAIL_GROUND": "001",
    "PARCEL_SELECT": "612",
}
TRACKING_SERVICE = "USPS Tracking<SUP>&#174;</SUP>"  # [OBS] HTML entities as USPS sends them
INSURANCE_SERVICE = "Up to $100 insurance included"  # [OBS]
INSURED_CLASSES = frozenset({"PRIORITY_MAIL", "PRIORITY_MAIL_EXPRESS", "USPS_RETAIL_GROUND"})

_US_STATE = re.compile(
    r"^(AA|AE|AL|AK|AP|AS|AZ|AR|CA|CO|CT|DE|DC|FM|FL|GA|GU|HI|ID|IL|IN|IA|KS|KY|LA|ME|MH|MD|MA|MI|MN|MS|MO"
    r"|MP|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PW|PA|PR|RI|SC|SD|TN|TX|UT|VT|VI|VA|WA|WV|WI|WY)$"
)
#: USPS spells out foreign countries in upper case on international scans.
COUNTRY_NAMES: dict[str, str] = {
    "CA": "CANADA",
    "MX": "MEXICO",
    "GB": "UNITED KINGDOM",
    "DE": "GERMANY",
    "FR": "FRANCE",
    "NL": "NETHERLANDS",
    "BE": "BELGIUM",
    "IT": "ITALY",
    "ES": "SPAIN",
    "PL": "POLAND",
    "IE": "IRELAND",
    "CN": "CHINA",
    "HK": "HONG KONG",
    "JP": "JAPAN",
    "KR": "KOREA, REPUBLIC OF",
    "IN": "INDIA",
    "AU": "AUSTRALIA",
    "BR": "BRAZIL",
    "SG": "SINGAPORE",
    "AE": "UNITED ARAB EMIRATES",
    "RU": "RUSSIA",
}
MAX_EVENTS = 99  # [SPEC] trackingEvents maxItems
#: Network-level events USPS shows without a place ("In Transit to Next Facility" [OBS], and the
#: predictive "In Transit, Arriving Late").
_NO_LOCATION = frozenset({EventCode.IN_TRANSIT, EventCode.DELAYED})


# --- small formatters ---------------------------------------------------------------------------


def _dt(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def event_timestamp(iso: str) -> str:
    return _dt(iso).strftime("%Y-%m-%dT%H:%M:00")


def gmt_timestamp(iso: str) -> str:
    return _dt(iso).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def gmt_offset(iso: str) -> str:
    offset = _dt(iso).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _clock(dt: datetime) -> str:
    """``7:31 am`` — USPS's summary style."""
    hour = dt.hour % 12 or 12
    return f"{hour}:{dt.minute:02d} {'am' if dt.hour < 12 else 'pm'}"


def _date(dt: datetime) -> str:
    """``August 2, 2023``."""
    return f"{dt.strftime('%B')} {dt.day}, {dt.year}"


def _country(code: str) -> str:
    return COUNTRY_NAMES.get(code.upper(), code.upper())


def _zip5(postal: str) -> str:
    return postal.split("-", 1)[0][:5]


# --- locations ----------------------------------------------------------------------------------


def event_location(event: ScanEvent) -> dict[str, str]:
    """``eventCountry``/``eventCity``/``eventState``/``eventZIP`` as USPS writes them (in that order)."""
    if event.code in _NO_LOCATION:
        return {}
    loc = event.location
    out: dict[str, str] = {}
    domestic = loc.country.upper() == "US"
    if not domestic:
        out["eventCountry"] = _country(loc.country)
    if loc.kind not in codes.RETAIL_KINDS:
        if domestic:
            out["eventCity"] = f"{loc.city.upper()} {loc.region.upper()} DISTRIBUTION CENTER"
        elif loc.city:
            out["eventCity"] = loc.city.upper()
        return out
    if loc.city:
        out["eventCity"] = loc.city.upper()
    if domestic and loc.region:
        out["eventState"] = loc.region.upper()
    if loc.postal_code:
        out["eventZIP"] = _zip5(loc.postal_code) if domestic else loc.postal_code
    return out


def _where(fields: dict[str, str]) -> str:
    city = fields.get("eventCity")
    if not city:
        return ""
    if "eventState" in fields:
        tail = f" {fields['eventZIP']}" if "eventZIP" in fields else ""
        return f"{city}, {fields['eventState']}{tail}"
    if "eventCountry" in fields:
        return f"{city}, {fields['eventCountry']}"
    return city


def _place(loc: dict[str, Any] | Location | None) -> dict[str, str]:
    """City/region/postal code/country of a truth address dict or an event ``Location``."""
    if loc is None:
        return {}
    data = loc if isinstance(loc, dict) else loc.to_dict()
    return {
        "city": str(data.get("city") or ""),
        "region": str(data.get("region") or ""),
        "postal_code": str(data.get("postal_code") or ""),
        "country": str(data.get("country") or "").upper(),
    }


# --- status summary -----------------------------------------------------------------------------


def status_summary(text: str, local: datetime, fields: dict[str, str]) -> str:
    where = _where(fields)
    template = summaries.SUMMARIES.get(text, summaries.FALLBACK)
    return template.format(
        t=_clock(local),
        d=_date(local),
        w=where or "USPS",
        in_w=f" in {where}" if where else "",
        s=text,
    )


# --- events -------------------------------------------------------------------------------------


def _mapped_events(view: ParcelView) -> list[tuple[ScanEvent, codes.UspsEvent]]:
    """Oldest first, each with the USPS code it shows (the first arrival is the origin plant's)."""
    out = []
    arrived = False
    for event in view.events:
        first = event.code is EventCode.ARRIVED_AT_FACILITY and not arrived
        arrived = arrived or event.code is EventCode.ARRIVED_AT_FACILITY
        out.append((event, codes.usps_event(event, first_arrival=first)))
    return out


def tracking_event(event: ScanEvent, mapped: codes.UspsEvent) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "eventType": mapped.text,
        "eventTimestamp": event_timestamp(event.occurred_at),
        "GMTTimestamp": gmt_timestamp(event.occurred_at),
        "GMTOffset": gmt_offset(event.occurred_at),
        **event_location(event),
        "authorizedAgent": wire.flag(False),
        "eventCode": mapped.code,
    }
    signed_by = (event.details or {}).get("signed_by")
    if signed_by and mapped.category == codes.DELIVERED:
        fields["name"] = str(signed_by).upper()
    return {key: fields.get(key) for key in wire.EVENT_KEYS}


# --- the whole item -----------------------------------------------------------------------------


def _is_partner_leg(view: ParcelView) -> bool:
    """USPS carries the last mile of another carrier's parcel (its truth belongs to that carrier)."""
    return view.truth is not None and view.truth.carrier != view.carrier


def mail_class(view: ParcelView) -> str:
    if _is_partner_leg(view) and view.service in ("ground", "economy"):
        return PARTNER_MAIL_CLASS
    return MAIL_CLASS.get(view.service, DEFAULT_MAIL_CLASS)


def unique_mail_piece_id(number: str) -> str:
    """USPS's internal 9-digit piece id; derived from the number so it never changes."""
    return f"{int.from_bytes(hashlib.sha256(number.encode()).digest()[:8], 'big') % 10**9:09d}"


def _origin(view: ParcelView) -> dict[str, str]:
    if view.truth is not None and not _is_partner_leg(view):
        return _place(view.truth.origin)
    # A partner leg starts where the other carrier handed the parcel over.
    return _place(view.events[0].location) if view.events else {}


def _destination(view: ParcelView) -> dict[str, str]:
    return _place(view.truth.destination) if view.truth is not None else {}


def _mail_type(origin: dict[str, str], dest: dict[str, str]) -> str:
    o, d = origin.get("country") or "US", dest.get("country") or "US"
    if o == "US" and d == "US":
        return "DOMESTIC_MAIL"
    if d == "US":
        return "INTERNATIONAL_INBOUND"
    if o == "US":
        return "INTERNATIONAL_OUTBOUND"
    return "UNKNOWN"


def _window_time(iso: str | None) -> str | None:
    return _dt(iso).strftime("%H:%M:%S") if iso else None


def _expected(est: EstimatedDelivery | None) -> dict[str, Any]:
    if est is None:
        return {}
    out: dict[str, Any] = {"expectedDeliveryDate": est.date}
    end = _window_time(est.end)
    # [INFER] local time with a "Z", the way USPS writes eventTimestamp in its README example and
    # karrio parses this field ("%Y-%m-%dT%H:%M:%SZ").
    # A bare date is "by the end of that day": 23:59:59, which stays on that date read either way
    # (local, as written; or as UTC, shifted into any US zone) — midnight "Z" read as UTC was the
    # evening before in every US zone (issue 14 item 8).
    out["expectedDeliveryTimeStamp"] = f"{est.date}T{end or '23:59:59'}Z"
    return out


def _predicted(est: EstimatedDelivery | None) -> dict[str, Any]:
    if est is None or not (est.start and est.end):
        return {}
    return {
        "predictedDeliveryDate": est.date,
        "predictedDeliveryWindowStartTime": _window_time(est.start),
        "predictedDeliveryWindowEndTime": _window_time(est.end),
    }


def _on_time(view: ParcelView, latest_category: str) -> bool | None:
    """Whether the item is (or was) delivered by the first date USPS promised."""
    promised = next((e.estimated_delivery.date for e in view.events if e.estimated_delivery), None)
    if promised is None or view.latest is None:
        return None
    if latest_category == codes.DELIVERED:
        actual = _dt(view.latest.occurred_at).date().isoformat()
    elif view.latest.estimated_delivery is not None:
        actual = view.latest.estimated_delivery.date
    else:
        return None
    return actual <= promised


def render_detail(view: ParcelView, number: str) -> dict[str, Any]:
    """``expand=DETAIL``: the ``TrackingDetails`` object. ``view.events`` must not be empty."""
    mapped = _mapped_events(view)
    latest_event, latest = mapped[-1]
    if latest_event.code is EventCode.RETURNED_TO_SENDER:
        latest = codes.RETURNED_STATUS
    latest_fields = event_location(latest_event)
    origin, dest = _origin(view), _destination(view)
    klass = mail_class(view)
    delivered = latest.category == codes.DELIVERED
    est = None if delivered else latest_event.estimated_delivery

    body: dict[str, Any] = {}
    if dest.get("city"):
        body["destinationCity"] = dest["city"].upper()
    if dest.get("country") and dest["country"] != "US":
        body["destinationCountryCode"] = dest["country"]
    if dest.get("country", "US") == "US" and _US_STATE.match(dest.get("region", "").upper()):
        body["destinationState"] = dest["region"].upper()
    if dest.get("postal_code"):
        body["destinationZIP"] = (
            _zip5(dest["postal_code"]) if dest.get("country", "US") == "US" else dest["postal_code"]
        )
    body["emailEnabled"] = wire.flag(True)
    body.update(_expected(est))
    body["kahalaIndicator"] = wire.flag(False)
    body["mailClass"] = wire.mail_class(klass)
    body["mailType"] = wire.mail_type(_mail_type(origin, dest))
    on_time = _on_time(view, latest.category)
    if on_time is not None:
        body["onTime"] = wire.flag(on_time)
    if origin.get("city"):
        body["originCity"] = origin["city"].upper()
    if origin.get("country") and origin["country"] != "US" and len(origin["country"]) == 2:
        body["originCountry"] = origin["country"]
    if origin.get("region") and len(origin["region"]) <= 3:
        body["originState"] = origin["region"].upper()
    if origin.get("postal_code") and origin.get("country", "US") == "US":
        body["originZIP"] = _zip5(origin["postal_code"])
    body.update(_predicted(est))
    signed = any((e.details or {}).get("signed_by") for e, m in mapped if m.category == codes.DELIVERED)
    body["proofOfDeliveryEnabled"] = wire.flag(bool(delivered and signed))
    body["redeliveryEnabled"] = wire.flag(latest.category == codes.DELIVERY_ATTEMPT)
    body["restoreEnabled"] = wire.flag(False)
    body["RRAMEnabled"] = wire.flag(False)
    body["RREEnabled"] = wire.flag(False)
    body["services"] = [TRACKING_SERVICE, *([INSURANCE_SERVICE] if klass in INSURED_CLASSES else [])]
    stc = numbers.service_type_code(number) or SERVICE_TYPE_CODE.get(klass)
    if stc:
        body["serviceTypeCode"] = stc
    body["status"] = latest.text
    body["statusCategory"] = latest.category
    body["statusSummary"] = status_summary(latest.text, _dt(latest_event.occurred_at), latest_fields)
    body["tableCode"] = "T"
    body["uniqueMailPieceID"] = unique_mail_piece_id(number)
    body["mailPieceIntakeDate"] = _dt(view.events[0].occurred_at).strftime("%Y-%m-%d %H:%M:%S.000000")
    body["trackingEvents"] = [tracking_event(e, m) for e, m in reversed(mapped)][:MAX_EVENTS]
    body["trackingNumber"] = number
    return body


def render_summary(view: ParcelView, number: str) -> dict[str, Any]:
    """``expand=SUMMARY`` (the default): one line, in the form the USPS README shows."""
    event, mapped = _mapped_events(view)[-1]
    summary = status_summary(mapped.text, _dt(event.occurred_at), event_location(event))
    return {"TrackResults": {"RequestSeqNumber": None, "TrackInfo": {"@ID": number, "TrackSummary": summary}}}
