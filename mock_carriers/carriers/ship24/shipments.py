"""Finding a shipment in the world as Ship24 would: the courier detected from the number (or
hinted), the carrier's events as that carrier shows them, a partner's events joined in where the
carrier named the partner's number, and only what Ship24's polls have reached (``lag``).

Ship24 merges the events of every number of one shipment into its timeline, each with its own
``eventTrackingNumber`` and courier [SPEC tracking example: two numbers, two couriers]; the
sandbox's carriers name the partner's number on their hand-over scan (``details.partner``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_carriers.world.context import ParcelView, WorldContext
from sim.events import EventCode

from . import couriers, lag
from .render import Found


def _view(ctx: WorldContext, carrier: str, number: str, now: datetime) -> ParcelView | None:
    view = ctx.lookup_in(carrier, number, now)
    if view is None and number.upper() != number:
        view = ctx.lookup_in(carrier, number.upper(), now)
    return view


def _partner(event_details: dict[str, Any]) -> tuple[str, str] | None:
    partner = event_details.get("partner")
    if isinstance(partner, dict):
        carrier, number = partner.get("carrier"), partner.get("tracking_number")
        if isinstance(carrier, str) and isinstance(number, str) and carrier in couriers.BY_CARRIER:
            return carrier, number
    return None


def find(
    ctx: WorldContext,
    number: str,
    hints: list[str],
    restrict: bool,
    now: datetime,
    fetched_at: float | None,
    lagged: bool = True,
) -> Found | None:
    """The shipment under ``number`` as Ship24 shows it at ``now``, or None when no candidate
    courier has it. ``fetched_at``: when the tracker first fetched it; ``lagged=False``: a
    synchronous per-call fetch, which sees what the carriers show right now."""
    for carrier in couriers.candidates(number, hints, restrict):
        view = _view(ctx, carrier, number, now)
        if view is None:
            continue
        joined = [(e, couriers.BY_CARRIER[carrier]) for e in view.events]
        for event in view.events:
            partner = _partner(event.details) if event.code == EventCode.HANDED_TO_PARTNER else None
            other = _view(ctx, partner[0], partner[1], now) if partner else None
            if partner and other is not None:
                joined += [(e, couriers.BY_CARRIER[partner[0]]) for e in other.events]
        joined.sort(key=lambda pair: (datetime.fromisoformat(pair[0].occurred_at).timestamp(), pair[0].seq))
        if lagged:
            ts = now.timestamp()
            joined = [pair for pair in joined if lag.shown(pair[0], ts, fetched_at)]
        return Found(view.tracking_number, carrier, view.service, joined, view.truth)
    return None
