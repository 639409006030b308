"""The lag an aggregator adds: when an event the carrier already shows reaches Ship24.

Ship24 does not get scans from the carriers' systems: it polls each shipment's courier and shows
what the poll found once it has processed it. Carrier → aggregator visibility lag is 10–30 min
for the first appearance and 0–2 h for updates; Shippo polls "about every 2 h" [shared research
realism.md §2 "Aggregator polling", §9 "Carrier→aggregator visibility lag"]. So:

- each shipment is polled every ``poll_interval(number)`` seconds (log-uniform over
  ``POLL_MIN``–``POLL_MAX``) from its own phase;
- an event is found by the first poll at or after the carrier shows it (``visible_at``);
- what one poll found appears ``processing`` seconds later (``PROCESS_MIN``–``PROCESS_MAX``),
  all of it at once — events found together appear together, in order.

Every draw is a hash of the tracking number (and the poll's index): the same world gives the same
lags on every run, with no clock or random state involved. A tracker's creation fetches the
shipment synchronously ("try to return tracking results synchronously" [SPEC
create-tracker-and-get-tracking-results]): what the carrier showed at creation is there at once.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from sim.events import ScanEvent

#: Seconds between two polls of one shipment: from 20 min to 2 h.
POLL_MIN = 20 * 60
POLL_MAX = 2 * 3600
#: Seconds from a poll to its results being served.
PROCESS_MIN = 30
PROCESS_MAX = 5 * 60


def unit(*parts: object) -> float:
    """A uniform draw in [0, 1) named by ``parts``."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def poll_interval(number: str) -> float:
    lo, hi = math.log(POLL_MIN), math.log(POLL_MAX)
    return math.exp(lo + (hi - lo) * unit("ship24-poll-interval", number))


def poll_phase(number: str) -> float:
    return unit("ship24-poll-phase", number) * poll_interval(number)


def next_poll(number: str, at: float) -> tuple[int, float]:
    """The index and instant (epoch seconds) of the shipment's first poll at or after ``at``."""
    interval, phase = poll_interval(number), poll_phase(number)
    k = math.ceil((at - phase) / interval)
    return k, phase + k * interval


def processing(number: str, poll: int) -> float:
    return PROCESS_MIN + (PROCESS_MAX - PROCESS_MIN) * unit("ship24-processing", number, poll)


def seen_at(event: ScanEvent) -> float:
    """When Ship24 shows ``event`` (epoch seconds), found by polling its own number."""
    k, polled = next_poll(event.tracking_number, datetime.fromisoformat(event.visible_at).timestamp())
    return polled + processing(event.tracking_number, k)


def shown(event: ScanEvent, now: float, fetched_at: float | None = None) -> bool:
    """Whether Ship24 shows ``event`` at ``now``: found by a poll, or already visible at the
    carrier when the tracker first fetched the shipment (``fetched_at``)."""
    if seen_at(event) <= now:
        return True
    return fetched_at is not None and datetime.fromisoformat(event.visible_at).timestamp() <= fetched_at
