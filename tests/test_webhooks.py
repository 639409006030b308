"""Webhooks end to end: the sandbox on a live uvicorn server (lifespan on, so the dispatcher runs)
posting to a real receiver on loopback that records every call, verifies signatures and can be
told to fail. Plus the control plane's refusals, UPS Track Alert's subscription call, and the
carrier-native payloads checked against the carriers' specs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
import time
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openapi_schema_validator import OAS31Validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_carriers.app import create_app
from mock_carriers.carriers.fedex import webhook as fedex_webhook
from mock_carriers.carriers.ups import trackalert
from mock_carriers.webhooks.models import RetryPolicy, WebhookConfig
from mock_carriers.world.context import ParcelView
from tests.carriers.fakes import story, truth_for
from tests.conftest import small_scenario
from tests.live import free_port, live_server
from tests.problems import assert_problem
from tests.spec_validation import load_spec, validate_response

SECRET = "whsec-test"
#: Retries within tens of milliseconds, so a test sees many attempts in well under a second.
FAST = WebhookConfig(
    retry=RetryPolicy(base_seconds=0.02, factor=2.0, max_seconds=0.2, max_attempts=30, timeout_seconds=5),
    tick_seconds=0.02,
    reorder_hold_seconds=0.5,
)
TRACK_ALERT = "/ups/api/track/v2/subscription/standard/package"
TRACK_ALERT_SPEC = "/subscription/{type}/package"


def webhook_app(**kwargs: Any) -> FastAPI:
    kwargs.setdefault("webhooks", FAST)
    return create_app(small_scenario(duration="1d", demand={"parcels_per_day": 40}), **kwargs)


# the dispatcher runs in the app's lifespan, which tests.live.live_server keeps on
served = live_server


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers["x-parcel-sandbox-delivery"]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Receiver:
    """A webhook endpoint: records every call in arrival order; ``fail(n)`` decides whether call
    number ``n`` (0-based) is answered 500."""

    def __init__(self, fail: Callable[[int], bool] = lambda n: False) -> None:
        self.fail = fail
        self.delay: Callable[[int], float] = lambda n: 0.0
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/hook", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            n = len(self.calls)
            status = 500 if self.fail(n) else 200
            self.calls.append(Call(dict(request.headers), body, status))
        await asyncio.sleep(self.delay(n))
        return Response(status_code=status)

    def snapshot(self) -> list[Call]:
        with self._lock:
            return list(self.calls)

    def acknowledged(self) -> dict[str, Call]:
        """De-duplicated by delivery id: the first acknowledged call of each delivery."""
        out: dict[str, Call] = {}
        for call in self.snapshot():
            if call.ok:
                out.setdefault(call.delivery_id, call)
        return out


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def advance(http: httpx.Client, base: str, by: str) -> dict[str, Any]:
    r = http.post(f"{base}/_sandbox/clock", json={"advance": by})
    assert r.status_code == 200, r.text
    return r.json()


def subscribe(http: httpx.Client, base: str, **body: Any) -> dict[str, Any]:
    r = http.post(f"{base}/_sandbox/webhooks", json={"secret": SECRET, **body})
    assert r.status_code == 201, r.text
    return r.json()


def counts(http: httpx.Client, base: str, sid: str) -> dict[str, int]:
    r = http.get(f"{base}/_sandbox/webhooks/{sid}")
    assert r.status_code == 200, r.text
    return r.json()["deliveries"]


def attempts(http: httpx.Client, base: str, sid: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 1000} | ({"cursor": cursor} if cursor else {})
        page = http.get(f"{base}/_sandbox/webhooks/{sid}/deliveries", params=params).json()
        items += page["items"]
        cursor = page["next"]
        if cursor is None:
            return items


def visible_events(http: httpx.Client, base: str, carrier: str) -> list[dict[str, Any]]:
    """Every event of ``carrier`` the sandbox shows now, through the control plane."""
    listing = http.get(f"{base}/_sandbox/parcels", params={"carrier": carrier, "limit": 1000}).json()
    out: list[dict[str, Any]] = []
    for parcel in listing["items"]:
        out += http.get(f"{base}/_sandbox/parcels/{parcel['tracking_number']}").json()["events"]
    return out


def drained(http: httpx.Client, base: str, sid: str) -> bool:
    c = counts(http, base, sid)
    return c["pending"] == 0 and c["delivered"] + c["failed"] > 0


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    rec = Receiver()
    with live_server(rec.app) as base:
        yield rec, f"{base}/hook"


# --- the sandbox format ---------------------------------------------------------------------------


@pytest.mark.live
def test_sandbox_deliveries_are_signed_over_the_raw_body(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"])["id"]
        advance(http, base, "2d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
    calls = rec.snapshot()
    assert calls
    for call in calls:
        expected = "sha256=" + hmac.new(SECRET.encode(), call.body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(call.headers["x-parcel-sandbox-signature"], expected)
        body = call.json
        assert list(body) == ["delivery_id", "attempt", "event"]
        assert body["delivery_id"] == call.delivery_id
        assert str(body["attempt"]) == call.headers["x-parcel-sandbox-attempt"]
        assert body["event"]["carrier"] == "dhl"


@pytest.mark.live
def test_dispatcher_starts_on_first_subscription_without_a_lifespan(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    with live_server(webhook_app(), lifespan="off") as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"])["id"]
        advance(http, base, "1d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
    assert rec.acknowledged()


@pytest.mark.live
def test_failing_receiver_still_gets_every_event_exactly_once_after_dedup(
    receiver: tuple[Receiver, str],
) -> None:
    rec, url = receiver
    rec.fail = lambda n: n < 6  # the first six calls answer 500
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl", "fedex"])["id"]
        advance(http, base, "2d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
        expected = {e["event_id"] for c in ("dhl", "fedex") for e in visible_events(http, base, c)}
        log = attempts(http, base, sid)
        final = counts(http, base, sid)
    acked = rec.acknowledged()
    got = [call.json["event"]["event_id"] for call in acked.values()]
    assert sorted(got) == sorted(expected)  # every event, none twice once de-duplicated
    assert final["failed"] == 0
    assert [a["status_code"] for a in log].count(500) == 6
    by_delivery: dict[str, set[str]] = defaultdict(set)
    for a in log:
        by_delivery[a["delivery_id"]].add(a["event_id"])
    assert all(len(events) == 1 for events in by_delivery.values())  # stable id per event
    # Every delivery that was retried ended delivered (the world becomes visible as the engine's
    # frontier moves, so one delivery may meet two of the six 500s).
    last: dict[str, dict[str, Any]] = {}
    for a in sorted(log, key=lambda a: (a["delivery_id"], a["attempt"])):
        last[a["delivery_id"]] = a
    retried = [d for d, a in last.items() if a["attempt"] > 1]
    assert retried and all(last[d]["outcome"] == "delivered" for d in retried)


@pytest.mark.live
def test_per_parcel_order_holds_while_deliveries_fail_and_retry(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.fail = lambda n: n % 3 == 0  # every third call fails
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl", "fedex"])["id"]
        advance(http, base, "2d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
    calls = rec.snapshot()
    seqs: dict[str, set[int]] = defaultdict(set)
    for call in calls:
        event = call.json["event"]
        seqs[event["tracking_number"]].add(event["seq"])
    acked: dict[str, set[int]] = defaultdict(set)
    for call in calls:
        event = call.json["event"]
        tn, seq = event["tracking_number"], event["seq"]
        earlier = {s for s in seqs[tn] if s < seq}
        assert earlier <= acked[tn], (
            f"{tn} seq {seq} was sent before seq {sorted(earlier - acked[tn])} was acked"
        )
        if call.ok:
            acked[tn].add(seq)
    assert any(len(s) > 3 for s in seqs.values())


@pytest.mark.live
def test_injected_out_of_order_delivery_breaks_per_parcel_order(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        subscribe(http, base, url=url, carriers=["dhl", "fedex"], inject={"out_of_order": 0.5})
        advance(http, base, "3d")

        def overtaken() -> bool:
            last: dict[str, int] = {}
            for call in rec.snapshot():
                event = call.json["event"]
                if event["seq"] < last.get(event["tracking_number"], 0):
                    return True
                last[event["tracking_number"]] = event["seq"]
            return False

        wait_for(overtaken, timeout=10, what="a later event to overtake an earlier one")


@pytest.mark.live
@pytest.mark.slow
def test_a_delivery_fails_after_max_attempts_and_the_parcel_moves_on(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.fail = lambda n: True
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        retry = {"max_attempts": 3, "base_seconds": 0.01, "max_seconds": 0.05}
        sid = subscribe(http, base, url=url, carriers=["dhl"], retry=retry)["id"]
        advance(http, base, "2d")
        wait_for(lambda: drained(http, base, sid), what="deliveries to fail")
        events = visible_events(http, base, "dhl")
        final = counts(http, base, sid)
        log = attempts(http, base, sid)
    assert final == {"pending": 0, "delivered": 0, "failed": len(events), "attempts": 3 * len(events)}
    outcomes: dict[str, list[str]] = defaultdict(list)
    for a in log:
        outcomes[a["delivery_id"]].append(a["outcome"])
    assert set(map(tuple, outcomes.values())) == {("retry", "retry", "failed")}
    assert {a["status_code"] for a in log} == {500}


@pytest.mark.live
def test_a_receiver_that_answers_too_slowly_is_retried(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.delay = lambda n: 1.0 if n == 0 else 0.0
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"], retry={"timeout_seconds": 0.2})["id"]
        advance(http, base, "1d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
        log = attempts(http, base, sid)
    timed_out = [a for a in log if a["error"] is not None]
    assert len(timed_out) == 1
    first = timed_out[0]
    assert (first["status_code"], first["error"], first["outcome"], first["attempt"]) == (
        None,
        "timeout",
        "retry",
        1,
    )
    again = next(a for a in log if a["delivery_id"] == first["delivery_id"] and a["attempt"] == 2)
    assert (again["status_code"], again["outcome"]) == (200, "delivered")


@pytest.mark.live
def test_injected_duplicates_resend_acknowledged_deliveries(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"], inject={"duplicate": 1.0})["id"]
        advance(http, base, "1d")
        wait_for(lambda: drained(http, base, sid), what="deliveries")
        delivered = counts(http, base, sid)["delivered"]
        wait_for(lambda: len(rec.snapshot()) == 2 * delivered, what="duplicates")
        # the receiver sees a duplicate before the dispatcher logs its outcome
        wait_for(lambda: len(attempts(http, base, sid)) == 2 * delivered, what="duplicates logged")
        log = attempts(http, base, sid)
    assert sorted(a["outcome"] for a in log) == ["delivered"] * delivered + ["duplicate"] * delivered
    per_id: dict[str, int] = defaultdict(int)
    for call in rec.snapshot():
        per_id[call.delivery_id] += 1
    assert set(per_id.values()) == {2}


@pytest.mark.live
@pytest.mark.slow
def test_undelivered_events_survive_a_restart_with_db(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    port = free_port()  # the receiver is down for the first life of the sandbox
    url = f"http://127.0.0.1:{port}/hook"
    first = webhook_app(db=db)
    with served(first) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"])["id"]
        advance(http, base, "2d")
        expected = {e["event_id"] for e in visible_events(http, base, "dhl")}
        wait_for(lambda: counts(http, base, sid)["attempts"] >= len(expected), what="refused attempts")
        pending = counts(http, base, sid)["pending"]
        errors = {a["error"] for a in attempts(http, base, sid)}
        stopped_at = http.get(f"{base}/_sandbox/clock").json()["now"]
    first.state.sandbox.webhooks.close()
    first.state.sandbox.close()  # one process per --db file: the first life's engine stops here
    assert pending == len(expected) > 0
    assert all(e and e.startswith("ConnectError") for e in errors)

    rec = Receiver()
    with (
        live_server(rec.app, port=port),
        served(webhook_app(db=db)) as base,
        httpx.Client(timeout=30) as http,
    ):
        # The world resumes where it was (docs/serving.md), its pending deliveries with it.
        assert http.get(f"{base}/_sandbox/clock").json()["now"] == stopped_at
        wait_for(lambda: len(rec.acknowledged()) >= len(expected), what="restored deliveries")
        assert {c.json["event"]["event_id"] for c in rec.acknowledged().values()} == expected
        # Moving on delivers what becomes visible next, and nothing acknowledged again.
        advance(http, base, "1d")
        later = {e["event_id"] for e in visible_events(http, base, "dhl")}
        assert later > expected
        wait_for(lambda: len(rec.acknowledged()) >= len(later), what="the next day's deliveries")
        assert {c.json["event"]["event_id"] for c in rec.acknowledged().values()} == later
        wait_for(lambda: counts(http, base, sid)["pending"] == 0, what="drained")
        assert counts(http, base, sid)["delivered"] == len(later)
    assert len(rec.acknowledged()) == len([c for c in rec.snapshot() if c.ok])  # no id acked twice


@pytest.mark.live
def test_reset_drops_pending_deliveries_and_replays_with_new_ids(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    rec.fail = lambda n: True
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"], retry={"max_attempts": 100})["id"]
        advance(http, base, "2d")
        wait_for(lambda: counts(http, base, sid)["pending"] > 0, what="pending deliveries")
        before = {c.delivery_id for c in rec.snapshot()}
        assert http.post(f"{base}/_sandbox/reset", timeout=60).status_code == 200
        assert counts(http, base, sid)["pending"] == 0
        rec.fail = lambda n: False
        advance(http, base, "2d")
        wait_for(lambda: drained(http, base, sid), what="deliveries after the reset")
    after = set(rec.acknowledged())
    assert after and not after & before


@pytest.mark.live
def test_the_hub_never_asks_the_sandbox_while_holding_its_lock(receiver: tuple[Receiver, str]) -> None:
    """Lock order is sandbox, then hub: a reset holds the sandbox's lock while it calls the hub's
    on_reset. The hub asking the sandbox (now(), which may start a new generation's engine under
    the sandbox's lock) while holding its own lock deadlocked resets under retrying deliveries."""
    rec, url = receiver
    rec.fail = lambda n: True
    app = webhook_app()
    sandbox = app.state.sandbox
    hub = sandbox.webhooks
    inside: list[str] = []
    real_now = sandbox.now

    def checked_now() -> Any:
        if hub._lock._is_owned():  # an RLock held by this thread
            inside.append("".join(traceback.format_stack(limit=4)))
        return real_now()

    sandbox.now = checked_now
    with served(app) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, carriers=["dhl"], retry={"max_attempts": 100})["id"]
        advance(http, base, "2d")
        wait_for(lambda: counts(http, base, sid)["pending"] > 0, what="pending deliveries")
        wait_for(lambda: len(rec.snapshot()) >= 3, what="failed attempts")
        assert http.post(f"{base}/_sandbox/reset", timeout=60).status_code == 200
    assert not inside, inside[0]


