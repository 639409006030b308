"""DPD in the served sandbox: the germany world's DPD parcels through the SOAP mock (German texts,
Predict windows that hold), and the sandbox's fault layer in front of DPD (HTTP faults, the
published login limit, token-expiry storms) — every answer a SOAP fault DPD's schemas accept."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from sim.tracking_numbers import is_valid
from tests.carriers import client_dpd as soap
from tests.carriers.client_dpd import DpdClient
from tests.carriers.dpd_world import small_germany

pytestmark = pytest.mark.slow
BASE = "http://testserver"


@pytest.fixture(scope="module")
def germany() -> Iterator[TestClient]:
    small = small_germany()
    with TestClient(create_app(small)) as http:
        yield http


def put_faults(http: TestClient, config: dict[str, Any]) -> None:
    r = http.put("/_sandbox/faults", json=config)
    assert r.status_code == 200, r.text


def dpd_parcels(http: TestClient, **params: str) -> list[dict[str, Any]]:
    r = http.get("/_sandbox/parcels", params={"carrier": "dpd", "limit": 1000, **params})
    assert r.status_code == 200
    return r.json()["items"]


def test_the_german_world_through_dpd(germany: TestClient) -> None:
    http = germany
    put_faults(http, {})
    http.post("/_sandbox/clock", json={"to": "2026-11-04T12:00:00+01:00"})
    client = DpdClient(http, f"{BASE}/dpd", language="de_DE")
    client.authenticate()
    items = dpd_parcels(http)
    assert len(items) > 50
    shown = 0
    for item in items[:60]:
        n = item["tracking_number"]
        assert is_valid("dpd", n)
        r = client.track(n)
        if not item["status"]:
            assert client.is_not_found(r)
            continue
        assert r.status_code == 200, r.text
        soap.validate(r)
        statuses = soap.statuses(r)
        if item["status"] != "LABEL_CREATED":
            assert statuses and statuses[-1]["current"]
            shown += 1
        assert all(s["location"].endswith("(DE)") for s in statuses)
    assert shown > 20
    assert "Ihr DPD Service:" in r.text


def test_predict_windows_are_one_hour_and_hold(germany: TestClient) -> None:
    """Every DPD parcel out for delivery announces a 1-hour window in the morning; the courier
    arrives inside it (the truth's delivery time)."""
    http = germany
    put_faults(http, {})
    http.post("/_sandbox/clock", json={"to": "2026-11-04T10:00:00+01:00"})
    client = DpdClient(http, f"{BASE}/dpd", language="de_DE")
    client.authenticate()
    out = dpd_parcels(http, status="OUT_FOR_DELIVERY")
    assert out, "some DPD parcels are with the courier at 10:00"
    for item in out[:15]:
        n = item["tracking_number"]
        text = soap.predict(client.track(n))
        assert text is not None and text.startswith("Ihr Paket wird am "), text
        detail = http.get(f"/_sandbox/parcels/{n}").json()
        courier = [e for e in detail["events"] if e["code"] == "OUT_FOR_DELIVERY"][-1]
        eta = courier["estimated_delivery"]
        start, end = datetime.fromisoformat(eta["start"]), datetime.fromisoformat(eta["end"])
        assert (end - start).total_seconds() == 3600 and start.minute % 15 == 0
        assert f"zwischen {start:%H:%M} und {end:%H:%M} Uhr" in text
        assert datetime.fromisoformat(courier["occurred_at"]) <= start + (end - start)
        delivered_at = detail["truth"].get("delivered_at")
        if delivered_at:
            assert start <= datetime.fromisoformat(delivered_at) <= end, (eta, delivered_at)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
@pytest.mark.parametrize("route", ["token", "track"])
def test_injected_faults_are_dpd_soap_faults(germany: TestClient, route: str, status: int) -> None:
    http = germany
    put_faults(http, {})
    client = DpdClient(http, f"{BASE}/dpd")
    client.authenticate()
    put_faults(http, {"http": {"dpd": {route: {"errors": {str(status): 1.0}}}}})
    r = client.login() if route == "token" else client.track("01405400945058")
    assert r.status_code == status, r.text
    soap.validate(r)
    assert soap.fault(r)["faultcode"] == "soap:Server"
    metrics = http.get("/_sandbox/metrics").text
    assert f'carrier="dpd",kind="error_{status}",route="{route}"' in metrics
    put_faults(http, {})


def test_dpd_publishes_ten_logins_a_day(germany: TestClient) -> None:
    http = germany
    put_faults(http, {"rate_limits": {"dpd": "default"}})
    client = DpdClient(http, f"{BASE}/dpd")
    answers = [client.login().status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    refused = client.login()
    soap.validate(refused)
    assert "Daily request limit exceeded." in refused.text
    assert client.track("01405400945058").status_code == 500  # tracking is not counted (no token)
    put_faults(http, {})


def test_a_token_storm_expires_dpd_tokens(germany: TestClient) -> None:
    http = germany
    put_faults(http, {})
    # a moment with delivered DPD parcels, whichever test ran before on this world
    http.post("/_sandbox/clock", json={"to": "2026-11-04T12:00:00+01:00"})
    client = DpdClient(http, f"{BASE}/dpd")
    client.authenticate()
    n = dpd_parcels(http, status="DELIVERED")[0]["tracking_number"]
    assert client.track(n).status_code == 200
    r = http.post("/_sandbox/faults/token-storm", json={"carrier": "dpd"})
    assert r.status_code == 200, r.text
    expired = client.track(n)
    assert soap.fault(expired)["code"] == "ERR_DELICOM_TOKEN_EXPIRED"
    client.authenticate()
    assert client.track(n).status_code == 200


def test_the_docs_example_number_is_a_delivered_dpd_parcel_of_the_germany_scenario(tmp_path: Path) -> None:
    """docs/carriers/dpd.md's "try it" number exists in the shipped world, delivered as it says."""
    from sim.golden import run_scenario

    page = (Path(__file__).resolve().parents[2] / "docs" / "carriers" / "dpd.md").read_text(encoding="utf-8")
    number = re.search(r"`(01[0-9]{12}[0-9A-Z])` is a DPD parcel of the shipped `germany` scenario", page)
    assert number is not None
    events = [json.loads(line) for line in run_scenario("germany", tmp_path).read_text().splitlines()]
    mine = [e for e in events if e["tracking_number"] == number[1]]
    assert mine and all(e["carrier"] == "dpd" for e in mine)
    delivered = [e for e in mine if e["code"] == "DELIVERED"]
    assert delivered and delivered[0]["occurred_at"].startswith("2026-11-03")
    assert f"<parcelLabelNumber>{number[1][:14]}</parcelLabelNumber>" in page
