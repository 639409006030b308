"""Scenario files: YAML parsed into pydantic models, with errors that name file, line and field.

A scenario is everything that defines a world: when it starts, how long it runs, the places and
carriers, demand, incident rates, disruptions and pinned QA cases. ``load_scenario`` accepts a
path or the name of a shipped scenario (``baseline``); a mistake raises ``ScenarioError`` whose
lines read ``file:line:col: field.path: message``.

Every number has a documented range (the JSON Schema's ``minimum``/``maximum``, docs/scenarios.md),
chosen so that whatever validates also runs and serves to the end: the horizon is at most
``MAX_DURATION`` + ``MAX_DRAIN``, instants stay in 2000–2099, and the demand process draws at most
``MAX_DEMAND_DRAWS`` parcels (``demand_draws``). The YAML itself is read by ``sim.safe_yaml``.

One module a section of the file, each with its own limits at the top (every limit is in the JSON
Schema and docs/scenarios.md; tests/test_limits.py runs the corners; the module map is in
docs/profile-sim.md):

- ``types``: field types several sections share (weekdays, ``HH:MM`` clock times, the longest
  demand period), beyond the generic ones of ``sim.fields``;
- ``defaults``: what a left-out field gets (real hubs, working days, warehouses, demand curves);
- ``network``: carriers, countries and metros, facilities, lanes, hub capacity;
- ``demand``: parcels per day, the hourly curve, the weekday mix, peaks, returns;
- ``incidents``: per-parcel probabilities of what goes wrong;
- ``disruptions``: weather, hub outages, line-haul breakdowns;
- ``cases``: pinned QA cases;
- ``standard_cases``: the standard pinned stories a scenario opts into, on its own lanes;
- ``model``: the ``Scenario`` root and the checks that span sections;
- ``raw``: sections kept as written for the layer that reads them (``faults:``, validated by the
  served sandbox's own models with the same located errors);
- ``located``: ``ScenarioError`` and pydantic's errors as ``file:line:col: field: message``;
- ``loader``: files, shipped scenarios by name, and located errors.

Everything is importable from ``sim.scenario`` itself, as below.
"""

from __future__ import annotations

from sim.fields import parse_duration, parse_seconds  # re-exported: the control plane's too
from sim.scenario.cases import MAX_CASES, PinnedCase, Story
from sim.scenario.defaults import (
    DEFAULT_DAILY_CURVE,
    DEFAULT_DELIVERY_DAYS,
    DEFAULT_FULFILMENT_CENTRES,
    DEFAULT_HUBS,
    DEFAULT_PICKUP_DAYS,
    DEFAULT_WEEKDAY_WEIGHTS,
)
from sim.scenario.demand import (
    MAX_MULTIPLIER,
    MAX_PARCELS_PER_DAY,
    MAX_PEAKS,
    MAX_WEIGHT,
    DemandConfig,
    PeakWindow,
)
from sim.scenario.disruptions import (
    MAX_DISRUPTIONS,
    Disruption,
    HubOutage,
    LinehaulBreakdown,
    RegionSelector,
    WeatherDisruption,
)
from sim.scenario.incidents import AfterFailedAttempt, IncidentRates
from sim.scenario.loader import (
    SHIPPED_DIRS,
    load_scenario,
    locate,
    parse_scenario,
    read_text,
    read_yaml,
    resolve,
    shipped_scenarios,
    world_error,
)
from sim.scenario.located import MAX_PROBLEMS, ScenarioError
from sim.scenario.model import MAX_DEMAND_DRAWS, MAX_DRAIN, MAX_EXPECT, MAX_SEED, Scenario
from sim.scenario.network import (
    MAX_CREDENTIALS,
    MAX_DEPARTURES,
    MAX_FACILITIES,
    MAX_LANES,
    MAX_TOKEN_LIFETIME,
    MIN_TOKEN_LIFETIME,
    CarrierConfig,
    FacilitySpec,
    LaneSpec,
    NetworkConfig,
)
from sim.scenario.raw import RawSection
from sim.scenario.standard_cases import STANDARD_NAMES, STANDARD_STORIES, StandardCases, StandardStory
from sim.scenario.types import MAX_DURATION, WEEKDAYS, Weekday

__all__ = [
    "DEFAULT_DAILY_CURVE",
    "DEFAULT_DELIVERY_DAYS",
    "DEFAULT_FULFILMENT_CENTRES",
    "DEFAULT_HUBS",
    "DEFAULT_PICKUP_DAYS",
    "DEFAULT_WEEKDAY_WEIGHTS",
    "MAX_CASES",
    "MAX_CREDENTIALS",
    "MAX_DEMAND_DRAWS",
    "MAX_DEPARTURES",
    "MAX_DISRUPTIONS",
    "MAX_DRAIN",
    "MAX_DURATION",
    "MAX_EXPECT",
    "MAX_FACILITIES",
    "MAX_LANES",
    "MAX_MULTIPLIER",
    "MAX_PARCELS_PER_DAY",
    "MAX_PEAKS",
    "MAX_PROBLEMS",
    "MAX_SEED",
    "MAX_TOKEN_LIFETIME",
    "MAX_WEIGHT",
    "MIN_TOKEN_LIFETIME",
    "SHIPPED_DIRS",
    "STANDARD_NAMES",
    "STANDARD_STORIES",
    "WEEKDAYS",
    "AfterFailedAttempt",
    "CarrierConfig",
    "DemandConfig",
    "Disruption",
    "FacilitySpec",
    "HubOutage",
    "IncidentRates",
    "LaneSpec",
    "LinehaulBreakdown",
    "NetworkConfig",
    "PeakWindow",
    "PinnedCase",
    "RawSection",
    "RegionSelector",
    "Scenario",
    "ScenarioError",
    "StandardCases",
    "StandardStory",
    "Story",
    "WeatherDisruption",
    "Weekday",
    "load_scenario",
    "locate",
    "parse_duration",
    "parse_scenario",
    "parse_seconds",
    "read_text",
    "read_yaml",
    "resolve",
    "shipped_scenarios",
    "world_error",
]
