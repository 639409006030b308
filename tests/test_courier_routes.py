"""Courier-route arithmetic on tiny inputs: sweeps, stop indices and times, route length with
volume, spills, the volume factor of a delivery day, and the station's plan built from them."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sim import courier_routes as cr
from sim.scenario import DemandConfig

pytestmark = pytest.mark.unit

H = 3600.0


def test_every_carrier_dispatches_between_seven_and_ten_and_delivers_until_its_end_of_day() -> None:
    for carrier, day in cr.COURIER_DAYS.items():
        lo, hi = day.first_van
        assert 7 * H <= lo <= hi <= 10 * H, carrier
        assert hi + day.wave_s <= 11 * H, carrier
        assert 19 * H <= day.until_s <= 22 * H, carrier
    assert cr.courier_day("amazon").until_s == 22 * H  # Amazon delivers until 10 p.m.
    assert cr.courier_day("nobody") == cr.DEFAULT_COURIER_DAY


def test_a_station_cuts_off_before_its_first_van_and_its_first_van_follows_its_draw() -> None:
    day = cr.courier_day("ups")
    assert cr.station_first_van(day, 0.0) == day.first_van[0]
    assert cr.station_first_van(day, 1.0) == day.first_van[1]
    assert cr.station_cutoff(day, 8 * H) == 8 * H - day.staging_s


def test_ups_preloads_its_cars_so_its_centres_cut_off_later_than_a_staging_carrier() -> None:
    ups, fedex = cr.courier_day("ups"), cr.courier_day("fedex")
    assert cr.station_cutoff(ups, 8 * H) - cr.station_cutoff(fedex, 8 * H) == 30 * cr.MINUTE
    assert ups.staging_s == cr.UPS_PRELOAD_STAGING_S


def test_bearings_and_sweep_positions_go_clockwise_from_north() -> None:
    assert cr.bearing(0, 0, 1, 0) == pytest.approx(0.0)
    assert cr.bearing(0, 0, 0, 1) == pytest.approx(math.pi / 2)
    assert cr.bearing(0, 0, -1, 0) == pytest.approx(math.pi)
    assert cr.bearing(0, 0, 0, -1) == pytest.approx(3 * math.pi / 2)
    # four wedges: north-east is route 0 half-way, south-west route 2 half-way
    r, f = cr.sweep_position(0, 0, 1, 1, 4)
    assert (r, f) == (0, pytest.approx(0.5))
    r, f = cr.sweep_position(0, 0, -1, -1, 4)
    assert (r, f) == (2, pytest.approx(0.5))


def test_stop_indices_follow_the_sweep_and_stay_on_the_route() -> None:
    assert cr.stop_index(0.0, 150) == 0
    assert cr.stop_index(0.5, 150) == 75
    assert cr.stop_index(0.9999999, 150) == 149
    assert cr.stop_index(1.0, 150) == 149


def test_stop_times_keep_the_sequence_whatever_the_jitter() -> None:
    step = 200.0
    for pace_draw in (-3.0, 0.0, 3.0):
        p = cr.pace(pace_draw)
        assert p >= 0.8
        times = [cr.stop_offset(k, step, p, ju) for k in range(50) for ju in (0.0, 1.0)]
        # stop k at its latest is still before stop k+1 at its earliest
        for k in range(49):
            assert cr.stop_offset(k, step, p, 1.0) < cr.stop_offset(k + 1, step, p, 0.0)
        assert min(times) >= -cr.STOP_JITTER * step


def test_a_route_is_longer_when_volume_exceeds_what_extra_routes_absorb() -> None:
    assert cr.day_stops(150, 1.0) == 150
    assert cr.day_stops(150, cr.FLEX) == 150
    assert cr.day_stops(150, 1.62) == round(150 * 1.62 / cr.FLEX)
    assert cr.day_stops(150, 0.5) == 150  # a quiet day keeps its routes (fewer of them)


def test_a_step_is_the_drive_between_stops_plus_service_and_shrinks_with_density() -> None:
    sparse, dense = cr.step_seconds(100.0, 100), cr.step_seconds(4.0, 100)
    assert sparse > dense
    sigma = math.log(cr.SERVICE_P95_S / cr.SERVICE_MEDIAN_S) / 1.645
    service = cr.SERVICE_MEDIAN_S * math.exp(sigma**2 / 2)
    drive = cr.BHH * math.sqrt(25.0 / 150) * cr.CIRCUITY / cr.URBAN_KMH * H
    assert cr.step_seconds(25.0, 150) == pytest.approx(drive + service)
    # a normal UPS route (140 stops in 25 km²) takes a working day: 7–10 hours with the break
    hours = (140 * cr.step_seconds(25.0, 140) + cr.BREAK_S) / H
    assert 7 <= hours <= 10


def test_the_break_counts_from_the_middle_of_the_route_and_late_stops_spill() -> None:
    assert cr.break_after(10, 100) == 0.0
    assert cr.break_after(50, 100) == cr.BREAK_S
    assert cr.spills(100.0, 99.0) and not cr.spills(99.0, 99.0)
    assert cr.extra_service(1) == 0.0 and cr.extra_service(3) == 2 * cr.SERVICE_PER_EXTRA_S


def test_the_volume_of_a_delivery_day_follows_the_ship_days_before_it() -> None:
    dm = DemandConfig(parcels_per_day=100, weekday_weights={k: 1.0 for k in cr.WEEKDAY_KEYS})
    wed = date(2026, 12, 2)
    assert cr.volume_factor(dm, wed, []) == pytest.approx(1.0)
    peaks = [(date(2026, 11, 30), date(2026, 11, 30), 1.5)]  # a Monday spike
    assert cr.volume_factor(dm, date(2026, 12, 1), peaks) == pytest.approx(1.25)  # Mon and Sun
    assert cr.volume_factor(dm, wed, peaks) == pytest.approx(1.25)  # Tue and Mon
    assert cr.volume_factor(dm, date(2026, 12, 3), peaks) == pytest.approx(1.0)
    busy = DemandConfig(parcels_per_day=100, peak_multiplier=1.35)
    assert cr.volume_factor(busy, wed, []) > 1.3


def test_service_area_geometry() -> None:
    assert cr.route_count(cr.TERRITORY_KM2 * 30) == 30
    assert cr.route_count(1.0) == 1
    assert cr.territory_centre_km(math.pi * 9) == pytest.approx(2.0)
    ny = datetime(2026, 3, 2, tzinfo=ZoneInfo("America/New_York"))
    assert ny.tzinfo is not None
