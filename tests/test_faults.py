"""Fault injection (mock_carriers/faults.py): HTTP faults in each carrier's own error body, at the
configured rates, deterministic under the seed; dropped, truncated and held connections as a real
client sees them on a live uvicorn server; scan-data faults that change what carriers show and never
the truth; the configuration in scenario files and at ``/_sandbox/faults``; the metrics."""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.faults.config import FaultsConfig, Latency, scenario_faults
from mock_carriers.faults.decisions import sample_latency
from mock_carriers.faults.routes import route_of
from mock_carriers.faults.state import Faults
from mock_carriers.http.disconnect import InjectedDisconnect
from mock_carriers.world.credentials import TokenIssuer
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.store import Record
from sim.events import TERMINAL_CODES, EventCode, ScanEvent
from sim.scenario import ScenarioError, parse_scenario
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_dhl import DhlClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import scenario_dict, small_scenario
from tests.live import live_server
from tests.problems import assert_problem
from tests.spec_validation import load_spec, validate_response, validate_schema

CLIENTS: dict[str, Any] = {
    "ups": UpsClient,
    "fedex": FedexClient,
    "dhl": DhlClient,
    "usps": UspsClient,
    "amazon": AmazonClient,
}
STATUSES = (429, 500, 502, 503, 504)
DHL_TRACK = "/dhl/track/shipments"
DHL_KEY = {"DHL-API-Key": "parcel-sandbox-dhl-key"}


def within_4_sigma(count: int, n: int, p: float) -> bool:
    """Binomial bound: ``count`` out of ``n`` is consistent with rate ``p``."""
    return abs(count - n * p) <= 4 * math.sqrt(n * p * (1 - p)) + 1e-9


# --------------------------------------------------------------------------------------------
# One world for the module: a few days of parcels, most of them delivered.


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    sb = Sandbox(small_scenario(demand={"parcels_per_day": 400}))
    sb.clock.advance(6 * 86400)  # most parcels out for delivery: hub-and-spoke transit takes days
    sb.sync()
    return sb


@pytest.fixture(scope="module")
def module_app(sandbox: Sandbox) -> FastAPI:
    return create_app(sandbox=sandbox)


@pytest.fixture
def app(module_app: FastAPI, sandbox: Sandbox) -> Iterator[FastAPI]:
    """The module's app with every fault off and fresh counters, before and after each test."""
    sandbox.faults.set_config(FaultsConfig())
    sandbox.faults.metrics.clear()
    yield module_app
    sandbox.faults.set_config(FaultsConfig())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def live_base(module_app: FastAPI) -> Iterator[str]:
    with live_server(module_app) as base:
        yield base


def put_faults(http: httpx.Client, base: str, config: dict[str, Any]) -> None:
    r = http.put(f"{base}/_sandbox/faults", json=config)
    assert r.status_code == 200, r.text


def parcels_of(sandbox: Sandbox, carrier: str, n: int, min_events: int = 1) -> list[str]:
    now = sandbox.sync().timestamp()
    out = []
    for p in sandbox.store.list(now, carrier=carrier, limit=100_000):
        rec = sandbox.store.get(p.tracking_number)
        if rec is not None and len(rec.visible_events(now)) >= min_events:
            out.append(p.tracking_number)
            if len(out) == n:
                break
    return out


def dhl_statuses(app: FastAPI, n: int, number: str = "0000000000") -> list[str]:
    """What a client sees for ``n`` DHL calls, in order: the status, or the disconnect kind."""

    async def run() -> list[str]:
        seen = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
            for _ in range(n):
                try:
                    r = await http.get(DHL_TRACK, params={"trackingNumber": number}, headers=DHL_KEY)
                    seen.append(str(r.status_code))
                except InjectedDisconnect as exc:
                    seen.append(str(exc))
        return seen

    return asyncio.run(run())


# --------------------------------------------------------------------------------------------
# Configuration: scenario files and the control plane


FAULTS_YAML = """
faults:
  timeout_cap: 30s
  http:
    "*":
      "*": {latency: 20ms}
    ups:
      track:
        latency: {dist: lognormal, median: 150ms, sigma: 0.6}
        errors: {503: 0.02, 500: 0.01}
        drop: 0.005
      token: {token_storm: 0.01}
  rate_limits:
    dhl: starter
    usps: {per_second: 2, burst: 5, retry_after: true}
  scan:
    duplicate: 0.02
    late: {rate: 0.05, delay: 6h}
    corrected_delivery: 0.01
"""


