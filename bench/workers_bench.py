"""``--workers 2`` against ``--workers 1`` on one shared world (``python -m bench workers``).

Starts a ``redis-server`` of its own (Debian's package) on a free port in a temporary folder, then
``parcel-sandbox serve baseline`` three times — embedded (no store), ``--store … --workers 1`` and
``--store … --workers 2`` (each on a database of its own, the engine a thread of the parent) — and
runs wrk against the same UPS and DHL tracking reads as ``bench wrk``, interleaved (every route on
every server once per round). Nothing is pinned: the point is what a second core buys, so the
servers and wrk share the machine's cores as a deployment would.

Two loads, both reported:
- ``plain``: one request at a time per connection (64 connections), as ``bench wrk``;
- ``pipelined``: ``PIPELINE`` requests back to back per connection (wrk's ``pipeline.lua``).
On a 2-core box wrk shares the cores it measures. Its own CPU per request (``c_w``) then caps what
two workers can show: with every core busy, two workers serve at most ``cores / (c_w + c_s)``
requests a second (``c_s`` the sandbox's CPU per request), whatever the sandbox does. The bench
measures both from ``/proc`` and reports that ceiling next to the plain ratio; pipelining cuts
``c_w`` several-fold, so the pipelined ratio shows what the second worker buys the sandbox.
Reported per load and route: medians of requests/s, p50, p99, CPU per request of the server tree
and of wrk, the ratio of two workers to one, the load generator's ceiling on it and the share of
that ceiling reached. A deep pipeline queues ``64 × PIPELINE`` requests on one worker: at 32 some
wait longer than wrk's 2 s timeout, which wrk counts as errors.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import http_wrk
from bench.http_wrk import Target, free_port, lua_script, prepare, stop, wait_port

ROUTES = ("ups", "dhl")
CPUS = os.cpu_count() or 1
ALL_CPUS = f"0-{CPUS - 1}"
PIPELINE = int(os.environ.get("BENCH_WORKERS_PIPELINE", "8"))
LOADS = {"plain": 1, "pipelined": PIPELINE}


def start_redis(directory: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory), "--save", ""],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_port(port)
    return proc, port


def load_ceiling(one_rps: float, load_us: float | None, server_us: float | None) -> float | None:
    """The most ``--workers 2`` can show over ``one_rps`` when the load generator (``load_us`` CPU
    µs a request) and the servers (``server_us``) share the machine's cores."""
    if not one_rps or not load_us or not server_us:
        return None
    return round(CPUS * 1e6 / (load_us + server_us) / one_rps, 3)


def run_workers_bench() -> dict[str, Any]:
    http_wrk.ensure_tools()
    http_wrk.SERVER_CPU = http_wrk.LOAD_CPU = ALL_CPUS  # no pinning (see the docstring)
    procs: list[subprocess.Popen] = []
    runs: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="parcel-sandbox-workers-") as tmp:
        directory = Path(tmp)
        try:
            redis_proc, redis_port = start_redis(directory)
            procs.append(redis_proc)
            store = f"redis://127.0.0.1:{redis_port}"
            servers: dict[str, tuple[str, ...]] = {
                "embedded": (),
                "workers1": ("--store", f"{store}/1", "--workers", "1", "--engine", "thread"),
                "workers2": ("--store", f"{store}/2", "--workers", "2", "--engine", "thread"),
            }
            ports: dict[str, int] = {}
            pids: dict[str, int] = {}
            for label, extra in servers.items():
                ports[label] = free_port()
                proc = http_wrk.start_sandbox(ports[label], extra)
                procs.append(proc)
                pids[label] = proc.pid
            targets: dict[str, dict[str, Target]] = {}
            scripts: dict[tuple[str, str, str], Path] = {}
            for label, port in ports.items():
                targets[label] = {t.name: t for t in prepare(f"http://127.0.0.1:{port}") if t.name in ROUTES}
                (directory / label).mkdir()
                for t in targets[label].values():
                    for load, depth in LOADS.items():
                        scripts[(load, label, t.name)] = lua_script(t, directory / label, depth)
            time.sleep(2.0)  # the engines settle at their look-ahead
            for _ in range(http_wrk.ROUNDS):
                for load in LOADS:
                    for route in ROUTES:
                        for label, port in ports.items():
                            t, script = targets[label][route], scripts[(load, label, route)]
                            http_wrk.wrk(port, t, script, http_wrk.WARMUP)
                            run = http_wrk.wrk(port, t, script, http_wrk.SECONDS, pid=pids[label])
                            runs.setdefault((load, route, label), []).append(run)
        finally:
            for proc in procs:
                stop(proc)
    return summarise(runs)


