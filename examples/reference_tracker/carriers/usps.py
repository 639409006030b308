"""USPS APIs v3: OAuth client credentials (JSON body) and Tracking v3 with ``expand=DETAIL``, one
number per call (``docs/carriers/usps.md``; spec ``vendor/specs/usps``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, place, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import local_at, zone_for
from examples.reference_tracker.vocabulary import Status

EVENT_CODES: dict[str, Status] = {
    "GX": Status.LABEL_CREATED,
    "03": Status.IN_TRANSIT,
    "10": Status.IN_TRANSIT,
    "A1": Status.IN_TRANSIT,
    "T1": Status.IN_TRANSIT,
    "SF": Status.IN_TRANSIT,
    "TL": Status.IN_TRANSIT,
    "07": Status.IN_TRANSIT,
    "42": Status.IN_TRANSIT,  # handed to a shipping partner
    "CC": Status.IN_TRANSIT,  # customs clearance complete
    "OF": Status.OUT_FOR_DELIVERY,
    "02": Status.FAILED_ATTEMPT,  # notice left
    "56": Status.FAILED_ATTEMPT,
    "30": Status.FAILED_ATTEMPT,  # no access
    "04": Status.FAILED_ATTEMPT,  # refused
    "01": Status.DELIVERED,
    "16": Status.AVAILABLE_FOR_PICKUP,
    "PX": Status.EXCEPTION,
    "22": Status.EXCEPTION,  # insufficient address
    "PD": Status.EXCEPTION,  # damaged
    "CH": Status.EXCEPTION,  # held in customs
    "NT": Status.DELAYED,  # arriving late
    "WX": Status.DELAYED,  # weather
    "71": Status.DELAYED,  # rescheduled to next delivery day
    "09": Status.RETURNING,
    "27": Status.RETURNING,  # unclaimed, being returned
    "DX": Status.LOST,  # delivery status not updated: USPS does not know where it is
}
# 404 "no status update yet" / "tracking not available", 400 "may be incorrect" / "another shipper".
NOT_FOUND_CODES = frozenset({"150002", "150006", "150010"})


def event_status(event: dict[str, Any]) -> Status:
    code, kind = text(event.get("eventCode")), text(event.get("eventType"))
    if code == "01" and "original sender" in kind.lower():
        return Status.RETURNED
    if code in EVENT_CODES:
        return EVENT_CODES[code]
    return Status.DELIVERED if kind.lower().startswith("delivered") else Status.IN_TRANSIT


def _gmt(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(text(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_details(body: dict[str, Any]) -> CarrierView:
    events = []
    for event in body.get("trackingEvents") or []:
        when = _gmt(event.get("GMTTimestamp"))
        if when is None:
            continue
        events.append(
            TrackEvent(
                time=when,
                code=text(event.get("eventCode")),
                description=text(event.get("eventType")),
                location=place(event.get("eventCity"), event.get("eventState"), event.get("eventCountry")),
                status=event_status(event),
            )
        )
    events.reverse()  # listed newest first
    return CarrierView(found=True, events=tuple(events), eta=_eta(body))


def _clock(value: Any) -> time | None:
    try:
        return time.fromisoformat(text(value))
    except ValueError:
        return None


def _eta(body: dict[str, Any]) -> Eta | None:
    raw = text(body.get("predictedDeliveryDate")) or text(body.get("expectedDeliveryDate"))
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None
    zone = zone_for("US", body.get("destinationState"))
    start = _clock(body.get("predictedDeliveryWindowStartTime"))
    end = _clock(body.get("predictedDeliveryWindowEndTime"))
    return Eta(
        date=day.isoformat(),
        start=local_at(day, start, zone) if start else None,
        end=local_at(day, end, zone) if end else None,
    )


class UspsClient(CarrierClient):
    name = "usps"
    credential_defaults: ClassVar[dict[str, str]] = {
        "client_id": "reference-tracker",
        "client_secret": "reference-tracker-secret",
    }

    async def _authenticate(self) -> None:
        response = await self.call(
            self.http.post(
                f"{self.base_url}/oauth2/v3/token",
                json={
                    "grant_type": "client_credentials",
                    "client_id": self.credentials["client_id"],
                    "client_secret": self.credentials["client_secret"],
                },
            )
        )
        self.check(response, "token")
        body = self.json(response)
        try:
            self.token = Token.lasting(body["access_token"], float(body["expires_in"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthFailed(f"usps token: unexpected answer {str(body)[:200]}") from exc

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        (number,) = numbers
        assert self.token is not None
        return await self.http.get(
            f"{self.base_url}/tracking/v3/tracking/{number}",
            params={"expand": "DETAIL"},
            headers={"Authorization": f"Bearer {self.token.value}", "Accept": "application/json"},
        )

    def _error_codes(self, response: httpx.Response) -> set[str]:
        try:
            errors = response.json()["error"]["errors"]
            return {text(e.get("code")) for e in errors}
        except (ValueError, KeyError, TypeError, AttributeError):
            return set()

    def _is_answer(self, response: httpx.Response) -> bool:
        return response.status_code in (400, 404) and bool(self._error_codes(response) & NOT_FOUND_CODES)

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        (number,) = numbers
        if response.status_code != 200:
            return {number: CarrierView.not_found()}
        body = self.json(response)
        if not isinstance(body, dict):
            return {number: CarrierView.not_found()}
        return {number: parse_details(body)}
