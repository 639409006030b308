"""``python -m examples.reference_tracker`` as a user runs it: a real process on a free port,
pointed at a served sandbox, stopped with SIGTERM; mistakes are one line and exit code 2."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.examples.harness import checked_since, move_clock, register, served, shipped, wait_for
from tests.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_tracker(*args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.Popen(
        [sys.executable, "-m", "examples.reference_tracker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.live
@pytest.mark.slow
def test_the_tracker_runs_as_a_process_tracks_and_stops_cleanly() -> None:
    with served(shipped("baseline", 80)) as sandbox, httpx.Client(timeout=30) as http:
        port = free_port()
        process = run_tracker("--sandbox", sandbox, "--port", str(port), "--poll-interval", "200ms")
        url = f"http://127.0.0.1:{port}"
        try:

            def healthy() -> bool:
                try:
                    return http.get(f"{url}/health").status_code == 200
                except httpx.TransportError:
                    assert process.poll() is None, process.communicate()
                    return False

            wait_for(healthy, 30, "the tracker process to serve")
            now = move_clock(http, sandbox, advance="2d12h")
            delivered = http.get(f"{sandbox}/_sandbox/parcels", params={"status": "DELIVERED", "limit": 3})
            picked = delivered.json()["items"]
            assert picked
            for p in picked:
                register(http, url, p["carrier"], p["tracking_number"])
                assert (
                    checked_since(http, url, p["carrier"], p["tracking_number"], now)["status"] == "delivered"
                )
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=30)
        # uvicorn shuts down gracefully, then re-raises the signal so the exit status tells of it.
        assert process.returncode in (0, -signal.SIGTERM), err
        assert f"serving http://127.0.0.1:{port}" in err and "stopped after" in err, err
        assert "Traceback" not in err


@pytest.mark.live
@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "--sandbox URL is required"),
        (["--sandbox", "http://127.0.0.1:1", "--broken", "fast"], "invalid choice: 'fast'"),
        (["--sandbox", "http://127.0.0.1:1", "--silence", "forever"], "not a duration"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    process = run_tracker(*args)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert message in err and "Traceback" not in err


@pytest.mark.live
def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = run_tracker("--sandbox", "http://127.0.0.1:1", "--port", str(port))
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.strip().count("\n") == 0 and f"--port {port}: cannot listen" in err, err
