"""A small FedEx Track API client that behaves like a real integration (httpx only).

It gets an OAuth token the way FedEx documents it (form-encoded client credentials to
``/oauth/token``), then tracks with ``POST /track/v1/trackingnumbers``. Point it at the sandbox with
``base_url="http://127.0.0.1:8000/fedex"`` — or at ``https://apis-sandbox.fedex.com`` with real keys.
"""

from __future__ import annotations

from typing import Any

import httpx

TRACK_PATH = "/track/v1/trackingnumbers"
TOKEN_PATH = "/oauth/token"
DOCUMENTS_PATH = "/track/v1/trackingdocuments"
NOT_FOUND_CODE = "TRACKING.TRACKINGNUMBER.NOTFOUND"


class FedexClient:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token: str | None = None
        self._sent = 0

    def authenticate(self) -> None:
        response = self.http.post(
            self.base_url + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
            },
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        response.raise_for_status()
        self.access_token = response.json()["access_token"]

    def _headers(self) -> dict[str, str]:
        self._sent += 1
        headers = {
            "content-type": "application/json",
            "x-locale": "en_US",
            "x-customer-transaction-id": f"parcel-sandbox-{self._sent}",
        }
        if self.access_token is not None:
            headers["authorization"] = f"Bearer {self.access_token}"
        return headers

    def track(self, number: str) -> httpx.Response:
        body = {
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": number}}],
        }
        return self.http.post(self.base_url + TRACK_PATH, json=body, headers=self._headers())

    def proof_of_delivery(self, number: str, document_format: str = "PDF") -> httpx.Response:
        body = {
            "trackDocumentDetail": {
                "documentType": "SIGNATURE_PROOF_OF_DELIVERY",
                "documentFormat": document_format,
            },
            "trackDocumentSpecification": [{"trackingNumberInfo": {"trackingNumber": number}}],
        }
        return self.http.post(self.base_url + DOCUMENTS_PATH, json=body, headers=self._headers())

    @staticmethod
    def _result(body: dict[str, Any]) -> dict[str, Any]:
        return body["output"]["completeTrackResults"][0]["trackResults"][0]

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        return len(FedexClient._result(body).get("scanEvents", []))

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        return FedexClient._result(body).get("latestStatusDetail", {}).get("code") == "DL"

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        # FedEx answers an unknown number with HTTP 200 and an error inside its track result.
        if response.status_code != 200:
            return False
        error = FedexClient._result(response.json()).get("error") or {}
        return error.get("code") == NOT_FOUND_CODE

    def validate(self, response: httpx.Response) -> None:
        """Validate the body against FedEx's published spec for the call and status."""
        from tests.spec_validation import validate_response

        path = response.request.url.path
        if path.endswith(TOKEN_PATH):
            validate_response("fedex_oauth", TOKEN_PATH, "post", response.status_code, response.json())
        elif path.endswith(DOCUMENTS_PATH):
            validate_response("fedex", DOCUMENTS_PATH, "post", response.status_code, response.json())
        else:
            validate_response("fedex", TRACK_PATH, "post", response.status_code, response.json())


FedExClient = FedexClient
