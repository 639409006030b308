"""The served sandbox end to end, through real carrier clients: in-process and on a live uvicorn
server on loopback (the same tests, parametrized), as a tracking client would see it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from sim.scenario import Scenario
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_dhl import DhlClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import small_scenario
from tests.live import live_server

pytestmark = pytest.mark.slow

CLIENTS: dict[str, Any] = {
    "ups": UpsClient,
    "fedex": FedexClient,
    "dhl": DhlClient,
    "usps": UspsClient,
    "amazon": AmazonClient,
}
# What each carrier answers a request with a bad or expired token (Amazon's SP-API answers 403).
AUTH_FAILURE = {"ups": 401, "fedex": 401, "usps": 401, "amazon": 403, "dhl": 401}


def served_scenario(**overrides: Any) -> Scenario:
    return small_scenario(duration="2d", demand={"parcels_per_day": 250}, **overrides)


@pytest.fixture(params=["in-process", pytest.param("live", marks=pytest.mark.live)])
def sandbox_http(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    """(http client, base URL) over a fresh sandbox, in-process or on a live uvicorn server."""
    app = create_app(served_scenario())
    if request.param == "in-process":
        with TestClient(app) as client:
            yield client, "http://testserver"
    else:
        with live_server(app) as base, httpx.Client(timeout=30) as client:
            yield client, base


def advance(http: httpx.Client, base: str, by: str) -> dict:
    """Move the clock and wait for the world: 200 when it got there, else 202 and poll."""
    r = http.post(f"{base}/_sandbox/clock", json={"advance": by}, params={"timeout": 20})
    assert r.status_code in (200, 202), r.text
    deadline = time.monotonic() + 300
    while r.status_code == 202 or r.json()["now"] != r.json()["target"]:
        assert time.monotonic() < deadline, r.text
        time.sleep(0.1)
        r = http.get(f"{base}/_sandbox/clock")
    return r.json()


def parcels(http: httpx.Client, base: str, **params: Any) -> list[dict]:
    r = http.get(f"{base}/_sandbox/parcels", params={"limit": 1000, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_track_as_the_world_moves(sandbox_http: tuple[httpx.Client, str]) -> None:
    """Per carrier: token, track real parcels, advance the clock, new scans appear, DELIVERED at
    the end — all five carriers in one world, every response validated against the carrier's spec."""
    http, base = sandbox_http
    clients = {c: CLIENTS[c](http, f"{base}/{c}") for c in CLIENTS}
    for client in clients.values():
        client.authenticate()
    advance(http, base, "30h")
    before: dict[str, dict[str, int]] = {}
    for carrier, client in clients.items():
        candidates = [p for p in parcels(http, base, carrier=carrier) if p["status"]][:10]
        assert candidates, f"no {carrier} parcels visible after 30 h"
        before[carrier] = {}
        for p in candidates:
            r = client.track(p["tracking_number"])
            assert r.status_code == 200, r.text
            client.validate(r)
            before[carrier][p["tracking_number"]] = client.scan_count(r.json())
            assert before[carrier][p["tracking_number"]] >= 1
    advance(http, base, "36h")
    for carrier, client in clients.items():
        grew = 0
        for tn, count in before[carrier].items():
            r = client.track(tn)
            client.validate(r)
            grew += client.scan_count(r.json()) > count
        assert grew, f"{carrier}: advancing the clock must reveal new scans"
    advance(http, base, "12d")
    for carrier, client in clients.items():
        delivered = 0
        for tn in before[carrier]:
            detail = http.get(f"{base}/_sandbox/parcels/{tn}").json()
            r = client.track(tn)
            assert r.status_code == 200
            client.validate(r)
            if detail["truth"]["fate"] == "delivered" and detail["status"] == "DELIVERED":
                assert client.is_delivered(r.json()), tn
                delivered += 1
        assert delivered, f"no {carrier} parcel reached DELIVERED"