# --- the control plane ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def control() -> Iterator[TestClient]:
    app = webhook_app(webhook_allow=["hooks.internal", "10.0.0.0/8"])
    with TestClient(app) as client:
        yield client


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "http://127.10.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "https://hooks.internal/hook",
        "http://10.1.2.3:8080/hook",
    ],
)
def test_loopback_and_allowed_hosts_are_accepted(control: TestClient, url: str) -> None:
    r = control.post("/_sandbox/webhooks", json={"url": url, "secret": SECRET})
    assert r.status_code == 201, r.text
    assert r.json()["url"] == url


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://example.com/hook",
            "webhook url host 'example.com' is not allowed: the sandbox only calls loopback addresses "
            "(127.0.0.0/8, ::1, localhost) unless the operator allows the host with "
            "--webhook-allow example.com",
        ),
        (
            "http://192.168.1.10/hook",
            "webhook url host '192.168.1.10' is not allowed: the sandbox only calls loopback addresses "
            "(127.0.0.0/8, ::1, localhost) unless the operator allows the host with "
            "--webhook-allow 192.168.1.10",
        ),
        ("ftp://127.0.0.1/hook", "webhook url must start with http:// or https://"),
        ("not a url", "webhook url must start with http:// or https://"),
    ],
)
def test_other_hosts_are_refused(control: TestClient, url: str, message: str) -> None:
    r = control.post("/_sandbox/webhooks", json={"url": url, "secret": SECRET})
    assert_problem(r, 400, message)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"format": "ups", "carriers": ["dhl"]}, "format 'ups' carries ups events only, not 'dhl'"),
        ({"carriers": ["royalmail"]}, "unknown carrier 'royalmail'; use one of "),
        ({"carriers": []}, "carriers must name at least one carrier"),
        (
            {"scope": "subscribed"},
            "scope 'subscribed' (UPS Track Alert or Ship24 trackers numbers) needs format 'ups' or 'ship24'",
        ),
    ],
)
def test_bad_subscriptions_are_refused(control: TestClient, body: dict[str, Any], message: str) -> None:
    r = control.post("/_sandbox/webhooks", json={"url": "http://127.0.0.1:9/hook", "secret": SECRET, **body})
    assert r.status_code == 400
    assert r.json()["error"].startswith(message)


