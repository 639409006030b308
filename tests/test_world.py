"""The simulated world: invariants on the shipped baseline, determinism, directional effects and
calibration bands from docs/realism.md — all recomputed from the logs."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median

import pytest

from sim.engine import Engine
from sim.events import TERMINAL_CODES
from sim.scenario import Scenario
from sim.sinks import JsonlSink
from sim.summary import summarize
from tests.conftest import read_jsonl, small_scenario

pytestmark = pytest.mark.slow


def run_to_dir(scenario: Scenario, out: Path, seed: int | None = None) -> dict:
    engine = Engine(scenario, seed=seed)
    with JsonlSink(out / "events.jsonl") as ev, JsonlSink(out / "truth.jsonl") as tr:
        for events, truths in engine.run():
            ev.write(events)
            tr.write(truths)
    return summarize(out / "events.jsonl", out / "truth.jsonl")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- invariants on the baseline ------------------------------------------------------------


@pytest.fixture(scope="module")
def baseline(baseline_run: Path) -> tuple[list[dict], list[dict], dict]:
    summary = json.loads((baseline_run / "summary.json").read_text())
    return read_jsonl(baseline_run / "events.jsonl"), read_jsonl(baseline_run / "truth.jsonl"), summary


def by_number(events: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        out[e["tracking_number"]].append(e)
    return out


def test_seq_runs_one_to_n_and_first_is_label(baseline: tuple) -> None:
    events, _, _ = baseline
    for tn, evs in by_number(events).items():
        assert [e["seq"] for e in evs] == list(range(1, len(evs) + 1)), tn
        assert evs[0]["code"] == "LABEL_CREATED", tn


def test_times_never_go_backwards_and_visibility_follows(baseline: tuple) -> None:
    events, _, _ = baseline
    for tn, evs in by_number(events).items():
        occurred = [datetime.fromisoformat(e["occurred_at"]) for e in evs]
        visible = [datetime.fromisoformat(e["visible_at"]) for e in evs]
        assert occurred == sorted(occurred), tn
        assert visible == sorted(visible), tn
        assert all(v >= o for v, o in zip(visible, occurred, strict=True)), tn
        assert all(e["occurred_at"][-6] in "+-" for e in evs), "local UTC offsets"


def test_lost_parcels_are_never_delivered(baseline: tuple) -> None:
    events, truths, _ = baseline
    streams = by_number(events)
    lost = [t for t in truths if t["fate"] == "lost"]
    assert lost, "the baseline must lose some parcels"
    for t in lost:
        codes = {e["code"] for e in streams[t["tracking_number"]]}
        assert "DELIVERED" not in codes and t["delivered_at"] is None
        assert t["lost_at"] is not None


def test_misdelivered_parcels_look_delivered_but_went_elsewhere(baseline: tuple) -> None:
    events, truths, _ = baseline
    streams = by_number(events)
    mis = [t for t in truths if t["fate"] == "misdelivered"]
    assert mis, "the baseline must misdeliver some parcels"
    for t in mis:
        assert t["delivered_to"] != t["destination"]
        assert streams[t["tracking_number"]][-1]["code"] == "DELIVERED"


def test_conservation_of_parcels(baseline: tuple) -> None:
    events, truths, summary = baseline
    numbers = {t["tracking_number"] for t in truths}
    assert len(numbers) == len(truths), "one truth row per parcel"
    partner_numbers = {t["partner"]["tracking_number"] for t in truths if t["partner"]}
    assert set(by_number(events)) == numbers | partner_numbers, "every stream belongs to a parcel"
    fates = summary["fates"]
    assert sum(fates.values()) == summary["parcels"] == len(truths)


def test_one_terminal_state_per_finished_parcel(baseline: tuple) -> None:
    events, truths, _ = baseline
    streams = by_number(events)
    for t in truths:
        evs = streams[t["tracking_number"]]
        terminal = [e for e in evs if e["code"] in {c.value for c in TERMINAL_CODES}]
        if t["fate"] in ("delivered", "misdelivered", "damaged") and not t["partner"]:
            assert len(terminal) == 1 and evs[-1] is terminal[0], t["tracking_number"]
        if t["fate"] == "returned":
            assert evs[-1]["code"] == "RETURNED_TO_SENDER"


def test_partner_handover_continues_under_new_number(baseline: tuple) -> None:
    events, truths, _ = baseline
    streams = by_number(events)
    handed = [t for t in truths if t["partner"]]
    assert handed
    for t in handed[:50]:
        mine = streams[t["tracking_number"]]
        theirs = streams[t["partner"]["tracking_number"]]
        assert any(e["code"] == "HANDED_TO_PARTNER" and e["details"]["partner"] == t["partner"] for e in mine)
        assert theirs[0]["code"] == "LABEL_CREATED" and theirs[0]["carrier"] == t["partner"]["carrier"]


def test_every_carrier_has_parcels(baseline: tuple) -> None:
    _, truths, _ = baseline
    assert {t["carrier"] for t in truths} == {"ups", "fedex", "usps", "dhl", "amazon"}


def test_customs_on_cross_border_parcels(baseline: tuple) -> None:
    events, truths, _ = baseline
    streams = by_number(events)
    intl = [t for t in truths if t["international"] and t["fate"] == "delivered"]
    assert intl
    for t in intl:
        assert "CUSTOMS_CLEARED" in {e["code"] for e in streams[t["tracking_number"]]}


# --- calibration bands (docs/realism.md §9), recomputed from the logs --------------------


def test_baseline_lands_in_published_bands(baseline: tuple) -> None:
    _, _, s = baseline
    assert s["parcels"] > 10_000
    assert 0.90 <= s["on_time_rate"] <= 0.985, s["on_time_rate"]
    assert 0.90 <= s["first_attempt_rate"] <= 0.98, s["first_attempt_rate"]
    # 6–14 since the hub-and-spoke network (0–5 hubs a parcel): the reason is in baseline.yaml's header
    assert 6 <= s["events_per_simple_domestic_parcel"]["mean"] <= 14
    assert 0.0002 <= s["lost_rate"] <= 0.01, s["lost_rate"]
    assert s["fates"]["misdelivered"] > 0


def test_summary_is_recomputable_from_logs(baseline_run: Path) -> None:
    recomputed = summarize(baseline_run / "events.jsonl", baseline_run / "truth.jsonl")
    stored = json.loads((baseline_run / "summary.json").read_text())
    assert {k: stored[k] for k in recomputed} == recomputed


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_is_byte_identical_other_seed_differs(tmp_path: Path) -> None:
    scenario = small_scenario(duration="2d", drain="6d", demand={"parcels_per_day": 150})
    run_to_dir(scenario, tmp_path / "a")
    run_to_dir(scenario, tmp_path / "b")
    run_to_dir(scenario, tmp_path / "c", seed=scenario.seed + 1)
    assert sha(tmp_path / "a" / "events.jsonl") == sha(tmp_path / "b" / "events.jsonl")
    assert sha(tmp_path / "a" / "truth.jsonl") == sha(tmp_path / "b" / "truth.jsonl")
    assert sha(tmp_path / "a" / "events.jsonl") != sha(tmp_path / "c" / "events.jsonl")


def test_incremental_advance_equals_batch(tmp_path: Path) -> None:
    scenario = small_scenario(duration="1d", demand={"parcels_per_day": 200}, drain="6d")
    batch = Engine(scenario).advance(scenario.start + timedelta(days=7))
    stepped = Engine(scenario)
    events = []
    t = scenario.start
    while t < scenario.start + timedelta(days=7):
        t += timedelta(minutes=97)
        events += stepped.advance(t)
    assert [e.to_json() for e in events] == [e.to_json() for e in batch]
    assert all(datetime.fromisoformat(e.occurred_at) <= t for e in events)


# --- directional tests ----------------------------------------------------------------------


def test_raising_the_loss_rate_raises_lost_parcels(tmp_path: Path) -> None:
    size = {"duration": "2d", "drain": "8d", "demand": {"parcels_per_day": 400}}
    low = run_to_dir(small_scenario(incidents={"loss": 0.002}, **size), tmp_path / "low")
    high = run_to_dir(small_scenario(incidents={"loss": 0.03}, **size), tmp_path / "high")
    assert high["fates"]["lost"] > 3 * max(1, low["fates"]["lost"])


def test_a_peak_lowers_on_time(tmp_path: Path) -> None:
    # A compact network, so that each station and hub carries a real load at test size.
    network = {
        "countries": ["US"],
        "metros": ["NYC", "LAX", "CHI", "DFW", "ATL", "SEA"],
        "fulfilment_centres": ["ONT", "EWR", "DFW"],
    }
    carriers = {
        "ups": {"share": 0.5, "services": {"ground": 1.0}},
        "amazon": {"share": 0.5, "services": {"two_day": 1.0}},
    }
    normal = run_to_dir(small_scenario(network=network, carriers=carriers), tmp_path / "normal")
    peak = run_to_dir(
        small_scenario(
            network=network, carriers=carriers, demand={"parcels_per_day": 500, "peak_multiplier": 1.6}
        ),
        tmp_path / "peak",
    )
    assert peak["parcels"] > 1.4 * normal["parcels"]
    assert peak["on_time_rate"] < normal["on_time_rate"] - 0.02, (
        peak["on_time_rate"],
        normal["on_time_rate"],
    )


def test_a_hub_outage_delays_parcels_routed_through_it(tmp_path: Path) -> None:
    hub = "ups-hub-HDG"
    outage = {"kind": "hub_outage", "facility": hub, "start": "2026-11-02T12:00:00-06:00", "duration": "36h"}
    plain_dir, down_dir = tmp_path / "plain", tmp_path / "down"
    # Hodgkins hubs the Chicago area only (hub and spoke): enough demand to put parcels through it
    size = {"duration": "2d", "drain": "8d", "demand": {"parcels_per_day": 1000}}
    run_to_dir(small_scenario(**size), plain_dir)
    run_to_dir(small_scenario(disruptions=[outage], **size), down_dir)
    through = {
        e["tracking_number"]
        for e in read_jsonl(plain_dir / "events.jsonl")
        if e["location"]["facility_id"] == hub and "2026-11-02T12" <= e["occurred_at"][:13] <= "2026-11-03T23"
    }
    assert len(through) >= 8

    def delivered(run: Path) -> dict[str, datetime]:
        return {
            t["tracking_number"]: datetime.fromisoformat(t["delivered_at"])
            for t in read_jsonl(run / "truth.jsonl")
            if t["delivered_at"]
        }

    before, after = delivered(plain_dir), delivered(down_dir)
    common = [tn for tn in through if tn in before and tn in after]
    shifts = [(after[tn] - before[tn]).total_seconds() / 3600 for tn in common]
    # most go round the hub on a night's detour, none of them typically earlier; some lose a day to
    # it (a mean over ~15 parcels is one outlier's: a failed attempt on one side moves it by days)
    assert median(shifts) >= 0, shifts
    assert sum(h >= 12 for h in shifts) >= 1, shifts
    outage_delays = [
        d for t in read_jsonl(down_dir / "truth.jsonl") for d in t["delays"] if d["cause"] == "hub_outage"
    ]
    assert outage_delays
    rerouted = {e["tracking_number"] for e in read_jsonl(down_dir / "events.jsonl")} & through
    assert rerouted
