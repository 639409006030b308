"""``mock_carriers.serve.serve`` in a child process on a free loopback port, for tests that need a
server of its own: its memory measured apart from the test's, two processes compared, the settings
of ``serve`` (flags, environment) applied as the CLI applies them."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.conftest import scenario_dict
from tests.live import free_port

_LAUNCH = """
import argparse, json, sys
from mock_carriers.serve import serve
from sim.scenario import load_scenario
scenario, _ = load_scenario(sys.argv[1])
sys.exit(serve(scenario, argparse.Namespace(**json.loads(sys.argv[2]))))
"""


def small_world(directory: Path, name: str = "served", **overrides: Any) -> Path:
    """A scenario file of the baseline at a size a test can serve: a day, a few parcels."""
    data = scenario_dict()
    data.update({"name": name, "duration": "1d", "drain": "10d", **overrides})
    data["demand"] = {**data["demand"], "parcels_per_day": 60}
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Served:
    base: str
    proc: subprocess.Popen[bytes]

    def _status(self, key: str) -> int:
        """A memory figure of the server process from /proc, in bytes."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
        raise KeyError(key)

    def rss(self) -> int:
        return self._status("VmRSS")

    def peak_rss(self) -> int:
        return self._status("VmHWM")

    def alive(self) -> bool:
        return self.proc.poll() is None


@contextlib.contextmanager
def sandbox_process(
    scenario_file: Path, env: dict[str, str] | None = None, **options: Any
) -> Iterator[Served]:
    """Serve the scenario as ``parcel-sandbox serve`` would, with ``options`` as its parsed flags."""
    port = free_port()
    args = {
        "host": "127.0.0.1",
        "port": port,
        "seed": None,
        "clock": "manual",
        "speed": 1.0,
        "db": None,
        "stop_demand": True,
        "webhook_allow": [],
        **options,
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, str(scenario_file), json.dumps(args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # Any answer means the server is up (a token-guarded health check answers 401).
                httpx.get(f"{base}/docs", timeout=2)
                break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"sandbox process did not start: {err}")
            time.sleep(0.1)
        yield Served(base, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        if proc.stderr:
            proc.stderr.close()
