"""DHL's backend per shipment (issue 14 item 2) and what DHL Express's "no further updates" means
(item 4): the Unified API names the backend that answered (``express``, ``parcel-de``,
``ecommerce``), filters on ``service=`` like the real one, and DHL Express shows nothing after it
forwards a parcel to a third party."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.dhl import create_carrier_app, render, services
from mock_carriers.world.context import ParcelView
from sim.events import EventCode, ScanEvent
from tests.carriers.fakes import FakeContext, story
from tests.spec_validation import validate_response

pytestmark = pytest.mark.unit

HEADERS = {"DHL-API-Key": "sandbox-dhl-key"}
PARTNER = {"carrier": "usps", "tracking_number": "9261297614855373669568"}

#: number → (world service, origin country, destination country)
ROUTES: dict[str, tuple[str, str, str]] = {
    "3318810106": ("economy", "US", "US"),
    "3318810113": ("ground", "DE", "DE"),
    "3318810120": ("international", "DE", "KZ"),
    "3318810134": ("international", "US", "CA"),
    "3318810141": ("next_day", "DE", "DE"),
}
EXPECTED = {
    "3318810106": "ecommerce",
    "3318810113": "parcel-de",
    "3318810120": "parcel-de",
    "3318810134": "express",
    "3318810141": "express",
}


def handed_over(number: str, service: str) -> list[ScanEvent]:
    """Delivered by a partner: the hand-over at the last hub, then the partner's delivery scans."""
    events = story(number, "dhl", service, "delivered")
    cut = next(i for i, e in enumerate(events) if e.code is EventCode.DEPARTED_FACILITY and i > 5)
    at = events[cut - 1]
    handover = dataclasses.replace(
        at,
        event_id=f"{at.event_id}-h",
        code=EventCode.HANDED_TO_PARTNER,
        reason=None,
        occurred_at=(at_time := _later(at.occurred_at, 1)),
        visible_at=at_time,
        details={"partner": PARTNER},
    )
    return [*events[:cut], handover, *events[cut:]]


def _later(iso: str, hours: int) -> str:
    return (datetime.fromisoformat(iso) + timedelta(hours=hours)).isoformat(timespec="seconds")


@dataclass
class RoutedContext(FakeContext):
    """Fake DHL parcels whose truth says where they ship from and to."""

    def lookup(self, tracking_number: str) -> ParcelView | None:
        view = super().lookup(tracking_number)
        if view is None or view.truth is None:
            return view
        _, origin, destination = ROUTES[tracking_number]
        truth = dataclasses.replace(
            view.truth,
            origin={**view.truth.origin, "country": origin},
            destination={**view.truth.destination, "country": destination},
        )
        return dataclasses.replace(view, truth=truth)


@pytest.fixture
def client() -> TestClient:
    parcels = {n: handed_over(n, svc) for n, (svc, _, _) in ROUTES.items()}
    return TestClient(create_carrier_app(RoutedContext("dhl", parcels)))


def shipment(client: TestClient, number: str, **params: str) -> dict:
    r = client.get("/track/shipments", params={"trackingNumber": number, **params}, headers=HEADERS)
    assert r.status_code == 200, r.text
    body = r.json()
    validate_response("dhl", "/shipments", "get", 200, body)
    return body


@pytest.mark.parametrize("number", ROUTES)
def test_each_shipment_names_its_backend(client: TestClient, number: str) -> None:
    body = shipment(client, number)
    assert body["shipments"][0]["service"] == EXPECTED[number]
    suggested = [u.rsplit("service=", 1)[1] for u in body["possibleAdditionalShipmentsUrl"]]
    assert EXPECTED[number] not in suggested
    assert EXPECTED[number] == "express" or "express" in suggested


@pytest.mark.parametrize("number", ROUTES)
def test_the_service_filter_finds_the_own_backend_only(client: TestClient, number: str) -> None:
    own = EXPECTED[number]
    body = shipment(client, number, service=own)
    assert body["shipments"][0]["service"] == own
    assert "possibleAdditionalShipmentsUrl" not in body
    other = "express" if own != "express" else "parcel-de"
    r = client.get("/track/shipments", params={"trackingNumber": number, "service": other}, headers=HEADERS)
    assert r.status_code == 404


