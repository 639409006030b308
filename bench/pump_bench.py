"""The API process's share of a clock move (issue 10): what the pump costs the process that serves.

A ``Sandbox`` of the baseline with the engine in its own process (as ``serve`` runs it) and the
app around it (webhook hub and the UI's tally listening, the tally's thread running), in this
process; then ``advance 7d`` and wait until the world is there. Measured in this process only (the
engine's process is another one):

- CPU seconds of this process per 1,000 events ingested, and of each thread (``/proc/self/task``:
  the pump, the tally, the rest) — CPU time, so it holds on a shared machine;
- the longest GIL hold as a probe thread sees it: it sleeps 1 ms in a loop and records how late it
  wakes (max, p99, p99.9 of the overshoot). Any thread holding the GIL delays the probe as it would
  delay a request. Wall time: read it on a quiet machine.

``python -m bench.pump_bench [days]`` prints one JSON line.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

#: The probe's sleep (s); its overshoot is what a thread waiting for the GIL waits.
PROBE_SLEEP_S = 0.001


class GcPauses:
    """The collector's pauses in this process, by generation, while it is installed: wall ms and
    CPU ms of the collecting thread (on a shared machine the wall time includes the waits for a
    core; the CPU time is the collection's own cost)."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}
        self._started = (0.0, 0.0)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
        else:
            wall, cpu = self._started
            self.pauses[info["generation"]].append(
                ((time.perf_counter() - wall) * 1000.0, (time.thread_time() - cpu) * 1000.0)
            )

    def install(self) -> None:
        gc.callbacks.append(self._callback)

    def remove(self) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for g, pauses in self.pauses.items():
            walls = [w for w, _ in pauses]
            cpus = [c for _, c in pauses]
            out[f"gen{g}"] = {
                "n": len(pauses),
                "max_ms": round(max(walls, default=0.0), 2),
                "max_cpu_ms": round(max(cpus, default=0.0), 2),
                "cpu_ms": round(sum(cpus), 1),
            }
        return out


class Probe:
    """A thread that sleeps ``PROBE_SLEEP_S`` in a loop and records how late it woke (ms)."""

    def __init__(self) -> None:
        self.late_ms: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gil-probe", daemon=True)
        self.cpu_s = 0.0

    def _run(self) -> None:
        late = self.late_ms
        clock = time.perf_counter
        while not self._stop.is_set():
            t = clock()
            time.sleep(PROBE_SLEEP_S)
            late.append((clock() - t - PROBE_SLEEP_S) * 1000.0)
        self.cpu_s = time.thread_time()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        return overshoot_summary(self.late_ms)


def overshoot_summary(late_ms: list[float]) -> dict[str, float]:
    """Max, p99 and p99.9 of the probe's overshoots (ms); zeros without samples."""
    if not late_ms:
        return {"samples": 0, "max_ms": 0.0, "p99_ms": 0.0, "p999_ms": 0.0}
    ordered = sorted(late_ms)

    def q(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

    return {"samples": len(ordered), "max_ms": round(ordered[-1], 2), "p99_ms": q(0.99), "p999_ms": q(0.999)}


def thread_cpu() -> dict[int, float]:
    """CPU seconds (user + system) of each thread of this process, by native thread id."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[int(task.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(days: float = 7.0, scenario_name: str = "baseline", settle: bool = True) -> dict[str, Any]:
    """``settle``: the collector as ``serve`` sets it once it is up (``mock_carriers.world.collector``);
    False: the interpreter's default."""
    from mock_carriers.app import create_app
    from mock_carriers.world.sandbox import Sandbox
    from parcel_sandbox.schema import load_scenario

    scenario, _ = load_scenario(scenario_name)
    sandbox = Sandbox(scenario, runner="process")
    app = create_app(sandbox=sandbox)
    tally = app.state.tally
    tally.start()
    thresholds = gc.get_threshold()
    try:
        sandbox.sync()  # the engine's process is up and the world at its start
        if settle:
            from mock_carriers.world import collector

            collector.settle()
        ingested = [0]

        def count(events: list[Any], visible: Any = None) -> None:
            ingested[0] += len(events)

        sandbox.listeners.append(count)
        probe = Probe()
        collector = GcPauses()
        collector.install()
        threads0 = thread_cpu()
        cpu0 = process_cpu()
        probe.start()
        wall0 = time.monotonic()
        sandbox.clock.advance(timedelta(days=days).total_seconds())
        if not sandbox.settled(3600):
            raise RuntimeError(f"the engine did not reach the clock: {sandbox.engine_report()}")
        wall = time.monotonic() - wall0
        probe.stop()
        collector.remove()
        cpu = process_cpu() - cpu0 - probe.cpu_s
        threads1 = thread_cpu()
        events = ingested[0]
        names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
        by_thread: dict[str, float] = {}
        for tid, seconds in threads1.items():
            name = names.get(tid, "other")
            if name == "gil-probe":
                continue
            name = "engine-pump" if name.startswith("engine-pump") else name
            by_thread[name] = round(by_thread.get(name, 0.0) + seconds - threads0.get(tid, 0.0), 3)
    finally:
        tally.stop()
        sandbox.close()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    return {
        "bench": "pump",
        "scenario": scenario_name,
        "days": days,
        "collector": "settled" if settle else "default",
        "events": events,
        "wall_s": round(wall, 1),
        "api_cpu_s": round(cpu, 3),
        "api_cpu_s_per_1000_events": round(1000 * cpu / max(events, 1), 4),
        "cpu_s_by_thread": dict(sorted(by_thread.items(), key=lambda kv: -kv[1])),
        "pump_cpu_s_per_1000_events": round(1000 * by_thread.get("engine-pump", 0.0) / max(events, 1), 4),
        "gil_probe": probe.summary(),
        "gc_pauses": collector.summary(),
    }


def main(argv: list[str]) -> int:
    days = float(argv[0]) if argv else 7.0
    for settle in (False, True):
        print(json.dumps(run(days, settle=settle)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
