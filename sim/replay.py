"""A recorded run as a world source: serve ``events.jsonl`` + ``truth.jsonl`` without re-simulating.

``RecordedWorld`` has the engine's interface (``advance``, ``take_finished``, ``truth``…), so the
served sandbox, its clock and every carrier API work on a recording exactly as on a live world.
Events are read from disk as the clock reaches them; only the truth table is held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

from sim.events import ParcelTruth, ScanEvent
from sim.scenario import MAX_SEED, Scenario, ScenarioError, parse_scenario, read_text

RUN_FILES = ("events.jsonl", "truth.jsonl", "summary.json", "scenario.yaml")

T = TypeVar("T")


def load_run(run_dir: str | Path) -> tuple[Scenario, int, Path]:
    """The scenario and seed a run directory was made with (``parcel-sandbox run`` writes them).

    A file that is missing or not what ``run`` wrote raises ScenarioError naming it (and the line).
    """
    run = Path(run_dir)
    if not run.is_dir():
        hint = "`parcel-sandbox run --out DIR` makes one"
        raise ScenarioError([f"{run}:1:1: (run): not a run directory: no such directory ({hint})"])
    missing = [name for name in RUN_FILES if not (run / name).is_file()]
    if missing:
        raise ScenarioError([f"{run}:1:1: (run): not a run directory, missing {', '.join(missing)}"])
    seed = _summary_seed(run / "summary.json")
    scenario = parse_scenario(read_text(run / "scenario.yaml"), str(run / "scenario.yaml"))
    return scenario, seed, run


def _summary_seed(path: Path) -> int:
    try:
        summary = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path}:{exc.lineno}:{exc.colno}: (json): {exc.msg}"]) from None
    seed = summary.get("seed") if isinstance(summary, dict) else None
    if type(seed) is not int or not 0 <= seed <= MAX_SEED:
        raise ScenarioError([f"{path}:1:1: seed: missing, or not an integer from 0 to {MAX_SEED}"])
    return seed


def read_records(path: Path, parse: Callable[[dict[str, Any]], T]) -> Iterator[T]:
    """The records of a JSONL log; a line that is not one raises ScenarioError naming file and line."""
    lineno = 0
    try:
        with path.open("rb") as fh:  # bytes, decoded line by line: a bad byte is named at its line
            for lineno, line in enumerate(fh, 1):  # noqa: B007 - lineno names the line that failed
                data = json.loads(line.decode("utf-8"))
                if not isinstance(data, dict):
                    raise TypeError(f"a record is a JSON object, got {type(data).__name__}")
                yield parse(data)
    except json.JSONDecodeError as exc:
        raise ScenarioError([f"{path}:{lineno}:{exc.colno}: (json): {exc.msg}"]) from None
    except KeyError as exc:
        raise ScenarioError([f"{path}:{lineno}:1: {exc.args[0]}: missing"]) from None
    except (ValueError, TypeError, AttributeError) as exc:  # a bad value; also bytes that are not UTF-8
        raise ScenarioError([f"{path}:{max(lineno, 1)}:1: (record): {exc}"]) from None
    except OSError as exc:
        raise ScenarioError([f"{path}:1:1: (file): cannot read: {exc.strerror or exc}"]) from None


def _strings(data: dict[str, Any], *keys: str) -> None:
    for key in keys:
        if not isinstance(data[key], str):
            raise TypeError(f"{key} should be a string, got {type(data[key]).__name__}")


def _checked_event(data: dict[str, Any]) -> ScanEvent:
    event = ScanEvent.from_dict(data)
    _strings(data, "event_id", "tracking_number", "carrier", "service", "occurred_at", "visible_at")
    if type(event.seq) is not int:
        raise TypeError(f"seq should be an integer, got {type(event.seq).__name__}")
    datetime.fromisoformat(event.occurred_at)
    datetime.fromisoformat(event.visible_at)
    return event


def _checked_truth(data: dict[str, Any]) -> ParcelTruth:
    truth = ParcelTruth.from_dict(data)
    _strings(data, "tracking_number", "carrier", "service", "created_at")
    if truth.partner is not None:
        if not isinstance(truth.partner, dict):
            raise TypeError("partner should be an object")
        _strings(truth.partner, "tracking_number")
    return truth


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
        for t in read_records(run / "truth.jsonl", _checked_truth):
            self._truths[t.tracking_number] = t
            self._by_number[t.tracking_number] = t
            if t.partner:
                self._by_number[t.partner["tracking_number"]] = t
        # A parcel leaves the recorded world once its last event has happened. Every event is
        # parsed here once, so a corrupt log fails at start, not as a 500 when the clock reaches it.
        last: dict[str, str] = {}
        for e in read_records(run / "events.jsonl", _checked_event):
            owner = self._by_number.get(e.tracking_number)
            if owner is not None:
                last[owner.tracking_number] = e.occurred_at
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

    def close(self) -> None:
        self._events.close()

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

    def cases(self) -> list[dict[str, str | None]]:
        """The scenario's pinned cases with their tracking numbers, known from the start as a live
        world knows them: the recording's truth names each case's parcel. A case whose parcel the
        recording never reached has none."""
        numbers = {t.case: t.tracking_number for t in self._truths.values() if t.case}
        return [
            {"name": c.name, "tracking_number": numbers.get(c.name), "carrier": c.carrier, "story": c.story}
            for c in self.scenario.cases
        ]
