"""The world off the request path, measured on a real ``parcel-sandbox serve baseline``:

- ``qa``: start the server, move the clock 16 days, read a parcel — wall seconds, end to end, and
  the CPU seconds the engine worker process and the API process spent by then;
- ``bare``: the lower bound of ``qa`` — the same 16 days of the same world simulated in this
  process in the worker's steps, CPU and wall, with what the worker adds to make and pack its
  batches (``worker._batch``, ``wire.Packer``, the pickle the pipe sends) timed apart;
- ``jump``: tracking latency (p50/p99) from concurrent clients while a 7-day clock move runs, with
  the engine in its own process and in a thread of the server (the GIL question, measured);
- ``soak``: after a 4-day warm-up, realtime ×3600 at ~50 tracking requests a second for N minutes,
  the API process's RSS
  sampled every 30 s, the slope over the second half, p99 per minute and errors.

``python -m bench.engine_bench qa|bare|jump|soak [minutes]``; each prints one JSON line.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.http_bench import _free_port

DHL_KEY = {"DHL-API-Key": "bench"}


@contextlib.contextmanager
def served(*flags: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    exe = Path(sys.executable).parent / "parcel-sandbox"
    proc = subprocess.Popen(
        [str(exe), "serve", "baseline", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{base}/_sandbox/health", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.05)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _numbers(http: httpx.Client, base: str, carrier: str = "dhl", limit: int = 200) -> list[str]:
    items = http.get(f"{base}/_sandbox/parcels", params={"carrier": carrier, "limit": limit}).json()["items"]
    return [p["tracking_number"] for p in items]


def _cpu_s(pid: int | None) -> float | None:
    """User + system CPU seconds of a live process (None when it cannot be read)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def qa() -> dict[str, Any]:
    started = time.monotonic()
    with served() as (base, proc), httpx.Client(timeout=600) as http:
        up = time.monotonic() - started
        moved = http.post(f"{base}/_sandbox/clock", json={"advance": "16d"}, params={"timeout": 600})
        assert moved.status_code == 200, moved.text
        moved_at = time.monotonic() - started
        engine_cpu = _cpu_s(http.get(f"{base}/_sandbox/health").json()["engine_leader"]["pid"])
        api_cpu = _cpu_s(proc.pid)
        tn = _numbers(http, base, limit=1)[0]
        r = http.get(f"{base}/dhl/track/shipments", params={"trackingNumber": tn}, headers=DHL_KEY)
        assert r.status_code == 200, r.text
        total = time.monotonic() - started
    return {
        "bench": "qa",
        "startup_s": round(up, 2),
        "moved_16d_s": round(moved_at, 2),
        "total_s": round(total, 2),
        # CPU by the time the move returned: the engine's is the critical path (it runs ahead
        # of the clock, so it includes up to a look-ahead more than the 16 days)
        "engine_cpu_s": engine_cpu,
        "api_cpu_s": api_cpu,
    }


def bare(days: float = 16.0) -> dict[str, Any]:
    """The world alone: what no serving can beat. Imports here, so ``qa``'s numbers are not
    disturbed by a simulation module loaded in the bench's own process."""
    import pickle
    from datetime import timedelta

    from mock_carriers.world.wire import Packer
    from mock_carriers.world.worker import STEP_S, _batch
    from sim.engine import Engine
    from sim.scenario.loader import load_scenario

    scenario, _ = load_scenario("baseline")
    cpu, wall = time.process_time, time.perf_counter
    c0, w0 = cpu(), wall()
    engine = Engine(scenario, scenario.seed, endless=True)
    build = (cpu() - c0, wall() - w0)
    packer = Packer()
    target = scenario.start + timedelta(days=days)
    advance = [0.0, 0.0]
    batching = packing = 0.0
    events = batches = size = 0
    while engine.now < target:
        c, w = cpu(), wall()
        new = engine.advance(min(target, engine.now + timedelta(seconds=STEP_S)))
        c1 = cpu()
        advance[0] += c1 - c
        advance[1] += wall() - w
        batch = _batch(engine, new, engine.now.timestamp())
        c2 = cpu()
        packed = packer.pack(batch.events, batch.truths, batch.finished, batch.frontier, batch.created, False)
        size += len(pickle.dumps(packed, pickle.HIGHEST_PROTOCOL))
        batching += c2 - c1
        packing += cpu() - c2
        events += len(new)
        batches += 1
    return {
        "bench": "bare",
        "days": days,
        "events": events,
        "batches": batches,
        "build_cpu_s": round(build[0], 2),
        "advance_cpu_s": round(advance[0], 2),
        "advance_wall_s": round(advance[1], 2),
        "batch_cpu_s": round(batching, 2),
        "pack_and_pickle_cpu_s": round(packing, 2),
        "wire_mb": round(size / 2**20, 1),
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _hammer(
    base: str, numbers: list[str], stop: threading.Event, out: list[float], errors: list[int]
) -> None:
    with httpx.Client(timeout=30) as http:
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            r = http.get(
                f"{base}/dhl/track/shipments",
                params={"trackingNumber": numbers[i % len(numbers)]},
                headers=DHL_KEY,
            )
            out.append((time.perf_counter() - t) * 1000)
            if r.status_code >= 500:
                errors.append(r.status_code)
            i += 1


def jump(engine: str, clients: int = 4) -> dict[str, Any]:
    with served("--engine", engine) as (base, _), httpx.Client(timeout=600) as http:
        http.post(f"{base}/_sandbox/clock", json={"advance": "1d"}, params={"timeout": 600})
        numbers = _numbers(http, base)
        idle: list[float] = []
        errors: list[int] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_hammer, args=(base, numbers, stop, idle, errors)) for _ in range(clients)
        ]
        for t in threads:
            t.start()
        time.sleep(5)
        stop.set()
        for t in threads:
            t.join()
        during: list[float] = []
        stop = threading.Event()
        threads = [
            threading.Thread(target=_hammer, args=(base, numbers, stop, during, errors))
            for _ in range(clients)
        ]
        started = time.monotonic()
        r = http.post(f"{base}/_sandbox/clock", json={"advance": "7d"}, params={"wait": "false"})
        assert r.status_code in (200, 202), r.text
        for t in threads:
            t.start()
        while http.get(f"{base}/_sandbox/clock").json()["engine"]["behind_seconds"] > 0:
            time.sleep(0.2)
        took = time.monotonic() - started
        stop.set()
        for t in threads:
            t.join()
    return {
        "bench": "jump",
        "engine": engine,
        "clients": clients,
        "jump_7d_s": round(took, 1),
        "idle": {"n": len(idle), "p50_ms": round(_pct(idle, 0.5), 1), "p99_ms": round(_pct(idle, 0.99), 1)},
        "during": {
            "n": len(during),
            "p50_ms": round(_pct(during, 0.5), 1),
            "p99_ms": round(_pct(during, 0.99), 1),
        },
        "errors_5xx": len(errors),
    }


