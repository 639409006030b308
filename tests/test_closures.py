"""Disruptions as the network feels them: closed spans per facility, partial storms, hub outages
that reroute, lanes that stop."""

from __future__ import annotations

import pytest

from sim.closures import Closures
from sim.events import ExceptionReason
from sim.scenario import HubOutage, LinehaulBreakdown, WeatherDisruption
from sim.streams import ParcelRng, stream_seed
from tests.tinyworld import MONDAY, H, at, tiny_network

pytestmark = pytest.mark.unit

START = "2026-03-02T06:00:00-05:00"


def weather(severity: float = 1.0) -> WeatherDisruption:
    return WeatherDisruption.model_validate(
        {
            "kind": "weather",
            "region": {"regions": ["PA"]},
            "start": START,
            "duration": "12h",
            "severity": severity,
        }
    )


def outage(facility: str = "h2") -> HubOutage:
    return HubOutage.model_validate(
        {"kind": "hub_outage", "facility": facility, "start": START, "duration": "1d"}
    )


def test_weather_closes_the_facilities_in_its_region_for_its_span() -> None:
    c = Closures([weather()], tiny_network().facilities)
    rng = ParcelRng(1)
    assert set(c.facilities) == {"h1"}  # Philadelphia is in PA; the others are not
    assert c.closed_until("h1", at(MONDAY, 5, 59), rng) is None
    assert c.closed_until("h1", at(MONDAY, 6), rng) == (at(MONDAY, 18), ExceptionReason.WEATHER)
    assert c.closed_until("h1", at(MONDAY, 18), rng) is None  # reopened: the end is exclusive
    assert c.closed_until("h2", at(MONDAY, 12), rng) is None


def test_a_partial_storm_catches_its_share_of_parcels() -> None:
    c = Closures([weather(0.3)], tiny_network().facilities)
    caught = sum(
        c.closed_until("h1", at(MONDAY, 12), ParcelRng(stream_seed(2, f"p{i}"))) is not None
        for i in range(5000)
    )
    assert caught / 5000 == pytest.approx(0.3, abs=0.02)


def test_only_outages_take_hubs_down_for_routing() -> None:
    c = Closures([weather(), outage("h2")], tiny_network().facilities)
    assert c.down_hubs(at(MONDAY, 12)) == frozenset({"h2"})
    assert c.down_hubs(at(MONDAY, 5)) == frozenset()
    assert c.closed_until("h2", at(MONDAY, 12), ParcelRng(1)) == (
        at(MONDAY, 6) + 24 * H,
        ExceptionReason.HUB_OUTAGE,
    )


def test_an_outage_must_name_a_facility_of_the_network() -> None:
    with pytest.raises(ValueError, match="unknown facility 'h9'"):
        Closures([outage("h9")], tiny_network().facilities)


def test_a_breakdown_stops_one_lane_one_way() -> None:
    bd = LinehaulBreakdown.model_validate(
        {"kind": "linehaul_breakdown", "lane": ["h1", "ds"], "start": START, "duration": "6h"}
    )
    c = Closures([bd], tiny_network().facilities)
    assert c.lane_stops("h1", "ds") == [(at(MONDAY, 6), at(MONDAY, 12))]
    assert c.lane_stops("ds", "h1") == []
    assert c.closed_until("h1", at(MONDAY, 7), ParcelRng(1)) is None  # the hub itself works


def test_a_closure_that_begins_during_an_unload_is_found_with_its_span() -> None:
    c = Closures([outage(), weather(severity=0.5)], tiny_network().facilities)
    span = (at(MONDAY, 6), at(MONDAY, 6) + 24 * H, ExceptionReason.HUB_OUTAGE)
    assert c.closing_within("h2", at(MONDAY, 5, 50), at(MONDAY, 6, 10)) == span
    assert c.closing_within("h2", at(MONDAY, 5, 0), at(MONDAY, 5, 59)) is None  # not yet
    assert c.closing_within("h2", at(MONDAY, 6), at(MONDAY, 7)) is None  # already closed: the gate's
    assert c.closing_within("h1", at(MONDAY, 5, 50), at(MONDAY, 6, 10)) is None  # a partial storm


def test_work_stops_while_the_facility_is_closed_and_goes_on_when_it_opens() -> None:
    c = Closures([outage()], tiny_network().facilities)  # h2 closed Monday 06:00 for 24 h
    reopen = at(MONDAY, 6) + 24 * H
    assert c.work_done("h2", at(MONDAY, 1), 3 * H) == at(MONDAY, 4)  # done before it closes
    assert c.work_done("h2", at(MONDAY, 5), 3 * H) == reopen + 2 * H  # one hour before, two after
    assert c.work_done("h2", at(MONDAY, 12), 3 * H) == reopen + 3 * H  # begun while closed
    assert c.work_done("h1", at(MONDAY, 5), 3 * H) == at(MONDAY, 8)  # another hub works on
