from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import FileLock

from parcel_sandbox.cli import main as cli_main
from sim.scenario import Scenario, shipped_scenarios
from tests.markers import kind_problems
from tests.redis_server import redis_server, redis_url  # noqa: F401  (fixtures)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Fail collection when a test does not say what kind it is (tests/markers.py)."""
    problems = kind_problems(items)
    if problems:
        shown = "\n".join(problems[:50]) + (
            f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        )
        raise pytest.UsageError(f"{len(problems)} test(s) without a proper kind marker:\n{shown}")


def scenario_dict(name: str = "baseline", standard_cases: bool = False) -> dict[str, Any]:
    """A shipped scenario's YAML as data. Without its standard pinned stories unless asked: the
    worlds tests derive from it keep the parcels they were written against."""
    data = yaml.safe_load(shipped_scenarios()[name].read_text(encoding="utf-8"))
    if not standard_cases:
        data.pop("standard_cases", None)
    return data


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


def shared_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """``make(folder)`` once per test run, however many pytest-xdist workers ask: the first to come
    builds it under a file lock, the others wait and read it. Worlds are deterministic, so every
    worker would build the same bytes; sharing them keeps ``make test -n 2`` from running each
    session world twice."""
    base = tmp_path_factory.getbasetemp()
    # under xdist each worker's basetemp is <run>/popen-gwN; <run> is the one the run shares
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    root.mkdir(exist_ok=True)
    out, done = root / name, root / f"{name}.complete"
    with FileLock(str(root / f"{name}.lock")):
        if not done.exists():
            if out.exists():  # a worker that failed half way
                shutil.rmtree(out)
            out.mkdir()
            make(out)
            done.touch()
    return out


@pytest.fixture(scope="session")
def baseline_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped baseline, run once for the whole test run through the real CLI."""

    def make(out: Path) -> None:
        assert cli_main(["run", "baseline", "--out", str(out), "--quiet"]) == 0

    return shared_once(tmp_path_factory, "baseline", make)


@pytest.fixture(scope="session")
def realism_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """``realism_run(name, seed=None) -> Path``: a shipped scenario run once per session at its
    realism seed (``tests.realism.REALISM_SEEDS``; never the golden seed), for realism tests that
    read the raw logs."""
    from tests.realism import REALISM_SEEDS, run_at_seed

    cache: dict[tuple[str, int], Path] = {}

    def get(name: str, seed: int | None = None) -> Path:
        key = (name, REALISM_SEEDS[name] if seed is None else seed)
        if key not in cache:
            cache[key] = shared_once(
                tmp_path_factory, f"realism-{key[0]}-{key[1]}", lambda out: run_at_seed(key[0], key[1], out)
            )
        return cache[key]

    return get


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]
