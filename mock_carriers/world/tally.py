"""The world's running totals at the effective clock, kept incrementally: what the UI's KPIs, map
density and live feed show (``GET /_sandbox/summary``, its SSE stream, ``GET /_sandbox/feed``).

Nothing here scans the parcels. The pump hands every new event (``Sandbox.listeners``) and every
finished parcel (``Sandbox.finish_listeners``) over as it ingests them; they wait in two heaps, by
the instant they become visible (an event) or final (a parcel: its last scan, as the truth API
counts it), and ``advance(now)`` consumes what the clock has passed — each event and each parcel
once, in the order the world shows them. The clock never goes back, so the totals only move
forward; a reset starts them over. ``advance`` runs on the tally's own thread (``start``) in small
slices that let go of the GIL, never on a request: a request only copies the totals.

A parcel's word (``sim.status``) is kept per tracking number until it is terminal, its place as a
density cell (its facility, or its door rounded to a tenth of a degree) until it leaves the network.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sim.events import EventCode, Fate, ParcelTruth, ScanEvent
from sim.status import TERMINAL, Status, status_of

log = logging.getLogger("parcel_sandbox.ui")

#: How many recent visible events the live feed keeps.
FEED_SIZE = 1000
#: Events consumed between two releases of the GIL (a slice costs a few milliseconds).
SLICE = 500
#: Wall seconds between two passes of the tally's thread.
TICK_S = 0.2
#: Sandbox seconds a finished number's running state is kept (its late-visible scans still find it),
#: then forgotten: memory holds the numbers in flight and those finished in the last two days.
FORGET_AFTER_S = 2 * 86400.0
#: Density cells sent to the map at most (the busiest).
MAX_CELLS = 400


def _epoch(instant: str) -> float:
    return datetime.fromisoformat(instant).timestamp()


@dataclass(slots=True)
class _Parcel:
    """One tracking number's running state: its word, whether a return began, its newest scan's
    instant and whether an attempt was made then (a reschedule at the same instant reads as the
    attempt, ``sim.status.current_status``), its density cell."""

    status: Status | None = None
    returning: bool = False
    last_at: str = ""
    attempt_at_last: bool = False
    cell: str | None = None


def cell_of(event: ScanEvent) -> tuple[str, float, float] | None:
    """The density cell of a scan: its facility, or its door rounded to 0.1° (None: no place)."""
    loc = event.location
    if loc.facility_id:
        return loc.facility_id, loc.lat, loc.lon
    if loc.lat or loc.lon:
        lat, lon = round(loc.lat, 1), round(loc.lon, 1)
        return f"{lat:.1f},{lon:.1f}", lat, lon
    return None


# Enum members bound once: reading one off its class is a descriptor call per access (Python 3.11).
_ATTEMPTED, _RESCHEDULED, _RETURN = (
    EventCode.DELIVERY_ATTEMPTED,
    EventCode.DELIVERY_RESCHEDULED,
    EventCode.RETURN_TO_SENDER,
)
_TERMINAL_OR_LOST = frozenset({*TERMINAL, Status.LOST})


def read_event(state: _Parcel, event: ScanEvent) -> Status:
    """The word a carrier shows once ``event`` is its newest visible scan (updates ``state``)."""
    if event.occurred_at != state.last_at:
        state.last_at, state.attempt_at_last = event.occurred_at, False
    code = event.code
    if code is _ATTEMPTED:
        state.attempt_at_last = True
    word = status_of(code, event.reason, state.returning)
    if code is _RESCHEDULED and state.attempt_at_last:
        word = Status.FAILED_ATTEMPT
    if code is _RETURN:
        state.returning = True
    return word


def final_at(last_scan: float, truth: ParcelTruth) -> float:
    """When a finished parcel's story is over, as the truth API says ``final``: its last scan,
    delivery, return or loss, whichever is latest."""
    marks = [truth.delivered_at, truth.returned_at, (truth.lost_at or {}).get("at")]
    return max([last_scan, *(_epoch(str(m)) for m in marks if m)])


def on_time(truth: ParcelTruth) -> bool | None:
    """Delivered by its promise (None: never delivered) — ``sim.summary``'s on-time rule."""
    if not truth.delivered_at or truth.fate not in (Fate.DELIVERED, Fate.MISDELIVERED):
        return None
    return _epoch(truth.delivered_at) <= _epoch(truth.promised_by)