def _summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": round(_pct(values, 0.5), 1), "p99_ms": round(_pct(values, 0.99), 1)}


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def soak(minutes: float, rate: float = 50.0, sample_s: float = 30.0) -> dict[str, Any]:
    with served() as (base, proc), httpx.Client(timeout=900) as http:
        # Warm up first: parcels live three to four days, so memory can only be flat once the world
        # has as many in flight as it will keep having.
        warm = http.post(f"{base}/_sandbox/clock", json={"advance": "4d"}, params={"timeout": 600})
        assert warm.status_code == 200, warm.text
        http.post(f"{base}/_sandbox/clock", json={"mode": "realtime", "speed": 3600})
        numbers = _numbers(http, base, limit=500) or ["0000000000"]
        started = time.monotonic()
        samples: list[tuple[float, float]] = []
        per_minute: dict[int, list[float]] = {}
        errors = 0
        next_sample = started
        i = 0
        while time.monotonic() - started < minutes * 60:
            now = time.monotonic()
            if now >= next_sample:
                samples.append(((now - started) / 60, _rss_mb(proc.pid)))
                next_sample += sample_s
                if i % 20 == 0:
                    numbers = _numbers(http, base, limit=500) or numbers
            t = time.perf_counter()
            try:
                r = http.get(
                    f"{base}/dhl/track/shipments",
                    params={"trackingNumber": numbers[i % len(numbers)]},
                    headers=DHL_KEY,
                )
                if r.status_code >= 500:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            per_minute.setdefault(int((now - started) // 60), []).append((time.perf_counter() - t) * 1000)
            i += 1
            time.sleep(max(0.0, 1 / rate - (time.perf_counter() - t)))
        health = http.get(f"{base}/_sandbox/health").json()
    half = [s for s in samples if s[0] >= minutes / 2]
    slope = (
        statistics.linear_regression([m for m, _ in half], [r for _, r in half]).slope
        if len(half) > 2
        else 0.0
    )
    return {
        "bench": "soak",
        "minutes": minutes,
        "requests": i,
        "errors": errors,
        "rss_mb": [[round(m, 1), round(r, 1)] for m, r in samples],
        "rss_slope_second_half_mb_per_min": round(slope, 3),
        "p99_ms_per_minute": [round(_pct(v, 0.99), 1) for _, v in sorted(per_minute.items())],
        "sandbox_now": health["now"],
        "parcels_in_memory": health["parcels_in_memory"],
    }


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "qa"
    if what == "qa":
        print(json.dumps(qa()))
    elif what == "bare":
        print(json.dumps(bare(float(argv[1]) if len(argv) > 1 else 16.0)))
    elif what == "jump":
        for engine in ("process", "thread"):
            print(json.dumps(jump(engine)), flush=True)
    elif what == "soak":
        print(json.dumps(soak(float(argv[1]) if len(argv) > 1 else 30.0)))
    else:
        print(f"unknown bench {what!r}: qa, bare, jump or soak", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main(sys.argv[1:]))
