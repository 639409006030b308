"""The sandbox's control plane as the load test needs it: health, the clock, and a pool of tracking
numbers per carrier from ``GET /_sandbox/parcels`` (stdlib HTTP only, so it runs under gevent on a
locust worker as well as in pytest)."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from loadtests.policy import CARRIERS, Phase, canonical_phase

PAGE_LIMIT = 1000  # the control plane's largest page
MAX_PAGES = 10  # per carrier: enough to get past the oldest (delivered) parcels of a busy world


@dataclass(frozen=True)
class Parcel:
    tracking_number: str
    carrier: str
    status: str | None

    @property
    def phase(self) -> Phase:
        return canonical_phase(self.status)


@dataclass
class ParcelPool:
    """Tracking numbers to hand to users, per carrier: parcels still moving first (those are the
    ones people watch), then finished ones if there are too few."""

    by_carrier: dict[str, list[Parcel]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_carrier.values())

    def carriers(self) -> list[str]:
        return [c for c in CARRIERS if self.by_carrier.get(c)]

    def all(self) -> list[Parcel]:
        return [p for c in self.carriers() for p in self.by_carrier[c]]


def get_json(base: str, path: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    with urllib.request.urlopen(f"{base.rstrip('/')}{path}{query}", timeout=timeout) as response:
        return json.loads(response.read())


def post_json(base: str, path: str, body: dict[str, Any], timeout: float = 120) -> Any:
    request = urllib.request.Request(
        f"{base.rstrip('/')}{path}",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def health(base: str) -> dict[str, Any]:
    return get_json(base, "/_sandbox/health")


def clock(base: str) -> dict[str, Any]:
    return get_json(base, "/_sandbox/clock")


def set_clock(base: str, **change: Any) -> dict[str, Any]:
    """``POST /_sandbox/clock`` — e.g. ``advance="2d"`` or ``mode="realtime", speed=3600``."""
    return post_json(base, "/_sandbox/clock", change)


def fetch_pool(base: str, carriers: tuple[str, ...] = CARRIERS, per_carrier: int = 300) -> ParcelPool:
    """Up to ``per_carrier`` parcels of each carrier, paging ``/_sandbox/parcels`` by cursor."""
    pool = ParcelPool()
    for carrier in carriers:
        moving: list[Parcel] = []
        finished: list[Parcel] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"carrier": carrier, "limit": PAGE_LIMIT}
            if cursor:
                params["cursor"] = cursor
            page = get_json(base, "/_sandbox/parcels", params)
            for item in page["items"]:
                parcel = Parcel(item["tracking_number"], item["carrier"], item["status"])
                (finished if parcel.phase is Phase.DONE else moving).append(parcel)
            cursor = page.get("next")
            if not cursor or len(moving) >= per_carrier:
                break
        # Oldest first: the moving parcels that come first are the closest to their delivery day.
        pool.by_carrier[carrier] = (moving + finished)[:per_carrier]
    return pool
