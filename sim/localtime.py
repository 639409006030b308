"""Local time at a facility: ISO 8601 with the local UTC offset, local dates, local wall clocks.

A scan's time is absolute (epoch seconds); carriers show it in the facility's own zone. Every
conversion goes through the IANA zone (``zoneinfo``), so DST days are 23 or 25 hours long and a
wall-clock 08:30 is 08:30 whatever the offset. The simulation converts a few times per scan event,
so the two hot conversions are cached on the granularity at which zones change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

_UNKNOWN: tuple[str, str] = ("", "")  # a marker: not looked up yet

_HOURS: dict[tuple[ZoneInfo, int], tuple[str, str] | None] = {}
_MINUTES: dict[tuple[ZoneInfo, int], tuple[str, str]] = {}
_DATES: dict[tuple[ZoneInfo, int], date] = {}
_HOUR_DAYS: dict[tuple[tzinfo, int], tuple[int, int]] = {}
_SECONDS = tuple(f"{s:02d}" for s in range(60))
_MM_SS = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))


def _hour_parts(tz: ZoneInfo, hour: int) -> tuple[str, str] | None:
    """("YYYY-MM-DDTHH:", "+hh:mm") for a UTC hour the zone spends at one whole-hour offset, else None."""
    start = datetime.fromtimestamp(hour * 3600, tz)
    offset = start.utcoffset()
    if (
        offset is None
        or offset.total_seconds() % 3600
        or datetime.fromtimestamp(hour * 3600 + 3599, tz).utcoffset() != offset
    ):
        return None
    text = start.isoformat()
    return text[:14], text[19:]


def iso(epoch: float, tz: ZoneInfo) -> str:
    """``datetime.fromtimestamp(int(epoch), tz).isoformat()``, many times faster: everything but the
    minutes and seconds is cached per hour when the zone spends the hour at one whole-hour offset
    (every zone of the model, but for its DST changes), else per minute (zones change on those)."""
    e = int(epoch)
    hour = e // 3600
    key = (tz, hour)
    parts = _HOURS.get(key, _UNKNOWN)
    if parts is _UNKNOWN:
        if len(_HOURS) > 200_000:
            _HOURS.clear()
        parts = _HOURS[key] = _hour_parts(tz, hour)
    if parts is not None:
        return parts[0] + _MM_SS[e - hour * 3600] + parts[1]  # (a format spec costs 3× this)
    minute = e // 60
    key = (tz, minute)
    cached = _MINUTES.get(key)
    if cached is None:
        if len(_MINUTES) > 500_000:
            _MINUTES.clear()
        text = datetime.fromtimestamp(minute * 60, tz).isoformat()
        cached = _MINUTES[key] = (text[:17], text[19:])  # "YYYY-MM-DDTHH:MM:", "+hh:mm"
    return cached[0] + _SECONDS[e - minute * 60] + cached[1]


def iso_pair(first: float, second: float, tz: ZoneInfo) -> tuple[str, str]:
    """``(iso(first, tz), iso(second, tz))`` from the cached hours without a call to ``iso`` when
    both are cached (a scan's instant and its ``visible_at``, minutes apart: nearly every scan)."""
    a = int(first)
    hour = a // 3600
    parts = _HOURS.get((tz, hour))  # None: not cached yet, or not a whole-hour offset
    if parts is not None:
        b = int(second)
        later = b // 3600
        other = parts if later == hour else _HOURS.get((tz, later))
        if other is not None:
            return (
                parts[0] + _MM_SS[a - hour * 3600] + parts[1],
                other[0] + _MM_SS[b - later * 3600] + other[1],
            )
    return iso(first, tz), iso(second, tz)


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


def hour_and_weekday(epoch: float, tz: tzinfo) -> tuple[int, int]:
    """``(local.hour, local.weekday())`` of ``datetime.fromtimestamp(epoch, tz)``, cached per
    minute (zones change offset on whole minutes): demand asks for every candidate arrival."""
    key = (tz, int(epoch) // 60)
    found = _HOUR_DAYS.get(key)
    if found is None:
        local = datetime.fromtimestamp(key[1] * 60, tz)
        offset = local.utcoffset()
        if offset is not None and offset.total_seconds() % 60:  # an offset in seconds: no cache
            local = datetime.fromtimestamp(epoch, tz)
            return local.hour, local.weekday()
        if len(_HOUR_DAYS) > 200_000:
            _HOUR_DAYS.clear()
        found = _HOUR_DAYS[key] = (local.hour, local.weekday())
    return found


@lru_cache(maxsize=65536)
def _plain_day(tz: ZoneInfo, day: date) -> float | None:
    """Local midnight of ``day`` if the zone's offset holds all day (no DST change), else None."""
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    nxt = day + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)
    return start.timestamp() if end.timestamp() - start.timestamp() == 86400 else None


def local_clock(tz: ZoneInfo, day: date, seconds: float) -> float:
    """Epoch of the wall-clock time ``seconds`` after local midnight of ``day`` (DST-aware: on a
    23-hour day 08:30 is still 08:30; whole days past 24 h roll the date)."""
    if 0 <= seconds < 86400:
        midnight = _plain_day(tz, day)
        if midnight is not None:  # the common day: wall clock and elapsed time agree
            return midnight + int(seconds)
    hours, rem = divmod(int(seconds), 3600)
    minutes, secs = divmod(rem, 60)
    extra_days, hours = divmod(hours, 24)
    d = day + timedelta(days=extra_days)
    return datetime(d.year, d.month, d.day, hours, minutes, secs, tzinfo=tz).timestamp()
