"""sim.packages: each parcel's weight, box and reference — drawn from its own stream, realistic, and
invisible to the event log (issue 14 item 6)."""

from __future__ import annotations

import re
import statistics

import pytest

from sim import packages
from sim.engine import Engine
from sim.events import Package, ParcelTruth
from tests.conftest import small_scenario

NUMBERS = [f"1ZTEST{i:012d}" for i in range(4000)]


@pytest.fixture(scope="module")
def drawn() -> list[Package]:
    return [packages.draw(42, n) for n in NUMBERS]


@pytest.mark.unit
def test_a_parcel_always_gets_the_same_box() -> None:
    assert packages.draw(42, "1Z999AA10123456784") == packages.draw(42, "1Z999AA10123456784")
    assert packages.draw(42, "1Z999AA10123456784") != packages.draw(43, "1Z999AA10123456784")
    assert packages.draw(42, "1Z999AA10123456784") != packages.draw(42, "1Z999AA10123456791")


@pytest.mark.unit
def test_weights_follow_the_e_commerce_benchmarks(drawn: list[Package]) -> None:
    pounds = [p.weight_kg / packages.LB_KG for p in drawn]
    # "most under 5 lb; the average 1-3 lb" (docs/realism.md, package attributes)
    assert 1.6 <= statistics.median(pounds) <= 2.0
    assert 2.0 <= statistics.mean(pounds) <= 3.2
    assert 0.82 <= sum(lb < 5 for lb in pounds) / len(pounds) <= 0.92
    assert all(packages.WEIGHT_MIN_LB - 0.01 <= lb <= packages.WEIGHT_MAX_LB + 0.01 for lb in pounds)


@pytest.mark.unit
def test_boxes_are_boxes_that_grow_with_their_weight(drawn: list[Package]) -> None:
    for p in drawn:
        assert p.length_cm >= p.width_cm >= p.height_cm >= packages.MIN_SIDE_CM
        assert p.length_cm <= packages.MAX_LENGTH_CM
        assert all(side == int(side) for side in (p.length_cm, p.width_cm, p.height_cm))
    light = [p for p in drawn if p.weight_kg < 0.5]
    heavy = [p for p in drawn if p.weight_kg > 3.0]

    def volume(p: Package) -> float:
        return p.length_cm * p.width_cm * p.height_cm

    assert statistics.median(map(volume, heavy)) > 3 * statistics.median(map(volume, light))
    # the typical box: about 10 x 8 x 4 inches (25 x 20 x 10 cm)
    typical = statistics.median(p.length_cm for p in drawn)
    assert 18 <= typical <= 34


@pytest.mark.unit
def test_references_look_like_order_numbers(drawn: list[Package]) -> None:
    assert all(re.fullmatch(r"\d{3}-\d{7}-\d{7}", p.reference) for p in drawn)
    assert len({p.reference for p in drawn}) == len(drawn)


@pytest.mark.unit
def test_the_truth_record_carries_the_package_and_reads_old_records() -> None:
    truth = ParcelTruth("1Z", "ups", "ground", "t", "t", {}, {}, package=packages.draw(1, "1Z"))
    again = ParcelTruth.from_dict(truth.to_dict())
    assert again.package == truth.package
    assert truth.to_json().count('"weight_kg"') == 1
    old = truth.to_dict()
    del old["package"]
    assert ParcelTruth.from_dict(old).package is None


@pytest.mark.slow
def test_drawing_packages_leaves_the_event_log_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same world with and without package draws: byte-identical events; every truth has a box."""
    scenario = small_scenario(duration="1d", drain="6d", demand={"parcels_per_day": 400})

    def run() -> tuple[list[str], list[ParcelTruth]]:
        events, truths = [], []
        for evs, done in Engine(scenario).run():
            events += [e.to_json() for e in evs]
            truths += done
        return events, truths

    with_packages, truths = run()
    assert truths and all(t.package is not None for t in truths)
    monkeypatch.setattr(packages, "draw", lambda seed, tn: None)
    without, bare = run()
    assert without == with_packages
    assert all(t.package is None for t in bare)


@pytest.mark.unit
def test_zone_of_a_known_city_and_none_for_others() -> None:
    """sim.places.zone_of: the consignee's zone for carriers that write a bare date as a time."""
    from sim.places import zone_of

    assert zone_of("Chicago", "US") is not None and str(zone_of("Chicago", "US")) == "America/Chicago"
    assert zone_of("Atlantis", "US") is None and zone_of(None, None) is None
