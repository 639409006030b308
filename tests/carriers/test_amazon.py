"""Amazon Shipping v2 mock: LWA token flow, getTracking rendering, Amazon's errors, determinism."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.amazon import codes, create_carrier_app
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EventCode, ExceptionReason
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.fakes import FakeContext, story
from tests.spec_validation import load_spec, validate_response, validate_schema

pytestmark = pytest.mark.unit

TRACKING = "/shipping/v2/tracking"
TOKEN = "/auth/o2/token"

KINDS = ("delivered", "failed_then_locker", "returned", "customs", "lost", "damaged")
NUMBERS = {kind: f"TBA3049395752{i:02d}" for i, kind in enumerate(KINDS)}
UPS_NUMBER = "1Z999AA10123456784"

ACCESS_DENIED = "Access to requested resource is denied."
INVALID_REQUEST = "Request is missing or has invalid parameters"
NOT_FOUND_BODY = {
    "errors": [{"code": "NotFound", "message": "The requested resource is invalid or doesn't exist"}]
}
EVENT_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _parcels() -> dict[str, Any]:
    parcels = {n: story(n, "amazon", "ground", kind) for kind, n in NUMBERS.items()}
    parcels[UPS_NUMBER] = story(UPS_NUMBER, "ups", "ground", "delivered")
    return parcels


def make_ctx(**kwargs: Any) -> FakeContext:
    return FakeContext("amazon", _parcels(), **kwargs)


def client_for(ctx: FakeContext) -> TestClient:
    return TestClient(create_carrier_app(ctx))


def token_form(**overrides: str) -> dict[str, str]:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": "Atzr|seller-refresh",
        "client_id": "amzn1.application-oa2-client.abc",
        "client_secret": "secret-1",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v != ""}


def get_token(client: TestClient) -> str:
    response = client.post(TOKEN, data=token_form())
    assert response.status_code == 200
    return response.json()["access_token"]


def track(client: TestClient, number: str, token: str | None, **params: str) -> Any:
    query = {"trackingId": number, "carrierId": "AMZN_US", **params}
    query = {k: v for k, v in query.items() if v is not None}
    headers = {"x-amz-access-token": token} if token is not None else {}
    return client.get(TRACKING, params=query, headers=headers)


def assert_spec_ok(response: Any) -> dict[str, Any]:
    body = response.json()
    validate_response("amazon", TRACKING, "get", response.status_code, body)
    return body


@pytest.fixture
def ctx() -> FakeContext:
    return make_ctx()


@pytest.fixture
def client(ctx: FakeContext) -> TestClient:
    return client_for(ctx)


@pytest.fixture
def token(client: TestClient) -> str:
    return get_token(client)


# --- LWA token endpoint ---------------------------------------------------------------------------


def test_refresh_token_grant_returns_lwa_token_body(client: TestClient) -> None:
    response = client.post(TOKEN, data=token_form())
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "token_type", "expires_in", "refresh_token"]
    assert body["access_token"].startswith("Atza|")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600 and isinstance(body["expires_in"], int)
    assert body["refresh_token"] == "Atzr|seller-refresh"
    assert response.headers["x-amzn-RequestId"]


def test_client_credentials_grant_returns_grantless_token_with_scope(client: TestClient) -> None:
    response = client.post(
        TOKEN,
        data=token_form(
            grant_type="client_credentials", refresh_token="", scope="sellingpartnerapi::notifications"
        ),
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["access_token", "scope", "token_type", "expires_in"]
    assert body["access_token"].startswith("Atc|")
    assert body["scope"] == "sellingpartnerapi::notifications"
    assert body["expires_in"] == 3600


def test_token_request_as_json_body_is_accepted(client: TestClient) -> None:
    response = client.post(TOKEN, json=token_form())
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_token_request_with_basic_client_credentials_is_accepted(client: TestClient) -> None:
    basic = base64.b64encode(b"amzn1.application-oa2-client.abc:secret-1").decode()
    response = client.post(
        TOKEN,
        data={"grant_type": "refresh_token", "refresh_token": "Atzr|x"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200


def test_grantless_token_works_on_tracking(client: TestClient) -> None:
    response = client.post(
        TOKEN,
        data=token_form(
            grant_type="client_credentials", refresh_token="", scope="sellingpartnerapi::notifications"
        ),
    )
    assert track(client, NUMBERS["delivered"], response.json()["access_token"]).status_code == 200


def test_wrong_secret_is_rejected_with_invalid_client() -> None:
    creds = CredentialPolicy(allowed={"amazon": {"amzn1.application-oa2-client.abc": "secret-1"}})
    client = client_for(make_ctx(credentials=creds))
    response = client.post(TOKEN, data=token_form(client_secret="wrong"))
    assert response.status_code == 401
    assert response.json() == {"error_description": "Client authentication failed", "error": "invalid_client"}


def test_allowed_credentials_are_accepted() -> None:
    creds = CredentialPolicy(allowed={"amazon": {"amzn1.application-oa2-client.abc": "secret-1"}})
    client = client_for(make_ctx(credentials=creds))
    assert client.post(TOKEN, data=token_form()).status_code == 200


def test_unsupported_grant_type_is_rejected(client: TestClient) -> None:
    response = client.post(TOKEN, data=token_form(grant_type="password"))
    assert response.status_code == 400
    assert response.json() == {
        "error_description": "The authorization grant type is not supported by the authorization server",
        "error": "unsupported_grant_type",
    }


def test_missing_grant_type_is_invalid_request(client: TestClient) -> None:
    response = client.post(TOKEN, data=token_form(grant_type=""))
    assert response.status_code == 400
    assert response.json() == {
        "error_description": "The request is missing a required parameter : grant_type",
        "error": "invalid_request",
    }


def test_refresh_grant_without_refresh_token_is_invalid_request(client: TestClient) -> None:
    response = client.post(TOKEN, data=token_form(refresh_token=""))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert response.json()["error_description"].endswith(": refresh_token")


def test_client_credentials_without_scope_is_invalid_request(client: TestClient) -> None:
    response = client.post(TOKEN, data=token_form(grant_type="client_credentials", refresh_token=""))
    assert response.status_code == 400
    assert response.json() == {
        "error_description": "The request is missing a required parameter : scope",
        "error": "invalid_request",
    }


def test_client_credentials_with_unknown_scope_is_invalid_scope(client: TestClient) -> None:
    response = client.post(
        TOKEN, data=token_form(grant_type="client_credentials", refresh_token="", scope="profile")
    )
    assert response.status_code == 400
    assert response.json() == {
        "error_description": "An unknown scope was specified",
        "error": "invalid_scope",
    }


def test_malformed_json_token_request_is_lwa_invalid_request(client: TestClient) -> None:
    response = client.post(TOKEN, content=b'{"grant_type": ', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {
        "error_description": "The request body is malformed",
        "error": "invalid_request",
    }


# --- SP-API access token on getTracking -----------------------------------------------------------


def test_missing_access_token_is_403_unauthorized(client: TestClient) -> None:
    response = track(client, NUMBERS["delivered"], None)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"message": ACCESS_DENIED, "code": "Unauthorized", "details": ""}]}
    assert_spec_ok(response)


def test_unknown_access_token_is_403_invalid(client: TestClient) -> None:
    response = track(client, NUMBERS["delivered"], "Atza|not-a-token")
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "message": ACCESS_DENIED,
                "code": "Unauthorized",
                "details": "The access token you provided is revoked, malformed or invalid.",
            }
        ]
    }
    assert_spec_ok(response)


def test_token_without_lwa_prefix_is_rejected(client: TestClient, token: str) -> None:
    response = track(client, NUMBERS["delivered"], token.removeprefix("Atza|"))
    assert response.status_code == 403


def test_authorization_bearer_header_is_not_an_sp_api_token(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING,
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403


def test_expired_access_token_is_403_expired_and_refresh_recovers() -> None:
    fake_time = [1_000_000.0]
    client = client_for(make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0])))
    token = get_token(client)
    assert track(client, NUMBERS["delivered"], token).status_code == 200
    fake_time[0] += 3600
    response = track(client, NUMBERS["delivered"], token)
    assert response.status_code == 403
    assert response.json() == {
        "errors": [
            {
                "message": ACCESS_DENIED,
                "code": "Unauthorized",
                "details": "The access token you provided has expired.",
            }
        ]
    }
    assert_spec_ok(response)
    assert track(client, NUMBERS["delivered"], get_token(client)).status_code == 200


def test_access_token_header_name_is_case_insensitive(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING,
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"X-Amz-Access-Token": token},
    )
    assert response.status_code == 200


def test_auth_is_checked_before_parameters(client: TestClient) -> None:
    response = client.get(TRACKING)
    assert response.status_code == 403


# --- tracking -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_story_validates_against_spec(client: TestClient, token: str, kind: str) -> None:
    response = track(client, NUMBERS[kind], token)
    assert response.status_code == 200
    body = assert_spec_ok(response)
    assert body["payload"]["trackingId"] == NUMBERS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_every_story_validates_at_every_step_of_the_clock(ctx: FakeContext, kind: str) -> None:
    client = client_for(ctx)
    token = get_token(client)
    for event in story(NUMBERS[kind], "amazon", "ground", kind):
        ctx.clock = datetime.fromisoformat(event.visible_at).astimezone(UTC)
        response = track(client, NUMBERS[kind], token)
        assert response.status_code == 200
        assert_spec_ok(response)
        assert AmazonClient.scan_count(response.json()) == event.seq


def test_success_headers_carry_request_id_and_rate_limit(client: TestClient, token: str) -> None:
    response = track(client, NUMBERS["delivered"], token)
    assert response.headers["x-amzn-RateLimit-Limit"] == "80.0"
    assert response.headers["x-amzn-RequestId"]
    assert response.headers["content-type"] == "application/json"


def test_request_ids_differ_per_request(client: TestClient, token: str) -> None:
    first = track(client, NUMBERS["delivered"], token).headers["x-amzn-RequestId"]
    second = track(client, NUMBERS["delivered"], token).headers["x-amzn-RequestId"]
    assert first != second


def test_payload_key_order_follows_the_spec(client: TestClient, token: str) -> None:
    payload = track(client, NUMBERS["delivered"], token).json()["payload"]
    assert list(payload) == [
        "trackingId",
        "alternateLegTrackingId",
        "eventHistory",
        "promisedDeliveryDate",
        "summary",
    ]
    assert list(payload["summary"]) == ["status", "trackingDetailCodes"]
    assert list(payload["summary"]["trackingDetailCodes"]) == ["forward", "returns"]
    assert list(payload["eventHistory"][0]) == ["eventCode", "location", "eventTime", "shipmentType"]


def test_delivered_story_ends_delivered(client: TestClient, token: str) -> None:
    body = track(client, NUMBERS["delivered"], token).json()
    payload = body["payload"]
    assert payload["summary"]["status"] == "Delivered"
    assert payload["eventHistory"][-1]["eventCode"] == "Delivered"
    assert payload["summary"]["trackingDetailCodes"] == {
        "forward": ["DeliveredToPorch", "Signed"],
        "returns": [],
    }
    assert AmazonClient.is_delivered(body)


def test_events_are_oldest_first_in_utc_with_milliseconds(client: TestClient, token: str) -> None:
    history = track(client, NUMBERS["delivered"], token).json()["payload"]["eventHistory"]
    times = [e["eventTime"] for e in history]
    assert all(EVENT_TIME.match(t) for t in times)
    assert times == sorted(times)
    # LABEL_CREATED happened 09:15 at UTC-05:00.
    assert history[0] == {
        "eventCode": "ReadyForReceive",
        "location": {"stateOrRegion": "OH", "city": "Columbus", "countryCode": "US", "postalCode": "43215"},
        "eventTime": "2026-11-02T14:15:00.280Z",  # the scan's own, stable milliseconds
        "shipmentType": "FORWARD",
    }
    # issue 14 item 8: not every time ".000Z"; the same scan keeps its milliseconds
    assert len({t[-5:] for t in times}) > len(times) // 2
    assert times == [
        e["eventTime"] for e in track(client, NUMBERS["delivered"], token).json()["payload"]["eventHistory"]
    ]


def test_delivered_story_event_codes(client: TestClient, token: str) -> None:
    history = track(client, NUMBERS["delivered"], token).json()["payload"]["eventHistory"]
    assert [e["eventCode"] for e in history] == [
        "ReadyForReceive",
        "PickupDone",
        "ArrivedAtCarrierFacility",
        "ArrivedAtCarrierFacility",
        "Departed",
        "ArrivedAtCarrierFacility",
        "ArrivedAtCarrierFacility",
        "ArrivedAtCarrierFacility",
        "Departed",
        "ArrivedAtCarrierFacility",
        "OutForDelivery",
        "Delivered",
    ]


def test_clock_moves_reveal_more_events(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 14, 40, tzinfo=UTC)
    early = track(client, NUMBERS["delivered"], token).json()
    assert AmazonClient.scan_count(early) == 1
    assert early["payload"]["summary"]["status"] == "PreTransit"
    ctx.clock = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    later = track(client, NUMBERS["delivered"], token).json()
    assert AmazonClient.scan_count(later) > 1
    assert later["payload"]["summary"]["status"] == "InTransit"
    assert not AmazonClient.is_delivered(later)


def test_label_without_visible_scans_is_pre_transit_with_label_time_promise(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 1, tzinfo=UTC)
    response = track(client, NUMBERS["delivered"], token)
    assert response.status_code == 200
    payload = assert_spec_ok(response)["payload"]
    assert payload["eventHistory"] == []
    assert payload["summary"] == {
        "status": "PreTransit",
        "trackingDetailCodes": {"forward": [], "returns": []},
    }
    assert payload["promisedDeliveryDate"] == "2026-11-06T02:00:00.000Z"  # 2026-11-05T20:00-06:00


def test_promise_is_the_window_end_in_utc(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # before the weather delay
    payload = track(client, NUMBERS["delivered"], token).json()["payload"]
    assert payload["promisedDeliveryDate"] == "2026-11-06T01:00:00.000Z"  # 2026-11-05T19:00-06:00


def test_delay_moves_the_promise_to_end_of_new_local_day(client: TestClient, token: str) -> None:
    payload = track(client, NUMBERS["delivered"], token).json()["payload"]
    assert payload["promisedDeliveryDate"] == "2026-11-07T05:59:59.000Z"  # 2026-11-06 end of day, -06:00


def test_out_for_delivery_status(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["delivered"], token).json()["payload"]
    assert payload["summary"]["status"] == "OutForDelivery"


def test_arrival_at_delivery_station_carries_arrived_at_local_facility(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 6, 6, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["delivered"], token).json()["payload"]
    assert payload["summary"]["trackingDetailCodes"]["forward"] == ["ArrivedAtLocalFacility"]


def test_failed_attempt_shows_customer_unavailable(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 6, 19, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["failed_then_locker"], token).json()["payload"]
    assert payload["summary"] == {
        "status": "DeliveryAttempted",
        "trackingDetailCodes": {"forward": ["CustomerUnavailable"], "returns": []},
    }


def test_pickup_point_shows_awaiting_customer_pickup(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 7, 15, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["failed_then_locker"], token).json()["payload"]
    assert payload["eventHistory"][-1]["eventCode"] == "AvailableForPickup"
    assert payload["summary"]["status"] == "AwaitingCustomerPickup"


def test_collected_from_pickup_point_is_delivered(client: TestClient, token: str) -> None:
    body = track(client, NUMBERS["failed_then_locker"], token).json()
    assert body["payload"]["summary"]["status"] == "Delivered"
    assert AmazonClient.is_delivered(body)


def test_returned_story_has_returns_leg_like_the_spec_example(client: TestClient, token: str) -> None:
    body = track(client, NUMBERS["returned"], token).json()
    payload = body["payload"]
    tail = [(e["eventCode"], e["shipmentType"]) for e in payload["eventHistory"][-4:]]
    assert tail == [
        ("Undeliverable", "FORWARD"),
        ("ReturnInitiated", "RETURNS"),
        ("Departed", "RETURNS"),
        ("Delivered", "RETURNS"),
    ]
    assert payload["summary"] == {
        "status": "Delivered",
        "trackingDetailCodes": {"forward": ["AddressNotFound"], "returns": ["Signed"]},
    }
    assert not AmazonClient.is_delivered(body)


def test_partner_hand_over_sets_alternate_leg_tracking_id(client: TestClient, token: str) -> None:
    payload = track(client, NUMBERS["customs"], token).json()["payload"]
    assert payload["alternateLegTrackingId"] == "9400111206206406260787"
    assert payload["eventHistory"][-1]["eventCode"] == "Departed"
    assert payload["summary"]["status"] == "InTransit"


def test_without_alternate_leg_the_field_is_the_string_null(client: TestClient, token: str) -> None:
    assert track(client, NUMBERS["delivered"], token).json()["payload"]["alternateLegTrackingId"] == "null"


def test_lost_story_ends_lost(client: TestClient, token: str) -> None:
    payload = track(client, NUMBERS["lost"], token).json()["payload"]
    assert payload["eventHistory"][-1]["eventCode"] == "Lost"
    assert payload["summary"]["status"] == "Lost"


def test_lost_parcel_before_the_lost_scan_just_stops(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 8, tzinfo=UTC)
    payload = track(client, NUMBERS["lost"], token).json()["payload"]
    assert payload["summary"]["status"] == "InTransit"


def test_damage_exception_is_undeliverable_with_damaged(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["damaged"], token).json()["payload"]
    assert payload["eventHistory"][-1]["eventCode"] == "Undeliverable"
    assert payload["summary"] == {
        "status": "Undeliverable",
        "trackingDetailCodes": {"forward": ["Damaged"], "returns": []},
    }


def test_refusal_is_rejected(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 6, 19, 0, tzinfo=UTC)
    payload = track(client, NUMBERS["damaged"], token).json()["payload"]
    assert payload["summary"] == {
        "status": "Rejected",
        "trackingDetailCodes": {"forward": ["Rejected"], "returns": []},
    }


def test_business_id_header_is_accepted(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING,
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"x-amz-access-token": token, "x-amzn-shipping-business-id": "AmazonShipping_US"},
    )
    assert response.status_code == 200


def test_spec_example_carrier_id_is_accepted(client: TestClient, token: str) -> None:
    assert track(client, NUMBERS["delivered"], token, carrierId="AMZN_UK").status_code == 200


def test_client_helper_round_trip(client: TestClient) -> None:
    amazon = AmazonClient(client, "http://testserver")
    amazon.authenticate()
    response = amazon.track(NUMBERS["delivered"])
    amazon.validate(response)
    assert amazon.is_delivered(response.json())
    assert amazon.scan_count(response.json()) == 12
    missing = amazon.track("TBA000000000000")
    amazon.validate(missing)
    assert amazon.is_not_found(missing)


# --- unknown / invalid numbers and bad requests ---------------------------------------------------


def test_unknown_tracking_id_is_404_not_found(client: TestClient, token: str) -> None:
    response = track(client, "TBA000000000000", token)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
    assert response.headers["x-amzn-RateLimit-Limit"] == "80.0"
    assert_spec_ok(response)


def test_other_carriers_number_is_404_not_found(client: TestClient, token: str) -> None:
    response = track(client, UPS_NUMBER, token)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_malformed_tracking_id_is_400_invalid_request(client: TestClient, token: str) -> None:
    response = track(client, "TBA 3049-39575!", token)
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"code": "InvalidRequest", "message": INVALID_REQUEST, "details": "TrackingId is invalid"}]
    }
    assert_spec_ok(response)


def test_overlong_tracking_id_is_400_invalid_request(client: TestClient, token: str) -> None:
    response = track(client, "T" * 65, token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidRequest"


def test_missing_tracking_id_is_400(client: TestClient, token: str) -> None:
    response = client.get(TRACKING, params={"carrierId": "AMZN_US"}, headers={"x-amz-access-token": token})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidRequest",
                "message": INVALID_REQUEST,
                "details": "TrackingId is missing in the request",
            }
        ]
    }
    assert_spec_ok(response)


def test_missing_carrier_id_is_400_as_in_the_spec_example(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING, params={"trackingId": NUMBERS["delivered"]}, headers={"x-amz-access-token": token}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidRequest",
                "message": INVALID_REQUEST,
                "details": "CarrierId is missing in the request",
            }
        ]
    }
    assert response.headers["x-amzn-RateLimit-Limit"] == "80.0"


def test_wrong_carrier_id_is_400(client: TestClient, token: str) -> None:
    response = track(client, NUMBERS["delivered"], token, carrierId="UPS")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"code": "InvalidRequest", "message": INVALID_REQUEST, "details": "CarrierId UPS is invalid"}
        ]
    }
    assert_spec_ok(response)


def test_unknown_business_id_is_400(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING,
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"x-amz-access-token": token, "x-amzn-shipping-business-id": "AmazonShipping_XX"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidRequest"
    assert_spec_ok(response)


def test_path_junk_is_amazon_404(client: TestClient, token: str) -> None:
    response = client.get("/shipping/v2/trackingz", headers={"x-amz-access-token": token})
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY
    validate_schema("amazon", "ErrorList", response.json())


def test_trailing_slash_is_not_redirected(client: TestClient, token: str) -> None:
    response = client.get(
        TRACKING + "/",
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"x-amz-access-token": token},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_wrong_method_on_tracking_is_amazon_shaped_405(client: TestClient, token: str) -> None:
    response = client.post(TRACKING, headers={"x-amz-access-token": token})
    assert response.status_code == 405
    assert response.json() == {
        "errors": [{"code": "InvalidRequest", "message": "The requested method is not supported."}]
    }
    validate_schema("amazon", "ErrorList", response.json())


def test_wrong_method_on_token_endpoint_is_lwa_shaped_405(client: TestClient) -> None:
    response = client.get(TOKEN)
    assert response.status_code == 405
    assert response.json() == {
        "error_description": "The HTTP method is not supported",
        "error": "invalid_request",
    }


def test_huge_body_on_tracking_is_amazon_413(client: TestClient, token: str) -> None:
    response = client.request(
        "GET",
        TRACKING,
        params={"trackingId": NUMBERS["delivered"], "carrierId": "AMZN_US"},
        headers={"x-amz-access-token": token},
        content=b"x" * ((1 << 20) + 1),
    )
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {
                "code": "InvalidRequest",
                "message": "The request payload size is greater than maximum accepted size.",
            }
        ]
    }
    assert_spec_ok(response)


def test_huge_body_on_token_endpoint_is_lwa_413(client: TestClient) -> None:
    response = client.post(
        TOKEN, content=b"a" * ((1 << 20) + 1), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert response.json() == {"error_description": "The request is too large", "error": "invalid_request"}


def test_no_response_is_fastapi_default_or_500(client: TestClient, token: str) -> None:
    auth = {"x-amz-access-token": token}
    responses = [
        client.get("/"),
        client.get("/shipping"),
        client.get("/shipping/v2/shipments"),
        client.get(TRACKING, headers=auth),
        client.get(TRACKING, params={"trackingId": "", "carrierId": ""}, headers=auth),
        client.get(TRACKING, params={"trackingId": "\u00e9\u00e9", "carrierId": "AMZN_US"}, headers=auth),
        client.delete(TRACKING, headers=auth),
        client.put(TOKEN),
        client.post(TOKEN),
        client.post(
            TOKEN, content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"}
        ),
        client.post(TOKEN, content=b"[1, 2]", headers={"content-type": "application/json"}),
        client.post(TOKEN, content=b"null", headers={"content-type": "application/json"}),
        client.post(TOKEN, json={"grant_type": 5, "client_id": ["a"], "client_secret": {"x": 1}}),
        client.post(TOKEN, headers={"content-length": "abc"}),
        client.post(TOKEN + "/extra"),
    ]
    for response in responses:
        assert response.status_code < 500, response.text
        assert '"detail"' not in response.text
        assert response.headers["content-type"].startswith("application/json")


# --- determinism and code tables ------------------------------------------------------------------


def test_same_world_same_requests_give_identical_bytes() -> None:
    bodies = []
    for _ in range(2):
        client = client_for(make_ctx())
        token = get_token(client)
        bodies.append([track(client, n, token).content for n in NUMBERS.values()] + [token.encode()])
    assert bodies[0] == bodies[1]


def _spec_enum(name: str) -> set[str]:
    return set(load_spec("amazon")["definitions"][name]["enum"])


def test_every_event_code_maps_to_a_spec_event_code() -> None:
    assert set(codes.EVENT_CODES) == set(EventCode)
    assert set(codes.EVENT_CODES.values()) <= _spec_enum("EventCode")


def test_every_exception_reason_is_mapped_to_spec_codes() -> None:
    assert set(codes.REASONS) == set(ExceptionReason)
    for reason in ExceptionReason:
        mapped = codes.REASONS[reason]
        assert mapped.on_exception in _spec_enum("EventCode")
        assert mapped.on_attempt in _spec_enum("EventCode")
        assert mapped.detail is None or mapped.detail in _spec_enum("DetailCodes")
        assert mapped.note


def test_every_code_and_reason_combination_renders_spec_values() -> None:
    for code in EventCode:
        for reason in [None, *ExceptionReason]:
            assert codes.event_code(code, reason) in _spec_enum("EventCode")
            details = {"delivery_location": "front_door", "signed_by": "X"}
            assert set(codes.detail_codes(code, reason, details)) <= _spec_enum("DetailCodes")


def test_status_table_covers_every_spec_event_code() -> None:
    assert set(codes.STATUS_FOR_EVENT) == _spec_enum("EventCode")
    assert set(codes.STATUS_FOR_EVENT.values()) <= _spec_enum("Status")
    assert set(codes.AMAZON_EVENT_CODES) == _spec_enum("EventCode")
    assert set(codes.DELIVERY_LOCATION_CODES.values()) <= _spec_enum("DetailCodes")
