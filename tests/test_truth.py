"""The truth API (/_sandbox/truth, /_sandbox/statuses) and the canonical status vocabulary: typed
records stating as_of and final, filters and paging, and a replay that answers every truth and
case route exactly as the live world does at the same instants."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.control.truth_models import lost_at
from mock_carriers.world.sandbox import Sandbox
from parcel_sandbox.cli import main as cli_main
from sim.events import EventCode, ExceptionReason, Fate
from sim.replay import RecordedWorld, load_run
from sim.status import Status, current_status, sample_scans, status_of
from tests.conftest import scenario_dict, small_scenario

CASES = [
    {
        "name": "lost-one",
        "carrier": "ups",
        "origin": "EWR",
        "destination": "CHI",
        "ship_at": "3h",
        "story": "lost",
    },
    {
        "name": "wrong-door",
        "carrier": "fedex",
        "origin": "EWR",
        "destination": "CHI",
        "ship_at": "3h",
        "story": "misdelivered",
    },
]


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.mark.unit
def test_each_code_reads_as_one_word_and_returns_and_losses_are_told_apart() -> None:
    assert status_of(EventCode.ARRIVED_AT_FACILITY) is Status.IN_TRANSIT
    assert status_of(EventCode.ARRIVED_AT_FACILITY, returning=True) is Status.RETURNING
    assert status_of(EventCode.EXCEPTION, ExceptionReason.LOST) is Status.LOST
    assert status_of(EventCode.EXCEPTION, ExceptionReason.DAMAGED) is Status.EXCEPTION
    assert status_of(EventCode.DELIVERY_RESCHEDULED) is Status.DELAYED
    assert status_of(EventCode.PICKED_UP_BY_RECIPIENT) is Status.DELIVERED
    assert status_of(EventCode.RETURNED_TO_SENDER) is Status.RETURNED
    assert current_status([]) is None
    # Every code maps to a word; the samples cover every word.
    assert {status for _, status in sample_scans()} == set(Status)


@pytest.mark.unit
def test_a_reschedule_booked_with_a_failed_attempt_reads_failed_attempt() -> None:
    history = next(h for h, _ in sample_scans() if h[-1].code is EventCode.DELIVERY_ATTEMPTED)
    attempt = history[-1]
    from dataclasses import replace

    resched = replace(attempt, seq=attempt.seq + 1, code=EventCode.DELIVERY_RESCHEDULED, reason=None)
    assert current_status([*history, resched]) is Status.FAILED_ATTEMPT
    later = replace(resched, occurred_at="2026-11-09T18:00:00+00:00")
    assert current_status([*history, later]) is Status.DELAYED


@pytest.mark.unit
def test_every_carrier_maps_its_codes_onto_the_vocabulary() -> None:
    words = {s.value for s in Status}
    # the carriers whose parcels the world makes (Ship24, a face over them, reads theirs)
    for key in registry.WORLD_KEYS:
        table = registry.status_table(key)
        assert table, key
        assert all(set(v) <= words and v for v in table.values()), key
        shown = set().union(*table.values())
        # Every carrier shows transit, delivery and a return with its own codes.
        assert {"in_transit", "delivered", "returning"} <= shown, key
        # DPD shows no status for a bare label (its statusInfo starts at pickup).
        assert ("label_created" in shown) == (key != "dpd"), key
    assert registry.status_table("ups")["011"] == ["delivered"]
    assert registry.status_table("fedex")["DL"] == ["delivered"]
    assert "lost" in registry.status_table("usps")["DX"]


@pytest.mark.unit
def test_the_two_shapes_of_lost_at_are_one() -> None:
    at = "2026-11-03T10:13:41-06:00"
    hub = lost_at({"facility_id": "ups-hub-HDG", "at": at})
    lane = lost_at({"lane": "ups-hub-HDG>ups-ds-CHI", "at": at})
    assert hub is not None and (hub.kind, hub.facility_id, hub.to_facility_id, hub.at) == (
        "facility",
        "ups-hub-HDG",
        None,
        at,
    )
    assert lane is not None and (lane.kind, lane.facility_id, lane.to_facility_id) == (
        "lane",
        "ups-hub-HDG",
        "ups-ds-CHI",
    )
    assert lost_at(None) is None


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(sandbox=Sandbox(small_scenario(cases=CASES), endless=False))
    with TestClient(app) as c:
        yield c


@pytest.mark.live
@pytest.mark.slow
def test_truth_of_one_parcel_grows_with_the_clock_and_says_when_it_is_final(client: TestClient) -> None:
    cases = {c["name"]: c["tracking_number"] for c in client.get("/_sandbox/cases").json()}
    lost, wrong = cases["lost-one"], cases["wrong-door"]
    assert client.get(f"/_sandbox/truth/{lost}").status_code == 404  # not shipped yet
    client.post("/_sandbox/clock", json={"advance": "1d"})
    early = client.get(f"/_sandbox/truth/{wrong}").json()
    assert early["final"] is False and early["fate"] == "in_network" and early["delivered_at"] is None
    assert early["as_of"] == client.get("/_sandbox/clock").json()["now"]
    client.post("/_sandbox/clock", json={"advance": "9d"})
    done = client.get(f"/_sandbox/truth/{wrong}").json()
    assert done["final"] is True and done["fate"] == "misdelivered" and done["misdelivered"] is True
    assert done["shown"]["status"] == "delivered"  # the carrier believes it delivered
    assert done["delivered_to"]["address"] != done["destination"]["address"]
    gone = client.get(f"/_sandbox/truth/{lost}").json()
    assert gone["fate"] == "lost" and gone["lost_at"]["kind"] in ("facility", "lane")
    assert gone["late"] is True and gone["delivered_at"] is None
    problem = client.get("/_sandbox/truth/NOPE123")
    assert problem.status_code == 404 and problem.headers["content-type"] == "application/problem+json"


@pytest.mark.live
@pytest.mark.slow
def test_truth_stream_filters_and_pages(client: TestClient) -> None:
    client.post("/_sandbox/clock", json={"to": "2026-11-13T00:00:00Z"})
    whole = client.get("/_sandbox/truth", params={"limit": 10000})
    assert whole.headers["content-type"] == "application/jsonl" and "x-next-cursor" not in whole.headers
    records = _lines(whole.text)
    assert len(records) > 500 and all(r["as_of"] == whole.headers["x-as-of"] for r in records)
    paged, cursor = [], None
    while True:
        page = client.get("/_sandbox/truth", params={"limit": 250, **({"cursor": cursor} if cursor else {})})
        paged += _lines(page.text)
        cursor = page.headers.get("x-next-cursor")
        if cursor is None:
            break
    assert paged == records
    resume = whole.headers["x-resume-cursor"]
    assert _lines(client.get("/_sandbox/truth", params={"cursor": resume}).text) == []  # nothing new yet
    checks = {
        "carrier": ("fedex", lambda r: r["carrier"] == "fedex"),
        "fate": ("misdelivered", lambda r: r["fate"] == "misdelivered"),
        "late": ("true", lambda r: r["late"]),
        "delayed": ("true", lambda r: r["delayed"]),
        "case": ("lost-one", lambda r: r["case"] == "lost-one"),
        "final": ("false", lambda r: not r["final"]),
    }
    for name, (value, keep) in checks.items():
        got = _lines(client.get("/_sandbox/truth", params={name: value, "limit": 10000}).text)
        assert got == [r for r in records if keep(r)], name
        assert got, name
    since = "2026-11-06T00:00:00Z"
    got = _lines(client.get("/_sandbox/truth", params={"changed_since": since, "limit": 10000}).text)
    assert 0 < len(got) < len(records)
    for bad in (
        {"fate": "vanished"},
        {"carrier": "royalmail"},
        {"cursor": "x1"},
        {"changed_since": "2026-11-06"},
    ):
        r = client.get("/_sandbox/truth", params=bad)
        assert r.status_code == 400 and r.headers["content-type"] == "application/problem+json", bad


@pytest.mark.live
@pytest.mark.slow
def test_openapi_types_the_truth_record_and_the_vocabulary(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    fields = spec["components"]["schemas"]["TruthRecord"]["properties"]
    for name in ("as_of", "final", "fate", "lost_at", "delays", "shown", "late", "partner", "updated_at"):
        assert name in fields and fields[name].get("description"), name
    assert "LostAt" in spec["components"]["schemas"]
    vocab = client.get("/_sandbox/statuses").json()
    assert [s["status"] for s in vocab["statuses"]] == [s.value for s in Status]
    assert set(vocab["carriers"]) == set(registry.KEYS)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = scenario_dict(standard_cases=True)  # the standard stories too: every fate happens
    data.update({"duration": "2d", "drain": "10d", "name": "truth-replayed", "cases": CASES})
    data["demand"] = {**data["demand"], "parcels_per_day": 300}
    root = tmp_path_factory.mktemp("truth-replay")
    (root / "s.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert cli_main(["run", str(root / "s.yaml"), "--out", str(root / "run"), "--quiet"]) == 0
    return root / "run"


def _all_parcels(http: TestClient, **filters: str) -> list[bytes]:
    pages, cursor = [], None
    while True:
        params = {**filters, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        r = http.get("/_sandbox/parcels", params=params)
        assert r.status_code == 200, r.text
        pages.append(r.content)
        cursor = r.json()["next"]
        if cursor is None:
            return pages


@pytest.mark.live
@pytest.mark.slow
def test_replay_and_serve_agree_on_every_control_route_at_every_instant(recorded: Path) -> None:
    """Truth as of now everywhere: the live world decides as it goes and runs ahead of the
    clock, the recording knew every end from the start; at the same instant every control
    route answers byte for byte the same, and no route shows a fate before it happens."""
    scenario, seed, run = load_run(recorded)
    live = create_app(sandbox=Sandbox(scenario, seed=seed, endless=False))
    replay = create_app(
        sandbox=Sandbox(
            scenario, seed=seed, endless=False, engine_factory=lambda: RecordedWorld(run, scenario)
        )
    )
    final_fates = {t["tracking_number"]: t["fate"] for t in _lines((run / "truth.jsonl").read_text())}
    case_names = [c.name for c in scenario.cases]
    with TestClient(live) as a, TestClient(replay) as b:
        first = a.get("/_sandbox/cases").json()
        assert all(c["tracking_number"] for c in first) and len(first) == len(CASES) + 7
        assert b.get("/_sandbox/cases").json() == first  # known before the parcels ship, in both
        compared = ahead = 0
        for step in ("2h", "5h", "20h", "1d", "1d", "2d", "6d"):
            for http in (a, b):
                assert http.post("/_sandbox/clock", json={"advance": step}).status_code == 200
            ca, cb = a.get("/_sandbox/clock").json(), b.get("/_sandbox/clock").json()
            assert (ca["now"], ca["target"]) == (cb["now"], cb["target"])
            ha, hb = a.get("/_sandbox/health").json(), b.get("/_sandbox/health").json()
            keys = ("scenario", "seed", "now", "target")
            assert [ha[k] for k in keys] == [hb[k] for k in keys]
            assert a.get("/_sandbox/cases").content == b.get("/_sandbox/cases").content
            ta = a.get("/_sandbox/truth", params={"limit": 10000})
            tb = b.get("/_sandbox/truth", params={"limit": 10000})
            assert ta.content == tb.content, step
            pages = _all_parcels(a)
            assert pages == _all_parcels(b), step
            for fate in (f.value for f in Fate):
                assert _all_parcels(a, fate=fate) == _all_parcels(b, fate=fate), (step, fate)
            for name in case_names:
                assert _all_parcels(a, case=name) == _all_parcels(b, case=name), (step, name)
            items = [item for page in pages for item in json.loads(page)["items"]]
            for item in items:
                tn = item["tracking_number"]
                if not item["final"]:
                    assert item["fate"] in ("in_network", "lost"), item
                    ahead += final_fates.get(tn, "in_network") not in ("in_network", item["fate"])
                ra, rb = a.get(f"/_sandbox/parcels/{tn}"), b.get(f"/_sandbox/parcels/{tn}")
                assert (ra.status_code, ra.content) == (rb.status_code, rb.content), (step, tn)
                assert (
                    ra.json()["truth"]["fate"] == item["fate"]
                    and ra.json()["truth"]["final"] == item["final"]
                )
            for c in first:
                ra = a.get(f"/_sandbox/truth/{c['tracking_number']}")
                rb = b.get(f"/_sandbox/truth/{c['tracking_number']}")
                assert (ra.status_code, ra.content) == (rb.status_code, rb.content)
            compared += len(items)
        assert compared > 1000
        assert ahead > 100, "the recording knew ends the clock had not reached: a real comparison"


@pytest.mark.unit
def test_docs_truth_lists_every_field_of_the_record() -> None:
    from mock_carriers.control.truth_models import CarrierView, LostAt, Place, TruthRecord

    text = (Path(__file__).parent.parent / "docs" / "truth.md").read_text(encoding="utf-8")
    for model in (TruthRecord, CarrierView, LostAt, Place):
        for name in model.model_fields:
            assert f"`{name}`" in text, f"docs/truth.md does not list {model.__name__}.{name}"
    for status in Status:
        assert f"| `{status.value}` |" in text, status


@pytest.mark.unit
def test_a_carrier_without_a_statuses_module_has_an_empty_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.PACKAGES, "acme", "tests.acme_carrier")
    registry.status_table.cache_clear()
    try:
        assert registry.status_table("acme") == {}
        history = next(h for h, s in sample_scans() if s is Status.DELAYED)
        assert registry.shown_status("acme", history) == "delayed"  # read by its scans alone
        assert registry.shown_status("amazon", history) == "in_transit"  # Amazon has no delay code
    finally:
        registry.status_table.cache_clear()


@pytest.mark.unit
def test_a_records_fate_as_of_now_shows_a_loss_once_it_happened_and_the_end_once_final() -> None:
    from datetime import datetime

    from mock_carriers.world.store import Record
    from sim.events import ParcelTruth

    def t(iso: str) -> float:
        return datetime.fromisoformat(iso).timestamp()

    place = {"city": "Newark", "region": "NJ", "postal_code": "07102", "country": "US", "lat": 0, "lon": 0}
    lost = ParcelTruth(
        "1Z1", "ups", "ground", "2026-11-02T03:00:00-05:00", "2026-11-05T21:00:00-05:00", place, place,
        fate=Fate.LOST, lost_at={"facility_id": "ups-hub-HDG", "at": "2026-11-03T10:00:00-06:00"},
    )  # fmt: skip
    rec = Record(1, "1Z1", "ups", "ground", truth=lost)
    assert rec.fate_at(t("2026-11-03T10:00:00-06:00")) == "in_network"  # not strictly before: not yet
    assert rec.fate_at(t("2026-11-03T10:00:01-06:00")) == "lost" and not rec.final(t("2026-11-20T00:00:00Z"))
    delivered = ParcelTruth(
        "1Z2", "ups", "ground", "2026-11-02T03:00:00-05:00", "2026-11-05T21:00:00-05:00", place, place,
        fate=Fate.MISDELIVERED, delivered_at="2026-11-05T14:00:00-05:00",
    )  # fmt: skip
    # a recording knows the end from the start; the engine may have finished it ahead of the clock
    rec = Record(2, "1Z2", "ups", "ground", truth=delivered, finished_at=t("2026-11-05T14:00:00-05:00"))
    assert rec.fate_at(t("2026-11-05T13:59:59-05:00")) == "in_network" and not rec.final(
        t("2026-11-05T14:00:00-05:00")
    )
    assert rec.fate_at(t("2026-11-05T14:00:01-05:00")) == "misdelivered" and rec.final(
        t("2026-11-05T14:00:01-05:00")
    )
    assert Record(3, "1Z3", "ups", "ground").fate_at(0.0) is None
