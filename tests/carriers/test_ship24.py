"""The Ship24 mock against a hand-built world of several carriers: trackers as state, Ship24's
status fields, the aggregator's lag, courier detection, its error bodies, every answer validated
against the vendored OpenAPI file, and the real client (PyPI ``ship24``, the SDK generated from
that file) used unchanged."""

from __future__ import annotations

import json
import random
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.ship24 import codes, couriers, create_carrier_app, lag, requests
from mock_carriers.world.context import ParcelView
from sim.events import EventCode, ScanEvent
from sim.tracking_numbers import TrackingNumberFactory
from tests.carriers.fakes import FakeContext, story, truth_for
from tests.spec_validation import validate_response, validate_schema

pytestmark = pytest.mark.unit

KEY = {"Authorization": "Bearer apik_sandbox"}
_MINT = TrackingNumberFactory(random.Random(14))
NUMBERS = {carrier: _MINT.mint(carrier, "ground") for carrier in ("ups", "fedex", "dhl", "usps", "amazon")}
PARTNER = "9400111206206406260787"  # the USPS number the "customs" story hands over to


@dataclass
class WorldFake(FakeContext):
    """A FakeContext that, like the served sandbox's, reads any carrier's parcels."""

    def lookup_in(self, carrier: str, number: str, now: datetime | None = None) -> ParcelView | None:
        events = self.parcels.get(number)
        if events is None or events[0].carrier != carrier:
            return None
        at = now or self.clock
        visible = [e for e in events if datetime.fromisoformat(e.visible_at) <= at]
        return ParcelView(number, carrier, events[0].service, visible, truth_for(events))


def world(clock: datetime | None = None) -> WorldFake:
    ctx = WorldFake(carrier="ship24")
    ctx.parcels[NUMBERS["ups"]] = story(NUMBERS["ups"], "ups", kind="delivered")
    ctx.parcels[NUMBERS["fedex"]] = story(NUMBERS["fedex"], "fedex", kind="failed_then_locker")
    ctx.parcels[NUMBERS["dhl"]] = story(NUMBERS["dhl"], "dhl", kind="returned")
    ctx.parcels[NUMBERS["amazon"]] = story(NUMBERS["amazon"], "amazon", kind="customs")
    partner = story(PARTNER, "usps", kind="delivered")[-3:]  # the partner's own last scans
    ctx.parcels[PARTNER] = partner
    if clock is not None:
        ctx.clock = clock
    return ctx


def client(ctx: WorldFake) -> TestClient:
    return TestClient(create_carrier_app(ctx), raise_server_exceptions=False)


def track(http: TestClient, number: str, **extra: Any) -> dict[str, Any]:
    r = http.post("/public/v1/trackers/track", json={"trackingNumber": number, **extra}, headers=KEY)
    assert r.status_code == 200, r.text
    validate_response("ship24", "/public/v1/trackers/track", "post", 200, r.json())
    return r.json()["data"]["trackings"][0]


# --- pure parts -------------------------------------------------------------------------------


def test_every_canonical_code_has_a_status_and_milestones_fold_in_order() -> None:
    assert set(codes.STATUS) == set(EventCode)
    events = story("1Z999AA10123456784", "ups", kind="delivered")
    steps = codes.milestones(events)
    assert steps[0] == "info_received" and steps[-1] == "delivered"
    assert set(steps) <= set(codes.MILESTONES)
    # A delay is news, not a state: the milestone stays what it was.
    delayed = [i for i, e in enumerate(events) if e.code == EventCode.DELAYED]
    assert delayed and steps[delayed[0]] == steps[delayed[0] - 1] == "in_transit"
    lost = story("1Z999AA10123456784", "ups", kind="lost")
    assert codes.status_of(lost[-1]).code == "exception_lost" and codes.milestones(lost)[-1] == "exception"


def test_lag_is_deterministic_bounded_and_spread_like_an_aggregators() -> None:
    waits = []
    for i in range(400):
        n = f"1Z{i:016d}"
        event = story(n, "ups")[3]
        seen = lag.seen_at(event)
        assert seen == lag.seen_at(event)  # no hidden state
        wait = seen - datetime.fromisoformat(event.visible_at).timestamp()
        assert lag.PROCESS_MIN <= wait <= lag.POLL_MAX + lag.PROCESS_MAX
        waits.append(wait / 60)
    # Minutes to an hour or so, not instant and not days [realism: 10-30 min first, 0-2 h updates].
    assert 10 < statistics.median(waits) < 70 and max(waits) > 60 and min(waits) < 10


