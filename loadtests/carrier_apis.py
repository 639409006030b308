"""Each carrier's tracking API as an aggregator's integration speaks it, over a locust HTTP client.

The protocols are those of the real-client helpers in ``tests/carriers/client_<carrier>.py``: UPS
(Basic-auth client credentials, Bearer + ``transId``/``transactionSrc``), FedEx (form token, ≤ 30
numbers a POST), DHL (``DHL-API-Key``, no token), USPS (JSON token, ``expand=DETAIL``), Amazon
(LWA refresh-token grant, ``x-amz-access-token``) and DPD (SOAP 1.1: ``getAuth`` once, the token in
the ``authentication`` header of each ``getTrackingData``). Tokens are fetched on first use,
refreshed before they expire and once more on an auth failure.

What is *not* a failure, because a real integration sees it in normal operation: a number the
carrier does not know (UPS 200 + ``TW0001``, FedEx 200 + ``TRACKING.TRACKINGNUMBER.NOTFOUND``, DHL
404 "No result found", USPS 400/404 ``1500xx``, Amazon 404 ``NotFound``), a 429 (or a 503 carrying
``Retry-After``) — the carrier is backed off for as long as it asks — and one 401 that a token
refresh cures. Those responses are recorded under their own request name (``… [429]``, ``… [401]``)
so the report shows them without counting them as failures. Everything else that is not a
well-formed answer is a failure.

No locust import here: the client is duck-typed (``locust.contrib.fasthttp.FastHttpSession``), so
the body parsers are unit-testable in a process without gevent.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from loadtests.policy import (
    FEDEX_BATCH,
    Phase,
    http_date,
    retry_after_seconds,
    token_refresh_due,
)

CLIENT_ID = "parcel-sandbox-loadtest"
CLIENT_SECRET = "parcel-sandbox-loadtest-secret"
DEFAULT_BACKOFF_S = 5.0  # after a 429 without Retry-After (UPS sends none), or a failed token call


@dataclass
class TrackOutcome:
    """What one track call taught: the phase of each number answered, and how long to leave the
    carrier alone if it asked (``retry_after``)."""

    phases: dict[str, Phase] = field(default_factory=dict)
    retry_after: float | None = None
    auth_failed: bool = False


# --------------------------------------------------------------------------------------------
# Body parsers: a carrier's answer for one number → Phase (None: not a body we understand)


def ups_phase(body: dict[str, Any]) -> Phase | None:
    shipments = (body.get("trackResponse") or {}).get("shipment")
    if not isinstance(shipments, list) or not shipments:
        return None
    shipment = shipments[0]
    if any(w.get("code") == "TW0001" for w in shipment.get("warnings") or []):
        return Phase.NOT_FOUND
    packages = shipment.get("package") or []
    activity = (packages[0].get("activity") if packages else None) or []
    if not activity:
        return Phase.PRE_TRANSIT
    status = activity[0].get("status") or {}
    code, kind = status.get("statusCode"), status.get("type")
    if code in ("011", "034"):  # delivered (incl. at an Access Point); returned to sender
        return Phase.DONE
    if code == "021":
        return Phase.OUT_FOR_DELIVERY
    if code == "071":
        return Phase.NEAR
    if kind == "M" or code == "003":
        return Phase.PRE_TRANSIT
    if kind == "X":
        return Phase.ATTENTION
    return Phase.IN_TRANSIT


_FEDEX_CODES: dict[str, Phase] = {
    "OC": Phase.PRE_TRANSIT,
    "DL": Phase.DONE,
    "OD": Phase.OUT_FOR_DELIVERY,
    "AR": Phase.NEAR,
    "DE": Phase.ATTENTION,
    "HP": Phase.ATTENTION,
    "CD": Phase.ATTENTION,
    "SE": Phase.ATTENTION,
    "DY": Phase.ATTENTION,
    "DD": Phase.ATTENTION,
    "CA": Phase.ATTENTION,
}
FEDEX_NOT_FOUND = frozenset({"TRACKING.TRACKINGNUMBER.NOTFOUND", "TRACKING.TRACKINGNUMBER.INVALID"})


def fedex_phases(body: dict[str, Any]) -> dict[str, Phase] | None:
    """Every number of a (batched) FedEx answer; ``None`` when the body is not a track answer."""
    results = (body.get("output") or {}).get("completeTrackResults")
    if not isinstance(results, list):
        return None
    out: dict[str, Phase] = {}
    for complete in results:
        number = complete.get("trackingNumber")
        track = (complete.get("trackResults") or [{}])[0]
        error = track.get("error") or {}
        if error:
            if error.get("code") not in FEDEX_NOT_FOUND:
                return None
            out[number] = Phase.NOT_FOUND
            continue
        code = (track.get("latestStatusDetail") or {}).get("code")
        if code == "RS" and _fedex_returned(track):  # RS covers the way back and the arrival
            out[number] = Phase.DONE
        else:
            out[number] = _FEDEX_CODES.get(code or "", Phase.IN_TRANSIT)
    return out


def _fedex_returned(track: dict[str, Any]) -> bool:
    description = (track.get("latestStatusDetail") or {}).get("description") or ""
    return description.lower().startswith("returned")


def dhl_phase(body: dict[str, Any]) -> Phase | None:
    shipments = body.get("shipments")
    if not isinstance(shipments, list) or not shipments:
        return None
    status = shipments[0].get("status") or {}
    code = status.get("statusCode")
    if code == "delivered":
        return Phase.DONE
    if code == "pre-transit":
        return Phase.PRE_TRANSIT
    if code == "failure":
        return Phase.ATTENTION
    # DHL has no status code of its own for the courier run; its description says it.
    if "out with courier" in (status.get("description") or "").lower():
        return Phase.OUT_FOR_DELIVERY
    return Phase.IN_TRANSIT


_USPS_CATEGORIES: dict[str, Phase] = {
    "Pre-Shipment": Phase.PRE_TRANSIT,
    "Pre-Transit": Phase.PRE_TRANSIT,
    "Accepted": Phase.IN_TRANSIT,
    "In Transit": Phase.IN_TRANSIT,
    "Out for Delivery": Phase.OUT_FOR_DELIVERY,
    "Delivered": Phase.DONE,
    "Available for Pickup": Phase.ATTENTION,
    "Delivery Attempt": Phase.ATTENTION,
    "Alert": Phase.ATTENTION,
}
USPS_NOT_FOUND = frozenset({"150002", "150006", "150009", "150010"})


def usps_phase(body: dict[str, Any]) -> Phase | None:
    category = body.get("statusCategory")
    if not isinstance(category, str):
        return None
    if category == "In Transit" and "Post Office" in (body.get("status") or ""):
        return Phase.NEAR
    return _USPS_CATEGORIES.get(category, Phase.IN_TRANSIT)


def usps_not_found(body: dict[str, Any]) -> bool:
    errors = (body.get("error") or {}).get("errors") or []
    return any(e.get("code") in USPS_NOT_FOUND for e in errors)


_AMAZON_STATUSES: dict[str, Phase] = {
    "PreTransit": Phase.PRE_TRANSIT,
    "InTransit": Phase.IN_TRANSIT,
    "OutForDelivery": Phase.OUT_FOR_DELIVERY,
    "Delivered": Phase.DONE,
    "DeliveryAttempted": Phase.ATTENTION,
    "AwaitingCustomerPickup": Phase.ATTENTION,
    "Undeliverable": Phase.ATTENTION,
    "Lost": Phase.ATTENTION,
    "ReturnInitiated": Phase.IN_TRANSIT,
}


def amazon_phase(body: dict[str, Any]) -> Phase | None:
    summary = (body.get("payload") or {}).get("summary")
    if not isinstance(summary, dict):
        return None
    status = summary.get("status") or ""
    if status == "InTransit" and "ArrivedAtLocalFacility" in (
        (summary.get("trackingDetailCodes") or {}).get("forward") or []
    ):
        return Phase.NEAR
    return _AMAZON_STATUSES.get(status, Phase.IN_TRANSIT)


def _json(response: Any) -> dict[str, Any] | None:
    try:
        body = response.json()
    except (ValueError, TypeError, AttributeError):
        return None
    return body if isinstance(body, dict) else None


# --------------------------------------------------------------------------------------------
# The integrations


class CarrierApi:
    """One carrier integration of an aggregator: a token (if the carrier uses one) and track calls.
    Subclasses name their endpoints and parse their answers."""

    carrier: ClassVar[str]
    batch_size: ClassVar[int] = 1
    token_path: ClassVar[str | None] = None
    track_name: ClassVar[str]

    def __init__(self, client: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self.token: str | None = None
        self.refresh_at = 0.0
        self.tokens_fetched = 0

    # -- tokens --------------------------------------------------------------------------------

    def _token_request(self) -> Any:  # pragma: no cover - overridden by carriers with tokens
        raise NotImplementedError

    def _authenticate(self) -> bool:
        """Fetch a token; False (and a failure in the stats) when the carrier refused."""
        with self._token_request() as response:
            body = _json(response) if response.status_code == 200 else None
            token = body.get("access_token") if body else None
            if not isinstance(token, str) or not token:
                response.failure(f"{self.carrier} token: HTTP {response.status_code}")
                return False
            response.success()
        self.token = token
        self.tokens_fetched += 1
        self.refresh_at = token_refresh_due(self.clock(), float(body.get("expires_in") or 3600))
        return True

    def _ensure_token(self) -> bool:
        if self.token_path is None or (self.token is not None and self.clock() < self.refresh_at):
            return True
        return self._authenticate()

    # -- tracking ------------------------------------------------------------------------------

    def track(self, numbers: list[str]) -> TrackOutcome:
        """Track up to ``batch_size`` numbers; re-authenticates once when the token is refused."""
        if len(numbers) > self.batch_size:
            raise ValueError(f"{self.carrier} takes at most {self.batch_size} numbers a call")
        if not self._ensure_token():
            return TrackOutcome(retry_after=DEFAULT_BACKOFF_S)
        outcome = self._track(numbers, first_try=True)
        if outcome.auth_failed and self.token_path is not None:
            self.token = None
            if not self._authenticate():
                return TrackOutcome(retry_after=DEFAULT_BACKOFF_S)
            outcome = self._track(numbers, first_try=False)
        return outcome

    def _track(self, numbers: list[str], first_try: bool) -> TrackOutcome:
        with self._track_request(numbers) as response:
            return self._judge(response, numbers, first_try)

    def _track_request(self, numbers: list[str]) -> Any:  # pragma: no cover - per carrier
        raise NotImplementedError

    def _judge(self, response: Any, numbers: list[str], first_try: bool) -> TrackOutcome:
        """Sort a response into answered / back off / re-authenticate / failure."""
        status = response.status_code
        if status == 429 or (status == 503 and response.headers.get("Retry-After")):
            response.request_meta["name"] = f"{self.track_name} [{status}]"
            response.success()
            wait = retry_after_seconds(
                response.headers.get("Retry-After"),
                DEFAULT_BACKOFF_S,
                http_date(response.headers.get("Date")),
            )
            return TrackOutcome(retry_after=wait)
        if status in self.auth_statuses() and self.token_path is not None and first_try:
            response.request_meta["name"] = f"{self.track_name} [{status}]"
            response.success()
            return TrackOutcome(auth_failed=True)
        phases = self.parse(response, numbers)
        if phases is None:
            response.failure(f"{self.carrier}: unexpected HTTP {status}: {(response.text or '')[:200]}")
            return TrackOutcome()
        response.success()
        return TrackOutcome(phases=phases)

    def auth_statuses(self) -> tuple[int, ...]:
        return (401,)

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        """The phase of each number in a track response (any object with ``status_code`` and
        ``json()``), or ``None`` when it is not an answer this carrier gives in normal operation."""
        raise NotImplementedError  # pragma: no cover - per carrier


class UpsApi(CarrierApi):
    carrier = "ups"
    token_path = "/ups/security/v1/oauth/token"
    track_name = "/ups/api/track/v1/details/[inquiryNumber]"

    def __init__(self, client: Any, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(client, clock)
        # transId must be unique per request; a counter keeps it reproducible.
        self._trans_ids = itertools.count(1)

    def _token_request(self) -> Any:
        return self.client.post(
            self.token_path,
            data=urllib.parse.urlencode({"grant_type": "client_credentials"}),
            auth=(CLIENT_ID, CLIENT_SECRET),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            name=self.token_path,
            catch_response=True,
        )

    def _track_request(self, numbers: list[str]) -> Any:
        return self.client.get(
            f"/ups/api/track/v1/details/{urllib.parse.quote(numbers[0])}?locale=en_US&returnSignature=false",
            headers={
                "Authorization": f"Bearer {self.token}",
                "transId": f"loadtest-{next(self._trans_ids):08d}",
                "transactionSrc": "parcel-sandbox-loadtest",
                "Accept": "application/json",
            },
            name=self.track_name,
            catch_response=True,
        )

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response) if response.status_code == 200 else None
        phase = ups_phase(body) if body else None
        return {numbers[0]: phase} if phase else None


class FedexApi(CarrierApi):
    carrier = "fedex"
    batch_size = FEDEX_BATCH
    token_path = "/fedex/oauth/token"
    track_name = "/fedex/track/v1/trackingnumbers"

    def __init__(self, client: Any, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(client, clock)
        self._transactions = itertools.count(1)

    def _token_request(self) -> Any:
        form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        return self.client.post(
            self.token_path,
            data=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=self.token_path,
            catch_response=True,
        )

    def _track_request(self, numbers: list[str]) -> Any:
        body = {
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers],
        }
        return self.client.post(
            self.track_name,
            data=json.dumps(body),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "x-locale": "en_US",
                "x-customer-transaction-id": f"loadtest-{next(self._transactions)}",
            },
            name=self.track_name,
            catch_response=True,
        )

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response) if response.status_code == 200 else None
        phases = fedex_phases(body) if body else None
        if phases is None or set(phases) != set(numbers):
            return None
        return phases


class DhlApi(CarrierApi):
    carrier = "dhl"
    track_name = "/dhl/track/shipments?trackingNumber=[n]"

    def _track_request(self, numbers: list[str]) -> Any:
        return self.client.get(
            f"/dhl/track/shipments?trackingNumber={urllib.parse.quote(numbers[0])}",
            headers={"DHL-API-Key": "parcel-sandbox-loadtest-key", "Accept": "application/json"},
            name=self.track_name,
            catch_response=True,
        )

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response)
        if body is None:
            return None
        if response.status_code == 404 and body.get("title") == "No result found":
            return {numbers[0]: Phase.NOT_FOUND}
        phase = dhl_phase(body) if response.status_code == 200 else None
        return {numbers[0]: phase} if phase else None


class UspsApi(CarrierApi):
    carrier = "usps"
    token_path = "/usps/oauth2/v3/token"
    track_name = "/usps/tracking/v3/tracking/[trackingNumber]"

    def _token_request(self) -> Any:
        body = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "grant_type": "client_credentials"}
        return self.client.post(
            self.token_path,
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
            name=self.token_path,
            catch_response=True,
        )

    def _track_request(self, numbers: list[str]) -> Any:
        return self.client.get(
            f"/usps/tracking/v3/tracking/{urllib.parse.quote(numbers[0])}?expand=DETAIL",
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            name=self.track_name,
            catch_response=True,
        )

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response)
        if body is None:
            return None
        if response.status_code in (400, 404) and usps_not_found(body):
            return {numbers[0]: Phase.NOT_FOUND}
        phase = usps_phase(body) if response.status_code == 200 else None
        return {numbers[0]: phase} if phase else None


class AmazonApi(CarrierApi):
    carrier = "amazon"
    token_path = "/amazon/auth/o2/token"
    track_name = "/amazon/shipping/v2/tracking?trackingId=[n]"

    def _token_request(self) -> Any:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|parcel-sandbox-loadtest",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
        return self.client.post(
            self.token_path,
            data=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=self.token_path,
            catch_response=True,
        )

    def _track_request(self, numbers: list[str]) -> Any:
        query = urllib.parse.urlencode({"trackingId": numbers[0], "carrierId": "AMZN_US"})
        return self.client.get(
            f"/amazon/shipping/v2/tracking?{query}",
            headers={
                "x-amz-access-token": self.token or "",
                "x-amzn-shipping-business-id": "AmazonShipping_US",
                "Accept": "application/json",
            },
            name=self.track_name,
            catch_response=True,
        )

    def auth_statuses(self) -> tuple[int, ...]:
        return (401, 403)  # SP-API answers an expired token with 403 Unauthorized

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        body = _json(response)
        if body is None:
            return None
        if response.status_code == 404:
            errors = body.get("errors") or []
            return {numbers[0]: Phase.NOT_FOUND} if errors and errors[0].get("code") == "NotFound" else None
        phase = amazon_phase(body) if response.status_code == 200 else None
        return {numbers[0]: phase} if phase else None


# --------------------------------------------------------------------------------------------
# DPD: SOAP 1.1 (XML bodies, faults with HTTP 500)

SOAP_NS = "{http://schemas.xmlsoap.org/soap/envelope/}"
DPD_LOGIN_NS = "http://dpd.com/common/service/types/LoginService/2.1"
DPD_PLC_NS = "http://dpd.com/common/service/types/ParcelLifeCycleService/2.0"
DPD_AUTH_NS = "http://dpd.com/common/service/types/Authentication/2.0"
#: DPD's ``statusInfo/status`` of the newest scan → phase (mock_carriers/carriers/dpd/codes.py).
_DPD_STATUSES: dict[str, Phase] = {
    "PickedUp": Phase.IN_TRANSIT,
    "BetweenDepots": Phase.IN_TRANSIT,
    "Depot": Phase.NEAR,
    "Courier": Phase.OUT_FOR_DELIVERY,
    "Delivered": Phase.DONE,
    "DeliveryFailure": Phase.ATTENTION,
    "ReturningFromDelivery": Phase.ATTENTION,
    "ParcelShop": Phase.ATTENTION,
    "Customs": Phase.ATTENTION,
    "Warehouse": Phase.ATTENTION,
    "Consolidation": Phase.ATTENTION,
}
#: Authentication faults a new ``getAuth`` cures.
DPD_TOKEN_FAULTS = frozenset(
    {"ERR_DELICOM_TOKEN_EXPIRED", "ERR_DELICOM_TOKEN_INCORRECT", "DELICOM_ERR_AUTHENTICATION"}
)
DPD_NOT_FOUND = "ERR_PARCEL_NOT_FOUND"


def _soap_body(content: bytes) -> ElementTree.Element | None:
    """The first element in a SOAP response's Body (the sandbox's own answers; no DTDs)."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        return None
    body = root.find(f"{SOAP_NS}Body")
    return body[0] if body is not None and len(body) else None


