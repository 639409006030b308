"""When a shared world's event stream may be trimmed (``XTRIM … MINID``), and how far.

The stream (``redis_feed``) is what every API worker's replica is built from — including a worker
that joins, or restarts after ``kill -9``, later: it reads the stream from its first entry. So an
entry may go only once no consumer needs it:

- every parcel with an event in it has **expired** (its carrier's retention is over) at the clock
  of the slowest live worker — a trimmed parcel is one no worker shows any more; since a prefix is
  trimmed, the cut is the entry where the oldest parcel still shown was born (its first scan);
- and every live worker's replica has **read** past it (a replica that lags never loses an entry
  it has not read).

A parcel born before the cut may still have later scans after it (it expired, but its story
ended after the birth of the oldest parcel still shown): a replica that starts from a trimmed
stream skips the scans of a number whose first scan (``seq == 1``) it never saw — the store's
``skip_unborn`` — and takes each entry's parcel count (``ord_base``) so its numbering (the
``/_sandbox/parcels`` cursor) is the same as that of a worker that read everything.

``TrimPlan`` is the bookkeeping, fed with each entry as it is appended (or, for an engine that
took over, as it reads the stream once); it never touches Redis.
"""

from __future__ import annotations

import heapq
import zlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import orjson
import redis

#: Wall seconds between two trims of a generation's stream.
TRIM_EVERY_S = 10.0

#: (carrier, born epoch, finished epoch) -> the epoch its retention ends, or None (never).
Expiry = Callable[[str, float, float], float | None]


def entry_key(entry_id: str) -> tuple[int, int]:
    """A stream entry id (``ms-seq``) as a sortable pair."""
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


def _epoch(instant: str) -> float:
    return datetime.fromisoformat(instant).timestamp()


def numbers(truth: dict[str, Any]) -> list[str]:
    """A finished parcel's numbers: its own, and its partner's after a hand-over."""
    partner = (truth.get("partner") or {}).get("tracking_number")
    return [truth["tracking_number"], *([partner] if partner else [])]


class TrimPlan:
    def __init__(self, expiry: Expiry) -> None:
        self._expiry = expiry
        #: Number -> the entry of its first scan, in birth order, while it may still be shown.
        self._births: dict[str, str] = {}
        #: Number -> (carrier, born, last scan) while its story is open.
        self._open: dict[str, tuple[str, float, float]] = {}
        self._expiring: list[tuple[float, str]] = []

    def see(
        self,
        entry_id: str,
        scans: Iterable[tuple[str, int, str, str]],
        finished: Iterable[str],
    ) -> None:
        """One entry: its scans as (number, seq, carrier, occurred_at), and the numbers whose story
        it ends (a partner's number too)."""
        births, open_ = self._births, self._open
        for tn, seq, carrier, occurred in scans:
            at = _epoch(occurred)
            if seq == 1:
                births.setdefault(tn, entry_id)
                open_[tn] = (carrier, at, at)
            elif tn in open_:
                carrier, born, _ = open_[tn]
                open_[tn] = (carrier, born, at)
        for tn in finished:
            story = open_.pop(tn, None)
            if story is None:
                continue
            carrier, born, last = story
            expires = self._expiry(carrier, born, last)
            if expires is None:
                continue  # kept for ever: its birth entry never goes
            heapq.heappush(self._expiring, (expires, tn))

    def cut(self, clock: float) -> str | None:
        """The first entry still needed at ``clock`` (every earlier one may go), None if nothing
        was seen; parcels expired by ``clock`` are forgotten."""
        expiring, births = self._expiring, self._births
        while expiring and expiring[0][0] <= clock:
            _, tn = heapq.heappop(expiring)
            births.pop(tn, None)
        return next(iter(births.values()), None)

    def __len__(self) -> int:
        return len(self._births)


def trim_point(cut: str | None, read: Iterable[str | None], last_appended: str | None) -> str | None:
    """The MINID to trim to: the plan's cut, no further than any live replica has read (a replica
    that has read nothing yet holds it back entirely); None: nothing to trim."""
    if cut is None or last_appended is None:
        return None
    point = entry_key(cut)
    for position in read:
        if position is None:
            return None
        # a replica that has read entry X still needs nothing before X's successor
        point = min(point, (entry_key(position)[0], entry_key(position)[1] + 1))
    if point <= (0, 0):
        return None
    return f"{point[0]}-{point[1]}"


def read_plan(client: redis.Redis, feed: str, expiry: Expiry) -> tuple[TrimPlan, str | None]:
    """The bookkeeping of what a stream holds, read once (an engine that takes over), and the id
    of its last entry. Reads each entry's scans without building events."""
    plan = TrimPlan(expiry)
    last: str | None = None
    after = "-"
    while True:
        entries = client.xrange(feed, min=after, max="+", count=64)
        for entry_id, fields in entries:
            data = orjson.loads(zlib.decompress(fields[b"b"]))
            scans = [(e["tracking_number"], e["seq"], e["carrier"], e["occurred_at"]) for e in data["e"]]
            last = entry_id.decode()
            plan.see(last, scans, [n for t in data["f"] for n in numbers(t)])
        if len(entries) < 64:
            return plan, last
        after = "(" + entries[-1][0].decode()
