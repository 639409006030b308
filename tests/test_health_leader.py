"""``/_sandbox/health`` says who runs the engine (host, process, runner) and how far it has got: the
sandbox's own thread or process, or — in a world shared through Redis — the holder of the engine
lock, whichever process that is."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.world.sandbox import Sandbox
from tests.conftest import small_scenario


def _scenario():  # type: ignore[no-untyped-def]
    return small_scenario(duration="1d", demand={"parcels_per_day": 40})


@pytest.mark.unit
def test_health_names_this_process_for_an_engine_thread() -> None:
    sandbox = Sandbox(_scenario(), runner="thread")
    with TestClient(create_app(sandbox=sandbox)) as http:
        http.post("/_sandbox/clock", json={"advance": "2h"})
        health = http.get("/_sandbox/health").json()
    sandbox.close()
    assert health["engine_leader"] == {"host": os.uname().nodename, "pid": os.getpid(), "runner": "thread"}
    assert health["frontier"] >= "2026"  # an ISO instant


@pytest.mark.live
def test_health_names_the_engine_process() -> None:
    sandbox = Sandbox(_scenario(), runner="process", lookahead=timedelta(0))
    try:
        sandbox.case_numbers()  # waits for the engine's first word: its process is up
        leader = sandbox.engine_leader()
        assert leader["runner"] == "process" and leader["host"] == os.uname().nodename
        assert leader["pid"] != os.getpid()
        assert leader["pid"] in [c.pid for c in psutil.Process().children()]
    finally:
        sandbox.close()


@pytest.mark.live
def test_health_names_the_holder_of_the_engine_lock_in_a_shared_world(tmp_path: Path, redis_url: str) -> None:
    leader = Sandbox(_scenario(), store=redis_url, state_dir=tmp_path / "a", runner="thread")
    follower = Sandbox(_scenario(), store=redis_url, state_dir=tmp_path / "b", runner="thread")
    assert follower.engine_leader()["pid"] is None  # nobody leads yet
    publisher = leader.engine_publisher()
    publisher.start()
    try:
        assert leader.settled(60)
        seen = follower.engine_leader()
        assert (seen["host"], seen["pid"], seen["runner"]) == (os.uname().nodename, os.getpid(), "redis")
        assert seen["this_process"] is True  # both sandboxes live in this test's process
    finally:
        publisher.stop()
        follower.close()
        leader.close()
