"""Canonical → DPD ParcelLifeCycleService 2.0 / LoginService 2.1 response bodies (XML text).

Shapes [SPEC ``ParcelLifecycleServiceV20.xsd``, ``LoginServiceV21.xsd``]; element order, value
styles and what DPD leaves out from karrio's captured-looking Belgian response [3P-K]:

- ``getTrackingDataResponse`` in a default namespace, ``trackingresult`` holding ``shipmentInfo``,
  then every ``statusInfo`` **oldest first** (karrio reverses them), then ``contactInfo``;
- ``statusInfo``: ``status`` (DPD's code), ``label`` (milestone, bold), ``description/content``,
  ``statusHasBeenReached`` true, ``isCurrentStatus`` true on the newest only, ``showContactInfo``
  true, ``location`` "City (CC)", ``date`` in US style and the scan's local time
  (``8/17/2021 7:11:26 PM``), both bold;
- ``shipmentInfo``: ``serviceDescription`` (the product), ``status`` ``SHIPMENT``, the three flags
  false — and, as DPD sends it, **no** ``label``/``description`` although the schema makes them
  required (FIDELITY.md lists the deviation);
- DPD Predict: on the day of delivery, once the courier has the parcel, ``predictInformation``
  announces a one-hour window in German time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from mock_carriers.world.context import ParcelView
from sim.events import EventCode, ScanEvent

from . import codes, texts
from .auth import Login, expires_text
from .envelope import LOGIN_NS, PLC_NS, element

GERMAN_TIME = ZoneInfo("Europe/Berlin")
#: ``shipmentInfo/status`` [3P-K].
SHIPMENT = "SHIPMENT"
#: Product names by service, upper case as DPD prints them [3P-K "DPD PARCELSHOP DELIVERY"; names
#: from DPD Germany's product range, INFER].
PRODUCTS: dict[str, str] = {
    "same_day": "DPD EXPRESS",
    "next_day": "DPD 12:00",
    "two_day": "DPD CLASSIC",
    "ground": "DPD CLASSIC",
    "economy": "DPD CLASSIC",
    "international": "DPD CLASSIC INTERNATIONAL",
}


def _bool(value: bool) -> str:
    return "true" if value else "false"


def content_line(name: str, value: str, bold: bool = False, paragraph: bool = False) -> str:
    """A ``ContentLine``: ``content``, ``bold``, ``paragraph``."""
    flags = f"<bold>{_bool(bold)}</bold><paragraph>{_bool(paragraph)}</paragraph>"
    return f"<{name}>{element('content', value)}{flags}</{name}>"


def content_item(name: str, label: str | None, lines: Sequence[str], link: str | None = None) -> str:
    """A ``ContentItem``: an optional bold-less ``label`` line, ``content`` lines, ``linkTarget``."""
    out = [f"<{name}>"]
    if label is not None:
        out.append(content_line("label", label))
    out.extend(content_line("content", line) for line in lines)
    if link is not None:
        out.append(element("linkTarget", link))
    out.append(f"</{name}>")
    return "".join(out)


def us_date(iso: str) -> str:
    """The scan's local time as DPD prints it: ``8/17/2021 7:11:26 PM`` [3P-K]."""
    dt = datetime.fromisoformat(iso)
    hour = dt.hour % 12 or 12
    half = "AM" if dt.hour < 12 else "PM"
    return f"{dt.month}/{dt.day}/{dt.year} {hour}:{dt.minute:02d}:{dt.second:02d} {half}"


def place(event: ScanEvent) -> str:
    """``City (CC)`` [3P-K "Mechelen (BE)"]."""
    loc = event.location
    return f"{loc.city} ({loc.country.upper()})" if loc.city else loc.country.upper()


def statuses(view: ParcelView) -> list[tuple[ScanEvent, codes.DpdStatus]]:
    """The visible events DPD shows a status for, each with it (oldest first)."""
    out = []
    for i, event in enumerate(view.events):
        status = codes.status_for(event, view.events[:i])
        if status is not None:
            out.append((event, status))
    return out


