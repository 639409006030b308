"""A small two-carrier, four-service run for the run report's CLI and browser tests: every plot of
the report has something to draw, in a few seconds of simulation, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcel_sandbox.cli import main as cli_main
from tests.conftest import shared_once

SCENARIO = """\
name: report-small
seed: 3
start: 2026-11-02T00:00:00-05:00
duration: 2d
carriers:
  ups:
    share: 0.5
    services: {ground: 0.7, next_day: 0.3}
  fedex:
    share: 0.5
    services: {ground: 0.6, two_day: 0.4}
demand:
  parcels_per_day: 60
"""


def small_report_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``run SCENARIO --report`` through the real CLI, once per test run; the run directory."""

    def make(folder: Path) -> None:
        (folder / "report-small.yaml").write_text(SCENARIO, encoding="utf-8")
        argv = ["run", str(folder / "report-small.yaml"), "--out", str(folder / "run"), "--quiet", "--report"]
        assert cli_main(argv) == 0

    return shared_once(tmp_path_factory, "report-small", make) / "run"
