"""Does the collector pause a serving process under load? The sandbox served by uvicorn in this
process (the engine in its own), the three hot reads of ``bench wrk`` each driven for 8 s by 64
keep-alive connections from a load generator in another process (``bench.http_load``), and the
collector's pauses in the server counted meanwhile (``gc.callbacks``), with the interpreter's
default collector or ``serve``'s (``mock_carriers.world.collector``).

``python -m bench.serve_gc [default|settled]`` prints one JSON line per read: the load's
throughput and latency percentiles (wall time: read them on a quiet machine) and the collections.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import sys
import threading
import time
from typing import Any

from bench.http_wrk import Target, free_port, prepare
from bench.pump_bench import GcPauses

CONNECTIONS = 64
SECONDS = 8.0


def _load(port: int, target: Target, seconds: float, out: Any) -> None:
    from bench.http_load import run

    out.put(
        run(
            "127.0.0.1",
            port,
            target.path,
            target.headers,
            CONNECTIONS,
            seconds,
            1.0,
            target.method,
            target.body,
        )
    )


def _drive(port: int, target: Target, seconds: float) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_load, args=(port, target, seconds, q))
    p.start()
    result: dict[str, float] = q.get(timeout=seconds + 120)
    p.join()
    return result


def run(setting: str = "settled") -> list[dict[str, Any]]:
    import uvicorn

    from mock_carriers.app import create_app
    from mock_carriers.http.server import server_config
    from mock_carriers.world.sandbox import Sandbox
    from parcel_sandbox.schema import load_scenario

    scenario, _ = load_scenario("baseline")
    sandbox = Sandbox(scenario, runner="process")
    app = create_app(sandbox=sandbox, settle_collector=setting == "settled")
    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    out = []
    try:
        while not server.started:
            time.sleep(0.05)
        for target in prepare(f"http://127.0.0.1:{port}"):
            pauses = GcPauses()
            pauses.install()
            try:
                load = _drive(port, target, SECONDS)
            finally:
                pauses.remove()
            out.append(
                {"bench": "serve_gc", "collector": setting, "read": target.name, **load, **pauses.summary()}
            )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sandbox.close()
    return out


def main(argv: list[str]) -> int:
    for row in run(argv[0] if argv else "settled"):
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
