"""The first and last mile look like real operations, judged from the raw logs of shipped scenarios
at seeds other than their golden ones (issue 11, "Done when", the edges): pickups off the clock
face, a courier day with a morning load-out and deliveries into the evening, same-day that is
same-day, and nothing handed over while a pickup point or a warehouse dock is closed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sim import opening_hours
from tests.edge_metrics import clock_faces, courier_day, same_day
from tests.realism import iter_jsonl, local

Run = Callable[..., Path]
FIRST_LAST_MILE = {
    "PICKED_UP",
    "OUT_FOR_DELIVERY",
    "DELIVERED",
    "DELIVERY_ATTEMPTED",
    "AVAILABLE_FOR_PICKUP",
    "PICKED_UP_BY_RECIPIENT",
}


@pytest.mark.slow
def test_shipper_pickups_are_spread_over_the_loading(realism_run: Run) -> None:
    f = clock_faces(realism_run("baseline"))
    assert f["pickups"] > 5000
    assert f["pickup_on_the_hour"] <= 0.03
    assert f["pickup_top_instant_share"] <= 0.01  # no second shared by a crowd of parcels


@pytest.mark.slow
def test_first_and_last_mile_scans_are_not_on_whole_minutes(realism_run: Run) -> None:
    zero = total = 0
    for e in iter_jsonl(realism_run("baseline") / "events.jsonl"):
        if e["code"] in FIRST_LAST_MILE:
            total += 1
            zero += e["occurred_at"][17:19] == "00"
    assert total > 30_000
    assert zero / total <= 0.05


@pytest.mark.slow
def test_scans_with_zero_seconds_are_rare(realism_run: Run) -> None:
    assert clock_faces(realism_run("baseline"))["scans_zero_seconds"] <= 0.05


@pytest.mark.slow
@pytest.mark.parametrize("name", ["baseline", "peak_season"])
def test_out_for_delivery_is_a_morning_load_out_that_varies_by_station(realism_run: Run, name: str) -> None:
    d = courier_day(realism_run(name))
    assert d["ofd"] > 5000
    assert d["ofd_06_11"] >= 0.85
    assert d["ofd_iqr_min"] >= 40


@pytest.mark.slow
def test_doorstep_deliveries_run_into_the_evening_and_amazon_later(realism_run: Run) -> None:
    d = courier_day(realism_run("baseline"))
    assert d["doorstep_from_1930"] >= 0.03
    assert d["doorstep_before_0800"] < 0.01
    assert d["amazon_doorstep"] > 1000
    assert d["amazon_from_2000"] >= 0.05
    germany = courier_day(realism_run("germany"))
    assert germany["doorstep"] > 1000 and germany["doorstep_before_0800"] < 0.01


@pytest.mark.slow
def test_peak_routes_run_longer_and_spill(realism_run: Run) -> None:
    normal, peak = courier_day(realism_run("baseline")), courier_day(realism_run("peak_season"))
    assert peak["doorstep_p10_p50_p90"][2] > normal["doorstep_p10_p50_p90"][2] + 0.5  # p90 later
    spilled = sum(
        (e["code"], e["reason"], e["location"]["kind"]) == ("DELAYED", "hub_backlog", "delivery_station")
        for e in iter_jsonl(realism_run("peak_season") / "events.jsonl")
    )
    assert spilled > 0


@pytest.mark.slow
def test_same_day_is_delivered_the_day_it_is_ordered_and_stays_in_the_metro(realism_run: Run) -> None:
    run = realism_run("same_day_two_day")
    s = same_day(run)
    assert s["same_day"] > 100
    assert s["attempted_on_label_date"] >= 0.80
    assert s["median_km"] <= 100
    assert s["max_km"] <= 160  # a warehouse within 100 km of the city, a door inside its area
    for t in iter_jsonl(run / "truth.jsonl"):
        if t["service"] == "same_day":
            assert local(t["created_at"]).hour < 12, t["tracking_number"]  # sold before the cut-off


def _carrier(facility_id: str) -> str:
    return facility_id.split("-", 1)[0]


def _open(week: opening_hours.Week, e: dict[str, Any]) -> bool:
    t = local(e["occurred_at"])
    return opening_hours.is_open(week, zone_of(t), t.timestamp())


def zone_of(t: datetime) -> Any:
    """A fixed-offset zone stands in for the facility's own: the hours are wall-clock, and the
    scan's offset is the wall clock at that instant."""
    return t.tzinfo


