"""The served world: scenario + engine + store + clock + credentials, kept in step.

Every request that looks at the world first calls ``sync()``: the engine is advanced to the
clock's instant and the new events go into the store. Carriers then show only what is visible.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from mock_carriers.carriers import registry
from mock_carriers.faults.config import scenario_faults
from mock_carriers.faults.state import Faults
from mock_carriers.world.clock import ClockMode, SandboxClock
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from mock_carriers.world.store import InMemoryStore, Record, SqliteArchive
from sim.engine import Engine
from sim.events import ParcelTruth, ScanEvent
from sim.network import Network, build_network
from sim.scenario import Scenario

#: Finished parcels stay in memory this long (sandbox time) before leaving for the archive.
DEFAULT_RETENTION = timedelta(days=14)
#: The clock never jumps the engine by more than this at once, so a 4-day jump still streams.
SYNC_STEP_S = 6 * 3600.0
#: How far past its start an endless served world's clock may go (its demand never stops, so its
#: horizon is not the limit): a year and a month of sandbox time.
ENDLESS_CAP = timedelta(days=400)


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


class Sandbox:
    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        clock_mode: ClockMode = "manual",
        speed: float = 1.0,
        db: str | Path | None = None,
        retention: timedelta = DEFAULT_RETENTION,
        endless: bool = True,
        engine_factory: Callable[[], WorldSource] | None = None,
        deterministic_tokens: bool = False,
    ) -> None:
        self.scenario = scenario
        self._engine_factory = engine_factory
        self.seed = scenario.seed if seed is None else seed
        self.retention = retention
        self.endless = endless
        self.db = db
        self._network: Network = build_network(scenario)
        self._lock = threading.RLock()
        self.credentials = CredentialPolicy(
            allowed={c: dict(cfg.credentials) for c, cfg in scenario.carriers.items() if cfg.credentials},
            api_keys={c: set(cfg.api_keys) for c, cfg in scenario.carriers.items() if cfg.api_keys},
        )
        lifetimes = {c: int(cfg.token_lifetime) for c, cfg in scenario.carriers.items() if cfg.token_lifetime}
        self.tokens = TokenIssuer(self.seed, lifetimes, deterministic=deterministic_tokens)
        self._initial_clock = (clock_mode, speed)
        #: Called with each batch of new events (occurrence order) as the world advances — the
        #: webhook dispatcher listens here. Kept across resets; told about resets via on_reset.
        self.listeners: list[Callable[[list[ScanEvent]], None]] = []
        self.on_reset: list[Callable[[], None]] = []
        #: The webhook hub (``mock_carriers.webhooks.WebhookHub``) once an app runs one; carriers with
        #: a push API of their own reach it through their context (``carriers.spec.PushHub``).
        self.webhooks: Any = None
        #: Transform what a carrier shows of one tracking number at an instant (scan-data faults).
        #: Each gets (record, visible events, now) and returns the events to show; never the truth.
        self.view_filters: list[Callable[[Record, list[ScanEvent], datetime], list[ScanEvent]]] = []
        # The scenario's faults: section, checked before anything is built (ScenarioError, located).
        self._faults_config = scenario_faults(scenario)
        self._build(claim=False)
        #: HTTP faults, rate limits and scan-data faults (registers a view filter and a reset hook).
        self.faults = Faults(self, self._faults_config)

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

    def _build(self, claim: bool) -> None:
        mode, speed = self._initial_clock
        self.engine: WorldSource = (
            self._engine_factory()
            if self._engine_factory
            else Engine(self.scenario, self.seed, endless=self.endless, network=self._network)
        )
        self.clock = SandboxClock(
            self.scenario.start, mode, speed, horizon=self.horizon, limit=self.clock_limit
        )
        archive = SqliteArchive(self.db, *self.world_id(), claim=claim) if self.db else None
        self.store = InMemoryStore(archive)
        self._request_ids: dict[str, itertools.count] = {}
        self.cases: dict[str, str] = {}  # pinned case name -> tracking number

    def reset(self, seed: int | None = None) -> None:
        """Start the world over (with another seed when given); the ``--db`` file goes with it."""
        with self._lock:
            if self.store.archive is not None:
                self.store.archive.db.close()
            if seed is not None:
                self.seed = seed
            self.tokens.reset(self.seed)
            self._build(claim=True)
            for hook in self.on_reset:
                hook()

    def sync(self) -> datetime:
        """Bring the world up to the clock's instant; returns that instant."""
        with self._lock:
            now = self.clock.now()
            while self.engine.now < now:
                step = min(now, self.engine.now + timedelta(seconds=SYNC_STEP_S))
                events = self.engine.advance(step)
                truths = {
                    e.tracking_number: self.engine.truth(e.tracking_number)
                    for e in events
                    if not self.store.holds(e.tracking_number)
                }
                self.store.add(events, truths)
                for listener in self.listeners:
                    listener(events)
                for tn, truth in truths.items():
                    if truth is not None and truth.case and truth.tracking_number == tn:
                        self.cases.setdefault(truth.case, tn)
                finished = self.engine.take_finished()
                self.store.finish(finished, step.timestamp())
                self.store.evict((step - self.retention).timestamp())
                if self.engine.end is not None and self.engine.now >= self.engine.end:
                    break
            return now

    def view(self, carrier: str, tracking_number: str, now: datetime) -> ParcelView | None:
        rec = self.store.get(tracking_number)
        if rec is None or rec.carrier != carrier:
            return None
        events = rec.visible_events(now.timestamp())
        for view_filter in self.view_filters:
            events = view_filter(rec, events, now)
        return ParcelView(rec.tracking_number, rec.carrier, rec.service, events, rec.truth)

    def record(self, tracking_number: str) -> Record | None:
        return self.store.get(tracking_number)

    def request_id(self, carrier: str, kind: str) -> str:
        with self._lock:
            counter = self._request_ids.setdefault(f"{carrier}:{kind}", itertools.count(1))
            n = next(counter)
        digest = hashlib.sha256(f"{self.seed}:{carrier}:{kind}:{n}".encode()).hexdigest()
        return digest[:32]

    def case_numbers(self) -> list[dict[str, str]]:
        """Pinned cases with their numbers, known up front for a live world (empty for a replay)."""
        cases = getattr(self.engine, "cases", None)
        return cases() if callable(cases) else []

    def context(self, carrier: str) -> SandboxContext:
        return SandboxContext(self, carrier)


class SandboxContext:
    """The ``CarrierContext`` a carrier sub-app gets from the served sandbox."""

    def __init__(self, sandbox: Sandbox, carrier: str) -> None:
        if carrier not in registry.KEYS:
            raise ValueError(f"unknown carrier {carrier!r}")
        self.sandbox = sandbox
        self.carrier = carrier

    def now(self) -> datetime:
        return self.sandbox.sync()

    def lookup(self, tracking_number: str) -> ParcelView | None:
        return self.sandbox.view(self.carrier, tracking_number, self.now())

    @property
    def tokens(self) -> TokenIssuer:
        return self.sandbox.tokens

    @property
    def credentials(self) -> CredentialPolicy:
        return self.sandbox.credentials

    def request_id(self, kind: str) -> str:
        return self.sandbox.request_id(self.carrier, kind)

    @property
    def webhooks(self) -> Any:
        return self.sandbox.webhooks
