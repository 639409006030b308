"""verify's HTML report on a hand-made result: its content, drawn with the plotting helpers every
parcel-sandbox report shares (parcel_sandbox/report/plotting.py). The browser opens it in
test_verify_trackers.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from parcel_sandbox.report.plotting import CSS, LAYOUT
from parcel_sandbox.verify.report import figure, write_html
from parcel_sandbox.verify.run import _parcel_row
from parcel_sandbox.verify.score import Observation, ParcelRun, score
from parcel_sandbox.verify.settings import Thresholds

pytestmark = pytest.mark.unit
H = 3600.0


def followed(number: str, carrier: str, *steps: tuple[str, str]) -> ParcelRun:
    obs = [Observation(t=1.8e9 + i * H, carrier=c, tracker=t, lost=False) for i, (c, t) in enumerate(steps)]
    return ParcelRun(number, carrier, None, lost_at=None, observations=obs)


def result() -> dict[str, Any]:
    parcels = [
        followed("N1", "ups", ("in_transit", "in_transit"), ("delayed", "in_transit")),
        followed("N2", "fedex", ("in_transit", "in_transit"), ("delivered", "delivered")),
    ]
    r = score(parcels, Thresholds(min_accuracy=0.9))
    r["run"] = {
        "scenario": "baseline",
        "seed": 3,
        "from": "2026-11-02T00:00:00+00:00",
        "to": "2026-11-02T02:00:00+00:00",
        "steps": 2,
        "step_hours": 1.0,
        "grace_seconds": 0.5,
        "tracker": "http://tracker/<n>",
        "parcels": 2,
        "cases": [],
        "unmapped_words": [],
    }
    r["parcels"] = [_parcel_row(p) for p in parcels]
    return r


def test_the_report_keeps_its_content_in_the_shared_style(tmp_path: Path) -> None:
    path = tmp_path / "verify.html"
    write_html(result(), path)
    text = path.read_text(encoding="utf-8")
    assert '<h1 id="verdict" class="FAIL">FAIL</h1>' in text
    assert "status accuracy 75.0% is below 90%" in text  # a finding
    assert "<td>status accuracy</td>" in text and "<td>N1</td><td>ups</td>" in text
    assert 'id="verify-charts"' in text and "http://tracker/&lt;n&gt;" in text
    assert CSS in text  # the shared style sheet
    assert "<script src=" not in text and text.count("window.PlotlyConfig") == 1
    write_html(result(), tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == path.read_bytes()


def test_the_charts_use_the_shared_layout() -> None:
    layout = figure(result()).layout
    assert layout.font.family == LAYOUT["font"]["family"]  # type: ignore[index]
    assert layout.height == 720 and layout.barmode == "group"
    assert [bar.x for bar in figure(result()).data[:1]] == [("fedex", "ups")]
