"""The field types every scenario section builds on: durations spelt and bounded, short durations
in milliseconds, instants held to the calendar, and ``HH:MM`` clock times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from sim.fields import DAY, HOUR, MINUTE, Instant, duration_between, format_duration, parse_seconds
from sim.scenario.types import CLOCK, clock_seconds

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (366 * DAY, "366d"),
        (90 * MINUTE, "90m"),
        (36 * HOUR, "36h"),  # not 1.5d: the shortest exact spelling in one unit
        (45, "45s"),
        (0.25, "250ms"),
        (1.5, "1.5s"),
        (1e60 * DAY, "1e+60d"),  # a mistake's size, not spelt out digit by digit
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("250ms", 0.25), (" 1500 ms ", 1.5), ("0ms", 0.0), ("1.5s", 1.5), ("2m", 120.0), (3, 3.0)],
)
def test_parse_seconds(text: str | int, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("bad", ["-5ms", "fastms", "infms", "nanms", "9" * 70 + "ms"])
def test_parse_seconds_refuses(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_seconds(bad)


def check(field: Any, value: Any) -> Any:
    return TypeAdapter(field).validate_python(value)


def refusal(field: Any, value: Any) -> str:
    with pytest.raises(ValidationError) as exc:
        check(field, value)
    return str(exc.value.errors()[0]["msg"]).removeprefix("Value error, ")


def test_duration_between_holds_both_ends() -> None:
    field = duration_between(MINUTE, 14 * DAY)
    assert check(field, "1m") == 60.0
    assert check(field, "14d") == 14 * DAY
    assert refusal(field, "59s") == "must be at least 1m and at most 14d (got 59s)"
    assert refusal(field, "14d1s") == "must be at least 1m and at most 14d (got 1209601s)"


def test_above_excludes_the_lower_end() -> None:
    field = duration_between(0, DAY, above=True)
    assert check(field, "1s") == 1.0
    assert refusal(field, 0) == "must be more than 0s and at most 1d (got 0s)"


def test_short_takes_milliseconds_and_long_does_not() -> None:
    assert check(duration_between(0, 300, short=True), "250ms") == 0.25
    # "250ms" is no long duration: 'm' is minutes there, and "ms" is not a unit
    assert refusal(duration_between(0, 300), "250ms").startswith("bad duration '250ms'")


def test_nullable_takes_none_and_still_checks_a_value() -> None:
    field = duration_between(1.0, 30 * DAY, nullable=True)
    assert check(field, None) is None
    assert check(field, "1h") == HOUR
    assert refusal(field, "31d") == "must be at least 1s and at most 30d (got 31d)"


def test_the_schema_states_the_range_in_seconds_and_words() -> None:
    schema = TypeAdapter(duration_between(MINUTE, 14 * DAY)).json_schema()
    assert (schema["minimum"], schema["maximum"], schema["x-range"]) == (
        60,
        14 * DAY,
        "at least 1m and at most 14d",
    )
    above = TypeAdapter(duration_between(0, DAY, above=True)).json_schema()
    assert above["exclusiveMinimum"] == 0 and "minimum" not in above
    nullable = TypeAdapter(duration_between(0, DAY, nullable=True)).json_schema()
    assert nullable["anyOf"][1] == {"type": "null"}


def test_instants_need_an_offset_and_stay_in_the_calendar() -> None:
    assert check(Instant, "2026-11-02T00:00:00-05:00") == datetime(2026, 11, 2, 5, tzinfo=UTC)
    assert check(Instant, "2000-01-01T00:00:00Z") == datetime(2000, 1, 1, tzinfo=UTC)
    assert refusal(Instant, "2026-11-02T00:00:00").startswith("an instant needs a UTC offset")
    assert (
        refusal(Instant, "2100-01-01T00:00:00Z")
        == "must be in the years 2000–2099 (got 2100-01-01T00:00:00+00:00)"
    )
    # an instant just before 2000 in UTC, though its local date says 2000
    assert refusal(Instant, "2000-01-01T00:30:00+01:00").startswith("must be in the years 2000–2099")
    assert refusal(Instant, "9999-12-31T23:59:59-14:00").startswith("must be in the years 2000–2099")


@pytest.mark.parametrize(
    ("text", "seconds"), [("00:00", 0.0), ("7:05", 7 * HOUR + 5 * MINUTE), ("23:59", 86340.0)]
)
def test_clock_seconds(text: str, seconds: float) -> None:
    assert CLOCK.match(text)
    assert clock_seconds(text) == seconds


@pytest.mark.parametrize("bad", ["24:00", "12:60", "1230", "12:5", "-1:00", " 12:00", "12:00 "])
def test_clock_refuses(bad: str) -> None:
    assert not CLOCK.match(bad)
