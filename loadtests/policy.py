"""How the simulated people and pollers behave, as pure functions (no locust, no I/O).

Everything a user class decides — how soon to look again at a parcel given what it last showed, how
long to back off after a 429, how to batch FedEx numbers, when a token is due for refresh, whether a
run passed its thresholds — lives here, so pytest can check it without importing locust.

Intervals are in *real* seconds (what a person or a production poller would wait) and are divided by
a time scale: a sandbox clock running at 3600× makes "every three hours" every three seconds.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Any

CARRIERS: tuple[str, ...] = ("ups", "fedex", "dhl", "usps", "amazon", "dpd")
FEDEX_BATCH = 30  # FedEx Track takes at most 30 numbers a call
DEFAULT_TIME_SCALE = 3600.0  # when the sandbox clock is frozen: an hour of cadence per wall second
MAX_RETRY_AFTER_S = 120.0  # a server asking for longer is treated as asking for this long


class Phase(StrEnum):
    """What a tracking page or carrier response says, as coarse as a person reads it."""

    PRE_TRANSIT = "pre_transit"
    IN_TRANSIT = "in_transit"
    NEAR = "near"  # at the delivery station: out for delivery soon
    OUT_FOR_DELIVERY = "out_for_delivery"
    ATTENTION = "attention"  # exception, delay, failed attempt, customs, waiting at a pickup point
    DONE = "done"  # delivered, collected, or back with the sender: nothing more to watch
    NOT_FOUND = "not_found"  # the carrier does not know the number (yet)


#: The sandbox's canonical event codes (``sim.events.EventCode``) by phase. Spelled out rather than
#: imported: load generators talk HTTP and may run on machines without the simulation installed.
CANONICAL_PHASE: dict[str | None, Phase] = {
    None: Phase.PRE_TRANSIT,
    "LABEL_CREATED": Phase.PRE_TRANSIT,
    "PICKED_UP": Phase.IN_TRANSIT,
    "ARRIVED_AT_FACILITY": Phase.IN_TRANSIT,
    "PROCESSED_AT_FACILITY": Phase.IN_TRANSIT,
    "DEPARTED_FACILITY": Phase.IN_TRANSIT,
    "IN_TRANSIT": Phase.IN_TRANSIT,
    "CUSTOMS_CLEARED": Phase.IN_TRANSIT,
    "HANDED_TO_PARTNER": Phase.IN_TRANSIT,
    "RETURN_TO_SENDER": Phase.IN_TRANSIT,
    "DELIVERY_RESCHEDULED": Phase.IN_TRANSIT,
    "ARRIVED_AT_DELIVERY_STATION": Phase.NEAR,
    "OUT_FOR_DELIVERY": Phase.OUT_FOR_DELIVERY,
    "DELIVERY_ATTEMPTED": Phase.ATTENTION,
    "AVAILABLE_FOR_PICKUP": Phase.ATTENTION,
    "EXCEPTION": Phase.ATTENTION,
    "DELAYED": Phase.ATTENTION,
    "CUSTOMS_HOLD": Phase.ATTENTION,
    "DELIVERED": Phase.DONE,
    "PICKED_UP_BY_RECIPIENT": Phase.DONE,
    "RETURNED_TO_SENDER": Phase.DONE,
}

HOUR = 3600.0

#: A shopper refreshes the tracking page more often the closer the parcel is, and stops once it is
#: delivered (``None``). Not-found means a mistyped number or a label not scanned yet.
SHOPPER_INTERVAL_S: dict[Phase, float | None] = {
    Phase.PRE_TRANSIT: 12 * HOUR,
    Phase.IN_TRANSIT: 6 * HOUR,
    Phase.NEAR: 2 * HOUR,
    Phase.OUT_FOR_DELIVERY: 10 * 60.0,
    Phase.ATTENTION: 1 * HOUR,
    Phase.NOT_FOUND: 30 * 60.0,
    Phase.DONE: None,
}

#: An aggregator polls each parcel on a schedule by status, as AfterShip-style services do: hours
#: apart in transit, minutes apart on the delivery day, never again once delivered.
AGGREGATOR_INTERVAL_S: dict[Phase, float | None] = {
    Phase.PRE_TRANSIT: 6 * HOUR,
    Phase.IN_TRANSIT: 3 * HOUR,
    Phase.NEAR: 1 * HOUR,
    Phase.OUT_FOR_DELIVERY: 15 * 60.0,
    Phase.ATTENTION: 1 * HOUR,
    Phase.NOT_FOUND: 4 * HOUR,
    Phase.DONE: None,
}

#: Polls of a number the carrier keeps not knowing before an aggregator drops it.
AGGREGATOR_NOT_FOUND_LIMIT = 4


def canonical_phase(status: str | None) -> Phase:
    """The phase of a canonical status (an unknown code counts as in transit: keep watching)."""
    return CANONICAL_PHASE.get(status, Phase.IN_TRANSIT)


def next_delay(
    phase: Phase, table: dict[Phase, float | None], time_scale: float, rng: random.Random
) -> float | None:
    """Wall seconds until the next look at a parcel in ``phase`` (±20 % jitter, so users that
    started together drift apart), or ``None`` when there is nothing more to look at."""
    interval = table[phase]
    if interval is None:
        return None
    return interval / time_scale * rng.uniform(0.8, 1.2)


def resolve_time_scale(option: float, clock: dict[str, Any] | None) -> float:
    """The time scale to use: the option when set (> 0), else the sandbox clock's speed when it runs
    in realtime (the users then live on the sandbox's clock), else ``DEFAULT_TIME_SCALE``."""
    if option > 0:
        return option
    if clock and clock.get("mode") == "realtime" and float(clock.get("speed") or 0) > 0:
        return float(clock["speed"])
    return DEFAULT_TIME_SCALE


def retry_after_seconds(value: str | None, default: float, now: datetime | None = None) -> float:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP-date, RFC 9110
    §10.2.3), clamped to [0, MAX_RETRY_AFTER_S]; ``default`` when absent or unreadable. ``now``
    should be the response's ``Date`` so that clock skew with the server does not matter."""
    if value is None or not value.strip():
        return min(default, MAX_RETRY_AFTER_S)
    text = value.strip()
    if text.isdigit():
        return min(float(text), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return min(default, MAX_RETRY_AFTER_S)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    return max(0.0, min((when - reference).total_seconds(), MAX_RETRY_AFTER_S))


def http_date(value: str | None) -> datetime | None:
    """A response's ``Date`` header as an aware datetime, or ``None``."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def batches(items: Sequence[str], size: int) -> Iterator[list[str]]:
    """Consecutive chunks of at most ``size`` items."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def token_refresh_due(issued_at: float, expires_in: float) -> float:
    """When to fetch a new token: a minute before expiry, or at 90 % of a short lifetime."""
    return issued_at + expires_in - min(60.0, 0.1 * expires_in)


def mistype(number: str) -> str:
    """A tracking number as someone mistyped it: the last digit off by one (the check digit then
    fails, so it cannot be another real parcel's number)."""
    if number and number[-1].isdigit():
        return number[:-1] + str((int(number[-1]) + 1) % 10)
    return number + "0"


_PAGE_PATTERNS: tuple[tuple[re.Pattern[str], Phase], ...] = (
    (re.compile(r"out[\s_-]*for[\s_-]*delivery|outfordelivery|with courier", re.I), Phase.OUT_FOR_DELIVERY),
    (re.compile(r"not[\s_-]*delivered|undeliver", re.I), Phase.ATTENTION),
    (re.compile(r"delivered|picked[\s_-]*up[\s_-]*by[\s_-]*recipient", re.I), Phase.DONE),
    (
        re.compile(r"exception|delay|attempt|customs|ready for pickup|available for pickup", re.I),
        Phase.ATTENTION,
    ),
    (re.compile(r"delivery[\s_-]*station|arrived at (the )?post office|local facility", re.I), Phase.NEAR),
    (re.compile(r"label[\s_-]*created|pre[\s_-]*(transit|shipment)", re.I), Phase.PRE_TRANSIT),
)


def page_phase(text: str) -> Phase:
    """What a shopper reads on a tracking page: the JSON ``status`` field when the page is JSON
    with one (canonical codes first, then free text), else the page's words. A page that says
    nothing recognisable reads as "in transit" — the shopper will simply come back later."""
    status: Any = None
    stripped = text.lstrip()
    if stripped[:1] == "{":
        try:
            status = json.loads(stripped).get("status")
        except (ValueError, AttributeError):
            status = None
    if isinstance(status, str) and status in CANONICAL_PHASE:
        return CANONICAL_PHASE[status]
    haystack = status if isinstance(status, str) else text
    for pattern, phase in _PAGE_PATTERNS:
        if pattern.search(haystack):
            return phase
    return Phase.IN_TRANSIT


# --------------------------------------------------------------------------------------------
# Pass/fail thresholds


@dataclass(frozen=True)
class Thresholds:
    """Limits a run must stay within; ``None`` means "not checked"."""

    max_fail_ratio: float | None = None
    max_p95_ms: float | None = None
    max_p99_ms: float | None = None

    def breaches(self, requests: int, fail_ratio: float, p95_ms: float, p99_ms: float) -> list[str]:
        """One line per broken limit; empty when the run passes. A run that made no request at all
        fails whenever any limit is set: there is nothing to vouch for."""
        if not any(x is not None for x in (self.max_fail_ratio, self.max_p95_ms, self.max_p99_ms)):
            return []
        if requests == 0:
            return ["no requests were made"]
        out: list[str] = []
        if self.max_fail_ratio is not None and fail_ratio > self.max_fail_ratio:
            out.append(f"failure ratio {fail_ratio:.4f} > {self.max_fail_ratio:g}")
        if self.max_p95_ms is not None and p95_ms > self.max_p95_ms:
            out.append(f"p95 {p95_ms:g} ms > {self.max_p95_ms:g} ms")
        if self.max_p99_ms is not None and p99_ms > self.max_p99_ms:
            out.append(f"p99 {p99_ms:g} ms > {self.max_p99_ms:g} ms")
        return out


def seeded_rng(*parts: object) -> random.Random:
    """A ``random.Random`` seeded from the parts' text (str seeds hash with SHA-512: stable across
    processes and machines, unlike ``hash()``)."""
    return random.Random(":".join(str(p) for p in parts))


def option_problems(options: dict[str, Any]) -> list[str]:
    """What is wrong with our custom command-line options (``vars(parsed_options)``), one line each,
    so a bad value stops the run with a sentence instead of a traceback halfway through it."""
    from loadtests.shapes.curves import parse_curve

    problems: list[str] = []
    positive = ("day_minutes", "peak_users", "step_users", "step_seconds", "step_max_users", "pool_size")
    for name in (*positive, "watchlist", "spike_base_users", "spike_multiplier"):
        value = options.get(name)
        if value is not None and value <= 0:
            problems.append(f"--{name.replace('_', '-')} must be positive (got {value:g})")
    for name in ("time_scale", "spike_warmup_s", "spike_hold_s", "spike_cooldown_s"):
        value = options.get(name)
        if value is not None and value < 0:
            problems.append(f"--{name.replace('_', '-')} cannot be negative (got {value:g})")
    for name in ("max_fail_ratio", "max_p95_ms", "max_p99_ms"):
        value = options.get(name)
        if value is not None and value < 0:
            problems.append(f"--{name.replace('_', '-')} cannot be negative (got {value:g})")
    share = options.get("typo_share")
    if share is not None and not 0 <= share <= 1:
        problems.append(f"--typo-share must be between 0 and 1 (got {share:g})")
    carriers = [c.strip() for c in str(options.get("carriers") or ",".join(CARRIERS)).split(",") if c.strip()]
    unknown = [c for c in carriers if c not in CARRIERS]
    if unknown or not carriers:
        problems.append(
            f"--carriers: unknown {', '.join(unknown) or '(none given)'}; use {', '.join(CARRIERS)}"
        )
    template = str(options.get("tracker_url_template") or "")
    if template:
        if "{tracking_number}" not in template or not template.startswith(("http://", "https://")):
            problems.append("--tracker-url-template must be an http(s) URL containing {tracking_number}")
        else:
            try:
                template.format(tracking_number="X", carrier="ups")
            except (KeyError, IndexError, ValueError):
                problems.append(
                    "--tracker-url-template may contain no placeholder but {tracking_number} and {carrier}"
                )
    if options.get("status_map"):
        from loadtests.correctness import parse_status_map

        try:
            parse_status_map(str(options["status_map"]))
        except ValueError as exc:
            problems.append(str(exc))
    tolerance = options.get("truth_tolerance")
    if tolerance is not None and not tolerance >= 0:
        problems.append(f"--truth-tolerance cannot be negative (got {tolerance:g})")
    if options.get("daily_curve"):
        try:
            parse_curve(str(options["daily_curve"]))
        except ValueError as exc:
            problems.append(str(exc))
    return problems
