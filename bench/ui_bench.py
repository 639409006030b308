"""Does the UI's live work ever stall the server? ``parcel-sandbox serve`` in a process of its own;
from here, one thread reads the summary's server-sent events and another pings ``GET
/_sandbox/clock`` back to back, while the clock moves 7 days at once (``POST /_sandbox/clock?wait=
false``). Reports the move's wall time, the ping's latency (median, p99, max) and the longest gap
between two summary messages while the world was moving (the stream sends at most every 0.5 s, so
0.5 s is the floor). The same run with nothing moving is the baseline the figures compare against.

    python -m bench.ui_bench [SCENARIO] [--days 7]       # baseline by default

The same measurement runs a second time on a server whose running totals are switched off
(``WITHOUT_TALLY``): the ratio of the two is the UI's share of any stall, whatever the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: ``parcel-sandbox serve`` with the UI's running totals switched off: the tally gets no events and
#: runs no thread (the stream still answers). The baseline the UI's cost is measured against.
WITHOUT_TALLY = """
import sys
import mock_carriers.ui as ui
from mock_carriers.world.tally import Tally
def idle(sandbox):
    tally = Tally(lambda: None)
    tally.start = lambda: None
    return tally
ui.start_tally = idle
from parcel_sandbox.cli import main
sys.exit(main(sys.argv[1:]))
"""


@contextmanager
def served(scenario: str, *flags: str, tally: bool = True) -> Iterator[str]:
    """``parcel-sandbox serve SCENARIO`` on a free loopback port, until the block ends."""
    port = free_port()
    launch = ["-m", "parcel_sandbox.cli"] if tally else ["-c", WITHOUT_TALLY]
    command = [sys.executable, *launch, "serve", scenario, "--port", str(port), *flags]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/_sandbox/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"serve did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Watch:
    """The summary stream and a ping loop on threads of their own, recording what they saw."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.stop = threading.Event()
        self.messages: list[float] = []  # monotonic instants of summary messages
        self.pings: list[tuple[float, float, int]] = []  # (sent, seconds, status)
        self.threads = [threading.Thread(target=f, daemon=True) for f in (self._stream, self._ping)]

    def __enter__(self) -> Watch:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def _stream(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            while not self.stop.is_set():  # a stream lasts ~20 s; open the next at once
                with http.stream("GET", "/_sandbox/summary/stream") as response:
                    for line in response.iter_lines():
                        if line.startswith("event: summary"):
                            self.messages.append(time.monotonic())
                        if self.stop.is_set():
                            return

    def _ping(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            while not self.stop.is_set():
                sent = time.monotonic()
                status = http.get("/_sandbox/clock").status_code
                self.pings.append((sent, time.monotonic() - sent, status))
                time.sleep(0.01)

    def figures(self, start: float, end: float) -> dict[str, Any]:
        lat = sorted(s for t, s, _ in self.pings if start <= t <= end)
        seen = [t for t in self.messages if start <= t <= end]
        gaps = [b - a for a, b in zip([start, *seen], [*seen, end], strict=True)]
        return {
            "pings": len(lat),
            "ping_errors": sum(1 for t, _, code in self.pings if start <= t <= end and code != 200),
            "ping_median_ms": round(1000 * statistics.median(lat), 1) if lat else None,
            "ping_p99_ms": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1) if lat else None,
            "ping_max_ms": round(1000 * lat[-1], 1) if lat else None,
            "messages": len(seen),
            "max_message_gap_s": round(max(gaps), 3) if gaps else None,
        }


def measure(base: str, days: float = 7.0, quiet_s: float = 5.0, timeout_s: float = 900.0) -> dict[str, Any]:
    """Quiet figures for ``quiet_s``, then the same while the clock moves ``days`` at once."""
    with httpx.Client(base_url=base, timeout=60) as http, Watch(base) as watch:
        time.sleep(1.0)  # the stream's first message
        quiet_start = time.monotonic()
        time.sleep(quiet_s)
        quiet = watch.figures(quiet_start, time.monotonic())
        moved = time.monotonic()
        answer = http.post("/_sandbox/clock?wait=false", json={"advance": f"{days:g}d"})
        assert answer.status_code in (200, 202), answer.text
        deadline = moved + timeout_s
        while True:
            clock = http.get("/_sandbox/clock").json()
            if clock["now"] == clock["target"]:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the engine did not reach the target in {timeout_s} s: {clock}")
            time.sleep(0.2)
        done = time.monotonic()
        time.sleep(1.5)  # the summary of the world at the target
        moving = watch.figures(moved, done)
        final = http.get("/_sandbox/summary").json()
    return {
        "days": days,
        "move_s": round(done - moved, 2),
        "quiet": quiet,
        "moving": moving,
        "numbers": final["numbers"]["total"],
        "events": final["events"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", nargs="?", default="baseline")
    parser.add_argument("--days", type=float, default=7.0)
    args = parser.parse_args(argv)
    result: dict[str, Any] = {"scenario": args.scenario, "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
    for name, tally in (("with_tally", True), ("without_tally", False)):
        with served(args.scenario, tally=tally) as base:
            result[name] = measure(base, args.days)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