@pytest.mark.unit
def test_malformed_subscription_body_gets_the_control_plane_error(control: TestClient) -> None:
    r = control.post("/_sandbox/webhooks", json={"url": "http://127.0.0.1:9/hook", "format": "xml"})
    assert_problem(
        r, 400, "secret: Field required; format: Input should be 'sandbox', 'ups', 'fedex' or 'ship24'"
    )


@pytest.mark.unit
def test_subscriptions_can_be_listed_read_and_deleted(control: TestClient) -> None:
    made = control.post(
        "/_sandbox/webhooks", json={"url": "http://127.0.0.1:9/crud", "secret": SECRET}
    ).json()
    sid = made["id"]
    assert sid.startswith("wh_") and "secret" not in made
    assert made["deliveries"] == {"pending": 0, "delivered": 0, "failed": 0, "attempts": 0}
    assert sid in [s["id"] for s in control.get("/_sandbox/webhooks").json()]
    assert control.get(f"/_sandbox/webhooks/{sid}").json() == made
    assert control.get(f"/_sandbox/webhooks/{sid}/deliveries").json() == {"items": [], "next": None}
    assert control.delete(f"/_sandbox/webhooks/{sid}").json() == {"id": sid, "status": "deleted"}
    for r in (
        control.get(f"/_sandbox/webhooks/{sid}"),
        control.delete(f"/_sandbox/webhooks/{sid}"),
        control.get(f"/_sandbox/webhooks/{sid}/deliveries"),
    ):
        assert_problem(r, 404, f"no webhook subscription {sid}")


