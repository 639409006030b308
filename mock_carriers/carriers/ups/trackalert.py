"""UPS Track Alert [SPEC UPSTrackAlert.yaml]: the package subscription call and the webhook payload.

``POST /api/track/{version}/subscription/{type}/package`` (under the sandbox's ``/ups`` prefix)
subscribes up to 100 tracking numbers for 14 days. UPS then POSTs one ``TrackingEventRequest`` per
new scan of a subscribed number to the customer's webhook — here, to every ``ups``-format webhook
of the sandbox (``POST /_sandbox/webhooks``), which plays the part of the URL and credential that
v2 keeps in the developer portal ("Manage Webhook Credentials"). A v1 request may still carry the
old ``destination`` object; the sandbox then registers that URL as a ``ups`` webhook itself.

The subscriptions are this module's: kept in the webhook hub's push state for the ``ups`` format
(``mock_carriers.carriers.spec.PushHub``), read back by ``alerted`` when the hub decides whether a
``scope: subscribed`` webhook gets an event.

The checks run in the gateway's order, as the Track call does: Bearer token (401), ``transId`` /
``transactionSrc`` (400 ``VSS002``/``VSS004``), then the body. Every 400 of this call carries
``invalidTrackingNumbers`` because the spec's error schema requires it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request, Response

from mock_carriers.carriers.spec import PushHub, PushState
from mock_carriers.http.jsonio import JSONResponse, loads_json
from mock_carriers.world.context import CarrierContext
from sim.events import EventCode, ScanEvent

from . import auth, codes, errors

SUBSCRIPTION_PATH = "/api/track/{version}/subscription/{subscription_type}/package"
VERSIONS = frozenset({"v1", "v2"})
TYPES = frozenset({"standard", "enhanced"})
#: "You can subscribe to up to 100 tracking numbers in each submission" [SPEC FAQ].
MAX_NUMBERS = 100
#: "Each tracking number subscription is valid for 14 days" [SPEC FAQ].
SUBSCRIPTION_DAYS = 14
#: v1's ``destination.url`` limit is not published; 2048 is a common gateway limit [INFER].
MAX_URL_LENGTH = 2048
#: The webhook caller's User-Agent [SPEC webhooks.TrackingEvent parameters].
USER_AGENT = "UPSPubSubTrackingService"
#: The sandbox webhook format that receives Track Alert events (and names their push state).
FORMAT = "ups"

TRACKING_NUMBER = re.compile(r"(^1Z[0-9A-Z]{16}$)|(^1R[0-9A-Z]{14}$)|(^1R[0-9A-Z]{26}$)")
_LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_STATE = re.compile(r"[A-Z]{2}")
_US_POSTAL = re.compile(r"\d{5}(?:[-\s]\d{4})?")
PREFERENCES = frozenset({"D", "I", "M", "X"})
#: ``activityStatus.type`` values the webhook schema allows.
_TYPES = frozenset({"D", "I", "M", "MV", "U", "X"})
_DELIVERED = frozenset({EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT})

# [SPEC UPSTrackAlert.yaml error table], verbatim.
INVALID_REQUEST = ("VSS000", "Invalid request and The Subscription request has been rejected.")
UNAVAILABLE = ("VSS100", "We're sorry, the system is temporarily unavailable.  Please try again later.")
EMPTY_REQUEST = (
    "VSS110",
    "Subscription request is empty or not present. The Subscription request has been rejected.",
)
LIST_REQUIRED = ("VSS200", "Tracking Number List is required. The Subscription request has been rejected.")
NO_VALID_NUMBER = (
    "VSS210",
    "The Subscription request should have at least one valid tracking number. "
    "The Subscription request has been rejected.",
)
TOO_MANY = (
    "VSS220",
    "You have submitted over 100 tracking numbers which is not allowed. The entire submission of "
    "tracking numbers has been rejected.  Please resubmit your request again using groups of no more "
    "than 100 tracking numbers.",
)
LOCALE_REQUIRED = ("VSS300", "Locale is required. The Subscription request has been rejected.")
LOCALE_INVALID = ("VSS310", "Please enter a valid locale. The Subscription request has been rejected")
COUNTRY_INVALID = ("VSS400", "Please enter a valid country code. The Subscription request has been rejected.")
DESTINATION_REQUIRED = ("VSS500", "Destination is required. The Subscription request has been rejected")
URL_MISSING = ("VSS600", "URL is empty or not present. The Subscription request has been rejected.")
URL_TOO_LONG = ("VSS610", "URL is too long. The Subscription request has been rejected.")
CREDENTIAL_MISSING = (
    "VSS700",
    "Credential is empty or not present. The Subscription request has been rejected.",
)
CREDENTIAL_TYPE_MISSING = (
    "VSS800",
    "CredentialType is empty or not present. The Subscription request has been rejected.",
)
TYPE_INVALID = ("VSS930", "Type is missing or invalid, The Subscription request has been rejected.")
NOT_FOUND = ("404", "The requested resource was not found.")


def _reject(
    status: int, error: tuple[str, str], invalid: list[str], headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"invalidTrackingNumbers": invalid, **errors.error_body(*error)}
    return JSONResponse(body, status_code=status, headers=headers)


async def subscribe_package(
    request: Request, ctx: CarrierContext, version: str, subscription_type: str
) -> Response:
    denied = auth.check_bearer(request, ctx)
    if denied is not None:
        return denied
    trans_id = request.headers.get("transid", "").strip()
    transaction_src = request.headers.get("transactionsrc", "").strip()
    if not trans_id:
        return _reject(400, errors.MISSING_TRANS_ID, [])
    if not transaction_src:
        return _reject(400, errors.MISSING_TRANSACTION_SRC, [])
    echo = {"transId": trans_id, "transactionSrc": transaction_src}
    if version not in VERSIONS:
        return errors.ups_error(404, NOT_FOUND, headers=echo)
    if subscription_type not in TYPES:
        return _reject(400, TYPE_INVALID, [], echo)

    raw = await request.body()
    if not raw.strip():
        return _reject(400, EMPTY_REQUEST, [], echo)
    try:
        body = loads_json(raw)
    except (ValueError, UnicodeDecodeError):
        return _reject(400, INVALID_REQUEST, [], echo)
    if not isinstance(body, dict) or not body:
        return _reject(400, EMPTY_REQUEST if body == {} else INVALID_REQUEST, [], echo)

    locale = body.get("locale")
    if locale is None or locale == "":
        return _reject(400, LOCALE_REQUIRED, [], echo)
    if not isinstance(locale, str) or not _LOCALE.fullmatch(locale):
        return _reject(400, LOCALE_INVALID, [], echo)
    country = body.get("countryCode")
    if country is not None and (not isinstance(country, str) or not _COUNTRY.fullmatch(country)):
        return _reject(400, COUNTRY_INVALID, [], echo)
    numbers = body.get("trackingNumberList")
    if not isinstance(numbers, list) or not numbers:
        return _reject(400, LIST_REQUIRED, [], echo)
    if len(numbers) > MAX_NUMBERS:
        return _reject(400, TOO_MANY, [str(n) for n in numbers], echo)
    preferences = _preferences(body.get("eventPreferences"), subscription_type)
    if preferences == "invalid":
        return _reject(400, INVALID_REQUEST, [], echo)

    valid: list[str] = []
    invalid: list[str] = []
    for number in numbers:
        text = number if isinstance(number, str) else json.dumps(number)
        target = valid if isinstance(number, str) and TRACKING_NUMBER.fullmatch(number) else invalid
        if text not in target:
            target.append(text)
    if not valid:
        return _reject(400, NO_VALID_NUMBER, invalid, echo)

    hub: PushHub | None = getattr(ctx, "webhooks", None)
    if hub is None:  # a carrier app built without the sandbox's webhook hub (unit-test contexts)
        return errors.ups_error(500, UNAVAILABLE, headers=echo)
    if version == "v1":
        problem = _destination(body.get("destination"), hub)
        if problem is not None:
            return _reject(400, problem, invalid, echo)
    elif not hub.has_subscription(FORMAT):
        # v2 sends to the URL configured in the portal; the sandbox's portal is its ups webhooks.
        return _reject(400, URL_MISSING, invalid, echo)

    subscribe_numbers(hub.push_state(FORMAT), valid, preferences, ctx.now(), SUBSCRIPTION_DAYS)
    hub.ensure_started()
    out: dict[str, Any] = {"validTrackingNumbers": valid}
    if invalid:
        out["invalidTrackingNumbers"] = invalid
    return JSONResponse(out, headers=echo)


def _preferences(value: Any, subscription_type: str) -> frozenset[str] | str | None:
    """``eventPreferences`` narrows what an enhanced subscription sends; standard ignores it."""
    if value is None or subscription_type != "enhanced":
        return None
    if (
        not isinstance(value, list)
        or not 1 <= len(value) <= 4
        or not all(isinstance(v, str) and v in PREFERENCES for v in value)
    ):
        return "invalid"
    return frozenset(value)


def _destination(value: Any, hub: PushHub) -> tuple[str, str] | None:
    """v1's ``destination`` {url, credentialType, credential}; registers it as a ups webhook."""
    if not isinstance(value, dict):
        return DESTINATION_REQUIRED
    url = value.get("url")
    if not isinstance(url, str) or not url.strip():
        return URL_MISSING
    if len(url) > MAX_URL_LENGTH:
        return URL_TOO_LONG
    credential = value.get("credential")
    if not isinstance(credential, str) or not credential:
        return CREDENTIAL_MISSING
    credential_type = value.get("credentialType")
    if not isinstance(credential_type, str) or not credential_type:
        return CREDENTIAL_TYPE_MISSING
    # Reuse the ups webhook with this URL and credential, or register one.
    refusal = hub.ensure_subscription(url.strip(), credential, FORMAT, "subscribed")
    if refusal is not None:
        return (INVALID_REQUEST[0], f"{INVALID_REQUEST[1]} {refusal}")
    return None


