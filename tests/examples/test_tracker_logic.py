"""The reference tracker's pure parts: merging scans, choosing the status, lost-parcel silence, the
broken variants, Retry-After and back-off, webhook signatures, settings, time zones, and the poll
loop's batching and bounded concurrency (against a fake carrier client)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import httpx
import pytest

from examples.reference_tracker.carriers.base import CarrierClient, Token
from examples.reference_tracker.clock import SystemClock
from examples.reference_tracker.config import TrackerConfig, config_from_args, parse_duration
from examples.reference_tracker.derive import apply_view, assess, latest, merge_events
from examples.reference_tracker.model import CarrierView, Shipment, TrackEvent
from examples.reference_tracker.poller import Tracker
from examples.reference_tracker.retry import Gate, backoff_seconds, parse_retry_after
from examples.reference_tracker.timezones import zone_for
from examples.reference_tracker.variants import Behaviour, IgnoresExceptions, Stale
from examples.reference_tracker.vocabulary import Status
from examples.reference_tracker.webhooks import WebhookReceiver, signature, verify

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)
SILENCE = timedelta(days=3)
REFERENCE = Behaviour()


def ev(hours: float, status: Status, code: str = "X", source: str = "poll") -> TrackEvent:
    return TrackEvent(T0 + timedelta(hours=hours), code, f"{code} text", "Memphis, TN, US", status, source)


def shipment(*events: TrackEvent) -> Shipment:
    s = Shipment("ups", "1Z0000000000000001", T0, events=list(events))
    s.carrier_knows = bool(events)
    return s


# -- merging and the status -----------------------------------------------------------------------


def test_merge_sorts_by_time_drops_repeats_and_keeps_same_instant_order() -> None:
    a, b, c = ev(1, Status.IN_TRANSIT, "AR"), ev(5, Status.FAILED_ATTEMPT, "C4"), ev(5, Status.DELAYED, "TH")
    assert merge_events([b, c, a, b]) == [a, b, c]


def test_the_carriers_last_scan_sets_the_status_but_a_reschedule_does_not_hide_its_attempt() -> None:
    held, cleared = ev(9, Status.EXCEPTION, "hold"), ev(9, Status.IN_TRANSIT, "cleared")
    assert latest([ev(1, Status.IN_TRANSIT), held, cleared]) is cleared
    attempt, reschedule = ev(9, Status.FAILED_ATTEMPT, "C4"), ev(9, Status.DELAYED, "TH")
    assert latest([ev(1, Status.IN_TRANSIT), attempt, reschedule]) is attempt
    assert latest([attempt, ev(10, Status.DELAYED)]).time == T0 + timedelta(hours=10)
    assert latest([]) is None


def test_silence_flags_lost_suspected_from_the_scans_own_time_and_a_new_scan_clears_it() -> None:
    s = shipment(ev(0, Status.IN_TRANSIT, "AR"))
    assess(s, T0 + SILENCE - timedelta(minutes=1), REFERENCE, SILENCE)
    assert s.status is Status.IN_TRANSIT
    assess(s, T0 + SILENCE, REFERENCE, SILENCE)
    assert s.status is Status.LOST_SUSPECTED and "no carrier scan for 3 d 0 h" in s.status_detail
    assert "Memphis" in s.status_detail and s.carrier_code == "AR"
    s.events.append(ev(80, Status.IN_TRANSIT, "DP"))
    assess(s, T0 + SILENCE + timedelta(hours=9), REFERENCE, SILENCE)
    assert s.status is Status.IN_TRANSIT


@pytest.mark.parametrize("status", [Status.AVAILABLE_FOR_PICKUP, Status.LABEL_CREATED, Status.DELIVERED])
def test_silence_is_expected_at_a_pickup_point_before_pickup_and_after_the_end(status: Status) -> None:
    s = shipment(ev(0, status))
    assess(s, T0 + timedelta(days=30), REFERENCE, SILENCE)
    assert s.status is status


def test_movement_after_a_return_started_reads_returning() -> None:
    s = shipment(ev(0, Status.FAILED_ATTEMPT), ev(1, Status.RETURNING, "UF"), ev(5, Status.IN_TRANSIT, "AR"))
    assess(s, T0 + timedelta(hours=6), REFERENCE, SILENCE)
    assert s.status is Status.RETURNING and s.status_detail == "AR text"


def test_a_delivery_the_carrier_takes_back_is_no_longer_terminal() -> None:
    s = shipment(ev(0, Status.OUT_FOR_DELIVERY), ev(1, Status.DELIVERED, "DL"))
    assess(s, T0 + timedelta(hours=2), REFERENCE, SILENCE)
    assert s.terminal_since == T0 + timedelta(hours=2)
    s.events = [ev(0, Status.OUT_FOR_DELIVERY), ev(3, Status.FAILED_ATTEMPT, "DE")]
    assess(s, T0 + timedelta(hours=4), REFERENCE, SILENCE)
    assert s.status is Status.FAILED_ATTEMPT and s.terminal_since is None


def test_a_carrier_answer_replaces_polled_scans_keeps_newer_pushed_ones_and_nothing_wipes_them() -> None:
    s = shipment(ev(0, Status.IN_TRANSIT), ev(2, Status.OUT_FOR_DELIVERY, "OUT", "webhook"))
    s.events.append(ev(1, Status.IN_TRANSIT, "OLD", "webhook"))
    view = CarrierView(True, (ev(0, Status.IN_TRANSIT), ev(1, Status.IN_TRANSIT, "AR")))
    apply_view(s, view, T0 + timedelta(hours=3), REFERENCE, SILENCE)
    assert [e.code for e in s.events] == ["X", "AR", "OUT"]
    assert s.status is Status.OUT_FOR_DELIVERY and s.last_checked == T0 + timedelta(hours=3)
    apply_view(s, CarrierView.not_found(), T0 + timedelta(hours=4), REFERENCE, SILENCE)
    assert len(s.events) == 3 and s.last_checked == T0 + timedelta(hours=4)


def test_a_label_the_carrier_knows_without_scans_is_label_created_not_pending() -> None:
    s = shipment()
    apply_view(s, CarrierView.not_found(), T0, REFERENCE, SILENCE)
    assert s.status is Status.PENDING
    apply_view(s, CarrierView(True, ()), T0, REFERENCE, SILENCE)
    assert s.status is Status.LABEL_CREATED


# -- the broken variants ------------------------------------------------------------------------------


def test_ignores_exceptions_flattens_them_and_never_suspects_a_loss() -> None:
    blind = IgnoresExceptions()
    for status in (Status.DELAYED, Status.EXCEPTION, Status.FAILED_ATTEMPT, Status.LOST):
        s = shipment()
        apply_view(s, CarrierView(True, (ev(0, status),)), T0 + timedelta(hours=1), blind, SILENCE)
        assert s.status is Status.IN_TRANSIT and s.events[0].status is Status.IN_TRANSIT
    s = shipment(ev(0, Status.IN_TRANSIT))
    assess(s, T0 + timedelta(days=20), blind, SILENCE)
    assert s.status is Status.IN_TRANSIT
    assert blind.interpret_event(ev(0, Status.RETURNED)).status is Status.RETURNED


def test_stale_refreshes_only_every_period_of_the_tracker_clock() -> None:
    stale, s = Stale(timedelta(days=3)), shipment()
    assert stale.refresh_due(s, T0)
    s.last_checked = T0
    assert not stale.refresh_due(s, T0 + timedelta(days=2, hours=23))
    assert stale.refresh_due(s, T0 + timedelta(days=3))
    assert REFERENCE.refresh_due(s, T0 + timedelta(seconds=1))


# -- retry and back-off -------------------------------------------------------------------------------


def test_retry_after_reads_seconds_and_http_dates_and_refuses_nonsense() -> None:
    now = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Mon, 02 Nov 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Mon, 02 Nov 2026 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("999999") == 3600.0
    assert (
        parse_retry_after(None) is None
        and parse_retry_after("soon") is None
        and parse_retry_after("-3") is None
    )


def test_backoff_doubles_up_to_its_cap() -> None:
    assert [backoff_seconds(n, 0.5, 3.0) for n in range(6)] == [0.0, 0.5, 1.0, 2.0, 3.0, 3.0]


def test_gate_waits_as_told_then_lets_one_probe_through_until_a_success() -> None:
    now = [100.0]
    gate = Gate(base=1.0, cap=8.0, clock=lambda: now[0])
    assert gate.admit() and gate.admit()  # healthy: no limit on requests
    assert gate.rate_limited(5.0) == 5.0 and not gate.is_open()
    now[0] += 5.0
    assert gate.admit() and not gate.admit()  # one probe at a time while failing
    gate.release()
    assert gate.unavailable("HTTP 503") == 2.0  # second failure in a row, no Retry-After
    now[0] += 2.0
    assert gate.admit()
    gate.succeeded()
    gate.release()
    assert gate.failures == 0 and gate.admit() and gate.admit()
    assert gate.history == [5.0, 2.0]


def test_a_token_is_renewed_a_minute_before_it_expires_or_a_tenth_of_its_life() -> None:
    assert Token.lasting("t", 3600).fresh() and Token.lasting("t", 3600).margin == 60
    assert not Token("t", time.monotonic() + 59).fresh()
    short = Token.lasting("t", 30)  # a scenario may hand out short-lived tokens
    assert short.margin == 3 and short.fresh()


# -- webhooks -------------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"delivery_id": "dlv_1"}'
    good = signature("s", body)
    assert good.startswith("sha256=") and len(good) == 7 + 64
    assert verify("s", body, good)
    assert not verify("s", body + b" ", good) and not verify("t", body, good) and not verify("s", body, None)


def delivery(number: str, code: str = "DELAYED", reason: str | None = "weather", did: str = "dlv_1") -> bytes:
    event = {
        "tracking_number": number,
        "carrier": "ups",
        "code": code,
        "reason": reason,
        "occurred_at": "2026-11-05T06:00:00-06:00",
        "location": {"city": "Hodgkins", "region": "IL", "country": "US"},
    }
    return json.dumps({"delivery_id": did, "attempt": 1, "event": event}).encode()


def test_the_receiver_verifies_deduplicates_and_applies_sandbox_deliveries() -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            tracker = Tracker(TrackerConfig("http://127.0.0.1:1", carriers=("ups",)), http, SystemClock())
            receiver = WebhookReceiver(tracker, "s3cret")
            number = "1ZBMZKLI0394384287"
            tracker.register("ups", number, T0)
            body = delivery(number)
            assert receiver.receive(body, signature("wrong", body))[0] == 401
            assert receiver.receive(body, None)[0] == 401
            assert receiver.receive(b"{}", signature("s3cret", b"{}"))[0] == 400
            assert receiver.receive(body, signature("s3cret", body)) == (200, {"status": "applied"})
            assert receiver.receive(body, signature("s3cret", body)) == (200, {"status": "duplicate"})
            other = delivery("1ZOTHER0000000001", did="dlv_2")
            assert receiver.receive(other, signature("s3cret", other))[1]["status"].startswith("ignored")
            s = tracker.get("ups", number)
            assert s is not None and s.status is Status.DELAYED
            assert s.events[0].source == "webhook" and s.events[0].location == "Hodgkins, IL, US"
            assert dict(receiver.stats) == {
                "received": 6,
                "bad_signature": 2,
                "malformed": 1,
                "applied": 1,
                "duplicates": 1,
                "unregistered": 1,
            }

    asyncio.run(scenario())


# -- settings and places ------------------------------------------------------------------------------


def test_durations() -> None:
    assert parse_duration("500ms") == timedelta(milliseconds=500)
    assert parse_duration("3d") == timedelta(days=3) and parse_duration("90") == timedelta(seconds=90)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("3 weeks")


def test_settings_come_from_flags_and_environment() -> None:
    env = {"TRACKER_SANDBOX_URL": "http://127.0.0.1:8000/", "TRACKER_UPS_CLIENT_ID": "from-env"}
    config = config_from_args(
        ["--carriers", "ups,dpd", "--credential", "dpd:delis_id=KD1", "--silence", "2d", "--broken", "stale"],
        env,
    )
    assert config.sandbox_url == "http://127.0.0.1:8000" and config.carriers == ("ups", "dpd")
    assert config.credentials == {"ups": {"client_id": "from-env"}, "dpd": {"delis_id": "KD1"}}
    assert config.silence_after == timedelta(days=2) and config.broken == "stale"
    assert config.base_url("dpd") == "http://127.0.0.1:8000/dpd"
    assert config.receiver_url == "http://127.0.0.1:9000/webhooks/sandbox"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "--sandbox URL is required"),
        (["--sandbox", "ftp://x"], "not an http(s) URL"),
        (["--sandbox", "http://x", "--carriers", "ups,royalmail"], "unknown royalmail"),
        (["--sandbox", "http://x", "--credential", "ups:api_key=1"], "unknown credential key(s) api_key"),
        (["--sandbox", "http://x", "--credential", "nonsense"], "use CARRIER:KEY=VALUE"),
        (["--sandbox", "http://x", "--broken", "fast"], "invalid choice"),
        (["--sandbox", "http://x", "--webhooks", "subscribe"], "needs --webhook-secret"),
        (["--sandbox", "http://x", "--poll-interval", "soon"], "not a duration"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        config_from_args(argv, {})
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_zones_by_state_country_and_alpha3() -> None:
    assert str(zone_for("US", "TX")) == "America/Chicago" and str(zone_for("us", "az")) == "America/Phoenix"
    assert str(zone_for("DEU")) == "Europe/Berlin" and str(zone_for("CA", "BC")) == "America/Vancouver"
    assert str(zone_for("US", None)) == "America/New_York" and str(zone_for("ZZ")) == "UTC"


# -- the poll loop ------------------------------------------------------------------------------------


class FakeCarrier(CarrierClient):
    """Answers every number with one scan after a short wait, counting calls and overlap."""

    name = "fedex"
    batch_size = 30
    credential_defaults: ClassVar[dict[str, str]] = {}
    calls: ClassVar[list[int]] = []
    active: ClassVar[list[int]] = [0, 0]  # now, most at once

    async def track(self, numbers: Sequence[str]) -> dict[str, CarrierView]:
        FakeCarrier.calls.append(len(numbers))
        FakeCarrier.active[0] += 1
        FakeCarrier.active[1] = max(FakeCarrier.active)
        await asyncio.sleep(0.02)
        FakeCarrier.active[0] -= 1
        return {n: CarrierView(True, (ev(1, Status.IN_TRANSIT, "AR"),)) for n in numbers}


class FixedClock:
    async def now(self) -> datetime:
        return T0 + timedelta(hours=2)


def test_a_round_batches_per_carrier_and_never_exceeds_its_concurrency() -> None:
    async def scenario() -> Tracker:
        async with httpx.AsyncClient() as http:
            config = TrackerConfig("http://127.0.0.1:1", carriers=("fedex",), concurrency=2)
            tracker = Tracker(config, http, FixedClock())
            tracker.clients["fedex"] = FakeCarrier(http, "http://unused", {})
            for i in range(130):
                tracker.register("fedex", f"7946000{i:05d}", T0)
            await tracker.round()
            return tracker

    FakeCarrier.calls, FakeCarrier.active = [], [0, 0]
    tracker = asyncio.run(scenario())
    assert sorted(FakeCarrier.calls) == [10, 30, 30, 30, 30]
    assert FakeCarrier.active[1] == 2 == tracker.max_in_flight
    assert all(s.status is Status.IN_TRANSIT and s.polls == 1 for s in tracker.shipments.values())


class SlowLogin(CarrierClient):
    name = "ups"
    logins = 0

    async def _authenticate(self) -> None:
        await asyncio.sleep(0.02)
        SlowLogin.logins += 1
        self.token = Token.lasting(f"t{SlowLogin.logins}", 3600)


def test_concurrent_requests_share_one_token_fetch() -> None:
    async def scenario() -> None:
        async with httpx.AsyncClient() as http:
            client = SlowLogin(http, "http://unused", {})
            await asyncio.gather(*(client._ensure_token() for _ in range(5)))
            assert SlowLogin.logins == 1
            stale = client.token
            await asyncio.gather(*(client._ensure_token(rejected=stale) for _ in range(5)))
            assert SlowLogin.logins == 2 and client.token is not stale

    SlowLogin.logins = 0
    asyncio.run(scenario())
