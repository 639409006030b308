"""The run report's figures on a crafted log, worked out by hand (parcel_sandbox/report/aggregate.py),
and the page drawn from them (parcel_sandbox/report/run_report.py)."""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from parcel_sandbox.report import aggregate as agg
from parcel_sandbox.report.run_report import render, tally_run, write_report
from sim.events import EventCode, ExceptionReason, Location, ScanEvent
from sim.scenario import ScenarioError

pytestmark = pytest.mark.unit

EWR = {
    "facility_id": "fc-EWR",
    "city": "Newark",
    "region": "NJ",
    "country": "US",
    "lat": 40.7357,
    "lon": -74.1724,
}
NYC = {
    "city": "New York",
    "region": "NY",
    "country": "US",
    "lat": 40.60745,
    "lon": -74.00281,
}  # 20 km from EWR
LAX = {"city": "Los Angeles", "region": "CA", "country": "US", "lat": 34.05, "lon": -118.24}  # 3,921 km


def truth(number: str, carrier: str, service: str, created: str, promised: str, **kw: Any) -> dict[str, Any]:
    return {
        "tracking_number": number,
        "carrier": carrier,
        "service": service,
        "created_at": created,
        "promised_by": promised,
        "origin": EWR,
        "destination": kw.pop("destination", NYC),
        "fate": kw.pop("fate", "delivered"),
        "delivered_at": kw.pop("delivered_at", None),
        "delays": kw.pop("delays", []),
        "attempts": 1,
        **kw,
    }


def delay(cause: str, minutes: int, at: str) -> dict[str, Any]:
    return {"cause": cause, "minutes": minutes, "at": at, "facility_id": None}


TRUTHS = [
    # Mon → Wed, 20 km: 2 business days, on time, delivered 14:30 at the door
    truth(
        "A",
        "ups",
        "ground",
        "2026-11-02T10:00:00-05:00",
        "2026-11-04T21:00:00-05:00",
        delivered_at="2026-11-04T14:30:00-05:00",
        delays=[delay("weather", 90, "2026-11-03T08:00:00-05:00")],
    ),
    # labelled late on Monday in Los Angeles' offset (Tuesday in UTC); Mon → next Mon: 5 business
    # days, 3,921 km, late
    truth(
        "B",
        "ups",
        "ground",
        "2026-11-02T23:30:00-08:00",
        "2026-11-06T21:00:00-08:00",
        destination=LAX,
        delivered_at="2026-11-09T09:15:00-08:00",
        delays=[
            delay("missed_connection", 120, "2026-11-05T02:00:00-06:00"),
            delay("weather", 30, "2026-11-03T11:00:00-05:00"),
        ],
    ),
    # lost: labelled, never delivered
    truth("C", "fedex", "two_day", "2026-11-03T09:00:00-05:00", "2026-11-05T20:00:00-05:00", fate="lost"),
    # misdelivered counts as delivered (sim.summary): Tue → Wed, 1 business day, on time, 18:00
    truth(
        "D",
        "fedex",
        "two_day",
        "2026-11-03T12:00:00-05:00",
        "2026-11-05T20:00:00-05:00",
        fate="misdelivered",
        delivered_at="2026-11-04T18:00:00-05:00",
    ),
]

STATION = Location("ds-1", "delivery_station", "Station", "New York", "NY", "10001", "US", 40.7, -74.0)


def scan(code: EventCode, at: str, reason: ExceptionReason | None = None) -> str:
    return ScanEvent("e", 1, "A", "ups", "ground", code, reason, at, at, STATION, None).to_json()


EVENTS = [
    scan(EventCode.LABEL_CREATED, "2026-11-02T10:00:00-05:00"),
    scan(EventCode.DELIVERY_ATTEMPTED, "2026-11-04T19:00:00-05:00", ExceptionReason.RECIPIENT_UNAVAILABLE),
    scan(EventCode.EXCEPTION, "2026-11-05T07:00:00-05:00", ExceptionReason.WEATHER),
    scan(EventCode.DELAYED, "2026-11-05T08:00:00-05:00", ExceptionReason.WEATHER),
    scan(EventCode.DELIVERED, "2026-11-09T09:15:00-08:00"),
]
DAYS = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-09"]


def tallied(times: int = 1) -> dict[str, Any]:
    tally = agg.RunTally()
    for _ in range(times):
        for line in EVENTS:
            tally.add_event_line(line)
        for t in TRUTHS:
            tally.add_truth(t)
    return tally.result()


