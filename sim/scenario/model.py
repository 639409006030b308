"""The scenario itself: the root model that holds every section, and the checks that span them
(case names unique, demand within what a run may draw, cases shipped before demand ends).

A cross-field problem names its field first (``demand.parcels_per_day: ...``) so that the loader
can point at its line. The per-carrier lookups that fall back on ``defaults`` live here too.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim import places
from sim.events import CARRIERS
from sim.fields import DAY, Instant, StrictModel, duration_between, format_duration
from sim.scenario.cases import MAX_CASES, PinnedCase
from sim.scenario.defaults import DEFAULT_DELIVERY_DAYS, DEFAULT_HUBS, DEFAULT_PICKUP_DAYS
from sim.scenario.demand import DemandConfig
from sim.scenario.disruptions import MAX_DISRUPTIONS, Disruption
from sim.scenario.incidents import IncidentRates
from sim.scenario.network import CarrierConfig, NetworkConfig
from sim.scenario.raw import RawSection, raw_section
from sim.scenario.standard_cases import StandardCases, expand
from sim.scenario.types import MAX_DURATION

#: Longest drain after demand stops (the slowest story, three failed attempts and a return, takes
#: about three weeks).
MAX_DRAIN = 90 * DAY
#: Most parcels the demand process may draw over the run (over one day for shorter runs and for
#: `serve`'s endless demand). About 5.6 KB each while in flight, so at most ~14 GB; a
#: 1,000,000-parcel day with the default daily curve and weekday mix draws 1.76 M.
MAX_DEMAND_DRAWS = 2_500_000
#: Seeds are unsigned 63-bit integers (they fit SQLite, JSON consumers and every language's int64).
MAX_SEED = 2**63 - 1
MAX_EXPECT = 200

#: A scenario's name: safe as a folder name (``runs/<name>``), never a path.
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")

RunDuration = duration_between(0, MAX_DURATION, above=True)
Drain = duration_between(0, MAX_DRAIN)
#: An expected figure (summary.json values are rates, counts and hours).
Band = Annotated[float, Field(ge=-1e12, le=1e12)]


class CalibrationBand(StrictModel):
    """One of issue 12's calibration figures for a shipped scenario, with where its band comes from."""

    band: tuple[Band, Band] = Field(description="[low, high] the figure should land in.")
    source: str = Field(min_length=3, max_length=300, description="Who published the band (docs/realism.md).")
    pending: str | None = Field(
        None,
        max_length=300,
        description="Why the world does not meet the band yet: the test then expects it missed, and "
        "fails the day it is met (so the band is enforced from then on).",
    )


