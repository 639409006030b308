"""A tiny Hermes Germany HSI client, written the way a real integration talks to Hermes (httpx only).

Hermes has two hosts — the authorization facade (``https://authme.myhermes.de``) and the API
(``https://de-api.hermesworld.com/services/hsi``) — so a client has two base URLs. Against the
sandbox both live under one prefix::

    client = HermesClient(httpx.Client(), "http://127.0.0.1:8000/hermes")
    client.authenticate()                       # OAuth2 password grant, form-encoded
    response = client.track("09133131530724")   # GET /services/hsi/shipmentinfo?shipmentID=…
    client.validate(response)
    HermesClient.scan_count(response.json()), HermesClient.is_delivered(response.json())

Against Hermes itself: ``HermesClient(http, "https://de-api-int.hermesworld.com",
auth_url="https://authme-int.myhermes.de", …)``.
"""

from __future__ import annotations

from typing import Any

import httpx

TOKEN_PATH = "/authorization-facade/oauth2/access_token"
API_PATH = "/services/hsi"
#: Operation paths as the shipment spec (server ``…/services/hsi``) names them.
SPEC_PATHS = ("/shipmentinfo", "/shipmentstatus/current", "/shipmentstatus")
#: The auth spec is registered with the spec validator under this name on first use.
AUTH_SPEC = "hermes_de_auth"
#: Statuses the shipment spec documents (others are validated as its ``ErrorResponse``).
DOCUMENTED = frozenset({200, 400, 403, 500})
#: Hermes's "delivered" family of 2x2 codes (35xx), collection from a PaketShop included.
DELIVERED_CODES = frozenset({"3500", "3510", "3511", "3520", "3530"})
NO_INFORMATION = "e001"
TOKEN_PROBLEMS = frozenset({"e902", "e903"})


def register_auth_spec() -> None:
    """Make ``tests.spec_validation`` know the auth spec (it lists only the shipment spec)."""
    from tests.spec_validation import SPEC_FILES

    SPEC_FILES.setdefault(AUTH_SPEC, "hermes_de/openapi-auth.yaml")


class HermesClient:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        *,
        auth_url: str | None = None,
        client_id: str = "sandbox-client",
        client_secret: str = "sandbox-secret",
        username: str = "sandbox-user",
        password: str = "sandbox-password",
        language: str = "DE",
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.auth_url = (auth_url or base_url).rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.language = language
        self.access_token: str | None = None
        self.refresh_token: str | None = None

    # -- auth ------------------------------------------------------------------------------------------

    def _token(self, form: dict[str, str]) -> httpx.Response:
        return self.http.post(
            self.auth_url + TOKEN_PATH,
            data={**form, "client_id": self.client_id, "client_secret": self.client_secret},
            headers={"Accept": "application/json"},
        )

    def authenticate(self) -> None:
        """Resource-owner password grant, as Hermes's business-customer integrations do."""
        response = self._token(
            {"grant_type": "password", "username": self.username, "password": self.password}
        )
        response.raise_for_status()
        body = response.json()
        self.access_token, self.refresh_token = body["access_token"], body.get("refresh_token")

    def refresh(self) -> None:
        """Renew the access token with the refresh token; fall back to a fresh login."""
        if self.refresh_token:
            response = self._token({"grant_type": "refresh_token", "refresh_token": self.refresh_token})
            if response.status_code == 200:
                self.access_token = response.json()["access_token"]
                return
        self.authenticate()

    # -- tracking ----------------------------------------------------------------------------------------

    def _get(self, path: str, numbers: list[str]) -> httpx.Response:
        headers = {"Accept": "application/json", "Accept-Language": self.language}
        if self.access_token:
            headers["Authorization"] = f"Bearer {self.access_token}"
        return self.http.get(
            f"{self.base_url}{API_PATH}{path}", params={"shipmentID": numbers}, headers=headers
        )

    def track_many(self, numbers: list[str], path: str = "/shipmentinfo") -> httpx.Response:
        """One call for up to 100 IDs; renews the token once when Hermes says it is invalid/expired."""
        if self.access_token is None:
            self.authenticate()
        response = self._get(path, numbers)
        if response.status_code in (400, 401) and self.result_codes(response) & TOKEN_PROBLEMS:
            self.refresh()
            response = self._get(path, numbers)
        return response

    def track(self, number: str) -> httpx.Response:
        return self.track_many([number])

    # -- reading answers --------------------------------------------------------------------------------

    @staticmethod
    def result_codes(response: httpx.Response) -> set[str]:
        try:
            body = response.json()
        except ValueError:
            return set()
        if not isinstance(body, dict):
            return set()
        return {c.get("code", "") for c in body.get("listOfResultCodes") or []}

    @staticmethod
    def _shipment(body: dict[str, Any]) -> dict[str, Any]:
        entries = body.get("shipmentinfo") or []
        return entries[0] if entries else {}

    @staticmethod
    def scan_count(body: dict[str, Any]) -> int:
        return len(HermesClient._shipment(body).get("status") or [])

    @staticmethod
    def is_delivered(body: dict[str, Any]) -> bool:
        """Hermes's own delivered status: the newest (last) status has a 35xx code."""
        statuses = HermesClient._shipment(body).get("status") or []
        return bool(statuses) and statuses[-1].get("code") in DELIVERED_CODES

    @staticmethod
    def is_not_found(response: httpx.Response) -> bool:
        """Hermes answers an ID it has nothing for with HTTP 200 and ``result`` e001."""
        if response.status_code != 200:
            return False
        entries = response.json().get("shipmentinfo") or []
        return bool(entries) and all((e.get("result") or {}).get("code") == NO_INFORMATION for e in entries)

    def validate(self, response: httpx.Response) -> None:
        """Validate a token or HSI response body against Hermes's spec for its status."""
        from tests.spec_validation import response_schema, validate_response, validate_schema

        body = response.json()
        status = response.status_code
        path = response.request.url.path
        if path.endswith(TOKEN_PATH):
            register_auth_spec()
            try:
                response_schema(AUTH_SPEC, TOKEN_PATH, "post", status)
            except AssertionError:
                # 405/413/5xx are not documented; Hermes keeps the OAuth error body.
                assert set(body) == {"error", "error_description"}, body
                return
            validate_response(AUTH_SPEC, TOKEN_PATH, "post", status, body)
            return
        spec_path = next((p for p in SPEC_PATHS if path.endswith(API_PATH + p)), None)
        if spec_path is not None and status in DOCUMENTED:
            validate_response("hermes_de", spec_path, "get", status, body)
        else:
            validate_schema("hermes_de", "ErrorResponse", body)
            assert body.get("listOfResultCodes"), body
