"""The world off the request path: the engine worker, the frontier contract, the effective clock,
clock moves that never block, resets under load, and resuming a ``--db`` world after ``kill -9``."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.worker import STEP_S, EventHash
from sim.engine import Engine
from tests.carriers.client_dhl import DhlClient
from tests.conftest import small_scenario
from tests.live import live_server
from tests.served_process import sandbox_process, small_world


def _scenario() -> Any:
    return small_scenario(duration="1d", drain="4d", demand={"parcels_per_day": 200})


def _log(step_s: float, until_s: float) -> tuple[int, str]:
    engine = Engine(_scenario(), seed=5)
    digest = EventHash()
    t = 0.0
    while t < until_s:
        t = min(until_s, t + step_s)
        digest.update(engine.advance(t))
    return digest.count, digest.hexdigest()


@pytest.mark.slow
def test_the_log_and_its_hash_do_not_depend_on_the_step() -> None:
    """What makes resuming possible: re-simulating with other steps reproduces the log exactly."""
    coarse = _log(STEP_S * 6, 2 * 86400)
    fine = _log(STEP_S / 4, 2 * 86400)
    assert coarse[0] > 500
    assert coarse == fine


@pytest.mark.slow
def test_frontier_contract_over_a_whole_run() -> None:
    """Engine.frontier is engine now, and no event emitted later is visible before it."""
    engine = Engine(_scenario(), seed=3)
    end = engine.end
    assert end is not None
    emitted = 0
    while engine.now < end:
        before = engine.frontier
        events = engine.advance(min(end, engine.now + timedelta(minutes=23)))
        assert engine.frontier == engine.now
        for e in events:
            visible = datetime.fromisoformat(e.visible_at)
            assert visible >= before, (
                f"{e.tracking_number} {e.code} visible {e.visible_at} < frontier {before}"
            )
        emitted += len(events)
    assert emitted > 1000


def _sandbox(**kw: Any) -> Sandbox:
    return Sandbox(_scenario(), seed=5, endless=False, **kw)


@pytest.mark.live
def test_effective_clock_never_passes_the_frontier() -> None:
    sandbox = _sandbox(lookahead=timedelta(0))
    try:
        sandbox.clock.advance(3 * 86400)  # the move is instant; the engine catches up behind it
        seen = []
        while not sandbox.caught_up():
            now, frontier = sandbox.now(), sandbox.frontier
            assert now <= max(frontier, sandbox.clock.now())
            seen.append(now)
            time.sleep(0.01)
        assert sandbox.now() == sandbox.clock.now()
        assert seen and seen[0] < sandbox.clock.now(), "the clock call returned before the world was there"
        # What the store shows at the effective clock is what a batch run shows at that instant.
        at = sandbox.now()
        expected: dict[str, list[str]] = {}
        for e in Engine(_scenario(), seed=5).advance(at):
            if datetime.fromisoformat(e.visible_at) <= at:
                expected.setdefault(e.tracking_number, []).append(e.event_id)
        assert len(expected) > 100
        for tn, ids in expected.items():
            rec = sandbox.record(tn)
            assert rec is not None, tn
            assert [e.event_id for e in rec.visible_events(at.timestamp())] == ids
    finally:
        sandbox.close()


@pytest.mark.live
def test_clock_move_answers_202_with_progress_then_200() -> None:
    app = create_app(_scenario(), seed=5)
    sandbox = app.state.sandbox
    sandbox.lookahead = timedelta(0)
    with TestClient(app) as http:
        r = http.post("/_sandbox/clock", json={"advance": "4d"}, params={"wait": "false"})
        assert r.status_code == 202, r.text
        body = r.json()
        assert body["engine"]["state"] in ("starting", "running")
        assert datetime.fromisoformat(body["target"]) > datetime.fromisoformat(body["now"])
        assert body["engine"]["behind_seconds"] > 0
        health = http.get("/_sandbox/health").json()
        assert {"now", "target", "frontier", "engine"} <= set(health)
        r = http.post("/_sandbox/clock", json={}, params={"timeout": 300})
        assert r.status_code == 200 and r.json()["now"] == r.json()["target"]
        assert r.json()["engine"]["state"] in ("caught-up", "finished", "running")


@pytest.mark.live
def test_a_move_to_the_end_of_time_is_refused_at_once() -> None:
    app = create_app(_scenario(), seed=5)
    with TestClient(app) as http:
        started = time.monotonic()
        r = http.post("/_sandbox/clock", json={"to": "9999-12-31T23:59:59Z"})
        assert r.status_code == 400 and "limit" in r.json()["detail"]
        assert time.monotonic() - started < 30
        assert http.get("/_sandbox/clock").json()["engine"]["state"] != "failed"


@pytest.mark.live
def test_tracking_answers_while_a_clock_move_is_still_running(tmp_path: Path) -> None:
    """The request path never waits for the simulation: a tracking call completes while the
    engine is still on its way to a week ahead."""
    with sandbox_process(small_world(tmp_path, duration="8d"), stop_demand=True) as served:
        http = httpx.Client(timeout=30)
        first = http.post(f"{served.base}/_sandbox/clock", json={"advance": "1d"}, params={"timeout": 120})
        assert first.status_code == 200
        tn = next(
            p["tracking_number"]
            for p in http.get(f"{served.base}/_sandbox/parcels", params={"carrier": "dhl"}).json()["items"]
        )
        moved = http.post(f"{served.base}/_sandbox/clock", json={"advance": "7d"}, params={"wait": "false"})
        assert moved.status_code == 202
        dhl = DhlClient(http, f"{served.base}/dhl")
        dhl.authenticate()
        answered_while_running = 0
        for _ in range(50):
            r = dhl.track(tn)
            assert r.status_code == 200, r.text
            state = http.get(f"{served.base}/_sandbox/clock").json()
            if state["now"] != state["target"]:
                answered_while_running += 1
            else:
                break
        assert answered_while_running > 0


def _load(base: str, numbers: list[str], stop: threading.Event, statuses: list[int]) -> None:
    with httpx.Client(timeout=30) as http:
        dhl = DhlClient(http, f"{base}/dhl")
        dhl.authenticate()
        i = 0
        while not stop.is_set():
            try:
                statuses.append(dhl.track(numbers[i % len(numbers)]).status_code)
            except httpx.HTTPError:
                statuses.append(-1)
            i += 1


def _resets_under_load(tmp_path: Path, resets: int) -> None:
    app = create_app(_scenario(), seed=5, db=tmp_path / "world.sqlite", retention=timedelta(hours=1))
    with live_server(app) as base, httpx.Client(timeout=60) as http:
        http.post(f"{base}/_sandbox/clock", json={"advance": "2d"}, params={"timeout": 300})
        numbers = [
            p["tracking_number"] for p in http.get(f"{base}/_sandbox/parcels?carrier=dhl").json()["items"]
        ]
        assert numbers
        stop = threading.Event()
        statuses: list[int] = []
        workers = [threading.Thread(target=_load, args=(base, numbers, stop, statuses)) for _ in range(3)]
        for w in workers:
            w.start()
        try:
            for n in range(resets):
                assert http.post(f"{base}/_sandbox/reset", json={}).status_code == 200
                step = http.post(f"{base}/_sandbox/clock", json={"advance": "6h"}, params={"wait": "false"})
                assert step.status_code in (200, 202), step.text
                if n % 10 == 0:
                    assert http.get(f"{base}/_sandbox/health").status_code == 200
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=60)
        assert statuses and -1 not in statuses
        assert not [s for s in statuses if s >= 500], sorted(set(statuses))
        assert set(statuses) <= {200, 404}  # a number the new world has not reached yet: not found


@pytest.mark.live
def test_resets_under_load_with_db_never_crash(tmp_path: Path) -> None:
    _resets_under_load(tmp_path, 5)


@pytest.mark.slow
def test_a_hundred_resets_under_load_with_db(tmp_path: Path) -> None:
    _resets_under_load(tmp_path, 100)


def _bodies(base: str, numbers: list[str]) -> dict[str, Any]:
    with httpx.Client(timeout=30) as http:
        dhl = DhlClient(http, f"{base}/dhl")
        dhl.authenticate()
        out: dict[str, Any] = {}
        for tn in numbers:
            out[tn] = (http.get(f"{base}/_sandbox/parcels/{tn}").json(), dhl.track(tn).json())
        return out


@pytest.mark.slow
def test_kill_9_and_restart_with_db_resumes_the_same_world(tmp_path: Path) -> None:
    world = small_world(tmp_path, duration="3d")
    db = tmp_path / "world.sqlite"
    with sandbox_process(world, db=str(db)) as served:
        http = httpx.Client(timeout=120)
        r = http.post(f"{served.base}/_sandbox/clock", json={"advance": "2d"}, params={"timeout": 300})
        assert r.status_code == 200
        clock = r.json()
        items = http.get(f"{served.base}/_sandbox/parcels", params={"carrier": "dhl", "limit": 40}).json()[
            "items"
        ]
        numbers = [p["tracking_number"] for p in items]
        assert numbers
        before = _bodies(served.base, numbers)
        served.proc.kill()  # SIGKILL: no shutdown hook runs
        served.proc.wait(timeout=20)
    with sandbox_process(world, db=str(db)) as again:
        http = httpx.Client(timeout=120)
        resumed = http.get(f"{again.base}/_sandbox/clock").json()
        assert resumed["now"] == clock["now"] and resumed["target"] == clock["target"]
        assert _bodies(again.base, numbers) == before  # served from the file while re-simulating
        deadline = time.monotonic() + 300
        while http.get(f"{again.base}/_sandbox/health").json()["engine"]["state"] == "resimulating":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        health = http.get(f"{again.base}/_sandbox/health").json()
        assert health["engine"]["state"] != "failed", health
        r = http.post(f"{again.base}/_sandbox/clock", json={"advance": "1d"}, params={"timeout": 300})
        assert r.status_code == 200
        assert _bodies(again.base, numbers[:5]) != {}


@pytest.mark.live
def test_a_db_of_another_world_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "world.sqlite"
    sandbox = _sandbox(db=db)
    sandbox.sync()
    archive = sandbox.store.archive_open
    assert archive is not None
    archive.set_meta("version", "parcel-sandbox/0")
    sandbox.close()
    from sim.errors import UsageError

    with pytest.raises(UsageError, match="would not reproduce"):
        _sandbox(db=db)


def _visible_event_ids(http: httpx.Client, base: str) -> set[str]:
    ids: set[str] = set()
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = http.get(f"{base}/_sandbox/parcels", params=params).json()
        for item in page["items"]:
            detail = http.get(f"{base}/_sandbox/parcels/{item['tracking_number']}").json()
            ids.update(e["event_id"] for e in detail["events"])
        cursor = page["next"]
        if cursor is None:
            return ids


@pytest.mark.slow
def test_kill_9_mid_delivery_loses_no_webhook_and_repeats_only_the_one_in_flight(tmp_path: Path) -> None:
    from tests.test_webhooks import Receiver

    receiver = Receiver()
    world = small_world(tmp_path, duration="2d")
    db = tmp_path / "world.sqlite"
    with live_server(receiver.app) as hook_base:
        with sandbox_process(world, db=str(db)) as served:
            http = httpx.Client(timeout=120)
            sub = http.post(
                f"{served.base}/_sandbox/webhooks", json={"url": f"{hook_base}/hook", "secret": "s3"}
            )
            assert sub.status_code == 201, sub.text
            http.post(f"{served.base}/_sandbox/clock", json={"advance": "1d"}, params={"timeout": 300})
            deadline = time.monotonic() + 60
            while len(receiver.snapshot()) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            served.proc.kill()
            served.proc.wait(timeout=20)
        before_kill = len(receiver.snapshot())
        with sandbox_process(world, db=str(db)) as again:
            http = httpx.Client(timeout=120)
            r = http.post(f"{again.base}/_sandbox/clock", json={"advance": "6h"}, params={"timeout": 300})
            assert r.status_code == 200
            sid = sub.json()["id"]
            deadline = time.monotonic() + 180
            while True:
                c = http.get(f"{again.base}/_sandbox/webhooks/{sid}").json()["deliveries"]
                if c["pending"] == 0 and c["delivered"]:
                    break
                assert time.monotonic() < deadline, c
                time.sleep(0.2)
            visible = _visible_event_ids(http, again.base)
    calls = receiver.snapshot()
    assert before_kill >= 20 and len(calls) > before_kill
    delivered = {call.json["event"]["event_id"] for call in calls}
    assert visible <= delivered, f"{len(visible - delivered)} visible events never delivered"
    per_id: dict[str, int] = {}
    for call in calls:
        per_id[call.delivery_id] = per_id.get(call.delivery_id, 0) + 1
    repeated = [d for d, n in per_id.items() if n > 1]
    assert len(repeated) <= 16, (
        f"{len(repeated)} deliveries repeated (only those in flight at the kill may be)"
    )


@pytest.mark.unit
def test_a_saved_clock_resumes_at_its_instant_and_realtime_counts_the_time_it_was_down() -> None:
    from datetime import UTC

    from mock_carriers.world.clock import SandboxClock

    start = datetime(2026, 11, 2, tzinfo=UTC)
    wall = [100.0]
    clock = SandboxClock(start, "manual", wall=lambda: wall[0], limit=start + timedelta(days=30))
    clock.advance(3600)
    saved = clock.state(wall_time=1_000.0)
    again = SandboxClock(start, wall=lambda: wall[0], limit=start + timedelta(days=30))
    again.restore(saved, wall_time=1_500.0)  # down 500 s: a manual clock does not move
    assert again.now() == start + timedelta(hours=1) and again.mode == "manual"
    clock.set_mode("realtime")
    clock.set_speed(60)
    saved = clock.state(wall_time=2_000.0)
    again = SandboxClock(start, wall=lambda: wall[0], limit=start + timedelta(days=30))
    again.restore(saved, wall_time=2_010.0)  # down 10 wall seconds at ×60: ten sandbox minutes
    assert again.mode == "realtime" and again.speed == 60
    assert again.now() == start + timedelta(hours=1, minutes=10)
    far = SandboxClock(start, wall=lambda: wall[0], limit=start + timedelta(days=30))
    far.restore(saved, wall_time=2_000.0 + 10**9)  # never past the limit
    assert far.now() == start + timedelta(days=30)


class _ScriptedWorld:
    """A world of one event an hour, for the worker loop without SimPy."""

    def __init__(self, start: datetime, hours: int) -> None:
        self.start, self._now, self._hours = start, start, hours

    @property
    def now(self) -> datetime:
        return self._now

    @property
    def end(self) -> datetime:
        return self.start + timedelta(hours=self._hours)

    @property
    def parcels_created(self) -> int:
        return int((self._now - self.start).total_seconds() // 3600)

    def advance(self, until: datetime | float) -> list[Any]:
        from sim.events import EventCode, Location, ScanEvent

        assert isinstance(until, datetime)
        out = []
        while self._now + timedelta(hours=1) <= min(until, self.end):
            self._now += timedelta(hours=1)
            at = self._now.isoformat()
            loc = Location("X", "facility", "X", "X", "X", "0", "US", 0.0, 0.0)
            code = EventCode.LABEL_CREATED
            out.append(ScanEvent(at, 1, f"T{at}", "dhl", "s", code, None, at, at, loc, None))
        self._now = max(self._now, min(until, self.end))
        return out

    def take_finished(self) -> list[Any]:
        return []

    def truth(self, tracking_number: str) -> None:
        return None


@pytest.mark.unit
def test_the_worker_runs_to_the_limit_it_is_given_and_no_further() -> None:
    from datetime import UTC

    from mock_carriers.world.worker import Batch, Hello, ThreadRunner

    start = datetime(2026, 11, 2, tzinfo=UTC)
    runner = ThreadRunner(partial(_ScriptedWorld, start, 48))
    runner.start()
    try:
        assert isinstance(runner.receive(5), Hello)
        runner.set_run_to((start + timedelta(hours=5)).timestamp())
        frontiers = []
        while not frontiers or frontiers[-1] < (start + timedelta(hours=5)).timestamp():
            message = runner.receive(5)
            assert isinstance(message, Batch)
            frontiers.append(message.frontier)
        assert runner.receive(0.3) is None  # idle at its limit
        runner.set_run_to((start + timedelta(days=9)).timestamp())
        last = None
        while (message := runner.receive(5)) is not None:
            assert isinstance(message, Batch)
            last = message
            if message.ended:
                break
        assert last is not None and last.ended and last.frontier == (start + timedelta(hours=48)).timestamp()
    finally:
        runner.stop()


@pytest.mark.live
def test_start_runs_the_look_ahead_before_any_request() -> None:
    """``serve`` starts the engine before it builds the app: the world is simulated up to its
    look-ahead with no request asking for it."""
    sandbox = _sandbox(lookahead=timedelta(hours=3))
    try:
        sandbox.start()
        ahead = (sandbox.scenario.start + timedelta(hours=3)).timestamp()
        feed = sandbox._feed
        assert feed.wait(lambda: feed.frontier >= ahead, 120)
        assert sandbox.clock.now() == sandbox.scenario.start  # the clock itself did not move
    finally:
        sandbox.close()


@pytest.mark.unit
def test_the_worker_pipe_is_grown_to_hold_several_batches() -> None:
    import multiprocessing

    from mock_carriers.world.worker import PIPE_BYTES, pipe_room

    reader, writer = multiprocessing.Pipe(duplex=False)
    try:
        allowed = int(Path("/proc/sys/fs/pipe-max-size").read_text())
        size = pipe_room(reader)
        assert size == min(PIPE_BYTES, allowed) or (allowed < PIPE_BYTES and size >= 65536)
        assert size >= 65536
    finally:
        reader.close()
        writer.close()


@pytest.mark.unit
def test_the_worker_process_settles_its_collector_once_the_world_is_built() -> None:
    import gc

    from mock_carriers.world import collector
    from mock_carriers.world.worker import settled

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    built: list[object] = []

    def factory() -> Any:
        built.append(object())  # the world is built first, then frozen with the rest
        assert gc.get_freeze_count() == frozen
        return "world"

    try:
        assert settled(factory) == "world"
        assert built and gc.get_freeze_count() > frozen
        assert gc.get_threshold()[2] >= collector.OLD_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


@pytest.mark.live
def test_a_dead_worker_process_is_reported_once_not_on_every_receive() -> None:
    """The pump asks every 50 ms; a worker process that died is one Failed, then silence."""
    import os

    from mock_carriers.world.messages import Failed
    from mock_carriers.world.worker import ProcessRunner

    runner = ProcessRunner(partial(os._exit, 3))  # the world's build kills its process
    runner.start()
    try:
        deadline = time.monotonic() + 120
        message = None
        while not isinstance(message, Failed) and time.monotonic() < deadline:
            message = runner.receive(0.2)
        assert isinstance(message, Failed) and "code 3" in message.message
        assert [runner.receive(0.05) for _ in range(5)] == [None] * 5
    finally:
        runner.stop()