@pytest.mark.parametrize("carrier", list(CLIENTS))
def test_unknown_number_gets_the_carriers_answer(
    sandbox_http: tuple[httpx.Client, str], carrier: str
) -> None:
    http, base = sandbox_http
    client = CLIENTS[carrier](http, f"{base}/{carrier}")
    client.authenticate()
    unknown = {
        "ups": "1Z999AA10123456784",
        "fedex": "123456789012",
        "dhl": "1234567890",
        "usps": "9400111206206406260787",
        "amazon": "TBA000000000000",
    }[carrier]
    r = client.track(unknown)
    assert client.is_not_found(r), r.text
    client.validate(r)
    assert_carrier_shaped(r)


@pytest.mark.parametrize("carrier", ["ups", "fedex", "usps", "amazon"])
def test_bad_token_is_refused(sandbox_http: tuple[httpx.Client, str], carrier: str) -> None:
    http, base = sandbox_http
    advance(http, base, "1d")
    tn = next(p["tracking_number"] for p in parcels(http, base, carrier=carrier) if p["status"])
    r = raw_track(http, f"{base}/{carrier}", carrier, tn, "not-a-real-token")
    assert r.status_code == AUTH_FAILURE[carrier], r.text
    assert_carrier_shaped(r)


def test_dhl_bad_key_is_refused(sandbox_http: tuple[httpx.Client, str]) -> None:
    http, base = sandbox_http
    r = http.get(f"{base}/dhl/track/shipments", params={"trackingNumber": "1234567890"})
    assert r.status_code == 401


def assert_carrier_shaped(r: httpx.Response) -> None:
    """Never FastAPI's default ``{"detail": ...}`` body, never a traceback, never a 500."""
    assert r.status_code != 500, r.text
    assert "Traceback" not in r.text
    if "json" in r.headers.get("content-type", ""):
        body = r.json()
        assert not (isinstance(body, dict) and set(body) == {"detail"}), r.text


def raw_track(http: httpx.Client, base: str, carrier: str, tn: str, token: str) -> httpx.Response:
    bearer = {"Authorization": f"Bearer {token}"}
    if carrier == "ups":
        return http.get(
            f"{base}/api/track/v1/details/{tn}",
            headers={**bearer, "transId": "t1", "transactionSrc": "tests"},
        )
    if carrier == "fedex":
        return http.post(
            f"{base}/track/v1/trackingnumbers",
            headers=bearer,
            json={
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": tn}}],
            },
        )
    if carrier == "usps":
        return http.get(f"{base}/tracking/v3/tracking/{tn}", params={"expand": "DETAIL"}, headers=bearer)
    return http.get(
        f"{base}/shipping/v2/tracking",
        params={"trackingId": tn, "carrierId": "AMZN_US"},
        headers={"x-amz-access-token": token},
    )


@pytest.mark.live
def test_tokens_expire_and_clients_refresh() -> None:
    lifetimes = {c: {"token_lifetime": 1} for c in ("ups", "fedex", "usps", "amazon")}
    scenario = served_scenario()
    carriers = {
        c: cfg.model_copy(update={"token_lifetime": 1.0}) if c in lifetimes else cfg
        for c, cfg in scenario.carriers.items()
    }
    app = create_app(scenario.model_copy(update={"carriers": carriers}))
    with live_server(app) as base, httpx.Client(timeout=30) as http:
        advance(http, base, "1d")
        # The number first, then the token: on a busy machine a second passes quickly, and the
        # token must still be fresh when the track call goes out. A fresh token may have expired
        # by then on a very slow machine: authenticate again and retry, a bounded number of times.
        numbers = {
            c: next(p["tracking_number"] for p in parcels(http, base, carrier=c) if p["status"])
            for c in lifetimes
        }
        for carrier, tn in numbers.items():
            client = CLIENTS[carrier](http, f"{base}/{carrier}")
            for _ in range(5):
                client.authenticate()
                token = getattr(client, "access_token", None) or client.token
                answer = raw_track(http, f"{base}/{carrier}", carrier, tn, token)
                if answer.status_code != 401:
                    break
            assert answer.status_code == 200, answer.text
        time.sleep(1.2)
        for carrier, tn in numbers.items():
            client = CLIENTS[carrier](http, f"{base}/{carrier}")
            client.authenticate()
            old = getattr(client, "access_token", None) or client.token
            time.sleep(1.1) if carrier == "ups" else None
            expired = raw_track(http, f"{base}/{carrier}", carrier, tn, old)
            if carrier == "ups":
                assert expired.status_code == 401, expired.text
            for _ in range(5):  # the refresh path: a new token works again
                client.authenticate()
                fresh = getattr(client, "access_token", None) or client.token
                assert fresh != old
                answer = raw_track(http, f"{base}/{carrier}", carrier, tn, fresh)
                if answer.status_code != 401:
                    break
            assert answer.status_code == 200, answer.text


