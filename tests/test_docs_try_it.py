"""The "Try it" numbers in docs/carriers/*.md are real parcels (issue 14 item 8): every tracking number
in a page's shell examples is a parcel of the carrier in the shipped scenario the page names, with
scans visible once the clock has moved the three days the page says."""

from __future__ import annotations

import functools
import re
from datetime import timedelta
from pathlib import Path

import pytest

from sim.engine import Engine
from sim.events import CARRIERS
from sim.scenario import load_scenario
from sim.tracking_numbers import is_valid, mod37_36

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parent.parent / "docs" / "carriers"
SHELL = re.compile(r"```sh\n(.*?)```", re.S)
TOKEN = re.compile(r"[0-9A-Z]{10,34}")
SCENARIO = re.compile(r"parcel of the shipped `([a-z_]+)` scenario")


@functools.cache
def parcels(scenario: str) -> dict[str, str]:
    """tracking number → carrier, for every parcel with a scan in the first three days."""
    loaded, _ = load_scenario(scenario)
    events = Engine(loaded).advance(loaded.start + timedelta(days=3))
    return {e.tracking_number: e.carrier for e in events}


def _forms(carrier: str, token: str) -> tuple[str, ...]:
    # DPD's web services take the 14-digit parcel number without its check character
    return (token, token + mod37_36(token)) if carrier == "dpd" and token.isdigit() else (token,)


@pytest.mark.parametrize("carrier", CARRIERS)
def test_try_it_numbers_exist_in_the_named_scenario(carrier: str) -> None:
    page = (DOCS / f"{carrier}.md").read_text(encoding="utf-8")
    named = SCENARIO.findall(page)
    assert named, f"docs/carriers/{carrier}.md names no shipped scenario for its example numbers"
    numbers = {
        number
        for block in SHELL.findall(page)
        for token in TOKEN.findall(block.upper())
        for number in _forms(carrier, token)
        if is_valid(carrier, number)
    }
    assert numbers, f"docs/carriers/{carrier}.md has no {carrier} tracking number in its examples"
    world = parcels(named[0])
    missing = sorted(n for n in numbers if world.get(n) != carrier)
    assert not missing, f"{carrier}: {missing} are not {carrier} parcels of `{named[0]}`"