def scenario_text(faults_yaml: str) -> str:
    data = scenario_dict()
    data.pop("faults", None)
    return yaml.safe_dump(data, sort_keys=False) + faults_yaml


@pytest.mark.unit
def test_scenario_faults_section_parses() -> None:
    config = scenario_faults(parse_scenario(scenario_text(FAULTS_YAML), "faults.yaml"))
    track = config.http["ups"]["track"]
    assert track.latency is not None and track.latency.median == pytest.approx(0.15)
    assert track.errors == {503: 0.02, 500: 0.01}
    assert config.http["*"]["*"].latency == Latency(value=0.02)
    assert config.rate_limits["dhl"].resolved("dhl").daily == 250
    assert config.scan.late.delay == 6 * 3600
    assert config.scan.corrected_delivery.rate == 0.01
    assert config.timeout_cap == 30


@pytest.mark.unit
def test_faults_are_off_by_default() -> None:
    config = scenario_faults(small_scenario())
    assert config == FaultsConfig()
    assert not config.http and not config.rate_limits and not config.scan.active


@pytest.mark.unit
def test_bad_fault_config_names_file_line_and_field() -> None:
    text = scenario_text("faults:\n  http:\n    ups:\n      track:\n        errors: {503: 1.5}\n")
    line = text.splitlines().index("        errors: {503: 1.5}") + 1
    with pytest.raises(ScenarioError) as err:
        scenario_faults(parse_scenario(text, "bad.yaml"))
    # the position of the value itself (1.5), not of the mapping holding it
    assert str(err.value) == (
        f"bad.yaml:{line}:23: faults.http.ups.track.errors.503: Input should be less than or equal to 1"
    )


@pytest.mark.unit
def test_unknown_fault_field_is_reported_at_its_key() -> None:
    text = scenario_text("faults:\n  scan:\n    duplicates: 0.1\n")
    line = text.splitlines().index("    duplicates: 0.1") + 1
    with pytest.raises(ScenarioError) as err:
        scenario_faults(parse_scenario(text, "bad.yaml"))
    assert str(err.value) == f"bad.yaml:{line}:5: faults.scan.duplicates: unknown field"


@pytest.mark.unit
def test_unknown_preset_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"ups: unknown preset 'default' \(known: none: it publishes no limits\)"
    ):
        FaultsConfig.model_validate({"rate_limits": {"ups": "default"}})


@pytest.mark.unit
def test_fault_rates_over_one_are_refused() -> None:
    with pytest.raises(ValueError, match=r"rates sum to 1\.2, more than 1"):
        FaultsConfig.model_validate({"http": {"dhl": {"*": {"errors": {500: 0.7}, "drop": 0.5}}}})


@pytest.mark.unit
def test_get_faults_returns_the_scenario_config() -> None:
    config = scenario_faults(parse_scenario(scenario_text(FAULTS_YAML), "faults.yaml"))
    sb = SimpleNamespace(scenario=SimpleNamespace(faults=config), seed=1, view_filters=[], on_reset=[])
    assert Faults(sb, config).config == config  # type: ignore[arg-type]


@pytest.mark.unit
def test_put_then_get_round_trips(client: TestClient) -> None:
    config = scenario_faults(parse_scenario(scenario_text(FAULTS_YAML), "faults.yaml")).model_dump(
        mode="json"
    )
    put = client.put("/_sandbox/faults", json=config)
    assert put.status_code == 200
    got = client.get("/_sandbox/faults").json()
    assert got == put.json() == config
    assert FaultsConfig.model_validate(got) == FaultsConfig.model_validate(config)


@pytest.mark.unit
def test_put_bad_config_is_400_with_field(client: TestClient) -> None:
    r = client.put("/_sandbox/faults", json={"http": {"upz": {"track": {"drop": 0.1}}}})
    known = ", ".join(registry.KEYS)  # every served API can be faulted, Ship24 included
    assert_problem(r, 400, f"faults.http: unknown carrier 'upz' (use '*' or one of {known})")


@pytest.mark.unit
def test_put_bad_rate_is_400_with_path(client: TestClient) -> None:
    r = client.put("/_sandbox/faults", json={"scan": {"late": {"rate": 2}}})
    assert_problem(r, 400, "faults.scan.late.rate: Input should be less than or equal to 1")