def test_expired_token_gets_each_carriers_status() -> None:
    scenario = served_scenario()
    carriers = {c: cfg.model_copy(update={"token_lifetime": 1.0}) for c, cfg in scenario.carriers.items()}
    app = create_app(scenario.model_copy(update={"carriers": carriers}))
    with TestClient(app) as http:
        advance(http, "http://testserver", "1d")
        tokens = {}
        for carrier in ("ups", "fedex", "usps", "amazon"):
            client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
            client.authenticate()
            tokens[carrier] = getattr(client, "access_token", None) or client.token
        time.sleep(1.1)
        for carrier, token in tokens.items():
            tn = next(
                p["tracking_number"]
                for p in parcels(http, "http://testserver", carrier=carrier)
                if p["status"]
            )
            r = raw_track(http, f"http://testserver/{carrier}", carrier, tn, token)
            assert r.status_code == AUTH_FAILURE[carrier], (carrier, r.text)
            assert "expired" in r.text.lower(), (carrier, r.text)


def test_same_seed_and_clock_steps_give_byte_identical_responses() -> None:
    def session() -> list[bytes]:
        app = create_app(served_scenario())
        out = []
        with TestClient(app) as http:
            base = "http://testserver"
            clients = {c: CLIENTS[c](http, f"{base}/{c}") for c in CLIENTS}
            for c in clients.values():
                c.authenticate()
            for step in ("20h", "1d", "3d"):
                advance(http, base, step)
                for carrier, client in clients.items():
                    for p in parcels(http, base, carrier=carrier)[:5]:
                        out.append(client.track(p["tracking_number"]).content)
        return out

    first, second = session(), session()
    assert len(first) > 40
    assert first == second


def test_bad_requests_get_carrier_shaped_errors() -> None:
    app = create_app(served_scenario())
    with TestClient(app, raise_server_exceptions=False) as http:
        fedex = FedexClient(http, "http://testserver/fedex")
        fedex.authenticate()
        headers = {"Authorization": f"Bearer {fedex.access_token}", "content-type": "application/json"}
        numbers = [{"trackingNumberInfo": {"trackingNumber": f"7{i:011d}"}} for i in range(31)]
        r = http.post(
            "/fedex/track/v1/trackingnumbers",
            headers=headers,
            json={"includeDetailedScans": True, "trackingInfo": numbers},
        )
        assert r.status_code == 400 and r.json()["errors"][0]["code"]
        r = http.post("/fedex/track/v1/trackingnumbers", headers=headers, content=b"{not json")
        assert r.status_code == 400 and "errors" in r.json()
        r = http.post("/fedex/track/v1/trackingnumbers", headers=headers, content=b"x" * (2 << 20))
        assert r.status_code == 413 and "errors" in r.json()
        for path in (
            "/ups/api/track/v1/nonsense",
            "/usps/tracking/v3/../../etc",
            "/amazon/shipping/v2/x",
            "/dhl/track/shipments/extra",
            "/fedex/%00junk",
        ):
            r = http.get(path)
            assert r.status_code in (400, 404, 405), (path, r.status_code)
            assert_carrier_shaped(r)


