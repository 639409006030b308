"""The box as FedEx Track shows it: ``packageDetails.weightAndDimensions``, ``shipmentDetails.weight``,
the shipper's reference among ``packageIdentifiers``, and ``specialHandlings``.

[SPEC ``track-api.json``] ``Weight{unit: KG|LB, value: string}``, ``Dimensions{length, width,
height: integer, units: CM|IN}``; FedEx answers both systems side by side, pounds and inches first
(the spec's ``TrackingWeightAndDimensions`` example lists LB then KG; karrio's FedEx fixture
likewise). ``physicalPackagingType`` ``PACKAGE``, ``sequenceNumber`` ``"1"`` for a one-piece
shipment. ``CUSTOMER_REFERENCE`` is the spec enum's type for the shipper's reference.
"""

from __future__ import annotations

from typing import Any

from sim import packages
from sim.events import Package

#: ``specialHandlings`` per world service: FedEx Ground/Home Delivery and Express show the days it
#: delivers on (spec example ``DELIVER_WEEKDAY`` "Deliver Weekday"); INFER beyond the example.
_WEEKDAY = {"type": "DELIVER_WEEKDAY", "description": "Deliver Weekday", "paymentType": "OTHER"}
_RESIDENTIAL = {"type": "RESIDENTIAL_DELIVERY", "description": "Residential Delivery", "paymentType": "OTHER"}


def _weights(box: Package) -> list[dict[str, str]]:
    return [
        {"unit": "LB", "value": f"{packages.pounds(box):.1f}"},
        {"unit": "KG", "value": f"{box.weight_kg:.1f}"},
    ]


def package_details(box: Package | None) -> dict[str, Any]:
    """The members of ``packageDetails`` that describe the box (nothing when the world has no box)."""
    if box is None:
        return {}
    length, width, height = packages.inches(box)
    return {
        "physicalPackagingType": "PACKAGE",
        "sequenceNumber": "1",
        "weightAndDimensions": {
            "weight": _weights(box),
            "dimensions": [
                {"length": length, "width": width, "height": height, "units": "IN"},
                {
                    "length": int(box.length_cm),
                    "width": int(box.width_cm),
                    "height": int(box.height_cm),
                    "units": "CM",
                },
            ],
        },
    }


def shipment_weight(box: Package | None) -> dict[str, Any]:
    return {"weight": _weights(box)} if box is not None else {}


def references(box: Package | None) -> list[dict[str, Any]]:
    if box is None:
        return []
    return [{"type": "CUSTOMER_REFERENCE", "value": [box.reference], "trackingNumberUniqueId": ""}]


def special_handlings(service: str) -> list[dict[str, str]]:
    if service in ("ground", "economy"):
        return [dict(_WEEKDAY), dict(_RESIDENTIAL)]
    return [dict(_WEEKDAY)]
