"""Mock Hermes Germany HSI: the authorization facade's token flow, Shipment Info bodies (validated
against Hermes's spec), the deprecated status endpoints, errors, determinism and the code tables."""

from __future__ import annotations

import base64
import csv
import dataclasses
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.carriers.hermes import codes, create_carrier_app, errors, render
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EstimatedDelivery, EventCode, ExceptionReason, Location, ScanEvent
from tests.carriers import fakes
from tests.carriers.client_hermes import AUTH_SPEC, HermesClient, register_auth_spec
from tests.carriers.fakes import FakeContext, story, truth_for
from tests.spec_validation import SPECS_DIR, validate_response, validate_schema

pytestmark = pytest.mark.unit

TOKEN = "/authorization-facade/oauth2/access_token"
INFO = "/services/hsi/shipmentinfo"
HISTORY = "/services/hsi/shipmentstatus"
CURRENT = "/services/hsi/shipmentstatus/current"
BERLIN = ZoneInfo("Europe/Berlin")

# Hermes 14-digit IDs with a valid check digit (mod 10, weights 3,1 from the left), one per story.
NUMBERS = {
    "delivered": "09133131530724",
    "failed_then_locker": "60441769474428",
    "returned": "22245168349413",
    "customs": "84048567224400",
    "lost": "45851966099392",
    "damaged": "07655364974387",
}
UNKNOWN = "07655364974394"
HSI_NUMBER = "H9746130018743501086"

FINAL_CODE = {
    "delivered": "3500",
    "failed_then_locker": "3530",
    "returned": "7500",
    "customs": "1810",
    "lost": "0800",
    "damaged": "3732",
}

# The fakes' US places, moved to Hermes Germany's network (German names, postcodes, CET).
GERMAN: dict[str, Location] = {
    "fc-cmh-1": Location(
        "fc-hdl-1",
        "fulfilment_centre",
        "Versandlager Haldensleben",
        "Haldensleben",
        "ST",
        "39340",
        "DE",
        52.2891,
        11.4097,
    ),
    "ups-hub-cmh": Location(
        "hermes-lc-hdl",
        "sort_hub",
        "Hermes Logistik-Center Haldensleben",
        "Haldensleben",
        "ST",
        "39340",
        "DE",
        52.2891,
        11.4097,
    ),
    "ups-hub-sdf": Location(
        "hermes-lc-haj",
        "sort_hub",
        "Hermes Logistik-Center Langenhagen",
        "Langenhagen",
        "NI",
        "30855",
        "DE",
        52.4475,
        9.7380,
    ),
    "ups-ds-chi": Location(
        "hermes-vz-ham",
        "delivery_station",
        "Hermes Verteilzentrum Hamburg",
        "Hamburg",
        "HH",
        "22113",
        "DE",
        53.5290,
        10.0880,
    ),
    "address": Location(
        None,
        "address",
        "Erika Mustermann",
        "Hamburg",
        "HH",
        "22083",
        "DE",
        53.5800,
        10.0500,
        address="Bramfelder Straße 12",
    ),
    "ups-pp-chi-1": Location(
        "hermes-ps-ham-1",
        "pickup_point",
        "Hermes PaketShop Kiosk am Markt",
        "Hamburg",
        "HH",
        "22083",
        "DE",
        53.5790,
        10.0490,
    ),
}
WINDOW = EstimatedDelivery("2026-11-05", "2026-11-05T10:00:00+01:00", "2026-11-05T18:00:00+01:00")


def _german_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(BERLIN).isoformat(timespec="seconds")


def german(event: ScanEvent) -> ScanEvent:
    loc = GERMAN[event.location.facility_id or event.location.kind]
    eta = event.estimated_delivery
    if eta is not None and eta.start is not None:
        eta = WINDOW
    return dataclasses.replace(
        event,
        location=loc,
        occurred_at=_german_time(event.occurred_at),
        visible_at=_german_time(event.visible_at),
        estimated_delivery=eta,
    )


def hermes_story(number: str, kind: str = "delivered", service: str = "ground") -> list[ScanEvent]:
    return [german(e) for e in story(number, "hermes", service, kind)]


@dataclass
class GermanContext(FakeContext):
    """FakeContext whose label data (origin/destination) is German, like the sandbox's Hermes parcels."""

    def lookup(self, tracking_number: str) -> ParcelView | None:
        view = super().lookup(tracking_number)
        if view is None:
            return None
        events = self.parcels[tracking_number]
        truth = dataclasses.replace(
            truth_for(events),
            origin={**GERMAN["fc-cmh-1"].to_dict(), "name": "Versandhaus Haldensleben"},
            destination={**GERMAN["address"].to_dict(), "name": "Erika Mustermann"},
        )
        return dataclasses.replace(view, truth=truth)


def make_ctx(**kwargs: Any) -> GermanContext:
    parcels = {tn: hermes_story(tn, kind) for kind, tn in NUMBERS.items()}
    return GermanContext("hermes", parcels=parcels, **kwargs)


def client_for(ctx: FakeContext) -> TestClient:
    return TestClient(create_carrier_app(ctx))


PASSWORD_GRANT = {
    "grant_type": "password",
    "client_id": "shop-1",
    "client_secret": "s3cret",
    "username": "user-1",
    "password": "pw-1",
}


def get_tokens(client: TestClient, **overrides: str) -> dict[str, Any]:
    r = client.post(TOKEN, data={**PASSWORD_GRANT, **overrides})
    assert r.status_code == 200, r.text
    return r.json()


