"""How many parcels, and when they are ordered: parcels per day, the hourly curve, the weekday
mix, peak windows and the share of customer returns.

``DemandConfig.peak_parcels_per_day`` is the demand process's ceiling rate, which bounds its work
(``sim.scenario.model`` holds a run to ``MAX_DEMAND_DRAWS``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from sim.fields import Instant, StrictModel
from sim.scenario.defaults import DEFAULT_DAILY_CURVE, DEFAULT_WEEKDAY_WEIGHTS
from sim.scenario.types import WEEKDAYS, Weekday

#: Largest parcels_per_day, and the largest demand multiplier (peak_multiplier, a peak window).
MAX_PARCELS_PER_DAY = 1_000_000
MAX_MULTIPLIER = 100.0
#: Largest relative weight in a daily curve or weekday mix.
MAX_WEIGHT = 1_000_000.0
MAX_PEAKS = 100

Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]


class PeakWindow(StrictModel):
    start: Instant
    end: Instant
    multiplier: float = Field(gt=0, le=MAX_MULTIPLIER, description="Volume multiplier inside the window.")

    @model_validator(mode="after")
    def _ordered(self) -> PeakWindow:
        if self.end <= self.start:
            raise ValueError("a peak window ends after it starts")
        return self


class DemandConfig(StrictModel):
    parcels_per_day: float = Field(
        gt=0, le=MAX_PARCELS_PER_DAY, description="Average parcels created per day."
    )
    daily_curve: list[Weight] = Field(
        default_factory=lambda: list(DEFAULT_DAILY_CURVE),
        description="24 relative weights, one per local hour.",
    )
    weekday_weights: dict[Weekday, Weight] = Field(
        default_factory=lambda: dict(DEFAULT_WEEKDAY_WEIGHTS),
        description="Relative volume per weekday.",
    )
    peak_multiplier: float = Field(
        1.0, gt=0, le=MAX_MULTIPLIER, description="Volume multiplier over the whole run."
    )
    returns_share: float = Field(
        0.0, ge=0, le=1, description="Share of parcels that are customer returns to the merchant."
    )
    peaks: list[PeakWindow] = Field(
        default_factory=list, max_length=MAX_PEAKS, description="Windows of extra volume."
    )

    @field_validator("daily_curve")
    @classmethod
    def _curve(cls, v: list[float]) -> list[float]:
        if len(v) != 24:
            raise ValueError(f"daily_curve needs 24 hourly weights, got {len(v)}")
        if any(x < 0 for x in v) or sum(v) <= 0:
            raise ValueError("daily_curve weights must be non-negative and not all zero")
        return v

    @field_validator("weekday_weights")
    @classmethod
    def _weekdays(cls, v: dict[str, float]) -> dict[str, float]:
        if len(v) == len(WEEKDAYS) and not any(v.values()):
            raise ValueError("weekday_weights cannot all be zero")
        return v

    def peak_parcels_per_day(self) -> float:
        """The demand process's ceiling rate, per day: it draws candidates at this rate and keeps
        each with probability rate/ceiling (``sim.processes.demand``), so this bounds its work."""
        hourly_peak = max(self.daily_curve) * 24 / sum(self.daily_curve)
        week = [self.weekday_weights.get(k, 1.0) for k in WEEKDAYS]
        weekday_peak = max(week) * 7 / sum(week)
        peak_max = max([1.0] + [p.multiplier for p in self.peaks])
        return self.parcels_per_day * self.peak_multiplier * hourly_peak * weekday_peak * peak_max
