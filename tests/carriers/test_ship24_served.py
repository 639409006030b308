"""The numbers docs/carriers/ship24.md tells readers to try exist in the shipped ``baseline``
world and are delivered, through Ship24, after the clock has moved five days."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from sim.scenario import load_scenario

pytestmark = pytest.mark.slow

DOC = Path(__file__).resolve().parents[2] / "docs" / "carriers" / "ship24.md"


def try_it_numbers() -> list[str]:
    section = DOC.read_text(encoding="utf-8").split("## Try it", 1)[1].split("\n## ", 1)[0]
    return sorted(set(re.findall(r"`([0-9A-Z]{10,34})`", section)))


def test_the_try_it_numbers_are_delivered_parcels_of_the_baseline_world() -> None:
    numbers = try_it_numbers()
    assert len(numbers) == 3, numbers
    scenario, _ = load_scenario("baseline")
    with TestClient(create_app(scenario)) as http:
        # Wait for the world however loaded the machine is (the default 60 s gave a 202 under load).
        moved = http.post("/_sandbox/clock", params={"timeout": 600}, json={"advance": "5d"})
        assert moved.status_code == 200, moved.text
        for number in numbers:
            r = http.post(
                "/ship24/public/v1/trackers/track",
                json={"trackingNumber": number},
                headers={"Authorization": "Bearer apik_demo"},
            )
            assert r.status_code == 200, r.text
            assert r.json()["data"]["trackings"][0]["shipment"]["statusMilestone"] == "delivered", number
