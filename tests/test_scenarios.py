"""The shipped scenario library: each runs, lands in the bands its header states, hashes to its
golden trace, and its pinned cases live exactly their stories."""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sim import places
from sim.engine import Engine
from sim.events import ScanEvent
from sim.golden import GOLDEN_FILE, run_scenario, trace_hash
from sim.profiles import PROFILES
from sim.scenario import STANDARD_NAMES, STANDARD_STORIES, StandardStory, load_scenario, shipped_scenarios
from sim.summary import summarize
from tests.conftest import read_jsonl, shared_once
from tests.stories import untold

pytestmark = pytest.mark.slow

SHIPPED = sorted(shipped_scenarios())


@pytest.fixture(scope="session")
def scenario_runs(tmp_path_factory: pytest.TempPathFactory, baseline_run: Path) -> dict[str, Path]:
    """Each shipped scenario run once per session, at its own seed (the baseline through the CLI)."""
    todo = [name for name in SHIPPED if name != "baseline"]

    def make(root: Path) -> None:
        # two cores, two worlds at a time: each run is independent and deterministic
        for name in todo:
            (root / name).mkdir()
        with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(run_scenario, todo, [root / n for n in todo]))

    root = shared_once(tmp_path_factory, "scenarios", make)
    return {"baseline": baseline_run, **{name: root / name for name in todo}}


def events_by_number(run: Path) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for e in read_jsonl(run / "events.jsonl"):
        out[e["tracking_number"]].append(e)
    return out


def truths(run: Path) -> dict[str, dict]:
    return {t["tracking_number"]: t for t in read_jsonl(run / "truth.jsonl")}


def dig(summary: dict[str, Any], dotted: str) -> float:
    value: Any = summary
    for part in dotted.split("."):
        value = value[part]
    return float(value)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_lands_in_its_bands(scenario_runs: dict[str, Path], name: str) -> None:
    scenario, path = load_scenario(name)
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith(f"# {name} — "), "every scenario opens with a header comment"
    assert scenario.expect, f"{name} states no expected figures"
    summary = summarize(scenario_runs[name] / "events.jsonl", scenario_runs[name] / "truth.jsonl")
    assert summary["parcels"] > 500
    for key, (low, high) in scenario.expect.items():
        assert low <= dig(summary, key) <= high, f"{name}: {key} = {dig(summary, key)} not in [{low}, {high}]"


@pytest.mark.parametrize("name", SHIPPED)
def test_golden_trace(scenario_runs: dict[str, Path], name: str) -> None:
    golden = json.loads(GOLDEN_FILE.read_text(encoding="utf-8"))
    assert name in golden, f"no golden hash for {name}: run `make golden` and review the diff"
    assert trace_hash(scenario_runs[name] / "events.jsonl") == golden[name], (
        f"{name}'s events changed; if on purpose, `make golden` and commit tests/golden.json"
    )


def summary_of(runs: dict[str, Path], name: str) -> dict[str, Any]:
    return summarize(runs[name] / "events.jsonl", runs[name] / "truth.jsonl")


def test_peak_lowers_on_time_against_baseline(scenario_runs: dict[str, Path]) -> None:
    peak, base = summary_of(scenario_runs, "peak_season"), summary_of(scenario_runs, "baseline")
    # ShipMatrix: peak on-time is 2–8 points below the rest of the year (docs/realism.md §9)
    assert peak["on_time_rate"] < base["on_time_rate"] - 0.025
    assert max(peak["delay_minutes_by_cause"], key=peak["delay_minutes_by_cause"].get) == "hub_backlog"


