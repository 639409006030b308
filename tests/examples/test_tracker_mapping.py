"""The reference tracker against every carrier at once: a shipped world served on a real server,
every parcel registered, the clock moved in steps; at each step each parcel's status, newest scan
time and ETA must agree with what the sandbox says the carrier shows at that instant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.examples.expectations import expected_statuses, shown_events
from tests.examples.harness import move_clock, parcel, served, shipped, tracker, wait_for

pytestmark = [pytest.mark.live, pytest.mark.slow]

SILENCE = timedelta(days=3)
# Carriers whose wire shows the estimate as a local date (Amazon sends an instant, DPD only Predict).
DATE_ETA = {"ups", "fedex", "usps", "dhl", "hermes"}
FINISHED = {"delivered", "returned"}


def all_parcels(http: httpx.Client, sandbox: str) -> list[dict[str, Any]]:
    items, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = http.get(f"{sandbox}/_sandbox/parcels", params=params).json()
        items += page["items"]
        cursor = page["next"]
        if not cursor:
            return items


def caught_up(http: httpx.Client, tracker_url: str, since: datetime) -> list[dict[str, Any]] | None:
    """All parcels polled at or after ``since`` — but finished ones, which the tracker stops polling
    a grace period after their last scan."""
    items = http.get(f"{tracker_url}/api/shipments", params={"limit": 10000}).json()["items"]
    done = all(
        i["status"] in FINISHED or (i["last_checked"] and datetime.fromisoformat(i["last_checked"]) >= since)
        for i in items
    )
    return items if done else None


def check_against_sandbox(http: httpx.Client, sandbox: str, tracker_url: str, now: datetime) -> int:
    items = wait_for(lambda: caught_up(http, tracker_url, now), 60, "the tracker to poll every parcel")
    wrong = []
    for item in items:
        truth = parcel(http, sandbox, item["tracking_number"])
        events = shown_events(item["carrier"], truth["events"])
        expected = expected_statuses(item["carrier"], events, now, SILENCE)
        if item["status"] not in expected:
            shown = [(e["code"], e["reason"]) for e in events[-3:]]
            wrong.append(
                f"{item['carrier']} {item['tracking_number']}: {item['status']} ∉ {expected}; {shown}"
            )
        if events and item["last_carrier_update"] is not None:
            newest = max(datetime.fromisoformat(e["occurred_at"]) for e in events)
            lag = abs(datetime.fromisoformat(item["last_carrier_update"]) - newest)
            if lag > timedelta(minutes=1):
                wrong.append(
                    f"{item['carrier']} {item['tracking_number']}: "
                    f"newest scan {item['last_carrier_update']} vs {newest}"
                )
        estimate = events[-1].get("estimated_delivery") if events else None
        if item["carrier"] in DATE_ETA and item["status"] not in ("delivered", "returned") and estimate:
            if item["eta"] != estimate["date"]:
                wrong.append(
                    f"{item['carrier']} {item['tracking_number']}: eta {item['eta']} vs {estimate['date']}"
                )
    assert not wrong, f"{len(wrong)} of {len(items)} disagree:\n" + "\n".join(wrong[:40])
    return len(items)


# Between them: all seven carriers, failed attempts, pickup points, returns, weather delays, customs
# holds, address problems.
SCENARIOS = [
    "baseline",
    "germany",
    "failed_attempts",
    "weather_delay",
    "international_customs",
    "address_errors",
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_parcel_reads_as_its_carrier_shows_it(scenario: str) -> None:
    with (
        served(shipped(scenario, 60)) as sandbox,
        tracker(sandbox) as tracker_url,
        httpx.Client(timeout=30) as http,
    ):
        move_clock(http, sandbox, advance="20h")
        numbers = [
            {"carrier": p["carrier"], "tracking_number": p["tracking_number"]}
            for p in all_parcels(http, sandbox)
        ]
        r = http.post(f"{tracker_url}/shipments/bulk", json={"shipments": numbers})
        assert r.status_code == 200 and r.json()["errors"] == [], r.text
        checked = 0
        for step in ("0s", "14h", "1d", "1d12h"):
            now = move_clock(http, sandbox, advance=step)
            checked += check_against_sandbox(http, sandbox, tracker_url, now)
        assert checked >= 4 * len(numbers) > 0
