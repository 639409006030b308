"""Local time at a facility: ISO 8601 with the local UTC offset, local dates, local wall clocks.

A scan's time is absolute (epoch seconds); carriers show it in the facility's own zone. Every
conversion goes through the IANA zone (``zoneinfo``), so DST days are 23 or 25 hours long and a
wall-clock 08:30 is 08:30 whatever the offset. The simulation converts a few times per scan event,
so the two hot conversions are cached on the granularity at which zones change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_MINUTES: dict[tuple[ZoneInfo, int], tuple[str, str]] = {}
_DATES: dict[tuple[ZoneInfo, int], date] = {}


def iso(epoch: float, tz: ZoneInfo) -> str:
    """``datetime.fromtimestamp(int(epoch), tz).isoformat()``, several times faster: everything but
    the seconds is cached per minute (zone transitions fall on whole minutes)."""
    e = int(epoch)
    minute, sec = divmod(e, 60)
    key = (tz, minute)
    cached = _MINUTES.get(key)
    if cached is None:
        if len(_MINUTES) > 500_000:
            _MINUTES.clear()
        text = datetime.fromtimestamp(minute * 60, tz).isoformat()
        cached = _MINUTES[key] = (text[:17], text[19:])  # "YYYY-MM-DDTHH:MM:", "+hh:mm"
    return f"{cached[0]}{sec:02d}{cached[1]}"


@lru_cache(maxsize=65536)
def local_midnight(tz: ZoneInfo, day: date) -> float:
    """Epoch seconds of local midnight starting ``day`` in ``tz`` (DST-correct)."""
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def local_date(epoch: float, tz: ZoneInfo) -> date:
    """The local calendar date at ``epoch``; cached per quarter hour (zones change on those)."""
    key = (tz, int(epoch) // 900)
    day = _DATES.get(key)
    if day is None:
        if len(_DATES) > 200_000:
            _DATES.clear()
        day = _DATES[key] = datetime.fromtimestamp(key[1] * 900, tz).date()
    return day


def local_clock(tz: ZoneInfo, day: date, seconds: float) -> float:
    """Epoch of the wall-clock time ``seconds`` after local midnight of ``day`` (DST-aware: on a
    23-hour day 08:30 is still 08:30; whole days past 24 h roll the date)."""
    hours, rem = divmod(int(seconds), 3600)
    minutes, secs = divmod(rem, 60)
    extra_days, hours = divmod(hours, 24)
    d = day + timedelta(days=extra_days)
    return datetime(d.year, d.month, d.day, hours, minutes, secs, tzinfo=tz).timestamp()
