"""Pinned QA cases: the fate and story a case scripts onto its parcel's planned route."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.parcels import Story
from sim.pinned import LOST_EXCEPTION_AFTER_S, script
from sim.scenario import PinnedCase
from tests.tinyworld import facility

pytestmark = pytest.mark.unit

FACILITIES = {
    "fc": facility("fc", "fulfilment_centre", None, "EWR"),
    "h1": facility("h1", "sort_hub", "ups", "PHL"),
    "h2": facility("h2", "sort_hub", "ups", "BOS"),
    "h3": facility("h3", "sort_hub", "ups", "CHI"),
    "ds": facility("ds", "delivery_station", "ups", "NYC"),
}
ROUTE = ["fc", "h1", "h2", "h3", "ds"]


def case(story: str, at: str | None = None, **extra: object) -> PinnedCase:
    data = {"name": "c", "carrier": "ups", "origin": "EWR", "destination": "NYC", "story": story, "at": at}
    return PinnedCase.model_validate({**data, **extra})


def test_a_delivered_case_has_no_incident_at_all() -> None:
    fate, story = script(case("delivered"), ROUTE, FACILITIES, 3)
    assert story == Story(no_incidents=True)
    assert fate.lost_leg is None and fate.damaged_at_hub is None and not fate.misdelivered


def test_lost_disappears_inside_the_named_hub_after_its_arrival_scan() -> None:
    fate, _ = script(case("lost", at="h3"), ROUTE, FACILITIES, 3)
    assert fate.lost_leg == 2 and fate.lost_in_facility  # the leg h2 → h3, then inside h3
    assert fate.lost_exception_after_s == LOST_EXCEPTION_AFTER_S


def test_without_a_place_the_incident_happens_at_the_middle_hub() -> None:
    fate, _ = script(case("lost"), ROUTE, FACILITIES, 3)
    assert fate.lost_leg == 1  # hubs h1 h2 h3: the middle is h2, reached on leg 1
    fate, _ = script(case("damaged"), ROUTE, FACILITIES, 3)
    assert fate.damaged_at_hub == 1
    _, story = script(case("weather_delay", delay="36h"), ROUTE, FACILITIES, 3)
    assert (story.hold_at, story.hold_s) == ("h2", 36 * 3600)


def test_a_place_off_the_route_falls_back_to_the_start() -> None:
    fate, _ = script(case("lost", at="elsewhere"), ROUTE, FACILITIES, 3)
    assert fate.lost_leg == 0
    fate, _ = script(case("damaged", at="ds"), ROUTE, FACILITIES, 3)
    assert fate.damaged_at_hub == 0


def test_delivery_stories() -> None:
    _, story = script(case("failed_attempts_return"), ROUTE, FACILITIES, 4)
    assert (story.attempt_failures, story.after_failure) == (4, "retry")
    _, story = script(case("pickup_point"), ROUTE, FACILITIES, 3)
    assert (story.attempt_failures, story.after_failure) == (1, "pickup_point")
    fate, _ = script(case("address_return"), ROUTE, FACILITIES, 3)
    assert fate.address_error and not fate.address_corrected
    fate, _ = script(case("misdelivered"), ROUTE, FACILITIES, 3)
    assert fate.misdelivered
    _, story = script(case("customs_hold", delay="30h"), ROUTE, FACILITIES, 3)
    assert story.customs_hold_s == 30 * 3600


def test_a_case_placed_off_its_route_is_named_with_the_route() -> None:
    """``at_problem``: a lost or held parcel's facility must be on its route, a damaged one's a hub
    of it; stories that happen at no facility ignore ``at``."""
    from sim.pinned import at_problem

    assert at_problem(case("lost", at="h3"), ROUTE, FACILITIES) is None
    assert at_problem(case("weather_delay", at="ds"), ROUTE, FACILITIES) is None
    assert at_problem(case("lost"), ROUTE, FACILITIES) is None  # the middle hub, by default
    assert at_problem(case("misdelivered", at="elsewhere"), ROUTE, FACILITIES) is None
    problem = at_problem(case("lost", at="elsewhere"), ROUTE, FACILITIES)
    assert problem == "elsewhere is not on the route of case 'c': fc, h1, h2, h3, ds"
    problem = at_problem(case("damaged", at="ds"), ROUTE, FACILITIES)
    assert problem == "ds is not a hub of the route of case 'c': h1, h2, h3"


def test_a_scenario_whose_case_is_off_its_route_is_refused_at_the_line_of_its_at(tmp_path: Path) -> None:
    """The world refuses it before the run (exit 2 from `parcel-sandbox run`), naming the file, the
    line of the case's ``at:`` and the route the parcel would take."""
    from sim.engine import Engine
    from sim.scenario import load_scenario, world_error

    good, shipped = load_scenario("lost_parcels")
    text = shipped.read_text()
    assert "    at: fedex-hub-MEM\n" in text
    bad = tmp_path / "lost_elsewhere.yaml"
    bad.write_text(text.replace("    at: fedex-hub-MEM\n", "    at: fedex-hub-SEA\n"))
    line = next(i for i, s in enumerate(bad.read_text().splitlines(), 1) if "at: fedex-hub-SEA" in s)
    scenario, path = load_scenario(bad)
    with pytest.raises(ValueError) as raised:
        Engine(scenario, seed=scenario.seed)
    problem = world_error(path, raised.value).problems[0]
    assert problem.startswith(f"{path}:{line}:5: cases.0.at: fedex-hub-SEA is not on the route")
    assert "fedex-hub-MEM" in problem  # the route it would take
    Engine(good, seed=good.seed)  # the shipped one is on its route
