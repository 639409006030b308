"""Issue 12's "Done when" figures for items 1–4, computed from the raw logs of shipped scenarios at
their realism seeds (never the golden one; ``tests.realism.REALISM_SEEDS``). Figures and sources:
docs/realism.md "Calibration". A band the world does not meet yet is marked
``xfail(strict=True)`` here, so it fails the day it passes and the band is then enforced; none is.
"""

from __future__ import annotations

import statistics
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from sim.scenario import load_scenario, shipped_scenarios
from tests.calibration_metrics import (
    MON_SAT,
    ParcelLog,
    deliveries_on,
    domestic,
    e_shares,
    eta_figures,
    figures,
    germany_transit,
    late_visible_share,
    on_time,
    parcels,
    pickups_on,
    sunday_deliveries,
    weather_announce_hours,
    zone8_ground_days,
)

pytestmark = pytest.mark.slow

VETERANS_DAY = date(2026, 11, 11)
THANKSGIVING = date(2026, 11, 26)
STORM_START = datetime.fromisoformat("2026-11-03T06:00:00-06:00")  # scenarios/weather_delay.yaml
STORM_HOURS = 48.0

_logs: dict[str, list[ParcelLog]] = {}


@pytest.fixture
def logs(realism_run: Any) -> Any:
    def get(name: str) -> list[ParcelLog]:
        if name not in _logs:
            _logs[name] = parcels(Path(realism_run(name)))
        return _logs[name]

    return get


# --- service standards -------------------------------------------------------------------------


def test_germany_first_attempt_next_working_day_at_the_bundesnetzagentur_level(logs: Any) -> None:
    shares = germany_transit(logs("germany"))["all"]
    assert 0.72 <= shares["E+1"] <= 0.87, shares


def test_germany_two_working_days_leave_a_few_percent_later(logs: Any) -> None:
    shares = germany_transit(logs("germany"))["all"]
    assert 0.92 <= shares["E+2"] <= 0.985, shares


def test_the_german_carriers_differ(logs: Any) -> None:
    by = germany_transit(logs("germany"))
    e1 = [by[c]["E+1"] for c in ("dhl", "hermes", "dpd", "ups") if c in by and by[c]["n"] >= 100]
    assert len(e1) >= 3 and max(e1) - min(e1) >= 0.05, by


def test_germany_counts_working_days_monday_to_saturday(logs: Any) -> None:
    de = domestic(logs("germany"), "DE")
    assert e_shares(de, MON_SAT)["n"] > 1000  # the figure stands on most of the run's parcels


def test_ups_and_fedex_ground_over_1800_miles_take_four_business_days_or_more(logs: Any) -> None:
    days = zone8_ground_days(logs("baseline"))
    assert days["ups"] >= 4 and days["fedex"] >= 4, days


def test_ground_over_1800_miles_is_measured_on_hundreds_of_parcels(logs: Any) -> None:
    days = zone8_ground_days(logs("baseline"))
    assert days["ups_n"] >= 200 and days["fedex_n"] >= 200, days
    assert days["ups"] >= 3 and days["fedex"] >= 3, days  # part 2's floor so far: never two-day-like


def test_peak_ups_is_on_time_more_often_than_usps(logs: Any) -> None:
    rates = on_time(logs("peak_season"))
    assert rates["ups"] > rates["usps"], rates


def test_peak_usps_is_inside_its_published_band(logs: Any) -> None:
    """ShipMatrix, strict December on-time: USPS 90.4 % (2024) – 94.1 % (2025) for all its parcels,
    84.7 % for Ground Advantage + Priority only (2024), the products it carries here (§1)."""
    usps = on_time(logs("peak_season"))["usps"]
    assert 0.847 <= usps <= 0.941, usps


def test_carriers_on_time_differ_by_three_points_or_more_in_baseline(logs: Any) -> None:
    rates = on_time(logs("baseline"))
    assert max(rates.values()) - min(rates.values()) >= 0.03, rates


# --- calendars ---------------------------------------------------------------------------------


def test_usps_delivers_nothing_on_veterans_day(logs: Any) -> None:
    assert deliveries_on(logs("baseline"), VETERANS_DAY, ["usps"]) == 0
    assert deliveries_on(logs("baseline"), VETERANS_DAY, ["ups", "fedex"]) > 0  # they work it


