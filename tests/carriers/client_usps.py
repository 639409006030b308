"""A tiny USPS APIs v3 client, written the way a real integration talks to USPS (httpx only).

Point it at the sandbox (``http://127.0.0.1:8000/usps``) or, unchanged, at ``https://apis-tem.usps.com``:
it gets an OAuth token with JSON client credentials, then tracks with ``expand=DETAIL``.
"""

from __future__ import annotations

from typing import Any

import httpx

TRACKING_SPEC_PATH = "/tracking/{trackingNumber}"
#: USPS message codes that mean "no tracking for this number (yet)".
NOT_FOUND_CODES = frozenset({"150002", "150006", "150009", "150010"})
#: Spec-documented statuses of the tracking operation (others are validated as ``ErrorMessage``).
DOCUMENTED = frozenset({200, 400, 401, 403, 404, 429, 503})
TOKEN_FIELDS = {
    "access_token": str,
    "token_type": str,
    "issued_at": int,
    "expires_in": int,
    "status": str,
    "scope": str,
    "issuer": str,
    "client_id": str,
}


class UspsClient:
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
        self.token: str | None = None

    def authenticate(self) -> None:
        response = self.http.post(
            f"{self.base_url}/oauth2/v3/token",
            json={
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "grant_type": "client_credentials",
            },
        )
        response.raise_for_status()
        self.token = response.json()["access_token"]

    def track(self, number: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.http.get(
            f"{self.base_url}/tracking/v3/tracking/{number}", params={"expand": "DETAIL"}, headers=headers
        )

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        return len(body.get("trackingEvents", []))

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        """USPS's delivered category — except a parcel that went back to its sender, which USPS
        also files under "Delivered" ("Delivered, To Original Sender")."""
        return body.get("statusCategory") == "Delivered" and "Original Sender" not in body.get("status", "")

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        if response.status_code not in (400, 404):
            return False
        try:
            errors = response.json().get("error", {}).get("errors", [])
        except ValueError:
            return False
        return any(e.get("code") in NOT_FOUND_CODES for e in errors)

    def validate(self, response: httpx.Response) -> None:
        """Validate a response body against the USPS spec for its status, production's documented
        value styles mapped back first (token bodies by shape: USPS publishes no OAuth spec)."""
        from tests.carriers.usps_spec import as_spec
        from tests.spec_validation import validate_response, validate_schema

        body = response.json()
        if response.url.path.endswith("/oauth2/v3/token"):
            if response.status_code == 200:
                for key, kind in TOKEN_FIELDS.items():
                    assert isinstance(body.get(key), kind), f"token field {key!r} is not {kind.__name__}"
            else:
                assert set(body) == {"error", "error_description", "error_uri"}, body
            return
        if response.status_code in DOCUMENTED:
            spec_body = as_spec(body) if response.status_code == 200 else body
            validate_response("usps", TRACKING_SPEC_PATH, "get", response.status_code, spec_body)
        else:
            validate_schema("usps", "ErrorMessage", body)
