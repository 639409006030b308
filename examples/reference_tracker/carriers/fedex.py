"""FedEx: OAuth client credentials (form body) and Track by tracking number, up to 30 numbers a
call (``docs/carriers/fedex.md``; spec ``vendor/specs/fedex``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, place, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.vocabulary import Status

# FedEx scan codes (``eventType``).
EVENT_TYPES: dict[str, Status] = {
    "OC": Status.LABEL_CREATED,
    "PU": Status.IN_TRANSIT,
    "AR": Status.IN_TRANSIT,
    "AF": Status.IN_TRANSIT,
    "IT": Status.IN_TRANSIT,
    "DP": Status.IN_TRANSIT,
    "AX": Status.IN_TRANSIT,  # at a USPS facility (partner last mile)
    "TR": Status.IN_TRANSIT,
    "CC": Status.IN_TRANSIT,  # released by customs
    "OD": Status.OUT_FOR_DELIVERY,
    "DE": Status.FAILED_ATTEMPT,
    "DL": Status.DELIVERED,
    "HP": Status.AVAILABLE_FOR_PICKUP,
    "SE": Status.EXCEPTION,
    "CD": Status.EXCEPTION,  # clearance delay
    "DY": Status.DELAYED,
    "DD": Status.DELAYED,  # delivery rescheduled
    "RS": Status.RETURNING,
}
# FedEx's derived status codes, for scan codes the table above does not know.
DERIVED: dict[str, Status] = {
    "IN": Status.LABEL_CREATED,
    "PU": Status.IN_TRANSIT,
    "IT": Status.IN_TRANSIT,
    "OD": Status.OUT_FOR_DELIVERY,
    "DE": Status.FAILED_ATTEMPT,
    "DL": Status.DELIVERED,
    "HP": Status.AVAILABLE_FOR_PICKUP,
    "SE": Status.EXCEPTION,
    "DY": Status.DELAYED,
    "RS": Status.RETURNING,
}
LOST_EXCEPTIONS = frozenset({"A12"})  # "Package cannot be located"
NOT_FOUND = "TRACKING.TRACKINGNUMBER.NOTFOUND"


def scan_status(scan: dict[str, Any]) -> Status:
    kind = text(scan.get("eventType"))
    status = EVENT_TYPES.get(kind) or DERIVED.get(text(scan.get("derivedStatusCode")), Status.IN_TRANSIT)
    if status is Status.EXCEPTION and text(scan.get("exceptionCode")) in LOST_EXCEPTIONS:
        return Status.LOST
    # FedEx uses RS both on the way back and on arrival; only the text tells them apart.
    if kind == "RS" and text(scan.get("derivedStatus")).lower().startswith("returned"):
        return Status.RETURNED
    return status


def _instant(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(text(value))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_result(result: dict[str, Any]) -> CarrierView:
    events = []
    for scan in result.get("scanEvents") or []:
        when = _instant(scan.get("date"))
        if when is None:
            continue
        where = scan.get("scanLocation") or {}
        description = text(scan.get("eventDescription"))
        if text(scan.get("exceptionDescription")):
            description = f"{description}: {text(scan.get('exceptionDescription'))}"
        events.append(
            TrackEvent(
                time=when,
                code=text(scan.get("eventType")),
                description=description,
                location=place(where.get("city"), where.get("stateOrProvinceCode"), where.get("countryCode")),
                status=scan_status(scan),
            )
        )
    events.reverse()  # listed newest first
    return CarrierView(found=True, events=tuple(events), eta=_eta(result))


def _eta(result: dict[str, Any]) -> Eta | None:
    estimate = next(
        (d for d in result.get("dateAndTimes") or [] if d.get("type") == "ESTIMATED_DELIVERY"), None
    )
    if estimate is None or len(text(estimate.get("dateTime"))) < 10:
        return None
    window = (result.get("estimatedDeliveryTimeWindow") or {}).get("window") or {}
    return Eta(
        date=text(estimate["dateTime"])[:10],
        start=_instant(window.get("begins")),
        end=_instant(window.get("ends")),
    )


class FedexClient(CarrierClient):
    name = "fedex"
    batch_size = 30
    credential_defaults: ClassVar[dict[str, str]] = {
        "client_id": "reference-tracker",
        "client_secret": "reference-tracker-secret",
    }

    async def _authenticate(self) -> None:
        response = await self.call(
            self.http.post(
                f"{self.base_url}/oauth/token",
                data={
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
            raise AuthFailed(f"fedex token: unexpected answer {str(body)[:200]}") from exc

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        assert self.token is not None
        return await self.http.post(
            f"{self.base_url}/track/v1/trackingnumbers",
            json={
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers],
            },
            headers={"Authorization": f"Bearer {self.token.value}", "x-locale": "en_US"},
        )

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        body = self.json(response)
        complete = (
            ((body.get("output") or {}).get("completeTrackResults") or []) if isinstance(body, dict) else []
        )
        views = {n: CarrierView.not_found() for n in numbers}
        for entry in complete:
            number = text(entry.get("trackingNumber"))
            results = entry.get("trackResults") or []
            if number in views and results and not (results[0].get("error") or {}).get("code"):
                views[number] = parse_result(results[0])
        return views
