"""The locust load tests (``loadtests/``): their policies as pure functions, their carrier parsers
against the mocks' real bodies, and short headless locust runs — each a subprocess, never locust in
this process (its gevent monkey-patching would break the other tests) — against a sandbox served by
``parcel-sandbox serve`` on loopback: every carrier reached without failures, a threshold breach
failing the run, the tracker-under-test mode, Retry-After honoured, and master + two workers."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.testclient import TestClient

from loadtests import carrier_apis, sandbox, serving
from loadtests.policy import (
    AGGREGATOR_INTERVAL_S,
    CANONICAL_PHASE,
    SHOPPER_INTERVAL_S,
    Phase,
    Thresholds,
    batches,
    mistype,
    next_delay,
    option_problems,
    page_phase,
    resolve_time_scale,
    retry_after_seconds,
    token_refresh_due,
)
from loadtests.serving import locust_command, read_stats, requests_by_carrier, run_locust, served_sandbox
from loadtests.shapes.curves import (
    BASELINE_DAILY_CURVE,
    StepResult,
    daily_users,
    find_knee,
    parse_curve,
    percentile,
    spike_users,
    step_users,
)
from mock_carriers.app import create_app
from sim.events import EventCode
from sim.scenario import DEFAULT_DAILY_CURVE
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_dhl import DhlClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import scenario_dict, small_scenario
from tests.live import live_server

FIVE = ("ups", "fedex", "dhl", "usps", "amazon")
TRACK_PREFIX = {
    "ups": "/ups/api/track/",
    "fedex": "/fedex/track/",
    "dhl": "/dhl/track/",
    "usps": "/usps/tracking/",
    "amazon": "/amazon/shipping/",
}
TOKEN_NAME = {
    "ups": "/ups/security/v1/oauth/token",
    "fedex": "/fedex/oauth/token",
    "usps": "/usps/oauth2/v3/token",
    "amazon": "/amazon/auth/o2/token",
}


# --------------------------------------------------------------------------------------------
# Pure policies


@pytest.mark.unit
def test_loadtest_modules_imported_here_do_not_import_locust() -> None:
    assert "locust" not in sys.modules


@pytest.mark.unit
def test_baseline_curve_copy_matches_the_simulation() -> None:
    assert BASELINE_DAILY_CURVE == tuple(DEFAULT_DAILY_CURVE)


@pytest.mark.unit
def test_every_canonical_event_code_has_a_phase() -> None:
    assert {code.value for code in EventCode} <= set(CANONICAL_PHASE)


@pytest.mark.unit
def test_shoppers_look_more_often_when_out_for_delivery_and_stop_after_delivery() -> None:
    rng = random.Random(1)
    ofd = next_delay(Phase.OUT_FOR_DELIVERY, SHOPPER_INTERVAL_S, 3600, rng)
    transit = next_delay(Phase.IN_TRANSIT, SHOPPER_INTERVAL_S, 3600, rng)
    assert ofd is not None and transit is not None and ofd * 10 < transit
    assert next_delay(Phase.DONE, SHOPPER_INTERVAL_S, 3600, rng) is None


@pytest.mark.unit
def test_aggregator_interval_is_scaled_by_the_time_scale() -> None:
    delay = next_delay(Phase.IN_TRANSIT, AGGREGATOR_INTERVAL_S, 3600, random.Random(2))
    assert delay is not None and 3 * 0.8 <= delay <= 3 * 1.2  # three hours at an hour per second


@pytest.mark.unit
def test_time_scale_follows_a_realtime_sandbox_clock() -> None:
    assert resolve_time_scale(0, {"mode": "realtime", "speed": 60}) == 60
    assert resolve_time_scale(0, {"mode": "manual", "speed": 1}) == 3600
    assert resolve_time_scale(5, {"mode": "realtime", "speed": 60}) == 5


@pytest.mark.unit
def test_retry_after_in_seconds() -> None:
    assert retry_after_seconds("30", default=5) == 30


@pytest.mark.unit
def test_retry_after_as_http_date_is_measured_from_the_response_date() -> None:
    now = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Mon, 30 Nov 2026 12:00:45 GMT", default=5, now=now) == 45


@pytest.mark.unit
def test_retry_after_missing_or_garbled_uses_the_default() -> None:
    assert retry_after_seconds(None, default=5) == 5
    assert retry_after_seconds("soon", default=7) == 7


@pytest.mark.unit
def test_retry_after_is_capped() -> None:
    assert retry_after_seconds("86400", default=5) == 120


@pytest.mark.unit
def test_fedex_batches_hold_at_most_30_numbers() -> None:
    chunks = list(batches([str(i) for i in range(71)], 30))
    assert [len(c) for c in chunks] == [30, 30, 11]


@pytest.mark.unit
def test_token_is_refreshed_before_it_expires() -> None:
    assert token_refresh_due(100.0, 3600) == 100.0 + 3540
    assert token_refresh_due(100.0, 5) == pytest.approx(104.5)


@pytest.mark.unit
def test_mistyped_number_changes_only_the_check_digit() -> None:
    assert mistype("1ZCJAAG90117048787") == "1ZCJAAG90117048788"
    assert mistype("TBA140079518559") == "TBA140079518550"


@pytest.mark.unit
def test_page_phase_reads_the_sandbox_json_status() -> None:
    assert page_phase('{"tracking_number": "X", "status": "OUT_FOR_DELIVERY"}') is Phase.OUT_FOR_DELIVERY
    assert page_phase('{"status": "DELIVERED"}') is Phase.DONE


@pytest.mark.unit
def test_page_phase_reads_a_tracker_html_page() -> None:
    assert page_phase("<h1>Out for delivery</h1>") is Phase.OUT_FOR_DELIVERY
    assert page_phase("<p>Delivered, front door</p>") is Phase.DONE
    assert page_phase("<p>Somewhere</p>") is Phase.IN_TRANSIT


@pytest.mark.unit
def test_thresholds_report_each_breach() -> None:
    limits = Thresholds(max_fail_ratio=0.01, max_p95_ms=100, max_p99_ms=200)
    assert limits.breaches(1000, 0.0, 50, 150) == []
    assert limits.breaches(1000, 0.02, 150, 250) == [
        "failure ratio 0.0200 > 0.01",
        "p95 150 ms > 100 ms",
        "p99 250 ms > 200 ms",
    ]


@pytest.mark.unit
def test_thresholds_fail_a_run_without_requests() -> None:
    assert Thresholds(max_fail_ratio=0).breaches(0, 0.0, 0, 0) == ["no requests were made"]


@pytest.mark.unit
def test_no_thresholds_never_fail() -> None:
    assert Thresholds().breaches(0, 1.0, 9999, 9999) == []


@pytest.mark.unit
def test_option_problems_name_the_option() -> None:
    problems = option_problems(
        {"carriers": "ups,royalmail", "typo_share": 2.0, "daily_curve": "1,2", "day_minutes": 0}
    )
    assert problems == [
        "--day-minutes must be positive (got 0)",
        "--typo-share must be between 0 and 1 (got 2)",
        "--carriers: unknown royalmail; use ups, fedex, dhl, usps, amazon, dpd",
        "--daily-curve needs 24 hourly weights, got 2",
    ]


@pytest.mark.unit
def test_tracker_template_needs_the_placeholder() -> None:
    assert option_problems({"tracker_url_template": "http://127.0.0.1:9000/track/"}) == [
        "--tracker-url-template must be an http(s) URL containing {tracking_number}"
    ]


# --------------------------------------------------------------------------------------------
# Shapes


@pytest.mark.unit
def test_daily_shape_peaks_at_the_busiest_hour_and_ends_with_the_day() -> None:
    day_s = 24 * 60.0
    busiest = max(range(24), key=lambda h: BASELINE_DAILY_CURVE[h])
    assert daily_users(busiest * 60.0, day_s, BASELINE_DAILY_CURVE, 100) == 100
    assert daily_users(3 * 60.0, day_s, BASELINE_DAILY_CURVE, 100) == 6  # 0.4 / 6.4 of the peak
    assert daily_users(day_s, day_s, BASELINE_DAILY_CURVE, 100) is None


@pytest.mark.unit
def test_daily_curve_option_needs_24_weights() -> None:
    with pytest.raises(ValueError, match="24 hourly weights"):
        parse_curve("1,2,3")


@pytest.mark.unit
def test_spike_multiplies_the_ordinary_load_then_returns_to_it() -> None:
    users = [spike_users(t, 10, 5.0, 60, 120, 60) for t in (0, 59, 60, 179, 180, 239, 240)]
    assert users == [10, 10, 50, 50, 10, 10, None]


@pytest.mark.unit
def test_step_ramp_adds_a_step_of_users_per_period_up_to_the_maximum() -> None:
    assert [step_users(t, 10, 30, 30) for t in (0, 29, 30, 60, 90)] == [10, 10, 20, 30, None]


@pytest.mark.unit
def test_knee_is_where_added_users_stop_adding_throughput() -> None:
    steps = [
        StepResult(10, 30, 3000, 0, 10),  # 100 rps
        StepResult(20, 30, 6000, 0, 11),  # 200 rps
        StepResult(30, 30, 6300, 0, 12),  # 210 rps: +10 users brought +10 rps
    ]
    assert find_knee(steps) == 2


@pytest.mark.unit
def test_knee_is_where_p95_doubles() -> None:
    steps = [StepResult(10, 30, 3000, 0, 10), StepResult(20, 30, 6000, 0, 25)]
    assert find_knee(steps) == 1


@pytest.mark.unit
def test_no_knee_while_throughput_scales() -> None:
    steps = [StepResult(10, 30, 3000, 0, 10), StepResult(20, 30, 6000, 0, 11)]
    assert find_knee(steps) is None


@pytest.mark.unit
def test_percentile_of_a_histogram() -> None:
    assert percentile({1: 90, 10: 9, 100: 1}, 0.95) == 10
    assert percentile({}, 0.95) == 0


# --------------------------------------------------------------------------------------------
# Carrier parsers against the mocks' own bodies (in-process)


@pytest.fixture(scope="module")
def mock_http() -> Iterator[tuple[TestClient, dict[str, list[dict[str, Any]]]]]:
    """A small sandbox in-process at 11:00 on its third day, and its parcels by status."""
    with TestClient(create_app(small_scenario(duration="2d", demand={"parcels_per_day": 400}))) as http:
        assert http.post("/_sandbox/clock", json={"advance": "59h"}).status_code == 200
        items = http.get("/_sandbox/parcels", params={"limit": 1000}).json()["items"]
        by_status: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            by_status.setdefault(item["status"], []).append(item)
        yield http, by_status


CLIENTS: dict[str, Any] = {
    "ups": UpsClient,
    "fedex": FedexClient,
    "dhl": DhlClient,
    "usps": UspsClient,
    "amazon": AmazonClient,
}


@pytest.mark.unit
@pytest.mark.parametrize("status", ["DELIVERED", "OUT_FOR_DELIVERY", "IN_TRANSIT"])
def test_carrier_parsers_read_the_mocks_status(
    mock_http: tuple[TestClient, dict[str, list[dict[str, Any]]]], status: str
) -> None:
    http, by_status = mock_http
    expected = CANONICAL_PHASE[status]
    seen = set()
    for item in by_status.get(status, []):
        carrier = item["carrier"]
        if carrier not in CLIENTS or carrier in seen:
            continue
        if carrier == "dhl" and status == "IN_TRANSIT":
            continue  # DHL's own code is "transit" for everything on the way: checked below
        client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
        client.authenticate()
        number = item["tracking_number"]
        response = client.track(number)
        assert carrier_apis.APIS[carrier](client=None).parse(response, [number]) == {number: expected}, (
            carrier
        )
        seen.add(carrier)
    skipped = {"dhl"} if status == "IN_TRANSIT" else set()
    assert seen == set(FIVE) - skipped


@pytest.mark.unit
@pytest.mark.parametrize("carrier", FIVE)
def test_carrier_parsers_read_an_unknown_number_as_not_found(
    mock_http: tuple[TestClient, dict[str, list[dict[str, Any]]]], carrier: str
) -> None:
    http, by_status = mock_http
    real = next(i for items in by_status.values() for i in items if i["carrier"] == carrier)
    number = mistype(real["tracking_number"])
    client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
    client.authenticate()
    response = client.track(number)
    assert carrier_apis.APIS[carrier](client=None).parse(response, [number]) == {number: Phase.NOT_FOUND}


# --------------------------------------------------------------------------------------------
# Headless locust against a served sandbox (subprocesses, loopback)


def _scenario_file(folder: Path) -> Path:
    """The baseline at test size, with five-second tokens so that aggregators must refresh them."""
    data = scenario_dict()
    data.update({"name": "loadtest-small", "duration": "3d", "drain": "12d"})
    data["demand"] = {**data["demand"], "parcels_per_day": 500}
    for carrier in ("ups", "fedex", "usps", "amazon"):
        if carrier in data["carriers"]:
            data["carriers"][carrier]["token_lifetime"] = 5
    path = folder / "loadtest-small.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One served sandbox for the module: two days in, then an hour per second."""
    folder = tmp_path_factory.mktemp("loadtest-sandbox")
    with served_sandbox(
        str(_scenario_file(folder)), realtime_speed=3600, log=folder / "sandbox.log"
    ) as sandbox_server:
        yield sandbox_server.base


