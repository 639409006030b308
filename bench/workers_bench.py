"""``--workers 2`` against ``--workers 1`` on one shared world (``python -m bench workers``).

Starts a ``redis-server`` of its own (Debian's package) on a free port in a temporary folder, then
``parcel-sandbox serve baseline`` three times — embedded (no store), ``--store … --workers 1`` and
``--store … --workers 2`` (each on a database of its own, the engine a thread of the parent) — and
runs wrk against the same UPS and DHL tracking reads as ``bench wrk``, interleaved (every route on
every server once per round). Nothing is pinned: the point is what a second core buys, so the
servers and wrk share the machine's cores as a deployment would. Reported: medians of requests/s,
p50, p99, and the ratio of two workers to one.
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
ALL_CPUS = f"0-{(os.cpu_count() or 1) - 1}"


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


def run_workers_bench() -> dict[str, Any]:
    http_wrk.ensure_tools()
    http_wrk.SERVER_CPU = http_wrk.LOAD_CPU = ALL_CPUS  # no pinning (see the docstring)
    procs: list[subprocess.Popen] = []
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
            for label, extra in servers.items():
                ports[label] = free_port()
                procs.append(http_wrk.start_sandbox(ports[label], extra))
            targets: dict[str, dict[str, Target]] = {}
            scripts: dict[tuple[str, str], Path] = {}
            for label, port in ports.items():
                targets[label] = {t.name: t for t in prepare(f"http://127.0.0.1:{port}") if t.name in ROUTES}
                (directory / label).mkdir()
                for t in targets[label].values():
                    scripts[(label, t.name)] = lua_script(t, directory / label)
            time.sleep(2.0)  # the engines settle at their look-ahead
            rounds: dict[str, dict[str, list[dict[str, Any]]]] = {r: {s: [] for s in ports} for r in ROUTES}
            for _ in range(http_wrk.ROUNDS):
                for route in ROUTES:
                    for label, port in ports.items():
                        t = targets[label][route]
                        http_wrk.wrk(port, t, scripts[(label, route)], http_wrk.WARMUP)
                        rounds[route][label].append(
                            http_wrk.wrk(port, t, scripts[(label, route)], http_wrk.SECONDS)
                        )
        finally:
            for proc in procs:
                stop(proc)
    out: dict[str, Any] = {
        "connections": http_wrk.CONNECTIONS,
        "seconds": http_wrk.SECONDS,
        "rounds": http_wrk.ROUNDS,
    }
    for route, per in rounds.items():
        summary = {
            label: {
                "rps_median": statistics.median(r["rps"] for r in runs),
                "p50_ms_median": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms_median": statistics.median(r["p99_ms"] for r in runs),
                "errors": sum(r["errors"] for r in runs),
                "runs": [r["rps"] for r in runs],
            }
            for label, runs in per.items()
        }
        one = summary["workers1"]["rps_median"]
        summary["workers2_vs_workers1"] = round(summary["workers2"]["rps_median"] / one, 3) if one else None
        out[route] = summary
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