@pytest.mark.unit
def test_put_non_json_is_400(client: TestClient) -> None:
    r = client.put("/_sandbox/faults", content=b"{nope", headers={"content-type": "application/json"})
    assert_problem(r, 400, startswith="the body is not valid JSON")


@pytest.mark.unit
def test_put_keeps_the_old_config_when_invalid(client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"drop": 0.25}}}})
    client.put("/_sandbox/faults", json={"http": {"dhl": {"*": {"drop": 9}}}})
    assert client.get("/_sandbox/faults").json()["http"]["dhl"]["*"]["drop"] == 0.25


@pytest.mark.unit
def test_faults_schema_is_in_the_openapi_document(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    put = doc["paths"]["/_sandbox/faults"]["put"]
    assert put["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FaultsConfig"
    }
    assert "FaultsConfig" in doc["components"]["schemas"]
    assert "/_sandbox/metrics" in doc["paths"]


@pytest.mark.unit
def test_routes_are_classified_per_carrier() -> None:
    assert route_of("ups", "/security/v1/oauth/token") == "token"
    assert route_of("ups", "/api/track/v1/details/1Z999") == "track"
    assert route_of("ups", "/api/track/v1/subscription/standard/package") == "other"
    assert route_of("fedex", "/oauth/token") == "token"
    assert route_of("dhl", "/track/shipments") == "track"
    assert route_of("usps", "/oauth2/v3/token") == "token"
    assert route_of("amazon", "/shipping/v2/tracking") == "track"
    assert route_of("dhl", "/_docs") is None


# --------------------------------------------------------------------------------------------
# HTTP faults: rates, determinism, bodies


@pytest.mark.unit
def test_error_and_disconnect_frequencies_match_the_configured_rates(
    app: FastAPI, client: TestClient
) -> None:
    rates = {"500": 0.04, "502": 0.03, "503": 0.08, "504": 0.02, "429": 0.05}
    put_faults(
        client,
        "",
        {"http": {"dhl": {"track": {"errors": rates, "drop": 0.03, "truncate": 0.04}}}},
    )
    n = 1500
    seen = Counter(dhl_statuses(app, n))
    expected = {**rates, "404": 1 - sum(rates.values()) - 0.07}
    for status, p in expected.items():
        assert within_4_sigma(seen[status], n, p), (status, seen[status], n * p)
    assert within_4_sigma(seen["connection dropped"], n, 0.03), seen
    assert within_4_sigma(seen["body truncated"], n, 0.04), seen


@pytest.mark.unit
def test_metrics_count_every_injected_fault(app: FastAPI, client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"errors": {"503": 0.2}, "drop": 0.1}}}})
    seen = Counter(dhl_statuses(app, 300))
    faults = app.state.sandbox.faults
    assert faults.metrics.value("parcel_sandbox_requests_total", carrier="dhl", route="track") == 300
    assert faults.metrics.value("parcel_sandbox_faults_total", carrier="dhl", kind="error_503") == seen["503"]
    assert (
        faults.metrics.value("parcel_sandbox_faults_total", carrier="dhl", kind="drop")
        == seen["connection dropped"]
    )


@pytest.mark.unit
def test_metrics_are_prometheus_text(app: FastAPI, client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"errors": {"500": 1.0}}}}})
    dhl_statuses(app, 3)
    r = client.get("/_sandbox/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = r.text.splitlines()
    assert "# TYPE parcel_sandbox_faults_total counter" in lines
    assert 'parcel_sandbox_faults_total{carrier="dhl",kind="error_500",route="track"} 3' in lines
    assert 'parcel_sandbox_requests_total{carrier="dhl",route="track"} 3' in lines


@pytest.mark.unit
def test_token_storm_rate_matches_config(app: FastAPI, client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"token_storm": 0.1}}}})
    n = 1000
    dhl_statuses(app, n)
    storms = app.state.sandbox.faults.metrics.value("parcel_sandbox_token_storms_total", carrier="dhl")
    assert within_4_sigma(int(storms), n, 0.1), storms


@pytest.mark.unit
def test_same_seed_and_requests_give_the_same_faults(app: FastAPI, client: TestClient) -> None:
    config = {"http": {"dhl": {"*": {"errors": {"500": 0.2, "503": 0.2}, "drop": 0.1}}}}
    put_faults(client, "", config)
    first = dhl_statuses(app, 200)
    put_faults(client, "", config)  # a new configuration restarts the streams
    assert dhl_statuses(app, 200) == first


