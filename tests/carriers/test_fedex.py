"""FedEx mock: OAuth, Track by number, tracking documents, errors — against the official specs."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.fedex import codes, create_carrier_app, errors
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EventCode, ExceptionReason
from tests.carriers.client_fedex import FedexClient
from tests.carriers.fakes import FakeContext, story, truth_for
from tests.spec_validation import validate_response

pytestmark = pytest.mark.unit

TRACK = "/track/v1/trackingnumbers"
DOCS = "/track/v1/trackingdocuments"
TOKEN = "/oauth/token"

# Valid FedEx Express 12-digit numbers (check digit per jkeen/tracking_number_data).
STORIES = {
    "delivered": "794600000010",
    "failed_then_locker": "794600000021",
    "returned": "794600000032",
    "customs": "794600000043",
    "lost": "794600000054",
    "damaged": "794600000065",
}
GROUND_TN = "449044304137821"  # FedEx Ground 15
ECONOMY_TN = "61299995669352455464"  # FedEx SmartPost (Ground Economy)
UNKNOWN_TN = "794600000076"
UPS_TN = "1Z999AA10123456784"
DELIVERED = STORIES["delivered"]

NOT_FOUND_ERROR = {
    "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
    "message": "Tracking number cannot be found. Please correct the tracking number and try again.",
}


def tid(n: int) -> str:
    """The transactionId of the n-th request that asked the FakeContext for one."""
    return errors.as_transaction_id(f"transaction-{n:08d}")


def make_ctx(**kwargs: object) -> FakeContext:
    parcels = {tn: story(tn, "fedex", "next_day", kind) for kind, tn in STORIES.items()}
    parcels[GROUND_TN] = story(GROUND_TN, "fedex", "ground", "delivered")
    parcels[ECONOMY_TN] = story(ECONOMY_TN, "fedex", "economy", "customs")
    parcels[UPS_TN] = story(UPS_TN, "ups", "ground", "delivered")
    return FakeContext(carrier="fedex", parcels=parcels, **kwargs)  # type: ignore[arg-type]


def client_for(ctx: FakeContext, **kwargs: object) -> TestClient:
    return TestClient(create_carrier_app(ctx), **kwargs)  # type: ignore[arg-type]


def get_token(client: TestClient, client_id: str = "acme", secret: str = "s3cret") -> str:
    r = client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


def track(
    client: TestClient,
    token: str | None,
    numbers: list[str],
    detailed: object = True,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    h = {"content-type": "application/json", **(headers or {})}
    if token is not None:
        h["authorization"] = f"Bearer {token}"
    body = {
        "includeDetailedScans": detailed,
        "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": n}} for n in numbers],
    }
    return client.post(TRACK, json=body, headers=h)


def ok_body(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    validate_response("fedex", TRACK, "post", 200, body)
    return body


def result(body: dict, i: int = 0) -> dict:
    return body["output"]["completeTrackResults"][i]["trackResults"][0]


@pytest.fixture
def ctx() -> FakeContext:
    return make_ctx()


@pytest.fixture
def client(ctx: FakeContext) -> TestClient:
    return client_for(ctx)


@pytest.fixture
def token(client: TestClient) -> str:
    return get_token(client)


# --- test data sanity ----------------------------------------------------------------------------


def test_test_numbers_are_valid_fedex_numbers() -> None:
    tracking_numbers = pytest.importorskip("tracking_numbers")
    for tn in [*STORIES.values(), GROUND_TN, ECONOMY_TN, UNKNOWN_TN]:
        found = tracking_numbers.get_tracking_number(tn)
        assert found is not None and found.valid and found.courier.code == "fedex", tn


# --- OAuth ---------------------------------------------------------------------------------------


def test_token_body_matches_fedex_and_its_spec(client: TestClient) -> None:
    r = client.post(TOKEN, data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"})
    assert r.status_code == 200
    body = r.json()
    validate_response("fedex_oauth", TOKEN, "post", 200, body)
    assert list(body) == ["access_token", "token_type", "expires_in", "scope"]
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3599 and type(body["expires_in"]) is int
    assert body["scope"] == "CXS"


def test_token_rejects_wrong_secret_when_credentials_are_listed() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"fedex": {"acme": "right"}}))
    r = client_for(ctx).post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": "acme", "client_secret": "wrong"}
    )
    assert r.status_code == 401
    assert r.json() == {
        "transactionId": tid(1),
        "errors": [
            {
                "code": "NOT.AUTHORIZED.ERROR",
                "message": "The given client credentials were not valid. Please modify your request and "
                "try again.",
            }
        ],
    }
    validate_response("fedex_oauth", TOKEN, "post", 401, r.json())


def test_token_accepts_listed_credentials() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"fedex": {"acme": "right"}}))
    assert get_token(client_for(ctx), "acme", "right")


def test_token_without_grant_type_is_400_bad_request(client: TestClient) -> None:
    r = client.post(TOKEN, data={"client_id": "a", "client_secret": "b"})
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {
            "code": "BAD.REQUEST.ERROR",
            "message": "Missing or duplicate parameters. Please modify your request and try again.",
        }
    ]


def test_token_with_unknown_grant_type_is_400(client: TestClient) -> None:
    r = client.post(TOKEN, data={"grant_type": "password", "client_id": "a", "client_secret": "b"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "BAD.REQUEST.ERROR"


def test_token_parent_child_grant_needs_child_credentials(client: TestClient) -> None:
    base = {"grant_type": "csp_credentials", "client_id": "a", "client_secret": "b"}
    assert client.post(TOKEN, data=base).status_code == 400
    r = client.post(TOKEN, data={**base, "child_Key": "k", "child_secret": "s"})
    assert r.status_code == 200
    validate_response("fedex_oauth", TOKEN, "post", 200, r.json())


def test_token_sent_as_json_is_rejected_like_missing_fields(client: TestClient) -> None:
    r = client.post(TOKEN, json={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "BAD.REQUEST.ERROR"


def test_expired_token_is_401_access_token_expired() -> None:
    fake_time = [1_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    tok = get_token(client)
    assert track(client, tok, [DELIVERED]).status_code == 200
    fake_time[0] += 3599
    r = track(client, tok, [DELIVERED], headers={"x-customer-transaction-id": "cust-1"})
    assert r.status_code == 401
    assert r.json() == {
        "transactionId": tid(2),
        "errors": [
            {
                "code": "NOT.AUTHORIZED.ERROR",
                "message": "Access token expired. Please modify your request and try again.",
            }
        ],
    }
    validate_response("fedex", TRACK, "post", 401, r.json())


def test_token_still_valid_just_before_expiry() -> None:
    fake_time = [1_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    tok = get_token(client)
    fake_time[0] += 3598
    assert track(client, tok, [DELIVERED]).status_code == 200


def test_missing_token_is_401(client: TestClient) -> None:
    r = track(client, None, [DELIVERED])
    assert r.status_code == 401
    assert r.json() == {
        "transactionId": tid(1),
        "errors": [
            {
                "code": "NOT.AUTHORIZED.ERROR",
                "message": "We could not authenticate your credentials. Please check your permissions "
                "and try again.",
            }
        ],
    }
    validate_response("fedex", TRACK, "post", 401, r.json())


def test_unknown_token_is_401(client: TestClient) -> None:
    r = track(client, "not-a-token", [DELIVERED])
    assert r.status_code == 401
    assert r.json()["errors"][0]["code"] == "NOT.AUTHORIZED.ERROR"


def test_401_comes_before_body_errors(client: TestClient) -> None:
    r = client.post(TRACK, content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 401


# --- tracking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code", "derived"),
    [
        ("delivered", "DL", "DL"),
        ("failed_then_locker", "DL", "DL"),
        ("returned", "RS", "RS"),
        ("customs", "AX", "IT"),
        ("lost", "SE", "SE"),
        ("damaged", "DE", "DE"),
    ],
)
def test_each_story_tracks_and_validates(
    client: TestClient, token: str, kind: str, code: str, derived: str
) -> None:
    tn = STORIES[kind]
    body = ok_body(track(client, token, [tn]))
    res = result(body)
    assert body["output"]["completeTrackResults"][0]["trackingNumber"] == tn
    assert res["trackingNumberInfo"]["trackingNumber"] == tn
    assert res["latestStatusDetail"]["code"] == code
    assert res["latestStatusDetail"]["derivedCode"] == derived
    assert res["scanEvents"][0]["eventType"] == code
    assert "error" not in res


def test_delivered_story_ends_with_fedex_delivered_status(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [DELIVERED])))
    assert res["latestStatusDetail"]["code"] == "DL"
    assert res["latestStatusDetail"]["statusByLocale"] == "Delivered"
    assert res["scanEvents"][0]["derivedStatusCode"] == "DL"
    assert {"type": "ACTUAL_DELIVERY", "dateTime": "2026-11-06T12:10:00-06:00"} in res["dateAndTimes"]
    assert res["deliveryDetails"]["receivedByName"] == "DOE"
    assert res["deliveryDetails"]["locationType"] == "RESIDENCE"
    assert res["availableImages"] == [{"type": "SIGNATURE_PROOF_OF_DELIVERY"}]
    assert res["estimatedDeliveryTimeWindow"] == {"window": {}}


def test_scan_events_are_newest_first_with_local_offsets(client: TestClient, token: str) -> None:
    scans = result(ok_body(track(client, token, [DELIVERED])))["scanEvents"]
    events = story(DELIVERED, "fedex", "next_day", "delivered")
    assert len(scans) == len(events)
    assert [s["date"] for s in scans] == [e.occurred_at for e in reversed(events)]
    assert scans[-1]["eventType"] == "OC" and scans[-1]["derivedStatusCode"] == "IN"
    assert scans[0]["date"].endswith("-06:00") and scans[-1]["date"].endswith("-05:00")
    stamps = [datetime.fromisoformat(s["date"]) for s in scans]
    assert stamps == sorted(stamps, reverse=True)


def test_scan_location_comes_from_the_event_location(client: TestClient, token: str) -> None:
    scans = result(ok_body(track(client, token, [DELIVERED])))["scanEvents"]
    ofd = next(s for s in scans if s["eventType"] == "OD")
    assert ofd["scanLocation"] == {
        "streetLines": [""],
        "city": "CHICAGO",
        "stateOrProvinceCode": "IL",
        "postalCode": "60608",
        "countryCode": "US",
        "residential": False,
        "countryName": "United States",
    }
    assert ofd["locationType"] == "VEHICLE"
    assert ofd["derivedStatusCode"] == "IT"


def test_clock_moving_reveals_more_events(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
    early = result(ok_body(track(client, token, [DELIVERED])))
    ctx.clock = datetime(2026, 11, 10, tzinfo=UTC)
    late = result(ok_body(track(client, token, [DELIVERED])))
    assert len(early["scanEvents"]) == 3
    assert early["latestStatusDetail"]["code"] == "AR"
    assert len(late["scanEvents"]) > len(early["scanEvents"])
    assert late["latestStatusDetail"]["code"] == "DL"


def test_estimate_comes_from_the_latest_visible_event(
    ctx: FakeContext, client: TestClient, token: str
) -> None:
    ctx.clock = datetime(2026, 11, 3, 0, 0, tzinfo=UTC)
    res = result(ok_body(track(client, token, [DELIVERED])))
    assert res["estimatedDeliveryTimeWindow"] == {
        "window": {"begins": "2026-11-05T09:00:00-06:00", "ends": "2026-11-05T19:00:00-06:00"}
    }
    assert {"type": "ESTIMATED_DELIVERY", "dateTime": "2026-11-05T00:00:00-06:00"} in res["dateAndTimes"]
    ctx.clock = datetime(2026, 11, 4, 0, 0, tzinfo=UTC)  # after the weather delay
    res = result(ok_body(track(client, token, [DELIVERED])))
    assert {"type": "ESTIMATED_DELIVERY", "dateTime": "2026-11-06T00:00:00-06:00"} in res["dateAndTimes"]
    assert res["latestStatusDetail"]["code"] == "DY"
    assert res["latestStatusDetail"]["delayDetail"] == {"type": "WEATHER", "status": "DELAYED"}
    assert res["standardTransitTimeWindow"] == {"window": {"ends": "2026-11-05T20:00:00-06:00"}}


def test_label_only_parcel_shows_label_created(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    res = result(ok_body(track(client, token, [DELIVERED])))
    assert res["latestStatusDetail"]["derivedCode"] == "IN"
    assert res["serviceCommitMessage"]["type"] == "SHIPMENT_LABEL_CREATED"
    assert res["shipmentDetails"]["possessionStatus"] is False


def test_the_box_weight_dimensions_and_reference(ctx: FakeContext, client: TestClient, token: str) -> None:
    """Issue 14 item 6: FedEx sends the box in pounds/inches and kilograms/centimetres."""
    res = result(ok_body(track(client, token, [DELIVERED])))
    box = truth_for(ctx.parcels[DELIVERED]).package
    assert box is not None
    details = res["packageDetails"]["weightAndDimensions"]
    lb, kg = details["weight"]
    assert lb["unit"] == "LB" and abs(float(lb["value"]) - box.weight_kg / 0.45359237) <= 0.05
    assert kg == {"unit": "KG", "value": f"{box.weight_kg:.1f}"}
    inches, cm = details["dimensions"]
    assert (cm["length"], cm["width"], cm["height"], cm["units"]) == (
        int(box.length_cm),
        int(box.width_cm),
        int(box.height_cm),
        "CM",
    )
    assert inches["units"] == "IN" and inches["length"] >= box.length_cm / 2.54
    assert res["shipmentDetails"]["weight"] == details["weight"]
    identifiers = res["additionalTrackingInfo"]["packageIdentifiers"]
    reference = {"type": "CUSTOMER_REFERENCE", "value": [box.reference], "trackingNumberUniqueId": ""}
    assert reference in identifiers
    assert res["specialHandlings"] and all(h["type"] for h in res["specialHandlings"])


def test_parcel_without_visible_scans_is_not_found(ctx: FakeContext, client: TestClient, token: str) -> None:
    ctx.clock = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)
    res = result(ok_body(track(client, token, [DELIVERED])))
    assert res["error"] == NOT_FOUND_ERROR


def test_unknown_number_is_200_with_per_number_error(client: TestClient, token: str) -> None:
    r = track(client, token, [UNKNOWN_TN])
    assert ok_body(r) == {
        "transactionId": tid(1),
        "output": {
            "completeTrackResults": [
                {
                    "trackingNumber": UNKNOWN_TN,
                    "trackResults": [
                        {
                            "trackingNumberInfo": {
                                "trackingNumber": UNKNOWN_TN,
                                "trackingNumberUniqueId": "",
                            },
                            "error": NOT_FOUND_ERROR,
                        }
                    ],
                }
            ]
        },
    }


def test_another_carriers_number_is_not_found(client: TestClient, token: str) -> None:
    assert result(ok_body(track(client, token, [UPS_TN])))["error"] == NOT_FOUND_ERROR


def test_malformed_number_is_not_found_inside_a_200(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, ["NOT-A-NUMBER!"])))
    assert res["error"] == NOT_FOUND_ERROR
    assert res["trackingNumberInfo"]["trackingNumber"] == "NOT-A-NUMBER!"


def test_mixed_known_and_unknown_numbers_in_one_response(client: TestClient, token: str) -> None:
    body = ok_body(track(client, token, [DELIVERED, UNKNOWN_TN, GROUND_TN]))
    results = body["output"]["completeTrackResults"]
    assert [c["trackingNumber"] for c in results] == [DELIVERED, UNKNOWN_TN, GROUND_TN]
    assert result(body, 0)["latestStatusDetail"]["code"] == "DL"
    assert result(body, 1)["error"] == NOT_FOUND_ERROR
    assert result(body, 2)["latestStatusDetail"]["code"] == "DL"


def test_numeric_tracking_number_is_accepted(client: TestClient, token: str) -> None:
    body = ok_body(
        client.post(
            TRACK,
            headers={"authorization": f"Bearer {token}"},
            json={
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": int(DELIVERED)}}],
            },
        )
    )
    assert result(body)["latestStatusDetail"]["code"] == "DL"


def test_service_and_carrier_code_follow_the_service(client: TestClient, token: str) -> None:
    body = ok_body(track(client, token, [DELIVERED, GROUND_TN, ECONOMY_TN]))
    express, ground, economy = result(body, 0), result(body, 1), result(body, 2)
    assert express["serviceDetail"] == {
        "type": "PRIORITY_OVERNIGHT",
        "description": "FedEx Priority Overnight",
        "shortDescription": "P-1",
    }
    assert express["trackingNumberInfo"]["carrierCode"] == "FDXE"
    assert express["trackingNumberInfo"]["trackingNumberUniqueId"] == f"2461347000~{DELIVERED}~FX"
    assert ground["trackingNumberInfo"]["carrierCode"] == "FDXG"
    assert ground["trackingNumberInfo"]["trackingNumberUniqueId"].endswith("~FDEG")
    assert economy["serviceDetail"]["description"] == "FedEx Ground Economy"
    assert economy["trackingNumberInfo"]["carrierCode"] == "FXSP"


def test_partner_handover_shows_usps_number(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [ECONOMY_TN])))
    identifiers = res["additionalTrackingInfo"]["packageIdentifiers"]
    assert [i for i in identifiers if i["type"] == "PARTNER_CARRIER_NUMBER"] == [
        {"type": "PARTNER_CARRIER_NUMBER", "value": ["9400111206206406260787"], "trackingNumberUniqueId": ""}
    ]
    assert res["latestStatusDetail"]["description"] == "At USPS facility"
    assert res["scanEvents"][0]["locationType"] == "NON_FEDEX_FACILITY"


def test_customs_hold_shows_clearance_exception(client: TestClient, token: str) -> None:
    scans = result(ok_body(track(client, token, [STORIES["customs"]])))["scanEvents"]
    hold = next(s for s in scans if s["eventType"] == "CD")
    assert (hold["exceptionCode"], hold["exceptionDescription"]) == ("A25", "Package available for clearance")
    assert any(s["eventType"] == "CC" for s in scans)


def test_failed_attempt_then_locker_pickup(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [STORIES["failed_then_locker"]])))
    attempt = next(s for s in res["scanEvents"] if s["eventType"] == "DE")
    assert attempt["exceptionCode"] == "08"
    assert attempt["exceptionDescription"] == "Customer not available or business closed"
    assert attempt["locationId"] == "CHIA"  # the delivering station, as FedEx's door scans carry
    assert res["deliveryDetails"]["deliveryAttempts"] == "1"
    assert res["deliveryDetails"]["locationType"] == "FEDEX_LOCATION"
    assert any(d["type"] == "ATTEMPTED_DELIVERY" for d in res["dateAndTimes"])
    assert any(s["eventType"] == "HP" for s in res["scanEvents"])


def test_exception_carries_ancillary_details(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [STORIES["lost"]])))
    status = res["latestStatusDetail"]
    assert status["ancillaryDetails"][0]["reason"] == codes.REASONS[ExceptionReason.LOST].code
    assert res["serviceCommitMessage"] == {
        "message": "No scheduled delivery date available at this time.",
        "type": "ESTIMATED_DELIVERY_DATE_UNAVAILABLE",
    }


def test_returned_parcel_is_not_reported_delivered(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [STORIES["returned"]])))
    assert res["latestStatusDetail"]["code"] != "DL"
    assert res["latestStatusDetail"]["description"] == "Returned to shipper"
    assert not any(d["type"] == "ACTUAL_DELIVERY" for d in res["dateAndTimes"])


def test_include_detailed_scans_false_returns_only_the_latest_scan(client: TestClient, token: str) -> None:
    res = result(ok_body(track(client, token, [DELIVERED], detailed=False)))
    assert len(res["scanEvents"]) == 1
    assert res["scanEvents"][0]["eventType"] == "DL"


def test_transaction_ids_come_from_context_and_customer_id_is_echoed(client: TestClient, token: str) -> None:
    body = ok_body(track(client, token, [DELIVERED], headers={"X-Customer-Transaction-Id": "AnyCo_1"}))
    assert list(body)[:2] == ["transactionId", "customerTransactionId"]
    assert body["transactionId"] == tid(1)
    assert uuid.UUID(body["transactionId"]).version == 4  # FedEx's transactionIds are UUIDs
    assert body["customerTransactionId"] == "AnyCo_1"
    assert ok_body(track(client, token, [DELIVERED]))["transactionId"] == tid(2)


# --- request errors ------------------------------------------------------------------------------


def test_empty_tracking_number_is_400_empty(client: TestClient, token: str) -> None:
    r = track(client, token, ["  "], headers={"x-customer-transaction-id": "AnyCo_order123456789"})
    assert r.status_code == 400
    assert r.json() == {
        "transactionId": tid(1),
        "customerTransactionId": "AnyCo_order123456789",
        "errors": [{"code": "TRACKING.TRACKINGNUMBER.EMPTY", "message": "Please provide tracking number."}],
    }
    validate_response("fedex", TRACK, "post", 400, r.json())


def test_missing_tracking_info_is_400_empty(client: TestClient, token: str) -> None:
    r = client.post(TRACK, json={"includeDetailedScans": True}, headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"code": "TRACKING.TRACKINGNUMBER.EMPTY", "message": "Please provide tracking number."}
    ]


def test_missing_include_detailed_scans_is_400_invalid_input(client: TestClient, token: str) -> None:
    r = client.post(
        TRACK,
        json={"trackingInfo": [{"trackingNumberInfo": {"trackingNumber": DELIVERED}}]},
        headers={"authorization": f"Bearer {token}"},
    )
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"code": "INVALID.INPUT.EXCEPTION", "message": "Invalid field value in the input"}
    ]
    validate_response("fedex", TRACK, "post", 400, r.json())


def test_more_than_30_numbers_is_400(client: TestClient, token: str) -> None:
    r = track(client, token, [UNKNOWN_TN] * 31)
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {
            "code": "TRACKING.TRACKINGNUMBER.LIMITEXCEEDED",
            "message": errors.MSG_TRACKING_LIMIT,
        }
    ]
    validate_response("fedex", TRACK, "post", 400, r.json())


def test_exactly_30_numbers_is_fine(client: TestClient, token: str) -> None:
    body = ok_body(track(client, token, [DELIVERED] * 30))
    assert len(body["output"]["completeTrackResults"]) == 30


def test_unknown_carrier_code_is_400_invalid_input(client: TestClient, token: str) -> None:
    r = client.post(
        TRACK,
        headers={"authorization": f"Bearer {token}"},
        json={
            "includeDetailedScans": True,
            "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": DELIVERED, "carrierCode": "UPS"}}],
        },
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "INVALID.INPUT.EXCEPTION"


@pytest.mark.parametrize(
    ("info", "outer"),
    [
        ({"trackingNumberUniqueId": {}}, {}),
        ({"trackingNumberUniqueId": 245822}, {}),
        ({"trackingNumberUniqueId": ["x"]}, {}),
        ({}, {"shipDateBegin": {}}),
        ({}, {"shipDateEnd": 20200401}),
    ],
)
def test_schema_string_fields_refuse_other_types(
    client: TestClient, token: str, info: dict, outer: dict
) -> None:
    """Issue 14 item 5: what the schema types as a string is a 400 otherwise (was a 200)."""
    item = {"trackingNumberInfo": {"trackingNumber": DELIVERED, **info}, **outer}
    r = client.post(
        TRACK,
        headers={"authorization": f"Bearer {token}"},
        json={"includeDetailedScans": True, "trackingInfo": [item]},
    )
    assert r.status_code == 400
    assert r.json()["errors"] == [
        {"code": "INVALID.INPUT.EXCEPTION", "message": "Invalid field value in the input"}
    ]
    ok = {
        "trackingNumberInfo": {"trackingNumber": DELIVERED, "trackingNumberUniqueId": ""},
        "shipDateBegin": None,
    }
    r = client.post(
        TRACK,
        headers={"authorization": f"Bearer {token}"},
        json={"includeDetailedScans": True, "trackingInfo": [ok]},
    )
    assert r.status_code == 200


def test_malformed_json_is_400_fedex_shaped(client: TestClient, token: str) -> None:
    r = client.post(
        TRACK,
        content=b'{"includeDetailedScans": true,',
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "BAD.REQUEST.ERROR"
    validate_response("fedex", TRACK, "post", 400, r.json())


def test_huge_body_is_413_fedex_shaped(client: TestClient, token: str) -> None:
    r = client.post(
        TRACK,
        content=b"[" + b"1," * (600 * 1024) + b"1]",
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
    assert r.status_code == 413
    body = r.json()
    assert set(body) == {"transactionId", "errors"}
    assert body["errors"][0]["code"] == "PAYLOAD.TOO.LARGE.ERROR"


def test_path_junk_is_fedex_404(client: TestClient, token: str) -> None:
    r = client.post("/track/v1/nonsense", json={}, headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 404
    assert r.json() == {
        "transactionId": tid(1),
        "errors": [
            {
                "code": "NOT.FOUND.ERROR",
                "message": "The resource you requested is no longer available. "
                "Please modify your request and try again.",
            }
        ],
    }
    validate_response("fedex", TRACK, "post", 404, r.json())


def test_trailing_slash_is_404_not_a_redirect(client: TestClient, token: str) -> None:
    r = client.post(
        TRACK + "/", json={}, headers={"authorization": f"Bearer {token}"}, follow_redirects=False
    )
    assert r.status_code == 404


def test_wrong_method_is_fedex_shaped_405(client: TestClient) -> None:
    r = client.get(TRACK)
    assert r.status_code == 405
    assert r.json()["errors"][0]["code"] == "METHOD.NOT.ALLOWED.ERROR"


def test_unhandled_error_is_fedex_500() -> None:
    ctx = make_ctx()

    def broken(tracking_number: str) -> ParcelView | None:
        raise RuntimeError("store down")

    ctx.lookup = broken  # type: ignore[method-assign]
    client = client_for(ctx, raise_server_exceptions=False)
    r = track(client, get_token(client), [DELIVERED], headers={"x-customer-transaction-id": "c-9"})
    assert r.status_code == 500
    assert r.json()["errors"][0]["code"] == "INTERNAL.SERVER.ERROR"
    assert r.json()["customerTransactionId"] == "c-9"
    validate_response("fedex", TRACK, "post", 500, r.json())


def test_no_response_is_ever_fastapi_default_or_500(client: TestClient, token: str) -> None:
    auth = {"authorization": f"Bearer {token}"}
    responses = [
        client.get("/"),
        client.get("/track"),
        client.put(TRACK, json={}),
        client.delete(TOKEN),
        client.post("/oauth/token/extra"),
        client.post(
            TOKEN, content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"}
        ),
        client.post(TRACK, content=b"", headers=auth),
        client.post(TRACK, content=b"null", headers=auth),
        client.post(TRACK, content=b"[]", headers=auth),
        client.post(TRACK, json={"includeDetailedScans": "yes", "trackingInfo": []}, headers=auth),
        client.post(TRACK, json={"includeDetailedScans": True, "trackingInfo": {}}, headers=auth),
        client.post(TRACK, json={"includeDetailedScans": True, "trackingInfo": [1]}, headers=auth),
        client.post(
            TRACK,
            json={"includeDetailedScans": True, "trackingInfo": [{"trackingNumberInfo": 5}]},
            headers=auth,
        ),
        client.post(
            TRACK,
            json={
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": ["x"]}}],
            },
            headers=auth,
        ),
        client.post(DOCS, content=b"{", headers=auth),
        client.post(DOCS, json={"trackDocumentDetail": "x"}, headers=auth),
        client.post(TRACK, content=b"x" * (2 << 20), headers=auth),
    ]
    for r in responses:
        assert r.status_code != 500, r.text
        assert 400 <= r.status_code < 500, (r.request.method, r.request.url, r.status_code)
        assert '"detail"' not in r.text
        assert set(r.json()) <= {"transactionId", "customerTransactionId", "errors"}


# --- tracking documents --------------------------------------------------------------------------


def spod_request(
    number: str, document_format: str | None = "PDF", document_type: str = "SIGNATURE_PROOF_OF_DELIVERY"
) -> dict:
    detail = {"documentType": document_type}
    if document_format is not None:
        detail["documentFormat"] = document_format
    return {
        "trackDocumentDetail": detail,
        "trackDocumentSpecification": [{"trackingNumberInfo": {"trackingNumber": number}}],
    }


def test_spod_for_delivered_parcel_is_a_pdf(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(DELIVERED), headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200
    body = r.json()
    validate_response("fedex", DOCS, "post", 200, body)
    assert body["output"]["documentType"] == "SIGNATURE_PROOF_OF_DELIVERY"
    assert body["output"]["documentFormat"] == "PDF"
    pdf = base64.b64decode(body["output"]["document"][0])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert DELIVERED.encode() in pdf and b"DOE" in pdf


def test_spod_defaults_to_pdf(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(DELIVERED, None), headers={"authorization": f"Bearer {token}"})
    assert r.json()["output"]["documentFormat"] == "PDF"


def test_spod_as_png(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(DELIVERED, "PNG"), headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 200
    validate_response("fedex", DOCS, "post", 200, r.json())
    assert base64.b64decode(r.json()["output"]["document"][0]).startswith(b"\x89PNG\r\n\x1a\n")


def test_spod_for_undelivered_parcel_is_400(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(STORIES["lost"]), headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "TRACKING.DATA.NOTFOUND"
    validate_response("fedex", DOCS, "post", 400, r.json())


def test_spod_for_unknown_number_is_400_not_found(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(UNKNOWN_TN), headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json() == {"transactionId": tid(1), "errors": [NOT_FOUND_ERROR]}
    validate_response("fedex", DOCS, "post", 400, r.json())


def test_spod_rejects_lowercase_format(client: TestClient, token: str) -> None:
    r = client.post(DOCS, json=spod_request(DELIVERED, "pdf"), headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "INVALID.INPUT.EXCEPTION"


def test_spod_needs_a_token(client: TestClient) -> None:
    r = client.post(DOCS, json=spod_request(DELIVERED))
    assert r.status_code == 401
    validate_response("fedex", DOCS, "post", 401, r.json())


# --- determinism and mapping coverage ------------------------------------------------------------


def _session(client: TestClient) -> list[bytes]:
    tok = get_token(client)
    auth = {"authorization": f"Bearer {tok}", "x-customer-transaction-id": "same"}
    numbers = [*STORIES.values(), GROUND_TN, ECONOMY_TN, UNKNOWN_TN]
    out = [track(client, tok, numbers, headers=auth).content]
    out += [track(client, tok, [n]).content for n in numbers]
    out.append(client.post(DOCS, json=spod_request(DELIVERED), headers=auth).content)
    out.append(client.post(DOCS, json=spod_request(DELIVERED, "PNG"), headers=auth).content)
    return out


def test_same_world_same_requests_give_identical_bytes() -> None:
    first = _session(client_for(make_ctx()))
    second = _session(client_for(make_ctx()))
    assert first == second
    assert json.loads(first[0])["output"]["completeTrackResults"][0]["trackingNumber"] == STORIES["delivered"]


def test_every_event_code_and_reason_has_a_mapping() -> None:
    assert set(codes.EVENT_CODES) == set(EventCode)
    assert set(codes.REASONS) == set(ExceptionReason)
    for fx in codes.EVENT_CODES.values():
        assert fx.event_type and fx.description and fx.derived_code and fx.status_code
    for reason in codes.REASONS.values():
        assert reason.code and reason.description
        assert reason.delay_type in {"WEATHER", "OPERATIONAL", "LOCAL", "GENERAL", "CLEARANCE"}


def test_every_code_and_reason_renders_valid_against_the_spec() -> None:
    """One parcel per (code, reason) ending in that event, so latestStatusDetail covers them all."""
    reasons = list(ExceptionReason)
    parcels = {}
    for i, code in enumerate(EventCode):
        for j, reason in enumerate([None, reasons[i % len(reasons)]]):
            tn = f"7000{i:04d}{j}"
            prefix = story(tn, "fedex", "international", "delivered")[:6]
            details = (
                {"partner": {"carrier": "usps", "tracking_number": "9400111206206406260787"}}
                if code is EventCode.HANDED_TO_PARTNER
                else {}
            )
            prefix.append(
                dataclasses.replace(
                    prefix[-1], seq=7, event_id=f"{tn}-7", code=code, reason=reason, details=details
                )
            )
            parcels[tn] = prefix
    for k, reason in enumerate(reasons):
        tn = f"7100{k:04d}0"
        prefix = story(tn, "fedex", "two_day", "delivered")[:6]
        prefix.append(
            dataclasses.replace(
                prefix[-1], seq=7, event_id=f"{tn}-7", code=EventCode.EXCEPTION, reason=reason
            )
        )
        parcels[tn] = prefix
    client = client_for(FakeContext(carrier="fedex", parcels=parcels))
    tok = get_token(client)
    numbers = list(parcels)
    for start in range(0, len(numbers), 30):
        body = ok_body(track(client, tok, numbers[start : start + 30]))
        for complete in body["output"]["completeTrackResults"]:
            assert "error" not in complete["trackResults"][0], complete["trackingNumber"]


def test_client_helper_works_in_process(client: TestClient) -> None:
    fedex = FedexClient(client, "http://testserver")
    fedex.authenticate()
    r = fedex.track(DELIVERED)
    fedex.validate(r)
    assert fedex.is_delivered(r.json())
    assert fedex.scan_count(r.json()) == len(story(DELIVERED, "fedex", "next_day", "delivered"))
    unknown = fedex.track(UNKNOWN_TN)
    fedex.validate(unknown)
    assert fedex.is_not_found(unknown) and not fedex.is_not_found(r)
    pod = fedex.proof_of_delivery(DELIVERED)
    fedex.validate(pod)
    assert pod.status_code == 200


@pytest.mark.parametrize(
    ("status", "code"), [(503, "SERVICE.UNAVAILABLE.ERROR"), (429, "TOO.MANY.REQUESTS.ERROR")]
)
def test_injected_fault_statuses_keep_fedex_codes(status: int, code: str) -> None:
    from starlette.requests import Request

    app = create_carrier_app(make_ctx())
    scope = {
        "type": "http",
        "method": "POST",
        "path": TRACK,
        "query_string": b"",
        "app": app,
        "headers": [(b"x-customer-transaction-id", b"c-1")],
    }
    response = errors.render_error(Request(scope), status, "internal", "injected")
    body = json.loads(response.body)
    assert response.status_code == status
    assert body["errors"][0]["code"] == code
    assert "customerTransactionId" not in body or status == 429
    if status == 503:
        validate_response("fedex", TRACK, "post", 503, body)


def test_docs_table_names_every_code_and_reason() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "carriers" / "fedex.md").read_text(encoding="utf-8")
    for code in EventCode:
        assert f"| `{code.value}`" in doc, code
    for reason in ExceptionReason:
        assert f"| `{reason.value}` | `{codes.REASONS[reason].code}`" in doc, reason


def test_own_docs_stay_off_fedex_paths(client: TestClient) -> None:
    assert client.get("/_docs").status_code == 200
    paths = client.get("/_docs/openapi.json").json()["paths"]
    assert set(paths) == {TOKEN, TRACK, DOCS}
