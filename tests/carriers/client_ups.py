"""A small UPS client that behaves like a real integration: OAuth client credentials with HTTP
Basic, then ``GET /api/track/v1/details/{n}`` with a Bearer token and the ``transId`` /
``transactionSrc`` headers UPS requires. Only httpx at import time, so it can drive a live
uvicorn sandbox (``base_url="http://127.0.0.1:8000/ups"``) as easily as a TestClient.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx

TRACK_SPEC_PATH = "/track/v1/details/{inquiryNumber}"
TOKEN_SPEC_PATH = "/security/v1/oauth/token"


class UpsClient:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
        transaction_src: str = "testing",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.transaction_src = transaction_src
        self.access_token: str | None = None
        # transId must be unique per request; a counter keeps runs reproducible.
        self._trans_ids = itertools.count(1)

    def authenticate(self) -> None:
        response = self.http.post(
            f"{self.base_url}/security/v1/oauth/token",
            auth=(self.client_id, self.client_secret),
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
        )
        response.raise_for_status()
        self.access_token = response.json()["access_token"]

    def track(self, number: str, **options: str) -> httpx.Response:
        """One Track call; ``options`` are extra query strings (``returnMilestones="true"`` …).
        Re-authenticates once on a 401, as clients do when their token expired."""
        if self.access_token is None:
            self.authenticate()
        response = self._get(number, options)
        if response.status_code == 401:
            self.authenticate()
            response = self._get(number, options)
        return response

    def _get(self, number: str, options: dict[str, str]) -> httpx.Response:
        params = {"locale": "en_US", "returnSignature": "false", **options}
        headers = {
            "Authorization": f"Bearer {self.access_token}",
            "transId": f"parcel-sandbox-{next(self._trans_ids):08d}",
            "transactionSrc": self.transaction_src,
            "Accept": "application/json",
        }
        return self.http.get(f"{self.base_url}/api/track/v1/details/{number}", params=params, headers=headers)

    @staticmethod
    def _package(body: dict[str, Any]) -> dict[str, Any] | None:
        shipments = (body.get("trackResponse") or {}).get("shipment") or []
        if not shipments:
            return None
        packages = shipments[0].get("package") or []
        return packages[0] if packages else None

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        package = UpsClient._package(body)
        return len(package.get("activity") or []) if package else 0

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        """UPS's delivered state: the newest activity is type ``D`` with status code ``011``."""
        package = UpsClient._package(body)
        if not package or not package.get("activity"):
            return False
        status = package["activity"][0]["status"]
        return status.get("type") == "D" and status.get("statusCode") == "011"

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        """UPS answers unknown numbers with HTTP 200 and warning TW0001, not with 404."""
        if response.status_code != 200:
            return False
        shipments = (response.json().get("trackResponse") or {}).get("shipment") or []
        return any(w.get("code") == "TW0001" for s in shipments for w in s.get("warnings") or [])

    def validate(self, response: httpx.Response) -> None:
        """Validate a Track or token response body against UPS's published spec for its status."""
        from tests.spec_validation import response_schema, validate_response, validate_schema

        body = response.json()
        status = response.status_code
        if response.request.url.path.endswith(TOKEN_SPEC_PATH):
            validate_response("ups_oauth", TOKEN_SPEC_PATH, "post", status, body)
            return
        try:
            response_schema("ups", TRACK_SPEC_PATH, "get", status)
        except AssertionError:
            # The Track spec lists no 401/405/413; UPS still uses its common error envelope.
            validate_schema("ups", "Response", body)
            return
        validate_response("ups", TRACK_SPEC_PATH, "get", status, body)