@pytest.mark.unit
def test_deliveries_refuse_a_bad_cursor(control: TestClient) -> None:
    sid = control.post("/_sandbox/webhooks", json={"url": "http://127.0.0.1:9/c", "secret": SECRET}).json()[
        "id"
    ]
    r = control.get(f"/_sandbox/webhooks/{sid}/deliveries", params={"cursor": "abc"})
    assert_problem(r, 400, startswith="cursor: not a cursor this sandbox issued")


@pytest.mark.unit
def test_retry_schedule_is_exponential_jittered_and_reproducible() -> None:
    policy = RetryPolicy(base_seconds=30, factor=2, max_seconds=3600, jitter=0.2)
    waits = [policy.delay(n, "seed:dlv_1") for n in range(1, 10)]
    assert waits == [policy.delay(n, "seed:dlv_1") for n in range(1, 10)]
    for n, wait in enumerate(waits, start=1):
        nominal = min(3600, 30 * 2 ** (n - 1))
        assert 0.8 * nominal <= wait <= 1.2 * nominal
    assert waits != [policy.delay(n, "seed:dlv_2") for n in range(1, 10)]


@pytest.mark.unit
def test_serve_passes_webhook_allow_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_carriers import serve as serve_module
    from parcel_sandbox.cli import build_parser

    seen: dict[str, Any] = {}

    class NoServer:
        def __init__(self, config: Any) -> None:
            seen.update(app=config.app, host=config.host)

        def run(self) -> None:
            pass

    monkeypatch.setattr(serve_module.uvicorn, "Server", NoServer)
    args = build_parser().parse_args(
        ["serve", "baseline", "--webhook-allow", "hooks.internal", "--webhook-allow", "10.0.0.0/8"]
    )
    scenario = small_scenario(duration="1d", demand={"parcels_per_day": 40})
    assert serve_module.serve(scenario, args) == 0
    hub = seen["app"].state.sandbox.webhooks
    assert hub.check_url("http://hooks.internal/x") is None
    assert hub.check_url("http://10.9.9.9/x") is None
    assert hub.check_url("http://example.com/x") is not None
    assert seen["host"] == "127.0.0.1"