def test_events_one_poll_finds_appear_together_and_in_order() -> None:
    events = story("1Z999AA10123456784", "ups", kind="delivered")
    seen = [lag.seen_at(e) for e in events]
    assert seen == sorted(seen)
    k1, _ = lag.next_poll(events[0].tracking_number, datetime.fromisoformat(events[0].visible_at).timestamp())
    same = [
        s
        for e, s in zip(events, seen, strict=True)
        if lag.next_poll(e.tracking_number, datetime.fromisoformat(e.visible_at).timestamp())[0] == k1
    ]
    assert len(set(same)) == 1


@pytest.mark.parametrize("carrier", sorted(NUMBERS))
def test_the_courier_is_detected_from_the_number(carrier: str) -> None:
    assert couriers.detected(NUMBERS[carrier])[0] == carrier
    code = couriers.BY_CARRIER[carrier].code
    assert couriers.candidates("ANYTHING12", [code], restrict=True) == [carrier]
    assert couriers.candidates(NUMBERS[carrier], ["no-such-courier"], restrict=True) == []


@pytest.mark.parametrize(
    "number", ["1234", "x" * 51, "AB CD 1234", "1Z99;DROP", "AAAAAAAA", "123456789", 12345678, None]
)
def test_invalid_tracking_numbers_get_the_specs_message(number: Any) -> None:
    _, problems = requests.parse_create({"trackingNumber": number})
    assert problems == [
        "The trackingNumber provided seems invalid. Please make sure it's between 5 and 50 characters, "
        "containing only letters, numbers, and hyphens, and without dummy patterns and consecutive numbers."
    ]


# --- the API ------------------------------------------------------------------------------------


def test_a_missing_or_wrong_key_gets_ship24s_401() -> None:
    ctx = world()
    ctx.credentials.api_keys["ship24"] = {"apik_good"}
    http = client(ctx)
    for headers in ({}, {"Authorization": "Bearer apik_bad"}, {"Authorization": "apik_good"}):
        r = http.get("/public/v1/couriers", headers=headers)
        assert r.status_code == 401
        assert r.json() == {
            "errors": [{"code": "unauthorized", "message": "No valid API key provided."}],
            "data": None,
        }
        validate_schema("ship24", "error-response-format", r.json())
    assert http.get("/public/v1/couriers", headers={"Authorization": "Bearer apik_good"}).status_code == 200


def test_every_carrier_is_tracked_with_ship24s_milestones() -> None:
    http = client(world(datetime(2026, 11, 20, tzinfo=UTC)))
    expected = {"ups": "delivered", "fedex": "delivered", "dhl": "exception", "amazon": "delivered"}
    for carrier, milestone in expected.items():
        tracking = track(http, NUMBERS[carrier])
        shipment, events = tracking["shipment"], tracking["events"]
        assert shipment["statusMilestone"] == milestone, carrier
        assert events and all(e["courierCode"] for e in events)
        assert events[0]["statusMilestone"] == milestone  # newest first
        times = [e["occurrenceDatetime"] for e in events]
        assert times == sorted(times, reverse=True)
    fedex = track(http, NUMBERS["fedex"])
    milestones = [e["statusMilestone"] for e in reversed(fedex["events"])]
    assert "failed_attempt" in milestones and "available_for_pickup" in milestones
    assert fedex["statistics"]["timestamps"]["failedAttemptDatetime"] is not None
    ups = track(http, NUMBERS["ups"])
    assert ups["shipment"]["delivery"]["signedBy"] == "DOE" and ups["tracker"]["isTracked"] is False


def test_a_partners_events_join_the_shipment_under_their_own_number() -> None:
    http = client(world(datetime(2026, 11, 20, tzinfo=UTC)))
    tracking = track(http, NUMBERS["amazon"])
    assert [t["tn"] for t in tracking["shipment"]["trackingNumbers"]] == [NUMBERS["amazon"], PARTNER]
    newest = tracking["events"][0]
    assert newest["eventTrackingNumber"] == PARTNER and newest["courierCode"] == "us-post"
    assert (
        newest["trackingNumber"] == NUMBERS["amazon"]
        and tracking["shipment"]["statusMilestone"] == "delivered"
    )
    # No courierCode given: the tracker names the couriers found handling the shipment.
    assert tracking["tracker"]["courierCode"] == ["amazon-shipping", "us-post"]


