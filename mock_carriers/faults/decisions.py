"""What happens to one request: the per-request draws of HTTP fault injection, each a small pure
function of one uniform number, so a seeded stream advanced once per request meets the same faults
in the same order."""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

from mock_carriers.faults.config import HttpFaults, Latency

Outcome = Literal["pass", "error", "timeout", "drop", "truncate"]


@dataclass(slots=True, frozen=True)
class Decision:
    outcome: Outcome = "pass"
    status: int = 0
    latency: float = 0.0
    storm: bool = False


PASS = Decision()


@dataclass(slots=True)
class Streams:
    """Independent streams, so that changing the latency does not reshuffle the errors."""

    outcome: random.Random
    latency: random.Random
    storm: random.Random


def seeded_stream(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256(":".join((str(seed), "faults", *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


_STANDARD_NORMAL = NormalDist()


def sample_latency(latency: Latency, u: float) -> float:
    """One latency from one uniform draw (inverse CDF), so each request consumes exactly one."""
    if latency.dist == "fixed":
        value = latency.value
    elif latency.dist == "uniform":
        value = latency.low + u * (latency.high - latency.low)
    else:
        z = _STANDARD_NORMAL.inv_cdf(min(max(u, 1e-12), 1 - 1e-12))
        value = latency.median * math.exp(latency.sigma * z)
    return min(value, latency.max)


def choose_outcome(rule: HttpFaults, u: float) -> tuple[Outcome, int]:
    """Bands of [0, 1): error statuses in ascending order, then timeout, drop, truncate."""
    acc = 0.0
    for status in sorted(rule.errors):
        acc += rule.errors[status]
        if u < acc:
            return "error", status
    for outcome, rate in (("timeout", rule.timeout), ("drop", rule.drop), ("truncate", rule.truncate)):
        acc += rate
        if u < acc:
            return outcome, 0  # type: ignore[return-value]
    return "pass", 0
