"""The pinned QA cases, told by the reference tracker and its broken variants side by side, all
pointed at one served shipped scenario: the clock moves until the carrier shows the moment that
matters (read from the sandbox's truth), the trackers poll, and their answers are compared."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.examples.harness import (
    case,
    checked_since,
    latest_code,
    move_clock,
    parcel,
    register,
    served,
    shipped,
    step_until,
    tracker,
)

pytestmark = [pytest.mark.live, pytest.mark.slow]


def test_weather_delay_reads_delayed_and_the_exception_blind_variant_says_in_transit() -> None:
    with (
        served(shipped("weather_delay")) as sandbox,
        tracker(sandbox) as good,
        tracker(sandbox, broken="ignores-exceptions") as blind,
        httpx.Client(timeout=30) as http,
    ):
        pinned = case(http, sandbox, "weather_delay")
        carrier, number = pinned["carrier"], pinned["tracking_number"]
        for url in (good, blind):
            register(http, url, carrier, number)
        now, events = step_until(http, sandbox, number, latest_code("DELAYED"))
        assert events[-1]["reason"] == "weather"
        answer = checked_since(http, good, carrier, number, now)
        assert answer["status"] == "delayed", answer
        # The ETA is the carrier's new estimate, later than the first one it gave.
        assert (
            answer["eta"]
            == events[-1]["estimated_delivery"]["date"]
            > events[0]["estimated_delivery"]["date"]
        )
        assert checked_since(http, blind, carrier, number, now)["status"] == "in_transit"

        now, events = step_until(http, sandbox, number, latest_code("DELIVERED"))
        answer = checked_since(http, good, carrier, number, now)
        assert answer["status"] == "delivered" and answer["eta"] is None
        assert [e["status"] for e in answer["events"]].count("delayed") == sum(
            e["code"] == "DELAYED" for e in events
        )


def lost_instant(truth: dict) -> datetime:
    lost = truth["lost_at"]
    return datetime.fromisoformat(lost["at"] if isinstance(lost, dict) else lost)


def test_lost_parcel_is_suspected_after_its_silence_and_the_blind_variant_never_notices() -> None:
    silence = timedelta(days=3)
    with (
        served(shipped("lost_parcels")) as sandbox,
        tracker(sandbox, silence_after=silence) as good,
        tracker(sandbox, broken="ignores-exceptions", silence_after=silence) as blind,
        httpx.Client(timeout=30) as http,
    ):
        pinned = case(http, sandbox, "lost")
        carrier, number = pinned["carrier"], pinned["tracking_number"]
        for url in (good, blind):
            register(http, url, carrier, number)
        # The truth API shows a loss once it has happened (the parcel's final fate comes later,
        # when the carrier gives up on it): step until it has.
        for _ in range(48):
            r = http.get(f"{sandbox}/_sandbox/truth/{number}")
            assert r.status_code in (200, 404), r.text
            if r.status_code == 200 and r.json()["lost_at"] is not None:
                break
            move_clock(http, sandbox, advance="6h")
        else:
            raise AssertionError(f"{number} was never lost within 12 days")
        now = move_clock(http, sandbox, to=lost_instant(r.json()) + timedelta(hours=6))
        assert checked_since(http, good, carrier, number, now)["status"] == "in_transit"
        # The carrier notices late: once the scan it expected is overdue it shows the parcel
        # running late (a DELAYED scan giving no cause); then nothing more for days.
        now, events = step_until(http, sandbox, number, latest_code("DELAYED"), step="6h")
        last_scan = datetime.fromisoformat(events[-1]["occurred_at"])
        assert last_scan - lost_instant(r.json()) >= timedelta(hours=12)
        assert checked_since(http, good, carrier, number, now)["status"] == "delayed"
        assert checked_since(http, blind, carrier, number, now)["status"] == "in_transit"

        # One hour short of the silence window: still just late.
        now = move_clock(http, sandbox, to=last_scan + silence - timedelta(hours=1))
        assert parcel(http, sandbox, number)["events"] == events, "the lost parcel was scanned again"
        assert checked_since(http, good, carrier, number, now)["status"] == "delayed"
        # Past it: suspected lost, with the last scan's place in the detail.
        now = move_clock(http, sandbox, advance="2h")
        answer = checked_since(http, good, carrier, number, now)
        assert answer["status"] == "lost_suspected", answer
        assert datetime.fromisoformat(answer["last_carrier_update"]) == last_scan
        assert "no carrier scan for 3 d" in answer["status_detail"]
        assert checked_since(http, blind, carrier, number, now)["status"] == "in_transit"

        # Days later the carrier itself gives up on it.
        now, events = step_until(http, sandbox, number, latest_code("EXCEPTION"), step="12h")
        assert events[-1]["reason"] == "lost"
        assert checked_since(http, good, carrier, number, now)["status"] == "lost"
        assert checked_since(http, blind, carrier, number, now)["status"] == "in_transit"


def test_failed_attempts_then_return_and_a_pickup_point_collection() -> None:
    # Finished parcels are polled a grace period after their last scan; this story spans days.
    grace = timedelta(days=30)
    with (
        served(shipped("failed_attempts")) as sandbox,
        tracker(sandbox, terminal_grace=grace) as good,
        tracker(sandbox, broken="ignores-exceptions", terminal_grace=grace) as blind,
        httpx.Client(timeout=30) as http,
    ):
        returned = case(http, sandbox, "failed_attempts_return")
        locker = case(http, sandbox, "pickup_point")
        for pinned in (returned, locker):
            for url in (good, blind):
                register(http, url, pinned["carrier"], pinned["tracking_number"])

        def told(url: str, pinned: dict, now: datetime) -> str:
            return checked_since(http, url, pinned["carrier"], pinned["tracking_number"], now)["status"]

        # The locker parcel: one failed attempt, then waiting at the Access Point, then collected.
        now, _ = step_until(http, sandbox, locker["tracking_number"], latest_code("DELIVERY_ATTEMPTED"), "1h")
        assert (told(good, locker, now), told(blind, locker, now)) == ("failed_attempt", "in_transit")
        now, _ = step_until(
            http, sandbox, locker["tracking_number"], latest_code("AVAILABLE_FOR_PICKUP"), "1h"
        )
        assert told(good, locker, now) == "available_for_pickup"

        # Three failed attempts (each followed by a reschedule), then back. The locker story may
        # have moved the clock past the first attempt: each check waits for an attempt that is the
        # latest scan, so the tracker is asked about a failed attempt, not the next van.
        attempts_seen = 0
        number = returned["tracking_number"]
        while attempts_seen < 3:
            now, events = step_until(
                http,
                sandbox,
                number,
                lambda ev, n=attempts_seen: (
                    sum(e["code"] == "DELIVERY_ATTEMPTED" for e in ev) > n
                    and ev[-1]["code"] == "DELIVERY_ATTEMPTED"
                ),
                "1h",
            )
            attempts_seen = sum(e["code"] == "DELIVERY_ATTEMPTED" for e in events)
            assert (told(good, returned, now), told(blind, returned, now)) == ("failed_attempt", "in_transit")
        now, _ = step_until(http, sandbox, number, latest_code("RETURN_TO_SENDER"), "1h")
        assert told(good, returned, now) == "returning"
        now, _ = step_until(
            http, sandbox, number, latest_code("DEPARTED_FACILITY", "ARRIVED_AT_FACILITY"), "1h"
        )
        assert told(good, returned, now) == "returning"
        now, _ = step_until(http, sandbox, number, latest_code("RETURNED_TO_SENDER"), "6h")
        assert told(good, returned, now) == "returned"
        now, _ = step_until(
            http, sandbox, locker["tracking_number"], latest_code("PICKED_UP_BY_RECIPIENT"), "6h"
        )
        assert told(good, locker, now) == "delivered"


def test_stale_variant_lags_until_its_refresh_period_while_the_reference_keeps_up() -> None:
    every = timedelta(days=3)
    with (
        served(shipped("misdelivery")) as sandbox,
        tracker(sandbox) as good,
        tracker(sandbox, broken="stale", stale_every=every) as stale,
        httpx.Client(timeout=30) as http,
    ):
        pinned = case(http, sandbox, "misdelivered")
        carrier, number = pinned["carrier"], pinned["tracking_number"]
        now, events = step_until(
            http, sandbox, number, lambda ev: any(e["code"] == "PICKED_UP" for e in ev), "1h"
        )
        assert events[-1]["code"] not in ("OUT_FOR_DELIVERY", "DELIVERED"), events[-1]
        for url in (good, stale):
            register(http, url, carrier, number)
        first = checked_since(http, stale, carrier, number, now)
        assert first["status"] == "in_transit"

        now, _ = step_until(http, sandbox, number, latest_code("DELIVERED"), "3h")
        assert checked_since(http, good, carrier, number, now)["status"] == "delivered"
        lagging = checked_since(http, stale, carrier, number, datetime.fromisoformat(first["last_checked"]))
        assert lagging["status"] == "in_transit"  # the carrier has shown DELIVERED for a while
        assert lagging["last_checked"] == first["last_checked"]

        now = move_clock(http, sandbox, to=datetime.fromisoformat(first["last_checked"]) + every)
        assert checked_since(http, stale, carrier, number, now)["status"] == "delivered"
