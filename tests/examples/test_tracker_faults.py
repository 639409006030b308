"""The reference tracker as a good API citizen, against the sandbox's fault injection
(docs/faults.md): expired tokens are renewed once and the call retried, a 429's Retry-After is
honoured, 5xx and broken connections are backed off exponentially, parcels are never dropped,
FedEx gets 30 numbers a call, and a number the carrier refuses does not stall the others."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.examples.harness import (
    checked_since,
    metrics,
    move_clock,
    register,
    sandbox_requests,
    served,
    shipped,
    tracked,
    tracker,
    wait_for,
)

pytestmark = [pytest.mark.live, pytest.mark.slow]

TOKEN_CARRIERS = {"baseline": ("ups", "fedex", "usps", "amazon"), "germany": ("hermes", "dpd")}


def visible(http: httpx.Client, sandbox: str, carrier: str, n: int) -> list[str]:
    r = http.get(f"{sandbox}/_sandbox/parcels", params={"carrier": carrier, "limit": 200})
    numbers = [p["tracking_number"] for p in r.json()["items"] if p["status"] not in (None, "LABEL_CREATED")]
    assert len(numbers) >= n, f"only {len(numbers)} {carrier} parcels on the move"
    return numbers[:n]


def put_faults(http: httpx.Client, sandbox: str, faults: dict[str, Any]) -> None:
    r = http.put(f"{sandbox}/_sandbox/faults", json=faults)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("scenario", list(TOKEN_CARRIERS))
def test_tokens_expired_by_a_storm_are_renewed_once_and_the_call_retried(scenario: str) -> None:
    carriers = TOKEN_CARRIERS[scenario]
    with (
        served(shipped(scenario, 80)) as sandbox,
        tracker(sandbox, carriers=carriers) as url,
        httpx.Client(timeout=30) as http,
    ):
        now = move_clock(http, sandbox, advance="20h")
        numbers = {c: visible(http, sandbox, c, 1)[0] for c in carriers}
        for carrier, number in numbers.items():
            register(http, url, carrier, number)
            checked_since(http, url, carrier, number, now)
        before = metrics(http, url)["carriers"]
        assert all(before[c]["token_fetches"] == 1 for c in carriers), before

        storm = http.post(f"{sandbox}/_sandbox/faults/token-storm", json={"carrier": None})
        assert storm.status_code == 200 and storm.json()["expired"] >= len(carriers), storm.text
        now = move_clock(http, sandbox, advance="1h")
        for carrier, number in numbers.items():
            answer = checked_since(http, url, carrier, number, now)
            assert answer["last_error"] is None, answer
        after = metrics(http, url)["carriers"]
        for carrier in carriers:
            assert after[carrier]["token_rejected"] >= 1, (carrier, after[carrier])
            assert after[carrier]["token_fetches"] == 2, (carrier, after[carrier])
        if "hermes" in carriers:  # Hermes renews with its refresh token rather than logging in again
            assert after["hermes"]["token_refresh_grants"] == 1


def test_a_429_with_retry_after_is_honoured_and_nothing_is_lost() -> None:
    # USPS sends Retry-After on a 429 (1 s for an injected one); the tracker polls every 50 ms.
    with (
        served(shipped("baseline", 80)) as sandbox,
        tracker(sandbox, carriers=("usps",), poll_interval=0.05) as url,
        httpx.Client(timeout=30) as http,
    ):
        now = move_clock(http, sandbox, advance="20h")
        numbers = visible(http, sandbox, "usps", 3)
        for number in numbers:
            register(http, url, "usps", number)
            checked_since(http, url, "usps", number, now)

        put_faults(http, sandbox, {"http": {"usps": {"track": {"errors": {"429": 1.0}}}}})
        now = move_clock(http, sandbox, advance="6h")
        wait_for(lambda: metrics(http, url)["carriers"]["usps"].get("rate_limited"), what="a 429")
        first = sandbox_requests(http, sandbox, "usps", "track")
        time.sleep(2.5)
        during = sandbox_requests(http, sandbox, "usps", "track") - first
        # Told to come back after 1 s, it asks at most once a second (a 20/s poll loop would not).
        assert 1 <= during <= 4, during
        gate = metrics(http, url)["carriers"]["usps"]["gate"]
        assert set(gate["waits_s"]) == {1.0}, gate
        listed = http.get(f"{url}/api/shipments").json()
        assert listed["total"] == 3 and all("429" in i["last_error"] for i in listed["items"]), listed

        put_faults(http, sandbox, {})
        for number in numbers:
            assert checked_since(http, url, "usps", number, now)["last_error"] is None


@pytest.mark.parametrize(
    ("carrier", "fault"),
    [
        ("ups", {"errors": {"429": 1.0}}),  # UPS sends no Retry-After: back off as for an outage
        ("fedex", {"errors": {"503": 1.0}}),
        ("dhl", {"drop": 1.0}),
        ("amazon", {"truncate": 1.0}),
    ],
)
def test_outages_are_backed_off_exponentially_and_parcels_resume(carrier: str, fault: dict[str, Any]) -> None:
    with (
        served(shipped("baseline", 80)) as sandbox,
        tracker(sandbox, carriers=(carrier,), poll_interval=0.05, backoff_base=0.1, backoff_cap=0.8) as url,
        httpx.Client(timeout=30) as http,
    ):
        now = move_clock(http, sandbox, advance="20h")
        numbers = visible(http, sandbox, carrier, 2)
        for number in numbers:
            register(http, url, carrier, number)
            checked_since(http, url, carrier, number, now)
        status_before = {n: tracked(http, url, carrier, n)["status"] for n in numbers}

        put_faults(http, sandbox, {"http": {carrier: {"track": fault}}})
        now = move_clock(http, sandbox, advance="12h")
        gate = wait_for(
            lambda: (g := metrics(http, url)["carriers"][carrier]["gate"])["failures"] >= 5 and g,
            what=f"{carrier} to fail five times",
        )
        assert gate["waits_s"][:5] == [0.1, 0.2, 0.4, 0.8, 0.8], gate
        for number in numbers:
            answer = tracked(http, url, carrier, number)
            assert answer["last_error"] and answer["status"] == status_before[number], answer

        put_faults(http, sandbox, {})
        for number in numbers:
            assert checked_since(http, url, carrier, number, now)["last_error"] is None
        assert metrics(http, url)["carriers"][carrier]["gate"]["failures"] == 0


def test_fedex_is_asked_thirty_numbers_a_call() -> None:
    with (
        served(shipped("baseline", 300)) as sandbox,
        tracker(sandbox, carriers=("fedex",), poll_interval=3600) as url,
        httpx.Client(timeout=30) as http,
    ):
        now = move_clock(http, sandbox, advance="2d6h")
        numbers = visible(http, sandbox, "fedex", 40)
        before = sandbox_requests(http, sandbox, "fedex", "track")
        body = {"shipments": [{"carrier": "fedex", "tracking_number": n} for n in numbers]}
        assert http.post(f"{url}/shipments/bulk", json=body).json()["registered"] == 40
        for number in numbers:
            assert checked_since(http, url, "fedex", number, now)["status"] != "pending"
        # One registration, one poll round for the 40 new numbers: 30 + 10.
        assert sandbox_requests(http, sandbox, "fedex", "track") - before == 2


def test_a_number_the_carrier_refuses_is_set_aside_without_stalling_the_others() -> None:
    with (
        served(shipped("baseline", 80)) as sandbox,
        tracker(sandbox, carriers=("ups",)) as url,
        httpx.Client(timeout=30) as http,
    ):
        now = move_clock(http, sandbox, advance="20h")
        good = visible(http, sandbox, "ups", 1)[0]
        register(http, url, "ups", "ABC12")  # UPS refuses inquiry numbers under 7 characters (400)
        register(http, url, "ups", good)
        refused = wait_for(
            lambda: (a := tracked(http, url, "ups", "ABC12"))["last_error"] and a, what="a 400"
        )
        assert "400" in refused["last_error"] and refused["status"] == "pending"
        now = move_clock(http, sandbox, advance="6h")
        assert checked_since(http, url, "ups", good, now)["last_error"] is None
        assert metrics(http, url)["carriers"]["ups"]["gate"]["failures"] == 0
        assert tracked(http, url, "ups", "ABC12")["last_checked"] is None
