"""Opening-hours arithmetic on a tiny week: open or not, the next opening, open time added across
closed nights and Sundays, and across a DST change."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sim import opening_hours as oh

pytestmark = pytest.mark.unit

H = 3600.0
BERLIN = ZoneInfo("Europe/Berlin")
SHOP = oh.week((9 * H, 18 * H), (9 * H, 13 * H))  # Mon–Fri 9–18, Sat 9–13, Sun closed


def at(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = BERLIN) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=tz).timestamp()


def test_open_and_closed() -> None:
    assert oh.is_open(SHOP, BERLIN, at(2026, 3, 2, 9))  # Monday 09:00
    assert not oh.is_open(SHOP, BERLIN, at(2026, 3, 2, 18))  # closing time is closed
    assert not oh.is_open(SHOP, BERLIN, at(2026, 3, 7, 14))  # Saturday afternoon
    assert not oh.is_open(SHOP, BERLIN, at(2026, 3, 8, 12))  # Sunday
    assert oh.is_open(oh.ALWAYS, BERLIN, at(2026, 3, 8, 3))


def test_next_opening_skips_nights_and_sundays() -> None:
    assert oh.next_open(SHOP, BERLIN, at(2026, 3, 2, 10)) == at(2026, 3, 2, 10)
    assert oh.next_open(SHOP, BERLIN, at(2026, 3, 2, 19)) == at(2026, 3, 3, 9)
    assert oh.next_open(SHOP, BERLIN, at(2026, 3, 7, 13, 30)) == at(2026, 3, 9, 9)  # Sat → Mon


def test_open_time_is_counted_only_while_open() -> None:
    assert oh.add_open_time(SHOP, BERLIN, at(2026, 3, 2, 17), 0.5 * H) == at(2026, 3, 2, 17, 30)
    assert oh.add_open_time(SHOP, BERLIN, at(2026, 3, 2, 17), 2 * H) == at(2026, 3, 3, 10)
    # Saturday 12:00 + 2 h: one hour on Saturday, the next on Monday
    assert oh.add_open_time(SHOP, BERLIN, at(2026, 3, 7, 12), 2 * H) == at(2026, 3, 9, 10)
    # whole weeks: 49 h open a week, so 2 weeks + 1 h from Monday 09:00 is Monday 10:00 two weeks on
    week_s = oh.open_seconds_per_week(SHOP)
    assert week_s == 49 * H
    assert oh.add_open_time(SHOP, BERLIN, at(2026, 3, 2, 9), 2 * week_s + H) == at(2026, 3, 16, 10)
    with pytest.raises(ValueError):
        oh.add_open_time(SHOP, BERLIN, at(2026, 3, 2, 9), -1)


def test_every_result_lands_inside_the_hours() -> None:
    start = at(2026, 3, 1, 0)
    for i in range(500):
        t = oh.add_open_time(SHOP, BERLIN, start + i * 3607.0, (i * 733.0) % (40 * H))
        assert oh.is_open(SHOP, BERLIN, t) or oh.is_open(SHOP, BERLIN, t - 1)


def test_wall_clock_hours_survive_a_dst_change() -> None:
    # 29 March 2026: Berlin springs forward; the shop still opens at 09:00 local
    assert oh.next_open(SHOP, BERLIN, at(2026, 3, 28, 20)) == at(2026, 3, 30, 9)
    ny = ZoneInfo("America/New_York")
    post = oh.PICKUP_POINT_HOURS["usps"]
    assert oh.next_open(post, ny, at(2026, 3, 7, 13, tz=ny)) == at(2026, 3, 9, 9, tz=ny)


def test_tables() -> None:
    assert oh.pickup_point_hours("dhl", "DE") == oh.ALWAYS  # Packstation
    assert oh.pickup_point_hours("dhl", "US") == oh.PICKUP_POINT_HOURS["dhl"]
    assert oh.pickup_point_hours("amazon", "US") == oh.ALWAYS
    assert oh.pickup_point_hours("nobody", "US") == oh.DEFAULT_PICKUP_POINT_HOURS
    for carrier in ("hermes", "dpd"):  # German shops close on Sundays
        assert oh.PICKUP_POINT_HOURS[carrier][6] == ()
    assert oh.RECEIVING_HOURS[6] == ()  # no dock receipts on Sundays
    assert oh.scaled_open_time(oh.ALWAYS, 100.0) == pytest.approx(100.0)
    assert oh.scaled_open_time(SHOP, 7 * 24 * H) == pytest.approx(49 * H)