def subscribe_numbers(
    state: PushState, numbers: Iterable[str], preferences: frozenset[str] | None, now: datetime, days: int
) -> None:
    """Subscribe ``numbers`` from ``now`` for ``days`` (a number subscribed again starts afresh)."""
    since = now.timestamp()
    until = since + days * 86400.0
    prefs = sorted(preferences) if preferences is not None else None
    state.put_many({number: [since, until, prefs] for number in numbers})


def alerted(state: PushState, event: ScanEvent, visible: float, history: list[ScanEvent]) -> bool:
    """Whether a ``scope: subscribed`` webhook gets ``event``, visible at ``visible``: its number is
    subscribed at that instant and the subscription's preferences let its activity type through."""
    alert = state.get(event.tracking_number)
    if alert is None:
        return False
    since, until, preferences = alert
    if not since <= visible <= until:
        return False
    return wants(frozenset(preferences) if preferences is not None else None, activity_type(event, history))


# --- the webhook payload ------------------------------------------------------------------------


def webhook_headers(secret: str, body: bytes) -> dict[str, str]:
    """UPS puts the client id of the OAuth token it got from the customer in ``x-api-key`` [SPEC];
    the sandbox runs no OAuth against the receiver and sends the subscription's secret instead."""
    return {"User-Agent": USER_AGENT, "x-api-key": secret}


