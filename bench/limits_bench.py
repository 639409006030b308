"""What the request limits and the control guard cost per request: the sandbox's ASGI stack with
and without ``RequestLimits`` + ``ControlGuard``, called in-process on the same requests in the same
run (a ratio, so a busy machine moves both sides alike)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.http.guard import ControlGuard
from mock_carriers.http.limits import RequestLimits
from sim.scenario import load_scenario

ROUNDS, PER_ROUND = 7, 400


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: dict[str, Any]) -> None:
    pass


async def _per_request(app: Any, path: str, headers: list[tuple[bytes, bytes]]) -> float:
    """The best of ROUNDS rounds, seconds per request."""
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(PER_ROUND):
            await app(_scope(path, headers), _receive, _send)
        best = min(best, (time.perf_counter() - started) / PER_ROUND)
    return best


def run_limits_bench() -> dict[str, Any]:
    baseline, _ = load_scenario("baseline")
    scenario = baseline.model_copy(
        update={
            "duration": 2 * 86400.0,
            "demand": baseline.demand.model_copy(update={"parcels_per_day": 300}),
        }
    )
    app = create_app(scenario)
    with TestClient(app) as http:
        http.post("/_sandbox/clock", json={"advance": "3d"})
        page = http.get("/_sandbox/parcels", params={"carrier": "ups", "status": "DELIVERED", "limit": 1})
        number = page.json()["items"][0]["tracking_number"]
        form = {"grant_type": "client_credentials"}
        token = http.post("/ups/security/v1/oauth/token", auth=("a", "b"), data=form).json()["access_token"]
    headers = [
        (b"host", b"127.0.0.1:8000"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"transid", b"bench"),
        (b"transactionsrc", b"bench"),
        (b"accept", b"*/*"),
        (b"user-agent", b"parcel-sandbox-bench"),
    ]
    guarded = app.build_middleware_stack()
    app.user_middleware = [m for m in app.user_middleware if m.cls not in (RequestLimits, ControlGuard)]
    bare = app.build_middleware_stack()
    out: dict[str, Any] = {}
    for name, path in (
        ("ups_track", f"/ups/api/track/v1/details/{number}"),
        ("control_clock", "/_sandbox/clock"),
    ):
        with_s = asyncio.run(_per_request(guarded, path, headers))
        without_s = asyncio.run(_per_request(bare, path, headers))
        out[name] = {
            "with_us": round(with_s * 1e6, 1),
            "without_us": round(without_s * 1e6, 1),
            "ratio": round(without_s / with_s, 3),
        }
    return out


if __name__ == "__main__":
    import json

    print(json.dumps(run_limits_bench(), indent=2))
