"""The load shapes' arithmetic, free of locust: users at second ``t`` of each shape, and the step
ramp's knee finder. The shape classes in this package only read options and call these."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The baseline scenario's hourly order weights (``sim.scenario.DEFAULT_DAILY_CURVE``, copied so a
#: load generator needs no simulation installed; tests/test_loadtests.py keeps the two equal).
BASELINE_DAILY_CURVE: tuple[float, ...] = (
    1.2, 0.8, 0.5, 0.4, 0.4, 0.6, 1.5, 2.8, 4.0, 5.2, 5.8, 6.0,
    6.0, 5.9, 5.8, 5.7, 5.6, 5.6, 5.8, 6.2, 6.4, 5.8, 4.2, 2.2,
)  # fmt: skip


def parse_curve(text: str) -> tuple[float, ...]:
    """24 comma-separated non-negative hourly weights, not all zero."""
    try:
        weights = tuple(float(x) for x in text.split(","))
    except ValueError:
        raise ValueError(f"--daily-curve needs 24 comma-separated numbers, got {text!r}") from None
    if len(weights) != 24:
        raise ValueError(f"--daily-curve needs 24 hourly weights, got {len(weights)}")
    if any(w < 0 or not math.isfinite(w) for w in weights) or not any(weights):
        raise ValueError("--daily-curve weights must be finite, non-negative and not all zero")
    return weights


def daily_users(t: float, day_seconds: float, curve: Sequence[float], peak_users: int) -> int | None:
    """Users at second ``t`` of a day compressed into ``day_seconds``: the curve's weight at that
    hour (linear between hours) relative to its busiest hour, times ``peak_users``; at least one
    user; ``None`` once the day is over."""
    if t >= day_seconds:
        return None
    hour = 24.0 * max(0.0, t) / day_seconds
    i = int(hour)
    weight = curve[i] + (curve[(i + 1) % 24] - curve[i]) * (hour - i)
    return max(1, round(peak_users * weight / max(curve)))


def spike_users(
    t: float, base: int, multiplier: float, warmup_s: float, hold_s: float, cooldown_s: float
) -> int | None:
    """Cyber Monday: ordinary load, then at once ``multiplier`` times as many users for ``hold_s``,
    then ordinary load again to see whether the system recovers; ``None`` at the end."""
    if t < warmup_s:
        return base
    if t < warmup_s + hold_s:
        return max(base, round(base * multiplier))
    if t < warmup_s + hold_s + cooldown_s:
        return base
    return None


def step_users(t: float, step: int, step_s: float, max_users: int) -> int | None:
    """Step ramp: ``step`` users for the first ``step_s`` seconds, ``2 × step`` for the next …,
    up to ``max_users``; ``None`` after the last step."""
    users = (int(t // step_s) + 1) * step
    return users if users <= max_users else None


# --------------------------------------------------------------------------------------------
# The knee


@dataclass(frozen=True)
class StepResult:
    users: int
    seconds: float
    requests: int
    failures: int
    p95_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0


def counts_between(after: Mapping[int, int], before: Mapping[int, int]) -> dict[int, int]:
    """Response-time histogram of one step: locust's cumulative histogram now minus at step start."""
    return {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0) > 0}


def percentile(counts: Mapping[int, int], q: float) -> float:
    """The ``q`` percentile (0–1) of a {response time ms: count} histogram; 0 when empty."""
    total = sum(counts.values())
    if total == 0:
        return 0.0
    rank = q * total
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return float(value)
    return float(max(counts))


def find_knee(steps: Sequence[StepResult], gain: float = 0.5, latency: float = 2.0) -> int | None:
    """Index of the first step past the knee: where the throughput the added users bring falls below
    ``gain`` of what the first step's users each brought, or p95 grows past ``latency`` × the first
    step's. ``None`` when every step still scaled (the knee is beyond the ramp)."""
    if len(steps) < 2 or steps[0].users <= 0:
        return None
    per_user = steps[0].rps / steps[0].users
    base_p95 = steps[0].p95_ms
    for i in range(1, len(steps)):
        added = steps[i].users - steps[i - 1].users
        marginal = (steps[i].rps - steps[i - 1].rps) / added if added > 0 else 0.0
        if per_user > 0 and marginal < gain * per_user:
            return i
        if base_p95 > 0 and steps[i].p95_ms > latency * base_p95:
            return i
    return None


def knee_table(steps: Sequence[StepResult], knee: int | None) -> str:
    """The step ramp's report: one line a step, the knee marked."""
    lines = ["users  seconds  requests  failures     req/s   p95 ms"]
    for i, s in enumerate(steps):
        mark = "  <- past the knee" if i == knee else ""
        row = f"{s.users:5d}  {s.seconds:7.1f}  {s.requests:8d}  {s.failures:8d}  {s.rps:8.1f}"
        lines.append(f"{row}  {s.p95_ms:7.0f}{mark}")
    if knee is None:
        lines.append("no knee within the ramp: raise --step-max-users")
    else:
        last = steps[knee - 1]
        lines.append(f"knee: about {last.users} users, {last.rps:.0f} req/s (p95 {last.p95_ms:.0f} ms)")
    return "\n".join(lines)