def test_control_plane_clock_and_parcels() -> None:
    app = create_app(served_scenario())
    with TestClient(app) as http:
        start = http.get("/_sandbox/clock").json()
        assert start["mode"] == "manual"
        for step, seconds in (("90m", 5400), ("2h", 7200), ("PT2H", 7200)):
            before = http.get("/_sandbox/clock").json()["now"]
            after = advance(http, "http://testserver", step)["now"]
            from datetime import datetime

            assert (datetime.fromisoformat(after) - datetime.fromisoformat(before)).total_seconds() == seconds
        assert http.post("/_sandbox/clock", json={"to": "2026-11-01T00:00:00+00:00"}).status_code == 400
        assert (
            http.post("/_sandbox/clock", json={"to": "2026-11-04T12:00:00-05:00"})
            .json()["now"]
            .startswith("2026-11-04T12:00:00")
        )
        assert http.post("/_sandbox/clock", json={"speed": 60}).json()["speed"] == 60
        assert http.post("/_sandbox/clock", json={"mode": "nonsense"}).status_code == 400
        page = http.get("/_sandbox/parcels", params={"limit": 50}).json()
        assert len(page["items"]) == 50 and page["next"]
        page2 = http.get("/_sandbox/parcels", params={"limit": 50, "cursor": page["next"]}).json()
        assert not {p["tracking_number"] for p in page["items"]} & {
            p["tracking_number"] for p in page2["items"]
        }
        delivered = http.get("/_sandbox/parcels", params={"status": "DELIVERED"}).json()["items"]
        assert delivered and all(p["status"] == "DELIVERED" for p in delivered)
        lost = http.get("/_sandbox/parcels", params={"fate": "lost"}).json()["items"]
        assert all(p["fate"] == "lost" for p in lost)
        one = http.get(f"/_sandbox/parcels/{delivered[0]['tracking_number']}").json()
        assert one["events"][-1]["code"] == "DELIVERED" and one["truth"]["delivered_at"]
        assert http.get("/_sandbox/parcels/NOPE").status_code == 404
        assert http.get("/_sandbox/health").json()["status"] == "ok"
        assert http.post("/_sandbox/reset").json()["now"] == start["now"]
        assert http.get("/_sandbox/parcels").json()["items"] == []
        spec = http.get("/openapi.json").json()
        assert {
            "/_sandbox/clock",
            "/_sandbox/parcels",
            "/_sandbox/parcels/{tracking_number}",
            "/_sandbox/reset",
            "/_sandbox/health",
            "/_sandbox/cases",
        } <= set(spec["paths"])


def test_instant_mode_shows_the_whole_horizon() -> None:
    app = create_app(served_scenario(), clock="instant")
    with TestClient(app) as http:
        # The engine computes the horizon off the request path; an empty move waits until it is there.
        state = http.post("/_sandbox/clock", json={}).json()
        assert state["now"] == state["target"]
        items = http.get("/_sandbox/parcels", params={"status": "DELIVERED", "limit": 5}).json()["items"]
        assert len(items) == 5


def test_memory_is_bounded_and_old_parcels_stay_queryable_with_db(tmp_path: Any) -> None:
    from datetime import timedelta

    db = tmp_path / "sandbox.sqlite"
    app = create_app(served_scenario(), db=db, retention=timedelta(days=1))
    with TestClient(app) as http:
        advance(http, "http://testserver", "10d")
        health = http.get("/_sandbox/health").json()
        assert health["parcels_in_memory"] < health["parcels_created"] * 0.6
        sandbox = app.state.sandbox
        now = sandbox.now().timestamp()
        archived = sandbox.store.archive.list(now, None, "DELIVERED", None, None, 0, 5)
        assert archived
        tn = archived[0][1]
        assert not sandbox.store.holds(tn)
        detail = http.get(f"/_sandbox/parcels/{tn}").json()
        assert detail["status"] == "DELIVERED" and detail["truth"]["fate"] in (
            "delivered",
            "damaged",
            "misdelivered",
        )
        carrier = detail["carrier"]
        client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
        client.authenticate()
        r = client.track(tn)
        assert r.status_code == 200 and client.is_delivered(r.json())


