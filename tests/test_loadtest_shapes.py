"""The daily load shape follows the served scenario's demand curve, read from the scenario file as
data (locust needs no simulation installed), falling back to the baseline's curve."""

from __future__ import annotations

from pathlib import Path

import pytest

from loadtests.shapes import served_curve
from loadtests.shapes.curves import BASELINE_DAILY_CURVE

pytestmark = pytest.mark.unit

CURVE = [float(h % 5 + 1) for h in range(24)]


def serving(monkeypatch: pytest.MonkeyPatch, name: object) -> None:
    monkeypatch.setattr(served_curve.sandbox, "health", lambda host: {"scenario": name})


def test_the_served_scenarios_curve_is_read_from_its_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "busy.yaml").write_text(f"name: busy\ndemand:\n  daily_curve: {CURVE}\n", encoding="utf-8")
    serving(monkeypatch, "busy")
    curve, source = served_curve.scenario_curve("http://sandbox", tmp_path)
    assert curve == tuple(CURVE) and source == f"scenario 'busy' ({tmp_path / 'busy.yaml'})"


def test_a_scenario_without_a_curve_has_the_default_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "plain.yaml").write_text("name: plain\ndemand: {parcels_per_day: 10}\n", encoding="utf-8")
    serving(monkeypatch, "plain")
    curve, source = served_curve.scenario_curve("http://sandbox", tmp_path)
    assert curve == BASELINE_DAILY_CURVE and source.endswith("the default curve)")


def test_every_shipped_scenario_is_found_in_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    serving(monkeypatch, "baseline")
    curve, source = served_curve.scenario_curve("http://sandbox")
    assert curve == BASELINE_DAILY_CURVE and source.startswith("scenario 'baseline' (")


@pytest.mark.parametrize(
    ("name", "text", "why"),
    [
        ("elsewhere", None, "not readable here"),
        ("broken", "demand:\n  daily_curve: [1, 2]\n", "not readable here"),
        ("../../etc/passwd", None, "names no scenario"),
        (None, None, "names no scenario"),
    ],
)
def test_anything_else_falls_back_to_the_baseline_curve(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: object, text: str | None, why: str
) -> None:
    if text is not None:
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    serving(monkeypatch, name)
    curve, source = served_curve.scenario_curve("http://sandbox", tmp_path)
    assert curve == BASELINE_DAILY_CURVE and source.startswith("baseline default") and why in source