def test_parcels_and_scans_per_local_day() -> None:
    r = tallied()
    assert (r["parcels"], r["events"]) == (4, 5)
    assert r["fates"] == {"delivered": 2, "lost": 1, "misdelivered": 1}
    assert r["per_day"] == {
        "days": DAYS,
        "labelled": [2, 2, 0, 0, 0],  # B is Monday where it was labelled, though Tuesday in UTC
        "delivered": [0, 0, 2, 0, 1],
        "delivery_attempted": [0, 0, 1, 0, 0],
        "exception": [0, 0, 0, 1, 0],
        "delayed": [0, 0, 0, 1, 0],
        "customs_hold": [0, 0, 0, 0, 0],
    }


def test_on_time_by_carrier_and_service() -> None:
    assert tallied()["on_time"] == [
        {"carrier": "fedex", "service": "two_day", "on_time": 1, "delivered": 1, "rate": 1.0},
        {"carrier": "ups", "service": "ground", "on_time": 1, "delivered": 2, "rate": 0.5},
    ]


def test_transit_in_business_days_by_service_and_distance_band() -> None:
    rows = {(row["service"], row["band"]): row for row in tallied()["transit_business_days"]}
    assert list(rows) == [("ground", "< 150 km"), ("ground", "≥ 3,000 km"), ("two_day", "< 150 km")]
    assert rows[("ground", "< 150 km")]["counts"] == {"2": 1}
    assert rows[("ground", "≥ 3,000 km")]["counts"] == {"5": 1}
    assert rows[("two_day", "< 150 km")]["counts"] == {"1": 1}
    assert rows[("ground", "≥ 3,000 km")]["median"] == 5.0


def test_delay_hours_by_cause_per_day() -> None:
    assert tallied()["delay_hours"] == {
        "days": DAYS,
        "causes": {"missed_connection": [0, 0, 0, 2.0, 0], "weather": [0, 2.0, 0, 0, 0]},
    }


def test_deliveries_by_local_hour_per_carrier() -> None:
    hours = tallied()["delivery_hours"]
    assert {c: {h: n for h, n in enumerate(v) if n} for c, v in hours.items()} == {
        "fedex": {18: 1},
        "ups": {9: 1, 14: 1},
    }


def test_flows_between_places_at_their_coordinates() -> None:
    r = tallied()
    assert [(f["from"]["name"], f["to"]["name"], f["parcels"]) for f in r["flows"]] == [
        ("Newark", "New York", 3),
        ("Newark", "Los Angeles", 1),
    ]
    to = r["flows"][0]["to"]
    assert (to["name"], to["country"]) == ("New York", "US")
    assert (to["lat"], to["lon"]) == (
        pytest.approx(NYC["lat"], abs=1e-4),
        pytest.approx(NYC["lon"], abs=1e-4),
    )
    assert r["flows_not_shown"] == {"flows": 0, "parcels": 0}
    tally = agg.RunTally()
    for t in TRUTHS:
        tally.add_truth(t)
    small = tally.result(top_flows=1)
    assert len(small["flows"]) == 1 and small["flows_not_shown"] == {"flows": 1, "parcels": 1}


def test_flows_past_the_limit_are_counted_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(agg, "MAX_FLOWS", 2)
    tally = agg.RunTally()
    for n, city in enumerate(["A", "B", "C", "A", "D"]):
        dest = {**NYC, "city": city}
        tally.add_truth(
            truth(
                str(n),
                "ups",
                "ground",
                "2026-11-02T10:00:00-05:00",
                "2026-11-04T21:00:00-05:00",
                destination=dest,
            )
        )
    r = tally.result()
    assert [(f["to"]["name"], f["parcels"]) for f in r["flows"]] == [("A", 2), ("B", 1)]
    assert r["flows_not_shown"] == {"flows": 0, "parcels": 2}  # C and D: counted, not kept
    assert len(tally.coords) == 3 and r["parcels"] == 5


def test_a_city_sits_at_its_parcels_mean_position() -> None:
    tally = agg.RunTally()
    tally.add_truth(truth("A", "ups", "ground", "2026-11-02T10:00:00-05:00", "2026-11-04T21:00:00-05:00"))
    moved = {**NYC, "lat": NYC["lat"] + 0.2}
    tally.add_truth(
        truth(
            "B", "ups", "ground", "2026-11-02T10:00:00-05:00", "2026-11-04T21:00:00-05:00", destination=moved
        )
    )
    assert tally.result()["flows"][0]["to"]["lat"] == round(NYC["lat"] + 0.1, 4)


