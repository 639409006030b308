"""The webhook data: subscriptions and their retry and fault-injection settings, outbox rows, the
hub's configuration, and the error a refused subscription raises."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

Scope = Literal["all", "subscribed"]


class WebhookError(ValueError):
    """A subscription the sandbox refuses (answered with 400 and this message)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try again. Defaults follow TrackingMore's published schedule (30 s × 2ⁿ, 14
    retries after the first attempt; docs/realism.md §7)."""

    base_seconds: float = 30.0
    factor: float = 2.0
    max_seconds: float = 3 * 86400.0
    max_attempts: int = 15
    jitter: float = 0.2  # ± this fraction of each wait
    timeout_seconds: float = 10.0

    def delay(self, attempt: int, key: str) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based). The jitter is seeded by
        ``key`` (seed + delivery id), so a schedule is reproducible."""
        wait = min(self.max_seconds, self.base_seconds * self.factor ** min(attempt - 1, 60))
        u = random.Random(f"{key}:{attempt}").random()
        return wait * (1.0 + self.jitter * (2.0 * u - 1.0))


@dataclass(frozen=True, slots=True)
class Injection:
    """Faults a subscription asks for, as probabilities per delivery (seeded, reproducible)."""

    out_of_order: float = 0.0  # hold a delivery back until a later event of its parcel went
    duplicate: float = 0.0  # send an acknowledged delivery once more


@dataclass(frozen=True, slots=True)
class WebhookConfig:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: How often the dispatcher syncs the clock and looks for deliveries that are due.
    tick_seconds: float = 0.25
    #: httpcore's connection pool costs more per request as it grows; past ~8 concurrent requests
    #: throughput to one receiver falls (measured on loopback), so the default stays small.
    max_in_flight: int = 8
    #: Out-of-order injection: the longest a held delivery waits for its successor.
    reorder_hold_seconds: float = 30.0
    duplicate_delay_seconds: float = 0.2
    #: On shutdown, in-flight requests get this long before they are cancelled (and stay pending).
    stop_grace_seconds: float = 2.0
    #: The attempt log keeps this many newest rows (all subscriptions together): a soak run with a
    #: subscription must not grow without bound.
    attempt_log_limit: int = 100_000


@dataclass(slots=True)
class Subscription:
    id: str
    n: int
    url: str
    secret: str
    format: str  # "sandbox" or a carrier's webhook format (mock_carriers.webhooks.formats)
    carriers: tuple[str, ...]
    scope: Scope
    retry: RetryPolicy
    inject: Injection
    created_at: str  # sandbox instant; events visible before it are not sent

    @property
    def created_ts(self) -> float:
        return datetime.fromisoformat(self.created_at).timestamp()

    @property
    def ordered(self) -> bool:
        return self.inject.out_of_order <= 0.0

    def to_json(self) -> str:
        return json.dumps(
            {
                "url": self.url,
                "secret": self.secret,
                "format": self.format,
                "carriers": list(self.carriers),
                "scope": self.scope,
                "retry": asdict(self.retry),
                "inject": asdict(self.inject),
                "created_at": self.created_at,
            }
        )

    @classmethod
    def from_row(cls, sid: str, n: int, spec: str) -> Subscription:
        d = json.loads(spec)
        return cls(
            id=sid,
            n=n,
            url=d["url"],
            secret=d["secret"],
            format=d["format"],
            carriers=tuple(d["carriers"]),
            scope=d["scope"],
            retry=RetryPolicy(**d["retry"]),
            inject=Injection(**d["inject"]),
            created_at=d["created_at"],
        )

    def public(self) -> dict[str, Any]:
        """What the control plane shows: everything but the secret."""
        return {
            "id": self.id,
            "url": self.url,
            "format": self.format,
            "carriers": list(self.carriers),
            "scope": self.scope,
            "created_at": self.created_at,
            "retry": asdict(self.retry),
            "inject": asdict(self.inject),
        }


@dataclass(slots=True)
class Delivery:
    """One pending outbox row: one event for one subscription."""

    delivery_id: str
    subscription_id: str
    event_id: str
    tracking_number: str
    seq: int
    due_at: str  # the event's visible_at
    payload: str  # sandbox format: the event's JSON; a carrier format: the whole body
    attempts: int = 0
    next_attempt_at: float = 0.0  # wall clock (epoch seconds), so it means the same after a restart
    held: bool = False
