"""Local time at a facility: the cached conversions agree with zoneinfo everywhere, DST days
included, and wall clocks stay on the wall."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sim.localtime import hour_and_weekday, iso, iso_pair, local_clock, local_date, local_midnight
from sim.places import zone

pytestmark = pytest.mark.unit

NY = zone("America/New_York")
BERLIN = zone("Europe/Berlin")
KATHMANDU = zone("Asia/Kathmandu")  # +05:45, no DST
LORD_HOWE = zone("Australia/Lord_Howe")  # DST moves the clock by 30 minutes
ST_JOHNS = zone("America/St_Johns")  # -03:30 / -02:30

# (zone, a UTC instant shortly before a transition)
TRANSITIONS = [
    (NY, datetime(2026, 3, 8, 6, 30, tzinfo=UTC)),  # 02:00 EST → 03:00 EDT
    (NY, datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # 02:00 EDT → 01:00 EST
    (BERLIN, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
    (BERLIN, datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    (LORD_HOWE, datetime(2026, 4, 4, 14, 30, tzinfo=UTC)),
    (ST_JOHNS, datetime(2026, 3, 8, 5, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize(("tz", "start"), TRANSITIONS, ids=lambda v: str(v))
def test_iso_matches_zoneinfo_across_a_transition(tz, start: datetime) -> None:
    t0 = start.timestamp()
    for step in range(0, 2 * 3600, 17):  # every 17 s for two hours: every minute, odd seconds
        e = t0 + step + 0.75  # fractions are dropped, as datetime.fromtimestamp(int(...)) does
        assert iso(e, tz) == datetime.fromtimestamp(int(e), tz).isoformat(), (tz, e)


@pytest.mark.parametrize(("tz", "start"), TRANSITIONS, ids=lambda v: str(v))
def test_iso_pair_matches_zoneinfo_across_a_transition(tz, start: datetime) -> None:
    # a scan's instant and its visible_at: seconds to hours apart, in one hour or across hours
    rng = random.Random(7)
    t0 = start.timestamp()
    for step in range(0, 2 * 3600, 23):
        a = t0 + step + rng.random()
        b = a + rng.choice((0.0, 1.5, 59.9, 600.25, 3599.5, 3600.0, 5400.7)) * rng.random()
        assert iso_pair(a, b, tz) == (
            datetime.fromtimestamp(int(a), tz).isoformat(),
            datetime.fromtimestamp(int(b), tz).isoformat(),
        ), (tz, a, b)


@pytest.mark.parametrize(("tz", "start"), TRANSITIONS, ids=lambda v: str(v))
def test_hour_and_weekday_match_datetime_across_a_transition(tz, start: datetime) -> None:
    t0 = start.timestamp()
    for step in range(0, 2 * 3600, 13):
        e = t0 + step + 0.4
        local = datetime.fromtimestamp(e, tz)
        assert hour_and_weekday(e, tz) == (local.hour, local.weekday()), (tz, e)


def test_hour_and_weekday_in_fixed_offsets_and_one_given_in_seconds() -> None:
    rng = random.Random(7)
    for tz in (timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=45)), KATHMANDU):
        for _ in range(2000):
            e = rng.uniform(1.7e9, 1.8e9)
            local = datetime.fromtimestamp(e, tz)
            assert hour_and_weekday(e, tz) == (local.hour, local.weekday()), (tz, e)
    # an offset with seconds is not cached per minute: the hour still turns on its own second
    odd = timezone(timedelta(hours=1, seconds=30))
    t = datetime(2026, 5, 4, 9, 59, 0, tzinfo=odd).timestamp()
    assert hour_and_weekday(t + 59, odd) == (9, 0)
    assert hour_and_weekday(t + 60, odd) == (10, 0)
    assert hour_and_weekday(t + 30, odd) == (9, 0)


def test_iso_caches_per_zone_not_just_per_minute() -> None:
    e = datetime(2026, 7, 1, 12, 0, 5, tzinfo=UTC).timestamp()
    assert iso(e, NY) == "2026-07-01T08:00:05-04:00"
    assert iso(e, BERLIN) == "2026-07-01T14:00:05+02:00"
    assert iso(e, KATHMANDU) == "2026-07-01T17:45:05+05:45"


@pytest.mark.parametrize("tz", [NY, KATHMANDU, LORD_HOWE, ST_JOHNS], ids=str)
def test_local_date_flips_exactly_at_local_midnight(tz) -> None:
    for day in (date(2026, 3, 8), date(2026, 4, 5), date(2026, 11, 1)):
        midnight = local_midnight(tz, day)
        assert local_date(midnight, tz) == day
        assert local_date(midnight - 1, tz) == day - timedelta(days=1)
        for step in range(0, 86400, 613):
            e = midnight + step
            assert local_date(e, tz) == datetime.fromtimestamp(e, tz).date()


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring, autumn = date(2026, 3, 8), date(2026, 11, 1)
    one = timedelta(days=1)
    assert local_midnight(NY, spring + one) - local_midnight(NY, spring) == 23 * 3600
    assert local_midnight(NY, autumn + one) - local_midnight(NY, autumn) == 25 * 3600
    assert local_midnight(LORD_HOWE, date(2026, 4, 5) + one) - local_midnight(
        LORD_HOWE, date(2026, 4, 5)
    ) == (24.5 * 3600)


def test_a_wall_clock_time_stays_on_the_wall_across_dst() -> None:
    for day in (date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)):
        assert iso(local_clock(NY, day, 8.5 * 3600), NY)[11:19] == "08:30:00"
    assert iso(local_clock(NY, date(2026, 3, 7), 8.5 * 3600), NY).endswith("-05:00")
    assert iso(local_clock(NY, date(2026, 3, 9), 8.5 * 3600), NY).endswith("-04:00")


def test_local_clock_past_24_hours_rolls_the_date() -> None:
    day = date(2026, 3, 5)
    assert local_clock(NY, day, 26 * 3600) == local_clock(NY, day + timedelta(days=1), 2 * 3600)
    assert iso(local_clock(NY, day, 26 * 3600 + 61), NY) == "2026-03-06T02:01:01-05:00"


def test_a_time_that_does_not_exist_lands_after_the_gap() -> None:
    # 02:30 on the spring-forward day is skipped; zoneinfo reads it with the old offset (fold=0)
    assert iso(local_clock(NY, date(2026, 3, 8), 2.5 * 3600), NY) == "2026-03-08T03:30:00-04:00"


def test_local_clock_agrees_with_datetime_on_every_day_of_a_year() -> None:
    """The shortcut for days without a DST change gives what building the datetime gives."""
    rng = random.Random(5)
    for name in ("America/New_York", "Europe/Berlin", "America/Phoenix", "Asia/Almaty"):
        tz = zone(name)
        for n in range(366):
            day = date(2026, 1, 1) + timedelta(days=n)
            for seconds in (0.0, 8.5 * 3600, rng.uniform(0, 86400), 86399.9):
                h, rem = divmod(int(seconds), 3600)
                m, s = divmod(rem, 60)
                want = datetime(day.year, day.month, day.day, h, m, s, tzinfo=tz).timestamp()
                assert local_clock(tz, day, seconds) == want, (name, day, seconds)
