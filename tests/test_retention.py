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


def _archived_store(tmp_path: Path, numbers: list[str]) -> InMemoryStore:
    from mock_carriers.world.archive import SqliteArchive
    from sim.events import ParcelTruth

    store = InMemoryStore(SqliteArchive(tmp_path / "a.sqlite", "w", "w"), lambda rec, at: at + 100.0)
    for i, tn in enumerate(numbers, 1):
        store._records[tn] = Record(i, tn, "ups", "ground", born=0.0)
    truths = [ParcelTruth(tn, "ups", "ground", "2026-11-02T00:00:00+00:00", "", {}, {}) for tn in numbers]
    store.finish(truths, 50.0)
    assert store.evict(60.0) == len(numbers)
    return store


@pytest.mark.unit
def test_an_archived_parcel_is_decoded_once_and_forgotten_when_its_row_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mock_carriers.world import store as store_module

    monkeypatch.setattr(store_module, "THAWED_RECORDS", 2)
    store = _archived_store(tmp_path, ["TN1", "TN2", "TN3"])
    reads: list[str] = []
    archive_get = store.archive_open.get  # type: ignore[union-attr]
    monkeypatch.setattr(store.archive_open, "get", lambda tn: reads.append(tn) or archive_get(tn))
    first = store.get("TN1")
    assert first is not None and store.get("TN1") is first and reads == ["TN1"]  # decoded once
    store.get("TN2"), store.get("TN3")  # the bound: TN1 (least recently read) is out
    assert store.get("TN1") is not first and reads == ["TN1", "TN2", "TN3", "TN1"]
    # A later life of the number (a scan after the archive) evicted again replaces the row: the
    # decoded copy of the old row must not be served.
    store._records["TN1"] = Record(9, "TN1", "ups", "ground", born=70.0)
    store._end(store._records["TN1"], None, 80.0)
    assert store.evict(90.0) == 1
    again = store.get("TN1")
    assert again is not None and again.ord == 9
    assert store.purge(200.0) == 3 and store.get("TN1") is None and store.get("TN2") is None


@pytest.mark.unit
def test_a_read_racing_an_eviction_does_not_keep_the_old_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _archived_store(tmp_path, ["TN1"])
    archive_get = store.archive_open.get  # type: ignore[union-attr]

    def evicted_meanwhile(tn: str) -> Any:
        row = archive_get(tn)  # the old row, read just before the housekeeper replaces it
        store._records["TN1"] = Record(9, "TN1", "ups", "ground", born=70.0)
        store._end(store._records["TN1"], None, 80.0)
        store.evict(90.0)
        return row

    monkeypatch.setattr(store.archive_open, "get", evicted_meanwhile)
    assert store.get("TN1").ord == 1  # type: ignore[union-attr]  (this read's answer is the old row)
    monkeypatch.setattr(store.archive_open, "get", archive_get)
    assert store.get("TN1").ord == 9  # type: ignore[union-attr]  (but it was not kept)


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


def _scan(tn: str, code: str, at: str) -> Any:
    from sim.events import EventCode, Location, ScanEvent

    where = Location(None, "address", "Kristi", "Memphis", "TN", "38105", "US", 35.14, -90.04)
    return ScanEvent(f"e-{tn}-{at}", 0, tn, "amazon", "same_day", EventCode(code), None, at, at, where, None)


@pytest.mark.unit
def test_an_end_that_arrives_before_the_scans_waits_for_them_and_a_later_scan_moves_it() -> None:
    """The world writes some scans ahead (a courier's stops) and releases them as they occur, so
    the engine may report a story's end before its scans: the store keeps that end until the
    number's scans arrive — a parcel is never listed without its truth — and a scan that comes
    after the end moves the end (the outcome shows from the last scan, not earlier)."""
    from sim.events import ParcelTruth

    store = InMemoryStore()
    truth = ParcelTruth("TBA1", "amazon", "same_day", "2026-11-02T07:51:38-06:00", "", {}, {})
    assert store.finish([truth], 0.0) == []  # no scan of it yet
    store.add([_scan("TBA1", "LABEL_CREATED", "2026-11-02T07:51:38-06:00")], {"TBA1": None})
    done = store.finish([], 0.0)
    rec = store.get("TBA1")
    assert rec is not None and done == [rec] and rec.truth is truth
    first_end = rec.finished_at
    assert first_end == datetime.fromisoformat("2026-11-02T07:51:38-06:00").timestamp()
    store.add([_scan("TBA1", "DELIVERED", "2026-11-02T17:39:57-06:00")], {"TBA1": None})
    delivered = datetime.fromisoformat("2026-11-02T17:39:57-06:00").timestamp()
    assert rec.finished_at == delivered and rec.truth is truth
    # eviction takes it once, at its real end, not at the end that moved
    assert store.evict(delivered) == 0 and store.holds("TBA1")
    # an end whose number is never scanned (a partner's, before the hand-over) is forgotten
    partner = ParcelTruth("TBA2", "amazon", "same_day", "2026-11-02T07:51:38-06:00", "", {}, {})
    store.finish([partner], 0.0)
    assert "TBA2" in store._early
    store.finish([], 4 * 86400.0)
    assert "TBA2" not in store._early


@pytest.mark.unit
def test_a_parcel_evicted_while_the_store_lists_shows_once(tmp_path: Path) -> None:
    """The housekeeper moves finished parcels to disk while requests list the store: a listing
    that reads the archive just before a parcel moves there must still see it (in memory)."""
    from mock_carriers.world.archive import SqliteArchive
    from sim.events import ParcelTruth

    archive = SqliteArchive(tmp_path / "a.sqlite", "w", "w")
    store = InMemoryStore(archive, lambda rec, at: at + 1e6)
    for n in (1, 2):
        store._records[f"TN{n}"] = Record(n, f"TN{n}", "ups", "ground", born=0.0)
    store.finish([ParcelTruth("TN1", "ups", "ground", "2026-11-02T00:00:00+00:00", "", {}, {})], 50.0)
    store.evict(60.0)  # the archive is open and holds TN1
    store.finish([ParcelTruth("TN2", "ups", "ground", "2026-11-02T00:00:00+00:00", "", {}, {})], 70.0)
    listed = archive.list

    def list_then_evict(*args: Any) -> Any:
        rows = listed(*args)
        store.evict(100.0)  # the housekeeper, between the archive's answer and the memory's
        return rows

    archive.list = list_then_evict  # type: ignore[method-assign]
    assert [s.tracking_number for s in store.list(100.0)] == ["TN1", "TN2"]
    archive.list = listed  # type: ignore[method-assign]
    assert [s.tracking_number for s in store.list(100.0)] == ["TN1", "TN2"]  # both on disk now
