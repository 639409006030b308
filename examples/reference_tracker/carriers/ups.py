"""UPS: OAuth client credentials (HTTP Basic) and the Track API, one number per call
(``docs/carriers/ups.md``; spec ``vendor/specs/ups``)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, time
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, place, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import local_at, zone_for
from examples.reference_tracker.vocabulary import Status

# UPS's three-digit status codes (``status.statusCode``) — the most specific thing UPS says.
STATUS_CODES: dict[str, Status] = {
    "003": Status.LABEL_CREATED,
    "038": Status.IN_TRANSIT,  # picked up
    "005": Status.IN_TRANSIT,  # on the way
    "071": Status.IN_TRANSIT,  # preparing for delivery
    "137": Status.IN_TRANSIT,  # transferred to a delivery partner
    "014": Status.IN_TRANSIT,  # clearance completed
    "021": Status.OUT_FOR_DELIVERY,
    "022": Status.FAILED_ATTEMPT,
    "023": Status.FAILED_ATTEMPT,
    "024": Status.FAILED_ATTEMPT,
    "064": Status.FAILED_ATTEMPT,  # delivery refused
    "011": Status.DELIVERED,
    "040": Status.AVAILABLE_FOR_PICKUP,
    "048": Status.DELAYED,
    "052": Status.DELAYED,  # severe weather
    "055": Status.DELAYED,  # rescheduled delivery
    "013": Status.EXCEPTION,
    "012": Status.EXCEPTION,  # clearance in progress (held by customs)
    "050": Status.EXCEPTION,  # address information required
    "059": Status.EXCEPTION,  # damage reported
    "139": Status.EXCEPTION,  # security access required
    "035": Status.RETURNING,
    "036": Status.RETURNING,
    "034": Status.RETURNED,
    "129": Status.LOST,  # investigation opened
}
# When a status code is new to the tracker, UPS's one-letter activity type still says enough.
TYPES: dict[str, Status] = {
    "M": Status.LABEL_CREATED,
    "P": Status.IN_TRANSIT,
    "I": Status.IN_TRANSIT,
    "D": Status.DELIVERED,
    "X": Status.EXCEPTION,
}
ESTIMATE_TYPES = ("RDD", "SDD", "EDD")


def activity_status(status: dict[str, Any]) -> Status:
    code = text(status.get("statusCode"))
    if code in STATUS_CODES:
        return STATUS_CODES[code]
    if text(status.get("code")) == "OT":
        return Status.OUT_FOR_DELIVERY
    return TYPES.get(text(status.get("type")), Status.IN_TRANSIT)


def _gmt(activity: dict[str, Any]) -> datetime | None:
    day, clock = text(activity.get("gmtDate")), text(activity.get("gmtTime"))
    try:
        return datetime.strptime(f"{day} {clock}", "%Y%m%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _hhmmss(value: Any) -> time | None:
    try:
        return datetime.strptime(text(value), "%H%M%S").time()
    except ValueError:
        return None


def parse_package(package: dict[str, Any]) -> CarrierView:
    events = []
    for activity in package.get("activity") or []:
        when = _gmt(activity)
        status = activity.get("status") or {}
        if when is None:
            continue
        address = (activity.get("location") or {}).get("address") or {}
        events.append(
            TrackEvent(
                time=when,
                code=text(status.get("code")) or text(status.get("statusCode")),
                description=text(status.get("description")),
                location=place(address.get("city"), address.get("stateProvince"), address.get("countryCode")),
                status=activity_status(status),
            )
        )
    events.reverse()  # listed newest first
    return CarrierView(found=True, events=tuple(events), eta=_eta(package))


def _eta(package: dict[str, Any]) -> Eta | None:
    dates = {text(d.get("type")): text(d.get("date")) for d in package.get("deliveryDate") or []}
    raw = next((dates[t] for t in ESTIMATE_TYPES if dates.get(t)), None)
    if raw is None:
        return None
    try:
        day = datetime.strptime(raw, "%Y%m%d").date()
    except ValueError:
        return None
    window = package.get("deliveryTime") or {}
    destination = next(
        (
            a.get("address") or {}
            for a in package.get("packageAddress") or []
            if a.get("type") == "DESTINATION"
        ),
        {},
    )
    zone = zone_for(destination.get("countryCode"), destination.get("stateProvince"))
    start, end = _hhmmss(window.get("startTime")), _hhmmss(window.get("endTime"))
    return Eta(
        date=day.isoformat(),
        start=local_at(day, start, zone) if start else None,
        end=local_at(day, end, zone) if end else None,
    )


class UpsClient(CarrierClient):
    name = "ups"
    credential_defaults: ClassVar[dict[str, str]] = {
        "client_id": "reference-tracker",
        "client_secret": "reference-tracker-secret",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # transId must be unique per request; a per-process prefix keeps two trackers apart.
        self._trans_ids = (f"rt{secrets.token_hex(4)}-{n:08d}" for n in itertools.count(1))

    async def _authenticate(self) -> None:
        response = await self.call(
            self.http.post(
                f"{self.base_url}/security/v1/oauth/token",
                auth=(self.credentials["client_id"], self.credentials["client_secret"]),
                data={"grant_type": "client_credentials"},
                headers={"Accept": "application/json"},
            )
        )
        self.check(response, "token")
        body = self.json(response)
        try:
            # UPS sends every field as a string, expires_in too.
            self.token = Token.lasting(body["access_token"], float(body["expires_in"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthFailed(f"ups token: unexpected answer {str(body)[:200]}") from exc

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        (number,) = numbers
        assert self.token is not None
        return await self.http.get(
            f"{self.base_url}/api/track/v1/details/{number}",
            params={"locale": "en_US", "returnSignature": "false"},
            headers={
                "Authorization": f"Bearer {self.token.value}",
                "transId": next(self._trans_ids),
                "transactionSrc": "reference-tracker",
                "Accept": "application/json",
            },
        )

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        (number,) = numbers
        body = self.json(response)
        shipments = (body.get("trackResponse") or {}).get("shipment") or [] if isinstance(body, dict) else []
        packages = (shipments[0].get("package") or []) if shipments else []
        # Unknown numbers are a 200 with a TW0001 warning and no package.
        return {number: parse_package(packages[0]) if packages else CarrierView.not_found()}
