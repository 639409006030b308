"""A tiny Amazon Shipping v2 client that behaves like a real SP-API integration: LWA token first
(refresh-token grant, form-encoded), then ``GET /shipping/v2/tracking`` with ``x-amz-access-token``.

Used in-process by ``test_amazon.py`` and against a live uvicorn sandbox by integration tests::

    with httpx.Client() as http:
        client = AmazonClient(http, "http://127.0.0.1:8000/amazon")
        client.authenticate()
        response = client.track("TBA123456789012")
        client.validate(response)
"""

from __future__ import annotations

from typing import Any

import httpx

TRACKING_PATH = "/shipping/v2/tracking"
TOKEN_PATH = "/auth/o2/token"


class AmazonClient:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        *,
        client_id: str = "amzn1.application-oa2-client.parcelsandbox",
        client_secret: str = "amzn1.oa2-cs.v1.parcelsandbox",
        refresh_token: str = "Atzr|parcel-sandbox-refresh-token",
        carrier_id: str = "AMZN_US",
        business_id: str | None = "AmazonShipping_US",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.carrier_id = carrier_id
        self.business_id = business_id
        self.access_token: str | None = None

    def authenticate(self) -> None:
        """Exchange the refresh token for an LWA access token (valid one hour)."""
        response = self.http.post(
            self.base_url + TOKEN_PATH,
            data={
                "grant_type": "refresh_token",
                "refresh_token": self.refresh_token,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
        )
        response.raise_for_status()
        self.access_token = response.json()["access_token"]

    def track(self, number: str) -> httpx.Response:
        headers = {"accept": "application/json"}
        if self.access_token is not None:
            headers["x-amz-access-token"] = self.access_token
        if self.business_id is not None:
            headers["x-amzn-shipping-business-id"] = self.business_id
        return self.http.get(
            self.base_url + TRACKING_PATH,
            params={"trackingId": number, "carrierId": self.carrier_id},
            headers=headers,
        )

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        return len(body["payload"]["eventHistory"])

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        """Delivered to the recipient: Amazon also says ``Delivered`` when a return reaches the
        seller, and only ``shipmentType`` tells the two apart."""
        payload = body["payload"]
        if payload["summary"].get("status") != "Delivered":
            return False
        history = payload["eventHistory"]
        return not history or history[-1].get("shipmentType", "FORWARD") == "FORWARD"

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        if response.status_code != 404:
            return False
        errors = response.json().get("errors") or []
        return bool(errors) and errors[0].get("code") == "NotFound"

    def validate(self, response: httpx.Response) -> None:
        """Validate the body against shippingV2.json's documented response for its status."""
        from tests.spec_validation import validate_response  # the repo's spec helper (jsonschema)

        validate_response("amazon", TRACKING_PATH, "get", response.status_code, response.json())
