"""The ``ship24`` webhook format through the sandbox's webhook hub, over a served world."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_carriers.carriers.ship24 import lag
from mock_carriers.carriers.ship24.trackers import TrackerStore
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.world.sandbox import Sandbox
from sim.events import ScanEvent
from tests.conftest import small_scenario

pytestmark = pytest.mark.slow


def test_the_hub_sends_ship24_bodies_when_ship24_has_the_scan() -> None:
    """Through the webhook hub of a served world: a ``ship24`` subscription gets each scan once the
    aggregator's poll has it (``lag.seen_at``), a ``sandbox`` one as soon as the carrier shows it;
    with ``scope: subscribed`` only the numbers a subscribed tracker follows."""
    sandbox = Sandbox(small_scenario(), clock_mode="manual")
    hub = WebhookHub(sandbox)
    sandbox.webhooks = hub
    url = "http://127.0.0.1:9/hook"
    plain = hub.subscribe(url, "s", "sandbox")
    ship24 = hub.subscribe(url, "s", "ship24")
    followed = hub.subscribe(url, "s", "ship24", scope="subscribed")

    def rows(sid: str) -> dict[str, Any]:
        return {r.event_id: r for r in hub._queues.pending.values() if r.subscription_id == sid}

    sandbox.clock.advance(36 * 3600)
    sandbox.sync()
    number = next(iter(rows(plain.id).values())).tracking_number
    tracker, _ = TrackerStore(sandbox.context("ship24")).create({"trackingNumber": number}, sandbox.sync())
    for _ in range(12):
        sandbox.clock.advance(20 * 60)
        now = sandbox.sync().timestamp()
        hub.advance()
        # the sandbox-format rows carry their event (the engine's store may hold a parcel's
        # record as a fresh copy from its archive)
        events = {i: ScanEvent.from_dict(json.loads(r.payload)) for i, r in rows(plain.id).items()}
        sent = rows(ship24.id)
        assert set(sent) == {i for i in rows(plain.id) if lag.seen_at(events[i]) <= now}
    assert len(sent) < len(rows(plain.id))  # some scans are still on their way to Ship24
    mine = rows(followed.id)
    assert mine and {r.tracking_number for r in mine.values()} == {number}
    body = json.loads(next(iter(mine.values())).payload)
    assert body["trackings"][0]["tracker"]["trackerId"] == tracker["trackerId"]
    assert all(lag.seen_at(events[i]) >= tracker["created"] for i in mine)
    hub.close()


def test_resend_sends_the_trackers_messages_again_under_new_ids() -> None:
    """``POST /trackers/{id}/webhook-events/resend``: every message the tracker has had (one per
    scan Ship24 found while it was subscribed) is queued again under new delivery and message ids;
    ``totalResent`` counts them; an unknown tracker is Ship24's 404."""
    from fastapi.testclient import TestClient

    from mock_carriers.carriers.ship24 import create_carrier_app

    sandbox = Sandbox(small_scenario(), clock_mode="manual")
    hub = WebhookHub(sandbox)
    sandbox.webhooks = hub
    sandbox.clock.advance(30 * 3600)
    sandbox.sync()
    followed = hub.subscribe("http://127.0.0.1:9/hook", "s", "ship24", scope="subscribed")
    http = TestClient(create_carrier_app(sandbox.context("ship24")))
    auth = {"Authorization": "Bearer apik_resend"}
    numbers = [r.tracking_number for r in sandbox.store.records() if r.carrier == "ups"][:8]
    trackers = [
        http.post("/public/v1/trackers", json={"trackingNumber": n}, headers=auth).json()["data"]["tracker"]
        for n in numbers
    ]
    for _ in range(8):
        sandbox.clock.advance(3600)
        sandbox.sync()
        hub.advance()

    def rows() -> dict[str, Any]:
        return {r.delivery_id: r for r in hub._queues.pending.values() if r.subscription_id == followed.id}

    before = rows()
    first = {r.tracking_number for r in before.values()}
    tracker = next(t for t in trackers if t["trackingNumber"] in first)
    pushed = sorted(r.event_id for r in before.values() if r.tracking_number == tracker["trackingNumber"])
    url = f"/public/v1/trackers/{tracker['trackerId']}/webhook-events/resend"
    r = http.post(url, headers=auth)
    assert r.status_code == 201, r.text
    assert r.json() == {"data": {"summary": {"totalResent": len(pushed)}}}
    again = {k: v for k, v in rows().items() if k not in before}
    assert sorted(v.event_id for v in again.values()) == pushed
    ids = {json.loads(v.payload)["trackings"][0]["metadata"]["messageId"] for v in again.values()}
    assert not ids & {json.loads(v.payload)["trackings"][0]["metadata"]["messageId"] for v in before.values()}
    # A second resend is a new set of messages, not the first one again.
    assert http.post(url, headers=auth).json()["data"]["summary"]["totalResent"] == len(pushed)
    assert len(rows()) == len(before) + 2 * len(pushed)
    # By clientTrackerId too, and Ship24's 404 for none.
    missing = http.post("/public/v1/trackers/nope/webhook-events/resend", headers=auth)
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "tracker_not_found"
    hub.close()
