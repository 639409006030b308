"""The world shared through Redis (``--store redis://…``): a real ``redis-server`` (one per test
session, ``tests/redis_server.py``), real ``serve`` processes — several API workers, a second
host's ``--role api`` — and ``kill -9`` of every process of a sandbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_carriers.world.sandbox import Sandbox
from tests.conftest import small_scenario
from tests.live import free_port
from tests.served_process import small_world

_LAUNCH = """
import argparse, json, sys
from mock_carriers.serve import serve
from sim.scenario import load_scenario
scenario, _ = load_scenario(sys.argv[1])
sys.exit(serve(scenario, argparse.Namespace(**json.loads(sys.argv[2]))))
"""


@contextmanager
def served(scenario_file: Path, store: str, **options: Any) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``parcel-sandbox serve --store …`` in a session of its own (its API workers and engine
    process with it, so a test can kill every one of them at once)."""
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
        "store": store,
        **options,
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", _LAUNCH, str(scenario_file), json.dumps(args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/_sandbox/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "sandbox process did not start"
            time.sleep(0.1)
        yield base, proc
    finally:
        kill_all(proc, signal.SIGTERM)


def kill_all(proc: subprocess.Popen[bytes], sig: int) -> None:
    """Signal every process of the sandbox's session (the ones this test started)."""
    if proc.poll() is None or sig == signal.SIGKILL:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


