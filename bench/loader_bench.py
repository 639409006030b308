"""Scenario loading on hostile files up to the 1 MiB limit, against libyaml's own event scan.

For each shape, the seconds ``parse_scenario`` takes from text to a Scenario or a ScenarioError
(bounded YAML, positions, pydantic, error lines), the seconds libyaml takes only to scan the same
text into events — the floor for any YAML loader, measured in the same process — and their ratio.
Shapes that the old loader turned into hangs or 3.9 GB (the alias bomb) have a bounded figure now.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import yaml

from sim.scenario import ScenarioError, parse_scenario, shipped_scenarios

MIB = 1024 * 1024


def _fill(base: str, head: str, line: Callable[[int], str]) -> str:
    """``base`` + ``head`` + as many ``line(i)`` as fit in 1 MiB."""
    parts, size, i = [base, head], len(base.encode()) + len(head.encode()), 0
    while True:
        nxt = line(i)
        if size + len(nxt.encode()) > MIB - 8:  # room for a closing bracket
            return "".join(parts)
        parts.append(nxt)
        size += len(nxt.encode())
        i += 1


def _shapes(base: str) -> dict[str, str]:
    room = MIB - len(base.encode()) - 64
    laughs = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    laughs += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return {
        "shipped baseline": base,
        "alias bomb (585 bytes)": "\n".join(laughs) + "\n",
        "1 MiB flow list": _fill(base, "x: [", lambda i: "1, ") + "]\n",
        "1 MiB of unknown fields": _fill(base, "", lambda i: f"x{i}: {i}\n"),
        "19,000 unknown fields": base + "".join(f"x{i}: {i}\n" for i in range(9_400)),
        "1 MiB of anchors": _fill(base, "", lambda i: f"k{i}: &a{i} [1]\n"),
        "1 MiB string": base + "description_x: " + "x" * (room - 20) + "\n",
        "1 MiB comment": base + "#" * room + "\n",
        "nesting 5,000 deep": base + "x: " + "[" * 5000 + "]" * 5000 + "\n",
    }


def _best_of(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _load(text: str) -> str:
    try:
        parse_scenario(text, "bench.yaml")
        return "loaded"
    except ScenarioError as exc:
        return exc.problems[0].split(": ", 2)[-1][:28]


def _scan(text: str) -> None:
    for _ in yaml.parse(text, Loader=yaml.CSafeLoader):
        pass


def run_loader_bench(repeat: int = 3) -> dict[str, Any]:
    base = shipped_scenarios()["baseline"].read_text(encoding="utf-8")
    rows = []
    for name, text in _shapes(base).items():
        outcome = _load(text)
        load_s = _best_of(lambda text=text: _load(text), repeat)
        try:
            scan_s: float | None = _best_of(lambda text=text: _scan(text), repeat)
        except yaml.YAMLError:  # libyaml refuses nesting past 1,000 levels itself
            scan_s = None
        rows.append(
            {
                "shape": name,
                "bytes": len(text.encode()),
                "outcome": outcome,
                "load_s": round(load_s, 4),
                "libyaml_scan_s": None if scan_s is None else round(scan_s, 4),
                "ratio": None if not scan_s else round(load_s / scan_s, 2),
            }
        )
    # the shipped baseline the way it was read before (pure-Python SafeLoader, twice: compose and
    # load, plus pydantic), against the bounded loader
    before = _best_of(
        lambda: (yaml.compose(base, Loader=yaml.SafeLoader), yaml.safe_load(base)),
        repeat,
    )
    return {
        "shapes": rows,
        "baseline_before_s": round(before, 4),
        "worst_load_s": max(r["load_s"] for r in rows),
    }
