"""The world verify's tests score trackers in: examples/verify/weather_qa.yaml, the worked example
of docs/verify.md (the weather_delay world at 80 parcels a day with the storm-delayed case plus a
parcel lost at a hub and one that fails three attempts and goes back)."""

from __future__ import annotations

from pathlib import Path

from sim.scenario import Scenario, parse_scenario, read_text

WORLD = Path(__file__).resolve().parents[2] / "examples" / "verify" / "weather_qa.yaml"


def verify_world() -> Scenario:
    return parse_scenario(read_text(WORLD), str(WORLD))
