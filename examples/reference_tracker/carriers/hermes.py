"""Hermes Germany HSI: an OAuth password grant (with refresh tokens) on the auth facade, then
``shipmentinfo`` for up to 100 shipment IDs a call (``docs/carriers/hermes.md``; specs
``vendor/specs/hermes_de``). Codes are Hermes's four-digit "2x2" event codes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.carriers.base import AuthFailed, CarrierClient, Token, place, text
from examples.reference_tracker.model import CarrierView, Eta, TrackEvent
from examples.reference_tracker.timezones import local_at, zone_for
from examples.reference_tracker.vocabulary import Status

CODES: dict[str, Status] = {
    "0000": Status.LABEL_CREATED,
    "1000": Status.IN_TRANSIT,  # left the client's warehouse
    "2400": Status.IN_TRANSIT,  # handed in at a PaketShop
    "2000": Status.IN_TRANSIT,
    "1510": Status.IN_TRANSIT,
    "1610": Status.IN_TRANSIT,
    "1720": Status.IN_TRANSIT,  # customs cleared
    "1810": Status.IN_TRANSIT,  # handed to a partner carrier
    "1520": Status.RETURNING,  # sorted on the way back
    "3000": Status.OUT_FOR_DELIVERY,
    "3410": Status.AVAILABLE_FOR_PICKUP,
    "3710": Status.FAILED_ATTEMPT,  # not accepted
    "3720": Status.FAILED_ATTEMPT,  # address not found
    "3740": Status.FAILED_ATTEMPT,  # stopped, possible damage
    "3750": Status.DELAYED,  # route cancelled (vehicle breakdown)
    "4100": Status.DELAYED,  # cannot deliver as planned / kept for later delivery
    "1730": Status.EXCEPTION,  # held by customs
    "4010": Status.EXCEPTION,
    "4020": Status.EXCEPTION,
    "4031": Status.EXCEPTION,
    "4035": Status.EXCEPTION,
    "4040": Status.EXCEPTION,
    "0600": Status.EXCEPTION,  # not yet at the destination depot
    "0700": Status.EXCEPTION,
    "0800": Status.LOST,  # still not there after a week: Hermes is searching
    "0900": Status.LOST,
    "1751": Status.RETURNING,  # rejected by customs
    "7500": Status.RETURNED,
}
# Families, for codes the table does not list.
PREFIXES: tuple[tuple[str, Status], ...] = (
    ("35", Status.DELIVERED),
    ("37", Status.FAILED_ATTEMPT),
    ("60", Status.RETURNING),
    ("4", Status.EXCEPTION),
)
NOT_FOUND = "e001"
TOKEN_PROBLEMS = frozenset({"e902", "e903"})


def code_status(code: str) -> Status:
    if code in CODES:
        return CODES[code]
    return next((status for prefix, status in PREFIXES if code.startswith(prefix)), Status.IN_TRANSIT)


def _instant(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(text(value))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


def parse_shipment(info: dict[str, Any]) -> CarrierView:
    events = []
    for status in info.get("status") or []:
        when = _instant(status.get("timestamp"))
        if when is None:
            continue
        unit = status.get("scanningUnit") or {}
        events.append(
            TrackEvent(
                time=when,
                code=text(status.get("code")),
                description=text(status.get("description")),
                location=place(unit.get("city"), unit.get("countryCode")),
                status=code_status(text(status.get("code"))),
            )
        )
    return CarrierView(found=True, events=tuple(events), eta=_eta(info))


def _eta(info: dict[str, Any]) -> Eta | None:
    forecast = info.get("deliveryForecast") or {}
    try:
        day = date.fromisoformat(text(forecast.get("date")))
    except ValueError:
        return None
    slot = forecast.get("timeSlot") or {}
    zone = zone_for((info.get("receiverAddress") or {}).get("countryCode") or "DE")
    bounds = []
    for key in ("from", "to"):
        try:
            bounds.append(local_at(day, time.fromisoformat(text(slot.get(key))), zone))
        except ValueError:
            bounds.append(None)
    return Eta(date=day.isoformat(), start=bounds[0], end=bounds[1])


class HermesClient(CarrierClient):
    name = "hermes"
    batch_size = 100
    credential_defaults: ClassVar[dict[str, str]] = {
        "client_id": "reference-tracker",
        "client_secret": "reference-tracker-secret",
        "username": "reference-tracker-user",
        "password": "reference-tracker-password",
    }
    _refresh_token: str | None = None

    async def _token_call(self, form: dict[str, str]) -> httpx.Response:
        auth_url = self.credentials.get("auth_url", self.base_url).rstrip("/")
        return await self.call(
            self.http.post(
                f"{auth_url}/authorization-facade/oauth2/access_token",
                data={
                    **form,
                    "client_id": self.credentials["client_id"],
                    "client_secret": self.credentials["client_secret"],
                },
                headers={"Accept": "application/json"},
            )
        )

    async def _authenticate(self) -> None:
        """Renew with the refresh token when there is one; log in afresh otherwise (or if refused)."""
        response = None
        if self._refresh_token:
            self.stats["token_refresh_grants"] += 1
            response = await self._token_call(
                {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
            )
            if response.status_code != 200:
                response = None
        if response is None:
            response = await self._token_call(
                {
                    "grant_type": "password",
                    "username": self.credentials["username"],
                    "password": self.credentials["password"],
                }
            )
        self.check(response, "token")
        body = self.json(response)
        try:
            # Hermes types expires_in as a string; the refresh token comes back unchanged.
            self.token = Token.lasting(body["access_token"], float(body["expires_in"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise AuthFailed(f"hermes token: unexpected answer {str(body)[:200]}") from exc
        self._refresh_token = text(body.get("refresh_token")) or self._refresh_token

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        assert self.token is not None
        return await self.http.get(
            f"{self.base_url}/services/hsi/shipmentinfo",
            params={"shipmentID": list(numbers)},
            headers={
                "Authorization": f"Bearer {self.token.value}",
                "Accept": "application/json",
                "Accept-Language": "en",
            },
        )

    def _result_codes(self, response: httpx.Response) -> set[str]:
        try:
            return {text(c.get("code")) for c in response.json().get("listOfResultCodes") or []}
        except (ValueError, TypeError, AttributeError):
            return set()

    def _auth_rejected(self, response: httpx.Response) -> bool:
        return response.status_code in (400, 401) and bool(self._result_codes(response) & TOKEN_PROBLEMS)

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        body = self.json(response)
        entries = body.get("shipmentinfo") or [] if isinstance(body, dict) else []
        views = {n: CarrierView.not_found() for n in numbers}
        for info in entries:
            number = text(info.get("shipmentID"))
            if number in views and (info.get("result") or {}).get("code") != NOT_FOUND:
                views[number] = parse_shipment(info)
        return views
