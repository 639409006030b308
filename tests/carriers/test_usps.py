"""Mock USPS APIs v3: OAuth token flow, Tracking v3 bodies (validated against USPS's spec), errors."""

from __future__ import annotations

import base64
import dataclasses
import random
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.carriers.usps import codes, create_carrier_app, errors, numbers, render, wire
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EventCode, ExceptionReason, Location, ParcelTruth
from sim.tracking_numbers import TrackingNumberFactory
from tests.carriers.client_usps import UspsClient
from tests.carriers.fakes import ADDRESS, DEST_STATION, FakeContext, story, truth_for
from tests.carriers.usps_spec import validate_tracking
from tests.spec_validation import validate_response, validate_schema

pytestmark = pytest.mark.unit

SPEC_PATH = "/tracking/{trackingNumber}"
TRACK = "/tracking/v3/tracking/"
TOKEN = "/oauth2/v3/token"

# Valid IMpb numbers (published test set, real check digits), one per story kind.
NUMBERS = {
    "delivered": "9400111206206406260787",
    "failed_then_locker": "9405803699300124287899",
    "returned": "9434611206206406227577",
    "customs": "9434611206206407667136",
    "lost": "9400111206206407628746",
    "damaged": "9400111206206407628845",
}
PARTNER_NUMBER = "9205590982952107001084"
UNKNOWN_VALID = "9400111206206406260794"  # well-formed, check digit right, never issued
BAD_CHECK_DIGIT = "9400111206206406260788"

FINAL_STATUS = {
    "delivered": ("Delivered, Front Door/Porch", "Delivered", "01"),
    "failed_then_locker": ("Delivered, Individual Picked Up at Postal Facility", "Delivered", "01"),
    # the item's status is the return, its last event USPS's "Delivered, To Original Sender" (01)
    "returned": ("Return to Sender", "Alert", "01"),
    "customs": ("USPS Handoff to Shipping Partner", "In Transit", "42"),
    "lost": ("Delivery Status Not Updated", "Alert", "DX"),
    "damaged": ("Delivery Attempted - No Access to Delivery Location", "Delivery Attempt", "30"),
}


def make_ctx(**kwargs: Any) -> FakeContext:
    parcels = {tn: story(tn, "usps", "ground", kind) for kind, tn in NUMBERS.items()}
    return FakeContext("usps", parcels=parcels, **kwargs)


def client_for(ctx: FakeContext) -> TestClient:
    return TestClient(create_carrier_app(ctx))


def get_token(client: TestClient, client_id: str = "app-1", secret: str = "s3cret") -> str:
    r = client.post(
        TOKEN, json={"client_id": client_id, "client_secret": secret, "grant_type": "client_credentials"}
    )
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def track(client: TestClient, number: str, token: str | None, **params: str) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(TRACK + number, params=params, headers=headers)


def assert_not_fastapi_default(response: Any) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert "detail" not in body, body


@pytest.fixture
def ctx() -> FakeContext:
    return make_ctx()


@pytest.fixture
def client(ctx: FakeContext) -> TestClient:
    return client_for(ctx)


@pytest.fixture
def token(client: TestClient) -> str:
    return get_token(client)


# --- OAuth ---------------------------------------------------------------------------------------


def test_token_json_body_returns_usps_token(client: TestClient) -> None:
    r = client.post(
        TOKEN, json={"client_id": "app-1", "client_secret": "s3cret", "grant_type": "client_credentials"}
    )
    assert r.status_code == 200
    body = r.json()
    assert list(body) == [
        "access_token",
        "token_type",
        "issued_at",
        "expires_in",
        "status",
        "scope",
        "issuer",
        "client_id",
        "application_name",
        "api_products",
        "public_key",
    ]
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 28799 and isinstance(body["expires_in"], int)
    assert isinstance(body["issued_at"], int) and body["issued_at"] > 10**12  # epoch milliseconds
    assert body["status"] == "approved"
    assert "tracking" in body["scope"].split()
    assert body["client_id"] == "app-1"
    assert r.headers["cache-control"] == "no-store"


