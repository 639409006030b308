"""Sort waves: a hub sorts in named waves at set local hours, at a throughput scaled from published
figures, and its outbound trailers leave when a wave ends.

``WaveSorter`` is a hub's sort as a computed FIFO queue (like ``SortLanes`` was): a parcel learns
when it is sorted the moment it is unloaded, which costs the scheduler nothing. Work left when a
wave ends waits for the next wave, so a backlog builds while arrivals exceed a wave's capacity and
drains over the following waves and days. Closures (an outage, a storm) are gaps in the waves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sim.localtime import local_clock, local_date
from sim.timing import NOMINAL_SORT_S

H = 3600.0


@dataclass(frozen=True, slots=True)
class Wave:
    name: str
    start_s: float  # local seconds of day
    end_s: float  # may pass 24 h: the night sort runs over midnight
    staffing: float  # share of the hub's full sort rate the wave runs at


# The sorts of a parcel hub as carriers name their shifts (UPS hires package handlers for the
# Sunrise, Day, Twilight and Midnight/Night sorts): the twilight and night sorts take the day's
# pickups and the long-haul trailers and run at full rate; the sunrise and day sorts clear what the
# night left and the daytime arrivals, with a smaller crew.
HUB_WAVES: tuple[Wave, ...] = (  # on local quarter hours (``open_at`` relies on it)
    Wave("sunrise", 4.5 * H, 8.0 * H, 0.75),
    Wave("day", 9.5 * H, 14.0 * H, 0.75),
    Wave("twilight", 16.5 * H, 21.0 * H, 1.0),
    Wave("night", 22.0 * H, 28.0 * H, 1.0),
)
#: Trailers leave this long after their wave ends (the last parcels loaded, the doors closed).
DISPATCH_AFTER_WAVE_S = 20 * 60.0

# Throughput. UPS Worldport sorts ~416,000 packages an hour against 1.6–2 M a day; DHL's Leipzig
# hub > 150,000 an hour; a small station ~6,000 (docs/realism.md §10). A scenario runs a sample of
# a carrier's volume, so a hub's rate is scaled to the load the scenario is expected to put
# through it: at full rate a hub sorts Worldport's peak-hour share of its normal day an hour
# (416,000 of 2 M: ~21 %; the top of the daily range gives the lower share), times the scenario's
# capacity headroom over its default. USPS's OIG found plant sorters running 11–14 h a day
# (NO-AR-14-002); the waves above add up to 16.4 full-rate hours (but at full rate only in the
# evening and night, when most of the day's volume arrives).
PEAK_HOUR_SHARE = 416_000 / 2_000_000
DEFAULT_HEADROOM = 2.0


def full_rate_per_hour(daily_load: float, headroom: float) -> float:
    """A hub's full sort rate (parcels an hour) for its expected normal-day load: Worldport's
    peak-hour share of its day (~21 %) at the default headroom, in proportion to the headroom."""
    return daily_load * PEAK_HOUR_SHARE * headroom / DEFAULT_HEADROOM


def full_rate_hours(waves: tuple[Wave, ...] = HUB_WAVES) -> float:
    """Hours a day of sorting at full rate the waves add up to."""
    return sum((w.end_s - w.start_s) * w.staffing for w in waves) / H


def wave_ends(waves: tuple[Wave, ...] = HUB_WAVES) -> tuple[float, ...]:
    """Local seconds of day at which outbound trailers leave: each wave's end plus dispatch."""
    return tuple(sorted((w.end_s + DISPATCH_AFTER_WAVE_S) % 86400 for w in waves))


@lru_cache(maxsize=16384)
def windows_of_day(tz: ZoneInfo, day: date, waves: tuple[Wave, ...]) -> list[tuple[float, float, float]]:
    """The waves that start on local ``day`` as absolute (start, end, staffing); DST-correct: a wave
    starts and ends at its local wall-clock times whatever the offset. (Cached: do not mutate.)"""
    return [(local_clock(tz, day, w.start_s), local_clock(tz, day, w.end_s), w.staffing) for w in waves]