# --- UPS Track Alert ---------------------------------------------------------------------------------


def ups_token(http: httpx.Client | TestClient, base: str) -> dict[str, str]:
    r = http.post(
        f"{base}/ups/security/v1/oauth/token",
        auth=("sandbox-client", "sandbox-secret"),
        data={"grant_type": "client_credentials"},
    )
    assert r.status_code == 200, r.text
    return {
        "Authorization": f"Bearer {r.json()['access_token']}",
        "transId": "t-1",
        "transactionSrc": "tests",
    }


def trackalert_validator() -> OAS31Validator:
    # The Track Alert spec is OpenAPI 3.1 (``oneOf`` of ``const``); a 3.0 validator would reject
    # every activity type as matching all of them.
    spec = load_spec("ups_trackalert")
    return OAS31Validator(
        {"$ref": "#/components/schemas/TrackingEventRequest", "components": spec["components"]}
    )


@pytest.mark.live
def test_ups_track_alert_sends_subscribed_numbers_in_the_spec_shape(receiver: tuple[Receiver, str]) -> None:
    rec, url = receiver
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, format="ups", scope="subscribed")["id"]
        since = advance(http, base, "18h")["now"]
        ups = http.get(f"{base}/_sandbox/parcels", params={"carrier": "ups", "limit": 1000}).json()["items"]
        chosen = [p["tracking_number"] for p in ups][:2]
        assert len(chosen) == 2
        r = http.post(
            f"{base}{TRACK_ALERT}",
            headers=ups_token(http, base),
            json={"locale": "en_US", "countryCode": "US", "trackingNumberList": [*chosen, "1Z12$"]},
        )
        assert r.status_code == 200, r.text
        assert r.json() == {"validTrackingNumbers": chosen, "invalidTrackingNumbers": ["1Z12$"]}
        validate_response("ups_trackalert", TRACK_ALERT_SPEC, "post", 200, r.json())
        advance(http, base, "3d")
        wait_for(lambda: drained(http, base, sid), what="Track Alert deliveries")
        expected = sorted(
            (e["tracking_number"], e["seq"])
            for tn in chosen
            for e in http.get(f"{base}/_sandbox/parcels/{tn}").json()["events"]
            if datetime.fromisoformat(e["visible_at"]) > datetime.fromisoformat(since)
        )
    validator = trackalert_validator()
    calls = list(rec.acknowledged().values())
    for call in calls:
        assert call.headers["user-agent"] == "UPSPubSubTrackingService"
        assert call.headers["x-api-key"] == SECRET
        errors = [e.message for e in validator.iter_errors(call.json)]
        assert not errors, (call.json, errors)
    assert {c.json["trackingNumber"] for c in calls} == set(chosen)
    assert len(calls) == len(expected)


