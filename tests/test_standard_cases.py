"""The standard pinned stories a scenario opts into (``standard_cases:``): one shared list, laid on
the scenario's own lanes, validated like any case, known before anything ships. Whether each
story is really told, scenario by scenario, is tests/test_scenarios.py's (on the full worlds)."""

from __future__ import annotations

from typing import Any

import pytest

from sim.engine import Engine
from sim.scenario import STANDARD_NAMES, STANDARD_STORIES, Scenario, ScenarioError, parse_scenario
from sim.scenario.standard_cases import StandardCases, expand

pytestmark = pytest.mark.unit

LANE = {"carrier": "ups", "origin": "EWR", "destination": "CHI"}
ABROAD = {"carrier": "ups", "service": "international", "origin": "EWR", "destination": "YYZ"}


def scenario(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "t",
        "start": "2026-11-02T00:00:00-05:00",
        "duration": "2d",
        "network": {"countries": ["US", "CA"]},
        "carriers": {"ups": {"share": 1.0, "services": {"ground": 0.9, "international": 0.1}}},
        "demand": {"parcels_per_day": 10},
    }
    data.update(overrides)
    return data


def test_every_story_rides_the_lane_and_customs_rides_the_border() -> None:
    cases = expand(StandardCases.model_validate({**LANE, "cross_border": ABROAD}))
    assert [c.name for c in cases] == list(STANDARD_NAMES)
    for case, standard in zip(cases, STANDARD_STORIES, strict=True):
        lane = ABROAD if standard.cross_border else {"carrier": "ups", "service": "ground", **LANE}
        assert (case.carrier, case.service.value, case.origin, case.destination) == tuple(lane.values())
        assert (case.story, case.ship_at, case.delay) == (standard.story, standard.ship_at, standard.delay)


def test_without_a_cross_border_lane_there_is_no_customs_case() -> None:
    names = [c.name for c in expand(StandardCases.model_validate(LANE))]
    assert names == [n for n in STANDARD_NAMES if n != "customs-hold-released"]


def test_the_standard_cases_follow_the_scenarios_own() -> None:
    own = {**LANE, "name": "mine", "story": "misdelivered"}
    s = Scenario.model_validate(scenario(cases=[own], standard_cases=LANE))
    assert [c.name for c in s.cases] == ["mine", *[n for n in STANDARD_NAMES if n != "customs-hold-released"]]
    assert Scenario.model_validate(scenario()).cases == []  # opting in is explicit


def test_a_validated_scenario_validates_again_to_the_same_cases() -> None:
    s = Scenario.model_validate(scenario(standard_cases={**LANE, "cross_border": ABROAD}))
    again = Scenario.model_validate(s.model_dump(mode="json"))
    assert again.cases == s.cases and len(again.cases) == len(STANDARD_NAMES)


def test_a_case_of_the_same_name_is_refused_at_the_standard_cases_line() -> None:
    text = (
        "name: t\nstart: 2026-11-02T00:00:00-05:00\nduration: 2d\n"
        "carriers: {ups: {share: 1.0, services: {ground: 1.0}}}\ndemand: {parcels_per_day: 10}\n"
        "cases:\n  - {name: lost-after-hub, carrier: ups, origin: EWR, destination: LAX, story: lost}\n"
        "standard_cases: {carrier: ups, origin: EWR, destination: CHI}\n"
    )
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(text, "s.yaml")
    assert "s.yaml:8:" in str(refused.value)
    assert "standard_cases: the standard case 'lost-after-hub' is also in cases" in str(refused.value)


@pytest.mark.parametrize(
    ("lane", "why"),
    [
        ({**LANE, "carrier": "acme"}, "unknown carrier 'acme'"),
        ({**LANE, "destination": "ATLANTIS"}, "unknown place 'ATLANTIS'"),
        ({"carrier": "ups", "origin": "EWR"}, "destination"),
        ({**LANE, "story": "lost"}, "story"),
    ],
)
def test_a_bad_lane_is_refused_naming_the_field(lane: dict[str, Any], why: str) -> None:
    with pytest.raises(Exception, match=why):
        Scenario.model_validate(scenario(standard_cases=lane))


def test_numbers_are_known_before_anything_ships_and_depend_on_the_seed() -> None:
    s = Scenario.model_validate(scenario(standard_cases={**LANE, "cross_border": ABROAD}))
    listed = Engine(s).cases()
    assert [c["name"] for c in listed] == list(STANDARD_NAMES)
    assert all(c["tracking_number"].startswith("1Z") for c in listed)
    assert len({c["tracking_number"] for c in listed}) == len(listed)
    assert Engine(s).cases() == listed
    assert [c["tracking_number"] for c in Engine(s, seed=8).cases()] != [c["tracking_number"] for c in listed]
