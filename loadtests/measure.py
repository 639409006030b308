"""The measurements in docs/loadtests.md: the mock APIs under locust, next to a static ceiling
measured in the same run.

1. ``parcel-sandbox serve baseline`` on loopback, clock moved two days and left frozen (so the
   figures are the API's, not the simulation catching up with a moving clock).
2. One route, closed loop (``loadtests/one_route.py``, no think time): UPS Track for one delivered
   parcel, with a real token — then the same locust against a tiny static ASGI app on the same
   uvicorn answering the same bytes (status, content type, body) for every request.
3. The realistic mix (shoppers + aggregators) against the sandbox: requests/s and p50/p99 per API.

Locust and the server each get a process (this machine's two cores: one each); the ratio of the
two one-route figures is what the framework and the world cost over a bare server.

    python -m loadtests.measure [--seconds 15] [--users 32] [--mix-users 40] [--out runs/loadtest/measure]

Not part of the test suite: it takes about a minute and its figures depend on the machine.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from loadtests import sandbox
from loadtests.serving import (
    ROOT,
    free_port,
    locust_command,
    read_stats,
    run_locust,
    served_sandbox,
    stop,
)


def _static_app(body: bytes, content_type: str) -> Any:
    headers = [(b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def serve_static(port: int, body_file: Path, content_type: str) -> None:
    """Run the static ceiling server (called in a subprocess: ``--static PORT FILE TYPE``)."""
    import uvicorn

    app = _static_app(body_file.read_bytes(), content_type)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def static_server(body: bytes, content_type: str, folder: Path) -> Iterator[str]:
    body_file = folder / "static-body.bin"
    body_file.write_bytes(body)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "loadtests.measure", "--static", str(port), str(body_file), content_type]
    process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(base, process)
        yield base
    finally:
        stop(process)


def _wait_for_port(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the static server exited")
        try:
            with urllib.request.urlopen(base + "/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the static server did not start")


def _ups_sample(base: str) -> tuple[str, dict[str, str], bytes, str]:
    """A delivered UPS parcel's Track path, headers with a fresh token, and the response bytes."""
    page = sandbox.get_json(base, "/_sandbox/parcels", {"carrier": "ups", "status": "DELIVERED", "limit": 1})
    number = page["items"][0]["tracking_number"]
    basic = base64.b64encode(b"measure:measure").decode()
    request = urllib.request.Request(
        f"{base}/ups/security/v1/oauth/token",
        data=b"grant_type=client_credentials",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.loads(response.read())["access_token"]
    path = f"/ups/api/track/v1/details/{number}"
    headers = {"Authorization": f"Bearer {token}", "transId": "measure", "transactionSrc": "measure"}
    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30) as response:
        return path, headers, response.read(), response.headers.get("content-type", "application/json")


def _row(rows: list[dict[str, str]], name: str) -> dict[str, float]:
    row = next(r for r in rows if r["Name"] == name)
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p99_ms": float(row["99%"]),
    }


def one_route(
    host: str, path: str, headers: dict[str, str], users: int, seconds: int, out: Path
) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    extra = ["--route-path", path]
    for key, value in headers.items():
        extra += ["--route-header", f"{key}: {value}"]
    cmd = locust_command(
        host,
        locustfiles=("loadtests/one_route.py",),
        users=users,
        spawn_rate=users,
        run_time=f"{seconds}s",
        results=out,
        extra=extra,
    )
    result = run_locust(cmd, timeout=seconds + 120, log=out / "locust.log")
    if result.returncode not in (0, 1):
        raise RuntimeError(f"locust exited with {result.returncode}; see {out / 'locust.log'}")
    return _row(read_stats(out), "Aggregated")


def mix(host: str, users: int, seconds: int, out: Path) -> dict[str, dict[str, float]]:
    out.mkdir(parents=True, exist_ok=True)
    cmd = locust_command(host, users=users, spawn_rate=users, run_time=f"{seconds}s", results=out)
    result = run_locust(cmd, timeout=seconds + 120, log=out / "locust.log")
    if result.returncode not in (0, 1):
        raise RuntimeError(f"locust exited with {result.returncode}; see {out / 'locust.log'}")
    rows = read_stats(out)
    return {r["Name"]: _row(rows, r["Name"]) for r in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtests.measure", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="length of each locust run")
    parser.add_argument("--users", type=int, default=32, help="closed-loop users for the one-route runs")
    parser.add_argument("--mix-users", type=int, default=40, help="users for the shoppers + aggregators run")
    parser.add_argument("--out", type=Path, default=Path("runs/loadtest/measure"))
    parser.add_argument("--static", nargs=3, metavar=("PORT", "FILE", "TYPE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.static:
        serve_static(int(args.static[0]), Path(args.static[1]), args.static[2])
        return 0
    out = args.out if args.out.is_absolute() else ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": "python -m loadtests.measure " + " ".join(argv if argv is not None else sys.argv[1:]),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "seconds": args.seconds,
        "users": args.users,
        "mix_users": args.mix_users,
    }
    try:
        with served_sandbox("baseline", log=out / "sandbox.log") as served:
            path, headers, body, content_type = _ups_sample(served.base)
            print(
                f"sandbox: UPS Track {path} ({len(body)} B), {args.users} users, {args.seconds} s", flush=True
            )
            results["route"] = "GET /ups/api/track/v1/details/{n}"
            results["body_bytes"] = len(body)
            results["sandbox"] = one_route(
                served.base, path, headers, args.users, args.seconds, out / "sandbox"
            )
            print(f"mix: shoppers + aggregators, {args.mix_users} users, {args.seconds} s", flush=True)
            results["mix"] = mix(served.base, args.mix_users, args.seconds, out / "mix")
        with static_server(body, content_type, out) as static_base:
            print("static ceiling: same bytes from a bare ASGI app on uvicorn", flush=True)
            results["static"] = one_route(static_base, path, {}, args.users, args.seconds, out / "static")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"loadtests.measure: {exc}", file=sys.stderr)
        return 1
    sandbox_rps, static_rps = results["sandbox"]["rps"], results["static"]["rps"]
    results["ratio"] = round(sandbox_rps / static_rps, 3) if static_rps else None
    (out / "measure.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    return 0


def report(results: dict[str, Any]) -> str:
    lines = [
        f"| server ({results['route']}, {results['body_bytes']} B) "
        "| requests/s | p50 ms | p99 ms | failures |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("sandbox", "static"):
        r = results[name]
        lines.append(f"| {name} | {r['rps']:,} | {r['p50_ms']:g} | {r['p99_ms']:g} | {r['failures']} |")
    lines.append(f"\nsandbox / static ceiling: {results['ratio']}\n")
    lines += [
        "| mix endpoint | requests | requests/s | p50 ms | p99 ms | failures |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["mix"].items():
        figures = f"{r['rps']:,} | {r['p50_ms']:g} | {r['p99_ms']:g} | {r['failures']}"
        lines.append(f"| {name} | {r['requests']:,} | {figures} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