def get_token(client: TestClient, **overrides: str) -> str:
    return get_tokens(client, **overrides)["access_token"]


def track(
    client: TestClient,
    numbers: str | list[str],
    token: str | None,
    path: str = INFO,
    language: str | None = None,
    **headers: str,
) -> Any:
    hdrs = dict(headers)
    if token:
        hdrs["Authorization"] = f"Bearer {token}"
    if language:
        hdrs["Accept-Language"] = language
    ids = [numbers] if isinstance(numbers, str) else numbers
    return client.get(path, params={"shipmentID": ids}, headers=hdrs)


def info(client: TestClient, number: str, token: str, language: str | None = None) -> dict[str, Any]:
    r = track(client, number, token, language=language)
    assert r.status_code == 200, r.text
    body = r.json()
    validate_response("hermes_de", "/shipmentinfo", "get", 200, body)
    assert len(body["shipmentinfo"]) == 1
    return body["shipmentinfo"][0]


def error_body(code: str) -> dict[str, Any]:
    return {"listOfResultCodes": [{"code": code, "message": errors.MESSAGES[code]}]}


def validate_auth(status: int, body: Any) -> None:
    register_auth_spec()
    validate_response(AUTH_SPEC, TOKEN, "post", status, body)


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def assert_not_fastapi_default(response: Any) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert "detail" not in body, body


@pytest.fixture
def ctx() -> GermanContext:
    return make_ctx()


@pytest.fixture
def client(ctx: GermanContext) -> TestClient:
    return client_for(ctx)


@pytest.fixture
def token(client: TestClient) -> str:
    return get_token(client)


# --- authorization facade: token endpoint ----------------------------------------------------------------


def test_password_grant_returns_hermes_token(client: TestClient) -> None:
    r = client.post(TOKEN, data=PASSWORD_GRANT)
    assert r.status_code == 200
    body = r.json()
    validate_auth(200, body)
    assert list(body) == ["access_token", "expires_in", "refresh_token", "scope", "token_type"]
    assert body["expires_in"] == "3600"  # a string, as the spec types it
    assert (body["scope"], body["token_type"]) == ("full", "Bearer")
    assert r.headers["cache-control"] == "no-store"


def test_tokens_are_jwt_shaped_with_real_claims(client: TestClient) -> None:
    body = get_tokens(client)
    for value in (body["access_token"], body["refresh_token"]):
        assert len(value.split(".")) == 3
    claims = jwt_claims(body["access_token"])
    assert (claims["sub"], claims["client_id"], claims["scope"]) == ("user-1", "shop-1", ["full"])
    assert claims["exp"] - claims["iat"] == 3600
    assert len(body["access_token"]) < 8 * 1024  # "never exceed 8 KB" [SPEC]


def test_client_credentials_in_http_basic_accepted(client: TestClient) -> None:
    basic = base64.b64encode(b"shop-1:s3cret").decode()
    r = client.post(
        TOKEN,
        data={"grant_type": "password", "username": "u", "password": "p"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200
    assert jwt_claims(r.json()["access_token"])["client_id"] == "shop-1"


def test_parameters_in_query_string_accepted(client: TestClient) -> None:
    r = client.post(TOKEN, params=PASSWORD_GRANT)
    assert r.status_code == 200


def test_basic_and_form_client_ids_must_match(client: TestClient) -> None:
    basic = base64.b64encode(b"shop-1:s3cret").decode()
    r = client.post(
        TOKEN, data={**PASSWORD_GRANT, "client_id": "shop-2"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert r.status_code == 401
    assert r.json() == {
        "error": "invalid_client",
        "error_description": "Given client ID does not match authenticated client.",
    }
    validate_auth(401, r.json())


def test_wrong_client_secret_rejected_with_hermes_body() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"hermes": {"shop-1": "right", "user-1": "pw-1"}}))
    r = client_for(ctx).post(TOKEN, data={**PASSWORD_GRANT, "client_secret": "wrong"})
    assert r.status_code == 401
    assert r.json() == {"error": "invalid_client", "error_description": "Bad client credentials"}
    validate_auth(401, r.json())


def test_wrong_user_password_rejected_with_hermes_body() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"hermes": {"shop-1": "s3cret", "user-1": "right"}}))
    r = client_for(ctx).post(TOKEN, data=PASSWORD_GRANT)
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "Bad credentials"}
    validate_auth(400, r.json())


def test_listed_credentials_accepted() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"hermes": {"shop-1": "s3cret", "user-1": "pw-1"}}))
    assert get_token(client_for(ctx))


def test_missing_client_is_401(client: TestClient) -> None:
    r = client.post(TOKEN, data={"grant_type": "password", "username": "u", "password": "p"})
    assert r.status_code == 401
    assert r.json() == {
        "error": "unauthorized",
        "error_description": "Full authentication is required to access this resource",
    }
    validate_auth(401, r.json())


def test_missing_grant_type_is_invalid_request(client: TestClient) -> None:
    r = client.post(TOKEN, data={"client_id": "shop-1", "client_secret": "s3cret"})
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_request", "error_description": "Missing grant type"}
    validate_auth(400, r.json())


@pytest.mark.parametrize(
    ("grant", "error", "description"),
    [
        ("client_credentials", "unsupported_grant_type", "Unsupported grant type: client_credentials"),
        ("implicit", "invalid_type", "Implicit grant type not supported from token endpoint"),
    ],
)
def test_unsupported_grant_types(client: TestClient, grant: str, error: str, description: str) -> None:
    r = client.post(TOKEN, data={**PASSWORD_GRANT, "grant_type": grant})
    assert r.status_code == 400
    assert r.json() == {"error": error, "error_description": description}


