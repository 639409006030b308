"""Does the app itself have a tail? The hot tracking reads of ``bench wrk`` (UPS GET, DHL GET, FedEx
POST), called in-process through the whole ASGI app, one after another, each timed in CPU time of
the calling thread (``time.thread_time_ns``) — the app's own cost per request, whatever else the
machine runs — with the collector's pauses counted meanwhile; first with the interpreter's
default collector, then with the serving process's (``mock_carriers.world.collector.settle``).

If the CPU tail here is short, a long wall-clock tail under wrk is not the app's work per request
but what the process does besides (the pump, the collector, the UI's tally) or the scheduler.

``python -m bench.lane_tail [requests]`` prints one JSON line per collector setting.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import Any
from urllib.parse import urlsplit

from bench.http_wrk import Target, prepare
from bench.pump_bench import GcPauses


def _scope(target: Target) -> dict[str, Any]:
    parts = urlsplit(target.path)
    headers = [(b"host", b"127.0.0.1:8000")]
    headers += [(k.lower().encode(), v.encode()) for k, v in target.headers.items()]
    if target.body:
        headers.append((b"content-length", str(len(target.body)).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": target.method,
        "scheme": "http",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _calls(app: Any, target: Target, n: int) -> list[int]:
    body = target.body
    out: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    clock = time.thread_time_ns
    for _ in range(n):
        scope = _scope(target)
        t = clock()
        await app(scope, receive, send)
        out.append(clock() - t)
    if set(status) != {200}:
        raise RuntimeError(f"{target.name}: answers {sorted(set(status))}")
    return out


def _summary(ns: list[int]) -> dict[str, float]:
    us = sorted(x / 1000 for x in ns)

    def q(p: float) -> float:
        return round(us[min(len(us) - 1, int(p * len(us)))], 1)

    top = round(us[-1], 1)
    return {"n": len(us), "p50_us": q(0.5), "p99_us": q(0.99), "p999_us": q(0.999), "max_us": top}


def run(n: int = 20_000) -> list[dict[str, Any]]:
    from fastapi.testclient import TestClient

    from mock_carriers.app import create_app
    from mock_carriers.world import collector
    from mock_carriers.world.sandbox import Sandbox
    from parcel_sandbox.schema import load_scenario

    scenario, _ = load_scenario("baseline")
    sandbox = Sandbox(scenario, runner="thread", deterministic_tokens=True)
    app = create_app(sandbox=sandbox)
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    targets = prepare("", "3d", client)
    sandbox.sync()
    results = []
    thresholds = gc.get_threshold()
    try:
        for setting in ("default", "settled"):
            if setting == "settled":
                collector.settle()
            row: dict[str, Any] = {"bench": "lane_tail", "collector": setting}
            for target in targets:
                pauses = GcPauses()
                pauses.install()
                try:
                    cpu = asyncio.run(_calls(app, target, n))
                finally:
                    pauses.remove()
                row[target.name] = {"cpu": _summary(cpu), "gc": pauses.summary()}
            results.append(row)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sandbox.close()
    return results


def main(argv: list[str]) -> int:
    for row in run(int(argv[0]) if argv else 20_000):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
