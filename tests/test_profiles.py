"""Carrier profiles (sim/profiles/): the published figures pinned, and every service the shipped
scenarios sell described by a profile."""

from __future__ import annotations

import pytest

from sim.events import SIM_CARRIERS, Service
from sim.places import PLACES
from sim.profiles import (
    CROSS_BORDER,
    PROFILES,
    ProfileError,
    closed_holidays,
    market,
    profile,
    service_profile,
    standard_days,
    zone,
)
from sim.profiles.types import (
    ALL_HOLIDAYS,
    EVERY_DAY,
    KM_PER_MILE,
    MON_FRI,
    MON_SAT,
    LoadPlan,
    Standard,
    after_wave,
    us_zone,
)
from sim.scenario import load_scenario, shipped_scenarios

pytestmark = pytest.mark.unit

P = PLACES


@pytest.mark.parametrize(
    "miles, expected",
    [
        (10, 1),
        (50, 1),
        (51, 2),
        (150, 2),
        (300, 3),
        (600, 4),
        (1000, 5),
        (1400, 6),
        (1800, 7),
        (1801, 8),
        (2800, 8),
    ],
)
def test_us_zones_follow_the_mileage_bands(miles: float, expected: int) -> None:
    assert us_zone(miles * KM_PER_MILE) == expected


def test_zones_between_real_places() -> None:
    assert zone(P["NYC"], P["LAX"]) == 8
    assert zone(P["NYC"], P["PHL"]) == 2
    assert zone(P["NYC"], P["BER"]) is None  # zones are a US notion
    assert market(P["NYC"], P["LAX"]) == "US"
    assert market(P["NYC"], P["YYZ"]) == CROSS_BORDER
    assert market(P["FRA"], P["BER"]) == "DE"


@pytest.mark.parametrize("carrier", ["ups", "fedex"])
def test_ground_takes_five_business_days_in_zone_8_and_one_next_door(carrier: str) -> None:
    assert standard_days(carrier, "ground", P["NYC"], P["LAX"]) == 5  # > 1,800 miles
    assert standard_days(carrier, "ground", P["SEA"], P["MIA"]) == 5
    assert standard_days(carrier, "ground", P["NYC"], P["PHL"]) == 1  # zone 2
    days = [
        service_profile(carrier, "ground", P["NYC"], P["LAX"]).standard.business_days(z) for z in range(1, 9)
    ]
    assert days == sorted(days) and min(days) == 1 and max(days) == 5


def test_usps_standards_stay_inside_their_published_ranges() -> None:
    for z in range(1, 9):
        ga = profile("usps").services[("ground", "US")].standard.business_days(z)
        prio = profile("usps").services[("two_day", "US")].standard.business_days(z)
        assert 2 <= ga <= 5 and 1 <= prio <= 3
    assert standard_days("usps", "ground", P["NYC"], P["LAX"]) == 5


def test_next_day_and_two_day_are_sold_as_such_and_faster_than_ground() -> None:
    for carrier in ("ups", "fedex"):
        assert standard_days(carrier, "next_day", P["NYC"], P["LAX"]) == 1
        assert standard_days(carrier, "two_day", P["NYC"], P["LAX"]) == 2
        assert service_profile(carrier, "next_day", P["NYC"], P["LAX"]).guaranteed
    assert standard_days("amazon", "same_day", P["LAX"], P["LAX"]) == 0


def test_operating_days_differ_by_carrier_and_service() -> None:
    assert service_profile("amazon", "two_day", P["NYC"], P["LAX"]).delivery_days == EVERY_DAY
    ups_ground = service_profile("ups", "ground", P["NYC"], P["LAX"])
    assert 6 not in ups_ground.delivery_days and ups_ground.business_days == MON_FRI
    usps = service_profile("usps", "ground", P["NYC"], P["LAX"])
    assert usps.delivery_days == MON_SAT and usps.extra_days_for["amazon"] == frozenset({6})
    assert 6 not in service_profile("fedex", "ground", P["NYC"], P["LAX"]).delivery_days
    assert service_profile("dhl", "ground", P["FRA"], P["BER"]).delivery_days == MON_SAT
    assert service_profile("ups", "ground", P["FRA"], P["BER"]).delivery_days == MON_FRI