def _locust(tmp_path: Path, cmd: list[str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return run_locust(cmd, timeout=timeout, log=tmp_path / "locust.log")


@pytest.fixture(scope="module")
def smoke_run(
    served: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, list[dict[str, str]], Path]:
    """The CI smoke run, once for the module: 6 shoppers and 2 aggregators for 15 s, no failure
    allowed. (exit code, stats CSV rows, results folder)"""
    results = tmp_path_factory.mktemp("loadtest-smoke")
    cmd = locust_command(served, users=8, spawn_rate=8, run_time="15s", results=results)
    result = run_locust([*cmd, "--max-fail-ratio", "0"], timeout=90, log=results / "locust.log")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.returncode, read_stats(results), results


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("carrier", FIVE)
def test_smoke_run_tracks_through_every_carrier(
    smoke_run: tuple[int, list[dict[str, str]], Path], carrier: str
) -> None:
    _, rows, _ = smoke_run
    tracked = sum(int(r["Request Count"]) for r in rows if r["Name"].startswith(TRACK_PREFIX[carrier]))
    assert tracked > 0, f"no tracking request reached {carrier}"


@pytest.mark.live
@pytest.mark.slow
def test_smoke_run_shoppers_open_the_sandbox_tracking_page(
    smoke_run: tuple[int, list[dict[str, str]], Path],
) -> None:
    _, rows, _ = smoke_run
    assert requests_by_carrier(rows).get("_sandbox", 0) > 0


@pytest.mark.live
@pytest.mark.slow
def test_smoke_run_has_no_unexpected_failures(smoke_run: tuple[int, list[dict[str, str]], Path]) -> None:
    code, rows, _ = smoke_run
    assert code == 0
    assert [r["Name"] for r in rows if int(r["Failure Count"])] == []


@pytest.mark.live
@pytest.mark.slow
@pytest.mark.parametrize("carrier", sorted(TOKEN_NAME))
def test_smoke_run_aggregators_refresh_short_lived_tokens(
    smoke_run: tuple[int, list[dict[str, str]], Path], carrier: str
) -> None:
    # Two aggregators for 15 s with five-second tokens: one token each at the start, and at least
    # one refresh (about four on an idle machine; a starved one may manage only the one).
    _, rows, _ = smoke_run
    counts = {r["Name"]: int(r["Request Count"]) for r in rows}
    assert counts.get(TOKEN_NAME[carrier], 0) >= 3, counts.get(TOKEN_NAME[carrier])


@pytest.mark.live
@pytest.mark.slow
def test_smoke_run_writes_csv_and_html_reports(smoke_run: tuple[int, list[dict[str, str]], Path]) -> None:
    _, _, results = smoke_run
    assert (results / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert {"stats_stats.csv", "stats_failures.csv", "stats_stats_history.csv"} <= {
        p.name for p in results.iterdir()
    }


@pytest.mark.live
@pytest.mark.slow
def test_threshold_breach_fails_the_run(served: str, tmp_path: Path) -> None:
    # 10 s, not 3: on a starved machine the users can spend 3 s fetching their pools and make no
    # request at all (a breach too, but not the one this test is about)
    cmd = locust_command(served, users=4, spawn_rate=4, run_time="10s", results=tmp_path)
    result = _locust(tmp_path, [*cmd, "--max-p95-ms", "0.001"])
    assert result.returncode == 1
    assert "thresholds FAILED: p95" in result.stderr


@pytest.mark.live
def test_bad_option_stops_the_run_with_a_sentence(served: str, tmp_path: Path) -> None:
    cmd = locust_command(served, users=1, spawn_rate=1, run_time="2s")
    result = _locust(tmp_path, [*cmd, "--carriers", "royalmail"])
    assert result.returncode == 2
    assert "--carriers: unknown royalmail" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.live
@pytest.mark.slow
def test_unreachable_sandbox_stops_the_run_with_a_sentence(tmp_path: Path) -> None:
    nobody = f"http://127.0.0.1:{serving.free_port()}"
    result = _locust(tmp_path, locust_command(nobody, users=2, spawn_rate=2, run_time="5s"))
    assert result.returncode == 2
    assert f"cannot read tracking numbers from the sandbox at {nobody}" in result.stderr
    assert "Traceback" not in result.stderr


class _Recorder:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def add(self, path: str) -> None:
        with self.lock:
            self.paths.append(path)


@pytest.mark.live
@pytest.mark.slow
def test_tracker_mode_sends_shoppers_to_the_tracker_under_test(served: str, tmp_path: Path) -> None:
    seen = _Recorder()
    tracker = FastAPI()

    @tracker.get("/track/{number}")
    def page(number: str) -> HTMLResponse:
        seen.add(number)
        return HTMLResponse("<html><body><h1>Out for delivery</h1></body></html>")

    with live_server(tracker) as tracker_base:
        template = f"{tracker_base}/track/{{tracking_number}}"
        cmd = locust_command(
            served,
            locustfiles=("loadtests/shoppers.py",),
            users=3,
            spawn_rate=3,
            run_time="4s",
            results=tmp_path,
        )
        # this test is about where shoppers go; the answers' correctness has its own tests
        # (tests/test_loadtests_truth.py), and an HTML page has no status to check
        args = [*cmd, "--tracker-url-template", template, "--max-fail-ratio", "0", "--no-truth-check"]
        result = _locust(tmp_path, args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    names = {r["Name"] for r in read_stats(tmp_path)}
    assert template in names
    assert "/_sandbox/parcels/[tracking_number]" not in names
    real = {p["tracking_number"] for p in _all_parcels(served)}
    known = real | {mistype(n) for n in real}
    assert seen.paths and set(seen.paths) <= known


def _all_parcels(base: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = sandbox.get_json(base, "/_sandbox/parcels", params)
        out += page["items"]
        cursor = page["next"]
        if not cursor:
            return out


@pytest.mark.live
@pytest.mark.slow
def test_aggregators_honour_retry_after(tmp_path: Path) -> None:
    """A UPS that answers every track call 429 + Retry-After: 2 sees one call per two seconds."""
    seen = _Recorder()
    ups = FastAPI()

    @ups.get("/_sandbox/parcels")
    def parcels(carrier: str = "") -> dict[str, Any]:
        numbers = [f"1ZLOADTEST000000{i:02d}" for i in range(5)] if carrier == "ups" else []
        items = [
            {"tracking_number": n, "carrier": "ups", "service": "ground", "status": "IN_TRANSIT"}
            for n in numbers
        ]
        return {"items": [{**i, "fate": None, "case": None} for i in items], "next": None}

    @ups.get("/_sandbox/clock")
    def clock() -> dict[str, Any]:
        return {"now": "2026-11-02T05:00:00+00:00", "mode": "manual", "speed": 1.0}

    @ups.get("/_sandbox/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "scenario": "stub"}

    @ups.post("/ups/security/v1/oauth/token")
    def token() -> dict[str, Any]:
        return {"access_token": "stub-token", "token_type": "Bearer", "expires_in": "14399"}

    @ups.get("/ups/api/track/v1/details/{number}")
    def track(number: str, request: Request) -> JSONResponse:
        seen.add(number)
        body = {"response": {"errors": [{"code": "10429", "message": "Too Many Requests"}]}}
        return JSONResponse(body, status_code=429, headers={"Retry-After": "2"})

    with live_server(ups) as base:
        cmd = locust_command(
            base,
            locustfiles=("loadtests/aggregators.py",),
            users=1,
            spawn_rate=1,
            run_time="5s",
            results=tmp_path,
        )
        result = _locust(tmp_path, [*cmd, "--carriers", "ups", "--max-fail-ratio", "0"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert 2 <= len(seen.paths) <= 4, seen.paths  # at 0 s, 2 s, 4 s — not hundreds
    names = {r["Name"] for r in read_stats(tmp_path)}
    assert "/ups/api/track/v1/details/[inquiryNumber] [429]" in names


@pytest.mark.live
@pytest.mark.slow
def test_distributed_master_and_two_workers(served: str, tmp_path: Path) -> None:
    port = serving.free_port()
    master_cmd = locust_command(served, users=6, spawn_rate=6, run_time="6s", results=tmp_path)
    master_cmd += [
        "--master",
        "--master-bind-host",
        "127.0.0.1",
        "--master-bind-port",
        str(port),
        "--expect-workers",
        "2",
        "--expect-workers-max-wait",
        "30",
        "--max-fail-ratio",
        "0",
    ]
    worker_cmd = [
        serving.script("locust"),
        "-f",
        ",".join(serving.LOCUSTFILES),
        "--worker",
        "--master-host",
        "127.0.0.1",
        "--master-port",
        str(port),
    ]
    workers = [
        subprocess.Popen(worker_cmd, cwd=serving.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(2)
    ]
    try:
        result = _locust(tmp_path, master_cmd, timeout=90)
    finally:
        for worker in workers:
            serving.stop(worker)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 workers connected" in result.stderr, result.stderr[-3000:]
    per_api = requests_by_carrier(read_stats(tmp_path))
    assert all(per_api.get(c, 0) > 0 for c in FIVE), per_api