def status_info(event: ScanEvent, status: codes.DpdStatus, language: str, current: bool) -> str:
    description = content_item("description", None, [texts.description(status.text, language)])
    return (
        "<statusInfo>"
        + element("status", status.code)
        + content_line("label", texts.label(status.label, language), bold=True)
        + description
        + "<statusHasBeenReached>true</statusHasBeenReached>"
        + f"<isCurrentStatus>{_bool(current)}</isCurrentStatus>"
        + "<showContactInfo>true</showContactInfo>"
        + content_line("location", place(event), bold=True)
        + content_line("date", us_date(event.occurred_at), bold=True)
        + "</statusInfo>"
    )


def _german_clock(iso: str) -> datetime:
    dt = datetime.fromisoformat(iso)
    return dt.astimezone(GERMAN_TIME) if dt.tzinfo is not None else dt


def predict_text(view: ParcelView, language: str) -> str | None:
    """DPD Predict's announcement, while the newest visible event is the courier's with a window."""
    latest = view.latest
    if latest is None or latest.code is not EventCode.OUT_FOR_DELIVERY:
        return None
    eta = latest.estimated_delivery
    if eta is None or not eta.start or not eta.end:
        return None
    start, end = _german_clock(eta.start), _german_clock(eta.end)
    return texts.pick(texts.PREDICT_TEXT, language).format(
        day=start.strftime("%d.%m.%Y"), start=start.strftime("%H:%M"), end=end.strftime("%H:%M")
    )


def receiver_lines(view: ParcelView) -> list[str]:
    """Postcode, city and country of the addressee — DPD shows no name or street [INFER]."""
    if view.truth is None:
        return []
    dest = view.truth.destination
    city = " ".join(str(dest[k]) for k in ("postal_code", "city") if dest.get(k))
    country = str(dest.get("country") or "").upper()
    line = f"{city} ({country})" if city and country else city or country
    return [line] if line else []


def shipment_info(view: ParcelView, language: str) -> str:
    out = ["<shipmentInfo>"]
    receiver = receiver_lines(view)
    if receiver:
        out.append(content_item("receiver", texts.pick(texts.RECEIVER_LABEL, language), receiver))
    predict = predict_text(view, language)
    if predict is not None:
        out.append(content_item("predictInformation", texts.pick(texts.PREDICT_LABEL, language), [predict]))
    product = PRODUCTS.get(view.service, PRODUCTS["ground"])
    out.append(content_item("serviceDescription", texts.pick(texts.SERVICE_LABEL, language), [product]))
    out.append(element("status", SHIPMENT))
    out.append("<statusHasBeenReached>false</statusHasBeenReached><isCurrentStatus>false</isCurrentStatus>")
    out.append("<showContactInfo>false</showContactInfo></shipmentInfo>")
    return "".join(out)


def contact_info(view: ParcelView, language: str) -> str:
    """The delivery depot, once the parcel has reached it [INFER]."""
    depot = next((e for e in reversed(view.events) if e.code is EventCode.ARRIVED_AT_DELIVERY_STATION), None)
    if depot is None:
        return ""
    loc = depot.location
    lines = [loc.name, f"{loc.postal_code} {loc.city}".strip()]
    return content_item(
        "contactInfo",
        texts.pick(texts.CONTACT_LABEL, language),
        lines,
        texts.pick(texts.CONTACT_LINK, language),
    )


def tracking_data_response(view: ParcelView, language: str) -> str:
    shown = statuses(view)
    infos = [status_info(e, s, language, i == len(shown) - 1) for i, (e, s) in enumerate(shown)]
    return (
        f'<getTrackingDataResponse xmlns="{PLC_NS}"><trackingresult>'
        + shipment_info(view, language)
        + "".join(infos)
        + contact_info(view, language)
        + "</trackingresult></getTrackingDataResponse>"
    )


def auth_response(login: Login) -> str:
    return (
        f'<getAuthResponse xmlns="{LOGIN_NS}"><return>'
        + element("delisId", login.delis_id)
        + element("customerUid", login.customer_uid)
        + element("authToken", login.auth_token)
        + element("depot", login.depot)
        + element("authTokenExpires", expires_text(login.expires))
        + "</return></getAuthResponse>"
    )


def label_number_response(parcel_label_number: str | None) -> str:
    inner = element("parcelLabelNumber", parcel_label_number) if parcel_label_number else ""
    name = "getParcelLabelNumberForWebNumberResponse"
    return f'<{name} xmlns="{PLC_NS}">{inner}</{name}>'
