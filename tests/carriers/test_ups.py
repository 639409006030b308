"""Mock UPS: OAuth client credentials + Track API details, checked against UPS's published specs."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.carriers.ups import codes, create_carrier_app
from mock_carriers.carriers.ups import package as ups_package
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EventCode, ExceptionReason
from tests.carriers.client_ups import UpsClient
from tests.carriers.fakes import FakeContext, story, truth_for
from tests.spec_validation import SPECS_DIR, validate_response, validate_schema

pytestmark = pytest.mark.unit

TRACK = "/track/v1/details/{inquiryNumber}"  # spec path (the spec's server base ends in /api)
TOKEN = "/security/v1/oauth/token"

# Real-format 1Z numbers with valid check digits (UPS's legacy CIE test numbers and the Postman one).
NUMBERS = {
    "delivered": "1Z12345E0205271688",
    "failed_then_locker": "1Z12345E6605272234",
    "returned": "1Z12345E0305271640",
    "customs": "1Z12345E1305277940",
    "lost": "1Z12345E6205277936",
    "damaged": "1Z1442YY7229014688",
}
UNKNOWN = "1Z12345E1505270452"
START = 1_790_000_000.0


def make_ctx(**kwargs: Any) -> FakeContext:
    ctx = FakeContext("ups", **kwargs)
    for kind, number in NUMBERS.items():
        ctx.parcels[number] = story(number, "ups", "ground", kind)
    return ctx


@pytest.fixture
def fake_time() -> list[float]:
    return [START]


@pytest.fixture
def ctx(fake_time: list[float]) -> FakeContext:
    return make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))


@pytest.fixture
def client(ctx: FakeContext) -> TestClient:
    return TestClient(create_carrier_app(ctx))


def get_token(client: TestClient, user: str = "acme-client", secret: str = "acme-secret") -> str:
    r = client.post(TOKEN, auth=(user, secret), data={"grant_type": "client_credentials"})
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "transId": "req-0001", "transactionSrc": "testing"}


def track(client: TestClient, number: str, token: str | None = None, **params: str) -> Any:
    token = token or get_token(client)
    return client.get(f"/api/track/v1/details/{number}", headers=headers(token), params=params)


def ok_body(client: TestClient, number: str, **params: str) -> dict[str, Any]:
    r = track(client, number, **params)
    assert r.status_code == 200, r.text
    body = r.json()
    validate_response("ups", TRACK, "get", 200, body)
    return body


def package(body: dict[str, Any]) -> dict[str, Any]:
    return body["trackResponse"]["shipment"][0]["package"][0]


def error(code: str, message: str) -> dict[str, Any]:
    return {"response": {"errors": [{"code": code, "message": message}]}}


# --- OAuth -------------------------------------------------------------------------------------


def test_token_body_has_ups_fields_all_strings(client: TestClient) -> None:
    r = client.post(TOKEN, auth=("acme-client", "acme-secret"), data={"grant_type": "client_credentials"})
    assert r.status_code == 200
    body = r.json()
    validate_response("ups_oauth", TOKEN, "post", 200, body)
    assert list(body) == [
        "token_type",
        "issued_at",
        "client_id",
        "access_token",
        "scope",
        "expires_in",
        "refresh_count",
        "status",
    ]
    assert all(isinstance(v, str) for v in body.values())
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == "14399"
    assert body["client_id"] == "acme-client"
    assert body["status"] == "approved"


def test_token_issued_at_is_epoch_milliseconds(client: TestClient) -> None:
    body = client.post(TOKEN, auth=("a", "b"), data={"grant_type": "client_credentials"}).json()
    assert body["issued_at"] == str(int(START * 1000))


def test_token_wrong_secret_rejected_when_credentials_are_listed(fake_time: list[float]) -> None:
    ctx = make_ctx(
        tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]),
        credentials=CredentialPolicy(allowed={"ups": {"acme-client": "acme-secret"}}),
    )
    client = TestClient(create_carrier_app(ctx))
    r = client.post(TOKEN, auth=("acme-client", "wrong"), data={"grant_type": "client_credentials"})
    assert r.status_code == 401
    assert r.json() == error("10401", "ClientId is Invalid")
    validate_response("ups_oauth", TOKEN, "post", 401, r.json())
    assert get_token(client, "acme-client", "acme-secret")


def test_token_without_basic_auth_is_401(client: TestClient) -> None:
    r = client.post(TOKEN, data={"grant_type": "client_credentials"})
    assert r.status_code == 401
    assert r.json() == error("10401", "Invalid/Missing Authorization Header")
    validate_response("ups_oauth", TOKEN, "post", 401, r.json())


def test_token_needs_client_credentials_grant(client: TestClient) -> None:
    r = client.post(TOKEN, auth=("a", "b"), data={"grant_type": "password"})
    assert r.status_code == 400
    assert r.json() == error("10400", "Invalid/Missing grant_type")
    validate_response("ups_oauth", TOKEN, "post", 400, r.json())


def test_token_with_malformed_json_body_is_400(client: TestClient) -> None:
    r = client.post(
        TOKEN,
        auth=("a", "b"),
        content=b'{"grant_type": "client_cred',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json() == error("10400", "Invalid/Missing grant_type")


def test_token_endpoint_rejects_get_with_ups_405(client: TestClient) -> None:
    r = client.get(TOKEN)
    assert r.status_code == 405
    assert r.json() == error("405", "Method Not Allowed.")


# --- Bearer on Track ----------------------------------------------------------------------------


def test_track_without_token_is_401_uj0001(client: TestClient) -> None:
    r = client.get(
        f"/api/track/v1/details/{NUMBERS['delivered']}", headers={"transId": "t", "transactionSrc": "testing"}
    )
    assert r.status_code == 401
    assert r.json() == error("UJ0001", "Invalid token or token is not present")
    validate_schema("ups", "Response", r.json())


def test_track_with_unknown_token_is_401_250002(client: TestClient) -> None:
    r = track(client, NUMBERS["delivered"], token="not-a-token")
    assert r.status_code == 401
    assert r.json() == error("250002", "Invalid Authentication Information.")
    validate_schema("ups", "Response", r.json())


def test_track_with_expired_token_is_401_251004(client: TestClient, fake_time: list[float]) -> None:
    token = get_token(client)
    fake_time[0] += 14399
    r = track(client, NUMBERS["delivered"], token=token)
    assert r.status_code == 401
    assert r.json() == error("251004", "Bearer Token expired (oauth)")


def test_token_still_works_one_second_before_expiry(client: TestClient, fake_time: list[float]) -> None:
    token = get_token(client)
    fake_time[0] += 14398
    assert track(client, NUMBERS["delivered"], token=token).status_code == 200


# --- Required headers ---------------------------------------------------------------------------


def test_missing_trans_id_is_400(client: TestClient) -> None:
    token = get_token(client)
    r = client.get(
        f"/api/track/v1/details/{NUMBERS['delivered']}",
        headers={"Authorization": f"Bearer {token}", "transactionSrc": "testing"},
    )
    assert r.status_code == 400
    assert r.json() == error("VSS002", "Missing transId")
    validate_response("ups", TRACK, "get", 400, r.json())


def test_missing_transaction_src_is_400(client: TestClient) -> None:
    token = get_token(client)
    r = client.get(
        f"/api/track/v1/details/{NUMBERS['delivered']}",
        headers={"Authorization": f"Bearer {token}", "transId": "t-1"},
    )
    assert r.status_code == 400
    assert r.json() == error("VSS004", "Missing transactionSrc")


def test_header_names_are_case_insensitive_and_echoed(client: TestClient) -> None:
    token = get_token(client)
    r = client.get(
        f"/api/track/v1/details/{NUMBERS['delivered']}",
        headers={"AUTHORIZATION": f"bearer {token}", "TRANSID": "abc-123", "TransactionSRC": "shop"},
    )
    assert r.status_code == 200
    assert r.headers["transId"] == "abc-123"
    assert r.headers["transactionSrc"] == "shop"


# --- Tracking the canonical stories -------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_every_story_validates_and_shows_every_visible_event(
    client: TestClient, ctx: FakeContext, kind: str
) -> None:
    number = NUMBERS[kind]
    body = ok_body(client, number, returnMilestones="true")
    shipment = body["trackResponse"]["shipment"][0]
    assert shipment["inquiryNumber"] == number
    assert package(body)["trackingNumber"] == number
    visible = [e for e in ctx.parcels[number] if datetime.fromisoformat(e.visible_at) <= ctx.clock]
    assert len(package(body)["activity"]) == len(visible)
    assert package(body)["packageCount"] == 1


def test_delivered_story_ends_with_ups_delivered_status(client: TestClient) -> None:
    pkg = package(ok_body(client, NUMBERS["delivered"]))
    assert pkg["activity"][0]["status"] == {
        "type": "D",
        "description": "DELIVERED ",
        "code": "FS",
        "statusCode": "011",
    }
    assert pkg["currentStatus"] == {"description": "Delivered", "code": "011"}
    assert pkg["deliveryDate"] == [{"type": "DEL", "date": "20261106"}]
    assert pkg["deliveryTime"] == {"type": "DEL", "endTime": "121000"}
    assert pkg["deliveryInformation"] == {"location": "Front Door", "receivedBy": "DOE"}


def test_activity_is_newest_first(client: TestClient) -> None:
    activity = package(ok_body(client, NUMBERS["delivered"]))["activity"]
    stamps = [a["gmtDate"] + a["gmtTime"] for a in activity]
    assert stamps == sorted(stamps, reverse=True)
    assert activity[-1]["status"]["code"] == "MP"


def test_times_are_local_with_gmt_fields(client: TestClient) -> None:
    activity = package(ok_body(client, NUMBERS["delivered"]))["activity"]
    destination_scan = next(a for a in activity if a["status"]["code"] == "DS")
    # 23:30 in Chicago (-06:00) is 05:30 GMT the next day.
    assert {k: destination_scan[k] for k in ("date", "time", "gmtDate", "gmtTime", "gmtOffset")} == {
        "date": "20261105",
        "time": "233000",
        "gmtDate": "20261106",
        "gmtTime": "05:30:00",
        "gmtOffset": "-06:00",
    }
    pickup = next(a for a in activity if a["status"]["code"] == "PU")
    assert (pickup["date"], pickup["time"], pickup["gmtOffset"]) == ("20261102", "171500", "-05:00")


def test_location_comes_from_the_scan_place(client: TestClient) -> None:
    activity = package(ok_body(client, NUMBERS["delivered"]))["activity"]
    arrival = next(a for a in activity if a["status"]["code"] == "AR")
    # upper case, like packageAddress and UPS's own bodies (issue 14 item 8)
    assert arrival["location"]["address"] == {
        "city": "LOUISVILLE",
        "stateProvince": "KY",
        "postalCode": "40209",
        "countryCode": "US",
        "country": "US",
    }
    assert len(arrival["location"]["slic"]) == 4


def test_label_created_shows_country_only_like_ups(client: TestClient) -> None:
    label = package(ok_body(client, NUMBERS["delivered"]))["activity"][-1]
    assert label["location"] == {"address": {"countryCode": "US", "country": "US"}}
    assert label["status"] == {
        "type": "M",
        "code": "MP",
        "statusCode": "003",
        "description": "Shipper created a label, UPS has not received the package yet. ",
    }


def test_more_events_appear_as_the_clock_moves(client: TestClient, ctx: FakeContext) -> None:
    ctx.clock = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)
    early = len(package(ok_body(client, NUMBERS["delivered"]))["activity"])
    ctx.clock = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)
    later = len(package(ok_body(client, NUMBERS["delivered"]))["activity"])
    assert 0 < early < later


def test_before_the_first_scan_is_visible_ups_has_nothing(client: TestClient, ctx: FakeContext) -> None:
    ctx.clock = datetime(2026, 11, 1, tzinfo=UTC)
    body = ok_body(client, NUMBERS["delivered"])
    assert body["trackResponse"]["shipment"][0]["warnings"] == [
        {"code": "TW0001", "message": "Tracking Information Not Found"}
    ]


def test_estimate_is_scheduled_with_window_before_any_delay(client: TestClient, ctx: FakeContext) -> None:
    ctx.clock = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
    pkg = package(ok_body(client, NUMBERS["delivered"]))
    assert pkg["deliveryDate"] == [{"type": "SDD", "date": "20261105"}]
    assert pkg["deliveryTime"] == {"type": "EDW", "startTime": "090000", "endTime": "190000"}
    assert pkg["currentStatus"] == {"description": "On the Way", "code": "005"}


def test_estimate_is_rescheduled_after_the_weather_delay(client: TestClient, ctx: FakeContext) -> None:
    ctx.clock = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    pkg = package(ok_body(client, NUMBERS["delivered"]))
    assert pkg["activity"][0]["status"]["code"] == "2A"
    assert pkg["activity"][0]["status"]["type"] == "X"
    assert pkg["deliveryDate"] == [{"type": "RDD", "date": "20261106"}]
    assert pkg["deliveryTime"] == {"type": "EOD"}


def test_failed_attempt_then_access_point_pickup(client: TestClient, ctx: FakeContext) -> None:
    ctx.clock = datetime(2026, 11, 7, 16, 0, tzinfo=UTC)
    pkg = package(ok_body(client, NUMBERS["failed_then_locker"]))
    assert pkg["activity"][0]["status"]["code"] == "ZP"
    assert pkg["currentStatus"] == {"description": "Ready for Customer Pickup", "code": "040"}
    assert pkg["accessPointInformation"] == {"pickupByDate": "20261114"}
    attempt = next(a for a in pkg["activity"] if a["status"]["code"] == "48")
    assert attempt["status"]["statusCode"] == "022"
    ctx.clock = datetime(2026, 11, 10, tzinfo=UTC)
    pkg = package(ok_body(client, NUMBERS["failed_then_locker"]))
    assert UpsClient.is_delivered({"trackResponse": {"shipment": [{"package": [pkg]}]}})
    assert pkg["deliveryInformation"]["location"] == "Locker"


def test_returned_parcel_is_not_delivered(client: TestClient) -> None:
    pkg = package(ok_body(client, NUMBERS["returned"]))
    assert pkg["currentStatus"] == {"description": "Returned to Sender", "code": "034"}
    assert pkg["activity"][0]["status"]["type"] != "D"
    assert pkg["deliveryDate"] == []
    return_leg = pkg["activity"][1]
    assert (return_leg["status"]["code"], return_leg["status"]["statusCode"]) == ("DP", "036")


def test_customs_and_usps_hand_over(client: TestClient) -> None:
    pkg = package(ok_body(client, NUMBERS["customs"]))
    assert [a["status"]["code"] for a in pkg["activity"][:3]] == ["LX", "SR", "B4"]
    assert pkg["activity"][2]["status"]["statusCode"] == "012"
    assert pkg["alternateTrackingNumber"] == [{"number": "9400111206206406260787", "type": "USPS_PIC"}]
    assert pkg["currentStatus"]["code"] == "137"


def test_lost_parcel_shows_an_investigation(client: TestClient) -> None:
    pkg = package(ok_body(client, NUMBERS["lost"]))
    assert pkg["activity"][0]["status"] == {
        "type": "X",
        "description": "Lost package investigation",
        "code": "UO",
        "statusCode": "129",
    }
    assert pkg["deliveryDate"] == []


def test_delivery_attempts_are_numbered_and_refusal_is_its_own_status(client: TestClient) -> None:
    activity = package(ok_body(client, NUMBERS["damaged"]))["activity"]
    assert [(a["status"]["code"], a["status"]["statusCode"]) for a in activity[:3]] == [
        ("95", "023"),
        ("KT", "064"),
        ("45", "059"),
    ]


def test_milestones_oldest_first_only_when_asked(client: TestClient) -> None:
    assert "milestones" not in package(ok_body(client, NUMBERS["delivered"]))
    pkg = package(ok_body(client, NUMBERS["delivered"], returnMilestones="true"))
    milestones = pkg["milestones"]
    assert [m["description"] for m in milestones] == [
        "Label Created",
        "We Have Your Package",
        "On the Way",
        "Out for Delivery",
        "Delivered",
    ]
    assert all(m["state"] == "COMPLETE" for m in milestones)
    assert [m["current"] for m in milestones] == [False, False, False, False, True]
    assert milestones[-1]["linkedActivity"] == "0"
    assert milestones[0]["linkedActivity"] == str(len(pkg["activity"]) - 1)


def test_signature_and_pod_only_when_asked(client: TestClient) -> None:
    plain = package(ok_body(client, NUMBERS["delivered"]))["deliveryInformation"]
    assert "signature" not in plain and "pod" not in plain
    info = package(ok_body(client, NUMBERS["delivered"], returnSignature="true", returnPOD="true"))[
        "deliveryInformation"
    ]
    assert base64.b64decode(info["signature"]["image"]).startswith(b"GIF89a")
    assert NUMBERS["delivered"] in base64.b64decode(info["pod"]["content"]).decode()


# --- Unknown and malformed numbers --------------------------------------------------------------


def test_unknown_number_is_200_with_tw0001(client: TestClient) -> None:
    r = track(client, UNKNOWN)
    assert r.status_code == 200
    assert r.json() == {
        "trackResponse": {
            "shipment": [
                {
                    "inquiryNumber": UNKNOWN,
                    "warnings": [{"code": "TW0001", "message": "Tracking Information Not Found"}],
                }
            ]
        }
    }
    validate_response("ups", TRACK, "get", 200, r.json())


def test_another_carriers_number_is_unknown_to_ups(client: TestClient, ctx: FakeContext) -> None:
    ctx.parcels["9400111206206406260787"] = story("9400111206206406260787", "usps")
    r = track(client, "9400111206206406260787")
    assert r.status_code == 200
    assert r.json()["trackResponse"]["shipment"][0]["warnings"][0]["code"] == "TW0001"


def test_alphanumeric_junk_is_tw0001_and_echoed_as_sent(client: TestClient) -> None:
    r = track(client, "1Z5629230309413682xxxx")
    assert r.status_code == 200
    assert r.json()["trackResponse"]["shipment"][0]["inquiryNumber"] == "1Z5629230309413682xxxx"


@pytest.mark.parametrize("number", ["1Z123", "1Z-12345E-0205", "1Z12345E0205271688" * 2, "1Z12345E02%2052"])
def test_malformed_number_is_400_tv1002(client: TestClient, number: str) -> None:
    r = track(client, number)
    assert r.status_code == 400
    assert r.json() == error("TV1002", "Invalid inquiry number")
    validate_response("ups", TRACK, "get", 400, r.json())


def test_lowercase_number_is_found_and_echoed_as_sent(client: TestClient) -> None:
    body = ok_body(client, NUMBERS["delivered"].lower())
    assert body["trackResponse"]["shipment"][0]["inquiryNumber"] == NUMBERS["delivered"].lower()
    assert package(body)["trackingNumber"] == NUMBERS["delivered"]


# --- Framework-level failures in UPS's envelope -------------------------------------------------


def test_path_junk_is_ups_shaped_404(client: TestClient) -> None:
    r = client.get("/api/track/v1/nonsense/1Z12345E0205271688")
    assert r.status_code == 404
    assert r.json() == error("10404", "Resource not found")
    validate_schema("ups", "Response", r.json())


def test_mounted_under_ups_prefix_real_paths_and_junk(ctx: FakeContext) -> None:
    parent = FastAPI()
    parent.mount("/ups", create_carrier_app(ctx))
    client = TestClient(parent)
    ups = UpsClient(client, "http://testserver/ups")
    assert ups.is_delivered(ups.track(NUMBERS["delivered"]).json())
    r = client.get("/ups/api/track/v2/details/1Z12345E0205271688")
    assert r.status_code == 404
    assert r.json() == error("10404", "Resource not found")


def test_wrong_method_on_track_is_ups_shaped_405(client: TestClient) -> None:
    r = client.post(f"/api/track/v1/details/{NUMBERS['delivered']}", json={})
    assert r.status_code == 405
    assert r.json() == error("405", "Method Not Allowed.")


def test_huge_body_is_ups_shaped_413(client: TestClient) -> None:
    r = client.post(
        TOKEN,
        auth=("a", "b"),
        content=b"grant_type=" + b"x" * (1 << 20),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 413
    assert r.json() == error("10413", "Request Entity Too Large")


def test_no_request_gets_fastapi_default_body_or_500(client: TestClient) -> None:
    token = get_token(client)
    responses = [
        client.get("/"),
        client.get("/api/track/v1/details/"),
        client.get("/api/track/v1/details/a/b/c", headers=headers(token)),
        client.delete(f"/api/track/v1/details/{NUMBERS['delivered']}", headers=headers(token)),
        client.put(TOKEN, content=b"{]", headers={"Content-Type": "application/json"}),
        client.post(
            TOKEN,
            content=b"\xff\xfe",
            auth=("a", "b"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        client.post(TOKEN, headers={"Authorization": "Basic !!!notbase64"}),
        client.get(
            f"/api/track/v1/details/{NUMBERS['delivered']}", headers={**headers(token), "transId": " "}
        ),
        track(client, NUMBERS["delivered"], token, returnMilestones="maybe", locale="xx"),
    ]
    for r in responses:
        assert r.status_code < 500, r.text
        assert '"detail"' not in r.text
        if r.status_code >= 400:
            assert set(r.json()) == {"response"}


# --- Determinism --------------------------------------------------------------------------------


def test_same_world_same_requests_same_bytes() -> None:
    def run() -> list[bytes]:
        ctx = make_ctx(tokens=TokenIssuer(seed=7, wall_clock=lambda: START))
        client = TestClient(create_carrier_app(ctx))
        out = []
        for number in [*NUMBERS.values(), UNKNOWN]:
            r = track(client, number, returnMilestones="true", returnPOD="true", returnSignature="true")
            out.append(r.content)
        return out

    assert run() == run()


def test_repeated_request_is_byte_identical(client: TestClient) -> None:
    token = get_token(client)
    first = track(client, NUMBERS["customs"], token).content
    assert track(client, NUMBERS["customs"], token).content == first


# --- Code tables --------------------------------------------------------------------------------


def _ups_tables() -> dict[str, set[str]]:
    tables = json.loads((SPECS_DIR / "ups" / "tracking-codes.extracted.json").read_text(encoding="utf-8"))
    return {name: {row[0] for row in t["rows"]} for name, t in tables["tables"].items()}


def test_every_event_code_has_a_ups_status() -> None:
    assert set(codes.EVENT_STATUS) == set(EventCode)


def test_every_exception_reason_has_a_ups_status() -> None:
    assert set(codes.REASON_STATUS) == set(ExceptionReason)


def test_every_code_and_reason_pair_renders_a_known_ups_status() -> None:
    events = story("1Z12345E0205271688", "ups")
    base = events[0]
    for code in EventCode:
        for reason in [None, *ExceptionReason]:
            base.code, base.reason = code, reason
            status = codes.status_for(base)
            assert status.status_code in codes.STATUS_TEXT, (code, reason)
            assert status.description


def test_ups_codes_come_from_ups_tables() -> None:
    tables = _ups_tables()
    activity_codes = (
        tables["Movement Scans"]
        | tables["Manifest Codes"]
        | tables["Package Exceptions"]
        | tables["Delivery Codes"]
    )
    # FS (delivered) and SR (customs release) are UPS's own, seen in responses and the specs' examples.
    observed = {"FS", "SR"}
    used = [*codes.EVENT_STATUS.values(), *codes.REASON_STATUS.values(), *codes.PARTNER_STATUS.values()]
    for status in used:
        assert status.type in tables["Package Activity Types"]
        assert status.code in activity_codes | observed, status


def test_status_texts_match_ups_status_table() -> None:
    tables = json.loads((SPECS_DIR / "ups" / "tracking-codes.extracted.json").read_text(encoding="utf-8"))
    table = {row[0]: row[1] for row in tables["tables"]["Status/Description Codes"]["rows"]}
    for code, text in codes.STATUS_TEXT.items():
        assert table[str(int(code))] == text


# --- The client helper the live tests use -------------------------------------------------------


def test_client_helper_round_trip(client: TestClient) -> None:
    ups = UpsClient(client, "http://testserver")
    delivered = ups.track(NUMBERS["delivered"])
    ups.validate(delivered)
    assert ups.is_delivered(delivered.json())
    assert ups.scan_count(delivered.json()) == 12
    unknown = ups.track(UNKNOWN)
    ups.validate(unknown)
    assert ups.is_not_found(unknown)
    assert not ups.is_not_found(delivered)
    assert ups.scan_count(unknown.json()) == 0


def test_the_box_weight_dimensions_and_reference(client: TestClient, ctx: FakeContext) -> None:
    """Issue 14 item 6: a US shipper's box in pounds (two decimals) and whole inches, with the
    shipper's reference; the same box shipped from Germany in kilograms and centimetres."""
    number = NUMBERS["delivered"]
    box = truth_for(ctx.parcels[number]).package
    assert box is not None
    pkg = package(ok_body(client, number))
    assert pkg["weight"] == {"unitOfMeasurement": "LBS", "weight": f"{box.weight_kg / 0.45359237:.2f}"}
    dim = pkg["dimension"]
    assert dim["unitOfDimension"] == "IN"
    assert int(dim["length"]) >= int(dim["width"]) >= int(dim["height"]) >= 1
    assert int(dim["length"]) * 2.54 >= box.length_cm > (int(dim["length"]) - 1) * 2.54
    assert pkg["referenceNumber"] == [{"number": box.reference, "type": "SHIPMENT"}]
    metric = ups_package.fields(box, "DE")
    assert metric["weight"] == {"unitOfMeasurement": "KGS", "weight": f"{box.weight_kg:.2f}"}
    assert metric["dimension"]["unitOfDimension"] == "CM"
    assert metric["dimension"]["length"] == str(int(box.length_cm))
