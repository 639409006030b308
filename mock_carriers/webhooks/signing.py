"""What goes on the wire for one delivery attempt: the body and its headers. The sandbox format is
signed with ``X-Parcel-Sandbox-Signature``; a carrier format adds the carrier's own headers (its
signature or API key). Every attempt carries the delivery id and attempt number as headers, since
carrier bodies have no id to de-duplicate on."""

from __future__ import annotations

import hashlib
import hmac
import json

from mock_carriers.webhooks.formats import carrier_format
from mock_carriers.webhooks.models import Delivery, Subscription

SIGNATURE_HEADER = "X-Parcel-Sandbox-Signature"
DELIVERY_HEADER = "X-Parcel-Sandbox-Delivery"
ATTEMPT_HEADER = "X-Parcel-Sandbox-Attempt"
USER_AGENT = "parcel-sandbox-webhooks/0.1"


def sign_sandbox(secret: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256(secret, raw body)>``, the ``X-Parcel-Sandbox-Signature`` value."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def build_request(sub: Subscription, row: Delivery, attempt: int) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt."""
    headers = {
        "Content-Type": "application/json",
        DELIVERY_HEADER: row.delivery_id,
        ATTEMPT_HEADER: str(attempt),
        "User-Agent": USER_AGENT,
    }
    fmt = carrier_format(sub.format)
    if fmt is None:
        body = f'{{"delivery_id":{json.dumps(row.delivery_id)},"attempt":{attempt},"event":{row.payload}}}'
        raw = body.encode("utf-8")
        headers[SIGNATURE_HEADER] = sign_sandbox(sub.secret, raw)
    else:
        raw = row.payload.encode("utf-8")
        headers.update(fmt.headers(sub.secret, raw))
    return raw, headers
