"""The cyclic garbage collector of a serving process (``serve``'s API process).

Measured (``python -m bench.pump_bench``, docs/benchmarks.md): with the interpreter's default
collector, a 7-day clock move on the baseline made the API process run six full collections of
its heap — up to ~1 s each on the shared machine — and a full collection holds the GIL: every
request waits for it. Nearly everything the collector scans never becomes cyclic garbage: what
startup built (the app, the network, the registry's tables) lives as long as the process, and the
store's scans, records and truths are freed by reference counting when they leave memory.

``settle()`` is called once, when the process is ready to serve: it collects once and moves every
object startup made into the permanent generation (``gc.freeze``: never scanned again). Then the
young generation is collected every ``YOUNG_THRESHOLD`` net allocations (700 by default) and a full
collection needs ``OLD_THRESHOLD`` middle ones since the last (10 by default), so a clock move's
growth of the store makes short young and middle collections (at most ~3 and ~21 ms of CPU during
a week's move on the shared machine, against 11 and 63 ms with 10,000 and 10) and no full one.
Cyclic garbage is still collected: young cycles by the young collections, old ones by the rare
full ones.
"""

from __future__ import annotations

import gc

#: Net allocations of container objects between two young collections in a serving process.
YOUNG_THRESHOLD = 2_000
#: Middle-generation collections between two full ones (at the least).
OLD_THRESHOLD = 100


def settle() -> tuple[int, int, int]:
    """Freeze what startup built and raise the young threshold; returns the thresholds before."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    if before[0]:  # 0: the collector is off; leave it off
        gc.set_threshold(max(before[0], YOUNG_THRESHOLD), before[1], max(before[2], OLD_THRESHOLD))
    return before
