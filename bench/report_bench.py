"""The run report's cost against the pass that writes summary.json, over the same logs in the
same process: CPU time of each, and the report tally's peak memory (tracemalloc).

    python -m bench.report_bench RUN_DIR      # a `parcel-sandbox run --out` directory
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from parcel_sandbox.report.run_report import read_summary, render, tally_run
from sim.summary import summarize


def _cpu(fn: Any) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(3):  # best of three: the machine is shared
        started = time.process_time()
        out = fn()
        best = min(best, time.process_time() - started)
    return best, out


def run_report_bench(run: Path) -> dict[str, Any]:
    summary_s, _ = _cpu(lambda: summarize(run / "events.jsonl", run / "truth.jsonl"))
    tally_s, result = _cpu(lambda: tally_run(run))
    render_s, page = _cpu(lambda: render(read_summary(run / "summary.json"), result))
    tracemalloc.start()
    tally_run(run)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    logs = sum((run / name).stat().st_size for name in ("events.jsonl", "truth.jsonl"))
    return {
        "run": run.name,
        "parcels": result["parcels"],
        "events": result["events"],
        "logs_mb": round(logs / 1e6, 1),
        "summary_cpu_s": round(summary_s, 3),
        "tally_cpu_s": round(tally_s, 3),
        "tally_over_summary": round(tally_s / summary_s, 3),
        "render_cpu_s": round(render_s, 3),
        "tally_peak_mb": round(peak / 1e6, 2),
        "page_mb": round(len(page.encode()) / 1e6, 2),
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(run_report_bench(Path(sys.argv[1])), indent=2))