def test_failed_delivery_policies_are_the_carriers_own() -> None:
    usps = profile("usps").failed_delivery
    assert (usps.attempts, usps.notice_left, usps.auto_redelivery, usps.hold_at) == (
        1,
        True,
        False,
        "post_office",
    )
    assert profile("ups").failed_delivery.attempts == 3
    dhl = profile("dhl").failed_delivery
    assert dhl.to_pickup_point_after_first and dhl.hold_days == 7 and dhl.hold_business_days
    assert (profile("hermes").failed_delivery.attempts, profile("hermes").failed_delivery.hold_days) == (
        3,
        10,
    )
    assert (profile("dpd").failed_delivery.attempts, profile("dpd").failed_delivery.hold_days) == (2, 7)
    assert all(p.failed_delivery.refused_returns_at_once for p in PROFILES.values())


def test_the_german_carriers_are_not_clones() -> None:
    german = [profile(c) for c in ("dhl", "hermes", "dpd", "ups")]
    shapes = {
        (
            p.services[("ground", "DE")].standard.days,
            p.services[("ground", "DE")].delivery_days,
            p.failed_delivery.attempts,
            p.failed_delivery.hold_at,
        )
        for p in german
    }
    assert len(shapes) == 4


def test_holiday_closures() -> None:
    assert closed_holidays("usps", "US") == ALL_HOLIDAYS
    ups = closed_holidays("ups", "US")
    assert {"us.thanksgiving", "us.christmas"} <= ups and "us.veterans_day" not in ups
    assert closed_holidays("dhl", "DE") == ALL_HOLIDAYS
    assert closed_holidays("amazon", "US") == frozenset({"us.christmas"})
    assert closed_holidays("hermes", "FR") == ALL_HOLIDAYS  # a country it does not list


def test_every_simulated_carrier_has_a_profile() -> None:
    assert set(PROFILES) == set(SIM_CARRIERS)
    for p in PROFILES.values():
        assert p.visibility.late_batch_share > 0 and 0.80 <= p.eta.first_met_target <= 0.985
        assert all(s.delivery_days for s in p.services.values())


def test_every_service_the_shipped_scenarios_sell_has_a_profile() -> None:
    for name in shipped_scenarios():
        scenario, _ = load_scenario(name)
        countries = scenario.network.countries
        for carrier, cfg in scenario.carriers.items():
            # a carrier collects only from warehouses in countries where it has hubs (sim.planning)
            hub_countries = {P[h].country for h in scenario.carrier_hubs(carrier)}
            for fc in scenario.network.fulfilment_centres:
                origin = P[fc]
                if origin.country not in hub_countries:
                    continue
                for service in cfg.services:
                    for dest_country in countries:
                        abroad = dest_country != origin.country
                        if abroad != (service is Service.INTERNATIONAL):
                            continue
                        dest = next(p for p in P.values() if p.country == dest_country)
                        service_profile(carrier, service.value, origin, dest)  # raises if missing
                        partner = cfg.partner.get(service)
                        # a partner takes over only where it has its own network (sim.planning)
                        if partner and dest_country in profile(partner).countries:
                            service_profile(partner, service.value, dest, dest)


