"""A recorded run as a world source: serve ``events.jsonl`` + ``truth.jsonl`` without re-simulating.

``RecordedWorld`` has the engine's interface (``advance``, ``take_finished``, ``truth``…), so the
served sandbox, its clock and every carrier API work on a recording exactly as on a live world.
Events are read from disk as the clock reaches them; only the truth table is held in memory.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from sim.events import ParcelTruth, ScanEvent
from sim.scenario import Scenario, ScenarioError, parse_scenario

RUN_FILES = ("events.jsonl", "truth.jsonl", "summary.json", "scenario.yaml")


def load_run(run_dir: str | Path) -> tuple[Scenario, int, Path]:
    """The scenario and seed a run directory was made with (``parcel-sandbox run`` writes them)."""
    run = Path(run_dir)
    missing = [name for name in RUN_FILES if not (run / name).is_file()]
    if missing:
        raise ScenarioError([f"{run}:1:1: (run): not a run directory, missing {', '.join(missing)}"])
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    scenario = parse_scenario((run / "scenario.yaml").read_text(encoding="utf-8"), str(run / "scenario.yaml"))
    return scenario, int(summary["seed"]), run


class RecordedWorld:
    def __init__(self, run_dir: str | Path, scenario: Scenario) -> None:
        run = Path(run_dir)
        self.scenario = scenario
        self._start = scenario.start
        self._now = scenario.start
        self._events: IO[str] = (run / "events.jsonl").open(encoding="utf-8")
        self._pending: ScanEvent | None = None
        self._truths: dict[str, ParcelTruth] = {}
        self._by_number: dict[str, ParcelTruth] = {}
        with (run / "truth.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                t = ParcelTruth.from_dict(json.loads(line))
                self._truths[t.tracking_number] = t
                self._by_number[t.tracking_number] = t
                if t.partner:
                    self._by_number[t.partner["tracking_number"]] = t
        # A parcel leaves the recorded world once its last event has happened.
        last: dict[str, str] = {}
        with (run / "events.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                e = json.loads(line)
                owner = self._by_number.get(e["tracking_number"])
                if owner is not None:
                    last[owner.tracking_number] = e["occurred_at"]
        self._finish_order = sorted(
            (
                (datetime.fromisoformat(at), tn)
                for tn, at in last.items()
                if self._truths[tn].fate.value != "in_network"
            ),
            key=lambda x: (x[0], x[1]),
        )
        self._finished_upto = 0
        self._created = 0

    @property
    def now(self) -> datetime:
        return self._now

    @property
    def end(self) -> datetime:
        return self._start + timedelta(seconds=self.scenario.duration + self.scenario.drain)

    @property
    def parcels_created(self) -> int:
        return self._created

    def _next(self) -> ScanEvent | None:
        if self._pending is None:
            line = self._events.readline()
            if not line:
                return None
            self._pending = ScanEvent.from_dict(json.loads(line))
        return self._pending

    def advance(self, until: datetime | float) -> list[ScanEvent]:
        target = self._start + timedelta(seconds=until) if not isinstance(until, datetime) else until
        target = min(target, self.end)
        out: list[ScanEvent] = []
        while True:
            e = self._next()
            if e is None or datetime.fromisoformat(e.occurred_at) > target:
                break
            out.append(e)
            if e.seq == 1 and e.tracking_number in self._truths:
                self._created += 1
            self._pending = None
        self._now = max(self._now, target)
        return out

    def take_finished(self) -> list[ParcelTruth]:
        done = []
        while (
            self._finished_upto < len(self._finish_order)
            and self._finish_order[self._finished_upto][0] <= self._now
        ):
            done.append(self._truths[self._finish_order[self._finished_upto][1]])
            self._finished_upto += 1
        return done

    def truth(self, tracking_number: str) -> ParcelTruth | None:
        return self._by_number.get(tracking_number)
