"""Golden traces: the sha256 of each shipped scenario's events at its own seed, pinned in
``tests/golden.json`` so that any change to the world is a reviewed change.

``make golden`` (``python -m sim.golden``) re-runs every shipped scenario and rewrites the file;
the diff of that file is what a reviewer looks at. ``python -m sim.golden --check [NAME ...]``
re-runs them and compares instead, writing nothing (exit 1 on a difference): the quick proof that
a refactor left the world alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sim.collector import fewer_collections
from sim.engine import Engine
from sim.scenario import load_scenario, shipped_scenarios
from sim.sinks import JsonlSink

GOLDEN_FILE = Path(__file__).resolve().parent.parent / "tests" / "golden.json"


def trace_hash(events_path: Path) -> str:
    return hashlib.sha256(events_path.read_bytes()).hexdigest()


def run_scenario(name: str, out: Path) -> Path:
    scenario, _ = load_scenario(name)
    engine = Engine(scenario)
    with (
        JsonlSink(out / "events.jsonl") as events,
        JsonlSink(out / "truth.jsonl") as truths,
        fewer_collections(batch=True),  # around the writing too: none at all (sim.collector)
    ):
        for evs, done in engine.run():
            events.write(evs)
            truths.write(done)
    return out / "events.jsonl"


def _hash_of(name: str, out: Path) -> str:
    return trace_hash(run_scenario(name, out))


def hashes(names: list[str], workers: int = 2) -> dict[str, str]:
    """Each named shipped scenario's trace hash; worlds are independent, so they run side by side."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        return dict(zip(names, pool.map(_hash_of, names, [Path(tmp) / n for n in names]), strict=True))


def main(argv: list[str] | None = None, golden_file: Path = GOLDEN_FILE) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.golden", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the pinned hashes; write nothing")
    parser.add_argument("names", nargs="*", help="shipped scenarios (default: all)")
    args = parser.parse_args(argv)
    shipped = sorted(shipped_scenarios())
    unknown = sorted(set(args.names) - set(shipped))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.names and not args.check:
        parser.error("re-pinning rewrites every hash: name scenarios only with --check")
    names = args.names or shipped
    got = hashes(names)
    if args.check:
        pinned = json.loads(golden_file.read_text(encoding="utf-8"))
        changed = [n for n in names if pinned.get(n) != got[n]]
        for n in names:
            print(f"{n:<24} {'ok' if n not in changed else 'CHANGED ' + got[n]}")
        if changed:
            print(f"{len(changed)} trace(s) differ from {golden_file.name}; if on purpose, `make golden`")
            return 1
        return 0
    for n in names:
        print(f"{n:<24} {got[n]}")
    golden_file.write_text(json.dumps(got, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {golden_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