def _stub_sandbox(seed: int, config: FaultsConfig) -> Any:
    return SimpleNamespace(scenario=SimpleNamespace(faults=config), seed=seed, view_filters=[], on_reset=[])


@pytest.mark.unit
def test_a_fresh_sandbox_with_the_same_seed_decides_alike() -> None:
    config = FaultsConfig.model_validate({"http": {"*": {"*": {"errors": {"503": 0.3}, "truncate": 0.2}}}})
    a, b, c = (Faults(_stub_sandbox(seed, config), config) for seed in (7, 7, 8))
    seq = [("ups", "track"), ("ups", "token"), ("dhl", "track")] * 100
    decide = lambda f: [f.decide(carrier, route) for carrier, route in seq]  # noqa: E731
    first = decide(a)
    assert decide(b) == first
    assert decide(c) != first


@pytest.mark.unit
def test_routes_have_independent_streams() -> None:
    config = FaultsConfig.model_validate({"http": {"ups": {"*": {"errors": {"503": 0.5}}}}})
    a, b = Faults(_stub_sandbox(3, config), config), Faults(_stub_sandbox(3, config), config)
    track_only = [a.decide("ups", "track") for _ in range(100)]
    interleaved = []
    for _ in range(100):
        b.decide("ups", "token")
        interleaved.append(b.decide("ups", "track"))
    assert interleaved == track_only


@pytest.mark.unit
def test_most_specific_rule_wins(client: TestClient) -> None:
    put_faults(
        client,
        "",
        {"http": {"*": {"*": {"errors": {"500": 1.0}}}, "dhl": {"track": {"errors": {"503": 1.0}}}}},
    )
    dhl = client.get(DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)
    usps = client.get("/usps/tracking/v3/tracking/9400100000000000000000")
    assert (dhl.status_code, usps.status_code) == (503, 500)


@pytest.mark.unit
def test_docs_are_never_faulted(client: TestClient) -> None:
    put_faults(client, "", {"http": {"*": {"*": {"errors": {"500": 1.0}}}}})
    assert client.get("/dhl/_docs/openapi.json").status_code == 200


@pytest.mark.unit
def test_lognormal_latency_has_the_configured_median() -> None:
    latency = Latency(dist="lognormal", median=0.2, sigma=0.8)
    config = FaultsConfig.model_validate({"http": {"ups": {"track": {"latency": latency.model_dump()}}}})
    faults = Faults(_stub_sandbox(5, config), config)
    n = 2000
    draws = [faults.decide("ups", "track").latency for _ in range(n)]
    assert within_4_sigma(sum(d < 0.2 for d in draws), n, 0.5)
    # about 84% of a lognormal lies below median * e^sigma
    assert within_4_sigma(sum(d < 0.2 * math.exp(0.8) for d in draws), n, 0.8413)


@pytest.mark.unit
def test_uniform_latency_stays_in_bounds() -> None:
    latency = Latency(dist="uniform", low=0.1, high=0.3)
    draws = [sample_latency(latency, i / 1000) for i in range(1000)]
    assert min(draws) == pytest.approx(0.1) and max(draws) < 0.3
    assert sample_latency(Latency(dist="lognormal", median=1, sigma=5, max=2), 0.999) == 2


@pytest.mark.unit
def test_fixed_latency_delays_the_answer(client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"track": {"latency": "300ms"}}}})
    started = time.perf_counter()
    r = client.get(DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)
    assert time.perf_counter() - started >= 0.3
    assert r.status_code == 404
    assert client.get("/_sandbox/metrics").text.count('kind="latency"') == 1


def _validate_error(carrier: str, route: str, status: int, body: Any) -> None:
    """The spec's documented response for the status, else the carrier's error schema."""
    spec, path, method, fallback = {
        ("ups", "track"): ("ups", "/track/v1/details/{inquiryNumber}", "get", "Response"),
        ("ups", "token"): ("ups_oauth", "/security/v1/oauth/token", "post", "tokenErrorResponse"),
        ("fedex", "track"): ("fedex", "/track/v1/trackingnumbers", "post", "ErrorResponseVO"),
        ("fedex", "token"): ("fedex_oauth", "/oauth/token", "post", "ErrorResponseVO"),
        ("dhl", "track"): ("dhl", "/shipments", "get", "supermodelIoLogisticsApiProblemDetail"),
        ("usps", "track"): ("usps", "/tracking/{trackingNumber}", "get", "ErrorMessage"),
        ("usps", "token"): ("usps", "/tracking/{trackingNumber}", "get", "ErrorMessage"),
        ("amazon", "track"): ("amazon", "/shipping/v2/tracking", "get", "ErrorList"),
    }[(carrier, route)]
    if str(status) in load_spec(spec)["paths"][path][method]["responses"]:
        validate_response(spec, path, method, status, body)
    else:
        validate_schema(spec, fallback, body)