def test_token_form_body_accepted(client: TestClient) -> None:
    r = client.post(
        TOKEN, data={"client_id": "app-1", "client_secret": "s3cret", "grant_type": "client_credentials"}
    )
    assert r.status_code == 200
    assert r.json()["token_type"] == "Bearer"


def test_token_http_basic_credentials_accepted(client: TestClient) -> None:
    basic = base64.b64encode(b"app-1:s3cret").decode()
    r = client.post(
        TOKEN, data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert r.status_code == 200
    assert r.json()["client_id"] == "app-1"


def test_token_wrong_secret_rejected_with_usps_body() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"usps": {"app-1": "right"}}))
    r = client_for(ctx).post(
        TOKEN, json={"client_id": "app-1", "client_secret": "wrong", "grant_type": "client_credentials"}
    )
    assert r.status_code == 401
    assert r.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed.",
        "error_uri": "https://datatracker.ietf.org/doc/html/rfc6749#page-45",
    }


def test_token_listed_credentials_accepted() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"usps": {"app-1": "right"}}))
    assert get_token(client_for(ctx), "app-1", "right")


def test_token_missing_client_id_is_invalid_request(client: TestClient) -> None:
    r = client.post(TOKEN, json={"client_secret": "s3cret", "grant_type": "client_credentials"})
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_request",
        "error_description": "Missing parameter: client_id",
        "error_uri": errors.OAUTH_ERROR_URI,
    }


def test_token_missing_grant_type_is_invalid_request(client: TestClient) -> None:
    r = client.post(TOKEN, json={"client_id": "app-1", "client_secret": "s3cret"})
    assert r.status_code == 400
    assert r.json()["error"] == "invalid_request"


def test_token_unsupported_grant_type(client: TestClient) -> None:
    r = client.post(TOKEN, json={"client_id": "a", "client_secret": "b", "grant_type": "password"})
    assert r.status_code == 400
    assert r.json()["error"] == "unsupported_grant_type"


def test_token_malformed_json_is_invalid_request(client: TestClient) -> None:
    r = client.post(TOKEN, content=b'{"client_id": "a",', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_request",
        "error_description": "The request body is not valid JSON.",
        "error_uri": errors.OAUTH_ERROR_URI,
    }


# --- bearer token on tracking --------------------------------------------------------------------


def test_tracking_without_token_is_401(client: TestClient) -> None:
    r = track(client, NUMBERS["delivered"], None, expand="DETAIL")
    assert r.status_code == 401
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {"code": "401", "message": errors.MSG_MISSING_TOKEN, "errors": []},
    }
    assert r.headers["www-authenticate"].startswith("Bearer realm=")
    validate_response("usps", SPEC_PATH, "get", 401, r.json())


def test_tracking_with_unknown_token_is_401(client: TestClient) -> None:
    r = track(client, NUMBERS["delivered"], "not-a-token", expand="DETAIL")
    assert r.status_code == 401
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {"code": "401", "message": "The client application identifier is invalid.", "errors": []},
    }
    validate_response("usps", SPEC_PATH, "get", 401, r.json())


def test_tracking_with_expired_token_is_401() -> None:
    fake_time = [1_800_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    token = get_token(client)
    fake_time[0] += 28798
    assert track(client, NUMBERS["delivered"], token, expand="DETAIL").status_code == 200
    fake_time[0] += 1
    r = track(client, NUMBERS["delivered"], token, expand="DETAIL")
    assert r.status_code == 401
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {"code": "401", "message": errors.MSG_EXPIRED_TOKEN, "errors": []},
    }
    assert 'error="invalid_token"' in r.headers["www-authenticate"]
    validate_response("usps", SPEC_PATH, "get", 401, r.json())