def test_authorization_code_grant_needs_a_code_the_sandbox_never_issues(client: TestClient) -> None:
    base = {"grant_type": "authorization_code", "client_id": "shop-1", "client_secret": "s3cret"}
    missing = client.post(TOKEN, data=base)
    assert (missing.status_code, missing.json()) == (
        400,
        {"error": "invalid_request", "error_description": "An authorization code must be supplied."},
    )
    given = client.post(TOKEN, data={**base, "code": "abc", "redirect_uri": "https://shop.example/cb"})
    assert (given.status_code, given.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid authorization code: abc"},
    )


def test_refresh_grant_issues_a_new_access_token(client: TestClient) -> None:
    first = get_tokens(client)
    r = client.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": "shop-1",
            "client_secret": "s3cret",
        },
    )
    assert r.status_code == 200
    validate_auth(200, r.json())
    assert r.json()["refresh_token"] == first["refresh_token"]  # Spring reuses refresh tokens
    fresh = r.json()["access_token"]
    assert fresh != first["access_token"]
    assert track(client, NUMBERS["delivered"], fresh).status_code == 200


def test_refresh_with_unknown_token_is_invalid_grant(client: TestClient) -> None:
    r = client.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": "a.b.c",
            "client_id": "shop-1",
            "client_secret": "s3cret",
        },
    )
    assert r.status_code == 400
    assert r.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}


def test_refresh_with_an_access_token_is_rejected(client: TestClient, token: str) -> None:
    r = client.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": token,
            "client_id": "shop-1",
            "client_secret": "s3cret",
        },
    )
    assert r.status_code == 401
    assert r.json() == {"error": "invalid_token", "error_description": "Encoded token is not a refresh token"}


def test_refresh_token_of_another_client_is_rejected(client: TestClient) -> None:
    other = get_tokens(client, client_id="shop-2")
    r = client.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": other["refresh_token"],
            "client_id": "shop-1",
            "client_secret": "s3cret",
        },
    )
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_grant"


