"""Helpers for the reference tracker's tests: a shipped scenario served on a real uvicorn server,
trackers on real servers pointed at it, the clock moved (tolerating an asynchronous clock that
answers 202 and catches up later), and waiting for a tracker to have polled after a move."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx

from examples.reference_tracker.app import create_app as create_tracker_app
from examples.reference_tracker.config import TrackerConfig
from mock_carriers.app import create_app
from sim.scenario import Scenario, parse_duration
from tests.conftest import scenario_dict
from tests.live import free_port, live_server

T = TypeVar("T")


def shipped(name: str, parcels_per_day: int = 120) -> Scenario:
    """A shipped scenario at a test-friendly demand; its pinned cases are those of the file."""
    data = scenario_dict(name)
    data["demand"] = {**data["demand"], "parcels_per_day": parcels_per_day}
    return Scenario.model_validate(data)


@contextlib.contextmanager
def served(scenario: Scenario, **app_kwargs: Any) -> Iterator[str]:
    with live_server(create_app(scenario, **app_kwargs)) as base:
        yield base


@contextlib.contextmanager
def tracker(sandbox: str, **overrides: Any) -> Iterator[str]:
    """A reference tracker (or a broken variant, ``broken=...``) on a real server; yields its URL."""
    port = free_port()
    settings: dict[str, Any] = {"poll_interval": 0.1, "backoff_base": 0.2, "backoff_cap": 2.0, **overrides}
    config = TrackerConfig(sandbox_url=sandbox, port=port, **settings)
    with live_server(create_tracker_app(config), port=port) as url:
        yield url


def wait_for(predicate: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def clock_now(http: httpx.Client, sandbox: str) -> datetime:
    r = http.get(f"{sandbox}/_sandbox/clock")
    assert r.status_code == 200, r.text
    return datetime.fromisoformat(r.json()["now"])


def move_clock(
    http: httpx.Client, sandbox: str, *, advance: str | None = None, to: datetime | None = None
) -> datetime:
    """Move the sandbox clock and return the new instant. A 200 answers at once; a 202 (a move
    past the engine's frontier done in the background) is followed by polling the clock."""
    before = clock_now(http, sandbox)
    if advance is not None:
        target, body = before + timedelta(seconds=parse_duration(advance)), {"advance": advance}
    else:
        assert to is not None
        target, body = max(before, to), {"to": max(before, to).isoformat()}
    r = http.post(f"{sandbox}/_sandbox/clock", json=body)
    assert r.status_code in (200, 202), r.text
    if r.status_code == 200:
        return datetime.fromisoformat(r.json()["now"])
    return wait_for(
        lambda: (now := clock_now(http, sandbox)) >= target and now,
        timeout=600,  # the simulation's own speed on a busy machine, not a serving delay
        what=f"the clock to reach {target}",
    )


def parcel(http: httpx.Client, sandbox: str, number: str) -> dict[str, Any]:
    r = http.get(f"{sandbox}/_sandbox/parcels/{number}")
    assert r.status_code == 200, r.text
    return r.json()


def visible_events(http: httpx.Client, sandbox: str, number: str) -> list[dict[str, Any]]:
    """What the carrier shows of a parcel now; none before the world has created it."""
    r = http.get(f"{sandbox}/_sandbox/parcels/{number}")
    if r.status_code == 404:
        return []
    assert r.status_code == 200, r.text
    return r.json()["events"]


def case(http: httpx.Client, sandbox: str, story: str, carrier: str | None = None) -> dict[str, Any]:
    """The scenario's pinned case telling ``story`` (by story, not name: names are the scenario's)."""
    r = http.get(f"{sandbox}/_sandbox/cases")
    assert r.status_code == 200, r.text
    found = [c for c in r.json() if c["story"] == story and carrier in (None, c["carrier"])]
    assert found and found[0]["tracking_number"], f"no pinned {story} case: {r.json()}"
    return found[0]


def register(http: httpx.Client, tracker_url: str, carrier: str, number: str) -> dict[str, Any]:
    r = http.post(f"{tracker_url}/shipments", json={"carrier": carrier, "tracking_number": number})
    assert r.status_code in (200, 201), r.text
    return r.json()


def tracked(http: httpx.Client, tracker_url: str, carrier: str, number: str) -> dict[str, Any]:
    r = http.get(f"{tracker_url}/api/track/{carrier}/{number}")
    assert r.status_code == 200, r.text
    return r.json()


def checked_since(
    http: httpx.Client, tracker_url: str, carrier: str, number: str, since: datetime, timeout: float = 30.0
) -> dict[str, Any]:
    """The tracker's answer once it has asked the carrier at or after ``since`` (sandbox time)."""

    def fresh() -> dict[str, Any] | None:
        body = tracked(http, tracker_url, carrier, number)
        checked = body["last_checked"]
        return body if checked and datetime.fromisoformat(checked) >= since else None

    return wait_for(fresh, timeout, f"{carrier} {number} to be checked at or after {since}")


def metrics(http: httpx.Client, tracker_url: str) -> dict[str, Any]:
    r = http.get(f"{tracker_url}/api/metrics")
    assert r.status_code == 200, r.text
    return r.json()


def sandbox_requests(http: httpx.Client, sandbox: str, carrier: str, route: str) -> int:
    """``parcel_sandbox_requests_total`` for a carrier and route class, from the sandbox's metrics."""
    text = http.get(f"{sandbox}/_sandbox/metrics").text
    pattern = (
        rf'^parcel_sandbox_requests_total{{[^}}]*carrier="{carrier}"[^}}]*route="{route}"[^}}]*}}\s+(\S+)'
    )
    match = re.search(pattern, text, re.M)
    return int(float(match.group(1))) if match else 0


def step_until_parcel(
    http: httpx.Client,
    sandbox: str,
    number: str,
    holds: Callable[[dict[str, Any]], bool],
    step: str = "3h",
    limit: str = "12d",
) -> tuple[datetime, dict[str, Any]]:
    """Move the clock in steps until ``holds(GET /_sandbox/parcels/{number})``; returns the instant
    and that record. Fails if it does not happen within ``limit``."""
    start = clock_now(http, sandbox)
    end = start + timedelta(seconds=parse_duration(limit))
    while True:
        now = clock_now(http, sandbox)
        r = http.get(f"{sandbox}/_sandbox/parcels/{number}")
        assert r.status_code in (200, 404), r.text
        record = r.json() if r.status_code == 200 else {"events": [], "truth": None}
        if holds(record):
            return now, record
        if now >= end:
            raise AssertionError(f"{number} never got there within {limit}; it shows {record['events'][-3:]}")
        move_clock(http, sandbox, advance=step)


def step_until(
    http: httpx.Client,
    sandbox: str,
    number: str,
    shows: Callable[[list[dict[str, Any]]], bool],
    step: str = "3h",
    limit: str = "12d",
) -> tuple[datetime, list[dict[str, Any]]]:
    """Move the clock in steps until the parcel's visible events satisfy ``shows``."""
    now, record = step_until_parcel(http, sandbox, number, lambda r: shows(r["events"]), step, limit)
    return now, record["events"]


def latest_code(*codes: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda events: bool(events) and events[-1]["code"] in codes
