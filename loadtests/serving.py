"""Run the pieces of a load test as subprocesses on loopback: a served sandbox
(``parcel-sandbox serve``), and locust itself. Used by ``smoke``, ``measure`` and the tests — never
imports locust, whose gevent monkey-patching must stay out of the calling process."""

from __future__ import annotations

import contextlib
import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from loadtests import sandbox

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILES = ("loadtests/shoppers.py", "loadtests/aggregators.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def script(name: str) -> str:
    """A console script of this virtualenv (``locust``, ``parcel-sandbox``)."""
    path = BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: install the project with its dev extras (make venv)")
    return str(path)


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]


def wait_until_up(base: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base} exited with code {process.returncode}")
        try:
            sandbox.health(base)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer within {timeout:g} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it lingers: only the process we started."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


@contextlib.contextmanager
def served_sandbox(
    scenario: str = "baseline",
    *,
    advance: str | None = "2d",
    realtime_speed: float | None = None,
    port: int | None = None,
    log: Path | None = None,
) -> Iterator[Served]:
    """``parcel-sandbox serve SCENARIO`` on 127.0.0.1; the clock moved by ``advance`` (so parcels
    exist), then set running at ``realtime_speed`` if given. Stopped on exit."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    out = log.open("wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [script("parcel-sandbox"), "serve", scenario, "--host", "127.0.0.1", "--port", str(port)],
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        wait_until_up(base, process)
        if advance:
            sandbox.set_clock(base, advance=advance)
        if realtime_speed:
            sandbox.set_clock(base, mode="realtime", speed=realtime_speed)
        yield Served(base, process)
    finally:
        stop(process)
        if log and not isinstance(out, int):
            out.close()


def locust_command(
    host: str,
    *,
    locustfiles: Sequence[str] = LOCUSTFILES,
    users: int | None = 10,
    spawn_rate: float | None = 10,
    run_time: str | None = "15s",
    results: Path | None = None,
    extra: Sequence[str] = (),
) -> list[str]:
    """A headless locust command line; ``results`` gets ``stats_*.csv`` and ``report.html``."""
    cmd = [script("locust"), "-f", ",".join(locustfiles), "--headless", "--host", host, "--only-summary"]
    if users is not None:
        cmd += ["-u", str(users)]
    if spawn_rate is not None:
        cmd += ["-r", str(spawn_rate)]
    if run_time is not None:
        cmd += ["-t", run_time, "--stop-timeout", "2"]
    if results is not None:
        cmd += ["--csv", str(results / "stats"), "--html", str(results / "report.html")]
    return [*cmd, *extra]


def run_locust(
    cmd: Sequence[str], timeout: float, log: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run locust to completion (bounded by ``timeout``), capturing its output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    if log is not None:
        log.write_text(result.stdout + result.stderr, encoding="utf-8")
    return result


def read_stats(results: Path) -> list[dict[str, str]]:
    """Rows of locust's ``stats_stats.csv`` (the last one is ``Aggregated``)."""
    with (results / "stats_stats.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def requests_by_carrier(rows: Sequence[dict[str, str]]) -> dict[str, int]:
    """Requests per first path segment (``ups``, ``fedex``, …, ``_sandbox``)."""
    out: dict[str, int] = {}
    for row in rows:
        name = row["Name"]
        if row["Type"] and name.startswith("/"):
            key = name.split("/")[1].split("?")[0]
            out[key] = out.get(key, 0) + int(row["Request Count"])
    return out