def ups_body(http: httpx.Client, base: str, tn: str, token: str) -> dict[str, Any]:
    r = http.get(
        f"{base}/ups/api/track/v1/details/{tn}",
        headers={"Authorization": f"Bearer {token}", "transId": "t1", "transactionSrc": "test"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def ups_token(http: httpx.Client, base: str) -> str:
    r = http.post(
        f"{base}/ups/security/v1/oauth/token",
        auth=("id", "secret"),
        data={"grant_type": "client_credentials"},
    )
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def ups_numbers(http: httpx.Client, base: str, n: int = 5) -> list[str]:
    page = http.get(f"{base}/_sandbox/parcels", params={"carrier": "ups", "limit": n}).json()
    return [p["tracking_number"] for p in page["items"]]


@pytest.mark.live
@pytest.mark.slow
def test_workers_and_a_second_host_serve_one_world_with_shared_limits_and_resume_after_kill_9(
    tmp_path: Path, redis_url: str
) -> None:
    world = small_world(tmp_path)
    http = httpx.Client(timeout=60)
    with served(world, redis_url, workers=2) as (a, proc_a), served(world, redis_url, role="api") as (b, _):
        r = http.post(f"{a}/_sandbox/clock", json={"advance": "2d"})
        assert r.status_code == 200, r.text
        # The move is shown at once everywhere: by both workers of A (many calls reach both) and by B.
        clocks = {http.get(f"{base}/_sandbox/clock").json()["now"] for base in (a, b) for _ in range(6)}
        assert len(clocks) == 1
        numbers = ups_numbers(http, a)
        assert numbers and numbers == ups_numbers(http, b)
        # A token issued by host B works on every worker of host A, with the same bodies.
        token = ups_token(http, b)
        bodies = {tn: ups_body(http, b, tn, token) for tn in numbers}
        for _ in range(3):
            assert {tn: ups_body(http, a, tn, token) for tn in numbers} == bodies
        now = http.get(f"{a}/_sandbox/clock").json()["now"]
        # A rate limit set on one worker holds across every worker and host: 7 tokens an hour in all.
        limits = {"ups": {"window": "1h", "window_limit": 7, "routes": ["token"]}}
        assert http.put(f"{b}/_sandbox/faults", json={"rate_limits": limits}).status_code == 200
        time.sleep(0.5)  # the notice reaches every worker
        codes = [
            http.post(
                f"{base}/ups/security/v1/oauth/token",
                auth=("id", "secret"),
                data={"grant_type": "client_credentials"},
            ).status_code
            for _ in range(10)
            for base in (a, b)
        ]
        assert codes.count(200) == 7 and codes.count(429) == 13, codes

        # kill -9 every process of A (its API workers and its engine); B goes on serving.
        kill_all(proc_a, signal.SIGKILL)
        assert {tn: ups_body(http, b, tn, token) for tn in numbers} == bodies
        with served(world, redis_url, workers=2) as (a2, _):
            assert http.get(f"{a2}/_sandbox/clock").json()["now"] == now
            assert {tn: ups_body(http, a2, tn, token) for tn in numbers} == bodies
            # The engine resumed (re-simulated silently, then went on): the clock moves again.
            r = http.post(f"{a2}/_sandbox/clock", json={"advance": "1d"})
            assert r.status_code == 200, r.text
            assert http.get(f"{b}/_sandbox/clock").json()["now"] == r.json()["now"]
            # A reset made on B is followed by every worker of A (announced over Redis: a worker
            # busy with a request follows it moments later, not in the same instant).
            assert http.post(f"{b}/_sandbox/reset", json={}).status_code == 200
            deadline = time.monotonic() + 30
            while True:
                generations = {
                    http.get(f"{a2}/_sandbox/health").json()["engine"]["generation"] for _ in range(8)
                }
                if generations == {1} or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert generations == {1}
            assert ups_body_status(http, a2, numbers[0], token) == 401  # tokens of the old world are gone


def ups_body_status(http: httpx.Client, base: str, tn: str, token: str) -> int:
    r = http.get(
        f"{base}/ups/api/track/v1/details/{tn}",
        headers={"Authorization": f"Bearer {token}", "transId": "t1", "transactionSrc": "test"},
    )
    return r.status_code


def _views(sandbox: Sandbox) -> dict[str, Any]:
    now = sandbox.now()
    out = {}
    for summary in sandbox.store.list(now.timestamp(), limit=100_000):
        view = sandbox.view(summary.carrier, summary.tracking_number, now)
        assert view is not None
        out[summary.tracking_number] = (view.events, view.truth)
    return out


@pytest.mark.live
@pytest.mark.slow
def test_memory_sqlite_and_redis_stores_serve_the_same_world(tmp_path: Path, redis_url: str) -> None:
    """The store protocol's shared check: one world, three stores, the same views at the same instant
    (parcels in memory and parcels moved to the archive alike)."""
    scenario = small_scenario(duration="1d", demand={"parcels_per_day": 80})
    # Engines in processes, as serve runs them: the truth of an in-flight parcel is then the
    # snapshot of its latest batch in every store (a thread's would be the engine's live object).
    # No look-ahead: every engine stops at the target, so each store holds the same batches.
    common: dict[str, Any] = {"retention": timedelta(hours=1), "runner": "process", "lookahead": timedelta(0)}
    worlds = {
        "memory": Sandbox(scenario, state_dir=tmp_path / "mem", **common),
        "sqlite": Sandbox(scenario, db=tmp_path / "world.sqlite", **common),
        "redis": Sandbox(scenario, store=redis_url, state_dir=tmp_path / "red", **common),
    }
    publisher = worlds["redis"].engine_publisher()
    publisher.start()
    try:
        for sandbox in worlds.values():
            sandbox.clock.advance(4 * 86400)
        views = {}
        for name, sandbox in worlds.items():
            assert sandbox.settled(120), name
            for _ in range(10):  # the housekeeping moves finished parcels to the archive
                sandbox.housekeeping(sandbox._feed)
            views[name] = _views(sandbox)
        assert views["memory"], "the world has parcels"
        assert views["sqlite"] == views["memory"]
        assert views["redis"] == views["memory"]
        assert len(worlds["redis"].store) < len(views["redis"]), "some parcels were moved to the archive"
    finally:
        publisher.stop()
        for sandbox in worlds.values():
            sandbox.close()


@pytest.mark.live
@pytest.mark.slow
def test_webhooks_go_out_once_from_one_leader_and_survive_kill_9(tmp_path: Path, redis_url: str) -> None:
    from tests.live import live_server
    from tests.test_engine_worker import _visible_event_ids
    from tests.test_webhooks import Receiver

    receiver = Receiver()
    world = small_world(tmp_path, name="hooks", duration="2d")
    http = httpx.Client(timeout=120)
    with live_server(receiver.app) as hook_base:
        with served(world, redis_url, workers=2) as (a, proc_a):
            sub = http.post(f"{a}/_sandbox/webhooks", json={"url": f"{hook_base}/hook", "secret": "s3"})
            assert sub.status_code == 201, sub.text
            sid = sub.json()["id"]
            # Every worker knows the subscription at once (a listing reaches both).
            assert all(
                [s["id"] for s in http.get(f"{a}/_sandbox/webhooks").json()] == [sid] for _ in range(4)
            )
            assert http.post(f"{a}/_sandbox/clock", json={"advance": "1d"}).status_code == 200
            deadline = time.monotonic() + 60
            while len(receiver.snapshot()) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            kill_all(proc_a, signal.SIGKILL)
        before_kill = len(receiver.snapshot())
        with served(world, redis_url, workers=2) as (a2, _):
            assert http.post(f"{a2}/_sandbox/clock", json={"advance": "6h"}).status_code == 200
            deadline = time.monotonic() + 180
            while True:
                c = http.get(f"{a2}/_sandbox/webhooks/{sid}").json()["deliveries"]
                if (
                    c["pending"] == 0
                    and c["delivered"]
                    and not http.get(f"{a2}/_sandbox/clock").json()["engine"]["behind_seconds"]
                ):
                    break
                assert time.monotonic() < deadline, c
                time.sleep(0.2)
            time.sleep(1.0)  # anything still due is released within the dispatcher's tick
            c = http.get(f"{a2}/_sandbox/webhooks/{sid}").json()["deliveries"]
            assert c["pending"] == 0, c
            visible = _visible_event_ids(http, a2)
    calls = receiver.snapshot()
    assert before_kill >= 20 and len(calls) > before_kill
    delivered = {call.json["event"]["event_id"] for call in calls}
    assert visible <= delivered, f"{len(visible - delivered)} visible events never delivered"
    per_id: dict[str, list[int]] = {}
    for call in calls:
        per_id.setdefault(call.delivery_id, []).append(int(call.headers["x-parcel-sandbox-attempt"]))
    repeated = {d: tries for d, tries in per_id.items() if len(tries) > 1}
    # Only the sends in flight when the leader died go twice (at most max_in_flight = 8), with the
    # same delivery id and the next attempt number.
    assert len(repeated) <= 8, f"{len(repeated)} deliveries repeated"
    assert all(tries == list(range(1, len(tries) + 1)) for tries in repeated.values()), repeated


@pytest.mark.live
@pytest.mark.slow
def test_a_hundred_resets_under_load_with_redis_and_two_workers(tmp_path: Path, redis_url: str) -> None:
    import threading

    from tests.test_engine_worker import _load

    world = small_world(tmp_path, name="resets")
    http = httpx.Client(timeout=60)
    with served(world, redis_url, workers=2, engine="thread") as (a, proc_a):
        assert http.post(f"{a}/_sandbox/clock", json={"advance": "2d"}).status_code == 200
        numbers = [
            p["tracking_number"] for p in http.get(f"{a}/_sandbox/parcels?carrier=dhl").json()["items"]
        ]
        assert numbers
        stop = threading.Event()
        statuses: list[int] = []
        load = [threading.Thread(target=_load, args=(a, numbers, stop, statuses)) for _ in range(3)]
        for thread in load:
            thread.start()
        try:
            for n in range(100):
                assert http.post(f"{a}/_sandbox/reset", json={}).status_code == 200
                step = http.post(f"{a}/_sandbox/clock", json={"advance": "6h"}, params={"wait": "false"})
                assert step.status_code in (200, 202), step.text
                if n % 10 == 0:
                    assert http.get(f"{a}/_sandbox/health").status_code == 200
        finally:
            stop.set()
            for thread in load:
                thread.join(timeout=60)
        assert proc_a.poll() is None, "the sandbox died"
        health = http.get(f"{a}/_sandbox/health").json()
        assert health["engine"]["generation"] == 100 and health["engine"]["state"] != "failed", health
        # The last world is served: its clock moves and the engine reaches it.
        assert http.post(f"{a}/_sandbox/clock", json={"advance": "1d"}).status_code == 200
    assert statuses and -1 not in statuses
    assert not [s for s in statuses if s >= 500], sorted(set(statuses))
    assert set(statuses) <= {200, 404}  # a number the new world has not reached yet: not found


@pytest.mark.unit
def test_a_machine_without_redis_server_fails_with_one_line_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    from tests import redis_server

    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception) as failed:
        redis_server.RedisServer(tmp_path)
    message = str(failed.value)
    assert "\n" not in message and "apt-get install -y redis-server" in message


def _world(url: str) -> Any:
    from mock_carriers.world.redis_world import SharedWorld

    scenario = small_scenario()
    return SharedWorld(
        url,
        "unit",
        "parcel-sandbox/test",
        7,
        start=scenario.start,
        mode="manual",
        speed=1.0,
        horizon=scenario.start + timedelta(days=10),
        limit=scenario.start + timedelta(days=10),
    )


@pytest.mark.live
def test_a_clock_move_on_one_process_is_checked_against_and_seen_by_the_others(redis_url: str) -> None:
    from mock_carriers.world.clock import ClockError

    a, b = _world(redis_url), _world(redis_url)
    clock_a, clock_b = a.clock(0), b.clock(0)
    b.on("clock", clock_b.refresh)
    b.listen()
    try:
        moved = clock_a.advance(3600)
        # b has not heard yet, or has: either way it cannot move the world back behind a's move.
        with pytest.raises(ClockError, match="backwards"):
            clock_b.set(moved - timedelta(minutes=1))
        deadline = time.monotonic() + 5
        while clock_b.now() != moved:
            assert time.monotonic() < deadline, "the move never reached the other process"
            time.sleep(0.01)
        clock_b.set_mode("realtime")
        clock_b.set_speed(3600)
        clock_a.refresh()
        assert clock_a.mode == "realtime" and clock_a.speed == 3600
        # Both read the same realtime instant (the Redis server's wall clock), to a few ms × 3600.
        gap = abs((clock_a.now() - clock_b.now()).total_seconds())
        assert gap < 3600 * 0.05, gap
    finally:
        a.close()
        b.close()


@pytest.mark.live
def test_a_writer_that_lost_the_engine_lock_cannot_append(redis_url: str) -> None:
    from mock_carriers.world.redis_feed import EnginePublisher, StreamReplica
    from mock_carriers.world.redis_link import Lease
    from mock_carriers.world.worker import Batch, EventHash

    world = _world(redis_url)
    keys = world.gen(0)
    old, new = Lease(world.client, world.keys.engine_lock), Lease(world.client, world.keys.engine_lock)

    def publisher(lease: Lease) -> EnginePublisher:
        return EnginePublisher(
            world.client, lease, world.current, world.gen, lambda seed: list, lambda g: 0.0, 1e12, 0.0, 0.0
        )

    batch = Batch([], {}, [], 1000.0, 0, False)
    try:
        assert old.acquire() and not new.acquire()
        assert publisher(old)._publish(keys, batch, EventHash())
        world.client.delete(world.keys.engine_lock)  # as if it expired while the old leader hung
        assert new.acquire()
        assert not publisher(old)._publish(keys, Batch([], {}, [], 2000.0, 0, False), EventHash())
        assert world.client.xlen(keys.feed) == 1
        assert world.client.hget(keys.meta, "frontier") == b"1000.0"
        replica = StreamReplica(world.client, keys)
        world.client.hset(keys.meta, "cases", "[]")
        replica.start()
        try:
            messages = [replica.receive(5), replica.receive(5)]
        finally:
            replica.stop()
        assert [type(m).__name__ for m in messages] == ["Hello", "Batch"]
        assert messages[1].frontier == 1000.0
    finally:
        world.close()


@pytest.mark.live
def test_a_token_storm_on_one_worker_expires_the_tokens_every_worker_knows(redis_url: str) -> None:
    from mock_carriers.world.redis_tokens import SharedTokens

    a, b = _world(redis_url), _world(redis_url)
    tokens_a, tokens_b = SharedTokens(a, lambda: 0, 7), SharedTokens(b, lambda: 0, 7)
    b.listen()
    try:
        token = tokens_a.issue("ups", "client-1", 3600)
        assert tokens_b.check("ups", token.access_token) == "ok"
        assert tokens_b.client_of("ups", token.access_token) == "client-1"
        assert tokens_b.check("ups", "f" * 64) == "invalid"
        assert tokens_a.issue("ups", "c", 3600).access_token != tokens_b.issue("ups", "c", 3600).access_token
        assert tokens_a.expire_all("ups") == 3
        deadline = time.monotonic() + 5
        while tokens_b.check("ups", token.access_token) != "expired":
            assert time.monotonic() < deadline, "the storm never reached the other worker"
            time.sleep(0.01)
        fresh = tokens_b.issue("ups", "client-1", 3600)
        assert tokens_a.check("ups", fresh.access_token) == "ok"
    finally:
        a.close()
        b.close()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--workers", "2"], "--workers and --role need a shared world: add --store redis://"),
        (["--role", "api"], "--workers and --role need a shared world"),
        (["--store", "http://127.0.0.1:6379/0"], "use redis://HOST:PORT/DB"),
        (["--store", "redis://127.0.0.1:6379/zero"], "the database is a number"),
        (["--store", "redis://127.0.0.1:1/0"], "Redis does not answer"),
        (["--store", "redis://127.0.0.1:1/0", "--db", "x.sqlite"], "--db and --store"),
    ],
)
def test_bad_store_and_worker_flags_are_one_line_exit_2(
    flags: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from parcel_sandbox.cli import main as cli_main

    code = cli_main(["serve", "baseline", "--port", str(free_port()), *flags])
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and words in lines[0], lines
