"""The UI's live work stays off the hot path: while the clock moves a week at once, ``parcel-sandbox
serve`` (its own process, engine in another) keeps answering pings and keeps pushing the summary.
No timing is asserted (``python -m bench.ui_bench`` measures, docs/benchmarks.md); the figures are
written to runs/artifacts/ui/responsive.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench.ui_bench import measure, served
from tests.conftest import scenario_dict

ARTIFACTS = Path(__file__).resolve().parents[1] / "runs" / "artifacts" / "ui"


@pytest.mark.live
@pytest.mark.slow
def test_the_stream_and_the_pings_go_on_while_the_clock_moves_a_week(tmp_path: Path) -> None:
    data = scenario_dict()
    data.update({"name": "responsive", "duration": "7d", "drain": "10d"})
    data["demand"] = {**data["demand"], "parcels_per_day": 100}
    world = tmp_path / "responsive.yaml"
    world.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with served(str(world)) as base:
        result = measure(base, days=7, quiet_s=1.0, timeout_s=600)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "responsive.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    moving = result["moving"]
    assert moving["ping_errors"] == 0 and moving["pings"] > 0
    # the stream delivered during the move: about one message per half second of it, at least one
    assert moving["messages"] >= min(1, int(result["move_s"]))
    if result["move_s"] > 4:
        assert moving["messages"] >= 2
    assert result["numbers"] > 0 and result["events"] > 0  # the totals reached the moved world
