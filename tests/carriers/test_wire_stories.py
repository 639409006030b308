"""Properties of every carrier's tracking over real worlds (issue 14 items 3 and 4): a response never
shows the same event twice, and nothing follows an event that ends the story — delivered, returned
to the shipper, or "forwarded to a third party, no further updates"."""

from __future__ import annotations

import json

import pytest

from mock_carriers.carriers.dhl import render as dhl
from mock_carriers.carriers.fedex import render as fedex
from mock_carriers.carriers.ups import render as ups
from sim.events import CARRIERS
from tests.carriers.wire_stories import FINAL, LATER, SCENARIOS, WIRE_EVENTS, views

pytestmark = pytest.mark.slow


def _parcels(carrier: str) -> list[tuple[str, object]]:
    return [(name, v) for name in SCENARIOS for v in views(name) if v.carrier == carrier]


@pytest.mark.parametrize("carrier", CARRIERS)
def test_no_duplicate_identical_events(carrier: str) -> None:
    parcels = _parcels(carrier)
    assert len(parcels) > 40, f"the worlds give {carrier} too few parcels to say anything"
    duplicated = []
    for name, view in parcels:
        wire = [json.dumps(e, sort_keys=True) for e in WIRE_EVENTS[carrier](view)]
        if len(set(wire)) != len(wire):
            duplicated.append((name, view.tracking_number, [e.code.value for e in view.events]))
    shown = duplicated[:3]
    assert not duplicated, f"{len(duplicated)}/{len(parcels)} {carrier} parcels repeat an event: {shown}"


@pytest.mark.parametrize("carrier", CARRIERS)
def test_nothing_after_an_event_that_ends_the_story(carrier: str) -> None:
    parcels = _parcels(carrier)
    finals = 0
    contradicted = []
    for name, view in parcels:
        wire = WIRE_EVENTS[carrier](view)
        ends = [i for i, e in enumerate(wire) if FINAL[carrier](e)]
        finals += bool(ends)
        if ends and ends[0] != len(wire) - 1:
            contradicted.append((name, view.tracking_number, wire[ends[0] :][:3]))
    assert finals > 20, f"too few finished {carrier} parcels to check"
    assert not contradicted, f"{len(contradicted)} {carrier} parcels go on after the end: {contradicted[:2]}"


#: Per carrier that sends the box: its weight in kilograms, read back from the wire.
WEIGHT_KG = {
    "ups": lambda body: (
        float(body["weight"]["weight"]) * (0.45359237 if body["weight"]["unitOfMeasurement"] == "LBS" else 1)
    ),
    "fedex": lambda body: float(body["packageDetails"]["weightAndDimensions"]["weight"][1]["value"]),
    "dhl": lambda body: float(body["details"]["weight"]["value"]),
}
BODY = {
    "ups": lambda v: ups.render_track(v, v.tracking_number, LATER)["trackResponse"]["shipment"][0]["package"][
        0
    ],
    "fedex": lambda v: fedex.track_result(v, v.tracking_number, LATER),
    "dhl": lambda v: dhl.render_shipment(v, "en"),
}


@pytest.mark.parametrize("carrier", list(WEIGHT_KG))
def test_every_parcel_shows_the_weight_of_its_box(carrier: str) -> None:
    """Issue 14 item 6: wherever the carrier sends it, the weight is the truth's box, for every parcel."""
    checked = 0
    for _, view in _parcels(carrier):
        box = view.truth.package if view.truth is not None else None
        assert box is not None, view.tracking_number
        assert abs(WEIGHT_KG[carrier](BODY[carrier](view)) - box.weight_kg) <= 0.06, view.tracking_number
        checked += 1
    assert checked > 40
