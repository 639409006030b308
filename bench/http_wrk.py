"""wrk against the sandbox's tracking routes and against nginx serving the same bytes.

The UPS (GET), DHL (GET) and FedEx (POST, a wrk Lua script) tracking reads of a delivered parcel,
64 connections, on three servers all pinned to core 0 — nginx (one worker) serving the sandbox's own
response bytes as a static file with the same content type, ``parcel-sandbox serve`` with the fast
lane, and the same without it (``PARCEL_SANDBOX_FAST_LANE=0``: the plain FastAPI routes) — with wrk
on core 1, interleaved (every route on every server once per round, several rounds), medians
reported as ratios to nginx. ``python -m bench wrk``; ``python -m bench jump`` measures tracking
latency while a 7-day clock jump runs.

Besides requests per second, each round reports the CPU each server spent per request — the
utime + stime of its process tree (``/proc/PID/stat``) across the round, divided by the requests
wrk completed — and its ratio to nginx's: unlike wall-clock rates, that ratio holds on a box
shared with other work. ``BENCH_WRK_PARCEL``: which parcel is tracked — ``delivered`` (default:
the first delivered parcel, long since moved from memory to the archive on disk) or
``in-transit`` (one in memory).

wrk and nginx are Debian packages; missing ones are installed with apt-get when running as root.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

CONNECTIONS = 64
SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "6"))
WARMUP = 2
ROUNDS = int(os.environ.get("BENCH_WRK_ROUNDS", "3"))
SERVER_CPU = "0"
LOAD_CPU = "1"
#: Reserved for ``--workers N`` once the shared store lands (docs/benchmarks.md): the servers
#: measured are (label, extra ``serve`` arguments, environment).
SANDBOXES: tuple[tuple[str, tuple[str, ...], dict[str, str]], ...] = (
    ("lane", (), {}),
    ("routes", (), {"PARCEL_SANDBOX_FAST_LANE": "0"}),
)
#: The parcel each route tracks: its status in ``/_sandbox/parcels`` (see the module docstring).
PARCEL_STATUS = {"delivered": "DELIVERED", "in-transit": "IN_TRANSIT"}[
    os.environ.get("BENCH_WRK_PARCEL", "delivered")
]
#: ``BENCH_WRK_GRANIAN=1`` adds the same app (fast lane on) on granian, for the server choice.
GRANIAN = os.environ.get("BENCH_WRK_GRANIAN") == "1"

_DONE_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK_JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p90_us\\":%d,\\"p99_us\\":%d," ..
    "\\"max_us\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class Target:
    """One tracking read: its path, method, headers and body, and the bytes it answers."""

    name: str
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    content_type: str
    answer: bytes


def ensure_tools() -> None:
    missing = [tool for tool in ("wrk", "nginx", "taskset") if _which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        raise RuntimeError(f"install {', '.join(missing)} (apt-get install wrk nginx-light)")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk", "nginx-light"], check=True, capture_output=True)


def _which(tool: str) -> str | None:
    return shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")


def cpu_seconds(stat: str, ticks_per_second: float) -> tuple[int, float]:
    """A ``/proc/PID/stat`` line's parent pid and its CPU time (user + system) in seconds."""
    fields = stat.rsplit(")", 1)[1].split()  # the command name may hold spaces and parentheses
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / ticks_per_second


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds spent so far by ``pid`` and every live process below it."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    spent: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        parent[int(entry)], spent[int(entry)] = cpu_seconds(text, ticks)
    tree = {pid}
    grew = True
    while grew:
        below = {p for p, pp in parent.items() if pp in tree} - tree
        grew = bool(below)
        tree |= below
    return sum(spent.get(p, 0.0) for p in tree)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listening on {port}")


