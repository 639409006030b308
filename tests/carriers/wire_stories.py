"""Real worlds through every carrier's renderer: each parcel of a small shipped scenario as the
carrier's wire events, oldest first, for the properties every carrier's tracking must keep (no two
identical events, nothing after an event that says the story is over).

The worlds are simulated in-process (``sim.engine.Engine``) and rendered with the carriers' pure
render functions, at an instant after every event is visible — no HTTP, so a property failure points
at the renderer, not at the plumbing.
"""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from mock_carriers.carriers.amazon import render as amazon
from mock_carriers.carriers.dhl import render as dhl
from mock_carriers.carriers.dpd import render as dpd
from mock_carriers.carriers.fedex import render as fedex
from mock_carriers.carriers.hermes import render as hermes
from mock_carriers.carriers.hermes.codes import DELIVERED_CODES as HERMES_DELIVERED
from mock_carriers.carriers.ups import render as ups
from mock_carriers.carriers.usps import render as usps
from mock_carriers.world.context import ParcelView
from sim.engine import Engine
from sim.events import CARRIERS, ParcelTruth, ScanEvent
from sim.scenario import load_scenario

#: Long after every small world below has drained: every event is visible.
LATER = datetime(2030, 1, 1, tzinfo=UTC)

#: Scenarios that between them give every carrier its hand-overs, returns, customs, delays, failed
#: attempts and losses; a small, short version of each is enough.
SCENARIOS: tuple[str, ...] = (
    "baseline",
    "germany",
    "international_customs",
    "returns",
    "failed_attempts",
    "weather_delay",
    "same_day_two_day",
)
PARCELS_PER_DAY = 250
DAYS = 2


@functools.cache
def views(name: str) -> tuple[ParcelView, ...]:
    """Every tracking number of a small version of scenario ``name``, with all its events."""
    scenario, _ = load_scenario(name)
    demand = scenario.demand.model_copy(update={"parcels_per_day": PARCELS_PER_DAY})
    scenario = scenario.model_copy(update={"demand": demand, "duration": DAYS * 86400.0})
    engine = Engine(scenario)
    events: dict[str, list[ScanEvent]] = defaultdict(list)
    truths: dict[str, ParcelTruth] = {}
    for batch, finished in engine.run():
        for event in batch:
            events[event.tracking_number].append(event)
            truth = engine.truth(event.tracking_number)
            if truth is not None:
                truths.setdefault(event.tracking_number, truth)
        for truth in finished:
            truths.setdefault(truth.tracking_number, truth)
    return tuple(
        ParcelView(tn, evs[0].carrier, evs[0].service, evs, truths.get(tn))
        for tn, evs in events.items()
        if evs[0].carrier in CARRIERS
    )


def _dpd_statuses(view: ParcelView) -> list[dict[str, Any]]:
    root = ET.fromstring(dpd.tracking_data_response(view, "en_EN"))
    out = []
    for info in root.iter():
        if info.tag.endswith("}statusInfo"):
            out.append({child.tag.split("}")[1]: " ".join(child.itertext()).strip() for child in info})
    return out


#: Per carrier: a parcel's wire events, oldest first.
WIRE_EVENTS: dict[str, Callable[[ParcelView], list[dict[str, Any]]]] = {
    "ups": lambda v: ups.render_track(v, v.tracking_number, LATER)["trackResponse"]["shipment"][0]["package"][
        0
    ]["activity"][::-1],
    "fedex": lambda v: fedex.track_result(v, v.tracking_number, LATER)["scanEvents"][::-1],
    "dhl": lambda v: dhl.render_shipment(v, "en")["events"][::-1],
    "usps": lambda v: usps.render_detail(v, v.tracking_number)["trackingEvents"][::-1],
    "amazon": lambda v: (amazon.tracking_result(v, v.tracking_number) or {}).get("eventHistory", []),
    "hermes": lambda v: hermes.shipment_info(v, "en")["status"],
    "dpd": _dpd_statuses,
}


HERMES_RETURNED = "7500"  # return arrived at the client

#: Per carrier: does this wire event end the story (delivered, returned to the shipper, or "no
#: further updates")? By the carrier's own codes and texts.
FINAL: dict[str, Callable[[dict[str, Any]], bool]] = {
    "ups": lambda e: e["status"]["type"] == "D",
    # RS is both "Returning package to shipper" (the return starts) and "Returned to shipper".
    "fedex": lambda e: e["eventType"] == "DL" or e["eventDescription"] == "Returned to shipper",
    "dhl": lambda e: e["statusCode"] == "delivered" or "no further" in e["description"].lower(),
    "usps": lambda e: e["eventCode"] == "01",
    "amazon": lambda e: e["eventCode"] == "Delivered",
    "hermes": lambda e: e["code"] in HERMES_DELIVERED or e["code"] == HERMES_RETURNED,
    "dpd": lambda e: e["status"] == "Delivered",
}
