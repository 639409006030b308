"""The locust aggregators' DPD integration (loadtests/carrier_apis.py ``DpdApi``) against the DPD
mock in-process: it logs in once, reads DPD's statuses as the right phases, takes an unknown number
as not found, and logs in again when DPD refuses a stale token."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from loadtests.carrier_apis import APIS, DpdApi
from loadtests.policy import CANONICAL_PHASE, CARRIERS, Phase, mistype
from mock_carriers.app import create_app
from tests.carriers.dpd_world import small_germany

pytestmark = pytest.mark.slow


class _Response:
    """What locust's ``catch_response`` hands the integration: the response plus verdicts."""

    def __init__(self, response: Any, name: str) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self.text = response.text
        self.headers = response.headers
        self.request_meta = {"name": name}
        self.verdict: str | None = None

    def success(self) -> None:
        self.verdict = "success"

    def failure(self, why: str) -> None:
        self.verdict = f"failure: {why}"


class LocustLikeClient:
    """A locust FastHttpSession stand-in over a TestClient, recording every request's verdict."""

    def __init__(self, http: TestClient) -> None:
        self.http = http
        self.seen: list[tuple[str, str | None]] = []

    @contextlib.contextmanager
    def post(
        self, path: str, data: str, headers: dict[str, str], name: str, catch_response: bool
    ) -> Iterator[_Response]:
        response = _Response(self.http.post(path, content=data, headers=headers), name)
        yield response
        self.seen.append((response.request_meta["name"], response.verdict))


#: When each status is common: couriers are out in the afternoon; shippers' trucks are collected in
#: the late afternoon (sim.pickups), so parcels are sorted and leave the hubs in the evening — by
#: 22:30 a sorted parcel's departure is uploaded with its sort scan, and departed is all there is.
AFTERNOON, NIGHT = "2026-11-03T15:00:00+01:00", "2026-11-03T20:00:00+01:00"


def _world_at(instant: str) -> Iterator[tuple[TestClient, dict[str, list[str]]]]:
    small = small_germany()
    with TestClient(create_app(small)) as http:
        http.post("/_sandbox/clock", json={"to": instant})
        items = http.get("/_sandbox/parcels", params={"carrier": "dpd", "limit": 1000}).json()["items"]
        by_status: dict[str, list[str]] = {}
        for item in items:
            by_status.setdefault(item["status"], []).append(item["tracking_number"])
        yield http, by_status


@pytest.fixture(scope="module")
def germany() -> Iterator[tuple[TestClient, dict[str, list[str]]]]:
    yield from _world_at(AFTERNOON)


@pytest.fixture(scope="module")
def germany_at_night() -> Iterator[tuple[TestClient, dict[str, list[str]]]]:
    yield from _world_at(NIGHT)


def test_dpd_is_one_of_the_aggregators_carriers() -> None:
    assert "dpd" in CARRIERS and APIS["dpd"] is DpdApi


@pytest.mark.parametrize(
    ("status", "when"),
    [
        ("LABEL_CREATED", AFTERNOON),
        ("DELIVERED", AFTERNOON),
        ("OUT_FOR_DELIVERY", AFTERNOON),
        ("DEPARTED_FACILITY", NIGHT),
        ("PROCESSED_AT_FACILITY", NIGHT),
    ],
)
def test_dpd_statuses_read_as_their_phase(request: pytest.FixtureRequest, status: str, when: str) -> None:
    world = "germany" if when == AFTERNOON else "germany_at_night"
    http, by_status = request.getfixturevalue(world)
    numbers = by_status.get(status, [])[:5]
    assert numbers, f"no DPD parcel is {status} at {when}"
    client = LocustLikeClient(http)
    api = DpdApi(client)
    for number in numbers:
        outcome = api.track([number])
        assert outcome.phases == {number: CANONICAL_PHASE[status]}, number
    assert api.tokens_fetched == 1  # one login for all of them
    assert all(verdict == "success" for _, verdict in client.seen), client.seen


def test_unknown_numbers_are_not_found_and_stale_tokens_are_renewed(
    germany: tuple[TestClient, dict[str, list[str]]],
) -> None:
    http, by_status = germany
    number = by_status["DELIVERED"][0]
    client = LocustLikeClient(http)
    api = DpdApi(client)
    typo = mistype(number)
    assert api.track([typo]).phases == {typo: Phase.NOT_FOUND}
    assert http.post("/_sandbox/faults/token-storm", json={"carrier": "dpd"}).status_code == 200
    outcome = api.track([number])
    assert outcome.phases == {number: Phase.DONE}
    assert api.tokens_fetched == 2
    names = [name for name, _ in client.seen]
    assert any(name.endswith("[auth fault]") for name in names), names
    assert all(verdict == "success" for _, verdict in client.seen), client.seen
