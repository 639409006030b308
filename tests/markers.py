"""The kinds of test (registered in pyproject.toml) and the check that every test says its kind:
``unit`` (fast, in-process), ``live`` (a real server or a subprocess), ``slow`` (more than a few
seconds), ``fuzz`` (property-based or API fuzzing). conftest.py runs ``kind_problems`` at collection
and fails it on any problem, so ``pytest -m unit`` and ``-m "not slow"`` select what they say."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

KINDS: tuple[str, ...] = ("unit", "live", "slow", "fuzz")


def kind_problems(items: Iterable[Any]) -> list[str]:
    """One line per test without a kind, or claiming ``unit`` while also ``live`` or ``slow``."""
    problems = []
    for item in items:
        kinds = {m.name for m in item.iter_markers() if m.name in KINDS}
        if not kinds:
            problems.append(f"{item.nodeid}: no kind (mark it {', '.join(KINDS[:-1])} or {KINDS[-1]})")
        elif "unit" in kinds and kinds & {"live", "slow"}:
            other = " and ".join(sorted(kinds & {"live", "slow"}))
            problems.append(f"{item.nodeid}: unit and {other} (a unit test is fast and in-process)")
    return problems
