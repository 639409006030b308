"""Simulation throughput: the baseline world at N× volume vs a bare SimPy loop making as many events.

Each measurement runs in its own process so its peak RSS is its own. Memory "flat in delivered
parcels" is shown by running the same rate for one week and for two: twice the delivered parcels,
about the same peak memory (only parcels in flight are held).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_world(volume: float, days: int) -> dict[str, Any]:
    """Run the shipped baseline at ``volume``× demand for ``days`` days, events to /dev/null."""
    from sim.collector import fewer_collections
    from sim.engine import Engine
    from sim.scenario import load_scenario

    scenario, _ = load_scenario("baseline")
    demand = scenario.demand.model_copy(update={"parcels_per_day": scenario.demand.parcels_per_day * volume})
    scenario = scenario.model_copy(update={"demand": demand, "duration": days * 86400.0})
    t0 = time.perf_counter()
    engine = Engine(scenario)
    setup = time.perf_counter() - t0
    events = truths = 0
    samples: list[tuple[int, float]] = []  # (parcels finished so far, current RSS MB)
    # the collector raised as a world's steps hold it, not switched off as a batch run does
    # (sim.collector): bare SimPy collects at the default, and the ratio stays like for like
    with open(os.devnull, "w", encoding="utf-8") as sink, fewer_collections():
        t1, cpu1 = time.perf_counter(), time.process_time()
        for evs, done in engine.run():
            for e in evs:
                sink.write(e.to_json())
            for t in done:
                sink.write(t.to_json())
            events += len(evs)
            truths += len(done)
            samples.append((truths, _current_rss_mb()))
        elapsed = time.perf_counter() - t1
        cpu = time.process_time() - cpu1
    # memory while a quarter, half and all of the parcels have finished: flat if only those in
    # flight are held
    marks = {}
    for share in (0.25, 0.5, 1.0):
        target = share * truths
        marks[f"rss_mb_at_{int(share * 100)}pct_finished"] = next(
            (round(rss, 1) for done, rss in samples if done >= target), round(samples[-1][1], 1)
        )
    return {
        "kind": "world",
        "volume": volume,
        "days": days,
        "parcels": engine.parcels_created,
        "events": events,
        "truths": truths,
        "seconds": round(elapsed, 2),
        "cpu_s": round(cpu, 2),
        "setup_s": round(setup, 2),
        "parcels_per_s": round(engine.parcels_created / elapsed),
        "events_per_s": round(events / elapsed),
        "events_per_cpu_s": round(events / cpu),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        **marks,
    }


DAY_SCENARIO = Path(__file__).parent / "scenarios" / "national_day.yaml"


def run_day(scale: float = 1.0, scenario_file: Path = DAY_SCENARIO) -> dict[str, Any]:
    """A national network's day (``bench/scenarios/national_day.yaml``: 1 M parcels ordered on one
    day, then the drain), events serialised to /dev/null as ``run_world`` does. CPU seconds (the
    box is shared: wall time is reported but not the measure) and resident memory with 25 / 50 /
    100 % of the parcels finished. ``scale`` shrinks the demand, for a quick look."""
    from sim.collector import fewer_collections
    from sim.engine import Engine
    from sim.scenario import load_scenario

    scenario, _ = load_scenario(scenario_file)
    if scale != 1.0:
        per_day = scenario.demand.parcels_per_day * scale
        demand = scenario.demand.model_copy(update={"parcels_per_day": per_day})
        scenario = scenario.model_copy(update={"demand": demand})
    cpu0, wall0 = time.process_time(), time.perf_counter()
    engine = Engine(scenario)
    events = truths = 0
    samples: list[tuple[int, float, float]] = []  # (parcels finished, RSS MB, CPU s)
    with open(os.devnull, "w", encoding="utf-8") as sink, fewer_collections(batch=True):
        for evs, done in engine.run():
            for e in evs:
                sink.write(e.to_json())
            for t in done:
                sink.write(t.to_json())
            events += len(evs)
            truths += len(done)
            samples.append((truths, _current_rss_mb(), time.process_time() - cpu0))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    marks: dict[str, float] = {}
    for share in (0.25, 0.5, 1.0):
        done, rss, at = next(((d, r, c) for d, r, c in samples if d >= share * truths), samples[-1])
        marks[f"rss_mb_at_{int(share * 100)}pct_finished"] = round(rss, 1)
        marks[f"cpu_s_at_{int(share * 100)}pct_finished"] = round(at, 1)
    return {
        "kind": "day",
        "scenario": scenario.name,
        "scale": scale,
        "parcels": engine.parcels_created,
        "events": events,
        "truths": truths,
        "cpu_s": round(cpu, 1),
        "wall_s": round(wall, 1),
        "parcels_per_cpu_s": round(engine.parcels_created / cpu),
        "events_per_cpu_s": round(events / cpu),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        **marks,
    }


def run_bare_simpy(n_events: int, per_process: int = 11) -> dict[str, Any]:
    """The floor of any SimPy model: processes that only wait and record a tuple per event."""
    import simpy

    env = simpy.Environment()
    out: list[tuple[float, int, int]] = []

    def parcel(env: simpy.Environment, i: int):
        for k in range(per_process):
            yield env.timeout(3600.0 + (i * 7 + k * 13) % 600)
            out.append((env.now, i, k))
        if len(out) > 50_000:
            out.clear()

    def source(env: simpy.Environment, n: int):
        for i in range(n):
            env.process(parcel(env, i))
            yield env.timeout(1.0)

    t0, cpu0 = time.perf_counter(), time.process_time()
    env.process(source(env, n_events // per_process))
    env.run()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return {
        "kind": "bare_simpy",
        "events": n_events,
        "seconds": round(elapsed, 2),
        "cpu_s": round(cpu, 2),
        "events_per_s": round(n_events / elapsed),
        "events_per_cpu_s": round(n_events / cpu),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def in_subprocess(fn: str, *args: Any) -> dict[str, Any]:
    code = f"import json,sys; from bench.sim_bench import {fn}; print(json.dumps({fn}(*{args!r})))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])