def test_storm_delays_only_parcels_through_the_region(scenario_runs: dict[str, Path]) -> None:
    scenario, _ = load_scenario("weather_delay")
    region = scenario.disruptions[0].region
    inside = {
        e["location"]["facility_id"]
        for evs in events_by_number(scenario_runs["weather_delay"]).values()
        for e in evs
        if e["location"]["facility_id"] and e["location"]["region"] in region.regions
    }
    scenario_weather = {c.name for c in scenario.cases if c.story == "weather_delay"}
    scripted = {"weather-delayed"}  # the standard story's hold, on a lane south of the storm
    assert scripted <= scenario_weather
    weather = [
        (t, d)
        for t in truths(scenario_runs["weather_delay"]).values()
        for d in t["delays"]
        if d["cause"] == "weather" and t["case"] not in scripted
    ]
    assert len(weather) > 50
    for _, delay in weather:
        place = delay["facility_id"].rsplit("-", 1)[-1]
        assert places.PLACES[place].region in region.regions, delay
    # parcels that never touched the region have no weather delay at all
    streams = events_by_number(scenario_runs["weather_delay"])
    untouched = [
        t
        for tn, t in truths(scenario_runs["weather_delay"]).items()
        if not {e["location"]["facility_id"] for e in streams[tn]} & inside and t["case"] not in scripted
    ]
    assert untouched and not any(d["cause"] == "weather" for t in untouched for d in t["delays"])


def test_hub_outage_reroutes_and_leaves_a_backlog(scenario_runs: dict[str, Path], tmp_path: Path) -> None:
    scenario, _ = load_scenario("hub_outage")
    outage = scenario.disruptions[0]
    start, end = outage.start, outage.start + timedelta(seconds=outage.duration)
    run = scenario_runs["hub_outage"]
    streams = events_by_number(run)
    hub = outage.facility
    for evs in streams.values():
        for e in evs:
            if e["location"]["facility_id"] == hub and e["code"] == "DEPARTED_FACILITY":
                assert not start <= datetime.fromisoformat(e["occurred_at"]) < end, "a closed hub dispatched"
    waits = [d for t in truths(run).values() for d in t["delays"] if d["cause"] == "hub_outage"]
    assert waits and all(d["facility_id"] == hub for d in waits)
    # the same world without the outage: who passed the hub during the window, and where did they go?
    plain_dir = tmp_path / "plain"
    engine = Engine(scenario.model_copy(update={"disruptions": []}))
    from sim.sinks import JsonlSink

    with JsonlSink(plain_dir / "events.jsonl") as ev, JsonlSink(plain_dir / "truth.jsonl") as tr:
        for events, done in engine.run():
            ev.write(events)
            tr.write(done)
    plain = events_by_number(plain_dir)
    through = {
        tn
        for tn, evs in plain.items()
        if any(
            e["location"]["facility_id"] == hub
            and e["code"] == "ARRIVED_AT_FACILITY"
            and start <= datetime.fromisoformat(e["occurred_at"]) < end
            for e in evs
        )
    }
    rerouted = [
        tn
        for tn in through
        if tn in streams and hub not in {e["location"]["facility_id"] for e in streams[tn]}
    ]
    assert rerouted, "parcels planned through the closed hub must be re-routed around it"
    after = [
        d
        for t in truths(run).values()
        for d in t["delays"]
        if d["cause"] == "hub_backlog" and datetime.fromisoformat(d["at"]) >= end
    ]
    assert after, "the restart leaves a backlog"


# --- pinned cases ---------------------------------------------------------------------------


def case_stream(runs: dict[str, Path], scenario_name: str, case: str) -> tuple[list[dict], dict]:
    scenario, _ = load_scenario(scenario_name)
    number = next(c["tracking_number"] for c in Engine(scenario).cases() if c["name"] == case)
    run = runs[scenario_name]
    truth = truths(run)[number]
    assert truth["case"] == case
    return events_by_number(run)[number], truth


def at(e: dict) -> datetime:
    return datetime.fromisoformat(e["occurred_at"])


def codes(events: list[dict]) -> list[str]:
    return [e["code"] for e in events]


