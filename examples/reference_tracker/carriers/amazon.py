"""Amazon Shipping v2: a Login with Amazon token (refresh-token grant), then ``getTracking``, one
number per call (``docs/carriers/amazon.md``; spec ``vendor/specs/amazon``).

Amazon's vocabulary is closed and has no delay code: a delay shows only as a later
``promisedDeliveryDate``, which the tracker reports as the ETA.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, place, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import zone_for
from examples.reference_tracker.vocabulary import Status

# eventCode -> (status, Amazon's description of the code in the Shipping v2 model)
EVENT_CODES: dict[str, tuple[Status, str]] = {
    "ReadyForReceive": (Status.LABEL_CREATED, "Package has been created and is ready for pickup."),
    "PickupDone": (Status.IN_TRANSIT, "Package has been picked up by the service provider."),
    "ArrivedAtCarrierFacility": (Status.IN_TRANSIT, "Package has been received at a carrier location."),
    "Departed": (Status.IN_TRANSIT, "Package has departed from a location in the carrier network."),
    "OutForDelivery": (Status.OUT_FOR_DELIVERY, "Package is out for delivery."),
    "DeliveryAttempted": (Status.FAILED_ATTEMPT, "Delivery was attempted, but was unsuccessful."),
    "Rejected": (Status.FAILED_ATTEMPT, "The recipient refused to accept the package."),
    "Delivered": (Status.DELIVERED, "Package has been delivered."),
    "AvailableForPickup": (Status.AVAILABLE_FOR_PICKUP, "Package held for recipient pickup."),
    "Undeliverable": (Status.EXCEPTION, "Package is undeliverable."),
    "Lost": (Status.LOST, "Package is lost."),
    "ReturnInitiated": (Status.RETURNING, "Return has been initiated."),
    "PickupCancelled": (Status.EXCEPTION, "Pickup was cancelled."),
    "RecipientRequestedAlternateDeliveryTiming": (
        Status.DELAYED,
        "Recipient asked for another delivery time.",
    ),
}


def event_status(event: dict[str, Any]) -> Status:
    status = EVENT_CODES.get(text(event.get("eventCode")), (Status.IN_TRANSIT, ""))[0]
    if text(event.get("shipmentType")) == "RETURNS":
        # The return leg: moving back to the seller, or arrived there.
        return Status.RETURNED if status is Status.DELIVERED else Status.RETURNING
    return status


def _instant(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(text(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_payload(payload: dict[str, Any]) -> CarrierView:
    events = []
    for event in payload.get("eventHistory") or []:
        when = _instant(event.get("eventTime"))
        if when is None:
            continue
        where = event.get("location") or {}
        code = text(event.get("eventCode"))
        events.append(
            TrackEvent(
                time=when,
                code=code,
                description=EVENT_CODES.get(code, (Status.IN_TRANSIT, code))[1],
                location=place(where.get("city"), where.get("stateOrRegion"), where.get("countryCode")),
                status=event_status(event),
            )
        )
    return CarrierView(found=True, events=tuple(events), eta=_eta(payload))


def _eta(payload: dict[str, Any]) -> Eta | None:
    promised = _instant(payload.get("promisedDeliveryDate"))
    if promised is None:
        return None
    # Amazon names no destination; the newest scan's place is the best guess at its time zone.
    history = payload.get("eventHistory") or []
    where = (history[-1].get("location") or {}) if history else {}
    local = promised.astimezone(zone_for(where.get("countryCode"), where.get("stateOrRegion")))
    return Eta(date=local.date().isoformat(), end=promised)


class AmazonClient(CarrierClient):
    name = "amazon"
    credential_defaults: ClassVar[dict[str, str]] = {
        "client_id": "amzn1.application-oa2-client.reference-tracker",
        "client_secret": "reference-tracker-secret",
        "refresh_token": "Atzr|reference-tracker",
        "carrier_id": "AMZN_US",
    }

    async def _authenticate(self) -> None:
        auth_url = self.credentials.get("auth_url", self.base_url).rstrip("/")
        response = await self.call(
            self.http.post(
                f"{auth_url}/auth/o2/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.credentials["refresh_token"],
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
            raise AuthFailed(f"amazon token: unexpected answer {str(body)[:200]}") from exc

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        (number,) = numbers
        assert self.token is not None
        return await self.http.get(
            f"{self.base_url}/shipping/v2/tracking",
            params={"trackingId": number, "carrierId": self.credentials["carrier_id"]},
            headers={"x-amz-access-token": self.token.value, "Accept": "application/json"},
        )

    def _codes(self, response: httpx.Response) -> set[str]:
        try:
            return {text(e.get("code")) for e in response.json()["errors"]}
        except (ValueError, KeyError, TypeError, AttributeError):
            return set()

    def _auth_rejected(self, response: httpx.Response) -> bool:
        # SP-API answers a missing, revoked or expired token with 403 "Unauthorized".
        return response.status_code in (401, 403) and "Unauthorized" in self._codes(response)

    def _is_answer(self, response: httpx.Response) -> bool:
        return response.status_code == 404 and "NotFound" in self._codes(response)

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        (number,) = numbers
        if response.status_code == 404:
            return {number: CarrierView.not_found()}
        body = self.json(response)
        payload = body.get("payload") if isinstance(body, dict) else None
        return {number: parse_payload(payload) if isinstance(payload, dict) else CarrierView.not_found()}