def activity_type(event: ScanEvent, history: list[ScanEvent]) -> str:
    """The ``activityStatus.type`` of ``event`` (used for ``eventPreferences`` filtering too)."""
    kind = _status(event, history).type
    return kind if kind in _TYPES else "I"


def wants(preferences: frozenset[str] | None, event_type: str) -> bool:
    """Whether an enhanced subscription's ``eventPreferences`` let this activity type through.
    D and X "include updates" (U) [SPEC EventPreferences]; a manifest void belongs to M."""
    if preferences is None:
        return True
    if event_type == "U":
        return bool(preferences & {"D", "X"})
    if event_type == "MV":
        return "M" in preferences
    return event_type in preferences


def _status(event: ScanEvent, history: list[ScanEvent]) -> codes.UpsStatus:
    returning = any(e.code == EventCode.RETURN_TO_SENDER and e.seq < event.seq for e in history)
    return codes.status_for(event, returning=returning)


def _gmt_offset(local: datetime) -> str:
    """``(-/+)HH.MM`` — Track Alert writes the offset with a dot [SPEC gmtOffset]."""
    total = int((local.utcoffset() or timedelta(0)).total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    return f"{sign}{total // 3600:02d}.{total % 3600 // 60:02d}"


def _parse(value: str) -> datetime:
    dt = datetime.fromisoformat(value)
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def render_event(event: ScanEvent, history: list[ScanEvent]) -> dict[str, Any]:
    """One ``TrackingEventRequest`` for ``event``; ``history`` holds the parcel's events up to it
    (seq order), which decide whether a movement scan belongs to a return leg.

    Fields follow the spec's schema and examples: dates ``YYYYMMDD``, times ``HHMMSS``, the
    delivery fields only once delivered, the postal code only on a delivery (the spec: "blank
    until the delivery event occurs"), and only values that match the schema's patterns."""
    status = _status(event, history)
    local = _parse(event.occurred_at)
    gmt = local.astimezone(UTC)
    body: dict[str, Any] = {
        "trackingNumber": event.tracking_number,
        "localActivityDate": local.strftime("%Y%m%d"),
        "localActivityTime": local.strftime("%H%M%S"),
    }
    kind = activity_type(event, history)
    loc = event.location
    location: dict[str, str] = {}
    if loc.city and event.code != EventCode.LABEL_CREATED:
        location["city"] = loc.city.upper()
    if loc.region and _STATE.fullmatch(loc.region) and event.code != EventCode.LABEL_CREATED:
        location["stateProvince"] = loc.region
    if kind == "D" and loc.postal_code and _US_POSTAL.fullmatch(loc.postal_code):
        location["postalCode"] = loc.postal_code
    if loc.country and _COUNTRY.fullmatch(loc.country):
        location["country"] = loc.country
    body["activityLocation"] = location
    body["activityStatus"] = {
        "type": kind,
        "code": status.code,
        "description": status.description,
        "descriptionCode": status.status_code,
    }
    estimate = event.estimated_delivery
    delivered = event.code in _DELIVERED
    if estimate is not None:
        body["scheduledDeliveryDate"] = estimate.date.replace("-", "")
    if delivered:
        body["actualDeliveryDate"] = local.strftime("%Y%m%d")
        body["actualDeliveryTime"] = local.strftime("%H%M%S")
    body["gmtActivityDate"] = gmt.strftime("%Y%m%d")
    body["gmtActivityTime"] = gmt.strftime("%H%M%S")
    body["gmtOffset"] = _gmt_offset(local)
    if delivered:
        body["deliveryEndTime"] = local.strftime("%H%M%S")
    elif estimate is not None and estimate.start and estimate.end:
        body["deliveryStartTime"] = _parse(estimate.start).strftime("%H%M%S")
        body["deliveryEndTime"] = _parse(estimate.end).strftime("%H%M%S")
        body["deliveryTimeDescription"] = "estimated delivery window"
    elif estimate is not None:
        body["deliveryTimeDescription"] = "end of day"
    partner = event.details.get("partner")
    if isinstance(partner, dict) and TRACKING_NUMBER.fullmatch(str(partner.get("tracking_number") or "")):
        body["alternateTrackingNumber"] = str(partner["tracking_number"])
    signed_by = event.details.get("signed_by")
    if delivered and signed_by:
        body["receivedBy"] = str(signed_by)
    return body
