"""Golden traces: the sha256 of each shipped scenario's events at its own seed, pinned in
``tests/golden.json`` so that any change to the world is a reviewed change.

``make golden`` (``python -m sim.golden``) re-runs every shipped scenario and rewrites the file;
the diff of that file is what a reviewer looks at.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

from sim.engine import Engine
from sim.scenario import load_scenario, shipped_scenarios
from sim.sinks import JsonlSink

GOLDEN_FILE = Path(__file__).resolve().parent.parent / "tests" / "golden.json"


def trace_hash(events_path: Path) -> str:
    return hashlib.sha256(events_path.read_bytes()).hexdigest()


def run_scenario(name: str, out: Path) -> Path:
    scenario, _ = load_scenario(name)
    engine = Engine(scenario)
    with JsonlSink(out / "events.jsonl") as events, JsonlSink(out / "truth.jsonl") as truths:
        for evs, done in engine.run():
            events.write(evs)
            truths.write(done)
    return out / "events.jsonl"


def main() -> int:
    golden = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in shipped_scenarios():
            events = run_scenario(name, Path(tmp) / name)
            golden[name] = trace_hash(events)
            print(f"{name:<24} {golden[name]}")
    GOLDEN_FILE.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
