"""Field types of the scenario models: the strict base model, rates, and durations and instants
that stay inside a range.

Durations are ``"7d"``, ``"12h"``, ``"90m"``, ``"1d12h"``, ISO-8601 ``"PT2H"``, ``"250ms"`` where a
field takes short ones, or plain seconds. Instants are ISO-8601 with a UTC offset. Every field
that takes either is bounded (``duration_between``, ``Instant``): a scenario that validates must
also run, and ``.inf``, year 9999 or a 3,650-day horizon would not.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

#: Longest text in any string field (a description is a paragraph; ids and keys are short).
MAX_STRING = 10_000


class StrictModel(BaseModel):
    """Unknown fields are errors; numbers are finite (``.inf``/``.nan`` refused); strings bounded."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, str_max_length=MAX_STRING)


#: A probability or a share.
Rate = Annotated[float, Field(ge=0, le=1)]

_SIMPLE = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)\s*w)?\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?"
    r"\s*(?:(\d+(?:\.\d+)?)\s*m(?:in)?)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*$"
)
_ISO = re.compile(
    r"^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?"
    r"(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
#: Longest duration text looked at (``"1w2d3h4m5s"`` is 10).
_MAX_TEXT = 64

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0


def _finite(seconds: float) -> float:
    if not math.isfinite(seconds):
        raise ValueError("a duration must be a finite number of seconds")
    return seconds


def parse_duration(value: Any) -> float:
    """Seconds in a duration: ``"4d"``, ``"90m"``, ``"2h"``, ``"1d12h"``, ``"PT2H"`` or a number."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as '7d', '12h', '90m' or 'PT2H'")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            raise ValueError("a duration must be a finite number of seconds")
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return _finite(float(value))
    if isinstance(value, timedelta):
        return _finite(value.total_seconds())
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a duration such as '7d', '12h', '90m' or 'PT2H'")
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"bad duration ({len(text)} characters): use e.g. '7d', '12h', '90m' or 'PT2H'")
    m = _ISO.match(text.upper()) if text[:1] in "Pp" else None
    if m and any(m.groups()):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return _finite(w * 604800 + d * 86400 + h * 3600 + mi * 60 + s)
    m = _SIMPLE.match(text.lower())
    if m and any(m.groups()):
        w, d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return _finite(w * 604800 + d * 86400 + h * 3600 + mi * 60 + s)
    raise ValueError(f"bad duration {value!r}: use e.g. '7d', '12h', '90m', '1d12h' or 'PT2H'")


def parse_seconds(value: Any) -> float:
    """A short duration: ``"250ms"``, ``"1.5s"``, ``"2m"`` or a number of seconds."""
    if isinstance(value, str) and value.strip().lower().endswith("ms"):
        number = value.strip()[:-2].strip()
        try:
            ms = float(number) if len(number) <= _MAX_TEXT else math.nan
        except ValueError:
            ms = math.nan
        if not math.isfinite(ms):
            raise ValueError(f"bad duration {value!r}: use e.g. '250ms', '1.5s' or 0.25") from None
        if ms < 0:
            raise ValueError("a duration cannot be negative")
        return ms / 1000.0
    return parse_duration(value)


def format_duration(seconds: float) -> str:
    """The shortest exact spelling of a duration in the units scenario files use: ``366d``, ``250ms``."""
    if seconds == 0:
        return "0s"
    if seconds >= 1e6 * DAY:  # a mistake's size, not a duration anyone means
        return f"{seconds / DAY:.3g}d"
    for unit, size in (("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1.0)):
        if seconds >= size and (seconds / size).is_integer():
            return f"{int(seconds / size)}{unit}"
    if seconds < 1 and (seconds * 1000).is_integer():
        return f"{int(seconds * 1000)}ms"
    return f"{seconds:g}s"


def duration_between(
    low: float, high: float, *, above: bool = False, short: bool = False, nullable: bool = False
) -> Any:
    """A duration field held to ``low ≤ d ≤ high`` seconds (``low < d`` with ``above``).

    ``short`` also takes milliseconds (``"250ms"``). The JSON Schema states the range in seconds
    (``minimum``/``maximum`` apply to the number form) and in words (``x-range``).
    """
    words = (
        f"{'more than' if above else 'at least'} {format_duration(low)} and at most {format_duration(high)}"
    )

    def check(seconds: float) -> float:
        if seconds > high or seconds < low or (above and seconds == low):
            raise ValueError(f"must be {words} (got {format_duration(seconds)})")
        return seconds

    schema: dict[str, Any] = {
        "type": ["string", "number"],
        "format": "duration",
        "exclusiveMinimum" if above else "minimum": low,
        "maximum": high,
        "x-range": words,
        "examples": ["250ms", "1.5s", 2] if short else ["7d", "12h", "90m", "1d12h", "PT2H"],
    }
    if nullable:
        schema = {"anyOf": [schema, {"type": "null"}]}
        return Annotated[
            float | None,
            BeforeValidator(lambda v: None if v is None else (parse_seconds if short else parse_duration)(v)),
            AfterValidator(lambda v: None if v is None else check(v)),
            WithJsonSchema(schema),
        ]
    return Annotated[
        float,
        BeforeValidator(parse_seconds if short else parse_duration),
        AfterValidator(check),
        WithJsonSchema(schema),
    ]


#: Instants a world may start, end or name: the simulated calendar stays well inside what
#: ``datetime`` and every carrier's date format can hold.
MIN_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)
MAX_INSTANT = datetime(2100, 1, 1, tzinfo=UTC)


def _aware(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > _MAX_TEXT:
            raise ValueError(f"bad instant ({len(value)} characters): use ISO-8601 with an offset")
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"bad instant {value!r}: use ISO-8601 with an offset, e.g. 2026-11-02T00:00:00-05:00"
            ) from exc
    if isinstance(value, datetime) and value.tzinfo is None:
        raise ValueError("an instant needs a UTC offset, e.g. 2026-11-02T00:00:00-05:00")
    return value


def _in_calendar(value: datetime) -> datetime:
    # the year first: an aware datetime near year 1 or 9999 cannot always be converted to UTC
    inside = MIN_INSTANT.year - 1 <= value.year <= MAX_INSTANT.year and MIN_INSTANT <= value < MAX_INSTANT
    if not inside:
        raise ValueError(
            f"must be in the years {MIN_INSTANT.year}–{MAX_INSTANT.year - 1} (got {value.isoformat()})"
        )
    return value


Instant = Annotated[
    datetime,
    BeforeValidator(_aware),
    AfterValidator(_in_calendar),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "formatMinimum": MIN_INSTANT.isoformat(),
            "formatExclusiveMaximum": MAX_INSTANT.isoformat(),
            "x-range": f"years {MIN_INSTANT.year}–{MAX_INSTANT.year - 1}",
            "examples": ["2026-11-02T00:00:00-05:00"],
        }
    ),
]
