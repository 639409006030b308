"""The ``faults:`` configuration (a scenario's ``faults:`` section, and ``PUT /_sandbox/faults``): what
the served carrier APIs get wrong — HTTP faults, rate limits and scan-data faults (docs/faults.md).

The simulation keeps the scenario's section as written (``sim.scenario.RawSection``): faults change
what carriers show and answer, never the truth. ``scenario_faults`` validates it here, with the
scenario loader's located errors. Every number has a range, so no configuration can make a server
wait forever, answer a 301-digit ``Retry-After`` or overflow a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from mock_carriers.carriers import registry
from sim.fields import DAY, Rate, StrictModel, duration_between
from sim.scenario import Scenario

#: HTTP statuses a fault may answer with, each in the carrier's own error body.
FAULT_STATUSES: tuple[int, ...] = (429, 500, 502, 503, 504)
#: Route classes of every carrier: its OAuth/LWA token endpoint, its tracking reads, the rest.
FAULT_ROUTES: tuple[str, ...] = ("token", "track", "other")

#: Longest latency a fault adds (a client that waits longer has long given up).
MAX_LATENCY_S = 300.0
#: Longest a timeout fault holds a request before its 504.
MAX_TIMEOUT_CAP_S = 3600.0
#: Longest a scan-data fault shifts or hides scans: longer than any world's horizon, so "forever".
MAX_SCAN_SHIFT_S = 1000 * DAY

Latency_s = duration_between(0, MAX_LATENCY_S, short=True)
ScanShift = duration_between(0, MAX_SCAN_SHIFT_S)


def presets_of(carrier: str) -> Mapping[str, Mapping[str, Any]]:
    """The carrier's published rate limits by preset name (its spec's), empty when it has none."""
    return registry.spec(carrier).rate_limit_presets if carrier in registry.KEYS else {}


def _preset_help() -> str:
    named = [
        f"{key} {'|'.join(p for p in presets_of(key) if p != 'default')}"
        for key in registry.KEYS
        if any(p != "default" for p in presets_of(key))
    ]
    return f"A published limit: {', '.join([*named, 'default'])}."


def _fixed_latency(value: Any) -> Any:
    # "latency: 250ms" is a fixed latency.
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return {"dist": "fixed", "value": value}
    return value


def _rate_only(value: Any) -> Any:
    # "late: 0.05" is a rate with the default knobs.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"rate": value}
    return value


def _preset_only(value: Any) -> Any:
    # "rate_limits: {<carrier>: starter}" names a preset.
    if isinstance(value, str):
        return {"preset": value}
    return value


class Latency(StrictModel):
    dist: Literal["fixed", "uniform", "lognormal"] = Field("fixed", description="Distribution.")
    value: Latency_s = Field(0.0, description="fixed: the latency, e.g. '250ms'.")
    low: Latency_s = Field(0.0, description="uniform: lower bound.")
    high: Latency_s = Field(0.0, description="uniform: upper bound.")
    median: Latency_s = Field(0.0, description="lognormal: the median latency.")
    sigma: float = Field(0.5, ge=0, le=5, description="lognormal: sigma of the underlying normal.")
    max: Latency_s = Field(30.0, description="Cap on any one drawn latency.")

    @model_validator(mode="after")
    def _params(self) -> Latency:
        if self.dist == "uniform" and self.high < self.low:
            raise ValueError("uniform latency needs high >= low")
        if self.dist == "lognormal" and self.median <= 0:
            raise ValueError("lognormal latency needs a positive median")
        return self


class HttpFaults(StrictModel):
    """Per request to one carrier route: an extra latency and at most one of the faults below."""

    latency: Annotated[Latency | None, BeforeValidator(_fixed_latency)] = Field(
        None, description="Added before the answer: '250ms' or {dist, value|low,high|median,sigma}."
    )
    errors: dict[int, Rate] = Field(
        default_factory=dict, description="HTTP status (429, 500, 502, 503, 504) -> rate, carrier's body."
    )
    timeout: Rate = Field(0.0, description="Hold the request until the client gives up (or timeout_cap).")
    drop: Rate = Field(0.0, description="Close the connection without an answer.")
    truncate: Rate = Field(0.0, description="Send the headers and only half of the body, then close.")
    token_storm: Rate = Field(0.0, description="Expire every live token of the carrier first.")

    @field_validator("errors")
    @classmethod
    def _statuses(cls, v: dict[int, float]) -> dict[int, float]:
        for status in v:
            if status not in FAULT_STATUSES:
                raise ValueError(
                    f"status {status} cannot be injected (use {', '.join(map(str, FAULT_STATUSES))})"
                )
        return v

    @model_validator(mode="after")
    def _at_most_one(self) -> HttpFaults:
        total = sum(self.errors.values()) + self.timeout + self.drop + self.truncate
        if total > 1 + 1e-9:
            raise ValueError(f"errors + timeout + drop + truncate rates sum to {total:g}, more than 1")
        return self


class RateLimit(StrictModel):
    """Limits per client credential (a token's client id, an API key; per address on token routes)."""

    preset: str | None = Field(None, description=_preset_help())
    per_second: float | None = Field(
        None, ge=0.001, le=1_000_000, description="Token bucket refill, requests per second."
    )
    burst: int | None = Field(
        None, ge=1, le=1_000_000, description="Token bucket size (default: per_second rounded up)."
    )
    window: duration_between(0, DAY, above=True, short=True, nullable=True) = Field(  # type: ignore[valid-type]
        None, description="Fixed window length, e.g. '10s' or '1h'."
    )
    window_limit: int | None = Field(None, ge=1, le=10**9, description="Requests allowed per window.")
    daily: int | None = Field(
        None, ge=1, le=10**9, description="Requests per sandbox day (resets 00:00 UTC)."
    )
    routes: list[Literal["token", "track", "other"]] = Field(
        default_factory=lambda: ["track", "other"], description="Route classes counted and limited."
    )
    retry_after: bool | None = Field(None, description="Send Retry-After on 429 (default: as the carrier).")
    endpoints: dict[str, Annotated[float, Field(ge=0.001, le=1_000_000)]] = Field(
        default_factory=dict,
        description="For carriers that limit each endpoint apart (Ship24): endpoint -> requests per "
        "second of its own bucket; an endpoint not listed gets per_second.",
    )

    @model_validator(mode="after")
    def _window(self) -> RateLimit:
        if (self.window is None) != (self.window_limit is None):
            raise ValueError("window and window_limit go together")
        return self

    def resolved(self, carrier: str) -> RateLimit:
        """The preset's values (the carrier's published limits) with this config's own on top."""
        base = presets_of(carrier).get(self.preset, {}) if self.preset else {}
        own = self.model_dump(exclude_unset=True, exclude_none=True, exclude={"preset"})
        return RateLimit.model_validate({**base, **own})

    @property
    def limits_anything(self) -> bool:
        return any(x is not None for x in (self.per_second, self.window_limit, self.daily))


class LateScans(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels with one scan shown late.")
    delay: ScanShift = Field(6 * 3600, description="How long after its usual visibility the scan shows.")


class CorrectedDelivery(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels shown a false DELIVERED when out for delivery.")
    after: ScanShift = Field(4 * 3600, description="How long the false DELIVERED shows before correction.")
    replace_with: Literal["DELIVERY_ATTEMPTED", "EXCEPTION", "OUT_FOR_DELIVERY"] | None = Field(
        None, description="What the correction shows in its place; null removes it."
    )


class StaleTracker(StrictModel):
    rate: Rate = Field(0.0, description="Share of parcels whose tracking freezes.")
    duration: ScanShift = Field(3 * 86400, description="How long no new scan shows (then all at once).")


class ScanFaults(StrictModel):
    """Per parcel, decided by a hash of (seed, tracking number, fault): the same parcel always shows
    the same fault. Changes only what carriers show, never the truth."""

    carriers: list[str] = Field(default_factory=list, description="Carriers affected; empty: all.")
    duplicate: Rate = Field(0.0, description="Share of parcels with one scan shown twice.")
    out_of_order: Rate = Field(0.0, description="Share of parcels with two adjacent scans swapped.")
    missing: Rate = Field(0.0, description="Share of parcels with one middle scan never shown.")
    late: Annotated[LateScans, BeforeValidator(_rate_only)] = Field(default_factory=LateScans)
    corrected_delivery: Annotated[CorrectedDelivery, BeforeValidator(_rate_only)] = Field(
        default_factory=CorrectedDelivery
    )
    stale: Annotated[StaleTracker, BeforeValidator(_rate_only)] = Field(default_factory=StaleTracker)

    @field_validator("carriers")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        for carrier in v:
            if carrier not in registry.KEYS:
                raise ValueError(f"unknown carrier {carrier!r} (known: {', '.join(registry.KEYS)})")
        return v

    @property
    def active(self) -> bool:
        return any(
            (
                self.duplicate,
                self.out_of_order,
                self.missing,
                self.late.rate,
                self.corrected_delivery.rate,
                self.stale.rate,
            )
        )


class FaultsConfig(StrictModel):
    """Everything off by default. Changed at runtime with ``PUT /_sandbox/faults``."""

    http: dict[str, dict[str, HttpFaults]] = Field(
        default_factory=dict,
        description="carrier (or '*') -> route (token, track, other or '*') -> faults; most specific wins.",
    )
    rate_limits: dict[str, Annotated[RateLimit, BeforeValidator(_preset_only)]] = Field(
        default_factory=dict, description="carrier -> limits ('starter', or {preset, per_second, ...})."
    )
    scan: ScanFaults = Field(default_factory=ScanFaults)
    timeout_cap: duration_between(0, MAX_TIMEOUT_CAP_S, above=True, short=True) = Field(  # type: ignore[valid-type]
        120, description="A timeout fault answers 504 after this long."
    )

    @field_validator("http")
    @classmethod
    def _http_keys(cls, v: dict[str, dict[str, HttpFaults]]) -> dict[str, dict[str, HttpFaults]]:
        for carrier, routes in v.items():
            if carrier != "*" and carrier not in registry.KEYS:
                raise ValueError(
                    f"unknown carrier {carrier!r} (use '*' or one of {', '.join(registry.KEYS)})"
                )
            for route in routes:
                if route != "*" and route not in FAULT_ROUTES:
                    raise ValueError(
                        f"{carrier}: unknown route {route!r} (use '*' or one of {', '.join(FAULT_ROUTES)})"
                    )
        return v

    @field_validator("rate_limits")
    @classmethod
    def _limit_keys(cls, v: dict[str, RateLimit]) -> dict[str, RateLimit]:
        for carrier, limit in v.items():
            if carrier not in registry.KEYS:
                raise ValueError(f"unknown carrier {carrier!r} (known: {', '.join(registry.KEYS)})")
            presets = presets_of(carrier)
            if limit.preset is not None and limit.preset not in presets:
                known = ", ".join(presets) or "none: it publishes no limits"
                raise ValueError(f"{carrier}: unknown preset {limit.preset!r} (known: {known})")
            names = registry.spec(carrier).endpoints
            for endpoint in limit.endpoints:
                if endpoint not in names:
                    known = ", ".join(names) or "none: it limits its API as a whole"
                    raise ValueError(f"{carrier}: unknown endpoint {endpoint!r} (known: {known})")
        return v


def scenario_faults(scenario: Scenario) -> FaultsConfig:
    """The scenario's ``faults:`` section as a ``FaultsConfig``; a mistake raises
    ``sim.scenario.ScenarioError`` with one ``file:line:col: faults.field: message`` per problem."""
    return scenario.faults.validate(FaultsConfig)
