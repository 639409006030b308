"""Whether a parcel's truth and its carrier-visible scans tell a pinned story: ``untold(story, …)``
lists what is missing (empty when the story is told).

Written against the truth's fate and incident fields and the canonical statuses (``sim.status``),
not against one exception mechanic's exact scan sequence, so it holds while those mechanics move
(a refusal returned at once, a hold after a failed attempt, an address held for correction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sim.events import EventCode, ScanEvent
from sim.profiles import PROFILES
from sim.status import Status, current_status


def statuses(events: list[ScanEvent]) -> list[Status | None]:
    """The canonical status a carrier showing these scans conveys after each one."""
    return [current_status(events[: i + 1]) for i in range(len(events))]


def _minutes(truth: dict[str, Any], cause: str) -> int:
    return sum(d["minutes"] for d in truth["delays"] if d["cause"] == cause)


def _reasons(events: list[ScanEvent], code: EventCode) -> list[str | None]:
    return [e.reason.value if e.reason else None for e in events if e.code is code]


def _last_mile_carrier(truth: dict[str, Any]) -> str:
    partner = truth.get("partner") or {}
    return str(partner.get("carrier") or truth["carrier"])


def untold(story: str, truth: dict[str, Any], events: list[ScanEvent], hold_s: float) -> list[str]:
    """What of ``story`` the truth (a truth.jsonl record) and the scans (every number the parcel
    carried, oldest first) do not show; ``hold_s``: the case's scripted hold."""
    shown = statuses(events)
    last = shown[-1] if shown else None
    fate = truth["fate"]
    missing: list[str] = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            missing.append(what)

    if story == "lost":
        lost = truth.get("lost_at") or {}
        hub = lost.get("facility_id")
        need(fate == "lost", f"fate lost (is {fate})")
        need(bool(hub) and "-hub-" in str(hub), f"lost inside a hub (lost_at {lost})")
        need(
            any(e.code is EventCode.ARRIVED_AT_FACILITY and e.location.facility_id == hub for e in events),
            "an arrival scan at the hub it was lost in",
        )
        need(last is Status.LOST, f"the carrier ends by saying lost (says {last})")
        need(Status.DELIVERED not in shown, "never shown delivered")
    elif story == "misdelivered":
        to, home = truth.get("delivered_to") or {}, truth["destination"]
        need(fate == "misdelivered", f"fate misdelivered (is {fate})")
        need(to.get("address") not in (None, home["address"]), "delivered to another door")
        need(to.get("city") == home["city"], "a door in the recipient's city")
        need(last is Status.DELIVERED, f"the carrier says delivered (says {last})")
    elif story == "weather_delay":
        need(_minutes(truth, "weather") * 60 >= hold_s, f"weather delays of {hold_s / 3600:g} h or more")
        need("weather" in _reasons(events, EventCode.DELAYED), "a DELAYED scan giving weather")
        need(Status.DELAYED in shown, "the carrier said delayed")
        need(fate == "delivered" and last is Status.DELIVERED, f"delivered in the end ({fate}, {last})")
    elif story == "failed_attempts_return":
        # told as the last-mile carrier's own sequence: every attempt its policy makes fails (three
        # for UPS, FedEx, Amazon, Hermes; two for DPD; one for USPS, DHL); a carrier that then holds
        # the parcel (an Access Point, a post office, a branch) shows it there before it goes back
        policy = PROFILES[_last_mile_carrier(truth)].failed_delivery
        first_return = next((i for i, s in enumerate(shown) if s is Status.RETURNING), len(shown))
        attempts = [e for e in events[:first_return] if e.code is EventCode.DELIVERY_ATTEMPTED]
        n = policy.attempts
        need(len(attempts) == n, f"{n} failed attempts before the return ({len(attempts)})")
        need(truth["attempts"] == n, f"truth counts {n} attempts ({truth['attempts']})")
        held = any(e.code is EventCode.AVAILABLE_FOR_PICKUP for e in events[:first_return])
        need(held == policy.hold_after_last, f"held for the recipient first: {policy.hold_after_last}")
        need(Status.DELIVERED not in shown, "never shown delivered")
        need(fate == "returned" and last is Status.RETURNED, f"returned to the sender ({fate}, {last})")
    elif story == "customs_hold":
        hold = next((e for e in events if e.code is EventCode.CUSTOMS_HOLD), None)
        cleared = next((e for e in events if e.code is EventCode.CUSTOMS_CLEARED), None)
        need(truth["international"], "a cross-border parcel")
        need(_minutes(truth, "customs_hold") * 60 >= hold_s, f"a customs hold of {hold_s / 3600:g} h")
        need(hold is not None and cleared is not None, "a CUSTOMS_HOLD scan, then CUSTOMS_CLEARED")
        if hold is not None and cleared is not None:
            held = datetime.fromisoformat(cleared.occurred_at) - datetime.fromisoformat(hold.occurred_at)
            need(held.total_seconds() >= hold_s, f"released {hold_s / 3600:g} h after the hold or later")
        need(Status.EXCEPTION in shown, "the carrier showed the hold as an exception")
        need(fate == "delivered" and last is Status.DELIVERED, f"delivered in the end ({fate}, {last})")
    elif story == "damaged":
        need(fate == "damaged" and truth["damaged"], f"fate damaged (is {fate})")
        need("damaged" in _reasons(events, EventCode.EXCEPTION), "an EXCEPTION scan giving damaged")
    elif story == "address_return":
        need("address_issue" in _reasons(events, EventCode.EXCEPTION), "an address problem scanned")
        need(Status.RETURNING in shown, "shown on its way back")
        need(Status.DELIVERED not in shown, "never shown delivered")
        need(fate == "returned" and last is Status.RETURNED, f"returned to the sender ({fate}, {last})")
    else:
        missing.append(f"no check for story {story!r}")
    return missing
