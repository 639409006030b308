"""The control plane refuses every out-of-range or malformed input with a problem body, and never
changes the world on a refused request (issue 9 reproductions: clock values, filters, cursors,
reset bodies, nested JSON, tiny rate limits, timeouts, retry policies, webhook URLs)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.faults.config import RateLimit
from mock_carriers.faults.ratelimit import MAX_RETRY_AFTER_S, RateLimiter
from mock_carriers.world.clock import MAX_SPEED, ClockError, SandboxClock
from mock_carriers.world.sandbox import ENDLESS_CAP, Sandbox
from tests.conftest import small_scenario
from tests.problems import assert_problem

pytestmark = pytest.mark.unit

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def control() -> Iterator[TestClient]:
    scenario = small_scenario(duration="1d", demand={"parcels_per_day": 30})
    app = create_app(scenario)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


@pytest.fixture(autouse=True)
def fresh(control: TestClient) -> None:
    assert control.post("/_sandbox/reset").status_code == 200
    assert control.put("/_sandbox/faults", json={}).status_code == 200


def now(control: TestClient) -> str:
    return str(control.get("/_sandbox/clock").json()["now"])


# --- the clock ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "starts"),
    [
        (b'{"advance": 1e300}', "advance: advancing 1e+300 s would pass the sandbox's limit"),
        (b'{"advance": "Infinity"}', "advance: bad duration 'Infinity'"),
        (b'{"advance": Infinity}', "the body is not valid JSON"),
        (b'{"advance": NaN}', "the body is not valid JSON"),
        (b'{"advance": 1e400}', "the body is not valid JSON"),
        (b'{"advance": "' + b"9" * 60 + b'd"}', "advance: advancing 8.64e+64 s would pass"),
        (b'{"advance": "' + b"9" * 400 + b'd"}', "advance: a duration has at most 64 characters"),
        (b'{"advance": -5}', "advance: a duration cannot be negative"),
        (b'{"advance": true}', "advance: expected a duration such as '4d'"),
        (b'{"advance": [1]}', "advance: expected a duration such as '4d'"),
        (b'{"advance": "401d"}', "advance: advancing 3.46464e+07 s would pass the sandbox's limit"),
        (b'{"speed": 1.2e308}', "speed: must be between 0.001 and 1e+07 sandbox seconds per wall second"),
        (b'{"speed": -1}', "speed: must be between"),
        (b'{"speed": 0}', "speed: must be between"),
        (b'{"speed": "fast"}', "speed: must be a number"),
        (b'{"advance": "1d", "to": "2026-11-05T00:00:00Z"}', "advance and to: give one of them, not both"),
        (b'{"to": "9999-12-31T23:59:59-14:00"}', "to: not an instant the sandbox can represent in UTC"),
        (b'{"to": "0001-01-01T00:00:00+14:00"}', "to: not an instant the sandbox can represent in UTC"),
        (b'{"to": "2028-01-01T00:00:00+00:00"}', "to: moving to 2028-01-01T00:00:00+00:00 would pass"),
        (b'{"to": "2026-11-05T00:00:00"}', "to: needs a UTC offset"),
        (b'{"mode": "warp"}', "mode: Input should be"),
        (b'{"rewind": "1d"}', "rewind: unknown field"),
    ],
)
def test_bad_clock_moves_are_400_and_leave_the_clock(control: TestClient, body: bytes, starts: str) -> None:
    def clock() -> dict[str, object]:  # the clock itself, not the engine's progress behind it
        return {k: v for k, v in control.get("/_sandbox/clock").json().items() if k != "engine"}

    before = clock()
    r = control.post("/_sandbox/clock", content=body, headers=JSON)
    assert_problem(r, 400, startswith=starts)
    assert clock() == before


def test_an_endless_world_moves_up_to_its_cap_and_no_further() -> None:
    # A world of one parcel a day: 400 days of it simulate in a moment.
    scenario = small_scenario(duration="1d", demand={"parcels_per_day": 1})
    with TestClient(create_app(scenario)) as http:
        start = datetime.fromisoformat(now(http))
        cap = start + ENDLESS_CAP
        r = http.post("/_sandbox/clock", json={"to": cap.isoformat(), "mode": "manual"})
        assert r.status_code == 200, r.text
        assert datetime.fromisoformat(r.json()["now"]) == cap
        r = http.post("/_sandbox/clock", json={"advance": 1})
        assert_problem(r, 400, startswith="advance: advancing 1 s")


def test_a_finite_world_stops_at_its_horizon() -> None:
    scenario = small_scenario(duration="1d", drain="2d", demand={"parcels_per_day": 20})
    sandbox = Sandbox(scenario, endless=False)
    assert sandbox.clock_limit == scenario.start + timedelta(days=3)
    with TestClient(create_app(sandbox=sandbox)) as http:
        assert http.post("/_sandbox/clock", json={"advance": "3d"}).status_code == 200
        assert_problem(http.post("/_sandbox/clock", json={"advance": "1s"}), 400, startswith="advance:")


def test_a_realtime_clock_stops_at_its_limit_instead_of_overflowing() -> None:
    wall = [0.0]
    start = datetime(2026, 11, 2, tzinfo=UTC)
    limit = start + timedelta(days=400)
    clock = SandboxClock(start, "realtime", MAX_SPEED, horizon=start, wall=lambda: wall[0], limit=limit)
    wall[0] = 1.0
    assert clock.now() == start + timedelta(seconds=MAX_SPEED)
    for elapsed in (1e6, 1e12, 1e300):  # an hour, decades, and more seconds than a datetime holds
        wall[0] = elapsed
        assert clock.now() == limit
    clock.set_mode("manual")
    assert clock.now() == limit
    with pytest.raises(ClockError):
        clock.advance(1)


def test_the_clock_refuses_what_would_overflow_it() -> None:
    start = datetime(2026, 11, 2, tzinfo=UTC)
    clock = SandboxClock(start, limit=start + timedelta(days=1))
    for bad in (float("inf"), float("nan"), 1e300, -1.0):
        with pytest.raises(ClockError):
            clock.advance(bad)
    for speed in (float("inf"), float("nan"), 1.2e308, 0.0, -3.0, 1e-9):
        with pytest.raises(ClockError):
            clock.set_speed(speed)
    assert clock.now() == start


# --- listing parcels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "starts"),
    [
        ({"status": "NOPE"}, "status: unknown value 'NOPE' (allowed: LABEL_CREATED, PICKED_UP,"),
        ({"fate": ""}, "fate: unknown value '' (allowed: delivered, misdelivered, lost,"),
        (
            {"carrier": "tnt"},
            "carrier: unknown value 'tnt' (allowed: ups, fedex, dhl, usps, amazon, hermes, dpd, ship24)",
        ),
        ({"case": "nope"}, "case: unknown value 'nope' (allowed: "),
        ({"cursor": "²"}, "cursor: not a cursor this sandbox issued"),
        ({"cursor": "-1"}, "cursor: not a cursor this sandbox issued"),
        ({"cursor": "9" * 40}, "cursor: not a cursor this sandbox issued"),
        ({"limit": "0"}, "limit: Input should be greater than or equal to 1"),
        ({"limit": "1e9"}, "limit: "),
    ],
)
def test_unknown_filters_and_cursors_are_400(control: TestClient, query: dict[str, str], starts: str) -> None:
    assert_problem(control.get("/_sandbox/parcels", params=query), 400, startswith=starts)


def test_known_filters_still_work(control: TestClient) -> None:
    control.post("/_sandbox/clock", json={"advance": "3d"})
    delivered = control.get("/_sandbox/parcels", params={"status": "DELIVERED", "carrier": "ups"}).json()
    assert delivered["items"] and all(p["status"] == "DELIVERED" for p in delivered["items"])
    assert control.get("/_sandbox/parcels", params={"fate": "lost", "cursor": "0"}).status_code == 200


# --- reset ---------------------------------------------------------------------------------------------


def test_reset_takes_a_seed_and_nothing_else(control: TestClient) -> None:
    seed = control.get("/_sandbox/health").json()["seed"]
    assert_problem(
        control.post("/_sandbox/reset", json={"scenario": "baseline"}), 400, "scenario: unknown field"
    )
    assert_problem(control.post("/_sandbox/reset", json={"seed": -1}), 400, startswith="seed: ")
    assert_problem(control.post("/_sandbox/reset", json={"seed": 2**64}), 400, startswith="seed: ")
    assert_problem(control.post("/_sandbox/reset", json={"seed": "7"}), 400, startswith="seed: ")
    assert control.get("/_sandbox/health").json()["seed"] == seed

    def first_numbers() -> list[str]:
        control.post("/_sandbox/clock", json={"advance": "12h"})
        page = control.get("/_sandbox/parcels", params={"limit": 5}).json()
        return [p["tracking_number"] for p in page["items"]]

    r = control.post("/_sandbox/reset", json={"seed": 7})
    assert r.status_code == 200 and r.json()["seed"] == 7
    seven = first_numbers()
    assert control.post("/_sandbox/reset").json()["seed"] == 7  # a plain reset keeps the seed
    assert first_numbers() == seven
    control.post("/_sandbox/reset", json={"seed": seed})
    assert first_numbers() != seven


# --- faults ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "starts"),
    [
        (b'{"http":' * 3000 + b"1" + b"}" * 3000, "the body is not valid JSON: depth limit exceeded"),
        (b'{"http":' * 40 + b"{}" + b"}" * 40, "the body nests arrays and objects more than 32 deep"),
        (b"[" * 100_000 + b"]" * 100_000, "the body is not valid JSON"),
        (b'{"rate_limits": {"dhl": {"per_second": 5e-324}}}', "faults.rate_limits.dhl.per_second: "),
        (b'{"rate_limits": {"dhl": {"per_second": 1e-300}}}', "faults.rate_limits.dhl.per_second: "),
        (
            b'{"rate_limits": {"dhl": {"window": "1000d", "window_limit": 5}}}',
            "faults.rate_limits.dhl.window",
        ),
        (b'{"timeout_cap": "inf"}', "faults.timeout_cap: bad duration 'inf'"),
        (b'{"timeout_cap": "99999999999999999999d"}', "faults.timeout_cap: "),
        (b'{"timeout_cap": 0}', "faults.timeout_cap: "),
        (b'{"http": {"ups": {"track": {"latency": 1e9}}}}', "faults.http.ups.track.latency.value: must be"),
        (b'{"scan": {"late": {"rate": 0.1, "delay": "999999d"}}}', "faults.scan.late.delay: "),
    ],
)
def test_bad_fault_configurations_are_400_and_keep_the_old_one(
    control: TestClient, body: bytes, starts: str
) -> None:
    before = control.get("/_sandbox/faults").json()
    assert_problem(control.put("/_sandbox/faults", content=body, headers=JSON), 400, startswith=starts)
    assert control.get("/_sandbox/faults").json() == before


def test_the_slowest_allowed_rate_limit_gives_a_sane_retry_after(control: TestClient) -> None:
    r = control.put("/_sandbox/faults", json={"rate_limits": {"usps": {"per_second": 0.001, "burst": 1}}})
    assert r.status_code == 200, r.text
    headers = {"content-type": "application/json"}
    body = {"grant_type": "client_credentials", "client_id": "id", "client_secret": "secret"}
    token = control.post("/usps/oauth2/v3/token", json=body, headers=headers).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    statuses = []
    for _ in range(3):
        r = control.get("/usps/tracking/v3/tracking/9400100000000000000000", headers=auth)
        statuses.append(r.status_code)
    assert statuses[-1] == 429
    assert r.headers["retry-after"].isdigit() and 1 <= int(r.headers["retry-after"]) <= 1000


def test_the_limiter_clamps_retry_after_whatever_the_arithmetic() -> None:
    wall = [0.0]
    limiter = RateLimiter(wall=lambda: wall[0])
    # Built directly, past the control plane's ranges: the limiter alone must stay sane.
    limit = RateLimit.model_construct(per_second=5e-324, burst=1, daily=None, window=None, window_limit=None)
    at = datetime(2026, 11, 2, tzinfo=UTC)
    assert limiter.admit("dhl", "k", limit, at) is None
    denial = limiter.admit("dhl", "k", limit, at)
    assert denial is not None and denial.retry_after == MAX_RETRY_AFTER_S
    daily = RateLimit.model_construct(per_second=None, burst=None, daily=1, window=None, window_limit=None)
    assert limiter.admit("fedex", "k", daily, at) is None
    slow = limiter.admit("fedex", "k", daily, at, to_wall=lambda s: s / 1e-12)
    assert slow is not None and slow.retry_after == MAX_RETRY_AFTER_S


# --- webhooks ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "starts"),
    [
        ({"url": "http://127.0.0.1:9/a\r\nX-Injected: 1"}, "webhook url must not contain '\\r'"),
        ({"url": "http://127.0.0.1:9/a\nb"}, "webhook url must not contain '\\n'"),
        ({"url": "http://127.0.0.1:9/a b"}, "webhook url must not contain ' '"),
        ({"url": "http://127.0.0.1:9/\x00"}, "webhook url must not contain '\\x00'"),
        ({"url": "http://127.0.0.1:99999/a"}, "webhook url 'http://127.0.0.1:99999/a' is not a valid URL"),
        ({"url": "http://127.0.0.1:9/a", "retry": {"base_seconds": 1e-9}}, "retry.base_seconds: "),
        ({"url": "http://127.0.0.1:9/a", "retry": {"max_seconds": 1e-9}}, "retry.max_seconds: "),
        ({"url": "http://127.0.0.1:9/a", "retry": {"timeout_seconds": 1e-9}}, "retry.timeout_seconds: "),
        ({"url": "http://127.0.0.1:9/a", "retry": {"factor": 1e308}}, "retry.factor: "),
        ({"url": "http://127.0.0.1:9/a", "carriers": ["ups"] * 50}, "carriers: "),
    ],
)
def test_unsendable_webhooks_are_400(control: TestClient, body: dict[str, Any], starts: str) -> None:
    r = control.post("/_sandbox/webhooks", json={"secret": "s3cret", **body})
    assert_problem(r, 400, startswith=starts)
    assert control.get("/_sandbox/webhooks").json() == []


def test_non_json_bodies_say_what_is_wrong(control: TestClient) -> None:
    # curl -d without a content type sends a form: the answer names the header to add.
    r = control.post("/_sandbox/webhooks", content=json.dumps({"url": "http://127.0.0.1:9/", "secret": "x"}))
    detail = assert_problem(r, 415)
    assert "Content-Type: application/json" in detail and "content-type: application/json" in detail
    r = control.post("/_sandbox/clock", data={"advance": "1d"})
    assert "'application/x-www-form-urlencoded'" in assert_problem(r, 415)
    # An empty body needs no content type (POST /_sandbox/reset).
    assert control.post("/_sandbox/reset").status_code == 200
    charset = {"content-type": "application/json; charset=utf-8"}
    assert control.post("/_sandbox/clock", content=b'{"advance": "1h"}', headers=charset).status_code == 200


def test_errors_are_problem_details_everywhere(control: TestClient) -> None:
    assert_problem(control.get("/_sandbox/parcels/NOPE"), 404, "no parcel 'NOPE'")
    assert_problem(control.get("/_sandbox/nothing-here"), 404)
    assert_problem(control.delete("/_sandbox/clock"), 405)
    spec = control.get("/openapi.json").json()
    responses = spec["paths"]["/_sandbox/clock"]["post"]["responses"]
    for status in ("400", "401", "403", "413", "415", "431"):
        assert "application/problem+json" in responses[status]["content"], status


@pytest.mark.parametrize("speed", [float("inf"), float("nan"), 0.0, -1.0, 1e12])
def test_serve_refuses_an_unusable_speed_as_a_usage_error(speed: float) -> None:
    import argparse

    from mock_carriers.serve import serve
    from sim.errors import UsageError

    args = argparse.Namespace(
        host="127.0.0.1", port=0, seed=None, clock="realtime", speed=speed, db=None, stop_demand=True
    )
    with pytest.raises(UsageError, match="--speed/--clock: must be between"):
        serve(small_scenario(duration="1d", demand={"parcels_per_day": 5}), args)
