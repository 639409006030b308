from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from parcel_sandbox.cli import main as cli_main
from sim.scenario import Scenario, shipped_scenarios
from tests.markers import kind_problems


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fail collection when a test does not say what kind it is (tests/markers.py)."""
    problems = kind_problems(items)
    if problems:
        shown = "\n".join(problems[:50]) + (
            f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        )
        raise pytest.UsageError(f"{len(problems)} test(s) without a proper kind marker:\n{shown}")


def scenario_dict(name: str = "baseline") -> dict[str, Any]:
    return yaml.safe_load(shipped_scenarios()[name].read_text(encoding="utf-8"))


def small_scenario(**overrides: Any) -> Scenario:
    """The baseline world at a test-friendly size: 3 days of demand, a few hundred parcels a day."""
    data = scenario_dict()
    data.update({"duration": "3d", "drain": "12d"})
    data["demand"] = {**data["demand"], "parcels_per_day": 500}
    for key, value in overrides.items():
        if key in ("demand", "incidents") and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped baseline, run once for the whole session through the real CLI."""
    out = tmp_path_factory.mktemp("baseline")
    assert cli_main(["run", "baseline", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="session")
def realism_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``realism_run(name, seed=None) -> Path``: a shipped scenario run once per session at its
    realism seed (``tests.realism.REALISM_SEEDS``; never the golden seed), for realism tests that
    read the raw logs."""
    from tests.realism import REALISM_SEEDS, run_at_seed

    root = tmp_path_factory.mktemp("realism")
    cache: dict[tuple[str, int], Path] = {}

    def get(name: str, seed: int | None = None) -> Path:
        key = (name, REALISM_SEEDS[name] if seed is None else seed)
        if key not in cache:
            cache[key] = run_at_seed(key[0], key[1], root / f"{key[0]}-{key[1]}")
        return cache[key]

    return get


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]
