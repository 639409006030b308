"""DPD parcels for the DPD tests: the fakes' canonical stories moved onto DPD Germany's network
(German places, German time, a Predict window on the courier's scan), and a context over them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from mock_carriers.world.context import ParcelView
from sim.events import EstimatedDelivery, EventCode, Location, ScanEvent
from sim.scenario import Scenario, load_scenario
from sim.tracking_numbers import mod37_36
from tests.carriers.fakes import FakeContext, story, truth_for

BERLIN = ZoneInfo("Europe/Berlin")


def number(digits: str) -> str:
    """A 15-character DPD number (14 digits + check character)."""
    return digits + mod37_36(digits)


NUMBERS: dict[str, str] = {
    "delivered": number("01405400945058"),
    "failed_then_locker": number("01405400945066"),
    "returned": number("01405400945074"),
    "customs": number("01405400945082"),
    "lost": number("01405400945090"),
    "damaged": number("01405400945104"),
}
LABEL_ONLY = number("01405400945112")
NOT_YET_VISIBLE = number("01405400945120")
UNKNOWN = number("01999999999999")


def _loc(fid: str | None, kind: str, name: str, city: str, region: str, postcode: str, **kw: Any) -> Location:
    return Location(fid, kind, name, city, region, postcode, "DE", 50.0, 9.0, kw.get("address"))


GERMAN: dict[str, Location] = {
    "fc-cmh-1": _loc("fc-lej-1", "fulfilment_centre", "Versandlager Leipzig", "Leipzig", "SN", "04109"),
    "ups-hub-cmh": _loc("dpd-hub-lej", "sort_hub", "DPD Hub Leipzig", "Leipzig", "SN", "04109"),
    "ups-hub-sdf": _loc(
        "dpd-hub-fra", "sort_hub", "DPD Hub Frankfurt am Main", "Frankfurt am Main", "HE", "60311"
    ),
    "ups-ds-chi": _loc("dpd-ds-muc", "delivery_station", "DPD Depot München", "München", "BY", "80331"),
    "address": _loc(
        None, "address", "Erika Mustermann", "München", "BY", "80469", address="Fraunhoferstr. 9"
    ),
    "ups-pp-chi-1": _loc(
        "dpd-pp-muc-1", "pickup_point", "DPD Pickup Paketshop Kiosk", "München", "BY", "80469"
    ),
}
#: DPD Predict: a one-hour window on the morning of delivery (the fakes' courier scan is on the 6th).
PREDICT = EstimatedDelivery("2026-11-06", "2026-11-06T10:15:00+01:00", "2026-11-06T11:15:00+01:00")


def _german_time(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(BERLIN).isoformat(timespec="seconds")


def german(event: ScanEvent) -> ScanEvent:
    loc = GERMAN[event.location.facility_id or event.location.kind]
    eta = event.estimated_delivery
    if event.code is EventCode.OUT_FOR_DELIVERY:
        eta = PREDICT
    return dataclasses.replace(
        event,
        location=loc,
        occurred_at=_german_time(event.occurred_at),
        visible_at=_german_time(event.visible_at),
        estimated_delivery=eta,
    )


def dpd_story(tracking_number: str, kind: str = "delivered", service: str = "ground") -> list[ScanEvent]:
    return [german(e) for e in story(tracking_number, "dpd", service, kind)]


@dataclass
class DpdContext(FakeContext):
    """FakeContext whose label data (the addressee) is German, like the sandbox's DPD parcels."""

    def lookup(self, tracking_number: str) -> ParcelView | None:
        view = super().lookup(tracking_number)
        if view is None:
            return None
        truth = dataclasses.replace(
            truth_for(self.parcels[tracking_number]),
            destination={**GERMAN["address"].to_dict(), "name": "Erika Mustermann"},
        )
        return dataclasses.replace(view, truth=truth)


def small_germany() -> Scenario:
    """The shipped germany world at test size: 300 parcels a day for two days."""
    scenario, _ = load_scenario("germany")
    demand = scenario.demand.model_copy(update={"parcels_per_day": 300})
    return scenario.model_copy(update={"demand": demand, "duration": 2 * 86400.0})


def make_ctx(**kwargs: Any) -> DpdContext:
    parcels = {tn: dpd_story(tn, kind) for kind, tn in NUMBERS.items()}
    parcels[LABEL_ONLY] = dpd_story(LABEL_ONLY)[:1]
    late = dpd_story(NOT_YET_VISIBLE)[:1]
    parcels[NOT_YET_VISIBLE] = [dataclasses.replace(late[0], visible_at="2027-01-01T00:00:00+01:00")]
    return DpdContext("dpd", parcels=parcels, **kwargs)
