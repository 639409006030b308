"""Pickups from shippers: when a carrier's truck calls at a warehouse, and when each parcel is
scanned onto it.

A carrier collects from a large shipper on a daily schedule of pickup windows, in the afternoon
and evening for the parcel carriers (the day's orders are picked and packed by then; a scheduled
daily pickup for a high-volume account is typically booked between mid-afternoon and early evening),
and around the clock for Amazon's own trailers from its fulfilment centres to its sort centres.
Each warehouse has its own slot in those windows (a fixed offset per shipper and carrier), the
truck comes a little earlier or later each day (traffic), and it is loaded over 20–45 minutes: the
pickup scans spread over the loading in load order, never on the hour, never all in one second.

Pure functions of ``(seed, carrier, warehouse, day, window)`` plus one draw from the parcel's own
stream (its place in the load), so no parcel's pickup depends on another's.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sim.localtime import local_clock, local_date
from sim.streams import ParcelRng, Rng, stream_seed
from sim.timing import Days, works

H = 3600.0
MINUTE = 60.0

#: Local pickup windows (truck at the dock) per carrier. Parcel carriers: two afternoon/evening
#: calls a day for a high-volume shipper; Amazon: trailers every four hours.
PICKUP_WINDOWS: dict[str, tuple[float, ...]] = {
    "ups": (16.0 * H, 19.5 * H),
    "fedex": (15.5 * H, 19.0 * H),
    "usps": (15.0 * H, 18.0 * H),
    "dhl": (16.5 * H, 19.0 * H),
    "amazon": (1.0 * H, 5.0 * H, 9.0 * H, 13.0 * H, 17.0 * H, 21.0 * H),
    "hermes": (16.0 * H, 19.0 * H),
    "dpd": (15.5 * H, 18.5 * H),
    "canadapost": (15.0 * H, 18.0 * H),
    "kazpost": (15.0 * H, 17.5 * H),
}
DEFAULT_WINDOWS = PICKUP_WINDOWS["ups"]
#: Same-day shuttles from a warehouse to a metro's station, for that evening's routes (sim.same_day).
SAME_DAY_SHUTTLES: tuple[float, ...] = (9.0 * H, 11.0 * H, 13.5 * H)
SHIPPER_OFFSET_S = 45 * MINUTE  # each warehouse's slot: up to this much either side of the window
DAY_JITTER_S = 20 * MINUTE  # the truck's arrival moves by up to this much from day to day
DWELL_S = (20 * MINUTE, 45 * MINUTE)  # loading time at the dock
LABEL_CUTOFF_S = 1 * H  # a parcel labelled less than this before the truck waits for the next one
TRUCKS_KEPT = 100_000  # trucks remembered before the memo starts over (a served world runs for ever)
SEQUENCES_KEPT = 20_000  # next_truck's fortnights of trucks remembered, likewise


@dataclass(frozen=True, slots=True)
class Truck:
    arrives: float  # at the dock (epoch)
    departs: float  # loaded and gone


def shipper_windows(carrier: str, u: float) -> tuple[float, ...]:
    """A warehouse's pickup times (local seconds) for ``carrier``, shifted by its own slot."""
    base = PICKUP_WINDOWS.get(carrier, DEFAULT_WINDOWS)
    shift = SHIPPER_OFFSET_S * (2 * u - 1)
    return tuple(sorted((t + shift) % (24 * H) for t in base))


def truck(
    windows: tuple[float, ...], i: int, day: date, tz: ZoneInfo, u_jitter: float, u_dwell: float
) -> Truck:
    """The truck of window ``i`` on ``day``: its arrival (jittered) and when it leaves."""
    arrives = local_clock(tz, day, windows[i] + DAY_JITTER_S * (2 * u_jitter - 1))
    dwell = DWELL_S[0] + (DWELL_S[1] - DWELL_S[0]) * u_dwell
    return Truck(arrives, arrives + dwell)


def scan_time(t: Truck, u: float) -> float:
    """A parcel's pickup scan: its place ``u`` (0–1) in the load."""
    return t.arrives + (t.departs - t.arrives) * u


