"""Sort waves on tiny inputs: the waves' hours and departures, the computed wave queue against a
SimPy simulation of the same sort line, closures as gaps, and a backlog that builds under a peak and
drains over the following days."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import simpy

from sim import waves
from sim.localtime import iso
from sim.waves import HUB_WAVES, Wave, WaveSorter
from tests.tinyworld import MONDAY, NY, H, at

pytestmark = pytest.mark.unit

UTC = ZoneInfo("UTC")
DAY0 = date(2026, 3, 2)


def utc(day: int, hours: float) -> float:
    return datetime(2026, 3, 2, tzinfo=UTC).timestamp() + day * 86400 + hours * H


def test_trailers_leave_twenty_minutes_after_each_wave_ends() -> None:
    assert waves.wave_ends() == (4 * H + 20 * 60, 8 * H + 20 * 60, 14 * H + 20 * 60, 21 * H + 20 * 60)


def test_the_waves_run_sixteen_and_a_half_full_rate_hours() -> None:
    assert waves.full_rate_hours() == pytest.approx(3.5 * 0.75 + 4.5 * 0.75 + 4.5 + 6.0)


def test_a_hubs_rate_is_worldports_peak_hour_share_of_its_day() -> None:
    assert waves.full_rate_per_hour(2_000_000, waves.DEFAULT_HEADROOM) == pytest.approx(416_000)
    assert waves.full_rate_per_hour(1000, 3.0) == pytest.approx(1000 * 0.208 * 1.5)


def test_a_parcel_waits_for_the_next_wave_to_open() -> None:
    assert waves.open_at(at(MONDAY, 10), NY) == at(MONDAY, 10)  # the day wave runs
    assert waves.open_at(at(MONDAY, 14, 10), NY) == at(MONDAY, 16, 30)  # between day and twilight
    assert waves.open_at(at(MONDAY, 3), NY) == at(MONDAY, 3)  # Sunday's night wave, past midnight
    assert waves.planned_sort(at(MONDAY, 14, 10), NY) == at(MONDAY, 17, 30)


def test_waves_keep_their_local_hours_on_a_dst_day() -> None:
    spring = date(2026, 3, 8)  # a 23-hour day in New York
    starts = [iso(s, NY)[11:16] for s, _, _ in waves.windows_of_day(NY, spring, HUB_WAVES)]
    assert starts == ["04:30", "09:30", "16:30", "22:00"]


def test_closed_spans_cut_the_windows() -> None:
    windows = [(0.0, 10.0, 1.0), (20.0, 30.0, 0.5)]
    assert waves.subtract(windows, [(5.0, 25.0)]) == [(0.0, 5.0, 1.0), (25.0, 30.0, 0.5)]
    assert waves.subtract(windows, [(-5.0, 40.0)]) == []
    assert waves.subtract(windows, [(10.0, 20.0)]) == windows


def simpy_wave_sort(
    jobs: list[tuple[float, float]], per_hour: float, windows: list[tuple[float, float, float]]
) -> list[float]:
    """The same sort line simulated: one server, first come first served, working only inside
    the windows, never starting a parcel it cannot finish before its window closes."""
    env = simpy.Environment(initial_time=0.0)
    queue: simpy.Store = simpy.Store(env)
    done: list[float] = [0.0] * len(jobs)

    def arrivals():
        for i, (t, _) in enumerate(jobs):
            yield env.timeout(max(0.0, t - env.now))
            queue.put(i)

    def server():
        while True:
            i = yield queue.get()
            while True:
                ws, we, k = next(w for w in windows if w[1] > env.now)
                if env.now < ws:
                    yield env.timeout(ws - env.now)
                need = jobs[i][1] * 3600.0 / (per_hour * k)
                if env.now + need <= we:
                    yield env.timeout(need)
                    done[i] = env.now
                    break
                yield env.timeout(we - env.now)

    env.process(arrivals())
    env.process(server())
    env.run(until=jobs[-1][0] + 30 * 86400)
    return done


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_computed_wave_queue_is_the_simulated_one(seed: int) -> None:
    rng = random.Random(seed)
    start = utc(0, 0)
    jobs, t = [], start
    while len(jobs) < 1500:
        # trailers: bursts of parcels a few seconds apart, then a gap of minutes to hours
        t += rng.choice([rng.uniform(1, 6)] * 5 + [rng.expovariate(1 / 1200)])
        jobs.append((t - start, rng.uniform(0.5, 1.5)))
    closed = [(utc(1, 17) - start, utc(1, 23) - start)]  # an outage on the second evening
    sorter = WaveSorter(UTC, 25.0, closed=[(s + start, e + start) for s, e in closed])
    computed = [sorter.book(a + start, w) - start for a, w in jobs]
    windows = [
        (s - start, e - start, k)
        for d in range(-1, 40)
        for s, e, k in waves.subtract(
            waves.windows_of_day(UTC, DAY0 + timedelta(days=d), HUB_WAVES), [(utc(1, 17), utc(1, 23))]
        )
    ]
    assert computed == pytest.approx(simpy_wave_sort(jobs, 25.0, windows), abs=1e-3)
    assert max(c - a for c, (a, _) in zip(computed, jobs, strict=True)) > 12 * H, "a backlog must form"


def test_a_backlog_builds_under_a_peak_and_drains_over_the_next_days() -> None:
    sorter = WaveSorter(UTC, 10.0)  # 160 parcels from one evening to the next at full staffing
    arrivals: list[float] = []
    for day in range(12):
        n = 260 if day in (2, 3) else 120  # two peak days
        # a day's volume comes in the evening (the day's pickups)
        arrivals += [utc(day, 17) + i * (4 * H / n) for i in range(n)]
    done = [sorter.book(a) for a in arrivals]
    # parcels still unsorted when the next evening's trailers start coming in
    backlog = [
        sum(1 for a, d in zip(arrivals, done, strict=True) if a < utc(day + 1, 17) <= d) for day in range(12)
    ]
    assert backlog[:2] == [0, 0]  # a normal day is sorted within the day
    assert backlog[3] > backlog[2] > 90  # it builds over the peak
    assert backlog[3] > 120  # more than a normal day carried over
    assert backlog[4] < backlog[3] and backlog[5] > 0  # and takes days to drain
    assert backlog[11] == 0


def test_a_half_staffed_wave_sorts_at_half_rate() -> None:
    half = (Wave("all day", 0.0, 24 * H, 0.5),)
    sorter = WaveSorter(UTC, 100.0, half)
    assert sorter.book(utc(0, 10)) == pytest.approx(utc(0, 10) + 72.0)  # 50 an hour


def test_work_that_does_not_fit_waits_for_the_next_wave() -> None:
    sorter = WaveSorter(UTC, 60.0)  # a parcel a minute at full rate
    end_twilight = utc(0, 21)
    assert sorter.book(end_twilight - 30) == pytest.approx(utc(0, 22) + 60)  # 30 s left: not enough


def test_open_at_remembers_a_span_without_changing_an_answer() -> None:
    rng = random.Random(9)
    instants = sorted(at(MONDAY, 0) + rng.uniform(0, 5 * 86400) for _ in range(3000))
    rng.shuffle(instants)
    for t in instants:
        expected = next(
            max(s, t)
            for d in range(-1, 3)
            for s, e, _ in waves.windows_of_day(NY, waves.local_date(t, NY) + timedelta(days=d), HUB_WAVES)
            if e > t
        )
        assert waves.open_at(t, NY) == expected


def test_the_hub_waves_start_and_end_on_quarter_hours() -> None:
    assert all(w.start_s % 900 == 0 and w.end_s % 900 == 0 for w in HUB_WAVES)
