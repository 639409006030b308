"""Ship24's webhooks: ``POST`` to the account's webhook URL with ``{"trackings": [tracking]}``, one
update per message by default ("the Trackings array will always contain 1 and only 1 update";
"The events object always contains one event at a time"), each with ``metadata.generatedAt`` and
``messageId``, and the account's webhook secret as ``Authorization: Bearer <secret>`` [DOCS
docs.ship24.com/webhooks/authentication, /delivery; SPEC ``receive-webhooks-tracking-results``].

In the sandbox ``POST /_sandbox/webhooks {"format": "ship24", "scope": "subscribed"}`` plays the
dashboard's webhook URL and secret; with ``scope: subscribed`` only numbers with a subscribed
tracker created before the scan reached Ship24 are pushed (Ship24 sends for its trackers), after the
same lag as the API (``due_at``). ``scope: all`` pushes every carrier's scans in Ship24's shape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mock_carriers.carriers.spec import PushState, WebhookFormat
from sim.events import CARRIERS, ParcelTruth, ScanEvent

from . import couriers, lag, render
from .trackers import NAMESPACE, MemoryState, record, tracker_ids

FORMAT = NAMESPACE  # the push state the trackers live in is the format's own


def _tracker(state: PushState, number: str, at: float) -> dict[str, Any] | None:
    """The oldest subscribed tracker of ``number`` that existed at ``at``."""
    for tracker_id in tracker_ids(state, number):
        tracker = record(state, tracker_id)
        if tracker is not None and tracker["isSubscribed"] and tracker["created"] <= at:
            return tracker
    return None


def messages(tracker: dict[str, Any], events: list[ScanEvent], now: float) -> list[ScanEvent]:
    """The tracker's own webhook messages by ``now``: one per event of its number that reached
    Ship24 while it was subscribed (``subscribed``; events fetched at its creation were never
    pushed). A resend sends these again."""
    if not tracker["isSubscribed"]:
        return []
    number = tracker["trackingNumber"].upper()
    return [
        e
        for e in events
        if e.tracking_number.upper() == number and tracker["created"] <= lag.seen_at(e) <= now
    ]


def subscribed(state: PushState, event: ScanEvent, visible: float, history: list[ScanEvent]) -> bool:
    return _tracker(state, event.tracking_number, visible) is not None


def render_with_state(
    state: PushState, event: ScanEvent, history: list[ScanEvent], truth: ParcelTruth | None, did: str
) -> dict[str, Any]:
    seen = lag.seen_at(event)
    courier = couriers.BY_CARRIER[event.carrier]
    found = render.Found(
        event.tracking_number, event.carrier, event.service, [(e, courier) for e in history], truth
    )
    body = render.tracking(found, _tracker(state, event.tracking_number, seen), only_last=True)
    metadata = {
        "generatedAt": render.utc_ms(datetime.fromtimestamp(seen, UTC)),
        "messageId": render.uuid_of("ship24-message", did),
    }
    return {"trackings": [{"metadata": metadata, **body}]}


def headers(secret: str, body: bytes) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


FORMAT_SPEC = WebhookFormat(
    name=FORMAT,
    carriers=tuple(c for c in CARRIERS if c in couriers.BY_CARRIER),
    render=lambda event, history, truth, did: render_with_state(MemoryState(), event, history, truth, did),
    headers=headers,
    secret_use="Ship24 format: Authorization: Bearer <secret>",
    subscribed=subscribed,
    push_api="Ship24 trackers",
    due_at=lag.seen_at,
    render_with_state=render_with_state,
)
