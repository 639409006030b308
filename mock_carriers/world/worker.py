"""The engine worker: the simulation runs ahead of the sandbox clock, off the request path.

The world is a pure function of scenario + seed, so it can be computed before anyone looks at it.
A worker owns one ``WorldSource`` (the SimPy ``Engine``, or a recorded run) and advances it in
steps of ``STEP_S`` sandbox seconds up to a *run-to* instant the sandbox sets (clock target +
look-ahead). After each step it hands a ``Batch`` — the new events, the truth of every parcel they
touch, the parcels that finished, and its **frontier** — to the sandbox's pump thread, which
ingests it into the store. Requests read the store; they never run SimPy and never wait for it.

Two runners share the loop (``drive``):

- ``ProcessRunner`` (``serve``'s default): the world in its own process (``spawn``), so a CPU-bound
  simulation never holds the API process's GIL. The source factory must be picklable.
- ``ThreadRunner``: the world in a daemon thread of the API process (any factory; in-process tests).

Resuming a ``--db`` file: the worker re-simulates from the start up to the persisted frontier
without emitting, hashes what it produced, and compares it with the persisted count and hash
(``Resume``); a world that does not reproduce is refused (a ``Failed`` message), never served.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing.connection import Connection
from typing import Literal, Protocol

from mock_carriers.world import collector
from mock_carriers.world.messages import Batch, EventHash, Failed, Hello, Message, Progress, Resume
from mock_carriers.world.wire import Packed, Packer, Unpacker
from sim.collector import fewer_collections
from sim.events import ParcelTruth, ScanEvent

#: Sandbox seconds the worker simulates per batch: small enough that a clock move's frontier
#: advances visibly, large enough that a batch amortises its hand-over.
STEP_S = 3600.0
#: Bytes the pipe from the worker process holds (Linux's default is 64 KiB, a quarter of a busy
#: hour's batch): with room for a few batches the worker goes on simulating while the API process
#: ingests, instead of waiting in ``send`` for the pump to read (``pipe_room``).
PIPE_BYTES = 1 << 20
RunnerKind = Literal["process", "thread"]


class WorldSource(Protocol):
    """What the sandbox needs of a world: the simulation ``Engine``, or a recorded run (replay)."""

    @property
    def now(self) -> datetime: ...
    @property
    def end(self) -> datetime | None: ...
    @property
    def parcels_created(self) -> int: ...
    def advance(self, until: datetime | float) -> list[ScanEvent]: ...
    def take_finished(self) -> list[ParcelTruth]: ...
    def truth(self, tracking_number: str) -> ParcelTruth | None: ...


def _epoch(instant: datetime) -> float:
    return instant.timestamp()


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _batch(source: WorldSource, events: list[ScanEvent], frontier: float) -> Batch:
    truths: dict[str, ParcelTruth | None] = {}
    for e in events:
        if e.tracking_number not in truths:
            truths[e.tracking_number] = source.truth(e.tracking_number)
    end = source.end
    ended = end is not None and source.now >= end
    return Batch(events, truths, source.take_finished(), frontier, source.parcels_created, ended)


def _frontier(source: WorldSource) -> datetime:
    frontier = getattr(source, "frontier", None)
    return frontier if isinstance(frontier, datetime) else source.now


def _resimulate(source: WorldSource, resume: Resume, emit: Callable[[Message], None]) -> bool:
    """Re-run the world silently to ``resume.frontier`` and check it is the one persisted."""
    digest = EventHash()
    target = _instant(resume.frontier)
    while source.now < target:
        step = min(target, source.now + timedelta(seconds=STEP_S))
        digest.update(source.advance(step))
        source.take_finished()
        emit(Progress(_epoch(source.now)))
        end = source.end
        if end is not None and source.now >= end:
            break
    if digest.count != resume.count or digest.hexdigest() != resume.digest:
        emit(
            Failed(
                f"the --db file's world does not reproduce: re-simulating to {target.isoformat()} gave "
                f"{digest.count} events (hash {digest.hexdigest()[:12]}), the file holds {resume.count} "
                f"(hash {resume.digest[:12]}) — another parcel-sandbox version or model wrote it; "
                "use a new --db file"
            )
        )
        return False
    return True


def drive(
    factory: Callable[[], WorldSource],
    run_to: Callable[[float | None], float | None],
    emit: Callable[[Message], None],
    resume: Resume | None = None,
) -> None:
    """The worker loop. ``run_to(frontier)`` blocks until there is something to do and returns the
    instant to simulate up to (epoch), or None to stop; ``emit`` hands a message over."""
    try:
        source = factory()
        end = source.end
        cases = getattr(source, "cases", None)
        emit(Hello(cases() if callable(cases) else [], None if end is None else _epoch(end)))
        if resume is not None and not _resimulate(source, resume, emit):
            return
        frontier = _epoch(_frontier(source))
        while True:
            limit = run_to(frontier)
            if limit is None:
                return
            step = min(limit, frontier + STEP_S)
            events = source.advance(_instant(step))
            frontier = _epoch(_frontier(source))
            batch = _batch(source, events, frontier)
            emit(batch)
            if batch.ended:
                return
    except Exception:  # a world that breaks says so to the sandbox instead of dying silently
        emit(Failed("the engine worker failed:\n" + traceback.format_exc(limit=8)))


def leader(pid: int | None, runner: str) -> dict[str, str | int | None]:
    """Who runs the engine: this host, the process, and how (``/_sandbox/health``)."""
    return {"host": os.uname().nodename, "pid": pid, "runner": runner}


class Runner(Protocol):
    def start(self) -> None: ...
    def set_run_to(self, epoch: float) -> None: ...
    def receive(self, timeout: float) -> Message | None: ...
    def stop(self) -> None: ...


@dataclass
class ThreadRunner:
    """The world in a daemon thread of this process."""

    factory: Callable[[], WorldSource]
    resume: Resume | None = None
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _limit: float = float("-inf")
    _stopping: bool = False
    _out: queue.Queue[Message] = field(default_factory=lambda: queue.Queue(maxsize=4))
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._main, name="engine-worker", daemon=True)
        self._thread.start()

    def _run_to(self, frontier: float | None) -> float | None:
        with self._cond:
            while not self._stopping and (frontier is not None and self._limit <= frontier):
                self._cond.wait(0.5)
            return None if self._stopping else self._limit

    def _emit(self, message: Message) -> None:
        while not self._stopping:
            try:
                self._out.put(message, timeout=0.2)
                return
            except queue.Full:
                continue

    def _main(self) -> None:
        drive(self.factory, self._run_to, self._emit, self.resume)

    def leader(self) -> dict[str, str | int | None]:
        return leader(os.getpid(), "thread")

    def set_run_to(self, epoch: float) -> None:
        with self._cond:
            if epoch != self._limit:
                self._limit = epoch
                self._cond.notify_all()

    def receive(self, timeout: float) -> Message | None:
        try:
            return self._out.get(timeout=timeout)
        except queue.Empty:
            return None

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)


def settled(factory: Callable[[], WorldSource]) -> WorldSource:
    """Build the world, then settle the worker process's collector (``collector.settle``): what
    the build made (the network, the scenario, the tables) is frozen out of every later
    collection, and full collections come ten times less often. Measured on the 16-day baseline
    move: its three full collections cost 0.8 s of the worker's CPU, every one of them on the
    clock move's critical path. The world's cyclic garbage is still collected by the young and
    middle collections, and by the rarer full ones."""
    source = factory()
    collector.settle()
    return source


def _child_main(
    factory: Callable[[], WorldSource], control: Connection, data: Connection, resume: Resume | None
) -> None:
    """The worker process: run-to instants come in on ``control``, messages go out on ``data``."""
    limit = float("-inf")

    def run_to(frontier: float | None) -> float | None:
        nonlocal limit
        while True:
            # Drain what the sandbox sent; block only while there is nothing to simulate.
            idle = frontier is not None and limit <= frontier
            if not control.poll(None if idle else 0):
                return limit
            message = control.recv()
            if message is None:
                return None
            limit = float(message)

    packer = Packer()

    def emit(message: Message) -> None:
        if isinstance(message, Batch):  # the compact form (mock_carriers.world.wire)
            b = message
            data.send(packer.pack(b.events, b.truths, b.finished, b.frontier, b.created, b.ended))
        else:
            data.send(message)

    try:
        # The process only runs the world: its young collections are the world's, for its whole
        # life (between steps too — packing a batch allocates as much as the step that made it).
        with fewer_collections():
            drive(partial(settled, factory), run_to, emit, resume)
    except (BrokenPipeError, EOFError, KeyboardInterrupt):  # the sandbox went away
        pass


def pipe_room(conn: Connection, size: int = PIPE_BYTES) -> int:
    """Grow the pipe under ``conn`` to ``size`` bytes where the system allows (Linux's
    ``F_SETPIPE_SZ``, up to ``/proc/sys/fs/pipe-max-size`` for a user); the pipe's size after, 0
    where the system has no such call (the pipe stays as it is)."""
    try:
        fcntl = importlib.import_module("fcntl")  # POSIX only
    except ImportError:
        return 0
    setter = getattr(fcntl, "F_SETPIPE_SZ", None)
    getter = getattr(fcntl, "F_GETPIPE_SZ", None)
    if setter is None or getter is None:
        return 0
    try:
        fcntl.fcntl(conn.fileno(), setter, size)
    except OSError:  # past the system's limit: keep what the pipe has
        pass
    try:
        return int(fcntl.fcntl(conn.fileno(), getter))
    except OSError:
        return 0


class ProcessRunner:
    """The world in its own process (``spawn``: no locks or threads inherited from the server)."""

    def __init__(self, factory: Callable[[], WorldSource], resume: Resume | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._control, child_control = ctx.Pipe(duplex=False)[::-1]
        child_data, self._data = ctx.Pipe(duplex=False)[::-1]
        pipe_room(self._data)
        self._process = ctx.Process(
            target=_child_main,
            args=(factory, child_control, child_data, resume),
            name="parcel-sandbox-engine",
            daemon=True,
        )
        self._children = (child_control, child_data)
        self._lock = threading.Lock()
        self._limit = float("-inf")
        self._unpacker = Unpacker()
        self._last: Batch | None = None
        #: Whether the worker's death has been reported (then receive only waits).
        self._exit_reported = False

    def start(self) -> None:
        self._process.start()
        for conn in self._children:  # the child holds its ends now
            conn.close()

    def leader(self) -> dict[str, str | int | None]:
        return leader(self._process.pid, "process")

    def set_run_to(self, epoch: float) -> None:
        with self._lock:
            if epoch == self._limit:
                return
            self._limit = epoch
            try:
                self._control.send(epoch)
            except (BrokenPipeError, OSError):
                pass

    def receive(self, timeout: float) -> Message | None:
        if self._last is not None:  # the table may change under a batch left half decoded
            self._last.complete()
            self._last = None
        try:
            if self._data.poll(timeout):
                message: Message | Packed = self._data.recv()
                if not isinstance(message, Packed):
                    return message
                return self._unpack(message)
        except (EOFError, OSError):
            if not self._process.is_alive():
                if self._exit_reported:  # said once; a dead process has nothing more to say
                    time.sleep(timeout)
                    return None
                self._exit_reported = True
                code = self._process.exitcode
                return Failed(f"the engine worker process exited (code {code})")
        return None

    def _unpack(self, packed: Packed) -> Batch:
        self._unpacker.take(packed)
        truths, finished = self._unpacker.truths(packed)
        batch = Batch([], truths, finished, packed.frontier, packed.created, packed.ended)
        batch.packed = self._unpacker.pieces(packed)
        self._last = batch
        return batch

    def stop(self) -> None:
        with self._lock:
            try:
                self._control.send(None)
            except (BrokenPipeError, OSError):
                pass
        if self._process.pid is None:  # never started
            return
        self._process.join(timeout=2)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)
        self._control.close()
        self._data.close()


def make_runner(kind: RunnerKind, factory: Callable[[], WorldSource], resume: Resume | None) -> Runner:
    if kind == "process":
        return ProcessRunner(factory, resume)
    if kind == "thread":
        return ThreadRunner(factory, resume)
    raise ValueError(f"unknown engine runner {kind!r}; use process or thread")