def dpd_fault_code(content: bytes) -> str | None:
    """The detail's ``errorCode``/``faultCode`` of a DPD SOAP fault, else None."""
    element = _soap_body(content)
    if element is None or element.tag != f"{SOAP_NS}Fault":
        return None
    detail = element.find("detail")
    if detail is None or not len(detail):
        return None
    return detail[0].findtext("errorCode") or detail[0].findtext("faultCode")


def dpd_phase(content: bytes) -> Phase | None:
    element = _soap_body(content)
    if element is None or element.tag != f"{{{DPD_PLC_NS}}}getTrackingDataResponse":
        return None
    q = f"{{{DPD_PLC_NS}}}"
    infos = element.findall(f"{q}trackingresult/{q}statusInfo")
    if not infos:
        return Phase.PRE_TRANSIT  # a label with no scan: DPD shows no status at all
    return _DPD_STATUSES.get(infos[-1].findtext(f"{q}status") or "", Phase.IN_TRANSIT)


def _dpd_envelope(body: str, header: str = "") -> str:
    return (
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">'
        f"<soapenv:Header>{header}</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )


class DpdApi(CarrierApi):
    carrier = "dpd"
    token_path = "/dpd/soap/services/LoginService/V2_1"
    track_name = "/dpd/soap/services/ParcelLifeCycleService/V2_0 getTrackingData"
    delis_id = CLIENT_ID

    def _token_request(self) -> Any:
        body = (
            f'<ns:getAuth xmlns:ns="{DPD_LOGIN_NS}"><delisId>{escape(self.delis_id)}</delisId>'
            f"<password>{escape(CLIENT_SECRET)}</password><messageLanguage>de_DE</messageLanguage></ns:getAuth>"
        )
        return self.client.post(
            self.token_path,
            data=_dpd_envelope(body),
            headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f"{DPD_LOGIN_NS}/getAuth"},
            name=f"{self.token_path} getAuth",
            catch_response=True,
        )

    def _authenticate(self) -> bool:
        """``getAuth`` about once a day (DPD allows ten logins a day): the token is reused until
        shortly before its ``authTokenExpires`` (UTC)."""
        with self._token_request() as response:
            element = _soap_body(response.content or b"") if response.status_code == 200 else None
            q = f"{{{DPD_LOGIN_NS}}}"
            token = element.findtext(f"{q}return/{q}authToken") if element is not None else None
            expires = element.findtext(f"{q}return/{q}authTokenExpires") if element is not None else None
            if not token or not expires:
                response.failure(f"dpd getAuth: HTTP {response.status_code}")
                return False
            response.success()
        self.token = token
        self.tokens_fetched += 1
        left = datetime.fromisoformat(expires).replace(tzinfo=UTC) - datetime.now(UTC)
        self.refresh_at = token_refresh_due(self.clock(), max(left.total_seconds(), 0.0))
        return True

    def _track_request(self, numbers: list[str]) -> Any:
        header = (
            f'<ns:authentication xmlns:ns="{DPD_AUTH_NS}"><delisId>{escape(self.delis_id)}</delisId>'
            f"<authToken>{escape(self.token or '')}</authToken><messageLanguage>de_DE</messageLanguage>"
            "</ns:authentication>"
        )
        body = (
            f'<ns1:getTrackingData xmlns:ns1="{DPD_PLC_NS}"><parcelLabelNumber>{escape(numbers[0])}'
            "</parcelLabelNumber></ns1:getTrackingData>"
        )
        return self.client.post(
            "/dpd/soap/services/ParcelLifeCycleService/V2_0",
            data=_dpd_envelope(body, header),
            headers={"Content-Type": "text/xml;charset=UTF-8", "SOAPAction": f"{DPD_PLC_NS}/getTrackingData"},
            name=self.track_name,
            catch_response=True,
        )

    def _judge(self, response: Any, numbers: list[str], first_try: bool) -> TrackOutcome:
        # DPD answers a stale token with HTTP 500 and an authentication fault, not 401.
        if (
            response.status_code == 500
            and first_try
            and dpd_fault_code(response.content or b"") in DPD_TOKEN_FAULTS
        ):
            response.request_meta["name"] = f"{self.track_name} [auth fault]"
            response.success()
            return TrackOutcome(auth_failed=True)
        return super()._judge(response, numbers, first_try)

    def parse(self, response: Any, numbers: list[str]) -> dict[str, Phase] | None:
        content = response.content or b""
        if response.status_code == 500 and dpd_fault_code(content) == DPD_NOT_FOUND:
            return {numbers[0]: Phase.NOT_FOUND}
        phase = dpd_phase(content) if response.status_code == 200 else None
        return {numbers[0]: phase} if phase else None


APIS: dict[str, type[CarrierApi]] = {
    api.carrier: api for api in (UpsApi, FedexApi, DhlApi, UspsApi, AmazonApi, DpdApi)
}