def subtract(
    windows: list[tuple[float, float, float]], closed: list[tuple[float, float]]
) -> list[tuple[float, float, float]]:
    """``windows`` minus the ``closed`` spans (a closed hub sorts nothing)."""
    out = windows
    for cs, ce in closed:
        nxt: list[tuple[float, float, float]] = []
        for s, e, k in out:
            if ce <= s or cs >= e:
                nxt.append((s, e, k))
                continue
            if s < cs:
                nxt.append((s, cs, k))
            if ce < e:
                nxt.append((ce, e, k))
        out = nxt
    return out


_OPEN: dict[tuple[ZoneInfo, int, int], float] = {}
#: wave sets known to start and end on local quarter hours (the generic hub's; carriers' profiles')
ALIGNED: set[int] = {id(HUB_WAVES)}


def open_at(t: float, tz: ZoneInfo, waves: tuple[Wave, ...] = HUB_WAVES) -> float:
    """The first instant at or after ``t`` at which a wave is sorting (capacity aside)."""
    # The hub's waves start and end on local quarter hours, and zones are offset by whole quarter
    # hours, so every instant of a quarter hour has the same next wave: remember it per quarter.
    aligned = id(waves) in ALIGNED
    key = (tz, id(waves), int(t) // 900)
    start = _OPEN.get(key) if aligned else None
    if start is None:
        start = _first_window(t, tz, waves)[0]
        if aligned:
            if len(_OPEN) > 100_000:
                _OPEN.clear()
            _OPEN[key] = start
    return start if t < start else t


def _first_window(t: float, tz: ZoneInfo, waves: tuple[Wave, ...]) -> tuple[float, float, float]:
    day = local_date(t, tz) - timedelta(days=1)
    for _ in range(3):
        for w in windows_of_day(tz, day, waves):
            if w[1] > t:
                return w
        day += timedelta(days=1)
    raise ValueError("a hub needs at least one sort wave")


def planned_sort(t: float, tz: ZoneInfo, waves: tuple[Wave, ...] = HUB_WAVES) -> float:
    """When a parcel unloaded at ``t`` is planned to be off the sort: its wave's start (or ``t``)
    plus a nominal hour."""
    return open_at(t, tz, waves) + NOMINAL_SORT_S


class WaveSorter:
    """One hub's sort: FIFO at ``per_hour`` × the wave's staffing, only inside its waves and outside
    its closures. Bookings should come in about arrival order, as unloading trailers make them."""

    __slots__ = ("_cur", "_days", "closed", "free", "per_hour", "tz", "waves")

    def __init__(
        self,
        tz: ZoneInfo,
        per_hour: float,
        waves: tuple[Wave, ...] = HUB_WAVES,
        closed: list[tuple[float, float]] | None = None,
    ) -> None:
        self.tz = tz
        self.waves = waves
        self.per_hour = per_hour
        self.closed = sorted(closed or [])
        self.free = 0.0  # when the sort line next has room
        self._cur = (0.0, 0.0, 1.0)  # the window last used
        self._days: dict[date, list[tuple[float, float, float]]] = {}

    def _windows(self, day: date) -> list[tuple[float, float, float]]:
        w = self._days.get(day)
        if w is None:
            if len(self._days) > 64:
                self._days.clear()
            w = self._days[day] = subtract(windows_of_day(self.tz, day, self.waves), self.closed)
        return w

    def window(self, t: float) -> tuple[float, float, float]:
        """The sort window running at ``t``, or the next one to open after it."""
        day = local_date(t, self.tz) - timedelta(days=1)  # yesterday's night sort may still run
        last_closure = max((e for _, e in self.closed), default=t)
        horizon = local_date(max(t, last_closure), self.tz) + timedelta(days=3)
        while day <= horizon:
            for w in self._windows(day):
                if w[1] > t:
                    return w
            day += timedelta(days=1)
        raise ValueError("a hub needs at least one sort wave outside its closures")

    def book(self, arrival: float, work: float = 1.0) -> float:
        """Sort a parcel unloaded at ``arrival`` taking ``work`` nominal parcels of effort; the
        instant it leaves the sort. Work that does not fit in what is left of a wave waits for the
        next wave."""
        s = arrival if arrival > self.free else self.free
        ws, we, k = self._cur
        if not ws <= s < we:
            ws, we, k = self._cur = self.window(s)
        while True:
            if s < ws:
                s = ws
            need = work * 3600.0 / (self.per_hour * k)
            if s + need <= we:
                break
            ws, we, k = self._cur = self.window(we)
            s = ws
        self.free = s + need
        return self.free