def _call(http: TestClient, carrier: str, route: str) -> httpx.Response:
    client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
    if route == "token":
        try:
            client.authenticate()
        except httpx.HTTPStatusError as exc:
            return exc.response
        raise AssertionError("the token call was not faulted")
    client.authenticate()
    return client.track(
        {
            "ups": "1Z999AA10123456784",
            "fedex": "123456789012",
            "dhl": "0000000000",
            "usps": "9400100000000000000000",
            "amazon": "TBA000000000000",
        }[carrier]
    )


@pytest.mark.unit
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize(
    ("carrier", "route"),
    [
        ("ups", "track"),
        ("ups", "token"),
        ("fedex", "track"),
        ("fedex", "token"),
        ("dhl", "track"),
        ("usps", "track"),
        ("usps", "token"),
        ("amazon", "track"),
    ],
)
def test_fault_bodies_are_the_carriers_own(client: TestClient, carrier: str, route: str, status: int) -> None:
    put_faults(client, "", {"http": {carrier: {route: {"errors": {str(status): 1.0}}}}})
    r = _call(client, carrier, route)
    assert r.status_code == status
    _validate_error(carrier, route, status, r.json())


@pytest.mark.unit
@pytest.mark.parametrize("status", [429, 503])
def test_usps_sends_retry_after(client: TestClient, status: int) -> None:
    put_faults(client, "", {"http": {"usps": {"track": {"errors": {str(status): 1.0}}}}})
    r = _call(client, "usps", "track")
    assert r.headers["retry-after"].isdigit()
    assert r.json()["error"]["code"] == str(status)


@pytest.mark.unit
def test_dhl_fault_is_problem_json(client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"track": {"errors": {"503": 1.0}}}}})
    r = client.get(DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)
    assert r.headers["content-type"] == "application/problem+json"
    assert r.text == (
        '{"status":503,"title":"Service Unavailable",'
        '"detail":"The service is temporarily unavailable. Please try again later."}'
    )


@pytest.mark.unit
def test_ups_429_body(client: TestClient) -> None:
    put_faults(client, "", {"http": {"ups": {"track": {"errors": {"429": 1.0}}}}})
    r = _call(client, "ups", "track")
    assert r.json() == {"response": {"errors": [{"code": "10429", "message": "Too Many Requests"}]}}
    assert "retry-after" not in r.headers


@pytest.mark.unit
def test_amazon_lwa_fault_is_an_oauth_body(client: TestClient) -> None:
    put_faults(client, "", {"http": {"amazon": {"token": {"errors": {"503": 1.0}}}}})
    r = _call(client, "amazon", "token")
    assert r.json() == {
        "error_description": "The authorization server is unavailable",
        "error": "temporarily_unavailable",
    }


@pytest.mark.unit
def test_token_storm_expires_live_tokens(client: TestClient) -> None:
    ups = UpsClient(client, "http://testserver/ups")
    ups.authenticate()
    r = client.post("/_sandbox/faults/token-storm", json={"carrier": "ups"})
    assert r.status_code == 200
    assert r.json()["carrier"] == "ups" and r.json()["expired"] >= 1
    stale = ups._get("1Z999AA10123456784", {})
    assert stale.status_code == 401
    assert stale.json() == {
        "response": {"errors": [{"code": "251004", "message": "Bearer Token expired (oauth)"}]}
    }


@pytest.mark.unit
def test_token_storm_of_an_unknown_carrier_is_400(client: TestClient) -> None:
    r = client.post("/_sandbox/faults/token-storm", json={"carrier": "tnt"})
    assert_problem(r, 400, f"carrier: unknown carrier 'tnt' (known: {', '.join(registry.KEYS)})")


@pytest.mark.unit
def test_rate_storm_makes_the_request_see_an_expired_token(client: TestClient) -> None:
    put_faults(client, "", {"http": {"usps": {"track": {"token_storm": 1.0}}}})
    usps = UspsClient(client, "http://testserver/usps")
    usps.authenticate()
    r = client.get(
        "/usps/tracking/v3/tracking/9400100000000000000000",
        headers={"Authorization": f"Bearer {usps.token}"},
    )
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "The access token has expired."