def test_an_unknown_number_is_pending_with_no_events() -> None:
    http = client(world())
    tracking = track(http, "1Z999AA10000000001")
    assert tracking["shipment"]["statusMilestone"] == "pending" and tracking["events"] == []
    assert tracking["tracker"]["isTracked"] is True


def test_trackers_are_idempotent_per_payload_and_found_every_way() -> None:
    http = client(world(datetime(2026, 11, 20, tzinfo=UTC)))
    body = {"trackingNumber": NUMBERS["ups"], "clientTrackerId": "order-1"}
    first = http.post("/public/v1/trackers", json=body, headers=KEY)
    assert first.status_code == 201
    validate_response("ship24", "/public/v1/trackers", "post", 201, first.json())
    tracker = first.json()["data"]["tracker"]
    again = http.post("/public/v1/trackers", json=body, headers=KEY).json()["data"]["tracker"]
    assert again == tracker
    other = http.post(
        "/public/v1/trackers", json={"trackingNumber": NUMBERS["ups"], "shipmentReference": "r2"}, headers=KEY
    ).json()["data"]["tracker"]
    assert other["trackerId"] != tracker["trackerId"]
    by_number = http.get(f"/public/v1/trackers/search/{NUMBERS['ups']}/results", headers=KEY).json()
    assert [t["tracker"]["trackerId"] for t in by_number["data"]["trackings"]] == [
        tracker["trackerId"],
        other["trackerId"],
    ]
    got = http.get("/public/v1/trackers/order-1", params={"searchBy": "clientTrackerId"}, headers=KEY)
    assert got.json()["data"]["tracker"]["trackerId"] == tracker["trackerId"]
    validate_schema("ship24", "tracker", got.json()["data"]["tracker"])
    results = http.get(f"/public/v1/trackers/{tracker['trackerId']}/results", headers=KEY)
    validate_response("ship24", "/public/v1/trackers/{trackerId}/results", "get", 200, results.json())
    # The client id names one active tracker: taken until that one is unsubscribed.
    taken = http.post("/public/v1/trackers", json={**body, "title": "again"}, headers=KEY)
    assert taken.status_code == 400 and taken.json()["errors"][0]["code"] == "validation_error"
    missing = http.get("/public/v1/trackers/nope", headers=KEY)
    assert missing.status_code == 404
    assert missing.json() == {
        "errors": [{"code": "tracker_not_found", "message": "Tracker not found."}],
        "data": None,
    }


def test_trackers_are_listed_by_page_in_either_order() -> None:
    http = client(world())
    ids = []
    for i in range(5):
        r = http.post("/public/v1/trackers", json={"trackingNumber": f"ORDER{i}X42"}, headers=KEY)
        ids.append(r.json()["data"]["tracker"]["trackerId"])
    page = http.get("/public/v1/trackers", params={"page": 2, "limit": 2}, headers=KEY)
    assert [t["trackerId"] for t in page.json()["data"]["trackers"]] == ids[2:4]
    validate_response("ship24", "/public/v1/trackers", "get", 200, page.json())
    newest = http.get("/public/v1/trackers", params={"page": 1, "limit": 2, "sort": -1}, headers=KEY)
    assert [t["trackerId"] for t in newest.json()["data"]["trackers"]] == ids[:-3:-1]
    assert (
        http.get("/public/v1/trackers", params={"page": 9, "limit": 2}, headers=KEY).json()["data"][
            "trackers"
        ]
        == []
    )
    for params in (
        {"limit": 2},
        {"page": 0, "limit": 2},
        {"page": 1, "limit": 501},
        {"page": 1, "limit": 2, "sort": 0},
    ):
        bad = http.get("/public/v1/trackers", params=params, headers=KEY)
        assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "validation_error", params


