"""karrio's DPD connector (PyPI ``karrio-dpd`` 2026.1.32), unchanged, against the DPD mock on a live
uvicorn server: it logs in, tracks delivered, in-transit and unknown parcels, and its status for
each kind of parcel is what DPD's own code table says.

karrio builds DPD's URL from ``Settings.server_url``, a property that picks DPD Belgium's or the
Netherlands' host from ``account_country_code``/``test_mode``; the one thing the tests change is that
property, in a subclass, to the sandbox's ``/dpd`` base. Every request, header, envelope and parser
is karrio's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import karrio.core.models as models
import karrio.sdk as karrio
import pytest
from karrio.mappers.dpd.settings import Settings
from karrio.providers.dpd.units import TrackingStatus

from mock_carriers.app import create_app
from mock_carriers.carriers.dpd import create_carrier_app
from tests.carriers.client_dpd import DpdClient, statuses
from tests.carriers.dpd_world import NUMBERS, UNKNOWN, make_ctx, small_germany
from tests.live import live_server

pytestmark = [pytest.mark.live, pytest.mark.slow]


def gateway(base: str, language: str = "de_DE", **settings: Any) -> Any:
    sandbox = type("SandboxDpdSettings", (Settings,), {"server_url": property(lambda self: base)})
    values = {"delis_id": "KD-sandbox", "password": "secret", "message_language": language, **settings}
    return karrio.gateway["dpd"].create(sandbox(**values))


def track(gw: Any, *numbers: str) -> tuple[list[Any], list[Any]]:
    request = models.TrackingRequest(tracking_numbers=list(numbers))
    return karrio.Tracking.fetch(request).from_(gw).parse()


@pytest.fixture(scope="module")
def germany() -> Iterator[tuple[httpx.Client, str]]:
    small = small_germany()
    with live_server(create_app(small)) as base, httpx.Client(timeout=30) as http:
        r = http.post(f"{base}/_sandbox/clock", json={"advance": "3d"})
        assert r.status_code == 200
        yield http, base


def dpd_parcels(http: httpx.Client, base: str, **params: str) -> list[str]:
    r = http.get(f"{base}/_sandbox/parcels", params={"carrier": "dpd", "limit": 1000, **params})
    assert r.status_code == 200, r.text
    return [p["tracking_number"] for p in r.json()["items"]]


def test_karrio_tracks_delivered_parcels(germany: tuple[httpx.Client, str]) -> None:
    http, base = germany
    numbers = dpd_parcels(http, base, status="DELIVERED")[:5]
    assert numbers, "the germany world delivers DPD parcels within three days"
    details, messages = track(gateway(f"{base}/dpd"), *numbers)
    assert messages == []
    assert sorted(d.tracking_number for d in details) == sorted(numbers)
    own = DpdClient(http, f"{base}/dpd", language="de_DE")
    own.authenticate()
    for d in details:
        assert d.delivered is True and d.status == "delivered", d
        shown = statuses(own.track(d.tracking_number))
        assert len(d.events) == len(shown)
        assert d.events[0].code == "Delivered" and d.events[0].description == "Erfolgreich zugestellt."
        assert d.events[-1].code == "PickedUp"  # karrio lists newest first


def test_karrio_tracks_in_transit_parcels(germany: tuple[httpx.Client, str]) -> None:
    http, base = germany
    numbers = []
    for status in ("ARRIVED_AT_FACILITY", "DEPARTED_FACILITY", "PROCESSED_AT_FACILITY", "PICKED_UP"):
        numbers += dpd_parcels(http, base, status=status)[:2]
    assert numbers, "the germany world has DPD parcels on the way after three days"
    # karrio accepts the 14-digit parcelLabelNumber DPD's docs ask for as well as the 15-character form.
    details, messages = track(gateway(f"{base}/dpd", language="en_EN"), *(n[:14] for n in numbers))
    assert messages == [] and len(details) == len(numbers)
    for d in details:
        assert d.delivered is False and d.status == "in_transit", d
        assert d.events and d.events[0].code in ("PickedUp", "BetweenDepots"), d.events[0]


def test_karrio_gets_a_message_for_unknown_parcels(germany: tuple[httpx.Client, str]) -> None:
    _, base = germany
    details, messages = track(gateway(f"{base}/dpd"), UNKNOWN)
    assert details == []
    assert len(messages) == 1 and messages[0].details == {"tracking_number": UNKNOWN}


def test_karrio_reports_a_bad_login() -> None:
    ctx = make_ctx()
    ctx.credentials.allowed["dpd"] = {"KD-sandbox": "right"}
    with live_server(create_carrier_app(ctx), lifespan="off") as base:
        details, messages = track(gateway(base, password="wrong"), NUMBERS["delivered"])
    assert not details  # karrio's fail-safe answers (None, messages) when the login fails
    assert [(m.code, m.message) for m in messages] == [
        ("DELICOM_ERR_AUTHENTICATION", "Authentication failure, check delisId and password.")
    ]


# DPD's table [3P DPD Netherlands]: Delivered "received by recipient", Courier "out for delivery",
# DeliveryFailure "unable to deliver", ParcelShop "at a pickup point", BetweenDepots "on a transport
# between hubs/depots". A returned parcel is Delivered to its sender (DPD has no return status).
DPD_TABLE = {
    "Delivered": "delivered",
    "Courier": "out_for_delivery",
    "DeliveryFailure": "delivery_failed",
    "ParcelShop": "ready_for_pickup",
    "BetweenDepots": "in_transit",
}


def test_karrios_code_table_reads_dpds_codes_as_dpd_means_them() -> None:
    for code, meaning in DPD_TABLE.items():
        got = next((s.name for s in TrackingStatus if code in s.value), "in_transit")
        assert got == meaning, code


@pytest.mark.parametrize(
    ("kind", "clock", "status", "delivered"),
    [
        ("delivered", None, "delivered", True),
        ("delivered", "2026-11-06T15:00:00+00:00", "out_for_delivery", False),  # the courier has it
        ("damaged", None, "delivery_failed", False),  # exception: refused, no access
        ("returned", None, "delivered", True),  # back at the sender: Delivered, with DPD's text
        ("customs", None, "in_transit", False),
    ],
)
def test_karrio_status_per_kind_of_parcel(kind: str, clock: str | None, status: str, delivered: bool) -> None:
    from datetime import datetime

    ctx = make_ctx()
    if clock is not None:
        ctx.clock = datetime.fromisoformat(clock)
    with live_server(create_carrier_app(ctx), lifespan="off") as base:
        details, messages = track(gateway(base, language="en_US"), NUMBERS[kind])
    assert messages == []
    (d,) = details
    assert (d.status, d.delivered) == (status, delivered), [(e.code, e.status) for e in d.events]
    if kind == "returned":
        assert d.events[0].description == "The parcel has been delivered back to the sender."