@pytest.mark.unit
def test_in_process_drop_raises_to_the_caller(client: TestClient) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"drop": 1.0}}}})
    with pytest.raises(InjectedDisconnect, match="connection dropped"):
        client.get(DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)


@pytest.mark.unit
def test_reset_restores_the_scenario_faults_and_clears_metrics(client: TestClient, sandbox: Sandbox) -> None:
    put_faults(client, "", {"http": {"dhl": {"*": {"errors": {"500": 1.0}}}}})
    client.get(DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)
    assert sandbox.faults.reset in sandbox.on_reset  # POST /_sandbox/reset calls it
    sandbox.faults.reset()
    assert client.get("/_sandbox/faults").json() == FaultsConfig().model_dump(mode="json")
    assert "parcel_sandbox_requests_total{" not in client.get("/_sandbox/metrics").text


# --------------------------------------------------------------------------------------------
# What a real client sees on a live server


def _dhl_number(sandbox: Sandbox) -> str:
    return parcels_of(sandbox, "dhl", 1)[0]


@pytest.mark.live
def test_dropped_connection_on_a_live_server(app: FastAPI, live_base: str, sandbox: Sandbox) -> None:
    with httpx.Client(timeout=5) as http:
        put_faults(http, live_base, {"http": {"dhl": {"track": {"drop": 1.0}}}})
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            http.get(live_base + DHL_TRACK, params={"trackingNumber": _dhl_number(sandbox)}, headers=DHL_KEY)


@pytest.mark.live
def test_truncated_body_on_a_live_server(app: FastAPI, live_base: str, sandbox: Sandbox) -> None:
    with httpx.Client(timeout=5) as http:
        put_faults(http, live_base, {"http": {"dhl": {"track": {"truncate": 1.0}}}})
        with pytest.raises(httpx.RemoteProtocolError, match=r"incomplete|without sending complete"):
            http.get(live_base + DHL_TRACK, params={"trackingNumber": _dhl_number(sandbox)}, headers=DHL_KEY)


@pytest.mark.live
def test_timeout_holds_until_the_client_gives_up(app: FastAPI, live_base: str) -> None:
    with httpx.Client(timeout=5) as http:
        put_faults(http, live_base, {"http": {"dhl": {"track": {"timeout": 1.0}}}})
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            http.get(live_base + DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY, timeout=0.5)
        assert time.monotonic() - started >= 0.5
        put_faults(http, live_base, {})
        # The server is not wedged: the next call is answered at once.
        assert (
            http.get(live_base + DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY).status_code
            == 404
        )


@pytest.mark.live
def test_timeout_cap_answers_504(app: FastAPI, live_base: str) -> None:
    with httpx.Client(timeout=5) as http:
        put_faults(http, live_base, {"timeout_cap": 0.3, "http": {"dhl": {"track": {"timeout": 1.0}}}})
        r = http.get(live_base + DHL_TRACK, params={"trackingNumber": "1"}, headers=DHL_KEY)
    assert r.status_code == 504
    assert r.json() == {
        "status": 504,
        "title": "Gateway Timeout",
        "detail": "The upstream service did not answer in time.",
    }


# --------------------------------------------------------------------------------------------
# Scan-data faults


def _eligible(sandbox: Sandbox, min_events: int = 8) -> tuple[list[Record], datetime]:
    now = sandbox.sync()
    out = []
    for p in sandbox.store.list(now.timestamp(), limit=100_000):
        rec = sandbox.store.get(p.tracking_number)
        if rec is not None and len(rec.visible_events(now.timestamp())) >= min_events:
            out.append(rec)
    return out, now


def _shown(sandbox: Sandbox, rec: Record, now: datetime) -> list[ScanEvent]:
    view = sandbox.view(rec.carrier, rec.tracking_number, now)
    assert view is not None
    return view.events


SCAN_CASES = {
    "duplicate": {"duplicate": 0.1},
    "out_of_order": {"out_of_order": 0.1},
    "missing": {"missing": 0.1},
    "late": {"late": {"rate": 0.1, "delay": "1000d"}},
    "stale": {"stale": {"rate": 0.1, "duration": "1000d"}},
    "corrected_delivery": {"corrected_delivery": {"rate": 0.1, "after": "1000d"}},
}


