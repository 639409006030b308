"""Christmas from raw logs (issue 12, "Done when": no UPS/FedEx/USPS delivery on Christmas).

No shipped scenario spans 25 December (peak_season ends its drain on 20 December), so the check
runs the baseline world moved to Christmas week 2026 (Monday 21 – Saturday 26 December, a Friday
Christmas), at a seed other than the golden one, and reads its raw events as
tests/test_calibration.py reads the shipped scenarios'.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sim.engine import Engine
from sim.scenario import Scenario, load_scenario
from sim.sinks import JsonlSink
from tests.calibration_metrics import ParcelLog, deliveries_on, parcels, pickups_on, sunday_deliveries

pytestmark = pytest.mark.slow

CHRISTMAS = date(2026, 12, 25)
SEED = 5
CARRIERS = ("ups", "fedex", "usps")


def christmas_week() -> Scenario:
    data = load_scenario("baseline")[0].model_dump(by_alias=True)
    data["start"] = datetime.fromisoformat("2026-12-21T00:00:00-05:00")
    data["duration"] = timedelta(days=5)
    data["drain"] = timedelta(days=6)
    data["demand"]["parcels_per_day"] = 1000
    return Scenario.model_validate(data)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> list[ParcelLog]:
    out: Path = tmp_path_factory.mktemp("christmas")
    with JsonlSink(out / "events.jsonl") as events, JsonlSink(out / "truth.jsonl") as truths:
        for evs, done in Engine(christmas_week(), seed=SEED).run():
            events.write(evs)
            truths.write(done)
    return parcels(out)


def test_no_ups_fedex_or_usps_delivery_or_pickup_on_christmas(logs: list[ParcelLog]) -> None:
    assert deliveries_on(logs, CHRISTMAS, CARRIERS) == 0
    assert pickups_on(logs, CHRISTMAS, CARRIERS) == 0


def test_the_days_around_christmas_are_worked(logs: list[ParcelLog]) -> None:
    # the zero above means Christmas, not a world that stopped: each carrier delivers on the 24th
    # and again after the holiday (USPS on Saturday the 26th, UPS/FedEx Ground on Monday the 28th)
    for carrier in CARRIERS:
        assert deliveries_on(logs, date(2026, 12, 24), [carrier]) >= 50, carrier
    assert deliveries_on(logs, date(2026, 12, 26), ["usps"]) >= 50
    for carrier in ("ups", "fedex"):
        assert deliveries_on(logs, date(2026, 12, 28), [carrier]) >= 50, carrier


def test_sunday_after_christmas_only_amazon_parcels_reach_the_door_by_usps(logs: list[ParcelLog]) -> None:
    sundays = sunday_deliveries(logs)
    usps = {key for key in sundays if key.startswith("usps/")}
    assert usps and all(key.endswith("/amazon") for key in usps), sundays
    assert not any(key.split("/")[0] in ("ups", "fedex") for key in sundays), sundays