def start_sandbox(
    port: int, extra: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> subprocess.Popen:
    if extra[:1] == ("granian",):
        exe = Path(sys.executable).with_name("granian")
        cmd = ["taskset", "-c", SERVER_CPU, str(exe), "--interface", "asgi", "--factory", "--workers", "1"]
        cmd += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"]
        cmd += ["bench.granian_app:app"]
    else:
        exe = Path(sys.executable).with_name("parcel-sandbox")
        cmd = ["taskset", "-c", SERVER_CPU, str(exe), "serve", "baseline", "--port", str(port), *extra]
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_port(port)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def prepare(base: str, advance: str = "3d", client: httpx.Client | None = None) -> list[Target]:
    """Move the clock, pick a delivered parcel per carrier, get credentials, fetch the answers
    (through ``client`` when given, e.g. an in-process TestClient, else over HTTP at ``base``)."""
    with (
        contextlib.nullcontext(client)
        if client is not None
        else httpx.Client(base_url=base, timeout=300) as http
    ):
        http.post("/_sandbox/clock", json={"advance": advance}).raise_for_status()
        # Measure once the engine has also run its look-ahead: a pump still ingesting is not
        # what a tracking read costs (bench.pump_bench measures that on its own).
        deadline = time.monotonic() + 300
        idle = ("caught-up", "paused", "finished")
        while time.monotonic() < deadline:
            if http.get("/_sandbox/clock").json()["engine"]["state"] in idle:
                break
            time.sleep(0.2)

        def delivered(carrier: str) -> str:
            items = http.get(
                "/_sandbox/parcels", params={"carrier": carrier, "status": PARCEL_STATUS, "limit": 1}
            ).json()["items"]
            return str(items[0]["tracking_number"])

        ups_token = http.post(
            "/ups/security/v1/oauth/token", auth=("bench", "bench"), data={"grant_type": "client_credentials"}
        ).json()["access_token"]
        fedex_token = http.post(
            "/fedex/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "bench", "client_secret": "bench"},
        ).json()["access_token"]
        ups, dhl, fedex = delivered("ups"), delivered("dhl"), delivered("fedex")
        info = [{"trackingNumberInfo": {"trackingNumber": fedex}}]
        fedex_body = json.dumps({"includeDetailedScans": True, "trackingInfo": info}).encode()
        specs = [
            (
                "ups",
                "GET",
                f"/ups/api/track/v1/details/{ups}",
                {"Authorization": f"Bearer {ups_token}", "transId": "bench", "transactionSrc": "bench"},
                b"",
            ),
            ("dhl", "GET", f"/dhl/track/shipments?trackingNumber={dhl}", {"DHL-API-Key": "bench"}, b""),
            (
                "fedex",
                "POST",
                "/fedex/track/v1/trackingnumbers",
                {"Authorization": f"Bearer {fedex_token}", "Content-Type": "application/json"},
                fedex_body,
            ),
        ]
        targets = []
        for name, method, path, headers, body in specs:
            answer = http.request(method, path, headers=headers, content=body)
            answer.raise_for_status()
            targets.append(
                Target(name, method, path, headers, body, answer.headers["content-type"], answer.content)
            )
        return targets


_PIPELINE_LUA = """
init = function(args)
  local batch = {}
  for i = 1, %d do batch[i] = wrk.format() end
  pipelined = table.concat(batch)
end
request = function() return pipelined end
"""


def lua_script(target: Target, directory: Path, pipeline: int = 1) -> Path:
    """wrk's script for ``target``; ``pipeline`` > 1 sends that many requests back to back on a
    connection before reading (HTTP/1.1 pipelining, as wrk's own ``pipeline.lua``): the load
    generator then spends a fraction of the CPU per request, which matters when it shares the
    server's cores."""
    lines = [f'wrk.method = "{target.method}"']
    for name, value in target.headers.items():
        lines.append(f'wrk.headers["{name}"] = "{value}"')
    if target.body:
        lines.append(f"wrk.body = [==[{target.body.decode()}]==]")
    if pipeline > 1:
        lines.append(_PIPELINE_LUA % pipeline)
    suffix = f"-p{pipeline}" if pipeline > 1 else ""
    path = directory / f"{target.name}{suffix}.lua"
    path.write_text("\n".join(lines) + "\n" + _DONE_LUA, encoding="utf-8")
    return path


def start_nginx(targets: list[Target], directory: Path, port: int) -> subprocess.Popen:
    """nginx, one worker, answering each target's path (any method) with its bytes and type."""
    www = directory / "www"
    www.mkdir(exist_ok=True)
    # nginx's worker drops root for an unprivileged user, which must be able to read the files.
    for d in (directory, www):
        d.chmod(0o755)
    locations = []
    for t in targets:
        (www / f"{t.name}.body").write_bytes(t.answer)
        (www / f"{t.name}.body").chmod(0o644)
        exact = t.path.split("?", 1)[0]
        # POST to a static file is a 405 unless the 405 is turned into the file itself.
        locations.append(
            f"location = {exact} {{ default_type {t.content_type.split(';')[0]}; "
            f"try_files /{t.name}.body =404; error_page 405 =200 /{t.name}.body; }}"
        )
        locations.append(f"location = /{t.name}.body {{ default_type {t.content_type.split(';')[0]}; }}")
    tmp = directory / "ngx_tmp"
    tmp.mkdir(exist_ok=True)
    conf = directory / "nginx.conf"
    conf.write_text(
        f"""daemon off; worker_processes 1; pid {directory}/nginx.pid; error_log {directory}/error.log warn;
events {{ worker_connections 1024; }}
http {{ access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; keepalive_timeout 65;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen 127.0.0.1:{port}; root {www};
    {" ".join(locations)} }} }}
""",
        encoding="utf-8",
    )
    nginx = _which("nginx") or "nginx"
    proc = subprocess.Popen(
        ["taskset", "-c", SERVER_CPU, nginx, "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    wait_port(port)
    return proc


def wrk(
    port: int, target: Target, script: Path, seconds: float, timeout_s: int = 2, pid: int | None = None
) -> dict[str, Any]:
    """One wrk run; with ``pid``, also the CPU that process tree spent per request meanwhile."""
    url = f"http://127.0.0.1:{port}{target.path}"
    cmd = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{int(seconds)}s"]
    cmd += [f"--timeout={timeout_s}s", "-s", str(script), url]
    before = tree_cpu_seconds(pid) if pid is not None else 0.0
    load_before = _children_cpu_seconds()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    load_spent = _children_cpu_seconds() - load_before  # wrk's own CPU (the only child waited for)
    spent = tree_cpu_seconds(pid) - before if pid is not None else None
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    raw = json.loads(line[len("WRK_JSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "requests": raw["requests"],
        "errors": errors,
        "timeouts": raw["timeout"],
        "cpu_us_per_req": round(spent / raw["requests"] * 1e6, 2) if spent and raw["requests"] else None,
        "load_cpu_us_per_req": round(load_spent / raw["requests"] * 1e6, 2) if raw["requests"] else None,
    }


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check_same_answer(port: int, target: Target) -> None:
    """Each server answers the target with the sandbox's bytes (FedEx's transactionId aside)."""
    with httpx.Client(timeout=60) as http:
        url = f"http://127.0.0.1:{port}{target.path}"
        got = http.request(target.method, url, headers=target.headers, content=target.body)
    if got.status_code != 200 or got.headers["content-type"] != target.content_type:
        raise RuntimeError(f"{target.name} on {port}: {got.status_code} {got.headers.get('content-type')}")
    if target.name != "fedex" and got.content != target.answer:
        raise RuntimeError(f"{target.name} on {port}: different bytes")
    if len(got.content) != len(target.answer):
        raise RuntimeError(f"{target.name} on {port}: {len(got.content)} bytes, not {len(target.answer)}")


def run_wrk_bench() -> dict[str, Any]:
    ensure_tools()
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="parcel-sandbox-wrk-") as tmp:
        directory = Path(tmp)
        try:
            servers: dict[str, int] = {}
            pids: dict[str, int] = {}
            for label, extra, env in SANDBOXES + ((("granian", ("granian",), {}),) if GRANIAN else ()):
                port = free_port()
                procs.append(start_sandbox(port, extra, env))
                servers[label] = port
                pids[label] = procs[-1].pid
            per_server = {label: prepare(f"http://127.0.0.1:{port}") for label, port in servers.items()}
            targets = per_server[SANDBOXES[0][0]]
            scripts: dict[tuple[str, str], Path] = {}
            for label, server_targets in per_server.items():
                for t in server_targets:
                    sub = directory / label
                    sub.mkdir(exist_ok=True)
                    scripts[(label, t.name)] = lua_script(t, sub)
            nginx_port = free_port()
            procs.append(start_nginx(targets, directory, nginx_port))
            servers = {"nginx": nginx_port, **servers}
            pids["nginx"] = procs[-1].pid
            for t in targets:
                scripts[("nginx", t.name)] = scripts[(SANDBOXES[0][0], t.name)]
                for label, port in servers.items():
                    own = t if label == "nginx" else next(x for x in per_server[label] if x.name == t.name)
                    check_same_answer(port, own)
            rounds: dict[str, dict[str, list[dict[str, Any]]]] = {
                t.name: {label: [] for label in servers} for t in targets
            }
            for _ in range(ROUNDS):
                for t in targets:
                    for label, port in servers.items():  # A/B/C, then again next round
                        wrk(port, t, scripts[(label, t.name)], WARMUP)
                        run = wrk(port, t, scripts[(label, t.name)], SECONDS, pid=pids[label])
                        rounds[t.name][label].append(run)
        finally:
            for proc in procs:
                stop(proc)
    return summarise(targets, rounds)


def summarise(targets: list[Target], rounds: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    out: dict[str, Any] = {"connections": CONNECTIONS, "seconds": SECONDS, "rounds": ROUNDS, "routes": {}}
    out["parcel"] = PARCEL_STATUS
    for t in targets:
        per = rounds[t.name]
        nginx_median = statistics.median(r["rps"] for r in per["nginx"])
        nginx_cpu = _median_cpu(per["nginx"])
        route: dict[str, Any] = {"path": t.path.split("?")[0], "method": t.method}
        route["body_bytes"] = len(t.answer)
        for label, runs in per.items():
            rps = statistics.median(r["rps"] for r in runs)
            route[label] = {
                "rps_median": rps,
                "p50_ms_median": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms_median": statistics.median(r["p99_ms"] for r in runs),
                "ratio_to_nginx": round(rps / nginx_median, 3) if nginx_median else None,
                "cpu_us_per_req_median": _median_cpu(runs),
                # nginx's CPU per request over this server's: the rate ratio on a core of its own
                "cpu_ratio_to_nginx": cpu_ratio(nginx_cpu, _median_cpu(runs)),
                "errors": sum(r["errors"] for r in runs),
                "runs": runs,
            }
        out["routes"][t.name] = route
    return out


def _median_cpu(runs: list[dict[str, Any]]) -> float | None:
    cpus = [r["cpu_us_per_req"] for r in runs if r.get("cpu_us_per_req")]
    return round(statistics.median(cpus), 2) if cpus else None


def cpu_ratio(nginx_us: float | None, server_us: float | None) -> float | None:
    """How many of a server's requests nginx's CPU per request buys: nginx / server."""
    return round(nginx_us / server_us, 3) if nginx_us and server_us else None


def run_jump_bench(jump: str = "7d", seconds: float = 40.0) -> dict[str, Any]:
    """UPS tracking at 64 connections while ``POST /_sandbox/clock {"advance": jump}`` runs."""
    ensure_tools()
    with tempfile.TemporaryDirectory(prefix="parcel-sandbox-jump-") as tmp:
        port = free_port()
        proc = start_sandbox(port)
        try:
            base = f"http://127.0.0.1:{port}"
            target = prepare(base, advance="2d")[0]
            script = lua_script(target, Path(tmp))
            wrk(port, target, script, WARMUP)
            quiet = wrk(port, target, script, 5)
            took: dict[str, float] = {}

            def jump_clock() -> None:
                time.sleep(2.0)
                t0 = time.perf_counter()
                with httpx.Client(timeout=600) as http:
                    took["status"] = http.post(f"{base}/_sandbox/clock", json={"advance": jump}).status_code
                took["seconds"] = round(time.perf_counter() - t0, 2)

            mover = threading.Thread(target=jump_clock)
            mover.start()
            during = wrk(port, target, script, seconds, timeout_s=30)
            mover.join()
        finally:
            stop(proc)
    return {"jump": jump, "wrk_seconds": seconds, "quiet": quiet, "during_jump": during, "clock_call": took}


if __name__ == "__main__":
    print(json.dumps(run_jump_bench() if "jump" in sys.argv[1:] else run_wrk_bench(), indent=2))