def test_refreshed_token_works_after_expiry() -> None:
    fake_time = [1_800_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    old = get_token(client)
    fake_time[0] += 28800
    assert track(client, NUMBERS["delivered"], old, expand="DETAIL").status_code == 401
    assert track(client, NUMBERS["delivered"], get_token(client), expand="DETAIL").status_code == 200


# --- tracking bodies -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_each_story_renders_spec_valid_detail(client: TestClient, token: str, kind: str) -> None:
    r = track(client, NUMBERS[kind], token, expand="DETAIL")
    assert r.status_code == 200
    body = r.json()
    validate_tracking(body)
    status, category, code = FINAL_STATUS[kind]
    assert (body["status"], body["statusCategory"], body["trackingEvents"][0]["eventCode"]) == (
        status,
        category,
        code,
    )
    assert body["trackingNumber"] == NUMBERS[kind]
    if kind == "returned":
        assert body["trackingEvents"][0]["eventType"] == "Delivered, To Original Sender"
    assert len(body["trackingEvents"]) == len(story(NUMBERS[kind], "usps", "ground", kind))


def test_delivered_story_ends_delivered(client: TestClient, token: str) -> None:
    body = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    assert body["statusCategory"] == "Delivered"
    assert body["trackingEvents"][0]["eventType"] == "Delivered, Front Door/Porch"
    assert body["trackingEvents"][0]["name"] == "DOE"
    assert body["statusSummary"] == (
        "Your item was delivered at the front door or porch at 12:10 pm on "
        "November 6, 2026 in CHICAGO, IL 60614."
    )
    assert "expectedDeliveryDate" not in body
    assert body["proofOfDeliveryEnabled"] == "true"  # production's string, not a JSON boolean


def test_events_are_newest_first(client: TestClient, token: str) -> None:
    events = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()["trackingEvents"]
    gmt = [e["GMTTimestamp"] for e in events]
    assert gmt == sorted(gmt, reverse=True)
    assert events[-1]["eventCode"] == "GX"


def test_timestamps_local_without_offset_plus_gmt(client: TestClient, token: str) -> None:
    events = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()["trackingEvents"]
    label = events[-1]
    assert label["eventTimestamp"] == "2026-11-02T09:15:00"
    assert label["GMTTimestamp"] == "2026-11-02T14:15:00Z"
    assert label["GMTOffset"] == "-05:00"
    delivered = events[0]
    assert (delivered["eventTimestamp"], delivered["GMTOffset"]) == ("2026-11-06T12:10:00", "-06:00")
    for e in events:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00", e["eventTimestamp"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["GMTTimestamp"])


def test_event_locations_follow_usps_style(client: TestClient, token: str) -> None:
    events = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()["trackingEvents"]
    by_code = {e["eventCode"]: e for e in events}
    assert (by_code["07"]["eventCity"], by_code["07"]["eventState"], by_code["07"]["eventZIP"]) == (
        "CHICAGO",
        "IL",
        "60608",
    )
    assert by_code["A1"]["eventCity"] == "LOUISVILLE KY DISTRIBUTION CENTER"
    assert by_code["A1"]["eventState"] is None  # production's null
    for network_only in ("TL", "NT"):  # no place at all: every location key null, as production
        event = by_code[network_only]
        assert [event[k] for k in ("eventCountry", "eventCity", "eventState", "eventZIP")] == [None] * 4
    # every event carries every key, in production's order (karrio's captured body, Nov 2024)
    assert all(tuple(e) == wire.EVENT_KEYS for e in events)
    assert all(e["authorizedAgent"] == "false" and e["additionalProp"] is None for e in events)


def test_summary_is_default_and_spec_valid(client: TestClient, token: str) -> None:
    r = track(client, NUMBERS["delivered"], token)
    assert r.status_code == 200
    body = r.json()
    validate_tracking(body)
    assert body == {
        "TrackResults": {
            "RequestSeqNumber": None,
            "TrackInfo": {
                "@ID": NUMBERS["delivered"],
                "TrackSummary": "Your item was delivered at the front door or porch at 12:10 pm "
                "on November 6, 2026 in CHICAGO, IL 60614.",
            },
        }
    }


def test_expand_is_case_insensitive(client: TestClient, token: str) -> None:
    r = track(client, NUMBERS["delivered"], token, expand="detail")
    assert r.status_code == 200 and "trackingEvents" in r.json()


def test_clock_moves_show_more_events(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    first = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    validate_tracking(first)
    assert [e["eventCode"] for e in first["trackingEvents"]] == ["GX"]
    assert first["statusCategory"] == "Pre-Shipment"
    ctx.clock = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    later = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    validate_tracking(later)
    assert len(later["trackingEvents"]) > 1
    assert later["trackingEvents"][-1] == first["trackingEvents"][0]


def test_expected_delivery_comes_from_latest_event(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    early = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    assert early["expectedDeliveryDate"] == "2026-11-05"
    assert (early["predictedDeliveryWindowStartTime"], early["predictedDeliveryWindowEndTime"]) == (
        "09:00:00",
        "19:00:00",
    )
    ctx.clock = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)  # weather delay seen, out for delivery
    late = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    assert late["statusCategory"] == "Out for Delivery"
    assert late["expectedDeliveryDate"] == "2026-11-06"
    assert "predictedDeliveryWindowStartTime" not in late
    assert late["onTime"] == "false"
    # a bare date is "by the end of that day": read as UTC it is still the 6th in every US zone
    assert late["expectedDeliveryTimeStamp"] == "2026-11-06T23:59:59Z"
    stamp = datetime.fromisoformat(late["expectedDeliveryTimeStamp"])
    assert stamp.astimezone(ZoneInfo("Pacific/Honolulu")).date().isoformat() == "2026-11-06"


def test_number_with_spaces_and_lowercase_is_normalized(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.parcels["RB123456785US"] = story("RB123456785US", "usps", "international", "delivered")
    r = track(client, "rb 1234 5678 5us", token, expand="DETAIL")
    assert r.status_code == 200
    assert r.json()["trackingNumber"] == "RB123456785US"


def test_partner_last_mile_leg_renders_as_parcel_select() -> None:
    full = story(PARTNER_NUMBER, "usps", "economy", "delivered")
    from_handover = [
        e
        for e in full
        if e.code in (EventCode.ARRIVED_AT_DELIVERY_STATION, EventCode.OUT_FOR_DELIVERY, EventCode.DELIVERED)
    ]
    label = dataclasses.replace(from_handover[0], code=EventCode.LABEL_CREATED)
    events = [dataclasses.replace(e, seq=i + 1) for i, e in enumerate([label, *from_handover])]
    truth = dataclasses.replace(truth_for(full), carrier="fedex", tracking_number="612345678901")
    view = ParcelView(PARTNER_NUMBER, "usps", "economy", events, truth)
    body = render.render_detail(view, PARTNER_NUMBER)
    validate_tracking(body)
    assert body["mailClass"] == "Parcel Select<SUP>&#174;</SUP>"
    assert (body["originCity"], body["originZIP"]) == ("CHICAGO", "60608")  # the hand-over point
    assert [e["eventCode"] for e in body["trackingEvents"]] == ["01", "OF", "07", "GX"]
    assert body["serviceTypeCode"] == "055"  # read from the IMpb number


def test_foreign_scan_names_the_country() -> None:
    events = story("RB123456785US", "usps", "international", "delivered")
    berlin = Location("dpag-ber", "sort_hub", "Berlin Hub", "Berlin", "BE", "10115", "DE", 52.5, 13.4)
    events[2] = dataclasses.replace(events[2], location=berlin)
    fields = render.event_location(events[2])
    assert fields == {"eventCountry": "GERMANY", "eventCity": "BERLIN"}


# --- not found / invalid -------------------------------------------------------------------------


def test_label_without_visible_scans_is_404_150006(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # label exists, first scan not uploaded yet
    r = track(client, NUMBERS["delivered"], token, expand="DETAIL")
    assert r.status_code == 404
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {
            "code": "404",
            "message": "",
            "errors": [{"title": "", "detail": errors.MSG_150006, "status": "404", "code": "150006"}],
        },
    }
    validate_response("usps", SPEC_PATH, "get", 404, r.json())


def test_unknown_usps_number_is_404(client: TestClient, token: str) -> None:
    r = track(client, UNKNOWN_VALID, token, expand="DETAIL")
    assert r.status_code == 404
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {
            "code": "404",
            "message": "",
            "errors": [{"title": "", "detail": errors.MSG_NOT_AVAILABLE, "status": "404", "code": "150002"}],
        },
    }
    validate_response("usps", SPEC_PATH, "get", 404, r.json())


@pytest.mark.parametrize("number", [BAD_CHECK_DIGIT, "12345", "NOT-A-NUMBER", "9" * 45])
def test_invalid_number_is_400_150002(client: TestClient, token: str, number: str) -> None:
    r = track(client, number, token, expand="DETAIL")
    assert r.status_code == 400
    assert r.json() == {
        "apiVersion": "/tracking/v3",
        "error": {
            "code": "400",
            "message": "",
            "errors": [
                {
                    "title": "BAD_REQUEST",
                    "detail": errors.MSG_150002,
                    "status": "400",
                    "code": "150002",
                    "source": {"parameter": "trackingNumber", "example": "9400111206206406260787"},
                }
            ],
        },
    }
    validate_response("usps", SPEC_PATH, "get", 400, r.json())


@pytest.mark.parametrize("number", ["1Z12345E0205271688", "TBA123456789012", "123456789012"])
def test_other_carriers_number_is_400_150010(client: TestClient, token: str, number: str) -> None:
    r = track(client, number, token, expand="DETAIL")
    assert r.status_code == 400
    err = r.json()["error"]["errors"][0]
    assert (err["code"], err["detail"]) == ("150010", errors.MSG_150010)
    validate_response("usps", SPEC_PATH, "get", 400, r.json())


@pytest.mark.parametrize("service", ["same_day", "next_day", "two_day", "ground", "economy", "international"])
def test_sandbox_minted_numbers_are_well_formed_usps_numbers(service: str) -> None:
    number = TrackingNumberFactory(random.Random(7)).usps(service)
    assert numbers.classify(number) == "usps"


def test_unissued_sandbox_number_is_404_not_400(client: TestClient, token: str) -> None:
    number = TrackingNumberFactory(random.Random(7)).usps("ground")
    assert track(client, number, token, expand="DETAIL").status_code == 404


def test_other_carriers_parcel_is_not_shown() -> None:
    ups_tn = "1Z12345E0205271688"
    ctx = FakeContext("usps", parcels={ups_tn: story(ups_tn, "ups", "ground", "delivered")})
    client = client_for(ctx)
    assert track(client, ups_tn, get_token(client), expand="DETAIL").status_code == 400


# --- bad requests ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"expand": "FULL"}, "expand"),
        ({"expand": "DETAIL", "destinationZIPCode": "6061"}, "destinationZIPCode"),
        ({"expand": "DETAIL", "mailingDate": "yesterday"}, "mailingDate"),
    ],
)
def test_bad_query_parameter_is_400(
    client: TestClient, token: str, params: dict[str, str], parameter: str
) -> None:
    r = track(client, NUMBERS["delivered"], token, **params)
    assert r.status_code == 400
    body = r.json()
    assert body["error"]["code"] == "400"
    assert body["error"]["errors"][0]["source"]["parameter"] == parameter
    validate_response("usps", SPEC_PATH, "get", 400, body)