def test_no_ups_fedex_or_usps_delivery_or_pickup_on_thanksgiving(logs: Any) -> None:
    assert deliveries_on(logs("peak_season"), THANKSGIVING, ["ups", "fedex", "usps"]) == 0
    assert pickups_on(logs("peak_season"), THANKSGIVING, ["ups", "fedex", "usps"]) == 0


def test_sunday_deliveries_only_where_carriers_deliver_sundays(logs: Any) -> None:
    sundays = sunday_deliveries(logs("baseline"))
    scanning = {k.split("/")[0] for k in sundays}
    assert not {"ups", "fedex"} & scanning, sundays  # UPS/FedEx Ground: no Sunday delivery
    usps = {k: n for k, n in sundays.items() if k.startswith("usps/")}
    assert usps and all(k.endswith("/amazon") for k in usps), sundays  # USPS Sundays: Amazon parcels


# --- estimates and visibility ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["baseline", "germany"])
def test_first_estimate_is_met_by_80_to_98_5_percent(logs: Any, name: str) -> None:
    figs = eta_figures(logs(name))
    assert 0.80 <= figs["first_met"] <= 0.985, figs


def test_revised_estimates_are_not_omniscient_and_sometimes_move_earlier(logs: Any) -> None:
    figs = eta_figures(logs("baseline"))
    assert figs["revised_parcels"] >= 100, figs
    assert figs["last_revised_met"] <= 0.99, figs
    assert figs["earlier_share"] >= 0.02, figs


def test_a_weather_delay_is_announced_from_the_storms_start_not_its_end(logs: Any) -> None:
    hours = weather_announce_hours(logs("weather_delay"), STORM_START)
    assert len(hours) >= 50, len(hours)
    assert min(hours) <= 3.0, min(hours)  # within hours of the start
    at_end = sum(STORM_HOURS - 1 <= h <= STORM_HOURS + 2 for h in hours)
    assert at_end / len(hours) <= 0.05, (at_end, len(hours))
    assert statistics.median(hours) < STORM_HOURS - 6, statistics.median(hours)


def test_some_scans_become_visible_hours_late(logs: Any) -> None:
    assert late_visible_share(logs("baseline")) >= 0.005


# --- the shipped scenarios' calibration blocks (issue 12 item 6) --------------------------------

CALIBRATED = [n for n in sorted(shipped_scenarios()) if load_scenario(n)[0].calibration]


def dig(figs: dict[str, Any], dotted: str) -> float:
    value: Any = figs
    for part in dotted.split("."):
        value = value[part]
    return float(value)


def test_the_issues_scenarios_carry_calibration_blocks() -> None:
    assert {"baseline", "germany", "peak_season"} <= set(CALIBRATED), CALIBRATED


@pytest.mark.parametrize("name", CALIBRATED)
def test_shipped_scenario_lands_in_its_calibration_bands(logs: Any, name: str) -> None:
    scenario, _ = load_scenario(name)
    figs = figures(logs(name))
    for key, cal in scenario.calibration.items():
        low, high = cal.band
        value = dig(figs, key)
        inside = low <= value <= high
        if cal.pending:
            assert not inside, f"{name}: {key} = {value} now meets [{low}, {high}]: drop its pending"
        else:
            assert inside, f"{name}: {key} = {value} not in [{low}, {high}] ({cal.source})"


def test_express_is_sorted_as_it_reaches_a_hub_not_at_the_next_ground_wave(logs: Any) -> None:
    """The air sort works apart from the ground waves: express reaching a hub between the day and
    twilight waves (14:00–16:30 local) is sorted then, in time for the evening's flights, rather
    than waiting for the twilight wave to start (baseline 7: 17 % of express hub scans fall in that
    gap; 0.2 % while express waited for the wave)."""
    gap = inside = 0
    for x in logs("baseline"):
        if x.truth["service"] not in ("next_day", "two_day") or x.truth["carrier"] == "amazon":
            continue
        for e in x.events:
            if e["code"] == "PROCESSED_AT_FACILITY":
                t = datetime.fromisoformat(e["occurred_at"])
                minute = t.hour * 60 + t.minute
                gap += 14 * 60 + 20 <= minute < 16 * 60 + 30
                inside += 1
    assert inside and gap / inside > 0.05, (gap, inside)
