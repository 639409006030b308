"""The run report in a real headless Chromium (Debian's package, driven by Playwright; never
`playwright install`): opened from file:// with every http(s) request refused, it draws every plot
— the map's world outlines included — with no console error. A screenshot is kept in
runs/artifacts/ (git-ignored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parcel_sandbox.report.figures import PLOTS
from tests.browser import chromium
from tests.report_world import small_report_run

pytestmark = pytest.mark.live
ARTIFACTS = Path(__file__).resolve().parents[1] / "runs" / "artifacts"
#: what each plot must have drawn (beyond its SVG): a mark of each of its traces' kinds
MARKS = {
    "plot-per-day": [".bars .point", ".scatterlayer .trace"],
    "plot-on-time": [".bars .point"],
    "plot-transit": [".boxlayer .boxes path"],
    "plot-delays": [".bars .point"],
    "plot-hours": [".bars .point"],
    "plot-flows": [".geo g.land path", ".geo g.countries path", ".scattergeo .js-line", ".scattergeo .point"],
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_report_run(tmp_path_factory)


def test_the_report_opens_offline_and_draws_every_plot(run_dir: Path) -> None:
    assert set(MARKS) == {div for div, _, _ in PLOTS}
    errors: list[str] = []
    refused: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

        def refuse(route: object) -> None:
            refused.append(route.request.url)  # type: ignore[attr-defined]
            route.abort()  # type: ignore[attr-defined]

        page.route("http://**/*", refuse)
        page.route("https://**/*", refuse)
        page.goto((run_dir / "report.html").as_uri())
        for div, _, _ in PLOTS:
            page.wait_for_selector(f"#{div} .main-svg", timeout=30_000)
        page.wait_for_selector("#plot-flows .geo g.land path", timeout=30_000)
        for div, marks in MARKS.items():
            for mark in marks:
                assert page.locator(f"#{div} {mark}").count() > 0, (div, mark)
        # the outlines are the world's, not an empty path
        land = page.locator("#plot-flows .geo g.land path").first.get_attribute("d") or ""
        assert len(land) > 1000
        assert "parcels" in page.inner_text("#summary")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "run-report.png"), full_page=True)
    assert errors == []
    assert refused == []  # nothing even tried the network
    assert (ARTIFACTS / "run-report.png").stat().st_size > 10_000
