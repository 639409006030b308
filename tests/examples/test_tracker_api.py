"""The tracker's own API, in-process: what it accepts, what it refuses and how (one clear error
body, never a traceback), before any carrier has answered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from examples.reference_tracker.app import MAX_BODY_BYTES, create_app
from examples.reference_tracker.config import TrackerConfig

pytestmark = pytest.mark.unit


def app_client(**overrides: object) -> TestClient:
    # Nothing listens on port 1: every carrier call fails fast and the carrier backs off.
    config = TrackerConfig("http://127.0.0.1:1", carriers=("ups", "dhl"), clock="system", **overrides)
    return TestClient(create_app(config))


@pytest.fixture
def client() -> Iterator[TestClient]:
    with app_client() as c:
        yield c


def test_registration_and_listing(client: TestClient) -> None:
    r = client.post("/shipments", json={"carrier": "ups", "tracking_number": "1ZBMZKLI0394384287"})
    assert r.status_code == 201 and r.json()["status"] == "pending" and r.json()["events"] == []
    again = client.post("/shipments", json={"carrier": "ups", "tracking_number": "1ZBMZKLI0394384287"})
    assert again.status_code == 200
    bulk = client.post(
        "/shipments/bulk",
        json={
            "shipments": [
                {"carrier": "dhl", "tracking_number": "3318810025"},
                {"carrier": "ups", "tracking_number": "1ZBMZKLI0394384287"},
                {"carrier": "fedex", "tracking_number": "794600000010"},
                {"carrier": "dhl", "tracking_number": "../../_sandbox/reset"},
            ]
        },
    )
    assert bulk.status_code == 200
    body = bulk.json()
    assert (body["registered"], body["already_registered"]) == (1, 1)
    assert [e["index"] for e in body["errors"]] == [2, 3]
    assert "not tracked here" in body["errors"][0]["error"]
    listed = client.get("/api/shipments", params={"carrier": "dhl"}).json()
    assert listed["total"] == 1 and listed["items"][0]["event_count"] == 0
    assert client.get("/api/shipments", params={"status": "delivered"}).json()["total"] == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("post", "/shipments", {"carrier": "ups"}, 400, "tracking_number: Field required"),
        (
            "post",
            "/shipments",
            {"carrier": "ups", "tracking_number": "1Z 1"},
            400,
            "4 to 40 letters and digits",
        ),
        ("post", "/shipments", {"carrier": "royalmail", "tracking_number": "AB123"}, 400, "not tracked here"),
        ("post", "/shipments/bulk", {"shipments": [{}] * 1001}, 400, "at most 1000"),
        ("get", "/api/track/royalmail/AB12345", None, 404, "not tracked here"),
        ("get", "/api/track/ups/1Z%20%3B", None, 400, "letters and digits"),
        ("get", "/api/shipments?status=bogus", None, 400, "status"),
        ("get", "/nowhere", None, 404, "Not Found"),
        ("post", "/webhooks/sandbox", {}, 404, "webhooks are off"),
    ],
)
def test_mistakes_get_a_clear_error_body(
    client: TestClient, method: str, path: str, body: object, status: int, message: str
) -> None:
    r = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert r.status_code == status, r.text
    assert message in r.json()["error"]


def test_oversized_bodies_are_refused_unread(client: TestClient) -> None:
    r = client.post(
        "/shipments", content=b"x" * (MAX_BODY_BYTES + 1), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and "at most" in r.json()["error"]


def test_unregistered_numbers_are_404_without_auto_registration() -> None:
    with app_client(auto_register=False) as client:
        r = client.get("/api/track/ups/1ZBMZKLI0394384287")
        assert r.status_code == 404 and "POST /shipments" in r.json()["error"]
        assert client.get("/api/shipments").json()["total"] == 0


def test_a_first_lookup_registers_and_reports_why_there_is_no_answer(client: TestClient) -> None:
    r = client.get("/api/track/ups/1ZBMZKLI0394384287")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "pending" and "ConnectError" in body["last_error"]
    health = client.get("/health").json()
    assert health == {"status": "ok", "variant": "reference", "carriers": ["ups", "dhl"]}