def test_case_lost_at_hub(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "lost_parcels", "lost-at-hub")
    assert truth["fate"] == "lost" and truth["lost_at"]["facility_id"] == "fedex-hub-MEM"
    arrived, late, lost = events[-3:]
    assert arrived["code"] == "ARRIVED_AT_FACILITY" and arrived["location"]["facility_id"] == "fedex-hub-MEM"
    # the carrier notices late: its next scan overdue, "running late" (no cause, the date withdrawn)
    assert late["code"] == "DELAYED" and late["reason"] is None and late["estimated_delivery"] is None
    assert at(late) - at(arrived) >= timedelta(seconds=PROFILES["fedex"].eta.missing_scan_after_s)
    # then, after its trace, it says it cannot locate the parcel
    assert lost["code"] == "EXCEPTION" and lost["reason"] == "lost"
    assert at(lost) - at(late) >= timedelta(days=5)
    assert 9 <= at(lost).hour < 17  # entered by the trace team in office hours
    assert "DELIVERED" not in codes(events)


def test_case_misdelivered_to_neighbour(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "misdelivery", "misdelivered-to-neighbour")
    assert events[-1]["code"] == "DELIVERED"
    assert truth["fate"] == "misdelivered"
    assert truth["delivered_to"]["address"] != truth["destination"]["address"]
    assert truth["delivered_to"]["city"] == truth["destination"]["city"]


def test_case_delayed_two_days_by_weather(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "weather_delay", "storm-delayed")
    delayed = [e for e in events if e["code"] == "DELAYED" and e["reason"] == "weather"]
    assert delayed and delayed[0]["location"]["facility_id"] == "ups-hub-HDG"
    before = events[events.index(delayed[0]) - 1]["estimated_delivery"]["date"]
    assert delayed[0]["estimated_delivery"]["date"] > before, "the ETA moves with the delay"
    assert sum(d["minutes"] for d in truth["delays"] if d["cause"] == "weather") >= 2 * 24 * 60
    assert events[-1]["code"] == "DELIVERED"


def test_case_three_failed_attempts_then_returned(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "failed_attempts", "three-failed-then-returned")
    attempts = [e for e in events if e["code"] == "DELIVERY_ATTEMPTED"]
    assert [e["details"]["attempt"] for e in attempts] == [1, 2, 3]  # Amazon: three, on three days
    assert len({e["occurred_at"][:10] for e in attempts}) == 3
    # each failure is scanned back in at the station after the van returns, never in its second
    for e in attempts[:2]:
        nxt = events[events.index(e) + 1]
        assert nxt["code"] == "DELIVERY_RESCHEDULED" and at(nxt) - at(e) >= timedelta(minutes=3)
    assert codes(events)[-1] == "RETURNED_TO_SENDER" and "RETURN_TO_SENDER" in codes(events)
    assert "AVAILABLE_FOR_PICKUP" not in codes(events)  # Amazon keeps no hold: straight back
    assert truth["fate"] == "returned" and truth["attempts"] == 3


def test_case_collected_from_locker(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "failed_attempts", "collect-from-locker")
    assert codes(events)[-3:] == ["DELIVERY_ATTEMPTED", "AVAILABLE_FOR_PICKUP", "PICKED_UP_BY_RECIPIENT"]
    assert truth["fate"] == "delivered" and truth["delivered_to"]["kind"] == "pickup_point"


def test_case_address_return(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "address_errors", "undeliverable-address")
    held = [e for e in events if e["code"] == "EXCEPTION"]
    # found at loading, then held for a correction: a scan each of FedEx's hold days, then back
    days = PROFILES["fedex"].failed_delivery.address_hold_days
    assert [e["reason"] for e in held] == ["address_issue"] * (1 + days)
    back = next(e for e in events if e["code"] == "RETURN_TO_SENDER")
    assert at(back) - at(held[0]) >= timedelta(days=days)
    assert codes(events)[-1] == "RETURNED_TO_SENDER" and truth["fate"] == "returned"


