"""The part of ``Sandbox`` that makes it one worker of a world shared through Redis
(``--store redis://…``): building a generation from the shared clock and a replica of the feed,
following resets made elsewhere, and leading the engine when this process holds the lock."""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from mock_carriers.faults.shared import share_faults
from mock_carriers.world.feed import Feed
from mock_carriers.world.redis_feed import EnginePublisher
from mock_carriers.world.redis_link import Lease, owner_id
from mock_carriers.world.redis_tokens import SharedTokens
from mock_carriers.world.redis_trim import Expiry
from mock_carriers.world.retention import expires, expiry
from mock_carriers.world.store import InMemoryStore
from mock_carriers.world.worker import WorldSource
from sim.engine import Engine

if TYPE_CHECKING:
    from datetime import datetime

    from mock_carriers.world.redis_world import SharedWorld

#: A worker reports its effective clock this often when nothing changes (s), and is taken for
#: gone (a clock move no longer waits for it) when it has not reported for ``PEER_STALE_S``.
REPORT_S = 0.5
PEER_STALE_S = 10.0


class SharedWorker:
    """Mixed into ``Sandbox``; every method here is for a sandbox with ``shared`` set."""

    shared: SharedWorld | None
    generation: int
    seed: int
    _feed: Feed
    _started: bool
    _request_ids: dict[str, itertools.count[int]]
    on_reset: list[Callable[[], None]]

    # provided by Sandbox
    faults: Any
    horizon: Any
    scenario: Any
    endless: bool
    runner_kind: Any
    lookahead: Any
    _engine_factory: Callable[[], WorldSource] | None
    _lock: Any
    _swap: Any
    tokens: Any
    clock: Any

    def now(self) -> datetime: ...
    def world_id(self) -> tuple[str, str]: ...
    def _open_archive(self, claim: bool) -> Any: ...
    def _build(self, claim: bool) -> None: ...
    @property
    def clock_limit(self) -> Any: ...

    def _shared_name(self) -> str:
        """The Redis namespace of this world: the scenario as validated (seeds change by reset)."""
        digest = self.world_id()[0].split(":", 1)[0]
        return f"{digest}{'' if self.endless else '-finite'}"

    def _join(self, store: str, version: str, mode: Any, speed: float) -> SharedWorld:
        """Join (or create) the world in Redis; its seed is the world's (a reset may have set it)."""
        from mock_carriers.world.redis_world import SharedWorld

        shared = SharedWorld(
            store,
            self._shared_name(),
            version,
            self.seed,
            start=self.scenario.start,
            mode=mode,
            speed=speed,
            horizon=self.horizon,
            limit=self.clock_limit,
        )
        self.seed = shared.seed
        return shared

    def _shared_tokens(self, lifetimes: dict[str, int], deterministic: bool) -> SharedTokens:
        assert self.shared is not None
        return SharedTokens(
            self.shared, lambda: self.generation, self.seed, lifetimes, deterministic=deterministic
        )

    def _listen_shared(self) -> None:
        """Follow what other processes do to the world: faults, resets, clock moves."""
        shared = self.shared
        assert shared is not None
        share_faults(self.faults, shared, lambda: self.generation)
        shared.on("reset", self._follow_shared)
        shared.on("clock", self._refresh_clock)
        shared.listen()

    def _build_shared(self) -> None:
        """One generation of a Redis world: the shared clock, and a local replica of the feed
        (finished parcels still move to this worker's own archive on disk)."""
        assert self.shared is not None
        self.clock = self.shared.clock(self.generation)
        store = InMemoryStore(partial(self._open_archive, False), expiry)
        start = self.scenario.start.timestamp()
        replica = self.shared.replica(self.generation)
        self._feed = Feed(self, self.generation, store, replica, start)  # type: ignore[arg-type]
        self._started = False
        self._request_ids = {}

    def _follow_shared(self) -> None:
        """Another process reset the shared world: follow it to its generation."""
        assert self.shared is not None
        generation, seed = self.shared.current()
        self._swap_to(generation, seed)

    def _refresh_clock(self) -> None:
        refresh = getattr(self.clock, "refresh", None)
        if refresh is not None:
            refresh()

    def _swap_to(self, generation: int, seed: int) -> None:
        """Swap in a shared world's generation (once: the reset's notice comes back to us too)."""
        with self._lock, self._swap:
            if generation <= self.generation:
                return
            self._feed.stop(wait=False)
            self.seed = seed
            self.tokens.reset(seed)
            self.generation = generation
            self._build(claim=True)
            for hook in self.on_reset:
                hook()

    def catch_up(self, timeout: float) -> bool:
        """Block until this worker's replica holds the world as far as Redis has it (a worker that
        starts, or restarts after ``kill -9``, answers only once it shows what the others show)."""
        shared = self.shared
        assert shared is not None
        raw = shared.client.hget(shared.gen(self.generation).meta, "frontier")
        if raw is None:
            return True
        goal = float(raw)
        feed = self._ensure_started()
        return bool(feed.wait(lambda: feed.frontier >= goal or feed.ended, timeout))

    def _ensure_started(self) -> Feed: ...

    # --- peers: a clock move is done when every serving worker shows it -------------------------

    def _start_reporting(self) -> None:
        """Tell the other workers, through Redis, the instant this one shows (its effective clock),
        whenever it changes and every ``REPORT_S``: a clock move waits for every live worker."""
        if getattr(self, "_reporter", None) is not None:
            return
        self._worker_id = owner_id()
        self._reporter = threading.Thread(target=self._report_loop, name="redis-peer-report", daemon=True)
        self._reporter.start()

    def _report_loop(self) -> None:
        shared = self.shared
        assert shared is not None
        last: tuple[int, float] | None = None
        said = 0.0
        while not getattr(self, "_closing", False):
            try:
                generation, now = self.generation, self.now().timestamp()
                position = getattr(self._feed.runner, "position", None) or "-"
                if (generation, now) != last or time.monotonic() - said > REPORT_S:
                    value = f"{now!r} {shared.wall()!r} {position}"
                    shared.client.hset(shared.gen(generation).workers, self._worker_id, value)
                    last, said = (generation, now), time.monotonic()
            except Exception:  # Redis away: the peers stop waiting for us after PEER_STALE_S
                time.sleep(0.5)
            time.sleep(0.02)

    def _peers_caught_up(self, target: float) -> bool:
        """Whether every live worker of this generation shows ``target`` (or later)."""
        shared = self.shared
        assert shared is not None
        return all(shown >= target for shown, _ in self._peers(self.generation))

    def _peers(self, generation: int) -> list[tuple[float, str | None]]:
        """Each live worker of ``generation``: the instant it shows, and the last stream entry its
        replica has read (None: nothing yet, or a worker too old to say)."""
        shared = self.shared
        assert shared is not None
        wall = shared.wall()
        out: list[tuple[float, str | None]] = []
        for value in shared.client.hvals(shared.gen(generation).workers):
            fields = value.decode().split() if isinstance(value, bytes) else str(value).split()
            shown, said = float(fields[0]), float(fields[1])
            if wall - said < PEER_STALE_S:
                read = fields[2] if len(fields) > 2 and fields[2] != "-" else None
                out.append((shown, read))
        return out

    def _stop_reporting(self) -> None:
        self._closing = True
        reporter = getattr(self, "_reporter", None)
        if reporter is not None and self.shared is not None:
            reporter.join(timeout=2)
            try:
                self.shared.client.hdel(self.shared.gen(self.generation).workers, self._worker_id)
            except Exception:
                pass

    def engine_leader(self) -> dict[str, Any]:
        """Who runs the engine now (``/_sandbox/health``): host, process id and runner — here the
        engine worker of this sandbox; in a shared world the holder of the engine lock (None while
        nobody holds it, e.g. between a leader's death and a takeover)."""
        if self.shared is None:
            leader = getattr(self._feed.runner, "leader", None)
            return dict(leader()) if callable(leader) else {"host": None, "pid": None, "runner": None}
        try:
            held = self.shared.client.get(self.shared.keys.engine_lock)
        except Exception:  # Redis away: say so rather than fail the health check
            return {"host": None, "pid": None, "runner": "redis", "error": "Redis did not answer"}
        if held is None:
            return {"host": None, "pid": None, "runner": "redis"}
        owner = held.decode()
        parts = owner.split(":")  # redis_link.owner_id(): host:pid:random
        pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None
        host = ":".join(parts[:-2]) if len(parts) >= 3 else owner
        here = host == os.uname().nodename and pid == os.getpid()
        return {"host": host, "pid": pid, "runner": "redis", "lock": owner, "this_process": here}

    def engine_publisher(self, expiry: Expiry = expires) -> EnginePublisher:
        """The engine of the shared world, run from this process whenever it holds the engine
        lock (``start()`` it; it waits in standby while another process leads). ``expiry``: when
        a parcel's retention ends — what the stream is trimmed by (``redis_trim``)."""
        shared = self.shared
        assert shared is not None

        def source_for(seed: int) -> Callable[[], WorldSource]:
            if self._engine_factory is not None:
                return self._engine_factory  # a recorded run: its seed is fixed
            return partial(Engine, self.scenario, seed, endless=self.endless)

        def target(generation: int) -> float:
            clock = self.clock if self.generation == generation else shared.clock(generation)
            return float(clock.now().timestamp())

        return EnginePublisher(
            shared.client,
            Lease(shared.client, shared.keys.engine_lock),
            shared.current,
            shared.gen,
            source_for,
            target,
            limit=self.clock_limit.timestamp(),
            start=self.scenario.start.timestamp(),
            lookahead=self.lookahead.total_seconds(),
            runner=self.runner_kind,
            peers=self._peers,
            expiry=expiry,
        )
