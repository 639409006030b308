"""DPD Web Connect: SOAP 1.1 — ``LoginService.getAuth`` for a day-long token (DPD allows ten logins
a day, so the token is kept), then ``ParcelLifeCycleService.getTrackingData`` with the token in the
SOAP header, one parcel per call (``docs/carriers/dpd.md``; schemas ``vendor/specs/dpd``).

DPD answers SOAP faults with HTTP 500, so a 500 is read before it is called an outage: a fault
whose detail says "parcel not found" or "token expired" is an answer. Responses are parsed with
``defusedxml`` (no entities, no DTDs), as anything parsing a remote party's XML should.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import ClassVar
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import httpx
from defusedxml import ElementTree

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, Unavailable, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import local_at, local_instant, zone_for
from examples.reference_tracker.vocabulary import Status

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
AUTH = "http://dpd.com/common/service/types/Authentication/2.0"
LOGIN = "http://dpd.com/common/service/types/LoginService/2.1"
PLC = "http://dpd.com/common/service/types/ParcelLifeCycleService/2.0"
LANGUAGE = "en_EN"
TOKEN_FAULTS = frozenset({"ERR_DELICOM_TOKEN_EXPIRED", "ERR_DELICOM_TOKEN_INCORRECT"})
NOT_FOUND = "ERR_PARCEL_NOT_FOUND"

STATUSES: dict[str, Status] = {
    "PickedUp": Status.IN_TRANSIT,
    "BetweenDepots": Status.IN_TRANSIT,
    "Depot": Status.IN_TRANSIT,
    "Courier": Status.OUT_FOR_DELIVERY,
    "DeliveryFailure": Status.FAILED_ATTEMPT,
    "ReturningFromDelivery": Status.FAILED_ATTEMPT,
    "ParcelShop": Status.AVAILABLE_FOR_PICKUP,
    "Customs": Status.EXCEPTION,
    "Warehouse": Status.DELAYED,
    "Consolidation": Status.DELAYED,  # a new delivery day
    "Delivered": Status.DELIVERED,
}
# DPD reuses a status for several situations; its (English) text tells them apart.
TEXT_RULES: tuple[tuple[str, str, Status], ...] = (
    ("Delivered", "back to the sender", Status.RETURNED),
    ("BetweenDepots", "back to the sender", Status.RETURNING),
    ("ParcelShop", "has not collected", Status.EXCEPTION),
    ("Customs", "clearance completed", Status.IN_TRANSIT),
    ("Warehouse", "being searched for", Status.LOST),
    ("Warehouse", "checked for damage", Status.EXCEPTION),
)
_PREDICT = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})\D+(\d{1,2}:\d{2})\D+(\d{1,2}:\d{2})")
_COUNTRY = re.compile(r"\(([A-Z]{2})\)\s*$")


def status_of(code: str, description: str) -> Status:
    lowered = description.lower()
    for status_code, fragment, status in TEXT_RULES:
        if code == status_code and fragment in lowered:
            return status
    return STATUSES.get(code, Status.IN_TRANSIT)


def envelope(body: str, header: str = "") -> str:
    return (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:auth="{AUTH}" xmlns:login="{LOGIN}" '
        f'xmlns:plc="{PLC}"><soapenv:Header>{header}</soapenv:Header>'
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )


def _body(response: httpx.Response) -> Element:
    try:
        root = ElementTree.fromstring(response.content)
    except Exception as exc:  # defusedxml raises ParseError and its own *Forbidden errors
        raise Unavailable(f"dpd: unreadable SOAP answer ({type(exc).__name__})") from exc
    body = root.find(f"{{{SOAP}}}Body")
    if body is None or not len(body):
        raise Unavailable("dpd: SOAP answer without a Body")
    return body[0]


def fault_code(element: Element) -> str | None:
    """The detail code of a SOAP fault (``errorCode`` or ``faultCode``), or None if not a fault."""
    if element.tag != f"{{{SOAP}}}Fault":
        return None
    for node in element.iter():
        if node.tag.rsplit("}", 1)[-1] in ("errorCode", "faultCode") and node.text:
            return node.text.strip()
    return ""


def _content(node: Element | None, path: str) -> str:
    return text(node.findtext(path)) if node is not None else ""


def parse_tracking(element: Element) -> CarrierView:
    q = f"{{{PLC}}}"
    result = element.find(f"{q}trackingresult")
    if result is None:
        return CarrierView.not_found()
    events = []
    for info in result.findall(f"{q}statusInfo"):
        code = _content(info, f"{q}status")
        description = _content(info, f"{q}description/{q}content/{q}content") or _content(
            info, f"{q}label/{q}content"
        )
        location = _content(info, f"{q}location/{q}content")
        try:
            wall = datetime.strptime(_content(info, f"{q}date/{q}content"), "%m/%d/%Y %I:%M:%S %p")
        except ValueError:
            continue
        country = _COUNTRY.search(location)
        events.append(
            TrackEvent(
                time=local_instant(wall, zone_for(country.group(1) if country else "DE")),
                code=code,
                description=description,
                location=location,
                status=status_of(code, description),
            )
        )
    predict = _content(result, f"{q}shipmentInfo/{q}predictInformation/{q}content/{q}content")
    return CarrierView(found=True, events=tuple(events), eta=_eta(predict))


def _eta(predict: str) -> Eta | None:
    """DPD Predict: "Your parcel will be delivered on 04.11.2026 between 18:00 and 19:00." """
    match = _PREDICT.search(predict)
    if match is None:
        return None
    day_s, month, year, start, end = match.groups()
    try:
        day = datetime(int(year), int(month), int(day_s)).date()
        zone = zone_for("DE")
        return Eta(
            date=day.isoformat(),
            start=local_at(day, time.fromisoformat(start.zfill(5)), zone),
            end=local_at(day, time.fromisoformat(end.zfill(5)), zone),
        )
    except ValueError:
        return None


class DpdClient(CarrierClient):
    name = "dpd"
    credential_defaults: ClassVar[dict[str, str]] = {
        "delis_id": "reftracker",
        "password": "reference-tracker-password",
    }

    async def _authenticate(self) -> None:
        creds = self.credentials
        body = (
            f"<login:getAuth><delisId>{escape(creds['delis_id'])}</delisId>"
            f"<password>{escape(creds['password'])}</password>"
            f"<messageLanguage>{LANGUAGE}</messageLanguage></login:getAuth>"
        )
        response = await self.call(
            self.http.post(
                f"{self.base_url}/soap/services/LoginService/V2_1",
                content=envelope(body),
                headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f"{LOGIN}/getAuth"},
            )
        )
        self.check(response, "login")
        element = _body(response)
        if fault_code(element) is not None:
            raise AuthFailed(f"dpd login refused: {fault_code(element) or 'SOAP fault'}")
        token = text(element.findtext(f"{{{LOGIN}}}return/{{{LOGIN}}}authToken"))
        if not token:
            raise AuthFailed("dpd login: no authToken in the answer")
        expires = text(element.findtext(f"{{{LOGIN}}}return/{{{LOGIN}}}authTokenExpires"))
        self.token = Token.lasting(token, _seconds_until(expires))

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        (number,) = numbers
        assert self.token is not None
        header = (
            f"<auth:authentication><delisId>{escape(self.credentials['delis_id'])}</delisId>"
            f"<authToken>{escape(self.token.value)}</authToken>"
            f"<messageLanguage>{LANGUAGE}</messageLanguage></auth:authentication>"
        )
        body = (
            f"<plc:getTrackingData><parcelLabelNumber>{escape(number)}</parcelLabelNumber>"
            "</plc:getTrackingData>"
        )
        return await self.http.post(
            f"{self.base_url}/soap/services/ParcelLifeCycleService/V2_0",
            content=envelope(body, header),
            headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f"{PLC}/getTrackingData"},
        )

    def _fault(self, response: httpx.Response) -> str | None:
        if response.status_code != 500:
            return None
        try:
            return fault_code(_body(response))
        except Unavailable:
            return None

    def _auth_rejected(self, response: httpx.Response) -> bool:
        code = self._fault(response)
        return code in TOKEN_FAULTS or code == "DELICOM_ERR_AUTHENTICATION"

    def _is_answer(self, response: httpx.Response) -> bool:
        return self._fault(response) == NOT_FOUND

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        (number,) = numbers
        element = _body(response)
        if fault_code(element) is not None:
            return {number: CarrierView.not_found()}
        return {number: parse_tracking(element)}


def _seconds_until(expires: str, fallback: float = 24 * 3600.0) -> float:
    """DPD writes the token's expiry in UTC without an offset (``2026-11-04T09:12:44.07``)."""
    try:
        when = datetime.fromisoformat(expires).replace(tzinfo=UTC)
    except ValueError:
        return fallback
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