def test_express_shows_nothing_after_forwarding_to_a_third_party(client: TestClient) -> None:
    events = shipment(client, "3318810134")["shipments"][0]["events"]  # newest first
    assert events[0]["description"] == "Forwarded to third party - no further tracking updates expected"
    assert all(e["statusCode"] != "delivered" for e in events)


def test_ecommerce_tenders_to_usps_and_goes_on_to_delivery(client: TestClient) -> None:
    s = shipment(client, "3318810106")["shipments"][0]
    texts = [e["description"] for e in s["events"]]
    assert "Tendered to Delivery Service Provider" in texts
    assert s["status"]["statusCode"] == "delivered"
    assert not any("no further" in t for t in texts)
    assert s["details"]["product"] == {"productName": "DHL Parcel Ground"}


def test_parcel_de_hands_over_abroad_with_dhl_paket_words_and_offsets(client: TestClient) -> None:
    s = shipment(client, "3318810120")["shipments"][0]
    texts = [e["description"] for e in s["events"]]
    assert any(t.startswith("The shipment has been transported to the destination country") for t in texts)
    assert s["status"]["statusCode"] == "delivered"
    assert all(e["timestamp"][-6] in "+-" for e in s["events"])  # offsets, unlike Express
    assert s["details"]["product"] == {"productName": "DHL PAKET International"}


def test_german_texts_exist_for_each_backends_hand_over() -> None:
    for service in (services.PARCEL_DE, services.ECOMMERCE):
        german = render.codes.description("de", EventCode.HANDED_TO_PARTNER, None, "X", service)
        english = render.codes.description("en", EventCode.HANDED_TO_PARTNER, None, "X", service)
        assert german != english and "Drittanbieter" not in german


def test_a_view_without_truth_is_express() -> None:
    events = story("3318810155", "dhl", "ground")
    assert services.service_of(ParcelView("3318810155", "dhl", "ground", events, None)) == "express"


def test_every_backend_sends_the_weight_and_dimensions(client: TestClient) -> None:
    """Issue 14 item 6: ``details.weight`` / ``dimensions`` in the spec example's units."""
    for number in ROUTES:
        details = shipment(client, number)["shipments"][0]["details"]
        assert details["weight"]["unitText"] == "kg" and details["weight"]["value"] > 0
        sides = details["dimensions"]
        assert set(sides) == {"width", "height", "length"}
        assert all(side["unitText"] == "cm" and side["value"] >= 2 for side in sides.values())
        assert sides["length"]["value"] >= sides["width"]["value"] >= sides["height"]["value"]


#: Numbers in each DHL business's own shape: the world mints the 20-digit Paket and the GM eCommerce
#: ones (``sim.tracking_numbers.dhl_backend``); DHL's API also takes Paket's 12-digit Identcode and
#: JJD piece ids (paketda.de's examples) and the other eCommerce shapes (jkeen's test numbers).
SHAPED: dict[str, str] = {
    "00340434766204846973": "parcel-de",
    "201298452277": "parcel-de",
    "JJD1410302937991": "parcel-de",
    "GM1449166964538014": "ecommerce",
    "GM295117494011169042": "ecommerce",
}


@pytest.fixture
def shaped() -> TestClient:
    # The fake parcels ship US → US by ground: only the number says Paket or eCommerce.
    return TestClient(
        create_carrier_app(FakeContext("dhl", {n: story(n, "dhl", "next_day") for n in SHAPED}))
    )


@pytest.mark.parametrize("number", SHAPED)
def test_the_number_shape_names_the_backend_and_the_filter_finds_it(shaped: TestClient, number: str) -> None:
    own = SHAPED[number]
    assert shipment(shaped, number)["shipments"][0]["service"] == own
    assert shipment(shaped, number, service=own)["shipments"][0]["service"] == own
    r = shaped.get(
        "/track/shipments", params={"trackingNumber": number, "service": "express"}, headers=HEADERS
    )
    assert r.status_code == 404
