"""DHL Shipment Tracking – Unified mock: auth, tracking, errors, determinism, code coverage."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mock_carriers.carriers.dhl import codes, create_carrier_app, render
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EstimatedDelivery, EventCode, ExceptionReason, ScanEvent
from tests.carriers.client_dhl import DhlClient
from tests.carriers.fakes import ADDRESS, MID_HUB, FakeContext, story
from tests.spec_validation import load_spec, validate_response, validate_schema

pytestmark = pytest.mark.unit

KEY = "sandbox-dhl-key"
HEADERS = {"DHL-API-Key": KEY}
PATH = "/track/shipments"
KINDS = ("delivered", "failed_then_locker", "returned", "customs", "lost", "damaged")

NOT_FOUND = {
    "title": "No result found",
    "status": 404,
    "detail": "No shipment with given tracking number found.",
}
UNAUTHORIZED = {"status": 401, "title": "Unauthorized", "detail": "Unauthorized for given resource."}
LOCAL_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def awb(serial: str) -> str:
    """A DHL Express waybill: serial + mod-7 check digit (``331881002`` → ``3318810025``)."""
    return serial + str(int(serial) % 7)


NUMBERS = {kind: awb(f"33188100{i}") for i, kind in enumerate(KINDS, start=10)}
DELIVERED = NUMBERS["delivered"]


def make_ctx(**kwargs) -> FakeContext:
    parcels = {tn: story(tn, "dhl", "international", kind) for kind, tn in NUMBERS.items()}
    return FakeContext("dhl", parcels, **kwargs)


def client_for(ctx: FakeContext) -> TestClient:
    return TestClient(create_carrier_app(ctx))


@pytest.fixture
def ctx() -> FakeContext:
    return make_ctx()


@pytest.fixture
def client(ctx: FakeContext) -> TestClient:
    return client_for(ctx)


def track(client: TestClient, number: str | None, headers: dict[str, str] | None = None, **params):
    query = dict(params)
    if number is not None:
        query["trackingNumber"] = number
    return client.get(PATH, params=query, headers=HEADERS if headers is None else headers)


def ok_body(response) -> dict:
    assert response.status_code == 200, response.text
    body = response.json()
    validate_response("dhl", "/shipments", "get", 200, body)
    return body


def assert_problem(response, status: int, expected: dict | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == "en"
    body = response.json()
    validate_schema("dhl", "supermodelIoLogisticsApiProblemDetail", body)
    assert body["status"] == status
    if expected is not None:
        assert body == expected
        # Member order is part of the wire format (backend vs gateway), so compare bytes too.
        assert response.content == json.dumps(expected, separators=(",", ":")).encode()
    return body


# --- auth: a static key, no token flow -------------------------------------------------------


def test_valid_key_is_accepted(client):
    ok_body(track(client, DELIVERED))


def test_missing_key_is_gateway_401(client):
    assert_problem(track(client, DELIVERED, headers={}), 401, UNAUTHORIZED)


def test_empty_key_is_gateway_401(client):
    assert_problem(track(client, DELIVERED, headers={"DHL-API-Key": ""}), 401, UNAUTHORIZED)


def test_key_header_name_is_case_insensitive(client):
    ok_body(track(client, DELIVERED, headers={"dhl-api-key": KEY}))


def test_allowed_keys_reject_a_wrong_key():
    ctx = make_ctx(credentials=CredentialPolicy(api_keys={"dhl": {KEY}}))
    client = client_for(ctx)
    assert_problem(track(client, DELIVERED, headers={"DHL-API-Key": "not-" + KEY}), 401, UNAUTHORIZED)
    ok_body(track(client, DELIVERED))


def test_bearer_token_is_not_a_dhl_key():
    ctx = make_ctx(credentials=CredentialPolicy(api_keys={"dhl": {KEY}}))
    response = track(client_for(ctx), DELIVERED, headers={"Authorization": f"Bearer {KEY}"})
    assert_problem(response, 401, UNAUTHORIZED)


def test_revoked_key_gets_401():
    policy = CredentialPolicy(api_keys={"dhl": {KEY, "other"}})
    client = client_for(make_ctx(credentials=policy))
    ok_body(track(client, DELIVERED))
    policy.api_keys["dhl"].discard(KEY)
    assert_problem(track(client, DELIVERED), 401, UNAUTHORIZED)


def test_key_does_not_expire_with_wall_clock():
    fake_time = [1_000_000.0]
    ctx = make_ctx(tokens=TokenIssuer(seed=1, wall_clock=lambda: fake_time[0]))
    client = client_for(ctx)
    ok_body(track(client, DELIVERED))
    fake_time[0] += 10 * 365 * 86400
    ok_body(track(client, DELIVERED))


def test_key_is_checked_before_parameters(client):
    assert_problem(client.get(PATH), 401, UNAUTHORIZED)


def test_key_is_checked_before_lookup(client):
    assert_problem(track(client, "0000000000", headers={}), 401, UNAUTHORIZED)


# --- tracking each story -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_story_validates_against_spec(client, ctx, kind):
    body = ok_body(track(client, NUMBERS[kind]))
    shipment = body["shipments"][0]
    assert shipment["id"] == NUMBERS[kind]
    assert shipment["service"] == "express"
    assert DhlClient.scan_count(body) == len(ctx.parcels[NUMBERS[kind]])


@pytest.mark.parametrize("kind", KINDS)
def test_status_is_the_newest_event(client, kind):
    shipment = ok_body(track(client, NUMBERS[kind]))["shipments"][0]
    newest = {k: v for k, v in shipment["events"][0].items() if k != "pieceIds"}
    assert shipment["status"] == newest


def test_delivered_story_ends_delivered(client):
    body = ok_body(track(client, DELIVERED))
    status = body["shipments"][0]["status"]
    assert (status["statusCode"], status["status"], status["description"]) == (
        "delivered",
        "delivered",
        "Delivered",
    )
    assert DhlClient.is_delivered(body)


def test_delivered_story_has_proof_of_delivery(client):
    details = ok_body(track(client, DELIVERED))["shipments"][0]["details"]
    pod = details["proofOfDelivery"]
    assert pod["timestamp"] == "2026-11-06T12:10:00"
    assert pod["signed"] == {"@type": "Person", "name": "DOE"}
    assert pod["documentUrl"].startswith("https://webpod.dhl.com/webPOD/DHLePODRequest?")
    assert details["proofOfDeliverySignedAvailable"] is True
    assert details["totalNumberOfPieces"] == 1
    assert re.fullmatch(r"JD01460000\d{10}", details["pieceIds"][0])


def test_in_transit_shipment_has_no_proof_of_delivery(client, ctx):
    ctx.clock = datetime(2026, 11, 4, tzinfo=UTC)
    details = ok_body(track(client, DELIVERED))["shipments"][0]["details"]
    assert "proofOfDelivery" not in details
    assert details["proofOfDeliverySignedAvailable"] is False


def test_locker_collection_counts_as_delivered(client):
    body = ok_body(track(client, NUMBERS["failed_then_locker"]))
    assert body["shipments"][0]["status"]["description"] == "Delivered - Collected by recipient"
    assert DhlClient.is_delivered(body)


def test_failed_attempt_is_failure_with_dhl_text(client):
    events = ok_body(track(client, NUMBERS["failed_then_locker"]))["shipments"][0]["events"]
    attempt = next(e for e in events if e["description"].startswith("Delivery attempted"))
    assert attempt["statusCode"] == "failure"
    assert attempt["description"] == "Delivery attempted but no response at Consignee address"
    assert attempt["nextSteps"] == "A new delivery attempt will be made on the next business day."


def test_returned_story_is_not_delivered(client):
    body = ok_body(track(client, NUMBERS["returned"]))
    status = body["shipments"][0]["status"]
    assert status["statusCode"] == "failure"
    assert status["description"] == "Delivered - Returned to shipper"
    assert not DhlClient.is_delivered(body)


def test_lost_story_ends_in_failure(client):
    status = ok_body(track(client, NUMBERS["lost"]))["shipments"][0]["status"]
    assert status["statusCode"] == "failure"
    assert status["description"] == "Shipment could not be located"


def test_customs_hold_carries_the_spec_remark(client):
    events = ok_body(track(client, NUMBERS["customs"]))["shipments"][0]["events"]
    hold = next(e for e in events if e["description"] == "Shipment is on hold")
    assert hold["remark"] == "The shipment is pending completion of customs inspection."
    assert hold["nextSteps"] == "The status will be updated following customs inspection."


def test_customs_clearance_names_the_facility(client):
    events = ok_body(track(client, NUMBERS["customs"]))["shipments"][0]["events"]
    assert any(e["description"] == "Clearance processing complete at LOUISVILLE - USA" for e in events)


def test_partner_number_is_a_local_tracking_number_reference(client):
    details = ok_body(track(client, NUMBERS["customs"]))["shipments"][0]["details"]
    assert details["references"] == [{"number": "9400111206206406260787", "type": "local-tracking-number"}]


def test_damaged_story_shows_damage_and_refusal(client):
    events = ok_body(track(client, NUMBERS["damaged"]))["shipments"][0]["events"]
    descriptions = [e["description"] for e in events]
    assert "Shipment damaged - DHL is contacting the shipper" in descriptions
    assert "Delivery not accepted" in descriptions


def test_events_are_newest_first(client, ctx):
    events = ok_body(track(client, DELIVERED))["shipments"][0]["events"]
    expected = [render.local_timestamp(e.occurred_at) for e in reversed(ctx.parcels[DELIVERED])]
    assert [e["timestamp"] for e in events] == expected


def test_timestamps_are_local_wall_clock_without_offset(client):
    shipment = ok_body(track(client, DELIVERED))["shipments"][0]
    stamps = [e["timestamp"] for e in shipment["events"]] + [shipment["status"]["timestamp"]]
    assert all(LOCAL_TS.match(s) for s in stamps), stamps
    # 2026-11-06T08:10-06:00 in Chicago is written as Chicago time, not converted to UTC.
    assert shipment["events"][1]["timestamp"] == "2026-11-06T08:10:00"


def test_sort_facility_keeps_dhls_double_space(client):
    events = ok_body(track(client, DELIVERED))["shipments"][0]["events"]
    assert "Arrived at DHL Sort Facility  LOUISVILLE - USA" in [e["description"] for e in events]


def test_location_is_rendered_from_the_event(client):
    event = ok_body(track(client, DELIVERED))["shipments"][0]["events"][0]
    assert event["location"] == {
        "address": {"countryCode": "US", "postalCode": "60614", "addressLocality": "CHICAGO, IL - USA"}
    }


def test_origin_and_destination_come_from_the_parcel(client):
    shipment = ok_body(track(client, DELIVERED))["shipments"][0]
    assert shipment["origin"]["address"]["addressLocality"] == "COLUMBUS, OH - USA"
    assert shipment["destination"]["address"] == {
        "countryCode": "US",
        "postalCode": "60614",
        "addressLocality": "CHICAGO, IL - USA",
    }


def test_estimated_delivery_window(client, ctx):
    ctx.clock = datetime(2026, 11, 3, tzinfo=UTC)  # last visible: picked up, window promise
    shipment = ok_body(track(client, DELIVERED))["shipments"][0]
    assert shipment["estimatedTimeOfDelivery"] == "2026-11-05T09:00:00Z"
    assert shipment["estimatedDeliveryTimeFrame"] == {
        "estimatedFrom": "2026-11-05T09:00:00Z",
        "estimatedThrough": "2026-11-05T19:00:00Z",
    }


def test_estimated_delivery_date_only(client, ctx):
    ctx.clock = datetime(2026, 11, 4, tzinfo=UTC)  # last visible: weather delay, new date
    shipment = ok_body(track(client, DELIVERED))["shipments"][0]
    # the consignee's local midnight: in US time it is still the 6th (issue 14 item 8)
    assert shipment["estimatedTimeOfDelivery"] == "2026-11-06T00:00:00-06:00"  # Chicago, the consignee
    eta = datetime.fromisoformat(shipment["estimatedTimeOfDelivery"])
    assert eta.astimezone(ZoneInfo("America/Chicago")).date().isoformat() == "2026-11-06"
    assert shipment["estimatedTimeOfDeliveryRemark"] == "By End of Day"
    assert "estimatedDeliveryTimeFrame" not in shipment


def test_delivered_shipment_has_no_estimate(client):
    shipment = ok_body(track(client, DELIVERED))["shipments"][0]
    assert "estimatedTimeOfDelivery" not in shipment


def test_number_is_unknown_until_its_first_scan_is_visible(client, ctx):
    ctx.clock = datetime(2026, 11, 2, 14, 30, tzinfo=UTC)  # label at 14:15Z, visible 14:35Z
    assert_problem(track(client, DELIVERED), 404, NOT_FOUND)


def test_clock_moves_more_events_appear(client, ctx):
    ctx.clock = datetime(2026, 11, 2, 15, tzinfo=UTC)
    first = ok_body(track(client, DELIVERED))
    ctx.clock = datetime(2026, 11, 3, 6, tzinfo=UTC)
    later = ok_body(track(client, DELIVERED))
    ctx.clock = datetime(2026, 11, 10, tzinfo=UTC)
    last = ok_body(track(client, DELIVERED))
    counts = [DhlClient.scan_count(b) for b in (first, later, last)]
    assert counts[0] == 1 and counts[0] < counts[1] < counts[2] == len(ctx.parcels[DELIVERED])
    assert first["shipments"][0]["status"]["statusCode"] == "pre-transit"
    assert first["shipments"][0]["status"]["description"] == "Shipment information received"


def test_both_paths_answer_the_same(client):
    a = track(client, DELIVERED)
    b = client.get("/shipments", params={"trackingNumber": DELIVERED}, headers=HEADERS)
    assert a.status_code == b.status_code == 200
    assert a.content == b.content


def test_success_headers(client):
    response = track(client, DELIVERED)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-language"] == "en"
    assert response.headers["link"] == (
        '<https://api-eu.dhl.com/track/context>; rel="http://www.w3.org/ns/json-ld#context"; '
        'type="application/ld+json"'
    )
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        response.headers["correlation-id"],
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_language_english_is_accepted(client):
    response = track(client, DELIVERED, language="en")
    ok_body(response)
    assert response.headers["content-language"] == "en"


def test_unavailable_language_falls_back_to_english(client):
    response = track(client, DELIVERED, language="xx")
    assert ok_body(response)["shipments"][0]["status"]["description"] == "Delivered"
    assert response.headers["content-language"] == "en"


def test_optional_query_parameters_are_accepted(client):
    ok_body(
        track(
            client,
            DELIVERED,
            requesterCountryCode="DE",
            originCountryCode="US",
            recipientPostalCode="60614",
            offset="0",
            limit="5",
        )
    )


def test_unknown_query_parameters_are_ignored(client):
    ok_body(track(client, DELIVERED, levelOfDetail="ALL_EVENTS"))


def test_other_services_are_suggested_without_a_hint(client):
    urls = ok_body(track(client, DELIVERED))["possibleAdditionalShipmentsUrl"]
    assert urls[0] == f"/track/shipments?trackingNumber={DELIVERED}&service=freight"
    assert len(urls) == len(codes.OTHER_SERVICES)


def test_suggested_urls_carry_the_mount_prefix(ctx):
    root = FastAPI()
    root.mount("/dhl", create_carrier_app(ctx))
    response = TestClient(root).get("/dhl" + PATH, params={"trackingNumber": DELIVERED}, headers=HEADERS)
    urls = ok_body(response)["possibleAdditionalShipmentsUrl"]
    assert urls[0] == f"/dhl/track/shipments?trackingNumber={DELIVERED}&service=freight"


def test_express_hint_finds_the_number_and_suggests_nothing(client):
    body = ok_body(track(client, DELIVERED, service="express"))
    assert "possibleAdditionalShipmentsUrl" not in body


def test_other_service_hint_finds_nothing(client):
    assert_problem(track(client, DELIVERED, service="parcel-de"), 404, NOT_FOUND)


def test_number_with_spaces_is_found(client):
    spaced = f"{DELIVERED[:2]} {DELIVERED[2:6]} {DELIVERED[6:]}"
    assert ok_body(track(client, spaced))["shipments"][0]["id"] == DELIVERED


def test_offset_past_the_only_shipment_finds_nothing(client):
    assert_problem(track(client, DELIVERED, offset="1"), 404, NOT_FOUND)


# --- unknown / invalid numbers -------------------------------------------------------------------


def test_unknown_number_is_404_problem(client):
    response = track(client, awb("123456789"))
    body = assert_problem(response, 404, NOT_FOUND)
    validate_response("dhl", "/shipments", "get", 404, body)


@pytest.mark.parametrize(
    "number", ["3318810010", "not-a-number", "1Z999AA10123456784", "9" * 60, "ABC/../123"]
)
def test_malformed_number_is_the_same_404(client, number):
    # DHL does not validate the number's shape: anything it cannot resolve is "No result found".
    assert_problem(track(client, number), 404, NOT_FOUND)


def test_other_carriers_number_is_404(ctx):
    ctx.parcels["1Z999AA10123456784"] = story("1Z999AA10123456784", "ups", "ground", "delivered")
    assert_problem(track(client_for(ctx), "1Z999AA10123456784"), 404, NOT_FOUND)


# --- bad requests --------------------------------------------------------------------------------


def test_missing_tracking_number_is_400(client):
    assert_problem(
        track(client, None),
        400,
        {
            "title": "Bad Request",
            "status": 400,
            "detail": "The required query parameter 'trackingNumber' is missing.",
        },
    )


def test_blank_tracking_number_is_400(client):
    assert_problem(track(client, "  "), 400)


def test_unknown_service_is_400(client):
    body = assert_problem(track(client, DELIVERED, service="teleport"), 400)
    assert body["detail"] == "Invalid value 'teleport' of query parameter 'service'."


@pytest.mark.parametrize(
    ("name", "value"),
    [("offset", "abc"), ("offset", "-1"), ("limit", "0"), ("limit", "2.5"), ("limit", "nan")],
)
def test_bad_pagination_is_400(client, name, value):
    body = assert_problem(track(client, DELIVERED, **{name: value}), 400)
    assert body["detail"] == f"Invalid value '{value}' of query parameter '{name}'."


def test_path_junk_is_gateway_404(client):
    assert_problem(
        client.get("/track/shipments/extra", headers=HEADERS),
        404,
        {"status": 404, "title": "Not Found", "detail": "The requested resource was not found."},
    )


def test_trailing_slash_is_404_not_a_redirect(client):
    response = client.get(
        PATH + "/", params={"trackingNumber": DELIVERED}, headers=HEADERS, follow_redirects=False
    )
    assert_problem(response, 404)


def test_wrong_method_is_405_with_allow(client):
    response = client.delete(PATH, params={"trackingNumber": DELIVERED}, headers=HEADERS)
    assert_problem(
        response, 405, {"status": 405, "title": "Method Not Allowed", "detail": "Method not allowed."}
    )
    assert response.headers["allow"] == "GET, OPTIONS"


def test_malformed_json_post_is_405(client):
    # DHL's tracking is GET-only, so a JSON body never reaches a parser.
    response = client.post(
        PATH, content=b'{"trackingNumber": ', headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert_problem(response, 405)


def test_huge_body_is_413(client):
    response = client.post(PATH, content=b"x" * ((1 << 20) + 1), headers=HEADERS)
    assert_problem(
        response, 413, {"status": 413, "title": "Payload Too Large", "detail": "Request body too large."}
    )


def test_cors_preflight_is_answered(client):
    response = client.options(PATH)
    assert response.status_code == 200
    assert response.headers["access-control-allow-methods"] == "GET,OPTIONS"


def test_no_fastapi_default_bodies_and_no_500(client):
    responses = [
        client.get(PATH),
        track(client, None),
        track(client, DELIVERED, headers={}),
        track(client, "nope"),
        track(client, DELIVERED, offset="x"),
        client.get("/", headers=HEADERS),
        client.get("/track", headers=HEADERS),
        client.put(PATH, headers=HEADERS),
        client.patch("/shipments", content=b"{", headers=HEADERS),
        client.post(PATH, content=b"x" * ((1 << 20) + 1)),
    ]
    for response in responses:
        assert response.status_code < 500, response.text
        body = response.json()
        assert set(body) != {"detail"}, body
        assert {"title", "status", "detail"} <= set(body), body


# --- determinism ---------------------------------------------------------------------------------


def test_same_world_same_bytes():
    requests = [(tn, {}) for tn in NUMBERS.values()] + [(DELIVERED, {"service": "express"})]
    outputs = []
    for _ in range(2):
        client = client_for(make_ctx())
        outputs.append([track(client, tn, **params).content for tn, params in requests])
    assert outputs[0] == outputs[1]


def test_correlation_ids_are_deterministic_and_distinct():
    runs = []
    for _ in range(2):
        client = client_for(make_ctx())
        runs.append([track(client, DELIVERED).headers["correlation-id"] for _ in range(3)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3


# --- code tables ---------------------------------------------------------------------------------


def test_every_event_code_is_mapped():
    assert set(codes.EVENT_CODES) == set(EventCode)
    for code in EventCode:
        assert codes.TEXTS["en"][f"event.{code.value}"]


def test_every_exception_reason_is_mapped():
    assert set(codes.REASON_CODES) == set(ExceptionReason)
    for reason in ExceptionReason:
        assert codes.TEXTS["en"][f"reason.{reason.value}"]


def test_status_codes_are_the_specs_enum():
    schema = load_spec("dhl")["components"]["schemas"]["supermodelIoLogisticsTrackingShipmentEvent"]
    enum = schema["properties"]["statusCode"]["enum"]
    assert list(codes.STATUS_CODES) == enum
    assert {m.status_code for m in codes.EVENT_CODES.values()} <= set(enum)


def test_every_language_table_has_every_key():
    keys = set(codes.TEXTS[codes.DEFAULT_LANGUAGE])
    for language, table in codes.TEXTS.items():
        assert set(table) == keys, language


def test_every_code_and_reason_renders_valid_json():
    tn = awb("555555555")
    t0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    reasons = [None, *ExceptionReason]
    events = []
    for i, code in enumerate(EventCode):
        for j, reason in enumerate(reasons):
            n = len(events) + 1
            at = (t0 + timedelta(minutes=10 * n)).isoformat()
            events.append(
                ScanEvent(
                    event_id=f"e{n}",
                    seq=n,
                    tracking_number=tn,
                    carrier="dhl",
                    service="ground",
                    code=code,
                    reason=reason,
                    occurred_at=at,
                    visible_at=at,
                    location=MID_HUB if (i + j) % 2 else ADDRESS,
                    estimated_delivery=EstimatedDelivery("2026-11-09"),
                    details={},
                )
            )
    ctx = FakeContext("dhl", {tn: events}, clock=datetime(2027, 1, 1, tzinfo=UTC))
    body = ok_body(track(client_for(ctx), tn))
    assert DhlClient.scan_count(body) == len(EventCode) * len(reasons)
    for event in body["shipments"][0]["events"]:
        assert "{" not in event["description"], event


# --- the client helper the live-server tests use --------------------------------------------------


def test_client_helper_tracks_and_validates(client):
    dhl = DhlClient(client, "http://testserver", api_key=KEY)
    dhl.authenticate()
    response = dhl.track(DELIVERED)
    dhl.validate(response)
    assert DhlClient.is_delivered(response.json())
    assert DhlClient.scan_count(response.json()) > 5
    assert not DhlClient.is_not_found(response)


def test_client_helper_recognises_not_found(client):
    dhl = DhlClient(client, "http://testserver/", api_key=KEY)
    dhl.authenticate()
    response = dhl.track(awb("123456789"))
    dhl.validate(response)
    assert DhlClient.is_not_found(response)


def test_client_helper_without_authenticate_gets_401(client):
    dhl = DhlClient(client, "http://testserver", api_key=KEY)
    response = dhl.track(DELIVERED)
    assert response.status_code == 401
    dhl.validate(response)
    assert not DhlClient.is_not_found(response)


@pytest.mark.unit
def test_the_correlation_id_is_the_uuid4_of_the_digest() -> None:
    import hashlib
    import uuid

    from mock_carriers.carriers.dhl.errors import uuid4_text

    for i in range(2000):
        digest = hashlib.sha256(str(i).encode()).digest()
        assert uuid4_text(digest) == str(uuid.UUID(bytes=digest[:16], version=4))
    assert uuid4_text(b"\xff" * 32) == str(uuid.UUID(bytes=b"\xff" * 16, version=4))
    assert uuid4_text(b"\x00" * 32) == str(uuid.UUID(bytes=b"\x00" * 16, version=4))