def test_lookups_that_fail_say_what_is_known() -> None:
    with pytest.raises(ProfileError, match="no profile for carrier 'ontrac'"):
        profile("ontrac")
    with pytest.raises(ProfileError, match="Hermes Germany sells no next_day in market DE"):
        service_profile("hermes", "next_day", P["FRA"], P["BER"])
    with pytest.raises(ValueError, match="one figure per zone"):
        Standard(5, (1, 2, 3))


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def days_text(days: frozenset[int]) -> str:
    """Weekdays as docs/realism.md writes them: ``Mon–Sat``, ``every day``, ``Mon–Fri``."""
    if days == EVERY_DAY:
        return "every day"
    ordered = sorted(days)
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}–{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def standard_row(carrier: str, service: str, market_: str) -> str:
    """The start of a carrier's row in docs/realism.md §11's standards table, from the data."""
    p = profile(carrier)
    s = p.services[(service, market_)]
    zones = f" (zones 1–8: {', '.join(map(str, s.standard.by_zone))})" if s.standard.by_zone else ""
    cutoff = f"{int(s.cutoff_s // 3600):02d}:{int(s.cutoff_s % 3600 // 60):02d}"
    return (
        f"| {p.name} | {service} ({market_}) | {s.product} | {s.standard.days}{zones} | "
        f"{days_text(s.delivery_days)} | {days_text(s.business_days)} | {cutoff} |"
    )


def test_docs_list_every_service_standard_as_the_data_has_it() -> None:
    from pathlib import Path

    doc = Path("docs/realism.md").read_text(encoding="utf-8")
    missing = [
        standard_row(c, s, m)
        for c, p in PROFILES.items()
        for s, m in p.services
        if standard_row(c, s, m) not in doc
    ]
    assert missing == []


def test_published_on_time_levels_rank_ups_above_fedex_above_usps() -> None:
    ups, fedex, usps = (profile(c).on_time for c in ("ups", "fedex", "usps"))
    assert ups is not None and fedex is not None and usps is not None
    assert ups[0] > fedex[0] > usps[0] and ups[1] > fedex[1] > usps[1]


def test_hub_operations_keep_their_waves_on_quarter_hours() -> None:
    from sim.profiles.types import HubOperations
    from sim.waves import Wave

    with pytest.raises(ValueError, match="quarter hours"):
        HubOperations((Wave("odd", 16.1 * 3600, 21 * 3600, 1.0),), (75600.0,), (18000.0,), True)


def test_hub_operations_carry_over_is_a_share() -> None:
    from sim.profiles.types import HubOperations
    from sim.waves import Wave

    with pytest.raises(ValueError, match="carry_over"):
        HubOperations((Wave("w", 16 * 3600, 21 * 3600, 1.0),), (75600.0,), (18000.0,), True, carry_over=1.0)


def test_german_delivery_bases_carry_parcels_over_and_the_generic_station_does_not() -> None:
    from sim.profiles import hub_operations
    from sim.profiles.markets import DE_CARRY_OVER

    for c in ("dhl", "hermes", "dpd"):
        ops = hub_operations(c, "DE")
        assert ops is not None and ops.carry_over == DE_CARRY_OVER > 0, c
    assert hub_operations("ups", "DE") is None and hub_operations("ups", "US") is None


def test_a_load_plan_names_the_weekdays_of_each_ascending_departure() -> None:
    ok = LoadPlan((4 * 3600.0, 21 * 3600.0), (MON_FRI, MON_FRI), 9 * 3600.0)
    assert ok.runs == (MON_FRI, MON_FRI)
    with pytest.raises(ValueError, match="weekdays of each"):
        LoadPlan((4 * 3600.0, 21 * 3600.0), (MON_FRI,), 9 * 3600.0)
    with pytest.raises(ValueError, match="ascending"):
        LoadPlan((21 * 3600.0, 4 * 3600.0), (MON_FRI, MON_FRI), 9 * 3600.0)
    with pytest.raises(ValueError, match="at least one weekday"):
        LoadPlan((4 * 3600.0,), (frozenset(),), 9 * 3600.0)
    with pytest.raises(ValueError, match="at least one weekday"):
        LoadPlan((4 * 3600.0,), (frozenset({7}),), 9 * 3600.0)


def test_trailers_leave_twenty_minutes_after_their_wave_ends() -> None:
    assert after_wave("twilight") == 21 * 3600 + 20 * 60
    assert after_wave("night") == 4 * 3600 + 20 * 60  # the night sort ends at 04:00 the next day
    with pytest.raises(ValueError, match="no sort wave"):
        after_wave("brunch")


@pytest.mark.parametrize("carrier", ["ups", "fedex"])
def test_us_ground_long_hauls_leave_after_the_twilight_and_night_sorts_on_weekdays(carrier: str) -> None:
    plan = profile(carrier).load_plans["US"]
    assert plan.departures == (after_wave("night"), after_wave("twilight"))
    assert plan.runs == (frozenset(range(1, 6)), MON_FRI)  # Friday night's trailer leaves Saturday 04:20
    assert all(6 not in r for r in plan.runs)  # nothing leaves on a Sunday


def test_delivery_units_leave_a_share_for_the_next_day_where_the_carrier_publishes_its_level() -> None:
    """USPS's post offices carry over the German bases' share (its published peak band, docs/
    realism.md §10), Priority Mail included (the same letter carriers); the German carriers keep
    their hubs' own and spare express; UPS and FedEx in the US, and unknown carriers, none."""
    from sim.profiles import carry_over
    from sim.profiles.markets import DE_CARRY_OVER

    assert carry_over("usps", "US") == carry_over("usps", "US", express=True) == DE_CARRY_OVER
    assert carry_over("dhl", "DE") == DE_CARRY_OVER and carry_over("dhl", "DE", express=True) == 0.0
    assert carry_over("ups", "US") == carry_over("fedex", "US") == carry_over("acme", "US") == 0.0
