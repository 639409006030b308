"""Fuzzing the run report's reader: a crafted run whose truth or event records have a field
replaced by any JSON value ends as a report or as one ScenarioError naming the file and line —
never another exception (an internal error, exit 1), never a hang.

Short and derandomized in ``make test``; ``make fuzz`` (PARCEL_SANDBOX_FUZZ=long) runs ~30x as many
examples (each draws a whole report) from a fresh random seed each time.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parcel_sandbox.report.aggregate import RunTally
from parcel_sandbox.report.run_report import render, tally_run
from sim.scenario import ScenarioError
from tests.test_report_aggregate import EVENTS, SUMMARY, TRUTHS

pytestmark = pytest.mark.fuzz

LONG = os.environ.get("PARCEL_SANDBOX_FUZZ") == "long"
HANG_S = 10.0
LOCATED = re.compile(r"^.*/(truth|events)\.jsonl:[1-9]\d*:[1-9]\d*: \S+: \S.*$", re.S)
FUZZ = settings(
    max_examples=1000 if LONG else 12,  # each example draws a whole page (~0.2 s)
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2026-11-04T14:30:00-05:00", "9999-12-31T23:59:59+14:00", "0001-01-01", "soon"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)
TRUTH_FIELDS = sorted({k for t in TRUTHS for k in t} | {"lat", "lon", "city", "minutes", "cause", "at"})


def mutate(record: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    """``record`` with ``field`` set to ``value`` — at the top level, or inside its places and
    delays when that is where the field lives."""
    out = json.loads(json.dumps(record))
    if field in out:
        out[field] = value
        return out
    for key in ("origin", "destination"):
        if field in out[key]:
            out[key][field] = value
    for d in out["delays"]:
        if field in d:
            d[field] = value
    return out


def outcome(truth_lines: list[str], event_lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp)
        (run / "truth.jsonl").write_text("".join(line + "\n" for line in truth_lines), encoding="utf-8")
        (run / "events.jsonl").write_text("".join(line + "\n" for line in event_lines), encoding="utf-8")
        started = time.monotonic()
        try:
            result = tally_run(run)
        except ScenarioError as exc:
            assert len(exc.problems) == 1 and LOCATED.match(exc.problems[0]), exc.problems
            return
        finally:
            assert time.monotonic() - started < HANG_S
        assert render(SUMMARY, result).startswith("<!doctype html>")


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=len(TRUTHS) - 1),
    field=st.sampled_from(TRUTH_FIELDS),
    value=JSON,
)
def test_a_truth_record_with_any_value_is_a_report_or_a_located_error(
    which: int, field: str, value: Any
) -> None:
    lines = [json.dumps(t) for t in TRUTHS]
    lines[which] = json.dumps(mutate(TRUTHS[which], field, value))
    outcome(lines, EVENTS)


@FUZZ
@given(
    which=st.integers(min_value=0, max_value=len(EVENTS) - 1),
    field=st.sampled_from(["code", "occurred_at"]),
    value=JSON,
)
def test_an_event_with_any_value_is_a_report_or_a_located_error(which: int, field: str, value: Any) -> None:
    lines = list(EVENTS)
    lines[which] = json.dumps({**json.loads(EVENTS[which]), field: value}, separators=(",", ":"))
    outcome([json.dumps(t) for t in TRUTHS], lines)


@FUZZ
@given(text=st.text(max_size=200))
def test_any_line_of_text_is_a_report_or_a_located_error(text: str) -> None:
    outcome([json.dumps(t) for t in TRUTHS] + [text.replace("\n", " ")], [text.replace("\n", " ")])


def test_an_empty_run_draws_an_empty_report() -> None:
    assert "no parcels" in render(SUMMARY, RunTally().result())


@FUZZ
@given(
    summary=st.dictionaries(
        st.sampled_from(
            [
                *SUMMARY,
                "fates",
                "transit_hours",
                "delay_minutes_by_cause",
                "events_per_simple_domestic_parcel",
                "events",
            ]
        ),
        JSON,
    )
)
def test_any_summary_object_is_shown_as_it_is(summary: dict[str, Any]) -> None:
    """A hand-edited summary.json is shown, not trusted: the page is written whatever it holds."""
    assert render(summary, RunTally().result()).startswith("<!doctype html>")
