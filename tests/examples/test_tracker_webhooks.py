"""Webhook mode: the tracker subscribes to the sandbox's signed push feed and updates from it —
with a poll interval of an hour, only the webhooks can make it follow the parcel — and refuses
deliveries whose signature does not verify."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx
import pytest

from examples.reference_tracker.webhooks import signature
from tests.examples.harness import (
    case,
    latest_code,
    metrics,
    register,
    served,
    shipped,
    step_until,
    tracked,
    wait_for,
)
from tests.examples.harness import tracker as tracker_server

pytestmark = [pytest.mark.live, pytest.mark.slow]
SECRET = "s3cret-for-tests"


def test_webhooks_keep_the_tracker_current_without_polling_and_forgeries_are_refused() -> None:
    # Few parcels: the tracker gets every event of its carrier, most of them not its parcels.
    with served(shipped("weather_delay", 25)) as sandbox, httpx.Client(timeout=30) as http:
        pinned = case(http, sandbox, "weather_delay")
        with tracker_server(
            sandbox,
            webhooks="subscribe",
            webhook_secret=SECRET,
            poll_interval=3600,
            carriers=(pinned["carrier"],),
        ) as url:
            check_webhook_mode(http, sandbox, url, pinned["carrier"], pinned["tracking_number"])
        # A tracker that stops takes its subscription with it.
        assert http.get(f"{sandbox}/_sandbox/webhooks").json() == []


def check_webhook_mode(http: httpx.Client, sandbox: str, url: str, carrier: str, number: str) -> None:
    """Follow the storm-delayed parcel on webhooks alone, then send forged deliveries."""
    subscriptions = http.get(f"{sandbox}/_sandbox/webhooks").json()
    mine = [s for s in subscriptions if s["url"] == f"{url}/webhooks/sandbox"]
    assert len(mine) == 1 and mine[0]["carriers"] == [carrier], subscriptions

    register(http, url, carrier, number)

    def reads(status: str, since: datetime) -> dict | None:
        answer = tracked(http, url, carrier, number)
        checked = answer["last_checked"] and datetime.fromisoformat(answer["last_checked"]) >= since
        return answer if answer["status"] == status and checked else None

    moving = (
        "PICKED_UP",
        "ARRIVED_AT_FACILITY",
        "PROCESSED_AT_FACILITY",
        "DEPARTED_FACILITY",
        "IN_TRANSIT",
    )
    steps = (
        ((moving), "1h", "in_transit"),
        (("DELAYED",), "3h", "delayed"),
        (("DELIVERED",), "6h", "delivered"),
    )
    for codes, step, status in steps:
        now, _ = step_until(http, sandbox, number, latest_code(*codes), step)
        wait_for(lambda s=status, n=now: reads(s, n), what=f"the webhook-fed {status}")
    stats = metrics(http, url)["webhooks"]
    assert stats["applied"] >= 3 and stats.get("bad_signature", 0) == 0, stats
    log = http.get(f"{sandbox}/_sandbox/webhooks/{mine[0]['id']}/deliveries", params={"limit": 1000}).json()
    assert log["items"] and all(a["status_code"] == 200 for a in log["items"]), log["items"][:3]

    forged = json.dumps(
        {
            "delivery_id": "dlv_forged",
            "attempt": 1,
            "event": {
                "tracking_number": number,
                "carrier": carrier,
                "code": "RETURNED_TO_SENDER",
                "reason": None,
                "occurred_at": (now + timedelta(hours=1)).isoformat(),
                "location": None,
            },
        }
    ).encode()
    wrong = http.post(
        f"{url}/webhooks/sandbox",
        content=forged,
        headers={"X-Parcel-Sandbox-Signature": signature("not-the-secret", forged)},
    )
    assert wrong.status_code == 401, wrong.text
    missing = http.post(f"{url}/webhooks/sandbox", content=forged)
    assert missing.status_code == 401
    assert tracked(http, url, carrier, number)["status"] == "delivered"
    assert metrics(http, url)["webhooks"]["bad_signature"] == 2
