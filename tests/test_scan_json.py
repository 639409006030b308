"""A scan's JSON (``ScanEvent.to_json``, written out by hand for speed) is byte for byte what
orjson makes of its ``to_dict()``, whatever its reason, details, promise and place; and the
strings it writes without escaping never need one."""

from __future__ import annotations

import itertools
import random

import orjson
import pytest

from sim.events import EstimatedDelivery, EventCode, ExceptionReason, Location, ScanEvent, Service
from sim.tracking_numbers import CARRIERS, SERVICES, TrackingNumberFactory

pytestmark = pytest.mark.unit

HUB = Location(
    "ups:hub:LOU", "sort_hub", "Louisville Worldport", "Louisville", "KY", "40209", "US", 38.17, -85.74
)
DOOR = Location(
    None,
    "address",
    'Zoë "Zo" O\'Brien\\',
    "Köln",
    "NW",
    "50667",
    "DE",
    50.93776,
    6.95997,
    "Straße des 17. Juni 5",
)
ETAS = [
    None,
    EstimatedDelivery("2026-11-09"),
    EstimatedDelivery("2026-11-09", "2026-11-09T14:00:00-05:00", "2026-11-09T15:00:00-05:00"),
]
DETAILS = [
    {},
    {"next_facility": 'Köln "Eifeltor"\n'},
    {"partner": {"carrier": "usps", "tracking_number": "9"}},
]


def event(
    reason: ExceptionReason | None, loc: Location, eta: EstimatedDelivery | None, details: dict
) -> ScanEvent:
    return ScanEvent(
        "a3f09c2d41e7b855",
        12,
        "1Z999AA10123456784",
        "ups",
        Service.GROUND.value,
        EventCode.DELIVERY_ATTEMPTED,
        reason,
        "2026-11-09T14:03:27-05:00",
        "2026-11-09T14:19:02-05:00",
        loc,
        eta,
        details,
    )


@pytest.mark.parametrize("reason", [None, ExceptionReason.RECIPIENT_UNAVAILABLE])
def test_to_json_is_orjson_of_to_dict(reason: ExceptionReason | None) -> None:
    for loc, eta, details in itertools.product((HUB, DOOR), ETAS, DETAILS):
        e = event(reason, loc, eta, details)
        for _ in range(2):  # the second time from the shared fragments
            assert e.to_json() == orjson.dumps(e.to_dict()).decode()


def test_every_minted_tracking_number_needs_no_escape_in_json() -> None:
    factory = TrackingNumberFactory(random.Random(7))
    for carrier, service in itertools.product((*CARRIERS, "s10"), SERVICES):
        for origin in ("US", "DE", "CA", "KZ"):
            tn = factory.mint(carrier, service, origin, "US")
            assert orjson.dumps(tn).decode() == f'"{tn}"', (carrier, service, tn)
    for name in (*EventCode, *ExceptionReason, *Service):
        assert orjson.dumps(name.value).decode() == f'"{name.value}"'
