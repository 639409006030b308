"""The UI's routes without a browser: the page and its assets (served from the package, nothing
else, no CDN), the summary and its event stream, the feed's filters, a parcel's timeline, and the
control token's rules for the page."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.ui import live
from mock_carriers.ui.pages import ASSETS, PAGE, STATIC_DIR
from mock_carriers.world.sandbox import Sandbox
from sim import places
from tests.conftest import small_scenario
from tests.problems import assert_problem

CASES = [
    {"name": "lost-one", "carrier": "ups", "origin": "EWR", "destination": "CHI", "ship_at": "3h",
     "story": "lost"},
]  # fmt: skip


@pytest.mark.unit
def test_the_page_loads_nothing_from_elsewhere() -> None:
    """No CDN and no absolute URL: every file the page needs is one of ASSETS, served by the sandbox."""
    for name in (PAGE, *ASSETS):
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        if name.endswith(".geojson"):
            continue
        urls = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text)
        assert [u for u in urls if "www.w3.org/2000/svg" not in u] == [], name
    page = (STATIC_DIR / PAGE).read_text(encoding="utf-8")
    loaded = set(re.findall(r'(?:src|href)="ui/assets/([^"]+)"', page))
    assert loaded and loaded <= set(ASSETS)
    assert "innerHTML" not in (STATIC_DIR / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in (STATIC_DIR / "map.js").read_text(encoding="utf-8")


@pytest.mark.unit
def test_the_outlines_cover_every_country_the_world_is_built_in() -> None:
    outlines = json.loads((STATIC_DIR / "countries.geojson").read_text(encoding="utf-8"))
    codes = {f["properties"].get("iso_a2") for f in outlines["features"]}
    assert {p.country for p in places.PLACES.values()} <= codes
    assert (STATIC_DIR / "countries.geojson").stat().st_size < 150_000


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(sandbox=Sandbox(small_scenario(cases=CASES), endless=False))
    with TestClient(app) as c:
        assert c.post("/_sandbox/clock", json={"advance": "2d"}).status_code == 200
        yield c


def summary_at_clock(client: TestClient) -> dict[str, Any]:
    """The summary once the tally (its own thread) has reached the clock."""
    deadline = time.monotonic() + 30
    while True:
        body = client.get("/_sandbox/summary").json()
        at = body["tally_as_of"]
        if at is not None and datetime.fromisoformat(at) >= datetime.fromisoformat(body["clock"]["now"]):
            return body
        assert time.monotonic() < deadline, body["tally_as_of"]
        time.sleep(0.1)


@pytest.mark.live
def test_page_and_assets_are_served_with_their_types_and_a_strict_policy(client: TestClient) -> None:
    page = client.get("/_sandbox/ui")
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "ui/assets/app.js" in page.text
    for name, media_type in ASSETS.items():
        got = client.get(f"/_sandbox/ui/assets/{name}")
        assert got.status_code == 200 and got.headers["content-type"] == media_type, name
    assert_problem(client.get("/_sandbox/ui/assets/pages.py"), 404, "no such asset 'pages.py'")
    assert client.get("/_sandbox/ui/assets/..%2Fpages.py").status_code == 404


@pytest.mark.live
def test_the_summary_counts_the_world_at_the_clock(client: TestClient) -> None:
    body = summary_at_clock(client)
    assert body["numbers"]["total"] > 100
    assert sum(body["numbers"]["by_status"].values()) == body["numbers"]["total"]
    assert set(body["carriers"]) == set(registry.KEYS)
    assert body["parcels"]["final"] == sum(body["parcels"]["by_fate"].values()) > 0
    assert body["clock"]["now"] == client.get("/_sandbox/clock").json()["now"]
    assert body["density"] and all(c["parcels"] > 0 for c in body["density"])
    assert body["webhooks"] == {"subscriptions": 0, "pending": 0, "delivered": 0, "failed": 0, "attempts": 0}
    # a tracking request is counted for its carrier
    key = registry.KEYS[0]
    before = body["carriers"][key]["requests"]
    client.get(f"/{key}/no-such-route")
    assert client.get("/_sandbox/summary").json()["carriers"][key]["requests"] >= before


@pytest.mark.live
def test_the_stream_sends_the_summary_and_refuses_past_its_limit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "STREAM_S", 0.6)
    with client.stream("GET", "/_sandbox/summary/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = "".join(stream.iter_text())
    messages = [m for m in text.split("\n\n") if m.startswith("event: summary")]
    assert messages, text[:200]
    data = json.loads(messages[0].split("data: ", 1)[1])
    assert data["numbers"]["total"] > 0 and "clock" in data
    monkeypatch.setattr(live, "MAX_STREAMS", 0)
    assert_problem(client.get("/_sandbox/summary/stream"), 503, startswith="at most 0 summary streams")


@pytest.mark.live
def test_the_feed_filters_and_names_a_bad_filter(client: TestClient) -> None:
    summary_at_clock(client)
    everything = client.get("/_sandbox/feed", params={"limit": 200}).json()
    assert len(everything["items"]) == 200 and everything["last"] >= 200
    seqs = [i["n"] for i in everything["items"]]
    assert seqs == sorted(seqs)
    newer = client.get("/_sandbox/feed", params={"after": seqs[-2]}).json()["items"]
    assert [i["n"] for i in newer] == [seqs[-1]]
    key = everything["items"][-1]["carrier"]
    only = client.get("/_sandbox/feed", params={"carrier": key, "limit": 200}).json()["items"]
    assert only and {i["carrier"] for i in only} == {key}
    transit = client.get("/_sandbox/feed", params={"status": "in_transit", "limit": 200}).json()["items"]
    assert transit and {i["status"] for i in transit} == {"in_transit"}
    case = client.get("/_sandbox/cases").json()[0]
    mine = client.get("/_sandbox/feed", params={"case": case["name"], "limit": 200}).json()["items"]
    assert {i["tracking_number"] for i in mine} <= {case["tracking_number"]}
    assert_problem(
        client.get("/_sandbox/feed", params={"carrier": "<b>x"}), 400, startswith="carrier: unknown"
    )
    assert_problem(client.get("/_sandbox/feed", params={"status": "LOST"}), 400, startswith="status: unknown")
    assert_problem(client.get("/_sandbox/feed", params={"case": "nope"}), 400, startswith="case: unknown")
    assert client.get("/_sandbox/feed", params={"limit": 201}).status_code == 400


@pytest.mark.live
def test_a_timeline_is_the_carriers_view_beside_the_truth(client: TestClient) -> None:
    case = client.get("/_sandbox/cases").json()[0]
    tn = case["tracking_number"]
    got = client.get(f"/_sandbox/timeline/{tn}").json()
    visible = client.get(f"/_sandbox/parcels/{tn}").json()["events"]
    assert [s["code"] for s in got["scans"]] == [e["code"] for e in visible][::-1]
    assert all(s["carrier_code"] for s in got["scans"])  # the carrier's own status code
    assert got["truth"] == client.get(f"/_sandbox/truth/{tn}").json()
    assert got["truth"]["case"] == case["name"]
    assert_problem(client.get("/_sandbox/timeline/<script>x"), 404, startswith="no parcel '<script>x'")
    assert_problem(client.get("/_sandbox/timeline/</script>"), 404, startswith="no parcel '</script>'")


@pytest.mark.live
def test_the_network_has_the_scenarios_facilities_and_lanes(client: TestClient) -> None:
    net = client.get("/_sandbox/network").json()
    ids = {f["id"] for f in net["facilities"]}
    assert any(f["kind"] == "sort_hub" for f in net["facilities"])
    assert net["lanes"] and all(lane["a"] in ids and lane["b"] in ids for lane in net["lanes"])
    assert net["countries"] == list(small_scenario().network.countries)
    assert {f["country"] for f in net["facilities"]} <= set(net["countries"])


@pytest.mark.live
def test_under_a_token_the_page_opens_and_every_read_needs_it() -> None:
    app = create_app(sandbox=Sandbox(small_scenario(), endless=False), control_token="s3cret")
    with TestClient(app) as c:
        assert c.get("/_sandbox/ui").status_code == 200
        assert c.get("/_sandbox/ui/assets/app.js").status_code == 200
        for path in ("/_sandbox/summary", "/_sandbox/summary/stream", "/_sandbox/feed", "/_sandbox/network"):
            assert_problem(c.get(path), 401, startswith="the control plane needs its token")
        assert c.post("/_sandbox/ui").status_code == 401
        assert c.get("/_sandbox/summary", headers={"X-Sandbox-Token": "s3cret"}).status_code == 200
        # the page shell is no way around the Host rule
        assert c.get("/_sandbox/ui", headers={"Host": "evil.example"}).status_code == 403


@pytest.mark.live
def test_requests_and_rate_limit_answers_are_counted_per_carrier() -> None:
    app = create_app(sandbox=Sandbox(small_scenario(), endless=False))
    with TestClient(app) as c:
        assert c.put(
            # one token a quarter of an hour: a slow machine cannot refill the bucket mid-test
            "/_sandbox/faults",
            json={"rate_limits": {"dhl": {"per_second": 0.001, "burst": 1}}},
        ).is_success
        answers = [
            c.get(
                "/dhl/track/shipments", params={"trackingNumber": "x"}, headers={"DHL-API-Key": "k"}
            ).status_code
            for _ in range(5)
        ]
        assert answers.count(429) == 4
        carriers = c.get("/_sandbox/summary").json()["carriers"]
    assert carriers["dhl"] == {"requests": 5, "rate_limited": 4}
    assert all(v == {"requests": 0, "rate_limited": 0} for k, v in carriers.items() if k != "dhl")


@pytest.mark.unit
@pytest.mark.parametrize("name", ["hub_outage", "weather_delay"])
def test_the_networks_disruptions_name_what_they_stop(name: str) -> None:
    from mock_carriers.ui.network import network_view
    from sim.scenario import load_scenario

    scenario, _ = load_scenario(name)
    view = network_view(scenario)
    ids = {f["id"] for f in view["facilities"]}
    assert view["disruptions"] and len(view["disruptions"]) == len(scenario.disruptions)
    for d in view["disruptions"]:
        assert d["start"] < d["end"]
        stopped = d.get("facilities") or d.get("lane")
        assert stopped and set(stopped) & ids, d
