"""The UI in a real headless browser (Playwright driving Debian's Chromium, never a downloaded one)
against one served sandbox: it loads with no console error, the map draws, moving the clock moves
the KPIs, a searched number opens its timeline beside its truth, a number that is markup stays
text. A screenshot of each page is kept under runs/artifacts/ui/ (git-ignored)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_carriers.app import create_app
from mock_carriers.world.sandbox import Sandbox
from tests.browser import chromium
from tests.conftest import small_scenario
from tests.live import live_server

pytestmark = [pytest.mark.live, pytest.mark.slow]
ARTIFACTS = Path(__file__).resolve().parents[1] / "runs" / "artifacts" / "ui"
CASES = [
    {"name": "lost-one", "carrier": "ups", "origin": "EWR", "destination": "CHI", "ship_at": "3h",
     "story": "lost"},
]  # fmt: skip


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    app = create_app(sandbox=Sandbox(small_scenario(cases=CASES), endless=False))
    with live_server(app) as url:
        with httpx.Client(base_url=url, timeout=120) as http:
            assert http.post("/_sandbox/clock", json={"advance": "1d"}).status_code == 200
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def page(browser: Any, sandbox_url: str, console_errors: list[str]) -> Iterator[Any]:
    """A fresh page on the UI; fails the test on any console error or uncaught exception."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    errors = console_errors
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(sandbox_url + "/_sandbox/ui")
    tab.wait_for_selector("#map svg circle.facility", timeout=60_000)
    until(lambda: tab.get_attribute("body", "data-version") is not None, what="a first summary")
    yield tab
    context.close()
    assert errors == []


def until(check: Callable[[], bool], timeout: float = 60.0, what: str = "the page") -> None:
    """Poll ``check`` from here: the page's policy forbids eval, which wait_for_function needs."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen in {timeout} s"
        time.sleep(0.1)


def number(tab: Any, selector: str) -> int:
    return int(tab.inner_text(selector).replace(",", "") or 0)


def shoot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_overview_loads_and_the_map_draws(page: Any, sandbox_url: str) -> None:
    network = httpx.get(sandbox_url + "/_sandbox/network").json()
    drawn = page.locator("#map svg circle.facility").count()
    assert drawn == len(network["facilities"])
    assert page.locator("#map svg path.country.ours").count() >= 1
    assert page.locator("#map svg line.lane").count() == len(network["lanes"])
    page.wait_for_selector("#map svg circle.density")  # parcels in flight
    assert number(page, "#kpi-numbers") > 0
    page.wait_for_selector("#feed tbody tr")
    shoot(page, "overview")


def test_moving_the_clock_updates_the_kpis(page: Any) -> None:
    before_now = page.inner_text("#clock-now")
    before = number(page, "#kpi-numbers")
    page.click("button[data-advance='1d']")
    until(
        lambda: page.inner_text("#clock-now") != before_now and number(page, "#kpi-numbers") > before,
        timeout=120,
        what="the KPIs moving with the clock",
    )
    assert page.inner_text("#clock-error") == ""
    until(lambda: page.get_attribute("body", "data-engine") == "caught-up", timeout=120, what="catching up")


def test_the_feed_filters_by_carrier(page: Any) -> None:
    page.wait_for_selector("#feed tbody tr")
    key = page.locator("#feed tbody tr td:nth-child(2)").first.inner_text()
    page.select_option("#feed-carrier", key)

    def only_that_carrier() -> bool:
        cells = page.locator("#feed tbody tr td:nth-child(2)").all_inner_texts()
        return bool(cells) and set(cells) == {key}

    until(only_that_carrier, timeout=30, what="the feed filtered by carrier")


def test_searching_a_number_opens_its_timeline_and_its_truth(page: Any, sandbox_url: str) -> None:
    case = httpx.get(sandbox_url + "/_sandbox/cases").json()[0]
    number = case["tracking_number"]
    page.fill("#search", number)
    page.press("#search", "Enter")
    page.wait_for_selector("#carrier-view li.scan")
    events = httpx.get(f"{sandbox_url}/_sandbox/parcels/{number}").json()["events"]
    assert page.locator("#carrier-view li.scan").count() == len(events)
    assert "carrier status" in page.inner_text("#carrier-view")
    truth = httpx.get(f"{sandbox_url}/_sandbox/truth/{number}").json()
    assert page.inner_text("#truth-view tr[data-field='fate'] td").startswith(truth["fate"])
    assert page.inner_text("#truth-view tr[data-field='case'] td") == case["name"]
    assert page.locator("#parcel-map svg circle.stop").count() >= 1
    assert page.locator("#cases a").count() >= 1  # the pinned cases are listed
    shoot(page, "parcel")


def test_a_number_that_is_markup_stays_text(page: Any, console_errors: list[str]) -> None:
    scripts = page.locator("script").count()
    number = "<script>window.pwned=1</script><img src=x onerror=pwned=2>"  # within the box's 64
    page.fill("#search", number)
    page.press("#search", "Enter")
    until(lambda: "no parcel" in page.inner_text("#parcel-error"), what="the parcel's 404")
    assert "<script>window.pwned=1</script>" in page.inner_text("#parcel-error")  # the detail, as text
    assert "<script>window.pwned=1</script>" in page.inner_text("#parcel-title")
    assert page.evaluate("window.pwned") is None
    assert page.locator("script").count() == scripts
    assert page.locator("#page-parcel img").count() == 0
    # the browser logs the 404 of the timeline it asked for; nothing else may be logged
    console_errors[:] = [e for e in console_errors if "status of 404" not in e]


def test_under_a_control_token_the_page_asks_for_it_and_then_works(browser: Any) -> None:
    app = create_app(sandbox=Sandbox(small_scenario(), endless=False), control_token="s3cret-token")
    errors: list[str] = []
    with live_server(app) as url:
        context = browser.new_context()
        tab = context.new_page()
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(url + "/_sandbox/ui")
        tab.wait_for_selector("#token-box:not([hidden])")
        assert tab.get_attribute("body", "data-version") is None  # nothing read without the token
        tab.fill("#token", "s3cret-token")
        tab.press("#token", "Enter")
        tab.wait_for_selector("#map svg circle.facility", timeout=60_000)
        until(lambda: tab.get_attribute("body", "data-version") is not None, what="a summary with the token")
        assert tab.inner_text("#world").startswith("baseline")
        context.close()
    # the browser logs the 401s the page met before it had the token; nothing else may be logged
    assert [e for e in errors if "status of 401" not in e] == []
