"""Webhook mode: the tracker subscribes to the sandbox's push feed (``POST /_sandbox/webhooks``,
format ``sandbox``), verifies each delivery's ``X-Parcel-Sandbox-Signature`` over the raw body
before reading it, de-duplicates on the delivery id (deliveries come at least once), applies the
scan at once and asks the carrier's API about the parcel right away, so the event list soon is the
carrier's own again (``docs/webhooks.md``)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter, OrderedDict
from datetime import datetime
from typing import Any

import httpx

from examples.reference_tracker.derive import apply_pushed
from examples.reference_tracker.model import TrackEvent
from examples.reference_tracker.poller import Tracker
from examples.reference_tracker.vocabulary import Status

SIGNATURE_HEADER = "X-Parcel-Sandbox-Signature"
#: Delivery ids remembered for de-duplication (oldest forgotten first).
SEEN_LIMIT = 100_000

# The sandbox feed speaks the sandbox's canonical event codes; this is the tracker's reading of them.
FEED_CODES: dict[str, Status] = {
    "LABEL_CREATED": Status.LABEL_CREATED,
    "PICKED_UP": Status.IN_TRANSIT,
    "ARRIVED_AT_FACILITY": Status.IN_TRANSIT,
    "PROCESSED_AT_FACILITY": Status.IN_TRANSIT,
    "DEPARTED_FACILITY": Status.IN_TRANSIT,
    "IN_TRANSIT": Status.IN_TRANSIT,
    "ARRIVED_AT_DELIVERY_STATION": Status.IN_TRANSIT,
    "HANDED_TO_PARTNER": Status.IN_TRANSIT,
    "CUSTOMS_CLEARED": Status.IN_TRANSIT,
    "OUT_FOR_DELIVERY": Status.OUT_FOR_DELIVERY,
    "DELIVERY_ATTEMPTED": Status.FAILED_ATTEMPT,
    "DELIVERED": Status.DELIVERED,
    "PICKED_UP_BY_RECIPIENT": Status.DELIVERED,
    "AVAILABLE_FOR_PICKUP": Status.AVAILABLE_FOR_PICKUP,
    "EXCEPTION": Status.EXCEPTION,
    "CUSTOMS_HOLD": Status.EXCEPTION,
    "DELAYED": Status.DELAYED,
    "DELIVERY_RESCHEDULED": Status.DELAYED,
    "RETURN_TO_SENDER": Status.RETURNING,
    "RETURNED_TO_SENDER": Status.RETURNED,
}
DELAY_REASONS = frozenset({"weather", "missed_connection", "hub_backlog", "hub_outage", "breakdown"})


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of the HMAC-SHA256 of the raw body."""
    return header is not None and hmac.compare_digest(signature(secret, body), header)


def feed_status(code: str, reason: str | None) -> Status:
    status = FEED_CODES.get(code, Status.IN_TRANSIT)
    if status is Status.EXCEPTION and reason == "lost":
        return Status.LOST
    if status is Status.EXCEPTION and reason in DELAY_REASONS:
        return Status.DELAYED
    return status


def feed_event(event: dict[str, Any]) -> TrackEvent:
    """A sandbox-format event as the tracker's ``TrackEvent``; ValueError/KeyError if malformed."""
    when = datetime.fromisoformat(str(event["occurred_at"]))
    if when.tzinfo is None:
        raise ValueError("occurred_at without offset")
    code, reason = str(event["code"]), event.get("reason")
    where = event.get("location") or {}
    parts = [where.get(k) for k in ("city", "region", "country")]
    return TrackEvent(
        time=when,
        code=code,
        description=code.replace("_", " ").capitalize() + (f" ({reason})" if reason else ""),
        location=", ".join(p for p in parts if isinstance(p, str) and p),
        status=feed_status(code, reason if isinstance(reason, str) else None),
        source="webhook",
    )


class WebhookReceiver:
    def __init__(self, tracker: Tracker, secret: str) -> None:
        self.tracker = tracker
        self.secret = secret
        self.subscription_id: str | None = None
        self.stats: Counter[str] = Counter()
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def subscribe(self, http: httpx.AsyncClient) -> None:
        config = self.tracker.config
        response = await http.post(
            f"{config.sandbox_url}/_sandbox/webhooks",
            json={
                "url": config.receiver_url,
                "secret": self.secret,
                "carriers": list(config.carriers),
                "format": "sandbox",
            },
        )
        if response.status_code != 201:
            raise RuntimeError(f"webhook subscription refused: {response.status_code} {response.text[:300]}")
        self.subscription_id = response.json()["id"]

    async def unsubscribe(self, http: httpx.AsyncClient) -> None:
        if self.subscription_id is None:
            return
        url = f"{self.tracker.config.sandbox_url}/_sandbox/webhooks/{self.subscription_id}"
        try:
            await http.delete(url)
        except httpx.HTTPError:
            pass  # the sandbox is gone already; nothing to clean up
        self.subscription_id = None

    def _first_time(self, delivery_id: str) -> bool:
        if delivery_id in self._seen:
            return False
        self._seen[delivery_id] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        return True

    def receive(self, body: bytes, signature_header: str | None) -> tuple[int, dict[str, Any]]:
        """Handle one delivery; returns (HTTP status, body). Any 2xx acknowledges it."""
        self.stats["received"] += 1
        if not verify(self.secret, body, signature_header):
            self.stats["bad_signature"] += 1
            return 401, {"error": "bad or missing X-Parcel-Sandbox-Signature"}
        try:
            payload = json.loads(body)
            delivery_id = str(payload["delivery_id"])
            event = payload["event"]
            carrier, number = str(event["carrier"]), str(event["tracking_number"])
            scan = feed_event(event)
        except (ValueError, KeyError, TypeError) as exc:
            self.stats["malformed"] += 1
            return 400, {"error": f"not a sandbox webhook delivery: {exc}"}
        if not self._first_time(delivery_id):
            self.stats["duplicates"] += 1
            return 200, {"status": "duplicate"}
        shipment = self.tracker.get(carrier, number)
        if shipment is None:
            self.stats["unregistered"] += 1
            return 200, {"status": "ignored: not a registered parcel"}
        now = self.tracker.now or scan.time
        apply_pushed(shipment, scan, now, self.tracker.behaviour, self.tracker.config.silence_after)
        self.stats["applied"] += 1
        self.tracker.poll_soon([shipment.key])
        return 200, {"status": "applied"}
