"""GET-tracking throughput and latency for one carrier route at 64 connections, against a static
server answering the same bytes on the same uvicorn — the ceiling our framework and world sit under.

Both servers run in their own process (one core), the load generator in another (the other core).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import socket
import time
from typing import Any

import httpx

CONNECTIONS = 64
SECONDS = 8.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve_sandbox(port: int) -> None:
    import uvicorn

    from mock_carriers.app import create_app
    from sim.scenario import load_scenario

    scenario, _ = load_scenario("baseline")
    uvicorn.run(create_app(scenario), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _serve_static(port: int, body: bytes, content_type: str) -> None:
    import uvicorn

    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]

    async def app(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _wait(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def _load(port: int, path: str, headers: dict[str, str], out: Any) -> None:
    from bench.http_load import run

    out.put(run("127.0.0.1", port, path, headers, CONNECTIONS, SECONDS))


def _measure(port: int, path: str, headers: dict[str, str]) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_load, args=(port, path, headers, q))
    p.start()
    result = q.get(timeout=SECONDS + 120)
    p.join()
    return result


def run_http_bench() -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    port = _free_port()
    server = ctx.Process(target=_serve_sandbox, args=(port,), daemon=True)
    server.start()
    try:
        _wait(port)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=60) as http:
            http.post(f"{base}/_sandbox/clock", json={"advance": "3d"})
            tn = http.get(
                f"{base}/_sandbox/parcels", params={"carrier": "ups", "status": "DELIVERED", "limit": 1}
            ).json()["items"][0]["tracking_number"]
            auth = http.post(
                f"{base}/ups/security/v1/oauth/token",
                auth=("bench", "bench"),
                data={"grant_type": "client_credentials"},
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {auth}", "transId": "bench", "transactionSrc": "bench"}
            path = f"/ups/api/track/v1/details/{tn}"
            sample = http.get(base + path, headers=headers)
            sample.raise_for_status()
        sandbox = _measure(port, path, headers)
    finally:
        server.terminate()
        server.join()
    port2 = _free_port()
    static = ctx.Process(
        target=_serve_static, args=(port2, sample.content, sample.headers["content-type"]), daemon=True
    )
    static.start()
    try:
        _wait(port2)
        ceiling = _measure(port2, path, {})
    finally:
        static.terminate()
        static.join()
    return {
        "route": "GET /ups/api/track/v1/details/{n}",
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "body_bytes": len(sample.content),
        "sandbox": sandbox,
        "static": ceiling,
        "ratio": round(sandbox["rps"] / ceiling["rps"], 3) if ceiling["rps"] else None,
    }


if __name__ == "__main__":
    print(json.dumps(run_http_bench(), indent=2))