def test_valid_optional_parameters_accepted(client: TestClient, token: str) -> None:
    r = track(
        client,
        NUMBERS["delivered"],
        token,
        expand="DETAIL",
        destinationZIPCode="60614",
        mailingDate="2026-11-02",
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/tracking/v3/nope",
        "/tracking/v3/tracking/",
        "/",
        "/tracking/v2/tracking/1",
        TRACK + NUMBERS["delivered"] + "/",
    ],
)
def test_path_junk_is_usps_404(client: TestClient, token: str, path: str) -> None:
    r = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 404
    body = r.json()
    assert body["apiVersion"] == "/tracking/v3"
    assert body["error"]["code"] == "404" and body["error"]["message"] == "NOT_FOUND"
    validate_schema("usps", "ErrorMessage", body)


def test_wrong_method_on_tracking_is_usps_405(client: TestClient, token: str) -> None:
    r = client.post(TRACK + NUMBERS["delivered"], headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 405
    assert r.json()["error"] == {
        "code": "405",
        "message": "METHOD_NOT_ALLOWED",
        "errors": [
            {"title": "METHOD_NOT_ALLOWED", "detail": "Method not allowed.", "status": "405", "code": "405"}
        ],
    }


def test_wrong_method_on_token_is_405(client: TestClient) -> None:
    r = client.get(TOKEN)
    assert r.status_code == 405
    assert r.json()["apiVersion"] == "/oauth2/v3"


def test_huge_body_is_413(client: TestClient) -> None:
    r = client.post(TOKEN, content=b"x" * ((1 << 20) + 1), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    body = r.json()
    assert body["error"]["code"] == "413"
    validate_schema("usps", "ErrorMessage", body)


def test_no_request_gets_fastapi_default_or_500(client: TestClient, token: str) -> None:
    auth = {"Authorization": f"Bearer {token}"}
    responses = [
        client.get("/nope"),
        client.put(TOKEN),
        client.delete(TRACK + NUMBERS["delivered"], headers=auth),
        client.post(
            TOKEN, content=b"\xff\xfe", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        client.post(TOKEN, content=b"[1, 2]", headers={"Content-Type": "application/json"}),
        client.post(TOKEN, content=b"{", headers={"Content-Type": "application/json"}),
        client.post(TOKEN, content=b"x" * ((1 << 20) + 10)),
        client.get(TRACK + "%00", headers=auth),
        client.get(TRACK + "a" * 2000, headers=auth),
        track(client, NUMBERS["delivered"], token, expand=""),
        client.get(TRACK + NUMBERS["delivered"], headers={"Authorization": "Basic Zm9vOmJhcg=="}),
    ]
    for r in responses:
        assert_not_fastapi_default(r)


def test_mounted_under_prefix_keeps_usps_shapes(ctx: FakeContext) -> None:
    root = FastAPI()
    root.mount("/usps", create_carrier_app(ctx))
    client = TestClient(root)
    token = get_token_at(client, "/usps")
    ok = client.get(
        "/usps" + TRACK + NUMBERS["delivered"],
        params={"expand": "DETAIL"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 200
    bad = client.post("/usps" + TOKEN, content=b"{", headers={"Content-Type": "application/json"})
    assert bad.json()["error"] == "invalid_request"
    junk = client.get("/usps/oauth2/v3/nope")
    assert (junk.status_code, junk.json()["apiVersion"]) == (404, "/oauth2/v3")


def get_token_at(client: TestClient, prefix: str) -> str:
    r = client.post(
        prefix + TOKEN, json={"client_id": "a", "client_secret": "b", "grant_type": "client_credentials"}
    )
    return r.json()["access_token"]


# --- determinism and code tables -----------------------------------------------------------------------


def test_two_apps_give_byte_identical_tracking_bodies() -> None:
    bodies = []
    for _ in range(2):
        client = client_for(make_ctx())
        token = get_token(client)
        run = [
            track(client, tn, token, expand=expand).content
            for tn in NUMBERS.values()
            for expand in ("DETAIL", "SUMMARY")
        ]
        run.append(track(client, UNKNOWN_VALID, token, expand="DETAIL").content)
        bodies.append(run)
    assert bodies[0] == bodies[1]


def test_every_event_code_is_mapped() -> None:
    assert set(codes.EVENT_CODES) == set(EventCode)
    base = story(NUMBERS["delivered"], "usps")[0]
    for code in EventCode:
        mapped = codes.usps_event(dataclasses.replace(base, code=code))
        assert mapped.code and mapped.text and mapped.category in KNOWN_CATEGORIES, code


def test_every_exception_reason_is_mapped() -> None:
    assert set(codes.REASON_CODES) == set(ExceptionReason)
    base = story(NUMBERS["delivered"], "usps")[0]
    for reason in ExceptionReason:
        for code in (EventCode.EXCEPTION, EventCode.DELIVERY_ATTEMPTED):
            mapped = codes.usps_event(dataclasses.replace(base, code=code, reason=reason))
            assert mapped == codes.REASON_CODES[reason]
            assert mapped.code and mapped.text and mapped.category in KNOWN_CATEGORIES


def test_delivered_variants_follow_delivery_location() -> None:
    base = dataclasses.replace(
        story(NUMBERS["delivered"], "usps")[0], code=EventCode.DELIVERED, location=ADDRESS
    )
    for where, text in codes.DELIVERED_AT.items():
        assert codes.usps_event(dataclasses.replace(base, details={"delivery_location": where})).text == text
    departed = dataclasses.replace(base, code=EventCode.DEPARTED_FACILITY, location=DEST_STATION)
    assert codes.usps_event(departed).code == "SF"


KNOWN_CATEGORIES = {
    codes.PRE_SHIPMENT,
    codes.ACCEPTED,
    codes.IN_TRANSIT,
    codes.OUT_FOR_DELIVERY,
    codes.DELIVERY_ATTEMPT,
    codes.DELIVERED,
    codes.AVAILABLE_FOR_PICKUP,
    codes.ALERT,
}


# --- the client helper the live-server tests use ----------------------------------------------------


def test_client_helper_round_trip(ctx: FakeContext, client: TestClient) -> None:
    usps = UspsClient(client, "http://testserver")
    usps.authenticate()
    delivered = usps.track(NUMBERS["delivered"])
    usps.validate(delivered)
    assert UspsClient.is_delivered(delivered.json())
    assert UspsClient.scan_count(delivered.json()) == len(ctx.parcels[NUMBERS["delivered"]])
    returned = usps.track(NUMBERS["returned"]).json()
    assert not UspsClient.is_delivered(returned)
    for number in (UNKNOWN_VALID, BAD_CHECK_DIGIT, "1Z12345E0205271688"):
        missing = usps.track(number)
        usps.validate(missing)
        assert UspsClient.is_not_found(missing)
    assert not UspsClient.is_not_found(delivered)


def test_truth_is_only_used_for_addresses(ctx: FakeContext, client: TestClient, token: str) -> None:
    body = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    truth: ParcelTruth = truth_for(ctx.parcels[NUMBERS["delivered"]])
    assert (body["originCity"], body["originZIP"]) == (
        truth.origin["city"].upper(),
        truth.origin["postal_code"],
    )
    assert (body["destinationCity"], body["destinationState"], body["destinationZIP"]) == (
        "CHICAGO",
        "IL",
        "60614",
    )
    assert body["mailType"] == "DM"


def test_detail_follows_production_value_styles(client: TestClient, token: str) -> None:
    """Issue 14 item 1: production's shapes where it differs from the spec (usps/FIDELITY.md)."""
    body = track(client, NUMBERS["delivered"], token, expand="DETAIL").json()
    flags = ("emailEnabled", "kahalaIndicator", "proofOfDeliveryEnabled", "restoreEnabled", "RRAMEnabled")
    assert all(body[k] in ("true", "false") for k in flags)
    assert body["mailClass"] == "USPS Ground Advantage<SUP>&#153;</SUP>" and body["mailType"] == "DM"
    assert re.fullmatch(r"\d{9}", body["uniqueMailPieceID"]) and "uniqueMailPieceId" not in body
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00", e["eventTimestamp"]) for e in body["trackingEvents"]
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000", body["mailPieceIntakeDate"])