@pytest.mark.unit
def test_ups_payloads_of_every_story_match_the_spec() -> None:
    validator = trackalert_validator()
    for i, kind in enumerate(("delivered", "failed_then_locker", "returned", "customs", "lost", "damaged")):
        events = story(f"1Z12345E020527168{i}", "ups", "ground", kind)
        for n, event in enumerate(events, start=1):
            body = trackalert.render_event(event, events[:n])
            errors = [e.message for e in validator.iter_errors(body)]
            assert not errors, (kind, event.code, body, errors)


@pytest.fixture
def ups_headers(control: TestClient) -> dict[str, str]:
    return ups_token(control, "")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("body", "code", "invalid"),
    [
        ({"countryCode": "US", "trackingNumberList": ["1Z12345E0205271688"]}, "VSS300", []),
        ({"locale": "english", "trackingNumberList": ["1Z12345E0205271688"]}, "VSS310", []),
        (
            {"locale": "en_US", "countryCode": "usa", "trackingNumberList": ["1Z12345E0205271688"]},
            "VSS400",
            [],
        ),
        ({"locale": "en_US"}, "VSS200", []),
        ({"locale": "en_US", "trackingNumberList": ["1Z12$", "42"]}, "VSS210", ["1Z12$", "42"]),
        (
            {"locale": "en_US", "trackingNumberList": [f"1Z12345E02052{n:05d}" for n in range(101)]},
            "VSS220",
            [f"1Z12345E02052{n:05d}" for n in range(101)],
        ),
    ],
)
def test_track_alert_refuses_bad_subscriptions(
    control: TestClient, ups_headers: dict[str, str], body: dict[str, Any], code: str, invalid: list[str]
) -> None:
    r = control.post(TRACK_ALERT, headers=ups_headers, json=body)
    assert r.status_code == 400
    assert r.json()["response"]["errors"][0]["code"] == code
    assert r.json()["invalidTrackingNumbers"] == invalid
    validate_response("ups_trackalert", TRACK_ALERT_SPEC, "post", 400, r.json())


