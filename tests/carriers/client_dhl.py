"""A tiny DHL Unified Tracking client, written the way a real integration is (httpx only).

Usage against a live sandbox::

    client = DhlClient(httpx.Client(), "http://127.0.0.1:8000/dhl")
    client.authenticate()                      # DHL has no token flow: it just sets the key
    response = client.track("3318810025")
    client.validate(response)
    DhlClient.scan_count(response.json()), DhlClient.is_delivered(response.json())
"""

from __future__ import annotations

from typing import Any

import httpx

API_KEY_HEADER = "DHL-API-Key"
TRACK_PATH = "/track/shipments"  # the real path below https://api-eu.dhl.com
SPEC_PATH = "/shipments"  # the same operation as the spec (server .../track) names it


class DhlClient:
    def __init__(self, http: httpx.Client, base_url: str, api_key: str = "parcel-sandbox-dhl-key") -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.headers: dict[str, str] = {"Accept": "application/json"}

    def authenticate(self) -> None:
        """DHL authenticates every call with a static consumer key; there is no token to fetch."""
        self.headers[API_KEY_HEADER] = self.api_key

    def track(self, number: str, **params: str) -> httpx.Response:
        query = {"trackingNumber": number, **params}
        return self.http.get(self.base_url + TRACK_PATH, params=query, headers=self.headers)

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        return sum(len(shipment.get("events", [])) for shipment in body.get("shipments", []))

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        shipments = body.get("shipments") or []
        return bool(shipments) and shipments[0].get("status", {}).get("statusCode") == "delivered"

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        if response.status_code != 404:
            return False
        if not response.headers.get("content-type", "").startswith("application/problem+json"):
            return False
        return response.json().get("title") == "No result found"

    def validate(self, response: httpx.Response) -> None:
        """Validate the body against DHL's spec: the documented 200/404, else the problem schema."""
        # Imported here so that the client itself needs nothing but httpx.
        from tests.spec_validation import validate_response, validate_schema

        body = response.json()
        if response.status_code in (200, 404):
            validate_response("dhl", SPEC_PATH, "get", response.status_code, body)
        else:
            validate_schema("dhl", "supermodelIoLogisticsApiProblemDetail", body)
        if response.status_code != 200:
            content_type = response.headers.get("content-type", "")
            assert content_type.startswith("application/problem+json"), content_type
            assert body.get("status") == response.status_code, body