@pytest.mark.unit
@pytest.mark.parametrize("kind", list(SCAN_CASES))
def test_scan_fault_frequency_matches_the_rate(app: FastAPI, sandbox: Sandbox, kind: str) -> None:
    sandbox.faults.set_config(FaultsConfig.model_validate({"scan": SCAN_CASES[kind]}))
    records, now = _eligible(sandbox)
    if kind == "corrected_delivery":
        records = [r for r in records if any(e.code is EventCode.OUT_FOR_DELIVERY for e in r.events)]
    assert len(records) >= 1000
    changed = sum(_shown(sandbox, r, now) != r.visible_events(now.timestamp()) for r in records)
    assert within_4_sigma(changed, len(records), 0.1), (kind, changed, len(records))


def _one_with(sandbox: Sandbox, scan: dict[str, Any]) -> tuple[Record, datetime, list[ScanEvent]]:
    sandbox.faults.set_config(FaultsConfig.model_validate({"scan": scan}))
    records, now = _eligible(sandbox, 9)
    rec = records[0]
    return rec, now, rec.visible_events(now.timestamp())


@pytest.mark.unit
def test_duplicate_shows_one_scan_twice(app: FastAPI, sandbox: Sandbox) -> None:
    rec, now, truth = _one_with(sandbox, {"duplicate": 1})
    shown = _shown(sandbox, rec, now)
    assert len(shown) == len(truth) + 1
    twice = [e for e in shown if shown.count(e) == 2]
    assert len(twice) == 2 and twice[0].event_id == twice[1].event_id
    assert [e for i, e in enumerate(shown) if e not in shown[:i]] == truth


@pytest.mark.unit
def test_out_of_order_swaps_two_adjacent_scans(app: FastAPI, sandbox: Sandbox) -> None:
    rec, now, truth = _one_with(sandbox, {"out_of_order": 1})
    shown = _shown(sandbox, rec, now)
    # By event id: a parcel read back from the archive is a fresh copy of the same events.
    moved = [i for i, (a, b) in enumerate(zip(shown, truth, strict=True)) if a.event_id != b.event_id]
    assert len(moved) == 2 and moved[1] == moved[0] + 1
    assert shown[moved[0]].event_id == truth[moved[1]].event_id
    assert shown[moved[1]].event_id == truth[moved[0]].event_id


@pytest.mark.unit
def test_missing_scan_never_shows(app: FastAPI, sandbox: Sandbox) -> None:
    rec, now, truth = _one_with(sandbox, {"missing": 1})
    shown = _shown(sandbox, rec, now)
    gone = [e for e in truth if e not in shown]
    assert len(gone) == 1 and gone[0] is not truth[0] and gone[0].code not in TERMINAL_CODES
    later = now + timedelta(days=30)
    assert gone[0] not in sandbox.faults.filter_view(rec, rec.visible_events(later.timestamp()), later)


@pytest.mark.unit
def test_late_scan_shows_after_the_delay(app: FastAPI, sandbox: Sandbox) -> None:
    rec, _, _ = _one_with(sandbox, {"late": {"rate": 1, "delay": "3d"}})
    faults = sandbox.faults

    def shown_at(at: datetime) -> list[ScanEvent]:
        return faults.filter_view(rec, rec.visible_events(at.timestamp()), at)

    full = rec.visible_events(math.inf)
    late = next(e for e in full[1:] if e not in shown_at(datetime.fromisoformat(e.visible_at)))
    before = datetime.fromisoformat(late.visible_at) + timedelta(days=3, seconds=-1)
    shown = shown_at(before)
    assert late not in shown and shown[-1].seq > late.seq  # later scans already show
    after = before + timedelta(seconds=2)
    assert shown_at(after) == rec.visible_events(after.timestamp())


@pytest.mark.unit
def test_stale_tracker_freezes_then_catches_up(app: FastAPI, sandbox: Sandbox) -> None:
    rec, _, _ = _one_with(sandbox, {"stale": {"rate": 1, "duration": "3d"}})
    faults = sandbox.faults
    full = rec.visible_events(math.inf)
    end = datetime.fromisoformat(full[-1].visible_at)
    frozen = faults.filter_view(rec, rec.visible_events(end.timestamp()), end)
    assert 2 <= len(frozen) < len(full) and frozen == full[: len(frozen)]
    thaw = datetime.fromisoformat(frozen[-1].visible_at) + timedelta(days=3, seconds=1)
    assert faults.filter_view(rec, rec.visible_events(thaw.timestamp()), max(thaw, end)) == full