def test_bulk_creation_reports_each_item() -> None:
    http = client(world())
    ok = {"trackingNumber": NUMBERS["ups"]}
    r = http.post("/public/v1/trackers/bulk", json=[ok, {"trackingNumber": NUMBERS["dhl"]}], headers=KEY)
    assert r.status_code == 201 and r.json()["status"] == "success"
    validate_response("ship24", "/public/v1/trackers/bulk", "post", 201, r.json())
    r = http.post(
        "/public/v1/trackers/bulk", json={"trackers": [ok, {"trackingNumber": "AAAAAAAA"}]}, headers=KEY
    )
    assert r.status_code == 207 and r.json()["summary"] == {
        "totalInputs": 2,
        "totalCreated": 0,
        "totalExisting": 1,
        "totalErrors": 1,
    }
    validate_response("ship24", "/public/v1/trackers/bulk", "post", 207, r.json())
    r = http.post("/public/v1/trackers/bulk", json=[{"trackingNumber": "AAAAAAAA"}], headers=KEY)
    assert r.status_code == 400 and r.json()["error"]["code"] == "processing_error"
    validate_response("ship24", "/public/v1/trackers/bulk", "post", 400, r.json())
    too_many = http.post("/public/v1/trackers/bulk", json=[ok] * 101, headers=KEY)
    assert too_many.status_code == 400 and too_many.json()["status"] == "error"


def test_an_update_unsubscribes_and_refuses_shipment_fields_once_results_exist() -> None:
    http = client(world(datetime(2026, 11, 20, tzinfo=UTC)))
    tracker = track(http, NUMBERS["dhl"])["tracker"]
    path = f"/public/v1/trackers/{tracker['trackerId']}"
    refused = http.patch(path, json={"destinationPostCode": "60614"}, headers=KEY)
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "tracker_not_updatable"
    off = http.patch(path, json={"isSubscribed": False}, headers=KEY).json()["data"]["tracker"]
    assert off["isSubscribed"] is False and off["isTracked"] is False
    pending = track(http, "1Z999AA10000000002")["tracker"]
    moved = http.patch(
        f"/public/v1/trackers/{pending['trackerId']}", json={"courierCode": ["ups"]}, headers=KEY
    )
    assert moved.status_code == 200 and moved.json()["data"]["tracker"]["courierCode"] == ["ups"]


def test_events_reach_ship24_after_the_carrier_shows_them() -> None:
    """A tracker created before a scan sees it only when Ship24's poll has found it; one created
    after fetches what the carrier already shows at once."""
    number = NUMBERS["ups"]
    events: list[ScanEvent] = world().parcels[number]
    out_for_delivery = next(e for e in events if e.code == EventCode.OUT_FOR_DELIVERY)
    visible = datetime.fromisoformat(out_for_delivery.visible_at)
    ctx = world(visible - timedelta(hours=1))
    http = client(ctx)
    early = track(http, number)
    assert early["shipment"]["statusMilestone"] == "in_transit"
    ctx.clock = visible + timedelta(seconds=1)
    assert track(http, number)["shipment"]["statusMilestone"] == "in_transit"  # not polled yet
    fresh = track(http, number, shipmentReference="new")  # a new tracker fetches synchronously
    assert fresh["shipment"]["statusMilestone"] == "out_for_delivery"
    ctx.clock = datetime.fromtimestamp(lag.seen_at(out_for_delivery), tz=UTC) + timedelta(seconds=1)
    assert track(http, number)["shipment"]["statusMilestone"] == "out_for_delivery"
    # The per-call search fetches synchronously, with no tracker.
    ctx.clock = visible + timedelta(seconds=1)
    r = http.post("/public/v1/tracking/search", json={"trackingNumber": number}, headers=KEY)
    assert (
        r.status_code == 201
        and r.json()["data"]["trackings"][0]["shipment"]["statusMilestone"] == "out_for_delivery"
    )
    validate_response("ship24", "/public/v1/tracking/search", "post", 201, r.json())


def test_couriers_and_bad_bodies() -> None:
    http = client(world())
    r = http.get("/public/v1/couriers", headers=KEY)
    validate_response("ship24", "/public/v1/couriers", "get", 200, r.json())
    assert "us-post" in {c["courierCode"] for c in r.json()["data"]["couriers"]}
    for body in (b"{", b"[]", b'{"trackingNumber": "1Z999AA10123456784", "courierCode": ["a","b","c","d"]}'):
        bad = http.post(
            "/public/v1/trackers", content=body, headers={**KEY, "content-type": "application/json"}
        )
        assert bad.status_code == 400, body
        validate_response("ship24", "/public/v1/trackers", "post", 400, bad.json())
    countries = http.post(
        "/public/v1/trackers/track",
        json={"trackingNumber": NUMBERS["ups"], "destinationCountryCode": "U1", "originCountryCode": "USAX"},
        headers=KEY,
    ).json()["errors"]
    assert [e["message"] for e in countries] == [
        "Please make sure that originCountryCode contains only 2 or 3 characters.",
        "Please make sure that destinationCountryCode is a valid country code and is in ISO 3166-1 alpha-2 "
        "or alpha-3 format.",
    ]
    gone = http.get("/public/v1/nothing", headers=KEY)
    assert gone.status_code == 404 and set(gone.json()) == {"errors", "data"}


