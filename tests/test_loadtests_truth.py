"""Correctness under load: the shoppers' tracker-under-test mode checks each answer against the
truth at that instant. Pure rules (unit), and real headless locust runs on loopback against the
reference tracker (passes) and its stale variant (exits non-zero, the stale answers counted as
failures of the tracker's page)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from loadtests.correctness import CANONICAL, parse_status_map, stale, tracker_status
from loadtests.policy import option_problems
from loadtests.serving import locust_command, read_stats, run_locust, served_sandbox
from sim.status import Status
from tests.conftest import scenario_dict
from tests.examples.harness import tracker

TRUTH = {
    "as_of": "2026-11-04T12:00:00+00:00",
    "fate": "in_network",
    "shown": {"status": "out_for_delivery", "last_visible_at": "2026-11-04T08:00:00+00:00"},
}


@pytest.mark.unit
def test_an_answer_is_stale_only_past_the_tolerance() -> None:
    assert stale("out_for_delivery", TRUTH, 3600, {}) is None
    why = stale("in_transit", TRUTH, 3600, {})
    assert why is not None and "4.0 h" in why and "out_for_delivery" in why
    assert stale("in_transit", TRUTH, 5 * 3600, {}) is None  # the scan is 4 h old: still catching up
    assert stale("Zustellung", TRUTH, 3600, {"Zustellung": "out_for_delivery"}) is None
    assert stale(None, TRUTH, 3600, {}) is not None  # no status at all is wrong too
    lost = {**TRUTH, "fate": "lost", "shown": {**TRUTH["shown"], "status": "in_transit"}}
    assert stale("lost_suspected", lost, 3600, {}) is None  # right about the truth, ahead of the carrier
    assert stale("anything", {**TRUTH, "shown": {"status": None}}, 0, {}) is None


@pytest.mark.unit
def test_the_load_tests_spell_the_canonical_words_as_the_world_does() -> None:
    # Load tests talk HTTP only (no import of sim), so they carry their own copy of the words.
    assert set(CANONICAL) == {status.value for status in Status}


@pytest.mark.unit
def test_status_words_and_options() -> None:
    assert tracker_status('{"status": "delivered"}') == "delivered"
    assert tracker_status("<html>") is None and tracker_status("[1]") is None
    assert parse_status_map("Zugestellt=delivered, pending=") == {"Zugestellt": "delivered", "pending": None}
    with pytest.raises(ValueError, match="WORD=CANONICAL"):
        parse_status_map("Zugestellt=arrived")
    template = "http://127.0.0.1:9000/api/track/{carrier}/{tracking_number}"
    assert option_problems({"tracker_url_template": template}) == []
    assert option_problems({"tracker_url_template": template, "status_map": "x=nope"})
    assert option_problems({"truth_tolerance": -1.0})


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("loadtest-truth")
    data = scenario_dict()
    data.update({"name": "loadtest-truth", "duration": "3d", "drain": "12d"})
    data["demand"] = {**data["demand"], "parcels_per_day": 300}
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with served_sandbox(str(path), realtime_speed=3600, log=folder / "sandbox.log") as served:
        # into the busy middle of the world (parcels changing status every few hours) at once: at
        # its start only labels and pickups happen, and a stale tracker is right by luck
        moved = httpx.post(f"{served.base}/_sandbox/clock", json={"advance": "36h"}, timeout=300)
        assert moved.status_code in (200, 202), moved.text
        yield served.base


def _run(
    sandbox: str, tracker_url: str, results: Path
) -> tuple[int, list[dict[str, str]], list[dict[str, str]]]:
    extra = [
        "--tracker-url-template", tracker_url + "/api/track/{carrier}/{tracking_number}",
        "--carriers", "ups,fedex,usps,dhl", "--typo-share", "0", "--time-scale", "36000",
    ]  # fmt: skip
    cmd = locust_command(
        sandbox,
        locustfiles=["loadtests/shoppers.py"],
        users=6,
        spawn_rate=6,
        run_time="12s",
        results=results,
        extra=extra,
    )
    done = run_locust(cmd, timeout=120, log=results / "locust.log")
    with (results / "stats_failures.csv").open(encoding="utf-8", newline="") as fh:
        failures = list(csv.DictReader(fh))
    return done.returncode, read_stats(results), failures


@pytest.mark.live
@pytest.mark.slow
def test_a_locust_run_against_a_stale_tracker_fails_with_the_stale_answers(
    sandbox: str, tmp_path: Path
) -> None:
    with tracker(sandbox, broken="stale") as url:
        code, rows, failures = _run(sandbox, url, tmp_path)
    assert code != 0
    stale_rows = [
        f for f in failures if "stale: tracker says" in f["Error"] and "{tracking_number}" in f["Name"]
    ]
    assert stale_rows, failures
    page = next(r for r in rows if r["Name"].endswith("/api/track/{carrier}/{tracking_number}"))
    assert int(page["Failure Count"]) == sum(int(f["Occurrences"]) for f in stale_rows)
    assert any(r["Name"] == "/_sandbox/truth/[tracking_number]" and int(r["Request Count"]) for r in rows)


@pytest.mark.live
@pytest.mark.slow
def test_the_same_run_against_the_reference_tracker_passes(sandbox: str, tmp_path: Path) -> None:
    with tracker(sandbox) as url:
        code, rows, failures = _run(sandbox, url, tmp_path)
    assert failures == [] and code == 0
    page = next(r for r in rows if r["Name"].endswith("/api/track/{carrier}/{tracking_number}"))
    assert int(page["Request Count"]) > 20