@pytest.mark.unit
@pytest.mark.parametrize("replace_with", [None, "DELIVERY_ATTEMPTED"])
def test_false_delivered_is_corrected(app: FastAPI, sandbox: Sandbox, replace_with: str | None) -> None:
    scan = {"corrected_delivery": {"rate": 1, "after": "2h", "replace_with": replace_with}}
    rec, _, _ = _one_with(sandbox, scan)
    faults = sandbox.faults
    full = rec.visible_events(math.inf)
    ofd = next(e for e in full if e.code is EventCode.OUT_FOR_DELIVERY)
    soon = datetime.fromisoformat(ofd.visible_at) + timedelta(minutes=2)
    shown = faults.filter_view(rec, rec.visible_events(soon.timestamp()), soon)
    assert shown[shown.index(ofd) + 1].code is EventCode.DELIVERED
    later = soon + timedelta(hours=2)
    corrected = faults.filter_view(rec, rec.visible_events(later.timestamp()), later)
    extra = [e for e in corrected if e not in full]
    if replace_with is None:
        assert extra == []
    else:
        assert [e.code for e in extra] == [EventCode.DELIVERY_ATTEMPTED]


@pytest.mark.unit
def test_the_same_parcel_shows_the_same_fault_every_time(
    app: FastAPI, client: TestClient, sandbox: Sandbox
) -> None:
    sandbox.faults.set_config(FaultsConfig.model_validate({"scan": {"duplicate": 0.5, "out_of_order": 0.5}}))
    dhl = DhlClient(client, "http://testserver/dhl")
    dhl.authenticate()
    for number in parcels_of(sandbox, "dhl", 5, min_events=8):
        assert dhl.track(number).json() == dhl.track(number).json()


@pytest.mark.unit
def test_scan_faults_never_change_the_truth(app: FastAPI, client: TestClient, sandbox: Sandbox) -> None:
    sandbox.faults.set_config(
        FaultsConfig.model_validate({"scan": {"duplicate": 1, "missing": 1, "out_of_order": 1, "late": 1}})
    )
    number = parcels_of(sandbox, "fedex", 1, min_events=9)[0]
    rec = sandbox.store.get(number)
    assert rec is not None
    before = [e.to_dict() for e in rec.events]
    control = client.get(f"/_sandbox/parcels/{number}").json()
    shown = _shown(sandbox, rec, sandbox.sync())
    assert [e.to_dict() for e in rec.events] == before
    now = sandbox.sync().timestamp()
    assert control["events"] == [e.to_dict() for e in rec.visible_events(now)]
    assert [e.event_id for e in shown] != [e["event_id"] for e in control["events"]]


@pytest.mark.unit
def test_scan_faults_only_touch_the_listed_carriers(app: FastAPI, sandbox: Sandbox) -> None:
    sandbox.faults.set_config(FaultsConfig.model_validate({"scan": {"carriers": ["dhl"], "duplicate": 1}}))
    records, now = _eligible(sandbox)
    for rec in records[:200]:
        changed = _shown(sandbox, rec, now) != rec.visible_events(now.timestamp())
        assert changed == (rec.carrier == "dhl")


@pytest.mark.unit
@pytest.mark.parametrize("carrier", list(CLIENTS))
def test_every_carrier_renders_faulted_views(client: TestClient, sandbox: Sandbox, carrier: str) -> None:
    put_faults(
        client,
        "",
        {
            "scan": {
                "duplicate": 1,
                "out_of_order": 1,
                "missing": 1,
                "late": 0.5,
                "stale": 0.3,
                "corrected_delivery": {"rate": 1, "after": "1000d"},
            }
        },
    )
    tracker = CLIENTS[carrier](client, f"http://testserver/{carrier}")
    tracker.authenticate()
    numbers = parcels_of(sandbox, carrier, 8, min_events=6)
    assert numbers
    for number in numbers:
        r = tracker.track(number)
        assert r.status_code == 200, r.text
        tracker.validate(r)
    assert sandbox.faults.metrics.value("parcel_sandbox_scan_faults_total", carrier=carrier) > 0


@pytest.mark.unit
def test_token_issuer_knows_the_client_of_a_live_token() -> None:
    tokens = TokenIssuer(1)
    token = tokens.issue("ups", "client-a", 3600)
    assert tokens.client_of("ups", token.access_token) == "client-a"
    assert tokens.client_of("fedex", token.access_token) is None
    tokens.expire_all("ups")
    assert tokens.client_of("ups", token.access_token) is None