def test_what_is_kept_does_not_grow_with_parcels() -> None:
    """Memory is bounded by days, carriers and places: a thousand times the parcels keeps the same
    keys, and only the counts change."""
    once, many = tallied(), tallied(1000)
    assert many["parcels"] == 1000 * once["parcels"]
    assert many["per_day"]["labelled"] == [1000 * n for n in once["per_day"]["labelled"]]
    assert many["on_time"][1]["rate"] == once["on_time"][1]["rate"]

    def shape(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: shape(v) for k, v in x.items() if k != "counts"}
        if isinstance(x, list):
            return [shape(v) for v in x]
        return type(x).__name__

    assert shape(many) == shape(once)


@pytest.mark.parametrize(
    ("km", "band"),
    [
        (0.0, "< 150 km"),
        (149.9, "< 150 km"),
        (150.0, "150–600 km"),
        (2999.0, "1,500–3,000 km"),
        (12000, "≥ 3,000 km"),
    ],
)
def test_distance_bands(km: float, band: str) -> None:
    assert agg.distance_band(km) == band


def test_a_distance_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError):
        agg.distance_band(math.nan)


def test_quantiles_from_counts() -> None:
    counts = {1: 2, 2: 5, 4: 2, 9: 1}  # 1 1 2 2 2 2 2 4 4 9
    assert agg.quantile_from_counts(counts, 0.0) == 1.0
    assert agg.quantile_from_counts(counts, 0.5) == 2.0  # rank round(4.5) = 4 → the fifth value
    assert agg.quantile_from_counts(counts, 0.75) == 4.0  # rank round(6.75) = 7
    assert agg.quantile_from_counts(counts, 1.0) == 9.0
    assert agg.quantile_from_counts({}, 0.5) is None
    assert agg.box_stats(counts) == {"n": 10, "p5": 1.0, "p25": 2.0, "median": 2.0, "p75": 4.0, "p95": 9.0}


def test_business_days_by_the_carriers_calendar_else_monday_to_friday() -> None:
    # UPS ground counts Mon–Fri: Monday 2 Nov → Monday 9 Nov is five business days
    assert agg.business_days("ups", "ground", "US", "CA", date(2026, 11, 2), date(2026, 11, 9)) == 5
    # a carrier the calendars do not know (a recording from an older version): Mon–Fri
    assert agg.business_days("pony", "ground", "US", "CA", date(2026, 11, 6), date(2026, 11, 9)) == 1


@pytest.mark.parametrize(
    ("start", "end", "weekdays"),
    [
        (date(2026, 11, 6), date(2026, 11, 9), 1),  # Fri → Mon
        (date(2026, 11, 2), date(2026, 11, 2), 0),
        (date(2026, 11, 9), date(2026, 11, 2), 0),  # backwards
        (date(2026, 11, 2), date(2026, 11, 16), 10),  # two whole weeks
        (date(2026, 11, 7), date(2026, 11, 20), 10),  # Sat → Fri two weeks later
    ],
)
def test_weekdays_between(start: date, end: date, weekdays: int) -> None:
    assert agg.weekdays_between(start, end) == weekdays
    slow = sum((start + timedelta(days=k)).weekday() < 5 for k in range(1, (end - start).days + 1))
    assert weekdays == slow


def test_a_transit_of_millennia_is_counted_at_once() -> None:
    """A hand-made log can claim any span; past a world's horizon it is not walked day by day."""
    assert agg.business_days("ups", "ground", "US", "CA", date(1, 1, 1), date(9999, 12, 31)) == 2_608_614


def test_local_day_and_hour_are_the_places_own() -> None:
    assert agg.local_day("2026-11-02T23:30:00-08:00") == "2026-11-02"
    assert agg.local_hour("2026-11-02T23:30:00-08:00") == 23


# --- the page -----------------------------------------------------------------------------------

SUMMARY = {
    "scenario": "crafted <world>",
    "seed": 7,
    "parcels": 4,
    "on_time_rate": 0.6667,
    "fates": {"lost": 1},
}