class Scenario(StrictModel):
    name: str = Field(
        max_length=64,
        json_schema_extra={"pattern": NAME.pattern},
        description="Scenario name (a shipped scenario's file stem; also the default output folder).",
    )
    description: str = Field("", description="What the scenario exercises (first line is listed).")
    seed: int = Field(0, ge=0, le=MAX_SEED, description="Seed of every random stream; same seed, same world.")
    start: Instant = Field(description="The instant the world starts (ISO-8601 with offset).")
    duration: RunDuration = Field(description="How long demand runs, e.g. '7d'.")
    drain: Drain = Field(
        14 * 86400, description="After demand stops, keep simulating so parcels in flight can finish."
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig, description="Where the world is.")
    carriers: dict[str, CarrierConfig] = Field(
        description="Carrier key -> share, services, hubs, partner, credentials."
    )
    demand: DemandConfig = Field(description="How many parcels, and when they are ordered.")
    incidents: IncidentRates = Field(default_factory=IncidentRates, description="What goes wrong, how often.")
    disruptions: list[Disruption] = Field(
        default_factory=list,
        max_length=MAX_DISRUPTIONS,
        description="Weather over a region, hub outages, line-haul breakdowns.",
    )
    cases: list[PinnedCase] = Field(
        default_factory=list, max_length=MAX_CASES, description="Pinned QA cases (scripted parcels)."
    )
    standard_cases: StandardCases | None = Field(
        None,
        description="Carry the standard pinned QA stories (lost after a hub, misdelivered, weather-"
        "delayed, three failed attempts then returned, customs hold then released, damaged, address "
        "problem) on these lanes; they follow the cases: above in /_sandbox/cases.",
    )
    faults: raw_section("faults") = Field(  # type: ignore[valid-type]
        default_factory=lambda: RawSection("faults", {}),
        description="HTTP faults, rate limits and scan-data faults (all off).",
    )
    expect: dict[str, tuple[Band, Band]] = Field(
        default_factory=dict,
        max_length=MAX_EXPECT,
        description="Bands the run's summary should land in: summary.json key (dotted for nested, "
        "e.g. fates.lost) -> [low, high]. Checked by the test suite for shipped scenarios.",
    )
    calibration: dict[str, CalibrationBand] = Field(
        default_factory=dict,
        max_length=MAX_EXPECT,
        description="Calibration figures computed from the raw logs at the scenario's realism seed "
        "(tests/calibration_metrics.py names them, dotted, e.g. germany.all.E+1) -> band, source, "
        "pending. Checked by the test suite for shipped scenarios.",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError(
                "a name is letters, digits, '_', '-' and '.', starting with a letter or digit "
                "(it names the default output folder)"
            )
        return v

    @field_validator("carriers")
    @classmethod
    def _carriers(cls, v: dict[str, CarrierConfig]) -> dict[str, CarrierConfig]:
        if not v:
            raise ValueError("at least one carrier is needed")
        unknown = [k for k in v if k not in CARRIERS]
        if unknown:
            raise ValueError(f"unknown carrier {unknown[0]!r} (known: {', '.join(CARRIERS)})")
        total = sum(c.share for c in v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"carrier shares must sum to 1 (they sum to {total:g})")
        return v

    @model_validator(mode="after")
    def _cross_checks(self) -> Scenario:
        if self.standard_cases is not None:
            self._add_standard_cases(self.standard_cases)
        names = [c.name for c in self.cases]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate case name {sorted(dup)[0]!r}")
        # A cross-field problem names its field first ("path: message") so the loader can locate it.
        draws = self.demand_draws()
        if draws > MAX_DEMAND_DRAWS:
            raise ValueError(
                f"demand.parcels_per_day: demand too large: up to {draws:,.0f} parcels drawn over "
                f"{'the run' if self.duration >= DAY else 'a day'} (at most {MAX_DEMAND_DRAWS:,}; "
                "parcels_per_day x peak_multiplier x peaks x the peak hour and weekday factors x days)"
            )
        for i, case in enumerate(self.cases):
            if case.ship_at >= self.duration:
                ends = format_duration(self.duration)
                raise ValueError(f"cases.{i}.ship_at: must be before demand ends (duration {ends})")
        return self

    def _add_standard_cases(self, standard: StandardCases) -> None:
        # The model is frozen; the standard cases join ``cases`` once, while it is being validated.
        # A case already there as it would be made (a dumped scenario validated again) stays one.
        cases = list(self.cases)
        for case in expand(standard):
            same = next((c for c in cases if c.name == case.name), None)
            if same is None:
                cases.append(case)
            elif same != case:
                raise ValueError(
                    f"standard_cases: the standard case {case.name!r} is also in cases: (rename it, "
                    "or leave it to standard_cases)"
                )
        if len(cases) > MAX_CASES:
            raise ValueError(f"standard_cases: more than {MAX_CASES} cases with the standard ones")
        object.__setattr__(self, "cases", cases)

    def demand_draws(self) -> float:
        """The most parcels demand can draw over the run (over a day if the run is shorter, and
        per day in ``serve``'s endless demand)."""
        return self.demand.peak_parcels_per_day() * max(self.duration, DAY) / DAY

    def carrier_hubs(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        hubs = cfg.hubs if cfg is not None and cfg.hubs else DEFAULT_HUBS[carrier]
        return tuple(h for h in hubs if places.PLACES[h].country in self.network.countries)

    def delivery_days(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        return tuple(cfg.delivery_days) if cfg and cfg.delivery_days else DEFAULT_DELIVERY_DAYS[carrier]

    def pickup_days(self, carrier: str) -> tuple[str, ...]:
        cfg = self.carriers.get(carrier)
        return tuple(cfg.pickup_days) if cfg and cfg.pickup_days else DEFAULT_PICKUP_DAYS[carrier]