@pytest.fixture(params=["in-process", pytest.param("live", marks=pytest.mark.live)])
def germany_http(request: pytest.FixtureRequest) -> Iterator[tuple[httpx.Client, str]]:
    from sim.scenario import load_scenario

    scenario, _ = load_scenario("germany")
    small = scenario.model_copy(
        update={
            "demand": scenario.demand.model_copy(update={"parcels_per_day": 300}),
            "duration": 2 * 86400.0,
        }
    )
    app = create_app(small)
    if request.param == "in-process":
        with TestClient(app) as client:
            yield client, "http://testserver"
    else:
        with live_server(app) as base, httpx.Client(timeout=30) as client:
            yield client, base


def test_germany_hermes_dhl_ups(germany_http: tuple[httpx.Client, str]) -> None:
    """The German world through Hermes (HSI), DHL and UPS: German texts, German addresses."""
    from tests.carriers.client_hermes import HermesClient

    http, base = germany_http
    hermes = HermesClient(http, f"{base}/hermes")
    hermes.authenticate()
    advance(http, base, "30h")
    numbers = [p["tracking_number"] for p in parcels(http, base, carrier="hermes") if p["status"]][:8]
    assert numbers
    first = {n: hermes.scan_count(hermes.track(n).json()) for n in numbers}
    advance(http, base, "10d")
    delivered = 0
    for n in numbers:
        r = hermes.track(n)
        assert r.status_code == 200
        hermes.validate(r)
        body = r.json()
        assert hermes.scan_count(body) >= first[n]
        delivered += hermes.is_delivered(body)
        detail = http.get(f"{base}/_sandbox/parcels/{n}").json()
        assert detail["truth"]["destination"]["country"] == "DE"
    assert delivered
    text = json.dumps(hermes.track(numbers[0]).json(), ensure_ascii=False)
    assert "Sendung" in text, "Hermes speaks German by default"
    dhl = DhlClient(http, f"{base}/dhl")
    dhl.authenticate()
    dhl_number = next(p["tracking_number"] for p in parcels(http, base, carrier="dhl", status="DELIVERED"))
    r = dhl.track(dhl_number, language="de")
    dhl.validate(r)
    assert r.headers["content-language"] == "de"
    assert dhl.is_delivered(r.json())
    bad = http.get(
        f"{base}/hermes/services/hsi/shipmentinfo",
        params={"shipmentID": numbers[0]},
        headers={"Authorization": "Bearer nonsense"},
    )
    assert bad.status_code == 400 and bad.json()["listOfResultCodes"][0]["code"] == "e902"


# What each carrier answers for a malformed number (UPS TV1002, USPS 150002 …, FedEx a per-number
# NOTFOUND inside a 200, DHL the same 404 as unknown numbers).
INVALID_NUMBER_STATUS = {"ups": 400, "fedex": 200, "dhl": 404, "usps": 400, "amazon": 400}


@pytest.mark.parametrize("carrier", list(CLIENTS))
def test_invalid_number_gets_the_carriers_answer(
    sandbox_http: tuple[httpx.Client, str], carrier: str
) -> None:
    http, base = sandbox_http
    client = CLIENTS[carrier](http, f"{base}/{carrier}")
    client.authenticate()
    r = client.track("!!bad$$")
    assert r.status_code == INVALID_NUMBER_STATUS[carrier], r.text
    assert_carrier_shaped(r)
    if carrier == "ups":
        assert r.json()["response"]["errors"][0]["code"] == "TV1002"
    if carrier == "fedex":
        result = r.json()["output"]["completeTrackResults"][0]["trackResults"][0]
        assert result["error"]["code"] == "TRACKING.TRACKINGNUMBER.NOTFOUND"
