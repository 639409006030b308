"""The scenario's ``faults:`` section belongs to the served sandbox: the simulation keeps it as written
(``sim.scenario.RawSection``, with where each field sits), and ``mock_carriers.faults.config``
validates it with the loader's located errors — in ``validate``, ``run`` and ``serve`` alike, before
anything starts. ``parcel-sandbox schema`` still describes the whole file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from pydantic import Field

from mock_carriers.faults.config import FaultsConfig, scenario_faults
from mock_carriers.world.sandbox import Sandbox
from parcel_sandbox.cli import main as cli_main
from parcel_sandbox.schema import scenario_schema
from sim.scenario import RawSection, Scenario, ScenarioError, parse_scenario
from tests.conftest import scenario_dict, small_scenario

pytestmark = pytest.mark.unit

BAD = "faults:\n  rate_limits:\n    dhl: {preset: platinum}\n  scan:\n    late: {rate: 2}\n"


def scenario_text(faults_yaml: str) -> str:
    data = scenario_dict()
    data.pop("faults", None)
    return yaml.safe_dump(data, sort_keys=False) + faults_yaml


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_simulation_keeps_the_section_as_written_with_its_source() -> None:
    text = scenario_text(BAD)
    scenario = parse_scenario(text, "world.yaml")  # the world does not read faults: it loads
    assert isinstance(scenario.faults, RawSection)
    assert scenario.faults.data == {
        "rate_limits": {"dhl": {"preset": "platinum"}},
        "scan": {"late": {"rate": 2}},
    }
    assert scenario.faults.source is not None and scenario.faults.source.filename == "world.yaml"
    # the same section read from elsewhere is the same scenario
    assert parse_scenario(text, "other.yaml") == scenario


def test_the_served_layer_locates_every_mistake_in_the_file() -> None:
    text = scenario_text(BAD)
    with pytest.raises(ScenarioError) as err:
        scenario_faults(parse_scenario(text, "world.yaml"))
    assert err.value.problems == [
        f"world.yaml:{line_of(text, 'platinum')}:5: faults.rate_limits: dhl: unknown preset "
        "'platinum' (known: default, starter, standard)",
        f"world.yaml:{line_of(text, 'rate: 2')}:18: faults.scan.late.rate: "
        "Input should be less than or equal to 1",
    ]


def test_a_scenario_built_in_code_names_no_file() -> None:
    data = {**scenario_dict(), "faults": {"timeout_cap": "2h"}}
    with pytest.raises(ScenarioError) as err:
        scenario_faults(Scenario.model_validate(data))
    assert err.value.problems == [
        "<scenario>:1:1: faults.timeout_cap: must be more than 0s and at most 1h (got 2h)"
    ]


def test_a_section_that_is_not_a_mapping_is_the_simulations_error() -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(scenario_text("faults: [1, 2]\n"), "world.yaml")
    assert err.value.problems[0].endswith(": faults: expected a mapping, got list")


def test_a_sandbox_refuses_a_scenario_whose_faults_are_wrong() -> None:
    scenario = small_scenario(faults={"http": {"ups": {"track": {"drop": 7}}}})
    with pytest.raises(ScenarioError, match=r"faults\.http\.ups\.track\.drop: Input should be less than"):
        Sandbox(scenario)


@pytest.mark.parametrize("command", ["validate", "run", "serve"])
def test_every_command_reports_a_bad_faults_section_before_it_starts(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = scenario_text(BAD)
    path = tmp_path / "world.yaml"
    path.write_text(text, encoding="utf-8")
    extra = (
        ["--out", str(tmp_path / "out")]
        if command == "run"
        else ["--port", "1"]
        if command == "serve"
        else []
    )
    assert cli_main([command, str(path), *extra]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"{path}:{line_of(text, 'platinum')}:5: faults.rate_limits: dhl: unknown preset "
        "'platinum' (known: default, starter, standard)",
        f"{path}:{line_of(text, 'rate: 2')}:18: faults.scan.late.rate: "
        "Input should be less than or equal to 1",
    ]
    assert not (tmp_path / "out").exists()  # run refused before writing anything


def test_the_schema_describes_the_faults_section() -> None:
    schema = scenario_schema()
    assert schema["properties"]["faults"]["$ref"] == "#/$defs/FaultsConfig"
    faults = FaultsConfig.model_json_schema()
    assert schema["$defs"]["FaultsConfig"]["properties"] == faults["properties"]
    assert set(faults["$defs"]) <= set(schema["$defs"])
    # the simulation's own schema says only that the section is a mapping
    assert Scenario.model_json_schema()["properties"]["faults"]["type"] == "object"


class _ScenarioWithFaults(Scenario):
    """The scenario model as it was while faults: was part of it (for the identity of --db files)."""

    faults: FaultsConfig = Field(default_factory=FaultsConfig)  # type: ignore[assignment]


def test_a_worlds_identity_is_what_db_files_written_before_carry() -> None:
    data = {**scenario_dict(), "faults": {"rate_limits": {"dhl": "starter"}, "scan": {"late": 0.1}}}
    before = _ScenarioWithFaults.model_validate(data).model_dump_json()
    assert list(json.loads(before)) == list(Scenario.model_fields)  # the same fields, in the same order
    identity, _ = Sandbox(Scenario.model_validate(data), seed=5).world_id()
    assert identity == f"{hashlib.sha256(before.encode()).hexdigest()[:24]}:5"
