"""Engine(scenario, seed): the simulated world, advanced incrementally by a clock or run in batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import simpy

from sim.collector import fewer_collections
from sim.events import ParcelTruth, ScanEvent
from sim.network import Network, build_network
from sim.processes.demand import demand, pinned_case
from sim.scenario import Scenario
from sim.world import World

BATCH_STEP_S = 6 * 3600.0  # a batch run advances in steps so progress shows and memory stays small


class Engine:
    """One world. ``advance(until)`` simulates up to that instant and returns the new events.

    With ``endless=True`` demand never stops (a served, long-running sandbox); otherwise demand
    runs for the scenario's ``duration`` and the world drains for ``drain`` more.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int | None = None,
        *,
        endless: bool = False,
        network: Network | None = None,
    ) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.endless = endless
        self.env = simpy.Environment()
        self.network = network or build_network(scenario)
        self.world = World(self.env, scenario, self.seed, self.network)
        self.env.process(demand(self.env, self.world, endless=endless))
        for case in scenario.cases:
            self.env.process(pinned_case(self.env, self.world, case))

    @property
    def start(self) -> datetime:
        return self.scenario.start

    @property
    def end(self) -> datetime | None:
        if self.endless:
            return None
        return self.scenario.start + timedelta(seconds=self.scenario.duration + self.scenario.drain)

    @property
    def now(self) -> datetime:
        return self.scenario.start + timedelta(seconds=self.env.now)

    @property
    def frontier(self) -> datetime:
        """The instant up to which the event log is complete: no event ``advance`` returns later
        is visible (``visible_at``) at or before it. A scan written ahead (a vehicle's unload) is
        handed out once it has occurred; one stamped a little behind (a courier's stop) is
        uploaded from the moment it is written — its ``visible_at`` counts from then — so it is
        ``now``."""
        return self.now

    def advance(self, until: datetime | float) -> list[ScanEvent]:
        """Simulate up to ``until`` (an instant, or seconds since the start); return the events
        that occurred since the last call, in the order they occurred."""
        target = (until - self.scenario.start).total_seconds() if isinstance(until, datetime) else until
        if self.end is not None:
            target = min(target, (self.end - self.scenario.start).total_seconds())
        if target > self.env.now:
            with fewer_collections():  # a quarter of a big world's time otherwise (sim.collector)
                self.env.run(until=target)
        return self.world.ledger.release(self.world.start_epoch + self.env.now)

    def take_finished(self) -> list[ParcelTruth]:
        """Truths of parcels whose story ended since the last call (they leave the engine's memory)."""
        ledger = self.world.ledger
        done, ledger.finished = ledger.finished, []
        return done

    def in_flight(self) -> list[ParcelTruth]:
        """Truths of parcels still in the network, in creation order (one per physical parcel)."""
        seen: dict[int, ParcelTruth] = {}
        for p in self.world.ledger.in_flight.values():
            seen.setdefault(id(p), p.truth)
        return list(seen.values())

    def truth(self, tracking_number: str) -> ParcelTruth | None:
        p = self.world.ledger.in_flight.get(tracking_number)
        return p.truth if p is not None else None

    def cases(self) -> list[dict[str, str]]:
        """The scenario's pinned cases with their tracking numbers — known before the run starts."""
        return [
            {
                "name": c.name,
                "tracking_number": self.world.cases.number(c),
                "carrier": c.carrier,
                "story": c.story,
            }
            for c in self.scenario.cases
        ]

    @property
    def parcels_created(self) -> int:
        return self.world.created

    def run(
        self,
        progress: Callable[[float], None] | None = None,
    ) -> Iterator[tuple[list[ScanEvent], list[ParcelTruth]]]:
        """Batch run to the end, yielding (events, finished truths) per step; then the leftovers."""
        if self.end is None:
            raise ValueError("an endless engine has no end to run to")
        horizon = (self.end - self.scenario.start).total_seconds()
        t = 0.0
        # Each step runs under fewer_collections (advance); nothing process-wide is held across a
        # yield: a caller that abandons the generator must not leave every later caller's collector
        # changed (held across yields it saved ~2 CPU s of a 50 s day, not worth that hazard).
        while t < horizon:
            t = min(horizon, t + BATCH_STEP_S)
            events = self.advance(t)
            yield events, self.take_finished()
            if progress:
                progress(t / horizon)
        yield [], self.in_flight()