def test_case_customs_hold_then_released(scenario_runs: dict[str, Path]) -> None:
    events, truth = case_stream(scenario_runs, "international_customs", "customs-hold-released")
    hold = next(e for e in events if e["code"] == "CUSTOMS_HOLD")
    cleared = next(e for e in events if e["code"] == "CUSTOMS_CLEARED")
    assert datetime.fromisoformat(cleared["occurred_at"]) - datetime.fromisoformat(
        hold["occurred_at"]
    ) >= timedelta(days=2)
    assert hold["location"]["country"] == "KZ"
    handed = next(e for e in events if e["code"] == "HANDED_TO_PARTNER")
    partner = handed["details"]["partner"]
    assert partner["carrier"] == "kazpost" and partner["tracking_number"].endswith("DE")
    import tracking_numbers

    assert tracking_numbers.get_tracking_number(partner["tracking_number"]) is not None
    assert truth["fate"] == "delivered" and truth["international"]


def test_cases_are_listed_before_the_run() -> None:
    scenario, _ = load_scenario("failed_attempts")
    listed = Engine(scenario).cases()
    assert [c["name"] for c in listed] == ["three-failed-then-returned", "collect-from-locker"]
    assert listed == Engine(scenario).cases(), "case numbers are deterministic"
    import tracking_numbers

    for c in listed:
        assert tracking_numbers.get_tracking_number(c["tracking_number"]) is not None


def test_pinned_stories_do_not_change_the_rest_of_the_world(
    tmp_path: Path, scenario_runs: dict[str, Path]
) -> None:
    scenario, _ = load_scenario("lost_parcels")
    case_numbers = {c["tracking_number"] for c in Engine(scenario).cases()}
    without = scenario.model_copy(update={"cases": []})
    engine = Engine(without)
    lines = []
    for events, _ in engine.run():
        lines += [e.to_json() for e in events]
    with_cases = [
        line
        for line in (scenario_runs["lost_parcels"] / "events.jsonl").read_text().splitlines()
        if json.loads(line)["tracking_number"] not in case_numbers
    ]
    assert with_cases == lines


# Each pinned case, through the API of the carrier that carries it: (scenario, case, delivered?)
CASES_THROUGH_APIS = [
    ("lost_parcels", "lost-at-hub", False),
    ("misdelivery", "misdelivered-to-neighbour", True),
    ("weather_delay", "storm-delayed", True),
    ("failed_attempts", "three-failed-then-returned", False),
    ("failed_attempts", "collect-from-locker", True),
    ("address_errors", "undeliverable-address", False),
    ("international_customs", "customs-hold-released", True),
]


@pytest.mark.parametrize(("scenario_name", "case", "delivered"), CASES_THROUGH_APIS)
def test_pinned_case_is_visible_through_its_carrier_api(
    scenario_runs: dict[str, Path], scenario_name: str, case: str, delivered: bool
) -> None:
    from fastapi.testclient import TestClient

    from mock_carriers.app import create_app
    from mock_carriers.world.sandbox import Sandbox
    from sim.replay import RecordedWorld
    from tests.test_served import CLIENTS

    scenario, _ = load_scenario(scenario_name)
    run = scenario_runs[scenario_name]
    sandbox = Sandbox(
        scenario,
        clock_mode="instant",
        endless=False,
        retention=timedelta(days=60),  # the horizon is weeks out; keep finished parcels in memory
        engine_factory=lambda: RecordedWorld(run, scenario),
    )
    with TestClient(create_app(sandbox=sandbox)) as http:
        # Instant mode: the engine computes the horizon off the request path; wait until it is there.
        settled = http.post("/_sandbox/clock", json={}, params={"timeout": 600}).json()
        deadline = time.monotonic() + 600
        while settled["now"] != settled["target"] and time.monotonic() < deadline:
            time.sleep(0.2)  # a recorded world still loading when the call came in
            settled = http.get("/_sandbox/clock").json()
        assert settled["now"] == settled["target"]
        listed = {c["name"]: c for c in http.get("/_sandbox/cases").json()}
        number, carrier = listed[case]["tracking_number"], listed[case]["carrier"]
        client = CLIENTS[carrier](http, f"http://testserver/{carrier}")
        client.authenticate()
        r = client.track(number)
        assert r.status_code == 200, r.text
        client.validate(r)
        detail = http.get(f"/_sandbox/parcels/{number}").json()
        assert detail["truth"]["case"] == case
        assert client.scan_count(r.json()) >= 3
        assert client.is_delivered(r.json()) is delivered, (case, detail["status"])


