"""The served world: scenario + engine worker + store + clock + credentials.

The engine runs ahead of the clock in its own worker (``mock_carriers.world.worker``), and a pump
thread ingests what it produces into the store (``mock_carriers.world.feed``). Requests never run
the simulation: they read the store at the **effective clock**, ``min(clock target, frontier)``
— the frontier being the instant up to which every visible event is in the store — so what they
see is always complete and consistent, whatever the engine is doing (docs/architecture.md §9).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from mock_carriers.faults.config import scenario_faults
from mock_carriers.faults.state import Faults
from mock_carriers.world.archive import JournalState, SqliteArchive
from mock_carriers.world.clock import ClockMode, SandboxClock
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from mock_carriers.world.feed import Feed
from mock_carriers.world.retention import StateDir, expiry
from mock_carriers.world.sandbox_context import SandboxContext
from mock_carriers.world.shared_worker import SharedWorker
from mock_carriers.world.store import InMemoryStore, Record
from mock_carriers.world.worker import Batch, Resume, RunnerKind, WorldSource, make_runner
from sim.engine import Engine
from sim.errors import UsageError
from sim.events import ParcelTruth, ScanEvent
from sim.network import Network, build_network
from sim.scenario import Scenario

__all__ = ["Sandbox", "SandboxContext", "WorldSource"]

#: Finished parcels stay in memory this long (sandbox time, after they finish) before moving to
#: the archive on disk, where they stay trackable for their carrier's retention.
DEFAULT_MEMORY_WINDOW = timedelta(hours=6)
DEFAULT_RETENTION = DEFAULT_MEMORY_WINDOW  # the old name of the memory window
#: How far the engine may run ahead of the clock target (sandbox time).
DEFAULT_LOOKAHEAD = timedelta(days=1)
#: Parcels in memory past which the engine stops running ahead (it still reaches the target).
DEFAULT_MEMORY_CAP = 200_000
#: How long a blocking ``sync()`` waits for the engine (an in-process caller's safety net).
SYNC_TIMEOUT_S = 600.0
#: How far past its start an endless served world's clock may go (its demand never stops, so its
#: horizon is not the limit): a year and a month of sandbox time.
ENDLESS_CAP = timedelta(days=400)
#: Written into a ``--db`` file: a file from another model version is refused, not re-simulated.
WORLD_VERSION = "parcel-sandbox/1"


class Sandbox(SharedWorker):
    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        clock_mode: ClockMode = "manual",
        speed: float = 1.0,
        db: str | Path | None = None,
        retention: timedelta = DEFAULT_MEMORY_WINDOW,
        endless: bool = True,
        engine_factory: Callable[[], WorldSource] | None = None,
        deterministic_tokens: bool = False,
        *,
        runner: RunnerKind = "thread",
        lookahead: timedelta = DEFAULT_LOOKAHEAD,
        memory_cap: int = DEFAULT_MEMORY_CAP,
        state_dir: str | Path | None = None,
        store: str | None = None,
    ) -> None:
        """``retention``: the memory window (finished parcels then move to disk; their carrier's
        retention decides when they are gone). ``runner``: the engine worker in its own
        ``process`` (``serve``'s default) or a ``thread``; ``engine_factory`` must be picklable for
        a process. ``db``: the durable ``--db`` file; without it the archive is in ``state_dir``.
        ``store``: ``redis://HOST:PORT/DB``, a world shared through Redis: this sandbox is one
        API worker of it — the engine runs where the engine lock is (``engine_publisher()``), and
        the store here is a local replica of the Redis feed (docs/serving.md)."""
        if store is not None and db:
            raise UsageError("--db and --store redis://… are two ways to keep the world: use one")
        self.scenario = scenario
        self._engine_factory = engine_factory
        self.seed = scenario.seed if seed is None else seed
        self.retention = retention
        self.endless = endless
        # The scenario's faults: section, checked before anything is built (ScenarioError, located).
        self._faults_config = scenario_faults(scenario)
        self.shared = None if store is None else self._join(store, WORLD_VERSION, clock_mode, speed)
        self.db = db
        self.runner_kind: RunnerKind = runner
        self.lookahead = lookahead
        self.memory_cap = memory_cap
        self._state_dir = StateDir(state_dir)
        self._network: Network | None = None
        self._lock = threading.RLock()
        #: Held while a reset swaps generations, and by the pump's writes to the archive.
        self._swap = threading.Lock()
        self.credentials = CredentialPolicy(
            allowed={c: dict(cfg.credentials) for c, cfg in scenario.carriers.items() if cfg.credentials},
            api_keys={c: set(cfg.api_keys) for c, cfg in scenario.carriers.items() if cfg.api_keys},
        )
        lifetimes = {c: int(cfg.token_lifetime) for c, cfg in scenario.carriers.items() if cfg.token_lifetime}
        self.generation = 0 if self.shared is None else self.shared.generation
        self.tokens = (
            TokenIssuer(self.seed, lifetimes, deterministic=deterministic_tokens)
            if self.shared is None
            else self._shared_tokens(lifetimes, deterministic_tokens)
        )
        self._initial_clock = (clock_mode, speed)
        #: Called with new events (log order, a piece of a batch at a time) as the pump ingests
        #: them, and their ``visible_at`` as epochs when known (else None) — the webhook dispatcher
        #: and the UI's tally listen here. Kept across resets; told about resets via on_reset.
        self.listeners: list[Callable[[list[ScanEvent], list[float] | None], None]] = []
        #: Called with (tracking number, the instant it finished, its final truth) of each record a
        #: batch finished, right after the events — the UI's running totals listen here.
        self.finish_listeners: list[Callable[[list[tuple[str, float | None, ParcelTruth | None]]], None]] = []
        self.on_reset: list[Callable[[], None]] = []
        #: The webhook hub (``mock_carriers.webhooks.WebhookHub``) once an app runs one; carriers with
        #: a push API of their own reach it through their context (``carriers.spec.PushHub``).
        self.webhooks: Any = None
        #: Transform what a carrier shows of one tracking number at an instant (scan-data faults).
        #: Each gets (record, visible events, now) and returns the events to show; never the truth.
        self.view_filters: list[Callable[[Record, list[ScanEvent], datetime], list[ScanEvent]]] = []
        self._build(claim=False)
        #: HTTP faults, rate limits and scan-data faults (registers a view filter and a reset hook).
        self.faults = Faults(self, self._faults_config)
        if self.shared is not None:
            self._listen_shared()

    @property
    def horizon(self) -> datetime:
        """The end of the scenario: start + duration + drain."""
        return self.scenario.start + timedelta(seconds=self.scenario.duration + self.scenario.drain)

    @property
    def clock_limit(self) -> datetime:
        """The latest instant the clock may reach: the horizon, or ``ENDLESS_CAP`` past the start
        for an endless world when that is later."""
        if not self.endless:
            return self.horizon
        return max(self.horizon, self.scenario.start + ENDLESS_CAP)

    @property
    def replaying(self) -> bool:
        """Whether the world is a recorded run (its seed is the recording's, fixed)."""
        return self._engine_factory is not None

    def world_id(self) -> tuple[str, str]:
        """(identity, words) of the world: the scenario as validated, and the seed. The faults:
        section counts as the served sandbox reads it, so the identity is the one --db files carry
        from before the section left the simulation's model (a file of the same world still opens)."""
        data = self.scenario.model_dump(mode="json")
        data["faults"] = self._faults_config.model_dump(mode="json")
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(text.encode()).hexdigest()[:24]
        return f"{digest}:{self.seed}", f"scenario {self.scenario.name!r} seed {self.seed}"

    # --- building a generation ---------------------------------------------------------------------

    def _source_factory(self) -> Callable[[], WorldSource]:
        if self._engine_factory is not None:
            return self._engine_factory
        if self.runner_kind == "thread":
            if self._network is None:
                self._network = build_network(self.scenario)
            return partial(Engine, self.scenario, self.seed, endless=self.endless, network=self._network)
        return partial(Engine, self.scenario, self.seed, endless=self.endless)

    def _open_archive(self, claim: bool) -> SqliteArchive:
        if self.db:
            return SqliteArchive(self.db, *self.world_id(), claim=claim, durable=True)
        return SqliteArchive(self._state_dir.file(f"archive-{self.generation}.sqlite"), "state", "state")

    def _build(self, claim: bool) -> None:
        if self.shared is not None:
            self._build_shared()
            return
        mode, speed = self._initial_clock
        self.clock = SandboxClock(
            self.scenario.start, mode, speed, horizon=self.horizon, limit=self.clock_limit
        )
        journal: JournalState | None = None
        if self.db:
            archive = self._open_archive(claim)
            archive.check_version(WORLD_VERSION)
            journal = archive.state()
            store = InMemoryStore(archive, expiry)
            if journal is not None and journal.clock is not None:
                self.clock.restore(journal.clock, time.time())
            if journal is not None and journal.count:
                store.load(archive.live_rows())
                store.start_ord(archive.max_ord())
            else:
                journal = None
        else:
            store = InMemoryStore(partial(self._open_archive, claim), expiry)
        self.clock.on_change = self._save_clock
        resume = None if journal is None else Resume(journal.frontier, journal.count, journal.digest)
        runner = make_runner(self.runner_kind, self._source_factory(), resume)
        start = self.scenario.start.timestamp()
        self._feed = Feed(self, self.generation, store, runner, start, journal, durable=bool(self.db))
        self._started = False
        self._request_ids: dict[str, itertools.count[int]] = {}
        self._save_clock()

    def _ensure_started(self) -> Feed:
        feed = self._feed
        if not self._started:
            with self._lock:
                feed = self._feed
                if not self._started:
                    feed.start()
                    self._started = True
                    if self.shared is not None:
                        self._start_reporting()
        return feed

    def start(self) -> None:
        """Start the engine worker now rather than at the first request: ``serve`` calls it before
        it builds the app, so the world simulates its look-ahead while the server starts."""
        self._ensure_started()

    @property
    def store(self) -> InMemoryStore:
        return self._feed.store

    @property
    def cases(self) -> dict[str, str]:
        """Pinned case name -> tracking number, as the world has reached them."""
        return self._feed.found_cases

    def reset(self, seed: int | None = None) -> None:
        """Start the world over (with another seed when given); the ``--db`` file goes with it.

        The old generation's worker stops and its store is left to any request still reading it
        (never closed under it); the new one is swapped in whole."""
        if self.shared is not None:
            self._swap_to(*self.shared.reset(seed))
            return
        with self._lock, self._swap:
            old = self._feed
            old.stop(wait=False)
            if seed is not None:
                self.seed = seed
            self.tokens.reset(self.seed)
            self.generation += 1
            self._build(claim=True)
            for hook in self.on_reset:
                hook()

    def close(self) -> None:
        """Stop the engine worker and remove a state directory this sandbox created."""
        self._feed.stop()
        self._state_dir.cleanup()
        if self.shared is not None:
            self._stop_reporting()
            self.shared.close()

    # --- the clock, the frontier ----------------------------------------------------------------------

    def now(self) -> datetime:
        """The effective clock: ``min(clock target, frontier)`` — never blocks."""
        feed = self._ensure_started()
        target = self.clock.now()
        if feed.ended or feed.frontier >= target.timestamp():
            return target
        return datetime.fromtimestamp(feed.frontier, UTC)

    @property
    def frontier(self) -> datetime:
        return datetime.fromtimestamp(self._ensure_started().frontier, UTC)

    def caught_up(self) -> bool:
        """Whether the world has reached the clock target (with a shared world: on every worker)."""
        feed = self._ensure_started()
        target = self.clock.now().timestamp()
        here = feed.ended or feed.frontier >= target
        if here and self.shared is not None:
            return self._peers_caught_up(min(target, feed.frontier))
        return here

    def settled(self, timeout: float) -> bool:
        """Block (a thread, never the event loop) until the world has reached the clock target."""
        feed = self._ensure_started()
        return feed.wait(self.caught_up, timeout)

    def sync(self) -> datetime:
        """Wait until the world has reached the clock target; return the effective now. For
        in-process callers (tests, tools): requests use ``now()``, which never waits."""
        self.settled(SYNC_TIMEOUT_S)
        return self.now()

    def run_to(self, feed: Feed) -> float:
        """How far the engine may run: the clock target plus the look-ahead, just the target while
        the store's memory share is past its cap, never past the clock's limit."""
        target = self.clock.now().timestamp()
        ahead = 0.0 if len(feed.store) >= self.memory_cap else self.lookahead.total_seconds()
        return min(target + ahead, self.clock_limit.timestamp())

    def engine_report(self) -> dict[str, Any]:
        feed = self._ensure_started()
        target = self.clock.now()
        out = feed.report(target.timestamp())
        if out["state"] == "running" and feed.frontier >= self.run_to(feed):
            out["state"] = "paused" if len(feed.store) >= self.memory_cap else "caught-up"
        out["target"] = target.isoformat()
        return out

    @property
    def parcels_created(self) -> int:
        return self._feed.created

    def _save_clock(self) -> None:
        archive = self._feed.store.archive_open if self.db else None
        if archive is not None:
            archive.save_clock(self.clock.state(time.time()))

    # --- from the pump -----------------------------------------------------------------------------

    def journal(self, feed: Feed, batch: Batch, created: list[Record], finished: list[Record]) -> None:
        """Make a batch durable (``--db``): one transaction per batch, before it is published."""
        if not self.db:
            return
        with self._swap:  # a reset holds it while it swaps generations
            if feed is not self._feed or feed.stopped:
                return
            archive = feed.store.archive_open
            if archive is not None:
                self._journal(archive, feed, batch, created, finished)

    def _journal(
        self, archive: SqliteArchive, feed: Feed, batch: Batch, created: list[Record], finished: list[Record]
    ) -> None:
        truths = {tn: t for tn, t in batch.truths.items() if t is not None}
        truths.update((r.tracking_number, r.truth) for r in finished if r.truth is not None)
        archive.journal(
            batch.events,
            [(r.ord, r.tracking_number, r.carrier, r.service) for r in created],
            truths,
            [(r.tracking_number, r.finished_at, r.expires_at) for r in finished],
            JournalState(batch.frontier, feed.hash.count, feed.hash.hexdigest(), batch.created, None),
        )

    def housekeeping(self, feed: Feed) -> None:
        now = self.now().timestamp()
        with self._swap:  # an old generation never writes into a --db file a reset handed on
            if feed is not self._feed or feed.stopped:
                return
            feed.store.evict(now - self.retention.total_seconds())
            feed.store.purge(now)

    # --- reads ---------------------------------------------------------------------------------------

    def view(self, carrier: str, tracking_number: str, now: datetime) -> ParcelView | None:
        generation = self._feed.number
        rec = self.store.get(tracking_number)
        at = now.timestamp()
        if rec is None or rec.carrier != carrier or not rec.exists(at):
            return None
        events = rec.visible_events(at)
        for view_filter in self.view_filters:
            events = view_filter(rec, events, now)
        # the truth a carrier renders from (addresses, the box) is settled once the parcel finishes
        finished = rec.finished_at is not None and at >= rec.finished_at
        version = (generation, rec.version(at), self.faults.generation, finished)
        return ParcelView(rec.tracking_number, rec.carrier, rec.service, events, rec.truth_at(at), version)

    def held_events(self) -> list[ScanEvent]:
        """Every event of the parcels in memory (a resumed world's, for the webhook hub)."""
        store = self._feed.store
        return [e for rec in store.records() for e in rec.events]

    def record(self, tracking_number: str) -> Record | None:
        return self.store.get(tracking_number)

    def request_id(self, carrier: str, kind: str) -> str:
        with self._lock:
            counter = self._request_ids.setdefault(f"{carrier}:{kind}", itertools.count(1))
            n = next(counter)
        digest = hashlib.sha256(f"{self.seed}:{carrier}:{kind}:{n}".encode()).hexdigest()
        return digest[:32]

    def case_numbers(self) -> list[dict[str, str]]:
        """Pinned cases with their numbers, known up front (a replay's from its recorded truth)."""
        feed = self._ensure_started()
        feed.wait(lambda: feed.state != "starting", 60.0)
        return list(feed.cases)

    def context(self, carrier: str) -> SandboxContext:
        return SandboxContext(self, carrier)
