"""The tracker's boundaries: it reaches the sandbox over HTTP only (no imports of the sandbox's
own packages), and the tests' clock helper copes with a clock move that completes later (202)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.examples.harness import move_clock

pytestmark = pytest.mark.unit

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_tracker_imports_nothing_of_the_sandbox() -> None:
    offending = []
    for path in sorted(EXAMPLES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offending += [
                f"{path.name}: {n}" for n in names if n.split(".")[0] in ("sim", "mock_carriers", "tests")
            ]
    assert len(list(EXAMPLES.rglob("*.py"))) > 10
    assert not offending, offending


def test_move_clock_waits_for_an_asynchronous_move_to_complete() -> None:
    start = datetime(2026, 11, 2, tzinfo=UTC)
    readings = [start, start, start + timedelta(hours=30), start + timedelta(days=2)]
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "POST":
            return httpx.Response(202, json={"now": start.isoformat(), "target": "2026-11-04T00:00:00+00:00"})
        now = readings.pop(0) if len(readings) > 1 else readings[0]
        return httpx.Response(200, json={"now": now.isoformat(), "mode": "manual", "speed": 1.0})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        assert move_clock(http, "http://sandbox", advance="2d") == start + timedelta(days=2)
    assert calls.count("POST") == 1 and calls.count("GET") == 4


def test_move_clock_takes_a_synchronous_answer_as_it_is() -> None:
    start = datetime(2026, 11, 2, tzinfo=UTC)

    def handler(request: httpx.Request) -> httpx.Response:
        now = start + timedelta(hours=5) if request.method == "POST" else start
        return httpx.Response(200, json={"now": now.isoformat(), "mode": "manual", "speed": 1.0})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        assert move_clock(http, "http://sandbox", to=start + timedelta(hours=5)) == start + timedelta(hours=5)
