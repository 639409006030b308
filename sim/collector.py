"""The garbage collector while a world runs: far fewer young-generation collections.

A running world allocates millions of small objects that live for a while (parcels, scans, SimPy
events) and holds ~10^5 of them at benchmark volume. CPython's default (a young collection every
700 net allocations, a full one every 100 young ones, subject to the 25 % rule) then spends about
a quarter of a national day's CPU time traversing objects that are still alive (measured:
``docs/profile-sim.md``). While a world advances, the young generation's threshold is raised to
``YOUNG_THRESHOLD``: collections still run (the world makes reference cycles — generators, event
callbacks — that only the collector frees), just ~700× less often (100,000 was measured too: a
national day at a tenth spent 4.4 CPU s collecting at it, 1.3 s at 500,000, with the same resident
memory; ``docs/profile-sim.md``). Thresholds are process-wide,
so the first caller in sets them and the last one out puts back what it found.

``Engine.advance`` holds it for each step; a batch run's caller (``parcel-sandbox run``,
``sim.golden``, the benchmarks) holds it around its whole loop too, in a ``with`` block of its
own: between steps, writing the logs at the default threshold, the middle and full collections
that traverse every parcel in flight otherwise fall there (a fifth of a national day's CPU time;
``docs/profile-sim.md``). ``Engine.run`` itself does not hold it across its yields: a caller that
abandons the generator would leave the process's collector changed.

A batch run goes further (``fewer_collections(batch=True)``): no automatic collection at all
while it runs. The world's garbage is freed by reference counts — it makes no reference cycle per
parcel or per scan (a world's run leaves only its address lexicons' few hundred set-up objects to
the collector; ``tests/test_collector.py`` keeps it so) — so every collection only traverses live
parcels: a tenth of a national day's CPU at 0.3 M parcels (9.4 of 101.9 s), for no memory
(``docs/profile-sim.md``). A served world keeps collecting (it runs for days; a cycle a
client's code makes must not pile up).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 500_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections(batch: bool = False) -> Iterator[None]:
    """Run the body with the young generation collected every ``YOUNG_THRESHOLD`` allocations;
    ``batch``: not at all (a batch run's outermost caller: nothing else runs in its process)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            # 0: collection is off; leave it off (a threshold of 0 is how a batch turns it off)
            if _saved[0] and (batch or _saved[0] < YOUNG_THRESHOLD):
                gc.set_threshold(0 if batch else YOUNG_THRESHOLD, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