def test_the_real_client_tracks_through_the_mock_unchanged() -> None:
    """PyPI ``ship24`` (Speakeasy-generated from Ship24's OpenAPI file), pointed at the mock."""
    ship24 = pytest.importorskip("ship24")
    http = client(world(datetime(2026, 11, 20, tzinfo=UTC)))
    sdk = ship24.Ship24(authorization="Bearer apik_sandbox", server_url="http://testserver", client=http)
    res = sdk.trackers.create_tracker_and_get_tracking_results(request={"tracking_number": NUMBERS["fedex"]})
    tracking = res.result.data.trackings[0]
    assert tracking.shipment.status_milestone == "delivered"
    assert tracking.events[0].courier_code == "fedex"
    created = sdk.trackers.create_tracker(request={"tracking_number": NUMBERS["dhl"]})
    assert created.result.data.tracker.tracking_number == NUMBERS["dhl"]
    results = sdk.trackers.get_tracking_results_of_tracker_by_tracker_id(
        tracker_id=created.result.data.tracker.tracker_id
    )
    assert results.result.data.trackings[0].shipment.status_milestone == "exception"
    listed = sdk.couriers.get_couriers()
    assert any(c.courier_code == "us-post" for c in listed.result.data.couriers)
    with pytest.raises(ship24.errors.ErrorResponseFormat):
        sdk.trackers.create_tracker(request={"tracking_number": "AAAAAAAA"})


def test_webhook_bodies_follow_ship24s_shape_and_its_lag() -> None:
    """The ``ship24`` webhook format: due when Ship24 has the scan (not when the carrier shows it),
    pushed for subscribed trackers only, one event per message, the secret as a Bearer header."""
    from mock_carriers.carriers.ship24 import webhook
    from mock_carriers.carriers.ship24.trackers import TrackerStore
    from mock_carriers.webhooks import formats

    events = world().parcels[NUMBERS["ups"]]
    ctx = world(datetime.fromisoformat(events[0].visible_at))
    store = TrackerStore(ctx)
    tracker, _ = store.create({"trackingNumber": NUMBERS["ups"]}, ctx.clock)
    state = store.state
    later = events[4]
    visible = datetime.fromisoformat(later.visible_at).timestamp()
    assert formats.due_later("ship24", later, visible) == lag.seen_at(later) > visible
    assert formats.due_later("sandbox", later, visible) is None
    assert webhook.subscribed(state, later, lag.seen_at(later), events[:5])
    assert not webhook.subscribed(state, events[0], tracker["created"] - 1, events[:1])
    raw = formats.render("ship24", later, events[:5], truth_for(events), "dlv_1", state)
    body = json.loads(raw)
    [item] = body["trackings"]
    assert item["tracker"]["trackerId"] == tracker["trackerId"] and len(item["events"]) == 1
    assert item["events"][0]["eventTrackingNumber"] == later.tracking_number
    assert set(item) == {"metadata", "tracker", "shipment", "events", "statistics"}
    for name in ("tracker", "shipment", "statistics"):
        validate_schema("ship24", name, item[name])
    validate_schema("ship24", "event", item["events"][0])
    assert webhook.headers("s3cret", raw.encode()) == {"Authorization": "Bearer s3cret"}


def test_the_docs_code_table_is_the_code_map() -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "carriers" / "ship24.md").read_text(
        encoding="utf-8"
    )

    def cell(value: str | None) -> str:
        return f"`{value}`" if value else "null"

    for code, status in codes.STATUS.items():
        milestone = f"`{status.milestone}`" if status.milestone else "unchanged"
        cells = [code.value, cell(status.code), cell(status.category), milestone, codes.TEXTS[code]]
        row = "| " + " | ".join(cells) + " |"
        assert row in doc, row
    for reason, text in codes.REASON_TEXTS.items():
        assert (
            f'| {reason.value} | `{codes.REASON_CODES.get(reason, "exception_other")}` | " - {text}" |' in doc
        )
