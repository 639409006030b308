"""Routing on a four-node network: the fastest plan, and the way round a hub that is down."""

from __future__ import annotations

import pytest

from sim import timing
from sim.network import Lane
from tests.tinyworld import H, tiny_network

pytestmark = pytest.mark.unit


def test_a_lane_expects_travel_half_a_headway_and_a_sort() -> None:
    daily = Lane("a", "b", "truck", 100.0, 2 * H, (6 * H,))
    twice = Lane("a", "b", "truck", 100.0, 2 * H, (6 * H, 18 * H))
    assert daily.expected_s == 2 * H + 12 * H + timing.NOMINAL_SORT_S
    assert twice.expected_s == 2 * H + 6 * H + timing.NOMINAL_SORT_S


def test_the_fastest_route_wins() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds") == ("fc", "h1", "ds")  # 29 h expected against 31 h


def test_a_down_hub_is_routed_around() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds", frozenset({"h1"})) == ("fc", "h2", "ds")
    # the detour is cached per avoided set: the normal plan is untouched
    assert net.route("ups", False, "fc", "ds") == ("fc", "h1", "ds")


def test_no_way_round_means_no_route() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "ds", frozenset({"h1", "h2"})) is None


def test_a_down_destination_is_unreachable_but_a_down_origin_can_still_dispatch() -> None:
    net = tiny_network()
    assert net.route("ups", False, "fc", "h1", frozenset({"h1"})) is None
    # a parcel already inside the hub that went down leaves by its outbound lanes
    assert net.route("ups", False, "h1", "ds", frozenset({"h1"})) == ("h1", "ds")


def test_unknown_source_has_no_routes() -> None:
    assert tiny_network().route("ups", False, "nowhere", "ds") is None
