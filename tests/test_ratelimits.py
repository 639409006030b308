"""Rate limits (mock_carriers/faults.py ``RateLimiter``): a token bucket, a fixed window and a daily
quota per client credential, the carriers' published presets, each carrier's own 429 body and
headers, and a client that honours ``Retry-After`` finishing its work against a live server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers.fedex.errors import MSG_DAILY_QUOTA
from mock_carriers.faults.config import FaultsConfig, RateLimit, scenario_faults
from mock_carriers.faults.ratelimit import RateLimiter
from mock_carriers.world.sandbox import Sandbox
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import small_scenario
from tests.live import live_server
from tests.spec_validation import validate_response, validate_schema

DHL_TRACK = "/dhl/track/shipments"
MIDNIGHT = datetime(2026, 3, 2, tzinfo=UTC)


class FakeWall:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --------------------------------------------------------------------------------------------
# The limiter on its own


@pytest.mark.unit
def test_bucket_allows_the_burst_then_refuses_with_retry_after() -> None:
    wall = FakeWall()
    limiter = RateLimiter(wall)
    limit = RateLimit(per_second=0.5, burst=3)
    admitted = [limiter.admit("dhl", "k", limit, MIDNIGHT) for _ in range(3)]
    assert admitted == [None, None, None]
    denial = limiter.admit("dhl", "k", limit, MIDNIGHT)
    assert denial is not None and (denial.limit, denial.retry_after) == ("second", 2)


@pytest.mark.unit
def test_bucket_refills_at_the_rate() -> None:
    wall = FakeWall()
    limiter = RateLimiter(wall)
    limit = RateLimit(per_second=2, burst=1)
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is None
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is not None
    wall.now += 0.5
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is None


@pytest.mark.unit
def test_admitted_share_over_1000_requests_matches_the_rate() -> None:
    wall = FakeWall()
    limiter = RateLimiter(wall)
    limit = RateLimit(per_second=2.5, burst=5)
    n, step = 1000, 0.1  # a client sending 10 requests a second for 100 s
    admitted = 0
    for _ in range(n):
        admitted += limiter.admit("dhl", "k", limit, MIDNIGHT) is None
        wall.now += step
    expected = 5 + 2.5 * n * step  # the burst, then the refill rate
    assert abs(admitted - expected) <= 2, admitted


@pytest.mark.unit
def test_window_counts_then_resets() -> None:
    wall = FakeWall()
    limiter = RateLimiter(wall)
    limit = RateLimit(window=10, window_limit=3)
    assert [limiter.admit("fedex", "k", limit, MIDNIGHT) for _ in range(3)] == [None] * 3
    wall.now += 4
    denial = limiter.admit("fedex", "k", limit, MIDNIGHT)
    assert denial is not None and (denial.limit, denial.retry_after) == ("window", 6)
    wall.now += 6
    assert limiter.admit("fedex", "k", limit, MIDNIGHT) is None


@pytest.mark.unit
def test_daily_quota_resets_at_utc_midnight_of_the_sandbox_day() -> None:
    limiter = RateLimiter(FakeWall())
    limit = RateLimit(daily=2)
    evening = MIDNIGHT - timedelta(hours=2)
    assert [limiter.admit("dhl", "k", limit, evening) for _ in range(2)] == [None, None]
    denial = limiter.admit("dhl", "k", limit, evening)
    assert denial is not None and (denial.limit, denial.retry_after) == ("daily", 7200)
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is None


@pytest.mark.unit
def test_daily_retry_after_is_in_wall_seconds() -> None:
    limiter = RateLimiter(FakeWall())
    limit = RateLimit(daily=1)
    evening = MIDNIGHT - timedelta(hours=1)
    limiter.admit("dhl", "k", limit, evening)
    denial = limiter.admit("dhl", "k", limit, evening, to_wall=lambda s: s / 60)  # realtime, speed 60
    assert denial is not None and denial.retry_after == 60


@pytest.mark.unit
def test_refused_requests_do_not_count() -> None:
    wall = FakeWall()
    limiter = RateLimiter(wall)
    limit = RateLimit(per_second=1, burst=1, daily=3)
    for _ in range(10):
        limiter.admit("dhl", "k", limit, MIDNIGHT)  # one admitted, nine refused by the bucket
    wall.now += 1
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is None
    wall.now += 1
    assert limiter.admit("dhl", "k", limit, MIDNIGHT) is None
    wall.now += 1
    denial = limiter.admit("dhl", "k", limit, MIDNIGHT)
    assert denial is not None and denial.limit == "daily"


@pytest.mark.unit
def test_limits_are_kept_per_credential() -> None:
    limiter = RateLimiter(FakeWall())
    limit = RateLimit(per_second=1, burst=1)
    assert limiter.admit("dhl", "a", limit, MIDNIGHT) is None
    assert limiter.admit("dhl", "b", limit, MIDNIGHT) is None
    assert limiter.admit("dhl", "a", limit, MIDNIGHT) is not None


@pytest.mark.unit
@pytest.mark.parametrize(
    ("carrier", "preset", "expected"),
    [
        ("dhl", "starter", {"per_second": 1, "burst": 1, "daily": 250}),
        ("dhl", "standard", {"per_second": 2, "burst": 2, "daily": 1000}),
        ("fedex", "default", {"window": 10, "window_limit": 1400, "daily": 100_000}),
        ("usps", "default", {"window": 3600, "window_limit": 60}),
        ("amazon", "default", {"per_second": 80, "burst": 100}),
    ],
)
def test_presets_follow_the_published_limits(carrier: str, preset: str, expected: dict[str, float]) -> None:
    resolved = RateLimit(preset=preset).resolved(carrier)
    assert {k: v for k, v in resolved.model_dump().items() if k in expected} == expected


@pytest.mark.unit
def test_own_values_override_the_preset() -> None:
    resolved = RateLimit(preset="starter", daily=5).resolved("dhl")
    assert (resolved.per_second, resolved.daily) == (1, 5)


@pytest.mark.unit
def test_rate_limits_are_off_by_default() -> None:
    assert scenario_faults(small_scenario()).rate_limits == {}


# --------------------------------------------------------------------------------------------
# Through the carriers


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    sb = Sandbox(small_scenario(duration="1d", demand={"parcels_per_day": 300}))
    sb.clock.advance(2 * 86400)
    sb.sync()
    return sb


@pytest.fixture(scope="module")
def module_app(sandbox: Sandbox) -> FastAPI:
    return create_app(sandbox=sandbox)


@pytest.fixture
def wall(sandbox: Sandbox) -> Iterator[FakeWall]:
    """The limiter on a fake wall clock; no faults; fresh counters."""
    fake = FakeWall()
    real = sandbox.faults.limiter
    sandbox.faults.limiter = RateLimiter(fake)
    sandbox.faults.set_config(FaultsConfig())
    sandbox.faults.metrics.clear()
    yield fake
    sandbox.faults.limiter = real
    sandbox.faults.set_config(FaultsConfig())


@pytest.fixture
def client(module_app: FastAPI, wall: FakeWall) -> Iterator[TestClient]:
    with TestClient(module_app) as c:
        yield c


def limits(http: TestClient | httpx.Client, base: str, rate_limits: dict[str, Any]) -> None:
    r = http.put(f"{base}/_sandbox/faults", json={"rate_limits": rate_limits})
    assert r.status_code == 200, r.text


def dhl_get(http: TestClient, key: str = "key-a") -> httpx.Response:
    return http.get(DHL_TRACK, params={"trackingNumber": "0000000000"}, headers={"DHL-API-Key": key})


@pytest.mark.unit
def test_dhl_starter_quota_is_250_a_day(client: TestClient, wall: FakeWall) -> None:
    limits(client, "", {"dhl": "starter"})

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
            statuses = []
            for _ in range(251):
                r = await http.get(
                    DHL_TRACK, params={"trackingNumber": "0000000000"}, headers={"DHL-API-Key": "key-a"}
                )
                statuses.append(r.status_code)
                wall.now += 1.0  # one call a second, the starter tier's pace
            return statuses

    statuses = asyncio.run(run())
    assert statuses[:250] == [404] * 250
    assert statuses[250] == 429


@pytest.mark.unit
def test_dhl_429_is_the_gateways_problem_json(client: TestClient) -> None:
    limits(client, "", {"dhl": "starter"})
    dhl_get(client)
    r = dhl_get(client)
    assert r.status_code == 429
    assert r.headers["content-type"] == "application/problem+json"
    assert r.text == (
        '{"status":429,"title":"Too Many Requests",'
        '"detail":"Too many requests within defined time period, please try again later."}'
    )
    validate_schema("dhl", "supermodelIoLogisticsApiProblemDetail", r.json())
    assert "retry-after" not in r.headers


@pytest.mark.unit
def test_retry_after_can_be_switched_on(client: TestClient) -> None:
    limits(client, "", {"dhl": {"per_second": 0.25, "burst": 1, "retry_after": True}})
    dhl_get(client)
    assert dhl_get(client).headers["retry-after"] == "4"


@pytest.mark.unit
def test_each_dhl_key_has_its_own_quota(client: TestClient) -> None:
    limits(client, "", {"dhl": {"daily": 1}})
    assert [dhl_get(client, "a").status_code, dhl_get(client, "b").status_code] == [404, 404]
    assert dhl_get(client, "a").status_code == 429


@pytest.mark.unit
def test_daily_quota_follows_the_sandbox_day(client: TestClient) -> None:
    limits(client, "", {"dhl": {"daily": 1}})
    dhl_get(client)
    assert dhl_get(client).status_code == 429
    client.post("/_sandbox/clock", json={"advance": "1d"})
    assert dhl_get(client).status_code == 404


@pytest.mark.unit
def test_fedex_daily_quota_body(client: TestClient) -> None:
    limits(client, "", {"fedex": {"preset": "default", "daily": 1}})
    fedex = FedexClient(client, "http://testserver/fedex")
    fedex.authenticate()
    fedex.track("123456789012")
    r = fedex.track("123456789012")
    assert r.status_code == 429
    body = r.json()
    assert body["errors"] == [{"code": "TOO.MANY.REQUESTS.ERROR", "message": MSG_DAILY_QUOTA}]
    validate_schema("fedex", "ErrorResponseVO", body)


@pytest.mark.unit
def test_usps_hourly_preset_answers_429_with_retry_after(client: TestClient, wall: FakeWall) -> None:
    limits(client, "", {"usps": "default"})
    usps = UspsClient(client, "http://testserver/usps")
    usps.authenticate()
    for _ in range(60):
        assert usps.track("9400100000000000000000").status_code != 429
    wall.now += 600
    r = usps.track("9400100000000000000000")
    assert r.status_code == 429
    assert r.headers["retry-after"] == "3000"
    validate_response("usps", "/tracking/{trackingNumber}", "get", 429, r.json())
    assert r.json()["error"]["code"] == "429"


# Buckets below refill one token a quarter of an hour: on a loaded machine a bucket of 1/s could
# refill between two in-process requests and turn an expected 429 into an answer.


@pytest.mark.unit
def test_amazon_throttles_per_lwa_client(client: TestClient) -> None:
    limits(client, "", {"amazon": {"per_second": 0.001, "burst": 1}})
    amazon = AmazonClient(client, "http://testserver/amazon")
    amazon.authenticate()
    amazon.track("TBA000000000000")
    r = amazon.track("TBA000000000000")
    assert r.status_code == 429
    assert r.json() == {
        "errors": [
            {
                "code": "TooManyRequests",
                "message": "The total number of requests exceeded your allowed limit.",
            }
        ]
    }
    assert r.headers["x-amzn-requestid"]
    validate_response("amazon", "/shipping/v2/tracking", "get", 429, r.json())
    other = AmazonClient(client, "http://testserver/amazon", client_id="another-app")
    other.authenticate()
    assert other.track("TBA000000000000").status_code == 404


@pytest.mark.unit
def test_ups_limits_each_client_id(client: TestClient) -> None:
    limits(client, "", {"ups": {"per_second": 0.001, "burst": 1}})
    a = UpsClient(client, "http://testserver/ups", client_id="client-a")
    b = UpsClient(client, "http://testserver/ups", client_id="client-b")
    a.authenticate()
    b.authenticate()
    assert a.track("1Z999AA10123456784").status_code == 200
    assert b.track("1Z999AA10123456784").status_code == 200
    r = a.track("1Z999AA10123456784")
    assert r.status_code == 429
    assert r.json() == {"response": {"errors": [{"code": "10429", "message": "Too Many Requests"}]}}
    validate_schema("ups", "Response", r.json())


@pytest.mark.unit
def test_a_refused_credential_gets_the_carriers_401_not_429(client: TestClient) -> None:
    limits(client, "", {"ups": {"per_second": 0.001, "burst": 1}})
    headers = {"Authorization": "Bearer nope", "transId": "t1", "transactionSrc": "test"}
    statuses = [client.get("/ups/api/track/v1/details/1Z999AA10123456784", headers=headers).status_code]
    statuses.append(client.get("/ups/api/track/v1/details/1Z999AA10123456784", headers=headers).status_code)
    assert statuses == [401, 401]


@pytest.mark.unit
def test_token_endpoint_is_not_limited_unless_listed(client: TestClient) -> None:
    limits(client, "", {"ups": {"per_second": 0.001, "burst": 1}})
    ups = UpsClient(client, "http://testserver/ups")
    ups.authenticate()
    ups.authenticate()  # no 429: token calls are not counted by default


@pytest.mark.unit
def test_token_endpoint_limited_per_address_when_listed(client: TestClient) -> None:
    limits(client, "", {"ups": {"per_second": 0.001, "burst": 1, "routes": ["token"]}})
    ups = UpsClient(client, "http://testserver/ups")
    ups.authenticate()
    with pytest.raises(httpx.HTTPStatusError) as err:
        ups.authenticate()
    assert err.value.response.status_code == 429
    validate_response("ups_oauth", "/security/v1/oauth/token", "post", 429, err.value.response.json())


@pytest.mark.unit
def test_429s_are_counted_in_metrics(client: TestClient) -> None:
    limits(client, "", {"dhl": {"per_second": 0.001, "burst": 1}})
    statuses = [dhl_get(client).status_code for _ in range(5)]
    assert statuses == [404, 429, 429, 429, 429]
    text = client.get("/_sandbox/metrics").text
    assert 'parcel_sandbox_rate_limited_total{carrier="dhl",limit="second",route="track"} 4' in text


# --------------------------------------------------------------------------------------------
# A well-behaved client on a live server


@pytest.mark.live
@pytest.mark.slow
def test_a_client_honouring_retry_after_completes_its_work(module_app: FastAPI, sandbox: Sandbox) -> None:
    """USPS sends Retry-After; a client that waits as told tracks every parcel, on the real clock."""
    sandbox.faults.metrics.clear()
    now = sandbox.sync().timestamp()
    numbers = [p.tracking_number for p in sandbox.store.list(now, carrier="usps", limit=20)]
    assert len(numbers) == 20
    with live_server(module_app) as base, httpx.Client(timeout=10) as http:
        limits(http, base, {"usps": {"per_second": 6, "burst": 6}})
        usps = UspsClient(http, f"{base}/usps")
        usps.authenticate()
        started, throttled, done = time.monotonic(), 0, []
        for number in numbers:
            for _attempt in range(10):
                r = usps.track(number)
                if r.status_code != 429:
                    break
                throttled += 1
                time.sleep(int(r.headers["retry-after"]))
            assert r.status_code == 200, r.text
            done.append(number)
        elapsed = time.monotonic() - started
        limits(http, base, {})
    assert done == numbers
    assert throttled > 0 and elapsed < 15
    assert sandbox.faults.metrics.value("parcel_sandbox_rate_limited_total", carrier="usps") == throttled


# --------------------------------------------------------------------------------------------
# Ship24: each endpoint its own bucket (docs.ship24.com/rate-limiter), bulk create's own bodies

SHIP24 = {"Authorization": "Bearer apik_limits"}
SHIP24_BULK = "/ship24/public/v1/trackers/bulk"
SHIP24_COURIERS = "/ship24/public/v1/couriers"
SHIP24_LIST = "/ship24/public/v1/trackers?page=1&limit=1"


@pytest.mark.unit
def test_ship24_preset_limits_each_endpoint_apart() -> None:
    resolved = RateLimit(preset="default").resolved("ship24")
    assert (resolved.per_second, resolved.burst) == (10, 10)
    assert resolved.endpoints == {
        "POST /trackers/bulk": 3,
        "POST /trackers/{trackerId}/webhook-events/resend": 1,
        "GET /couriers": 1,
    }
    with pytest.raises(ValueError, match="unknown endpoint"):
        FaultsConfig.model_validate(
            {"rate_limits": {"ship24": {"per_second": 1, "endpoints": {"GET /x": 1}}}}
        )
    with pytest.raises(ValueError, match="limits its API as a whole"):
        FaultsConfig.model_validate({"rate_limits": {"dhl": {"per_second": 1, "endpoints": {"GET /x": 1}}}})


@pytest.mark.unit
def test_ship24_bulk_has_its_own_bucket_and_body(client: TestClient, wall: FakeWall) -> None:
    limits(client, "", {"ship24": "default"})
    bulk = [{"trackingNumber": "S24DEMO456393"}]
    statuses = [client.post(SHIP24_BULK, json=bulk, headers=SHIP24).status_code for _ in range(4)]
    assert statuses[:3] == [201, 201, 201]  # idempotent trackers: 201 "success", existing
    r = client.post(SHIP24_BULK, json=bulk, headers=SHIP24)
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert r.json() == {
        "status": "error",
        "error": {
            "code": "too_many_requests",
            "message": "Too many requests hit the API too quickly. We recommend an exponential back-off "
            "of your requests.",
        },
    }
    validate_response("ship24", "/public/v1/trackers/bulk", "post", 400, r.json())  # the bulk body
    # The other endpoints keep their own buckets: ten list calls still pass, the eleventh not.
    listed = [client.get(SHIP24_LIST, headers=SHIP24).status_code for _ in range(11)]
    assert listed == [200] * 10 + [429]
    assert client.get(SHIP24_LIST, headers=SHIP24).json()["errors"][0]["code"] == "too_many_requests"
    # Couriers: one a second.
    assert [client.get(SHIP24_COURIERS, headers=SHIP24).status_code for _ in range(2)] == [200, 429]
    wall.now += 1.0
    assert client.post(SHIP24_BULK, json=bulk, headers=SHIP24).status_code == 201


@pytest.mark.unit
def test_ship24_bulk_quota_is_the_specs_403(client: TestClient) -> None:
    limits(client, "", {"ship24": {"preset": "default", "daily": 1}})
    bulk = [{"trackingNumber": "S24DEMO456393"}]
    assert client.post(SHIP24_BULK, json=bulk, headers=SHIP24).status_code == 201
    r = client.post(SHIP24_BULK, json=bulk, headers=SHIP24)
    assert r.status_code == 403
    assert r.json() == {
        "status": "error",
        "error": {"code": "quota_limit_reached", "message": "No more quota left. Please update your plan."},
    }
    validate_response("ship24", "/public/v1/trackers/bulk", "post", 403, r.json())
    assert client.get(SHIP24_COURIERS, headers=SHIP24).json()["errors"][0]["code"] == "quota_limit_reached"
