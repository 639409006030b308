"""Every carrier of the served world, tracked through Ship24 by the locust merchants' integration
(loadtests/ship24_api.py ``Ship24Api``), in-process: a parcel's Ship24 milestone reads as the phase
its carrier's own status has, a mistyped number is not found, Ship24's 429 backs the app off."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from loadtests.policy import CANONICAL_PHASE, Phase, mistype
from loadtests.ship24_api import Ship24Api, ship24_phase
from mock_carriers.app import create_app
from sim.scenario import Scenario
from tests.carriers.dpd_world import small_germany
from tests.conftest import small_scenario
from tests.test_loadtests_dpd import LocustLikeClient as _SoapClient
from tests.test_loadtests_dpd import _Response

pytestmark = pytest.mark.slow


class _JsonResponse(_Response):
    def json(self) -> Any:
        return json.loads(self.content)


class LocustLikeClient(_SoapClient):
    """The DPD test's locust stand-in, with JSON bodies readable as locust's responses are."""

    @contextlib.contextmanager
    def post(
        self, path: str, data: str, headers: dict[str, str], name: str, catch_response: bool
    ) -> Iterator[_Response]:
        response = _JsonResponse(self.http.post(path, content=data, headers=headers), name)
        yield response
        self.seen.append((response.request_meta["name"], response.verdict))


#: Statuses whose phase Ship24 shows as the carrier does (a new tracker fetches synchronously).
SAME_PHASE = ("LABEL_CREATED", "OUT_FOR_DELIVERY", "DELIVERED")


def _served(scenario: Scenario, advance: str) -> Iterator[tuple[TestClient, dict[str, dict[str, list[str]]]]]:
    with TestClient(create_app(scenario)) as http:
        http.post("/_sandbox/clock", json={"advance": advance})
        by_carrier: dict[str, dict[str, list[str]]] = {}
        for carrier in ("ups", "fedex", "dhl", "usps", "amazon", "hermes", "dpd"):
            items = http.get("/_sandbox/parcels", params={"carrier": carrier, "limit": 1000}).json()["items"]
            for item in items:
                by_carrier.setdefault(carrier, {}).setdefault(item["status"], []).append(
                    item["tracking_number"]
                )
        yield http, by_carrier


@pytest.fixture(scope="module")
def us() -> Iterator[tuple[TestClient, dict[str, dict[str, list[str]]]]]:
    yield from _served(small_scenario(), "2d")


@pytest.fixture(scope="module")
def germany() -> Iterator[tuple[TestClient, dict[str, dict[str, list[str]]]]]:
    yield from _served(small_germany(), "2d")


def test_milestones_read_as_phases() -> None:
    def body(milestone: str, code: str | None = None) -> dict[str, object]:
        shipment = {"statusMilestone": milestone, "statusCode": code}
        return {"data": {"trackings": [{"shipment": shipment}]}}

    assert ship24_phase(body("delivered")) is Phase.DONE
    assert ship24_phase(body("exception", "exception_returned")) is Phase.DONE
    assert ship24_phase(body("exception", "exception_lost")) is Phase.ATTENTION
    assert ship24_phase(body("pending")) is Phase.NOT_FOUND
    assert ship24_phase({"data": {"trackings": []}}) is None and ship24_phase({}) is None


@pytest.mark.parametrize("world", ["us", "germany"])
def test_every_carriers_parcels_are_tracked_through_ship24(
    request: pytest.FixtureRequest, world: str
) -> None:
    http, by_carrier = request.getfixturevalue(world)
    client = LocustLikeClient(http)
    api = Ship24Api(client)
    checked: set[str] = set()
    for carrier, by_status in by_carrier.items():
        for status in SAME_PHASE:
            for number in by_status.get(status, [])[:3]:
                assert api.track([number]).phases == {number: CANONICAL_PHASE[status]}, (carrier, number)
                checked.add(carrier)
    expected = {"ups", "fedex", "dhl", "usps", "amazon"} if world == "us" else {"hermes", "dpd"}
    assert expected <= checked, checked
    assert all(verdict == "success" for _, verdict in client.seen), client.seen


def test_a_typo_is_not_found_and_a_429_backs_off(
    us: tuple[TestClient, dict[str, dict[str, list[str]]]],
) -> None:
    http, by_carrier = us
    client = LocustLikeClient(http)
    api = Ship24Api(client)
    number = by_carrier["ups"]["DELIVERED"][0]
    typo = mistype(number)
    assert api.track([typo]).phases == {typo: Phase.NOT_FOUND}
    limit = {"rate_limits": {"ship24": {"preset": "default", "per_second": 0.001, "burst": 1}}}
    assert http.put("/_sandbox/faults", json=limit).status_code == 200
    try:
        api.track([number])
        outcome = api.track([number])
    finally:
        http.put("/_sandbox/faults", json={})
    assert outcome.retry_after is not None and outcome.retry_after > 0
    assert all(verdict == "success" for _, verdict in client.seen), client.seen
