"""FedEx-style webhook payloads (Advanced Integrated Visibility) and their ``fdx-signature``.

What is known [DOC FedEx developer portal, quoted by receivers' code]: FedEx POSTs JSON to the
registered URL and signs each payload with HMAC-SHA256 keyed by the webhook project's "security
token", sent **base64**-encoded in the ``fdx-signature`` header, computed over the raw body.

What is inferred [INFER from third-party receivers, 3P]: the body carries the Track API's
``trackResult`` shape (``latestStatusDetail``, ``scanEvents``, ``dateAndTimes``); receivers accept
``{"output": {"completeTrackResults": [{"trackingNumber", "trackResults": [...]}]}}``. The sandbox
sends exactly a Track API response body for the parcel as it stood when the event became visible,
so a client's Track parser reads it unchanged. FedEx publishes no per-delivery id: receivers
de-duplicate on a digest of the raw body, so the body of a delivery never changes between retries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

from mock_carriers.carriers.spec import WebhookFormat
from mock_carriers.world.context import ParcelView
from sim.events import ParcelTruth, ScanEvent

from . import render

SIGNATURE_HEADER = "fdx-signature"


def sign(secret: str, body: bytes) -> str:
    """base64(HMAC-SHA256(security token, raw body))."""
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def transaction_id(delivery_id: str) -> str:
    """A UUID-shaped id, stable per delivery (FedEx's Track ``transactionId`` is a UUID)."""
    return str(uuid.UUID(bytes=hashlib.sha256(delivery_id.encode("utf-8")).digest()[:16], version=4))


def render_payload(view: ParcelView, at: datetime, delivery_id: str) -> dict[str, Any]:
    """The notification for the newest event of ``view`` (its events up to and including it)."""
    result = render.track_result(view, view.tracking_number, at, detailed=True)
    complete = render.complete_track_result(view.tracking_number, result)
    return render.track_response(transaction_id(delivery_id), None, [complete])


def render_event(
    event: ScanEvent, history: list[ScanEvent], truth: ParcelTruth | None, delivery_id: str
) -> dict[str, Any]:
    """The notification for ``event``: the parcel as it stood when the event became visible."""
    view = ParcelView(event.tracking_number, event.carrier, event.service, history, truth)
    return render_payload(view, datetime.fromisoformat(event.visible_at), delivery_id)


def headers(secret: str, body: bytes) -> dict[str, str]:
    return {SIGNATURE_HEADER: sign(secret, body)}


FORMAT = WebhookFormat(name="fedex", carriers=("fedex",), render=render_event, headers=headers, secret_use="")