# --- the standard pinned stories (sim/scenario/standard_cases.py) ----------------------------

STANDARD = [
    (name, story)
    for name in SHIPPED
    if load_scenario(name)[0].standard_cases is not None
    for story in STANDARD_STORIES
]


def test_the_scenarios_qa_reaches_for_carry_the_standard_stories() -> None:
    opted = {name for name, _ in STANDARD}
    # the four left out each pin their own story under its own name (docs/scenarios.md)
    assert opted == set(SHIPPED) - {"lost_parcels", "misdelivery", "failed_attempts", "address_errors"}
    for name in opted:
        scenario, _ = load_scenario(name)
        names = [c.name for c in scenario.cases]
        customs = scenario.standard_cases.cross_border is not None
        assert set(STANDARD_NAMES) - set(names) == (set() if customs else {"customs-hold-released"}), name
    assert {n for n in opted if load_scenario(n)[0].standard_cases.cross_border} == {
        "baseline",
        "international_customs",
    }


def standard_case(runs: dict[str, Path], name: str, case: str) -> tuple[Any, dict, list[ScanEvent]]:
    """The case, its truth, and the scans of every number its parcel carried (its partner's too)."""
    scenario, _ = load_scenario(name)
    pinned = next(c for c in scenario.cases if c.name == case)
    number = next(c["tracking_number"] for c in Engine(scenario).cases() if c["name"] == case)
    truth = truths(runs[name])[number]
    assert truth["case"] == case
    numbers = {number} | ({truth["partner"]["tracking_number"]} if truth["partner"] else set())
    by_number = events_by_number(runs[name])
    scans = [ScanEvent.from_dict(e) for n in numbers for e in by_number[n]]
    scans.sort(key=lambda e: datetime.fromisoformat(e.occurred_at))
    return pinned, truth, scans


@pytest.mark.parametrize(("name", "standard"), STANDARD, ids=[f"{n}-{s.name}" for n, s in STANDARD])
def test_each_standard_story_is_told_by_truth_and_scans(
    scenario_runs: dict[str, Path], name: str, standard: StandardStory
) -> None:
    scenario, _ = load_scenario(name)
    if standard.cross_border and scenario.standard_cases.cross_border is None:
        pytest.skip(f"{name} has no cross-border lane")
    case, truth, scans = standard_case(scenario_runs, name, standard.name)
    assert untold(case.story, truth, scans, case.delay) == []
    # and the check tells stories apart: this parcel tells no other standard story
    for other in {s.story for s in STANDARD_STORIES} - {case.story}:
        assert untold(other, truth, scans, case.delay), f"{standard.name} also passes as {other}"


def test_standard_case_numbers_are_known_at_the_start_in_serve_and_replay(
    scenario_runs: dict[str, Path],
) -> None:
    from sim.replay import RecordedWorld

    for name in sorted({n for n, _ in STANDARD}):
        scenario, _ = load_scenario(name)
        live = Engine(scenario).cases()  # before the clock moves: nothing has shipped
        assert all(c["tracking_number"] for c in live), name
        replayed = RecordedWorld(scenario_runs[name], scenario)
        try:
            assert replayed.cases() == live, name
        finally:
            replayed.close()