@pytest.mark.unit
def test_track_alert_without_a_webhook_url_is_refused(
    control: TestClient, ups_headers: dict[str, str]
) -> None:
    for sub in control.get("/_sandbox/webhooks").json():
        if sub["format"] == "ups":
            control.delete(f"/_sandbox/webhooks/{sub['id']}")
    r = control.post(
        TRACK_ALERT,
        headers=ups_headers,
        json={"locale": "en_US", "trackingNumberList": ["1Z12345E0205271688"]},
    )
    assert r.status_code == 400
    assert r.json() == {
        "invalidTrackingNumbers": [],
        "response": {"errors": [{"code": trackalert.URL_MISSING[0], "message": trackalert.URL_MISSING[1]}]},
    }


@pytest.mark.unit
def test_track_alert_v1_destination_registers_a_ups_webhook(
    control: TestClient, ups_headers: dict[str, str]
) -> None:
    destination = {"url": "http://127.0.0.1:9/ups-v1", "credentialType": "Bearer", "credential": "c-1"}
    body = {"locale": "en_US", "trackingNumberList": ["1Z12345E0205271688"], "destination": destination}
    r = control.post("/ups/api/track/v1/subscription/standard/package", headers=ups_headers, json=body)
    assert r.status_code == 200, r.text
    subs = [s for s in control.get("/_sandbox/webhooks").json() if s["url"] == destination["url"]]
    assert [(s["format"], s["scope"]) for s in subs] == [("ups", "subscribed")]


@pytest.mark.unit
def test_track_alert_needs_a_token_and_the_ups_headers(
    control: TestClient, ups_headers: dict[str, str]
) -> None:
    body = {"locale": "en_US", "trackingNumberList": ["1Z12345E0205271688"]}
    r = control.post(TRACK_ALERT, json=body)
    assert r.status_code == 401
    assert r.json() == {
        "response": {"errors": [{"code": "UJ0001", "message": "Invalid token or token is not present"}]}
    }
    r = control.post(TRACK_ALERT, headers={"Authorization": ups_headers["Authorization"]}, json=body)
    assert r.status_code == 400
    assert r.json()["response"]["errors"] == [{"code": "VSS002", "message": "Missing transId"}]
    r = control.post("/ups/api/track/v2/subscription/premium/package", headers=ups_headers, json=body)
    assert r.status_code == 400
    assert r.json()["response"]["errors"][0]["code"] == "VSS930"


# --- FedEx ----------------------------------------------------------------------------------------------


@pytest.mark.live
def test_fedex_deliveries_carry_a_base64_fdx_signature_and_stable_bodies(
    receiver: tuple[Receiver, str],
) -> None:
    rec, url = receiver
    rec.fail = lambda n: n < 4
    with served(webhook_app()) as base, httpx.Client(timeout=30) as http:
        sid = subscribe(http, base, url=url, format="fedex")["id"]
        advance(http, base, "1d")
        wait_for(lambda: drained(http, base, sid), what="FedEx deliveries")
    calls = rec.snapshot()
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for call in calls:
        digest = hmac.new(SECRET.encode(), call.body, hashlib.sha256).digest()
        assert call.headers["fdx-signature"] == base64.b64encode(digest).decode()
        bodies[call.delivery_id].add(call.body)
    assert all(len(b) == 1 for b in bodies.values())  # a retry sends the very same bytes
    assert any(sum(c.delivery_id == d for c in calls) > 1 for d in bodies)
    for call in rec.acknowledged().values():
        validate_response("fedex", "/track/v1/trackingnumbers", "post", 200, call.json)
        result = call.json["output"]["completeTrackResults"][0]["trackResults"][0]
        assert result["scanEvents"], call.json


@pytest.mark.unit
def test_fedex_payload_shows_the_parcel_up_to_its_event() -> None:
    events = story("794698765432", "fedex", "ground", "delivered")
    view = ParcelView("794698765432", "fedex", "ground", events[:3], truth_for(events))
    body = fedex_webhook.render_payload(view, datetime.fromisoformat(events[2].visible_at), "dlv_x")
    validate_response("fedex", "/track/v1/trackingnumbers", "post", 200, body)
    result = body["output"]["completeTrackResults"][0]["trackResults"][0]
    assert len(result["scanEvents"]) == 3
    assert body["transactionId"] == fedex_webhook.transaction_id("dlv_x")