def write_run(folder: Path) -> Path:
    folder.mkdir()
    (folder / "events.jsonl").write_text("".join(line + "\n" for line in EVENTS), encoding="utf-8")
    (folder / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in TRUTHS), encoding="utf-8")
    (folder / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    return folder


def test_a_run_directory_is_tallied_in_one_pass(tmp_path: Path) -> None:
    assert tally_run(write_run(tmp_path / "run")) == tallied()


def test_the_page_is_self_contained_and_the_same_every_time(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run")
    path = write_report(run)
    text = path.read_text(encoding="utf-8")
    assert path == run / "report.html"
    assert "<script src=" not in text and "cdn.plot.ly/plotly" not in text
    assert text.count("window.PlotlyConfig") == 1  # plotly.js inlined once for all six plots
    assert "window.PlotlyGeoAssets.topojson.world_110m = {" in text  # the map's outlines too
    for div in ("plot-per-day", "plot-on-time", "plot-transit", "plot-delays", "plot-hours", "plot-flows"):
        assert f'id="{div}"' in text
    assert "crafted &lt;world&gt;" in text and "<world>" not in text
    assert "66.67 %" in text  # the summary table, from summary.json
    assert write_report(run, tmp_path / "again.html").read_bytes() == path.read_bytes()


def test_the_page_does_not_grow_with_parcels() -> None:
    """Aggregated in Python: a thousand times the parcels embeds the same figures with bigger
    numbers, not a thousand times the data."""
    small, big = render(SUMMARY, tallied()), render(SUMMARY, tallied(1000))
    assert len(big) < len(small) + 2_000


@pytest.mark.parametrize(
    ("file", "content", "words"),
    [
        ("truth.jsonl", '{"tracking_number": "A"\n', "truth.jsonl:1:"),
        (
            "truth.jsonl",
            json.dumps(TRUTHS[0]) + "\n[1, 2]\n",
            "truth.jsonl:2:1: (record): a record is a JSON object",
        ),
        (
            "truth.jsonl",
            json.dumps({k: v for k, v in TRUTHS[0].items() if k != "origin"}) + "\n",
            "origin: missing",
        ),
        ("truth.jsonl", json.dumps({**TRUTHS[0], "created_at": "soon"}) + "\n", "truth.jsonl:1:1: (record)"),
        ("events.jsonl", '{"code":"EXCEPTION"}\n', "events.jsonl:1:1: (record)"),
        ("events.jsonl", '{"code":"EXCEPTION","occurred_at":"\xff"}\n', "events.jsonl:1:1: (record)"),
        ("summary.json", "{\n  garbage\n}\n", "summary.json:2:3: (json)"),
        ("summary.json", "[]", "summary.json:1:1: (json): summary.json is an object"),
    ],
)
def test_a_corrupt_run_names_the_file_and_line(tmp_path: Path, file: str, content: str, words: str) -> None:
    run = write_run(tmp_path / "run")
    (run / file).write_text(content, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        write_report(run)
    assert words in caught.value.problems[0], caught.value.problems
    assert not (run / "report.html").exists()


def test_bytes_that_are_not_utf8_are_named_at_their_line(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run")
    with (run / "truth.jsonl").open("ab") as fh:
        fh.write(b'{"\xff": 1}\n')
    with pytest.raises(ScenarioError) as caught:
        write_report(run)
    assert "truth.jsonl:5:3: (utf-8)" in caught.value.problems[0]


def test_summary_rows_as_run_prints_them() -> None:
    from parcel_sandbox.report.summary_rows import summary_rows

    rows = summary_rows(
        {
            "parcels": 17346,
            "events": 223492,
            "events_per_simple_domestic_parcel": {"mean": 12.2329},
            "on_time_rate": 0.9471,
            "first_attempt_rate": None,
            "fates": {"lost": 31},
            "delay_minutes_by_cause": {"weather": 150},
            "transit_hours": {"p50": 71.86},
        }
    )
    assert rows == [
        ("parcels", "17,346"),
        ("scan events", "223,492"),
        ("events per simple domestic parcel", "12.2329"),
        ("on-time rate", "94.71 %"),
        ("first-attempt success", "—"),
        ("fate: lost", "31"),
        ("delay hours: weather", "2"),
        ("transit hours p50", "71.86"),
    ]
    # a hand-edited file is shown as it is
    assert summary_rows({"on_time_rate": "high", "fates": [1], "delay_minutes_by_cause": {"x": "lots"}}) == [
        ("on-time rate", "high"),
        ("delay hours: x", "lots"),
    ]
