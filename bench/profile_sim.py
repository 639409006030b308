"""Where a simulation's time goes: a shipped scenario run through the CLI under cProfile, and what
SimPy's scheduler does per parcel.

    .venv/bin/python -m bench.profile_sim [SCENARIO] [--top 25] [--save FILE.prof]

Two runs of the same world. The first under cProfile, timed in CPU seconds (other processes on
the machine do not inflate it): the top functions by cumulative and by self time. The second
without the profiler, counting every event the scheduler is handed, by kind, and charging each
timeout to the process step that waits on it. ``docs/profile-sim.md`` records the figures.
cProfile more than quadruples the run time; read the shares, not the seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from types import FrameType
from typing import Any

import simpy

from parcel_sandbox.cli import main as cli_main

Key = tuple[str, int, str]
_SIM_DIRS = ("/sim/processes/", "/sim/world.py")


def run(scenario: str, out: Path) -> dict[str, Any]:
    with open(os.devnull, "w", encoding="utf-8") as quiet, redirect_stdout(quiet):  # the CLI's table
        code = cli_main(["run", scenario, "--out", str(out), "--quiet"])
    if code != 0:
        raise SystemExit(f"parcel-sandbox run {scenario} failed with exit code {code}")
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def profile(scenario: str) -> tuple[pstats.Stats, dict[str, Any]]:
    prof = cProfile.Profile(time.process_time)
    with tempfile.TemporaryDirectory() as tmp:
        prof.enable()
        summary = run(scenario, Path(tmp))
        prof.disable()
    return pstats.Stats(prof), summary


def _waiting_step(frame: FrameType | None) -> str:
    """The innermost process step (a function in sim/processes or World other than wait_until)."""
    while frame is not None:
        code = frame.f_code
        if code.co_filename.endswith(_SIM_DIRS) or any(d in code.co_filename for d in _SIM_DIRS):
            if code.co_name != "wait_until":
                return f"{Path(code.co_filename).stem}.{code.co_name}"
        frame = frame.f_back
    return "(outside the model)"


@contextmanager
def counting() -> Iterator[tuple[Counter[str], Counter[str]]]:
    """Count events handed to any SimPy environment, by kind; timeouts also by waiting step."""
    kinds: Counter[str] = Counter()
    timeouts: Counter[str] = Counter()
    original = simpy.Environment.schedule

    def schedule(self: simpy.Environment, event: simpy.Event, priority: int = 1, delay: float = 0) -> None:
        kind = type(event).__name__
        kinds[kind] += 1
        if kind == "Timeout":
            timeouts[_waiting_step(sys._getframe(1))] += 1
        original(self, event, priority, delay)

    simpy.Environment.schedule = schedule  # type: ignore[method-assign]
    try:
        yield kinds, timeouts
    finally:
        simpy.Environment.schedule = original  # type: ignore[method-assign]


def label(key: Key) -> str:
    path, line, name = key
    if path == "~":
        return name  # a builtin
    for marker, prefix in (("/sim/", "sim/"), ("/bench/", "bench/"), ("/site-packages/", "")):
        if marker in path:
            return f"{prefix}{path.split(marker, 1)[1]}:{line}({name})"
    return f"{path}:{line}({name})"


def top(stats: pstats.Stats, column: int, n: int) -> list[tuple[str, int, float, float, float]]:
    """(function, calls, self s, cumulative s, share) by self (column 2) or cumulative (3) time."""
    raw: dict[Key, tuple] = stats.stats  # type: ignore[attr-defined]
    total: float = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(raw.items(), key=lambda kv: kv[1][column], reverse=True)[:n]
    return [(label(k), v[1], v[2], v[3], v[column] / total) for k, v in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_sim", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default="baseline")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--save", type=Path, help="also write the raw profile (pstats format)")
    args = parser.parse_args(argv)

    stats, summary = profile(args.scenario)
    if args.save:
        stats.dump_stats(args.save)
    parcels, events = summary["parcels"], summary["events"]
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.scenario}: {parcels:,} parcels, {events:,} scan events; {total:.1f} s CPU under cProfile\n")
    for title, column in (("cumulative", 3), ("self", 2)):
        print(f"top {args.top} by {title} time")
        print(f"{'calls':>10} {'self s':>8} {'cum s':>8} {'share':>6}  function")
        for name, calls, tt, ct, share in top(stats, column, args.top):
            print(f"{calls:>10,} {tt:>8.2f} {ct:>8.2f} {share:>6.1%}  {name}")
        print()

    with tempfile.TemporaryDirectory() as tmp, counting() as (kinds, timeouts):
        t0 = time.process_time()
        again = run(args.scenario, Path(tmp))
        cpu = time.process_time() - t0
    assert again["events"] == events, "the counting run must be the same world"
    scheduled = sum(kinds.values())
    print(f"SimPy scheduler (a second run without the profiler: {cpu:.1f} s CPU with counting)")
    print(f"  {'events scheduled':<28} {scheduled:>10,}  {scheduled / parcels:6.2f} per parcel")
    for kind, n in kinds.most_common():
        print(f"  {kind:<28} {n:>10,}  {n / parcels:6.2f} per parcel")
    print(f"  {'scan events emitted':<28} {events:>10,}  {events / parcels:6.2f} per parcel")
    print("\ntimeouts by the process step that waits on them")
    for step, n in timeouts.most_common():
        print(f"  {n:>10,}  {n / parcels:5.2f} per parcel  {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