def _median(values: list[Any]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def summarise(runs: dict[tuple[str, str, str], list[dict[str, Any]]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "connections": http_wrk.CONNECTIONS,
        "seconds": http_wrk.SECONDS,
        "rounds": http_wrk.ROUNDS,
        "pipeline": PIPELINE,
        "cpus": CPUS,
    }
    for load in LOADS:
        per_load: dict[str, Any] = {}
        for route in ROUTES:
            summary: dict[str, Any] = {}
            for label in ("embedded", "workers1", "workers2"):
                got = runs.get((load, route, label), [])
                summary[label] = {
                    "rps_median": _median([r["rps"] for r in got]),
                    "p50_ms_median": _median([r["p50_ms"] for r in got]),
                    "p99_ms_median": _median([r["p99_ms"] for r in got]),
                    "server_cpu_us_per_req": _median([r["cpu_us_per_req"] for r in got]),
                    "wrk_cpu_us_per_req": _median([r["load_cpu_us_per_req"] for r in got]),
                    "errors": sum(r["errors"] for r in got),
                    "timeouts": sum(r.get("timeouts", 0) for r in got),  # of the errors
                    "runs": [r["rps"] for r in got],
                }
            one, two = summary["workers1"], summary["workers2"]
            ratio = two["rps_median"] / one["rps_median"] if one["rps_median"] and two["rps_median"] else None
            summary["workers2_vs_workers1"] = None if ratio is None else round(ratio, 3)
            ceiling = load_ceiling(
                one["rps_median"] or 0.0, two["wrk_cpu_us_per_req"], two["server_cpu_us_per_req"]
            )
            summary["load_generator_ceiling"] = ceiling
            # how much of what the box could show two workers do show
            summary["share_of_ceiling"] = round(ratio / ceiling, 3) if ratio and ceiling else None
            per_load[route] = summary
        out[load] = per_load
    return out


def run_feed_memory(days: int = 7) -> dict[str, Any]:
    """What a shared world costs Redis: the baseline simulated ``days`` days through the Redis feed
    (engine in its own process, as ``serve`` runs it), then the stream's size."""
    from datetime import timedelta

    from mock_carriers.world.sandbox import Sandbox
    from sim.scenario import load_scenario

    with tempfile.TemporaryDirectory(prefix="parcel-sandbox-feed-") as tmp:
        redis_proc, port = start_redis(Path(tmp))
        try:
            scenario, _ = load_scenario("baseline")
            sandbox = Sandbox(
                scenario, store=f"redis://127.0.0.1:{port}/0", runner="process", lookahead=timedelta(0)
            )
            publisher = sandbox.engine_publisher()
            publisher.start()
            started = time.perf_counter()
            sandbox.clock.advance(days * 86400)
            if not sandbox.settled(3600):
                raise RuntimeError("the engine did not reach the target in an hour")
            seconds = time.perf_counter() - started
            shared = sandbox.shared
            assert shared is not None
            keys = shared.gen(0)
            events = int(shared.client.hget(keys.meta, "count") or 0)
            stream = int(shared.client.memory_usage(keys.feed, samples=0) or 0)
            out = {
                "days": days,
                "events": events,
                "batches": int(shared.client.xlen(keys.feed)),
                "stream_mb": round(stream / 1e6, 1),
                "bytes_per_event": round(stream / events) if events else None,
                "redis_used_mb": round(int(shared.client.info("memory")["used_memory"]) / 1e6, 1),
                "worker_parcels_in_memory": len(sandbox.store),
                "seconds": round(seconds, 1),
            }
            publisher.stop()
            sandbox.close()
            return out
        finally:
            stop(redis_proc)


if __name__ == "__main__":
    import sys

    print(json.dumps(run_feed_memory() if "feed" in sys.argv[1:] else run_workers_bench(), indent=2))
