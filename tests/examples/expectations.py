"""What the reference tracker should say for what a carrier shows, written from the sandbox's side:
the canonical code (and reason) of the newest visible scan → the tracker words acceptable for it,
per carrier where the carrier's wire format says less (Amazon has no delay code, DHL Express
describes an event by its reason's text). Independent of the tracker's own mapping tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

MOVING = {"in_transit"}
BY_CODE: dict[str, set[str]] = {
    "LABEL_CREATED": {"label_created"},
    "PICKED_UP": MOVING,
    "ARRIVED_AT_FACILITY": MOVING,
    "PROCESSED_AT_FACILITY": MOVING,
    "DEPARTED_FACILITY": MOVING,
    "IN_TRANSIT": MOVING,
    "ARRIVED_AT_DELIVERY_STATION": MOVING,
    "HANDED_TO_PARTNER": MOVING,
    "CUSTOMS_CLEARED": MOVING,
    "OUT_FOR_DELIVERY": {"out_for_delivery"},
    "DELIVERY_ATTEMPTED": {"failed_attempt"},
    "DELIVERED": {"delivered"},
    "PICKED_UP_BY_RECIPIENT": {"delivered"},
    "AVAILABLE_FOR_PICKUP": {"available_for_pickup"},
    "DELAYED": {"delayed"},
    "DELIVERY_RESCHEDULED": {"delayed"},
    "CUSTOMS_HOLD": {"exception"},
    "RETURN_TO_SENDER": {"returning"},
    "RETURNED_TO_SENDER": {"returned"},
}
LABEL_BEFORE_SCAN = {"amazon", "dpd"}
DELAY_REASONS = {"weather", "missed_connection", "hub_backlog", "hub_outage", "breakdown"}
BY_REASON: dict[str, set[str]] = {
    **{r: {"delayed"} for r in DELAY_REASONS},
    "lost": {"lost", "exception"},
    "address_issue": {"exception", "failed_attempt"},
    "recipient_unavailable": {"failed_attempt", "exception"},
    "no_access": {"failed_attempt", "exception"},
    "refused": {"failed_attempt", "exception"},
    "damaged": {"exception", "failed_attempt"},
    "customs_hold": {"exception"},
    "unclaimed": {"exception", "returning"},
}
# What a carrier's wire format cannot say (docs/carriers/<carrier>.md).
CARRIER_OVERRIDES: dict[str, dict[str, set[str]]] = {
    # Shipping v2 has no delay, customs or reschedule codes: all read "ArrivedAtCarrierFacility".
    "amazon": {c: MOVING for c in ("DELAYED", "DELIVERY_RESCHEDULED", "CUSTOMS_HOLD")},
    # Express "Shipment is on hold" is customs and generic exceptions alike.
    "dhl": {},
    # DPD's Consolidation is a new delivery day; Customs covers hold and release by its text.
    "dpd": {},
}


def acceptable(carrier: str, event: dict[str, Any]) -> set[str]:
    code, reason = event["code"], event.get("reason")
    override = CARRIER_OVERRIDES.get(carrier, {}).get(code)
    if override is not None:
        return set(override)
    if code == "EXCEPTION":
        if carrier == "amazon" and reason in DELAY_REASONS | {"customs_hold"}:
            return set(MOVING)  # no code for it: Amazon shows the parcel as still moving
        return set(BY_REASON.get(reason or "", {"exception"}))
    if code in ("DELIVERY_ATTEMPTED", "RETURN_TO_SENDER", "DELIVERY_RESCHEDULED") and reason:
        # A reason-driven attempt, return or reschedule may be told by its reason (UPS, DHL, Hermes).
        return BY_CODE[code] | BY_REASON.get(reason, set())
    return set(BY_CODE[code])


def expected_statuses(
    carrier: str, events: list[dict[str, Any]], now: datetime, silence: timedelta
) -> set[str]:
    """Tracker words acceptable for a parcel whose visible events are ``events`` at ``now``."""
    if not events:
        # Amazon and DPD answer for a label before its first visible scan (PreTransit / no statusInfo).
        return {"pending", "label_created"} if carrier in LABEL_BEFORE_SCAN else {"pending"}
    newest = max(datetime.fromisoformat(e["occurred_at"]) for e in events)
    group = [e for e in events if datetime.fromisoformat(e["occurred_at"]) == newest]
    out = acceptable(carrier, group[-1])
    if group[-1]["code"] == "DELIVERY_RESCHEDULED" and any(e["code"] == "DELIVERY_ATTEMPTED" for e in group):
        out.add("failed_attempt")  # the attempt the reschedule follows from
    if out & MOVING and any(e["code"] == "RETURN_TO_SENDER" for e in events):
        out.add("returning")  # the way back
    if now - newest >= silence and not out & {
        "delivered",
        "returned",
        "available_for_pickup",
        "label_created",
    }:
        out.add("lost_suspected")
    return out


def shown_events(carrier: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events the carrier's wire shows. DHL Express says "no further tracking updates expected"
    when it forwards a parcel and shows nothing after (dhl/FIDELITY.md); DHL eCommerce (US, handed
    to USPS) and Parcel DE (from Germany) go on showing the partner's scans."""
    if carrier != "dhl" or not events:
        return events
    origin = events[0]["location"]["country"]
    for i, event in enumerate(events):
        if event["code"] == "HANDED_TO_PARTNER":
            partner = ((event.get("details") or {}).get("partner") or {}).get("carrier")
            if origin == "DE" or (origin == "US" and partner == "usps"):
                return events
            return events[: i + 1]
    return events
