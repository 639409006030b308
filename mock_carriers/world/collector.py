"""The cyclic garbage collector of a serving process (``serve``'s API process).

Measured (``python -m bench.pump_bench``, docs/benchmarks.md): with the interpreter's default
collector, a 7-day clock move on the baseline made the API process run six full collections of
its heap — up to ~1 s each on the shared machine — and a full collection holds the GIL: every
request waits for it. Nearly everything the collector scans never becomes cyclic garbage: what
startup built (the app, the network, the registry's tables) lives as long as the process, and the
store's scans, records and truths are freed by reference counting when they leave memory.

``settle()`` is called once, when the process is ready to serve: it collects once, moves every
object startup made into the permanent generation (``gc.freeze``: never scanned again), and
collects the young generation every ``YOUNG_THRESHOLD`` net allocations instead of 700, so a
clock move's growth of the store triggers tens of young collections (each a millisecond or two)
instead of hundreds, and full collections (at most one per ``YOUNG_THRESHOLD`` × 10 × 10 net
allocations) become rare. Cyclic garbage is still collected, only less often.
"""

from __future__ import annotations

import gc

#: Net allocations of container objects between two young collections in a serving process.
YOUNG_THRESHOLD = 10_000


def settle() -> tuple[int, int, int]:
    """Freeze what startup built and raise the young threshold; returns the thresholds before."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    if before[0]:  # 0: the collector is off; leave it off
        gc.set_threshold(max(before[0], YOUNG_THRESHOLD), *before[1:])
    return before