@pytest.mark.slow
@pytest.mark.parametrize("name", ["baseline", "returns", "germany"])
def test_no_collection_or_drop_off_while_a_pickup_point_is_closed(realism_run: Run, name: str) -> None:
    seen: dict[str, int] = defaultdict(int)
    for e in iter_jsonl(realism_run(name) / "events.jsonl"):
        loc = e["location"]
        if loc["kind"] != "pickup_point" or e["code"] not in (
            "PICKED_UP_BY_RECIPIENT",
            "PICKED_UP",
            "AVAILABLE_FOR_PICKUP",
        ):
            continue
        if (e.get("details") or {}).get("partner"):
            continue  # the original carrier mirroring its partner's scan
        carrier = _carrier(loc["facility_id"])
        hours = opening_hours.pickup_point_hours(carrier, loc["country"])
        assert _open(hours, e), (e["code"], loc["name"], e["occurred_at"])
        t = local(e["occurred_at"])
        if carrier == "usps" or (loc["country"] == "DE" and carrier in ("hermes", "dpd")):
            assert t.weekday() != 6, (loc["name"], e["occurred_at"])  # post offices and German shops
            assert 8 <= t.hour < 21, (loc["name"], e["occurred_at"])
        seen[e["code"]] += 1
    assert seen["PICKED_UP_BY_RECIPIENT"] > 50
    if name == "returns":
        assert seen["PICKED_UP"] > 300


@pytest.mark.slow
def test_warehouse_docks_receive_only_in_receiving_hours(realism_run: Run) -> None:
    n = 0
    for name in ("returns", "baseline"):
        for e in iter_jsonl(realism_run(name) / "events.jsonl"):
            dock = (e.get("details") or {}).get("delivery_location") == "receiving_dock"
            if not dock and e["code"] != "RETURNED_TO_SENDER":
                continue
            assert _open(opening_hours.RECEIVING_HOURS, e), (e["code"], e["occurred_at"])
            t = local(e["occurred_at"])
            assert t.weekday() != 6 and 6 <= t.hour < 22
            n += 1
    assert n > 300


@pytest.mark.unit
def test_a_scans_offset_stands_in_for_its_zone() -> None:
    sunday, monday = local("2026-11-08T10:00:00-05:00"), local("2026-11-09T10:00:00-05:00")
    assert not opening_hours.is_open(opening_hours.RECEIVING_HOURS, zone_of(sunday), sunday.timestamp())
    assert opening_hours.is_open(opening_hours.RECEIVING_HOURS, zone_of(monday), monday.timestamp())


@pytest.mark.slow
def test_peak_demand_tapers_after_cyber_monday_instead_of_stopping(realism_run: Run) -> None:
    """Labels per local day in peak_season: Cyber Monday the busiest, Cyber Week after it still
    about as busy as Thanksgiving weekend (ShipMatrix: +30 % over off-peak), not zero."""
    per_day: dict[str, int] = defaultdict(int)
    for e in iter_jsonl(realism_run("peak_season") / "events.jsonl"):
        if e["code"] == "LABEL_CREATED" and e["location"]["kind"] == "fulfilment_centre":
            per_day[e["occurred_at"][:10]] += 1
    cyber_monday = per_day["2026-11-30"]
    after = [per_day[f"2026-12-0{d}"] for d in range(1, 8)]
    assert all(n < cyber_monday for n in after)
    assert min(after) >= 0.55 * cyber_monday
    assert sum(after) / 7 >= 0.9 * sum(per_day[f"2026-11-{d}"] for d in (26, 27, 28, 29)) / 4
