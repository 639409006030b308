"""Scenario files: durations, shipped scenarios, and errors that name file:line:col and field."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario, parse_duration, parse_scenario, shipped_scenarios

GOOD = """\
name: tiny
seed: 1
start: 2026-11-02T00:00:00-05:00
duration: 2d
carriers:
  ups:
    share: 1.0
    services: {ground: 1.0}
demand:
  parcels_per_day: 100
"""


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("4d", 4 * 86400),
        ("90m", 5400),
        ("2h", 7200),
        ("1d12h", 129600),
        ("PT2H", 7200),
        ("P1DT6H", 108000),
        ("45s", 45),
        (30, 30),
        ("1w", 604800),
    ],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.unit
@pytest.mark.parametrize("bad", ["soon", "", "-3h", "4 days", True, -1])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(bad)


@pytest.mark.unit
def test_every_shipped_scenario_validates() -> None:
    assert "baseline" in shipped_scenarios()
    for name in shipped_scenarios():
        scenario, path = load_scenario(name)
        assert scenario.name == path.stem


def _error(text: str, tmp_path: Path) -> list[str]:
    f = tmp_path / "broken.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(f)
    return exc.value.problems


@pytest.mark.unit
def test_unknown_field_names_line_and_field(tmp_path: Path) -> None:
    problems = _error(GOOD + "colour: blue\n", tmp_path)
    assert problems == [f"{tmp_path / 'broken.yaml'}:11:1: colour: unknown field"]


@pytest.mark.unit
def test_wrong_type_points_at_the_value(tmp_path: Path) -> None:
    problems = _error(GOOD.replace("parcels_per_day: 100", "parcels_per_day: lots"), tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'broken.yaml'}:10:20: demand.parcels_per_day: ")


@pytest.mark.unit
def test_bad_duration_is_reported(tmp_path: Path) -> None:
    problems = _error(GOOD.replace("duration: 2d", "duration: two days"), tmp_path)
    assert problems[0].startswith(f"{tmp_path / 'broken.yaml'}:4:11: duration: bad duration 'two days'")


@pytest.mark.unit
def test_unknown_carrier_is_reported(tmp_path: Path) -> None:
    problems = _error(GOOD.replace("  ups:", "  pony_express:"), tmp_path)
    assert problems[0].startswith(f"{tmp_path / 'broken.yaml'}:6:3: carriers: unknown carrier 'pony_express'")


@pytest.mark.unit
def test_nested_unknown_field(tmp_path: Path) -> None:
    problems = _error(GOOD.replace("    share: 1.0", "    share: 1.0\n    colour: brown"), tmp_path)
    assert problems[0] == f"{tmp_path / 'broken.yaml'}:8:5: carriers.ups.colour: unknown field"


@pytest.mark.unit
def test_yaml_syntax_error(tmp_path: Path) -> None:
    problems = _error(GOOD + "network: [unclosed\n", tmp_path)
    assert problems[0].startswith(str(tmp_path / "broken.yaml") + ":")
    assert "(yaml)" in problems[0]


@pytest.mark.unit
def test_start_needs_an_offset() -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(GOOD.replace("-05:00", ""), "s.yaml")
    assert exc.value.problems[0].startswith("s.yaml:3:8: start: ")
    assert "offset" in exc.value.problems[0]


@pytest.mark.live
@pytest.mark.parametrize(
    ("mutation", "field"),
    [
        (("parcels_per_day: 100", "parcels_per_day: 100\n  colour: red"), "demand.colour"),
        (("duration: 2d", "duration: 2 fortnights"), "duration"),
        (("  ups:", "  ufo:"), "carriers"),
        (("seed: 1", "seed: one"), "seed"),
    ],
)
def test_validate_cli_exit_2_one_line_no_traceback(
    tmp_path: Path, mutation: tuple[str, str], field: str
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text(GOOD.replace(*mutation), encoding="utf-8")
    for command in ("validate", "run"):
        proc = subprocess.run(
            [sys.executable, "-m", "parcel_sandbox.cli", command, str(f)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith(f"{f}:") and f": {field}: " in lines[0]
        assert "Traceback" not in proc.stderr + proc.stdout


@pytest.mark.live
def test_validate_accepts_a_shipped_name() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "validate", "baseline"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ok" in proc.stdout


@pytest.mark.live
def test_missing_file_is_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "validate", "no/such/file.yaml"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "no such file or shipped scenario" in proc.stderr


@pytest.mark.live
def test_cases_command_lists_pinned_cases() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "cases", "failed_attempts", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    import json

    cases = json.loads(proc.stdout)
    assert [c["name"] for c in cases] == ["three-failed-then-returned", "collect-from-locker"]
    assert {c["carrier"] for c in cases} == {"amazon", "ups"} and all(c["tracking_number"] for c in cases)


@pytest.mark.live
def test_schema_command_prints_the_json_schema() -> None:
    import json

    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "schema"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert {"name", "start", "duration", "carriers", "demand"} <= set(schema["required"])
    assert schema["properties"]["duration"]["format"] == "duration"


@pytest.mark.unit
def test_scenario_reference_is_generated_from_the_models() -> None:
    from parcel_sandbox.scenario_docs import render

    doc = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
    assert doc.read_text(encoding="utf-8") == render(), "docs/scenarios.md is stale: run `make docs`"


@pytest.mark.live
@pytest.mark.slow
def test_a_service_that_reaches_nowhere_is_a_located_error(tmp_path: Path) -> None:
    text = GOOD.replace("services: {ground: 1.0}", "services: {international: 1.0}")
    f = tmp_path / "nowhere.yaml"
    f.write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "run", str(f), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"{f}:8:16: carriers.ups.services.international: ")


@pytest.mark.unit
def test_carrier_reference_is_current_and_maps_every_code() -> None:
    from mock_carriers.carriers import registry
    from mock_carriers.docgen import render
    from sim.events import EventCode, ExceptionReason

    doc = Path(__file__).resolve().parents[1] / "docs" / "carriers.md"
    text = doc.read_text(encoding="utf-8")
    assert text == render(), "docs/carriers.md is stale: run `make docs`"
    sections = text.split("\n## ")[1:]
    assert len(sections) == len(registry.KEYS)  # the carriers, then Ship24
    for section in sections:
        for code in [*EventCode, *ExceptionReason]:
            assert code.value in section, (section.splitlines()[0], code)


@pytest.mark.unit
def test_lanes_listed_explicitly_join_the_network() -> None:
    from sim.network import build_network

    text = GOOD + (
        "network:\n  countries: [US]\n  lanes:\n"
        "    - {from: ups-hub-SDF, to: ups-hub-SEA, mode: air,\n"
        "       departures: ['03:15', '23:45'], duration: 6h}\n"
    )
    scenario = parse_scenario(text, "lanes.yaml")
    net = build_network(scenario)
    lane = net.lane("ups", True, "ups-hub-SDF", "ups-hub-SEA")
    assert lane.mode == "air" and lane.duration_s == 6 * 3600
    assert lane.departures == (3.25 * 3600, 23.75 * 3600)
    # air stays off ground routes (and no truck runs Louisville–Seattle: the hubs are not neighbours)
    assert not net.graph("ups", False).has_edge("ups-hub-SDF", "ups-hub-SEA")


@pytest.mark.live
def test_a_lane_to_nowhere_is_a_located_error(tmp_path: Path) -> None:
    f = tmp_path / "lanes.yaml"
    f.write_text(
        GOOD + "network:\n  lanes:\n    - {from: ups-hub-SDF, to: ups-hub-NOPE, departures: ['03:00']}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "run", str(f), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"{f}:13:7: network.lanes.0: unknown facility 'ups-hub-NOPE'")


@pytest.mark.unit
def test_a_bad_departure_time_names_the_field() -> None:
    text = GOOD + "network:\n  lanes:\n    - {from: ups-hub-SDF, to: ups-hub-SEA, departures: ['25:00']}\n"
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "lanes.yaml")
    assert exc.value.problems[0].startswith(
        "lanes.yaml:13:56: network.lanes.0.departures: bad departure time"
    )
