"""Exact replay: a recorded run served through the same carrier APIs and clock controls, without
re-simulating, answers response for response what the live world answered at the same instants."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.world.sandbox import Sandbox
from parcel_sandbox.cli import main as cli_main
from sim.replay import RecordedWorld, load_run
from tests.carriers.client_amazon import AmazonClient
from tests.carriers.client_dhl import DhlClient
from tests.carriers.client_fedex import FedexClient
from tests.carriers.client_ups import UpsClient
from tests.carriers.client_usps import UspsClient
from tests.conftest import scenario_dict
from tests.live import free_port

CLIENTS = {
    "ups": UpsClient,
    "fedex": FedexClient,
    "dhl": DhlClient,
    "usps": UspsClient,
    "amazon": AmazonClient,
}


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = scenario_dict()
    data.update({"duration": "2d", "drain": "10d", "name": "replayed"})
    data["demand"] = {**data["demand"], "parcels_per_day": 300}
    data["cases"] = [
        {
            "name": "lost-one",
            "carrier": "ups",
            "origin": "EWR",
            "destination": "CHI",
            "ship_at": "3h",
            "story": "lost",
        }
    ]
    root = tmp_path_factory.mktemp("replay")
    (root / "replayed.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert cli_main(["run", str(root / "replayed.yaml"), "--out", str(root / "run"), "--quiet"]) == 0
    return root / "run"


@pytest.mark.slow
def test_replay_equals_live_serve(recorded: Path) -> None:
    scenario, seed, run = load_run(recorded)
    live = create_app(sandbox=Sandbox(scenario, seed=seed, endless=False))
    replay = create_app(
        sandbox=Sandbox(
            scenario, seed=seed, endless=False, engine_factory=lambda: RecordedWorld(run, scenario)
        )
    )
    compared = 0
    with TestClient(live) as a, TestClient(replay) as b:
        clients = {
            name: (cls(a, f"http://testserver/{name}"), cls(b, f"http://testserver/{name}"))
            for name, cls in CLIENTS.items()
        }
        for ca, cb in clients.values():
            ca.authenticate()
            cb.authenticate()
        for step in ("5h", "20h", "1d", "2d", "6d"):
            for http in (a, b):
                assert http.post("/_sandbox/clock", json={"advance": step}).status_code == 200
            listed_a = a.get("/_sandbox/parcels", params={"limit": 1000}).json()["items"]
            listed_b = b.get("/_sandbox/parcels", params={"limit": 1000}).json()["items"]
            assert [(p["tracking_number"], p["status"]) for p in listed_a] == [
                (p["tracking_number"], p["status"]) for p in listed_b
            ]
            for carrier, (ca, cb) in clients.items():
                sample = [p["tracking_number"] for p in listed_a if p["carrier"] == carrier][:6]
                for number in [*sample, "1Z999AA10123456784"]:
                    ra, rb = ca.track(number), cb.track(number)
                    assert ra.status_code == rb.status_code
                    assert ra.content == rb.content, (carrier, number, step)
                    compared += 1
    assert compared > 100


@pytest.mark.live
@pytest.mark.slow
def test_replay_command_serves_a_run_directory(recorded: Path) -> None:
    port = free_port()
    exe = Path(sys.executable).parent / "parcel-sandbox"
    proc = subprocess.Popen(
        [str(exe), "replay", str(recorded), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/_sandbox/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, (
                proc.stderr.read() if proc.stderr else ""
            )
            time.sleep(0.2)
        moved = httpx.post(f"{base}/_sandbox/clock", json={"advance": "5d"}, timeout=120)
        assert moved.status_code == 200 and moved.json()["now"] == moved.json()["target"]
        items = httpx.get(f"{base}/_sandbox/parcels", params={"carrier": "ups", "status": "DELIVERED"}).json()
        assert items["items"]
        cases = httpx.get(f"{base}/_sandbox/cases").json()
        assert cases[0]["name"] == "lost-one" and cases[0]["tracking_number"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.live
def test_replay_of_a_missing_directory_is_exit_2(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "parcel_sandbox.cli", "replay", str(tmp_path / "nothing")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "not a run directory" in proc.stderr and "Traceback" not in proc.stderr