class Pickups:
    """Every (carrier, warehouse)'s pickup schedule, and the truck a parcel leaves on."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._windows: dict[tuple[str, str], tuple[float, ...]] = {}
        self._trucks: dict[tuple[str, str, date, int, bool], Truck] = {}
        self._scanned: dict[tuple[str, str, bool, float], set[int]] = {}
        # per (carrier, warehouse, same-day, first day, pickup days): next_truck's candidates
        self._ahead: dict[tuple[str, str, bool, date, Days], tuple[list[Truck], list[float]]] = {}

    def windows(self, carrier: str, fc_id: str, same_day: bool = False) -> tuple[float, ...]:
        if same_day:
            return SAME_DAY_SHUTTLES
        key = (carrier, fc_id)
        w = self._windows.get(key)
        if w is None:
            u = ParcelRng(stream_seed(self._seed, f"pickup-slot:{carrier}:{fc_id}")).random()
            w = self._windows[key] = shipper_windows(carrier, u)
        return w

    def truck(
        self, carrier: str, fc_id: str, tz: ZoneInfo, day: date, i: int, same_day: bool = False
    ) -> Truck:
        key = (carrier, fc_id, day, i, same_day)
        t = self._trucks.get(key)
        if t is None:
            # every parcel labelled that day asks for the same few trucks: each is drawn once; the
            # memo is bounded (TRUCKS_KEPT) so a served world's memory stays flat
            kind = "same-day" if same_day else "pickup"
            rng = ParcelRng(stream_seed(self._seed, f"{kind}:{carrier}:{fc_id}:{day}:{i}"))
            t = truck(self.windows(carrier, fc_id, same_day), i, day, tz, rng.random(), rng.random())
            if len(self._trucks) > TRUCKS_KEPT:
                self._trucks.clear()
            self._trucks[key] = t
        return t

    def next_truck(
        self,
        carrier: str,
        fc_id: str,
        tz: ZoneInfo,
        ready: float,
        open_days: Days,
        same_day: bool = False,
    ) -> Truck:
        """The first truck on a pickup day that arrives at least ``LABEL_CUTOFF_S`` after ``ready``
        (in the order of days and windows, from the day before ``ready``'s: a late-evening window
        may be jittered past midnight)."""
        day = local_date(ready, tz) - timedelta(days=1)
        key = (carrier, fc_id, same_day, day, open_days)
        ahead = self._ahead.get(key)
        if ahead is None:
            if len(self._ahead) > SEQUENCES_KEPT:
                self._ahead.clear()
            ahead = self._ahead[key] = self._trucks_from(carrier, fc_id, tz, day, open_days, same_day)
        trucks, reach = ahead
        # the first truck in that order arriving late enough is the first whose running maximum of
        # arrivals is: bisect, not a walk through the days (every parcel asks, a few times)
        k = bisect_left(reach, ready + LABEL_CUTOFF_S)
        if k == len(trucks):
            raise ValueError("no pickup within two weeks")
        return trucks[k]

    def _trucks_from(
        self, carrier: str, fc_id: str, tz: ZoneInfo, day: date, open_days: Days, same_day: bool
    ) -> tuple[list[Truck], list[float]]:
        """The trucks of 16 days from ``day`` on, pickup days only, in order of day and window, and
        the running maximum of their arrivals."""
        n = len(self.windows(carrier, fc_id, same_day))
        trucks: list[Truck] = []
        reach: list[float] = []
        latest = float("-inf")
        for offset in range(16):
            d = day + timedelta(days=offset)
            if not works(d, open_days):
                continue
            for i in range(n):
                t = self.truck(carrier, fc_id, tz, d, i, same_day)
                latest = max(latest, t.arrives)
                trucks.append(t)
                reach.append(latest)
        return trucks, reach

    def scan(
        self,
        carrier: str,
        fc_id: str,
        tz: ZoneInfo,
        ready: float,
        open_days: Days,
        rng: Rng,
        same_day: bool = False,
    ) -> tuple[float, float]:
        """(pickup scan, truck departure) for a parcel labelled at ``ready``."""
        t = self.next_truck(carrier, fc_id, tz, ready, open_days, same_day)
        return scan_time(t, rng.random()), t.departs

    def scanned(self, carrier: str, fc_id: str, same_day: bool, t: Truck, now: float) -> set[int]:
        """The seconds truck ``t`` has scanned parcels at so far, whichever lanes they leave on
        (one truck, one scanner: never two parcels in a second). Trucks gone a day are forgotten."""
        key = (carrier, fc_id, same_day, t.arrives)
        taken = self._scanned.get(key)
        if taken is None:
            if len(self._scanned) > 4096:
                self._scanned = {k: v for k, v in self._scanned.items() if k[3] >= now - 86400.0}
            taken = self._scanned[key] = set()
        return taken
