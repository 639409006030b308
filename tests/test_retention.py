"""Retention like the carriers': a finished parcel stays trackable through its carrier's API for the
carrier's documented window — from the archive on disk once it has left memory — and then is gone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.world.sandbox import Sandbox
from mock_carriers.world.store import InMemoryStore, Record
from parcel_sandbox.cli import main as cli_main
from sim.replay import RecordedWorld, load_run
from tests.conftest import scenario_dict
from tests.test_served import CLIENTS


@pytest.mark.unit
def test_every_carrier_has_a_cited_retention_of_at_least_40_days() -> None:
    for spec in registry.specs():
        if spec.key not in registry.WORLD_KEYS:
            continue  # Ship24 keeps no parcels of its own: it reads the carriers' (their retention)
        assert spec.retention is not None, spec.key
        assert spec.retention.days >= 40 and spec.retention.source, spec.key


@pytest.mark.unit
def test_the_store_keeps_a_finished_parcel_until_its_expiry_and_not_after(tmp_path: Path) -> None:
    from mock_carriers.world.archive import SqliteArchive
    from sim.events import ParcelTruth

    store = InMemoryStore(SqliteArchive(tmp_path / "a.sqlite", "w", "w"), lambda rec, at: at + 100.0)
    rec = Record(1, "TN1", "ups", "ground", born=0.0)
    store._records["TN1"] = rec
    truth = ParcelTruth("TN1", "ups", "ground", "2026-11-02T00:00:00+00:00", "", {}, {})
    store.finish([truth], 50.0)
    assert store.evict(60.0) == 1 and not store.holds("TN1")
    archived = store.get("TN1")
    assert archived is not None and archived.exists(149.0) and not archived.exists(150.0)
    assert store.purge(149.0) == 0 and store.purge(150.0) == 1 and store.get("TN1") is None


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = scenario_dict()
    data.update({"duration": "1d", "drain": "8d", "name": "retained"})
    data["demand"] = {**data["demand"], "parcels_per_day": 250}
    root = tmp_path_factory.mktemp("retention")
    (root / "retained.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert cli_main(["run", str(root / "retained.yaml"), "--out", str(root / "run"), "--quiet"]) == 0
    return root / "run"


def _move_to(http: TestClient, instant: datetime) -> None:
    r = http.post("/_sandbox/clock", json={"to": instant.isoformat()}, params={"timeout": 300})
    assert r.status_code == 200 and r.json()["now"] == r.json()["target"], r.text


@pytest.mark.slow
@pytest.mark.parametrize("store", ["memory", "redis"])
def test_a_parcel_delivered_40_days_ago_is_trackable_through_every_carrier(
    recorded: Path, store: str, request: pytest.FixtureRequest
) -> None:
    scenario, seed, run = load_run(recorded)
    url = request.getfixturevalue("redis_url") if store == "redis" else None
    sandbox = Sandbox(scenario, seed=seed, engine_factory=partial(RecordedWorld, run, scenario), store=url)
    # With Redis the engine runs where the engine lock is: here, next to this API worker.
    publisher = sandbox.engine_publisher() if url else None
    if publisher is not None:
        publisher.start()
    app = create_app(sandbox=sandbox)
    with TestClient(app) as http:
        _move_to(http, sandbox.horizon)
        chosen: dict[str, tuple[str, datetime]] = {}
        for carrier in CLIENTS:
            items = http.get("/_sandbox/parcels", params={"carrier": carrier, "fate": "delivered"}).json()
            for item in items["items"]:
                truth = http.get(f"/_sandbox/parcels/{item['tracking_number']}").json()["truth"]
                if truth["delivered_at"]:
                    chosen[carrier] = (item["tracking_number"], datetime.fromisoformat(truth["delivered_at"]))
                    break
        assert set(chosen) == set(CLIENTS)
        latest = max(at for _, at in chosen.values())
        clients: dict[str, Any] = {c: CLIENTS[c](http, f"http://testserver/{c}") for c in CLIENTS}
        # Each carrier in turn, 40 days after its parcel was delivered (the clock only moves forward).
        for carrier, (tn, at) in sorted(chosen.items(), key=lambda kv: kv[1][1]):
            _move_to(http, max(at + timedelta(days=40), sandbox.now()))
            deadline = time.monotonic() + 30  # the pump moves finished parcels to disk as it goes
            while sandbox.store.holds(tn) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not sandbox.store.holds(tn), f"{carrier}: a 40-day-old parcel is on disk, not in memory"
            client = clients[carrier]
            client.authenticate()
            r = client.track(tn)
            assert r.status_code == 200, (carrier, r.text)
            client.validate(r)
            assert client.is_delivered(r.json()), carrier
        # Past Amazon's 45 days from the label, Amazon has forgotten it; UPS keeps its 120.
        _move_to(http, latest + timedelta(days=50))
        amazon_tn = chosen["amazon"][0]
        assert clients["amazon"].track(amazon_tn).status_code == 404
        assert clients["ups"].track(chosen["ups"][0]).status_code == 200
        assert http.get(f"/_sandbox/parcels/{amazon_tn}").status_code == 404
    if publisher is not None:
        publisher.stop()
    sandbox.close()