def test_json_body_is_not_read_by_the_token_endpoint(client: TestClient) -> None:
    """The endpoint takes form parameters only; JSON (well-formed or not) carries no credentials."""
    for raw in (json.dumps(PASSWORD_GRANT).encode(), b'{"grant_type": "password",'):
        r = client.post(TOKEN, content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 401
        assert r.json()["error"] == "unauthorized"
    basic = base64.b64encode(b"shop-1:s3cret").decode()
    r = client.post(
        TOKEN,
        content=b'{"grant_type": "password",',
        headers={"Content-Type": "application/json", "Authorization": f"Basic {basic}"},
    )
    assert (r.status_code, r.json()) == (
        400,
        {"error": "invalid_request", "error_description": "Missing grant type"},
    )


# --- bearer token on HSI calls -------------------------------------------------------------------------


def test_tracking_without_token_is_401(client: TestClient) -> None:
    r = track(client, NUMBERS["delivered"], None)
    assert r.status_code == 401
    assert r.json() == error_body("e902")
    assert r.headers["www-authenticate"].startswith("Bearer")
    validate_schema("hermes_de", "ErrorResponse", r.json())


@pytest.mark.parametrize("bad", ["not-a-token", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.deadbeef"])
def test_tracking_with_invalid_token_is_400_e902(client: TestClient, bad: str) -> None:
    r = track(client, NUMBERS["delivered"], bad)
    assert r.status_code == 400
    assert r.json() == error_body("e902")
    validate_response("hermes_de", "/shipmentinfo", "get", 400, r.json())


def test_tracking_with_expired_token_is_400_e903() -> None:
    fake_time = [1_800_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    token = get_token(client)
    fake_time[0] += 3599
    assert track(client, NUMBERS["delivered"], token).status_code == 200
    fake_time[0] += 1
    r = track(client, NUMBERS["delivered"], token)
    assert r.status_code == 400
    assert r.json() == error_body("e903")
    validate_response("hermes_de", "/shipmentinfo", "get", 400, r.json())


def test_refresh_token_outlives_the_access_token() -> None:
    fake_time = [1_800_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    tokens = get_tokens(client)
    fake_time[0] += 7200
    assert track(client, NUMBERS["delivered"], tokens["access_token"]).json() == error_body("e903")
    r = client.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": "shop-1",
            "client_secret": "s3cret",
        },
    )
    assert track(client, NUMBERS["delivered"], r.json()["access_token"]).status_code == 200


# --- Shipment Info bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_each_story_renders_spec_valid_shipment_info(client: TestClient, token: str, kind: str) -> None:
    for language in ("de", "en"):
        shipment = info(client, NUMBERS[kind], token, language)
        assert shipment["shipmentID"] == NUMBERS[kind]
        assert shipment["trackingLink"] == (
            "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#" + NUMBERS[kind]
        )
        assert len(shipment["status"]) == len(hermes_story(NUMBERS[kind], kind))
        assert shipment["status"][-1]["code"] == FINAL_CODE[kind]
        for status in shipment["status"]:
            assert list(status) == ["timestamp", "code", "description", "scanningUnit"]
            assert "#" not in status["description"] and status["description"].endswith(".")
            assert status["code"].isdigit() and len(status["code"]) == 4


def test_delivered_story_ends_with_hermes_delivered_status(client: TestClient, token: str) -> None:
    shipment = info(client, NUMBERS["delivered"], token)
    assert [s["code"] for s in shipment["status"]] == [
        "0000",
        "1000",
        "2000",
        "1510",
        "1510",
        "1510",
        "2000",
        "4100",
        "1510",
        "2000",
        "3000",
        "3500",
    ]
    assert shipment["status"][-1]["description"] == "Die Sendung wurde zugestellt."
    assert "deliveryForecast" not in shipment


def test_german_is_the_default_language(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["delivered"], token)["status"]
    assert status[0]["description"] == "Die Sendung wurde Hermes elektronisch angekündigt."
    assert status[3]["description"] == "Die Sendung wurde im Hermes Logistik-Center Haldensleben sortiert."
    assert status[9]["description"] == "Die Sendung ist im Hermes Verteilzentrum Hamburg eingetroffen."
    assert status[7]["description"].startswith(
        "Hermes kann die Sendung leider nicht wie geplant zustellen. Die Sendung wird im Hermes "
        "Logistik-Center aufbewahrt"
    )


@pytest.mark.parametrize("header", ["en", "EN", "en-GB,en;q=0.9", "fr-FR, en;q=0.5", "de;q=0.1, en"])
def test_accept_language_selects_english(client: TestClient, token: str, header: str) -> None:
    status = info(client, NUMBERS["delivered"], token, header)["status"]
    assert status[9]["description"] == "The shipment has arrived at the Hermes distribution centre Hamburg."
    assert status[-1]["description"] == "The shipment has been delivered."


@pytest.mark.parametrize("header", ["de", "DE", "de-DE", "fr", "*", "en;q=0", "nonsense;;q=x"])
def test_other_languages_get_german(client: TestClient, token: str, header: str) -> None:
    status = info(client, NUMBERS["delivered"], token, header)["status"]
    assert status[-1]["description"] == "Die Sendung wurde zugestellt."


def test_timestamps_are_local_with_offset_oldest_first(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["delivered"], token)["status"]
    assert status[0]["timestamp"] == "2026-11-02T15:15:00+01:00"
    assert status[-1]["timestamp"] == "2026-11-06T19:10:00+01:00"
    instants = [datetime.fromisoformat(s["timestamp"]) for s in status]
    assert instants == sorted(instants)


def test_summer_time_scans_carry_cest_offset(ctx: GermanContext, client: TestClient, token: str) -> None:
    events = hermes_story(UNKNOWN)
    summer = [
        dataclasses.replace(
            e,
            occurred_at=(datetime.fromisoformat(e.occurred_at) - timedelta(days=150))
            .astimezone(BERLIN)
            .isoformat(timespec="seconds"),
            visible_at="2026-06-01T00:00:00+02:00",
        )
        for e in events
    ]
    ctx.parcels[UNKNOWN] = summer
    assert info(client, UNKNOWN, token)["status"][0]["timestamp"].endswith("+02:00")


def test_scanning_unit_and_receiver_address(client: TestClient, token: str) -> None:
    shipment = info(client, NUMBERS["delivered"], token)
    assert shipment["receiverAddress"] == {"city": "Hamburg", "zipCode": "22083", "countryCode": "DEU"}
    assert shipment["status"][5]["scanningUnit"] == {
        "name": "Hermes Logistik-Center Langenhagen",
        "city": "Langenhagen",
        "countryCode": "DEU",
    }
    # issue 14 item 8: each building names itself; the electronic notice and the client's warehouse
    # are no Hermes unit, and say "Hermes Germany" as the spec's example does
    units = [s["scanningUnit"]["name"] for s in shipment["status"]]
    assert units[0] == units[1] == "Hermes Germany"
    assert len(set(units)) >= 3
    assert any(u.startswith("Hermes Verteilzentrum ") for u in units)


def test_delivery_forecast_follows_the_latest_event(
    ctx: GermanContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    early = info(client, NUMBERS["delivered"], token)
    assert early["deliveryForecast"] == {
        "fixed": False,
        "date": "2026-11-05",
        "timeSlot": {"from": "10:00", "to": "18:00"},
    }
    ctx.clock = datetime(2026, 11, 4, 0, 0, tzinfo=UTC)  # the weather delay is visible
    late = info(client, NUMBERS["delivered"], token)
    assert late["deliveryForecast"] == {"fixed": False, "date": "2026-11-06"}


def test_time_slot_is_given_in_german_time() -> None:
    utc_window = EstimatedDelivery("2026-07-01", "2026-07-01T08:00:00+00:00", "2026-07-01T16:00:00+00:00")
    assert render.delivery_forecast(utc_window) == {
        "fixed": False,
        "date": "2026-07-01",
        "timeSlot": {"from": "10:00", "to": "18:00"},
    }


def test_clock_moves_show_more_events(ctx: GermanContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    first = info(client, NUMBERS["delivered"], token)
    assert [s["code"] for s in first["status"]] == ["0000"]
    ctx.clock = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    later = info(client, NUMBERS["delivered"], token)
    assert len(later["status"]) > 1
    assert later["status"][0] == first["status"][0]
    assert not HermesClient.is_delivered({"shipmentinfo": [later]})


def test_label_without_visible_scans_has_no_information(
    ctx: GermanContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    r = track(client, NUMBERS["delivered"], token)
    assert r.status_code == 200
    assert r.json() == {
        "shipmentinfo": [
            {
                "shipmentID": NUMBERS["delivered"],
                "result": {"code": "e001", "message": "There is no information for the entered value."},
            }
        ]
    }


def test_failed_attempt_then_parcelshop(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["failed_then_locker"], token)["status"]
    assert [s["code"] for s in status[-4:]] == ["3731", "4100", "3410", "3530"]
    assert status[-4]["description"] == (
        "Der Empfänger wurde nicht angetroffen. Hermes wird einen weiteren Zustellversuch durchführen."
    )
    assert status[-3]["description"] == "Die Sendung wird im Hermes Verteilzentrum aufbewahrt."
    assert status[-2]["description"] == (
        "Die Sendung liegt im Hermes PaketShop Kiosk am Markt zur Abholung bereit."
    )
    assert HermesClient.is_delivered({"shipmentinfo": [{"status": status}]})


def test_returned_story_codes(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["returned"], token, "en")["status"]
    assert [s["code"] for s in status[-4:]] == ["4020", "6083", "1520", "7500"]
    assert status[-4]["description"] == (
        "The shipment is back at the Hermes distribution centre Hamburg, as the specified address was "
        "unable to be found."
    )
    assert status[-1]["description"] == "The return/return shipment has arrived at the client."
    assert not HermesClient.is_delivered({"shipmentinfo": [{"status": status}]})


def test_customs_story_shows_partner_number(ctx: GermanContext, client: TestClient, token: str) -> None:
    shipment = info(client, NUMBERS["customs"], token)
    assert [s["code"] for s in shipment["status"][-3:]] == ["1730", "1720", "1810"]
    assert shipment["status"][-3]["description"] == "Die Sendung wird in Langenhagen beim Zoll aufbewahrt."
    assert shipment["internationalShipmentID"] == "9400111206206406260787"
    assert list(shipment)[:4] == ["shipmentID", "clientReference", "internationalShipmentID", "trackingLink"]
    ctx.clock = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)  # before the hand-over
    assert "internationalShipmentID" not in info(client, NUMBERS["customs"], token)


def test_damaged_story_codes(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["damaged"], token)["status"]
    assert [s["code"] for s in status[-3:]] == ["4040", "3710", "3732"]


def test_lost_parcel_gets_the_depot_notice_for_its_age(client: TestClient, token: str) -> None:
    status = info(client, NUMBERS["lost"], token)["status"]
    assert status[-1]["code"] == "0800"  # 7 days after the first scan
    assert status[-1]["description"] == (
        "Die angekündigte Sendung ist bisher noch nicht im erwarteten Hermes Zieldepot eingetroffen."
    )


def test_several_ids_in_one_call_keep_their_order(client: TestClient, token: str) -> None:
    ids = [NUMBERS["returned"], UNKNOWN, NUMBERS["delivered"]]
    r = track(client, ids, token)
    assert r.status_code == 200
    validate_response("hermes_de", "/shipmentinfo", "get", 200, r.json())
    entries = r.json()["shipmentinfo"]
    assert [e["shipmentID"] for e in entries] == ids
    assert entries[1]["result"]["code"] == "e001"
    comma = client.get(
        INFO, params={"shipmentID": ",".join(ids)}, headers={"Authorization": f"Bearer {token}"}
    )
    assert comma.content == r.content


def test_lowercase_hsi_id_is_found_and_echoed_upper(
    ctx: GermanContext, client: TestClient, token: str
) -> None:
    ctx.parcels[HSI_NUMBER] = hermes_story(HSI_NUMBER)
    assert info(client, HSI_NUMBER.lower(), token)["shipmentID"] == HSI_NUMBER


# --- not found, invalid, bad requests ----------------------------------------------------------------------


def test_unknown_number_is_200_e001(client: TestClient, token: str) -> None:
    r = track(client, UNKNOWN, token)
    assert r.status_code == 200
    assert r.json() == {
        "shipmentinfo": [
            {
                "shipmentID": UNKNOWN,
                "result": {"code": "e001", "message": "There is no information for the entered value."},
            }
        ]
    }
    validate_response("hermes_de", "/shipmentinfo", "get", 200, r.json())


def test_other_carriers_parcel_is_unknown_to_hermes(client: TestClient, token: str) -> None:
    ctx = GermanContext("hermes", parcels={"1Z12345E0205271688": story("1Z12345E0205271688", "ups")})
    client = client_for(ctx)
    r = track(client, "1Z12345E0205271688", get_token(client))
    assert r.json()["shipmentinfo"][0]["result"]["code"] == "e001"


@pytest.mark.parametrize("number", ["ABC-123", "0913 3131530724", "9" * 25, "%00", "H12345678901234567890ÄÖ"])
def test_malformed_number_is_400_e005(client: TestClient, token: str, number: str) -> None:
    r = track(client, number, token)
    assert r.status_code == 400
    assert r.json() == error_body("e005")
    validate_response("hermes_de", "/shipmentinfo", "get", 400, r.json())


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"shipmentID": ""},
        {"shipmentID": "0913,,07655"},
        {"clientID": "4711"},
        {"clientReference": "AC/DC-42"},
    ],
)
def test_missing_required_parameters_are_400_e006(
    client: TestClient, token: str, params: dict[str, str]
) -> None:
    r = client.get(INFO, params=params, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json() == error_body("e006")
    validate_response("hermes_de", "/shipmentinfo", "get", 400, r.json())


def test_shipment_id_with_client_reference_is_400_e008(client: TestClient, token: str) -> None:
    r = client.get(
        INFO,
        params={"shipmentID": UNKNOWN, "clientID": "4711", "clientReference": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 400
    assert r.json() == error_body("e008")


def test_query_by_client_reference_has_no_information(client: TestClient, token: str) -> None:
    r = client.get(
        INFO,
        params={"clientID": "4711", "clientReference": "AC/DC-42"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200
    assert r.json() == {
        "shipmentinfo": [
            {
                "clientID": "4711",
                "clientReference": "AC/DC-42",
                "result": {"code": "e001", "message": "There is no information for the entered value."},
            }
        ]
    }
    validate_response("hermes_de", "/shipmentinfo", "get", 200, r.json())


@pytest.mark.parametrize("client_id", ["12345", "47a1"])
def test_malformed_client_id_is_400_e005(client: TestClient, token: str, client_id: str) -> None:
    r = client.get(
        INFO,
        params={"clientID": client_id, "clientReference": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (r.status_code, r.json()) == (400, error_body("e005"))


def test_more_than_100_ids_or_duplicates_are_400_e005(client: TestClient, token: str) -> None:
    many = [f"{i:014d}" for i in range(101)]
    assert track(client, many, token).json() == error_body("e005")
    assert track(client, many[:100], token).status_code == 200
    assert track(client, [UNKNOWN, UNKNOWN], token).json() == error_body("e005")


def test_non_json_accept_is_400_e009(client: TestClient, token: str) -> None:
    r = track(client, UNKNOWN, token, Accept="application/xml")
    assert r.status_code == 400
    assert r.json() == error_body("e009")
    for accept in ("*/*", "application/json", "text/html,application/xhtml+xml,*/*;q=0.8"):
        assert track(client, UNKNOWN, token, Accept=accept).status_code == 200


# --- deprecated endpoints -----------------------------------------------------------------------------------


def test_shipment_history_is_spec_valid(client: TestClient, token: str) -> None:
    r = track(client, [NUMBERS["delivered"], UNKNOWN], token, path=HISTORY)
    assert r.status_code == 200
    body = r.json()
    validate_response("hermes_de", "/shipmentstatus", "get", 200, body)
    found, missing = body["listOfShipmentHistoryStatus"]
    assert found["listOfStatus"][0] == {
        "statusDate": "2026-11-02",
        "statusTime": "15:15:00",
        "statusCode": "000",
        "description": "Die Sendung wurde Hermes elektronisch angekündigt.",
    }
    assert found["listOfStatus"][-1]["statusCode"] == "090"
    assert missing == {
        "shipmentID": UNKNOWN,
        "listOfStatus": [
            {"resultCode": "e001", "resultMessage": "There is no information for the entered value."}
        ],
    }


def test_current_status_is_spec_valid(ctx: GermanContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    r = track(client, [NUMBERS["delivered"], UNKNOWN], token, path=CURRENT, language="en")
    assert r.status_code == 200
    body = r.json()
    validate_response("hermes_de", "/shipmentstatus/current", "get", 200, body)
    found, missing = body["listOfCurrentShipmentStatus"]
    assert found == {
        "shipmentID": NUMBERS["delivered"],
        "clientReference": found["clientReference"],
        "statusInformation": {
            "statusDate": "2026-11-02",
            "statusTime": "15:15:00",
            "statusCode": "000",
            "description": "The shipment has been notified to Hermes electronically.",
            "expectedDelivery": {
                "expectedDate": "2026-11-05",
                "expectedTimeEarliest": "10:00",
                "expectedTimeLatest": "18:00",
                "fixedDateOfDelivery": False,
            },
            "city": "Hamburg",
            "zipCode": "22083",
            "countryCode": "DEU",
        },
    }
    assert missing["statusInformation"]["resultCode"] == "e001"


def test_deprecated_endpoints_need_a_token_and_ids(client: TestClient, token: str) -> None:
    for path in (HISTORY, CURRENT):
        assert track(client, UNKNOWN, None, path=path).status_code == 401
        r = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert (r.status_code, r.json()) == (400, error_body("e006"))


# --- framework-level failures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/services/hsi/nope", INFO + "/", "/", "/services/hsi/shipmentinfo/x", "/services/shipmentinfo"]
)
def test_path_junk_is_hermes_404(client: TestClient, token: str, path: str) -> None:
    r = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404
    assert r.json() == error_body("e002")
    validate_schema("hermes_de", "ErrorResponse", r.json())


def test_path_junk_under_the_facade_is_oauth_shaped(client: TestClient) -> None:
    r = client.post("/authorization-facade/oauth2/nope")
    assert r.status_code == 404
    assert r.json() == {"error": "not_found", "error_description": "The requested resource was not found."}


def test_wrong_method_on_shipment_info_is_405(client: TestClient, token: str) -> None:
    r = client.post(INFO, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 405
    assert r.json() == error_body("e002")


def test_wrong_method_on_token_endpoint_is_spring_405(client: TestClient) -> None:
    r = client.get(TOKEN)
    assert r.status_code == 405
    assert r.json() == {
        "error": "method_not_allowed",
        "error_description": "Request method 'GET' not supported",
    }


def test_huge_bodies_are_413(client: TestClient, token: str) -> None:
    huge = b"x" * ((1 << 20) + 1)
    r = client.post(TOKEN, content=huge, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert r.json() == {"error": "invalid_request", "error_description": "Request body too large."}
    r = client.request("GET", INFO, content=huge, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 413
    assert r.json() == error_body("e005")


def test_no_request_gets_fastapi_default_or_500(client: TestClient, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    responses = [
        client.get("/nope"),
        client.put(TOKEN),
        client.delete(INFO, headers=auth),
        client.post(
            TOKEN, content=b"\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        client.post(TOKEN, content=b"[1, 2]", headers={"Content-Type": "application/json"}),
        client.post(TOKEN, content=b"{", headers={"Content-Type": "application/json"}),
        client.post(TOKEN, content=b"x" * ((1 << 20) + 10)),
        client.get(INFO + "?shipmentID=%00", headers=auth),
        client.get(INFO + "?shipmentID=" + "a" * 5000, headers=auth),
        client.get(INFO, params={"shipmentID": UNKNOWN}, headers={"Authorization": "Basic Zm9vOmJhcg=="}),
        client.get(INFO, params={"shipmentID": UNKNOWN}, headers={**auth, "Accept-Language": "q=;;,"}),
        client.get(HISTORY + "/", headers=auth),
        client.head(INFO, headers=auth),
    ]
    for r in responses:
        if r.request.method != "HEAD":
            assert_not_fastapi_default(r)
        assert r.status_code < 500


def test_mounted_under_prefix_keeps_hermes_shapes(ctx: GermanContext) -> None:
    root = FastAPI()
    root.mount("/hermes", create_carrier_app(ctx))
    client = TestClient(root)
    token = client.post("/hermes" + TOKEN, data=PASSWORD_GRANT).json()["access_token"]
    ok = client.get(
        "/hermes" + INFO,
        params={"shipmentID": NUMBERS["delivered"]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 200
    junk = client.get("/hermes/authorization-facade/oauth2/nope")
    assert (junk.status_code, junk.json()["error"]) == (404, "not_found")
    assert client.get("/hermes" + TOKEN).json()["error"] == "method_not_allowed"
    assert client.get("/hermes/services/hsi/nope").json() == error_body("e002")


# --- determinism and code tables -------------------------------------------------------------------------


def test_two_apps_give_byte_identical_tracking_bodies() -> None:
    bodies = []
    for _ in range(2):
        client = client_for(make_ctx())
        token = get_token(client)
        run = [
            track(client, tn, token, path=path, language=lang).content
            for tn in [*NUMBERS.values(), UNKNOWN]
            for path in (INFO, HISTORY, CURRENT)
            for lang in ("de", "en")
        ]
        run.append(track(client, list(NUMBERS.values()), token).content)
        bodies.append(run)
    assert bodies[0] == bodies[1]


def test_every_event_code_is_mapped() -> None:
    assert set(codes.EVENT_CODES) == set(EventCode)
    assert set(codes.EVENT_CODES.values()) <= set(codes.STATUSES)
    base = hermes_story(NUMBERS["delivered"])[3]
    for code in EventCode:
        status = codes.status_for(dataclasses.replace(base, code=code, reason=None), (), "DE")
        assert status.code_2x2 and status.text_de and status.text_en, code


def test_every_exception_reason_is_mapped() -> None:
    assert set(codes.REASON_CODES) == set(ExceptionReason)
    tables = [codes.REASON_CODES, codes.ATTEMPT_REASON_CODES, codes.RETURN_REASON_CODES, codes.ATTEMPT_CODES]
    for table in tables:
        assert set(table.values()) <= set(codes.STATUSES)
    base = hermes_story(NUMBERS["delivered"])[3]
    for reason in ExceptionReason:
        for code in (
            EventCode.EXCEPTION,
            EventCode.DELAYED,
            EventCode.DELIVERY_ATTEMPTED,
            EventCode.RETURN_TO_SENDER,
        ):
            status = codes.status_for(dataclasses.replace(base, code=code, reason=reason), (), "DE")
            assert status in codes.STATUSES.values(), (code, reason)


def test_catalogue_rows_are_verbatim_from_the_hermes_csv() -> None:
    path = SPECS_DIR / "hermes_de" / "hermes-germany-eventcodes.csv"
    with path.open(encoding="utf-8") as fh:
        rows = {r[0]: r for r in csv.reader(fh, delimiter=";")}
    for code, status in codes.STATUSES.items():
        row = rows[code]
        assert (row[1], row[4], row[6]) == (status.code_2x2, status.text_de, status.text_en), code


@pytest.mark.parametrize(
    "kind", ["sort_hub", "delivery_station", "pickup_point", "fulfilment_centre", "address", "somewhere_else"]
)
def test_every_placeholder_is_filled_everywhere(kind: str) -> None:
    base = hermes_story(NUMBERS["delivered"])[3]
    event = dataclasses.replace(base, location=dataclasses.replace(base.location, kind=kind))
    for status in codes.STATUSES.values():
        for language in ("de", "en"):
            text = render.describe(status, event, language, "AT")
            assert "#" not in text and "  " not in text and " ." not in text, (status.code_3x3, text)


def test_context_rules() -> None:
    events = hermes_story(NUMBERS["delivered"])
    shop = GERMAN["ups-pp-chi-1"]
    drop_off = dataclasses.replace(events[1], location=shop)
    assert codes.status_for(drop_off).code_2x2 == "2400"
    assert render.describe(codes.status_for(drop_off), drop_off, "de") == (
        "Die Sendung ist am PaketShop Kiosk am Markt abgegeben worden."
    )
    generic = dataclasses.replace(drop_off, location=dataclasses.replace(shop, name="Pickup Point Berlin"))
    assert render.describe(codes.STATUSES["055001005"], generic, "de") == (
        "Die Sendung liegt im Hermes PaketShop Berlin zur Abholung bereit."
    )
    letterbox = dataclasses.replace(events[-1], details={"delivery_location": "mailbox"})
    assert codes.status_for(letterbox).code_2x2 == "3511"
    vienna = Location("hermes-at-vie", "sort_hub", "Hub Wien", "Wien", "W", "1010", "AT", 48.2, 16.4)
    abroad = dataclasses.replace(events[5], location=vienna)
    status = codes.status_for(abroad, events[:5], "DE")
    assert status.code_2x2 == "1610"
    assert render.describe(status, abroad, "de", "DE") == (
        "Die Sendung befindet sich in Wien auf dem Weitertransport nach Deutschland."
    )
    assert render.describe(status, abroad, "en", "DE") == (
        "Shipment is in international transit and located in Wien, Austria."
    )
    breakdown = dataclasses.replace(events[10], code=EventCode.DELAYED, reason=ExceptionReason.BREAKDOWN)
    assert codes.status_for(breakdown).code_2x2 == "3750"
    linehaul = dataclasses.replace(events[5], code=EventCode.DELAYED, reason=ExceptionReason.BREAKDOWN)
    assert codes.status_for(linehaul).code_2x2 == "4100"


@pytest.mark.parametrize(
    ("days", "code"),
    [
        (0, "0600"),
        (1, "0600"),
        (2, "0700"),
        (6, "0700"),
        (7, "0800"),
        (27, "0800"),
        (28, "0900"),
        (60, "0900"),
    ],
)
def test_lost_notice_by_age(days: int, code: str) -> None:
    first = hermes_story(NUMBERS["lost"], "lost")[0]
    at = (datetime.fromisoformat(first.occurred_at) + timedelta(days=days)).isoformat()
    lost = dataclasses.replace(first, code=EventCode.EXCEPTION, reason=ExceptionReason.LOST, occurred_at=at)
    assert codes.status_for(lost, [first]).code_2x2 == code


@pytest.mark.parametrize(
    ("attempt", "code"), [(1, "3731"), (2, "3732"), (3, "3733"), (4, "3734"), (7, "3734")]
)
def test_attempts_are_numbered(attempt: int, code: str) -> None:
    event = dataclasses.replace(
        hermes_story(NUMBERS["damaged"], "damaged")[-1],
        reason=ExceptionReason.RECIPIENT_UNAVAILABLE,
        details={"attempt": attempt},
    )
    assert codes.status_for(event).code_2x2 == code


def test_attempt_number_is_counted_when_missing() -> None:
    events = hermes_story(NUMBERS["damaged"], "damaged")
    second = dataclasses.replace(events[-1], details={})
    first = dataclasses.replace(events[-2], reason=ExceptionReason.RECIPIENT_UNAVAILABLE)
    assert codes.status_for(second, [*events[:-2], first]).code_2x2 == "3732"


# --- the client helper the live-server tests use -----------------------------------------------------------


def test_client_helper_round_trip(ctx: GermanContext, client: TestClient) -> None:
    hermes = HermesClient(client, "http://testserver")
    hermes.authenticate()
    token = client.post(TOKEN, data=PASSWORD_GRANT)
    hermes.validate(token)
    delivered = hermes.track(NUMBERS["delivered"])
    hermes.validate(delivered)
    assert HermesClient.is_delivered(delivered.json())
    assert HermesClient.scan_count(delivered.json()) == len(ctx.parcels[NUMBERS["delivered"]])
    assert not HermesClient.is_delivered(hermes.track(NUMBERS["returned"]).json())
    missing = hermes.track(UNKNOWN)
    hermes.validate(missing)
    assert HermesClient.is_not_found(missing)
    assert not HermesClient.is_not_found(delivered)
    bad = hermes.track("ABC-123")
    hermes.validate(bad)
    assert not HermesClient.is_not_found(bad)
    hermes.validate(client.get("/services/hsi/nope"))
    hermes.validate(client.get(TOKEN))
    for path in (HISTORY, CURRENT):
        hermes.validate(hermes.track_many([NUMBERS["delivered"]], path))


def test_client_helper_renews_an_expired_token() -> None:
    fake_time = [1_800_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    hermes = HermesClient(client_for(ctx), "http://testserver", language="EN")
    hermes.authenticate()
    old = hermes.access_token
    fake_time[0] += 4000
    r = hermes.track(NUMBERS["delivered"])
    assert r.status_code == 200 and hermes.access_token != old
    assert r.json()["shipmentinfo"][0]["status"][-1]["description"] == "The shipment has been delivered."


def test_truth_is_only_used_for_the_label_data(ctx: GermanContext, client: TestClient, token: str) -> None:
    """The addressee and the client's reference (issue 14 item 6) are label data; nothing else is."""
    shipment = info(client, NUMBERS["delivered"], token)
    assert set(shipment) == {"shipmentID", "clientReference", "trackingLink", "receiverAddress", "status"}
    box = fakes.truth_for(ctx.parcels[NUMBERS["delivered"]]).package
    assert box is not None and shipment["clientReference"] == box.reference
    plain = FakeContext("hermes", parcels={UNKNOWN: story(UNKNOWN, "hermes")})
    view = plain.lookup(UNKNOWN)
    assert view is not None
    body = render.shipment_info(dataclasses.replace(view, truth=None), "de")
    assert "receiverAddress" not in body
    assert body["status"][0]["scanningUnit"]["countryCode"] == "USA"  # not German: rendered as it is
    assert fakes.ORIGIN_FC.city == body["status"][0]["scanningUnit"]["city"]