class Tally:
    """Running totals of one sandbox (see the module's docstring)."""

    def __init__(self, now: Callable[[], float | None]) -> None:
        """``now``: the effective clock (epoch seconds), None once the world is gone (the thread
        then stops)."""
        self._now = now
        self._lock = threading.Lock()
        self._arrivals = itertools.count()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.resets = -1  # reset() makes it 0
        self.reset()

    # --- from the pump ------------------------------------------------------------------------------

    def on_events(self, events: list[ScanEvent], visible: list[float] | None = None) -> None:
        """New events (``visible``: their ``visible_at`` as epochs, when the pump has them)."""
        epochs = visible if visible is not None else [_epoch(e.visible_at) for e in events]
        with self._lock:
            heap, arrivals = self._events, self._arrivals
            for e, at in zip(events, epochs, strict=True):
                heapq.heappush(heap, (at, next(arrivals), e))

    def on_finished(self, finished: list[tuple[str, float | None, ParcelTruth | None]]) -> None:
        """(tracking number, the instant it finished, its final truth) of each finished record; a
        partner's number is the same parcel and counts once, under its first label."""
        with self._lock:
            for tn, at, truth in finished:
                if at is None:
                    continue
                first = truth if truth is not None and truth.tracking_number == tn else None
                end = final_at(at, truth) if truth is not None else at
                heapq.heappush(self._finished, (end, next(self._arrivals), tn, first))

    def reset(self) -> None:
        with self._lock:
            self.resets += 1
            self._events: list[tuple[float, int, ScanEvent]] = []
            self._finished: list[tuple[float, int, str, ParcelTruth | None]] = []
            self._forget: deque[tuple[float, str]] = deque()
            self._parcels: dict[str, _Parcel] = {}
            self.statuses: Counter[str] = Counter()
            self.carriers: Counter[str] = Counter()
            self.fates: Counter[str] = Counter()
            self.on_time: Counter[str] = Counter()  # "on_time", "late"
            self.delays: dict[str, list[float]] = {}  # cause -> [parcels, hours]
            self.cells: Counter[str] = Counter()
            self.places: dict[str, tuple[float, float]] = {}
            self.feed: deque[tuple[int, ScanEvent]] = deque(maxlen=FEED_SIZE)
            self.feed_seq = 0
            self.events_seen = 0
            self.version = 0
            self.as_of = float("-inf")

    # --- consuming what the clock has passed --------------------------------------------------------

    def advance(self, now: float) -> int:
        """Consume every event visible and every parcel final at ``now``, a slice at a time (the
        lock is let go between slices: the pump and readers never wait long). Returns how many."""
        done = 0
        resets = self.resets
        while True:
            with self._lock:
                if self.resets != resets:  # the world started over: ``now`` was the old world's
                    return done
                n = self._slice(now)
                if n == 0:
                    if now > self.as_of:
                        self.as_of = now
                    return done
                done += n
                self.version += 1
            time.sleep(0)  # let the event loop's thread have the GIL between slices

    def _slice(self, now: float) -> int:
        n = 0
        events, finished = self._events, self._finished
        while events and events[0][0] <= now and n < SLICE:
            self._see(heapq.heappop(events)[2])
            n += 1
        while finished and finished[0][0] < now and n < SLICE:  # final strictly after, as the truth API
            at, _, tn, truth = heapq.heappop(finished)
            if truth is not None:
                self._final(truth)
            self._forget.append((at + FORGET_AFTER_S, tn))
            n += 1
        forget = self._forget
        while forget and forget[0][0] <= now and n < SLICE:
            self._drop(forget.popleft()[1])
            n += 1
        return n

    def _drop(self, tn: str) -> None:
        """Forget a finished number's running state (its word stays counted)."""
        state = self._parcels.pop(tn, None)
        if state is not None:
            self._leave(state)

    def _leave(self, state: _Parcel) -> None:
        if state.cell is not None:
            self.cells[state.cell] -= 1
            if not self.cells[state.cell]:
                del self.cells[state.cell]
            state.cell = None

    def _see(self, event: ScanEvent) -> None:
        tn = event.tracking_number
        state = self._parcels.get(tn)
        if state is None:
            state = self._parcels[tn] = _Parcel()
            self.carriers[event.carrier] += 1
        if state.status is not None:
            self.statuses[state.status.value] -= 1
        word = read_event(state, event)
        state.status = word
        self.statuses[word.value] += 1
        self._leave(state)
        if word not in _TERMINAL_OR_LOST:  # still in the network: on the map
            cell = cell_of(event)
            if cell is not None:
                state.cell = cell[0]
                self.cells[cell[0]] += 1
                self.places.setdefault(cell[0], (cell[1], cell[2]))
        self.events_seen += 1
        self.feed_seq += 1
        self.feed.append((self.feed_seq, event))

    def _final(self, truth: ParcelTruth) -> None:
        self.fates[truth.fate.value] += 1
        ok = on_time(truth)
        if ok is not None:
            self.on_time["on_time" if ok else "late"] += 1
        for cause in {d.cause.value for d in truth.delays}:
            self.delays.setdefault(cause, [0, 0.0])[0] += 1
        for d in truth.delays:
            self.delays.setdefault(d.cause.value, [0, 0.0])[1] += d.minutes / 60.0

    # --- reads (copies, under the lock for a moment) ------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            late, good = self.on_time["late"], self.on_time["on_time"]
            busiest = self.cells.most_common(MAX_CELLS)
            return {
                "version": self.version,
                "events": self.events_seen,
                "numbers": {
                    "total": sum(self.carriers.values()),
                    "by_status": {k: v for k, v in sorted(self.statuses.items()) if v},
                    "by_carrier": dict(sorted(self.carriers.items())),
                },
                "parcels": {
                    "final": sum(self.fates.values()),
                    "by_fate": dict(sorted(self.fates.items())),
                    "delivered": good + late,
                    "on_time": good,
                    "on_time_rate": round(good / (good + late), 4) if good + late else None,
                },
                "delays": {
                    cause: {"parcels": int(n), "hours": round(hours, 1)}
                    for cause, (n, hours) in sorted(self.delays.items())
                },
                "density": [
                    {"cell": cell, "lat": self.places[cell][0], "lon": self.places[cell][1], "parcels": n}
                    for cell, n in busiest
                ],
            }

    def recent(
        self, after: int, keep: Callable[[ScanEvent], bool], limit: int
    ) -> list[tuple[int, ScanEvent]]:
        """The newest visible events after feed position ``after`` that ``keep`` accepts, oldest
        first, at most ``limit``."""
        with self._lock:
            items = [(seq, e) for seq, e in self.feed if seq > after]
        picked = [(seq, e) for seq, e in items if keep(e)]
        return picked[-limit:]

    # --- the tally's thread -------------------------------------------------------------------------

    def start(self) -> None:
        """Run ``advance`` every ``TICK_S`` on a daemon thread (idempotent; again after ``stop``)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and not self._stop.is_set():
                return
            stop = self._stop = threading.Event()
            self._thread = threading.Thread(target=self._loop, args=(stop,), name="ui-tally", daemon=True)
            thread = self._thread
        thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self, stop: threading.Event) -> None:
        while not stop.wait(TICK_S):
            try:
                now = self._now()
                if now is None:
                    return
                self.advance(now)
            except Exception:  # a bad event must not stop the totals for good; the next tick retries
                log.exception("tally failed")
