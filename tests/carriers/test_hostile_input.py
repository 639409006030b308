"""Every carrier answers malformed input with its own 4xx body — never a 500 (issue 9: FedEx
``carrierCode`` as a list or object raised TypeError). One table of hostile requests per carrier,
sent with a valid credential so each reaches the parsing past the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit

JSON = {"content-type": "application/json"}
DEEP = b"[" * 5000 + b"]" * 5000
SURROGATE = b'"\\ud800"'


@pytest.fixture(scope="module")
def http() -> Iterator[TestClient]:
    app = create_app(small_scenario(duration="1d", demand={"parcels_per_day": 30}))
    with TestClient(app, raise_server_exceptions=True) as client:
        client.post("/_sandbox/clock", json={"advance": "1d"})
        yield client


@pytest.fixture(scope="module")
def auth(http: TestClient) -> dict[str, dict[str, str]]:
    fedex, ups, usps, amazon = (
        FedexClient(http, "http://testserver/fedex"),
        UpsClient(http, "http://testserver/ups"),
        UspsClient(http, "http://testserver/usps"),
        AmazonClient(http, "http://testserver/amazon"),
    )
    for client in (fedex, ups, usps, amazon):
        client.authenticate()
    return {
        "fedex": {"Authorization": f"Bearer {fedex.access_token}", **JSON},
        "ups": {"Authorization": f"Bearer {ups.access_token}", "transId": "t", "transactionSrc": "s"},
        "usps": {"Authorization": f"Bearer {usps.token}"},
        "amazon": {"x-amz-access-token": amazon.access_token},
        "dhl": {"DHL-API-Key": "any-key"},
    }


def fedex_numbers(info: Any) -> bytes:
    import json

    return json.dumps({"includeDetailedScans": True, "trackingInfo": [{"trackingNumberInfo": info}]}).encode()


FEDEX_BODIES = [
    fedex_numbers({"trackingNumber": "123456789012", "carrierCode": ["FDXE"]}),
    fedex_numbers({"trackingNumber": "123456789012", "carrierCode": {"code": "FDXE"}}),
    fedex_numbers({"trackingNumber": ["123456789012"]}),
    fedex_numbers({"trackingNumber": {"n": 1}}),
    fedex_numbers({"trackingNumber": 10**40}),
    b'{"includeDetailedScans": true, "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": '
    + SURROGATE
    + b"}}]}",
    b'{"includeDetailedScans": NaN, "trackingInfo": []}',
    b'{"trackingInfo": ' + DEEP + b"}",
    DEEP,
    b"\xff\xfe",
]


@pytest.mark.parametrize("body", FEDEX_BODIES, ids=range(len(FEDEX_BODIES)))
def test_fedex_track_refuses_malformed_bodies_in_its_envelope(
    http: TestClient, auth: dict[str, dict[str, str]], body: bytes
) -> None:
    r = http.post("/fedex/track/v1/trackingnumbers", content=body, headers=auth["fedex"])
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["code"]


@pytest.mark.parametrize(
    "detail",
    [
        {"documentType": ["SIGNATURE_PROOF_OF_DELIVERY"]},
        {"documentType": "SIGNATURE_PROOF_OF_DELIVERY", "documentFormat": {"f": "PDF"}},
        "SIGNATURE_PROOF_OF_DELIVERY",
    ],
)
def test_fedex_documents_refuse_non_string_types(
    http: TestClient, auth: dict[str, dict[str, str]], detail: Any
) -> None:
    body = {
        "trackDocumentDetail": detail,
        "trackDocumentSpecification": [{"trackingNumberInfo": {"trackingNumber": "123456789012"}}],
    }
    r = http.post("/fedex/track/v1/trackingdocuments", json=body, headers=auth["fedex"])
    assert r.status_code == 400 and r.json()["errors"][0]["code"]


REQUESTS: list[tuple[str, str, str, dict[str, Any]]] = [
    # carrier, method, path, httpx keyword arguments
    ("ups", "POST", "/ups/api/track/v1/subscription/standard/package", {"content": DEEP}),
    (
        "ups",
        "POST",
        "/ups/api/track/v1/subscription/standard/package",
        {"content": b'{"locale": "en_US", "trackingNumberList": [' + SURROGATE + b"]}"},
    ),
    (
        "ups",
        "POST",
        "/ups/api/track/v1/subscription/standard/package",
        {"json": {"locale": ["en_US"], "trackingNumberList": [{"a": 1}], "eventPreferences": "x"}},
    ),
    ("ups", "GET", "/ups/api/track/v1/details/%FF%FE", {}),
    ("ups", "GET", "/ups/api/track/v1/details/1Z?locale=" + "x" * 5000, {}),
    ("dhl", "GET", "/dhl/track/shipments?trackingNumber=1&trackingNumber=2&limit=-1&offset=1e99", {}),
    ("dhl", "GET", "/dhl/track/shipments?trackingNumber=%00&service=%FF&language=" + "k" * 999, {}),
    ("usps", "GET", "/usps/tracking/v3/tracking/%FF?expand=" + "D" * 999, {}),
    ("usps", "POST", "/usps/oauth2/v3/token", {"content": DEEP, "headers": JSON}),
    ("usps", "POST", "/usps/oauth2/v3/token", {"json": {"grant_type": ["x"], "client_id": {"a": [1]}}}),
    (
        "usps",
        "POST",
        "/usps/oauth2/v3/token",
        {"content": b'{"client_id": ' + SURROGATE + b"}", "headers": JSON},
    ),
    ("amazon", "POST", "/amazon/auth/o2/token", {"content": DEEP, "headers": JSON}),
    ("amazon", "POST", "/amazon/auth/o2/token", {"json": {"grant_type": "refresh_token", "client_id": [1]}}),
    ("amazon", "GET", "/amazon/shipping/v2/tracking?trackingId=%FF&carrierId=" + "A" * 999, {}),
    ("hermes", "POST", "/hermes/authorization-facade/oauth2/access_token", {"content": b"\xff" * 50}),
    ("hermes", "GET", "/hermes/services/hsi/shipmentstatus?shipmentID=" + "%00" * 50, {}),
    ("fedex", "POST", "/fedex/oauth/token", {"content": b"grant_type=%FF%FE&client_id=\xff"}),
]


@pytest.mark.parametrize(("carrier", "method", "path", "kwargs"), REQUESTS, ids=range(len(REQUESTS)))
def test_every_carrier_refuses_hostile_requests_without_a_500(
    http: TestClient,
    auth: dict[str, dict[str, str]],
    carrier: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
) -> None:
    kwargs = dict(kwargs)
    headers = {**auth.get(carrier, {}), **kwargs.pop("headers", {})}
    r = http.request(method, path, headers=headers, **kwargs)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert "Traceback" not in r.text
    body = r.json() if r.content else {}
    # The carrier's envelope, not the control plane's problem body.
    assert not (isinstance(body, dict) and body.get("type") == "about:blank" and "error" in body), body
