"""The scenario file as the application reads it: the simulation's ``Scenario`` with the served
sandbox's ``faults:`` section in place. The simulation keeps that section raw
(``sim.scenario.RawSection``); ``validate``, ``serve`` and ``schema`` — and the scenario reference
page — need the whole file, so they compose the two here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_carriers.faults.config import FaultsConfig, scenario_faults
from sim import scenario as sim_scenario
from sim.scenario import Scenario


def load_scenario(ref: str | Path) -> tuple[Scenario, Path]:
    """``sim.scenario.load_scenario``, with the ``faults:`` section checked as ``serve`` reads it:
    the whole file, so every mistake in it is ``ScenarioError`` naming ``file:line:col: field``."""
    scenario, path = sim_scenario.load_scenario(ref)
    scenario_faults(scenario)
    return scenario, path


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file, ``faults:`` included (``parcel-sandbox schema``)."""
    schema = Scenario.model_json_schema()
    faults = FaultsConfig.model_json_schema()
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    defs.update(faults.pop("$defs", {}))
    defs["FaultsConfig"] = faults
    raw = schema["properties"]["faults"]
    schema["properties"]["faults"] = {
        "$ref": "#/$defs/FaultsConfig",
        **{k: v for k, v in raw.items() if k == "description"},
    }
    schema["$defs"] = dict(sorted(defs.items()))
    return schema
