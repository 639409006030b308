"""The ``Scenario`` root on its own: the checks that span sections, the demand bound they use, and
the per-carrier lookups that fall back on the defaults tables."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from sim import places
from sim.events import SIM_CARRIERS
from sim.scenario import (
    DEFAULT_DELIVERY_DAYS,
    DEFAULT_HUBS,
    DEFAULT_PICKUP_DAYS,
    MAX_DEMAND_DRAWS,
    WEEKDAYS,
    DemandConfig,
    Scenario,
)

pytestmark = pytest.mark.unit


def base(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "t",
        "start": "2026-11-02T00:00:00-05:00",
        "duration": "2d",
        "carriers": {"ups": {"share": 1.0, "services": {"ground": 1.0}}},
        "demand": {"parcels_per_day": 100},
    }
    data.update(overrides)
    return data


def refusal(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as exc:
        Scenario.model_validate(data)
    (err,) = exc.value.errors(include_url=False)
    return str(err["msg"]).removeprefix("Value error, ")


def case(name: str, ship_at: str | float = 0) -> dict[str, Any]:
    return {"name": name, "carrier": "ups", "origin": "EWR", "destination": "CHI", "ship_at": ship_at}


def test_case_names_are_unique() -> None:
    msg = refusal(base(cases=[case("b"), case("a"), case("b"), case("a")]))
    assert msg == "duplicate case name 'a'"  # the first in order, whatever the file's order
    Scenario.model_validate(base(cases=[case("a"), case("b")]))


def test_a_case_ships_before_demand_ends() -> None:
    assert Scenario.model_validate(base(cases=[case("a", "47h59m")])).cases[0].ship_at == 172740
    msg = refusal(base(cases=[case("a"), case("b", "2d")]))
    assert msg == "cases.1.ship_at: must be before demand ends (duration 2d)"


def test_carrier_shares_sum_to_one_and_carriers_are_known() -> None:
    two = {
        "ups": {"share": 0.6, "services": {"ground": 1.0}},
        "dhl": {"share": 0.3, "services": {"ground": 1}},
    }
    assert refusal(base(carriers=two)) == "carrier shares must sum to 1 (they sum to 0.9)"
    two["dhl"]["share"] = 0.4
    Scenario.model_validate(base(carriers=two))
    assert refusal(base(carriers={})) == "at least one carrier is needed"
    # a postal partner carries only a partner's last mile: it is no carrier of its own
    partner_only = {
        "usps": {"share": 0.5, "services": {"ground": 1}},
        "kazpost": {"share": 0.5, "services": {"ground": 1}},
    }
    assert refusal(base(carriers=partner_only)).startswith("unknown carrier 'kazpost'")


@pytest.mark.parametrize(
    ("duration", "parcels", "draws"),
    [
        # the default curve's peak hour (6.4 x 24 / 94.4, its weights' sum) and weekday (1.15 x 7 / 7) factors
        ("2d", 100, 100 * (6.4 * 24 / 94.4) * 1.15 * 2),
        ("7d", 1000, 1000 * (6.4 * 24 / 94.4) * 1.15 * 7),
        # a run shorter than a day still draws a day's worth (serve's demand never stops)
        ("6h", 100, 100 * (6.4 * 24 / 94.4) * 1.15),
    ],
)
def test_demand_draws_counts_the_peak_factors_over_the_run(duration: str, parcels: int, draws: float) -> None:
    scenario = Scenario.model_validate(base(duration=duration, demand={"parcels_per_day": parcels}))
    assert scenario.demand_draws() == pytest.approx(draws)


def test_peak_parcels_per_day_takes_every_multiplier() -> None:
    flat = {"parcels_per_day": 10, "daily_curve": [1] * 24, "weekday_weights": dict.fromkeys(WEEKDAYS, 1)}
    assert DemandConfig.model_validate(flat).peak_parcels_per_day() == pytest.approx(10)
    peaked = {
        **flat,
        "daily_curve": [0] * 12 + [2] * 12,  # peak hour twice the mean
        "weekday_weights": {"mon": 3},  # the other six count 1: 3 x 7 / 9
        "peak_multiplier": 1.5,
        "peaks": [
            {"start": "2026-11-02T00:00:00Z", "end": "2026-11-03T00:00:00Z", "multiplier": 4},
            {"start": "2026-11-04T00:00:00Z", "end": "2026-11-05T00:00:00Z", "multiplier": 0.5},
        ],
    }
    assert DemandConfig.model_validate(peaked).peak_parcels_per_day() == pytest.approx(
        10 * 2 * 3 * 7 / 9 * 1.5 * 4
    )
    # a window below 1 cannot lower the ceiling under the run's own rate
    low = {**flat, "peaks": [peaked["peaks"][1]]}
    assert DemandConfig.model_validate(low).peak_parcels_per_day() == pytest.approx(10)


def test_the_demand_bound_is_checked_on_the_whole_run() -> None:
    per_day = MAX_DEMAND_DRAWS / 2 / ((6.4 * 24 / 94.4) * 1.15)  # two days land exactly on the bound
    at = Scenario.model_validate(base(demand={"parcels_per_day": per_day}))
    assert at.demand_draws() == pytest.approx(MAX_DEMAND_DRAWS)
    over = base(demand={"parcels_per_day": per_day * 1.001})
    msg = refusal(over)
    assert msg.startswith(
        "demand.parcels_per_day: demand too large: up to 2,502,500 parcels drawn over the run"
    )
    # the same rate for half a day is judged on a day's draws, and passes
    Scenario.model_validate({**over, "duration": "12h"})
    assert refusal(
        {**over, "duration": "12h", "demand": {"parcels_per_day": per_day, "peak_multiplier": 2.01}}
    ).startswith("demand.parcels_per_day: demand too large: up to 2,512,500 parcels drawn over a day")


def test_defaults_cover_every_carrier_of_the_world() -> None:
    for table in (DEFAULT_HUBS, DEFAULT_DELIVERY_DAYS, DEFAULT_PICKUP_DAYS):
        assert set(table) == set(SIM_CARRIERS)
    for hubs in DEFAULT_HUBS.values():
        assert all(h in places.PLACES for h in hubs)
        assert len(set(hubs)) == len(hubs)


def test_per_carrier_lookups_fall_back_on_the_defaults() -> None:
    carriers = {
        "ups": {"share": 0.5, "services": {"ground": 1.0}},
        "dhl": {
            "share": 0.5,
            "services": {"ground": 1.0},
            "hubs": ["CHI", "LEJ"],
            "delivery_days": ["tue", "thu"],
            "pickup_days": ["sun"],
        },
    }
    s = Scenario.model_validate(base(carriers=carriers, network={"countries": ["US"]}))
    # only the hubs in the scenario's countries: UPS's German hubs and DHL's Leipzig drop out
    assert s.carrier_hubs("ups") == tuple(h for h in DEFAULT_HUBS["ups"] if places.PLACES[h].country == "US")
    assert "CGN" in DEFAULT_HUBS["ups"] and "CGN" not in s.carrier_hubs("ups")
    assert s.carrier_hubs("dhl") == ("CHI",)
    assert s.delivery_days("ups") == ("mon", "tue", "wed", "thu", "fri", "sat")
    assert s.delivery_days("dhl") == ("tue", "thu")
    assert s.pickup_days("ups") == ("mon", "tue", "wed", "thu", "fri", "sat")
    assert s.pickup_days("dhl") == ("sun",)
    # a carrier the scenario does not list (a partner's last mile) gets its defaults
    assert s.carrier_hubs("kazpost") == ()
    assert s.delivery_days("canadapost") == ("mon", "tue", "wed", "thu", "fri")
    assert s.pickup_days("amazon") == WEEKDAYS
    germany = Scenario.model_validate(base(carriers=carriers, network={"countries": ["DE"]}))
    assert germany.carrier_hubs("dhl") == ("LEJ",)
