"""Distance-true travel on tiny inputs: road distance, drivers' hours of service, air legs, and
where a vehicle is along its trip."""

from __future__ import annotations

import pytest

from sim import travel
from sim.travel import EU_RULES, US_RULES, H

pytestmark = pytest.mark.unit


def test_road_distance_is_the_great_circle_times_the_countrys_circuity() -> None:
    assert travel.road_km(100.0, "US") == pytest.approx(120.0)
    assert travel.road_km(100.0, "DE") == pytest.approx(122.0)  # the Autobahn network's own figure
    assert travel.road_km(100.0, "SI") == pytest.approx(130.0)  # Europe's


def test_a_short_leg_is_metro_driving_a_long_one_mostly_highway() -> None:
    assert travel.truck_kmh("US", 20.0) == travel.LOCAL_KMH  # all of it in town
    # 30 km in town at 45 km/h and 870 on the highway at 90
    assert travel.truck_kmh("US", 900.0) == pytest.approx(900 / (30 / 45 + 870 / 90))
    assert travel.truck_kmh("DE", 900.0) < travel.truck_kmh("US", 900.0)


def test_a_us_driver_breaks_half_an_hour_after_eight_hours() -> None:
    driving = 800.0 / travel.truck_kmh("US", 800.0) * H  # ~9.1 h: within one driver's 11
    tl = travel.drive(800.0, "US")
    assert [e - s for s, e, _ in tl.stretches] == pytest.approx([8 * H, driving - 8 * H])
    assert tl.stretches[1][0] == pytest.approx(8 * H + US_RULES.break_s)
    assert tl.duration_s == pytest.approx(driving + US_RULES.break_s + travel.GATE_S)


def test_past_a_drivers_day_a_team_keeps_the_truck_moving() -> None:
    kmh = travel.truck_kmh("US", 2000.0)
    tl = travel.drive(2000.0, "US")  # ~22.6 h of driving: more than one driver's 11 h
    driving = 2000.0 / kmh * H
    stops = len(tl.stretches) - 1
    # the truck stops only to change drivers every eight hours (no ten-hour rest)
    assert stops == int(driving // (8 * H))
    assert tl.duration_s == pytest.approx(driving + stops * US_RULES.team_swap_s + travel.GATE_S)
    solo = travel.drive(2000.0, "US", team=False)
    assert solo.duration_s > tl.duration_s + US_RULES.rest_s - H  # a solo driver sleeps ten hours


def test_eu_rules_break_every_four_and_a_half_hours_and_rest_after_nine() -> None:
    kmh = travel.truck_kmh("DE", 700.0)
    tl = travel.drive(700.0, "DE", team=False)  # ~9.5 h of driving
    lengths = [(e - s) / H for s, e, _ in tl.stretches]
    assert lengths[0] == pytest.approx(4.5) and lengths[1] == pytest.approx(4.5)
    gaps = [tl.stretches[i + 1][0] - tl.stretches[i][1] for i in range(len(tl.stretches) - 1)]
    assert gaps == [EU_RULES.break_s, EU_RULES.rest_s]  # a 45-minute break, then the daily rest
    assert sum(lengths) == pytest.approx(700.0 / kmh)


def test_the_truck_stands_still_at_its_stops() -> None:
    tl = travel.drive(900.0, "US")
    stop = tl.stops()[0]
    assert tl.km_at(stop) == tl.km_at(stop + US_RULES.break_s / 2) == pytest.approx(8 * tl.kmh)
    assert tl.km_at(0) == 0 and tl.km_at(tl.duration_s) == pytest.approx(900.0)
    assert tl.km_at(stop / 2) == pytest.approx(4 * tl.kmh)


def test_an_air_leg_is_handling_flight_handling() -> None:
    tl = travel.fly(1700.0)
    flight = 1700.0 * travel.AIR_ROUTE_FACTOR / travel.AIR_CRUISE_KMH * H + travel.AIR_TAXI_CLIMB_S
    assert tl.duration_s == pytest.approx(travel.AIR_ORIGIN_HANDLING_S + flight + travel.AIR_DEST_HANDLING_S)
    assert tl.km_at(travel.AIR_ORIGIN_HANDLING_S) == 0.0  # still on the ground at the origin
    # hub to hub it never looks faster than the aircraft flies
    assert 1700.0 / (tl.duration_s / H) < travel.AIR_CRUISE_KMH


def test_a_point_along_the_great_circle() -> None:
    lat, lon = travel.along(0.0, 0.0, 0.0, 90.0, 0.5)
    assert lat == pytest.approx(0.0, abs=1e-9) and lon == pytest.approx(45.0)
    assert travel.along(10.0, 20.0, 30.0, 40.0, 0.0) == pytest.approx((10.0, 20.0))
    assert travel.along(10.0, 20.0, 30.0, 40.0, 1.0) == pytest.approx((30.0, 40.0))
    # half way Los Angeles → New York is in the Great Plains, nearest Omaha among the listed places
    mid = travel.along(34.0522, -118.2437, 40.7128, -74.0060, 0.5)
    assert travel.nearest_place(*mid).key == "OMA"


def test_the_halfway_stop_is_the_stop_nearest_the_middle() -> None:
    tl = travel.drive(2000.0, "US")  # a team: driver changes every eight hours
    assert tl.halfway_stop() == min(tl.stops(), key=lambda t: abs(t - tl.duration_s / 2))
    assert tl.halfway_stop() in tl.stops()
    short = travel.drive(100.0, "US")  # no stop at all
    assert short.stops() == [] and short.halfway_stop() == short.duration_s / 2
