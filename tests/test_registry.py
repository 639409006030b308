"""The carrier registry (``mock_carriers/carriers/registry.py``): the only place the core learns
carrier names. It agrees with the simulation's carriers; every package exposes a complete spec; and
a new carrier is one package plus one registry line — a test-only carrier registered that way is
mounted, faulted, rate limited, listed and given a webhook format without any other change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from mock_carriers.app import create_app
from mock_carriers.carriers import registry
from mock_carriers.carriers.spec import CarrierSpec
from mock_carriers.docgen import overview_row
from mock_carriers.faults.config import FAULT_ROUTES, FaultsConfig
from mock_carriers.faults.routes import route_of
from mock_carriers.webhooks.formats import carriers_of, names
from mock_carriers.webhooks.hub import WebhookHub
from mock_carriers.world.sandbox import Sandbox
from sim.events import CARRIERS
from tests.carriers.fakes import FakeContext
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


def test_the_registry_and_the_simulation_name_the_same_carriers_in_the_same_order() -> None:
    assert registry.WORLD_KEYS == CARRIERS
    # After the carriers: the faces over the whole world (an aggregator), which ship no parcels.
    assert registry.KEYS == (*CARRIERS, "ship24")


@pytest.mark.parametrize("key", registry.KEYS)
def test_every_carrier_package_exposes_a_complete_spec(key: str) -> None:
    spec = registry.spec(key)
    assert isinstance(spec, CarrierSpec) and spec.key == key
    assert registry.PACKAGES[key] == f"mock_carriers.carriers.{key}"
    assert callable(spec.create_app(FakeContext(carrier=key)))
    for prefix in (*spec.routes.token, *spec.routes.track):
        assert prefix.startswith("/"), prefix
    assert spec.routes.route_of("/no/such/path") == "other"
    for route in spec.routes.token[:1] + spec.routes.track[:1]:
        assert route_of(key, route) in FAULT_ROUTES
    for preset in spec.rate_limit_presets:  # every published limit is a valid configuration
        limit = FaultsConfig.model_validate({"rate_limits": {key: preset}}).rate_limits[key]
        assert limit.resolved(key).limits_anything
    for fmt in spec.webhook_formats:
        speaks_for = CARRIERS if key not in CARRIERS else (key,)  # an aggregator speaks for all
        assert set(speaks_for) <= set(fmt.carriers) and fmt.name in names()
    assert overview_row(spec).startswith(f"| {spec.doc.name} | `/{key}` |")


def test_an_unregistered_or_mislabelled_package_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(KeyError):
        registry.spec("tnt")
    monkeypatch.setitem(registry.PACKAGES, "ups2", "mock_carriers.carriers.ups")
    with pytest.raises(TypeError, match="is not the CarrierSpec of 'ups2'"):
        registry.spec("ups2")
    registry.spec.cache_clear()


# --- a new carrier: one package (tests/acme_carrier) plus one registry line --------------------


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setitem(registry.PACKAGES, "acme", "tests.acme_carrier")  # the one line
    monkeypatch.setattr(registry, "KEYS", (*registry.KEYS, "acme"))
    registry.spec.cache_clear()
    registry.webhook_formats.cache_clear()
    try:
        with TestClient(create_app(small_scenario())) as client:
            yield client
    finally:
        registry.spec.cache_clear()
        registry.webhook_formats.cache_clear()


def test_a_new_carrier_is_mounted_under_its_key_and_listed(acme: TestClient) -> None:
    r = acme.get("/acme/v1/track/NOPE")
    assert r.status_code == 404 and r.json() == {"acme_error": "not_found", "message": "no parcel NOPE"}
    assert acme.get("/_sandbox/health").json()["carriers"][-1] == "acme"
    page = acme.get("/_sandbox/parcels", params={"carrier": "acme"}).json()
    assert page["items"] == [] and page["next"] is None
    assert acme.get("/acme/_docs/openapi.json").json()["info"]["title"] == "ACME (test carrier)"


def test_a_new_carriers_hot_route_and_server_header_need_nothing_in_the_core(acme: TestClient) -> None:
    """The lane takes the carrier's declared hot route; its gateway's ``Server`` header is on
    every answer — the lane's, the routes', the injected faults' — and uvicorn's never is."""
    from tests.acme_carrier import SERVER

    lane = acme.app.fast_lane  # type: ignore[attr-defined]
    answered: list[str] = []
    serve = lane.serve

    async def counted(scope, receive, send):  # type: ignore[no-untyped-def]
        left = await serve(scope, receive, send)
        if left is None:
            answered.append(scope["path"])
        return left

    lane.serve = counted
    on_lane = acme.get("/acme/v1/track/NOPE")
    assert answered == ["/acme/v1/track/NOPE"]
    assert on_lane.status_code == 404 and on_lane.json()["message"] == "no parcel NOPE"
    assert on_lane.headers.get_list("server") == [SERVER]
    off_lane = acme.get("/acme/v1/elsewhere")
    assert answered == ["/acme/v1/track/NOPE"] and off_lane.status_code == 404
    assert off_lane.headers.get_list("server") == [SERVER]
    acme.put("/_sandbox/faults", json={"http": {"acme": {"track": {"errors": {"503": 1}}}}})
    faulted = acme.get("/acme/v1/track/NOPE")
    assert faulted.status_code == 503 and faulted.headers.get_list("server") == [SERVER]
    assert answered == ["/acme/v1/track/NOPE"]  # a fault configured: the lane stands aside
    assert "server" not in acme.get("/ups/api/track/v1/details/1Z").headers  # others send none


def test_a_new_carrier_meets_injected_faults_in_its_own_body(acme: TestClient) -> None:
    put = acme.put("/_sandbox/faults", json={"http": {"acme": {"track": {"errors": {"503": 1}}}}})
    assert put.status_code == 200, put.text
    r = acme.get("/acme/v1/track/NOPE")
    assert r.status_code == 503 and r.json() == {"acme_error": "down", "status": 503}
    assert acme.get("/acme/v1/token").status_code == 404  # another route class: not faulted
    assert route_of("acme", "/v1/token") == "token"


def test_a_new_carrier_is_rate_limited_by_its_own_credential_and_preset(acme: TestClient) -> None:
    assert acme.put("/_sandbox/faults", json={"rate_limits": {"acme": "default"}}).status_code == 200
    key = {"x-acme-key": "k1"}
    assert acme.get("/acme/v1/track/NOPE", headers=key).status_code == 404
    limited = acme.get("/acme/v1/track/NOPE", headers=key)
    assert limited.status_code == 429 and limited.json() == {"acme_error": "slow_down", "daily": False}
    assert "retry-after" not in limited.headers  # the spec says this carrier sends none by default
    assert acme.get("/acme/v1/track/NOPE", headers={"x-acme-key": "k2"}).status_code == 404  # per key


def test_a_new_carriers_webhook_format_is_offered(acme: TestClient) -> None:
    assert names()[-1] == "acme" and carriers_of("acme") == ("acme",)
    hub = acme.app.state.sandbox.webhooks  # type: ignore[attr-defined]
    sub = hub.subscribe("http://127.0.0.1:9/hook", "s3cret", "acme")
    assert sub.carriers == ("acme",)
    with pytest.raises(ValueError, match=r"format 'acme' carries acme events only, not 'ups'"):
        hub.subscribe("http://127.0.0.1:9/hook", "s3cret", "acme", carriers=["ups"])


def test_push_state_is_durable_with_a_db_file_and_cleared_when_the_world_starts_over(tmp_path: Path) -> None:
    """A push API's subscriptions (UPS Track Alert's) live in the hub's tables: a restarted sandbox
    on the same file still has them, a reset forgets them."""
    db = tmp_path / "sandbox.sqlite"
    first = Sandbox(small_scenario(), db=db)
    hub = WebhookHub(first)
    hub.push_state("ups").put_many({"1ZAAA": [1.0, 2.0, None], "1ZBBB": [1.0, 2.0, ["D"]]})
    assert hub.push_state("ups").get("1ZBBB") == [1.0, 2.0, ["D"]]
    assert hub.push_state("fedex").get("1ZAAA") is None  # one namespace per push API
    hub.close()
    first.store.archive.db.close()  # type: ignore[union-attr]

    second = Sandbox(small_scenario(), db=db)
    again = WebhookHub(second)
    assert again.push_state("ups").get("1ZBBB") == [1.0, 2.0, ["D"]]
    second.reset()
    assert again.push_state("ups").get("1ZAAA") is None
    again.close()
    second.store.archive.db.close()  # type: ignore[union-attr]
    third = Sandbox(small_scenario(), db=db, clock_mode="manual")
    assert WebhookHub(third).push_state("ups").get("1ZAAA") is None  # the reset reached the file
