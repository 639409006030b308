"""The box as UPS Track shows it on ``package``: ``weight``, ``dimension`` and ``referenceNumber``.

[SPEC ``Tracking.yaml``] ``Weight{unitOfMeasurement: LBS|KGS, weight: string}``,
``Dimension{height, length, width, unitOfDimension: string}``, ``ReferenceNumber{type, number}`` with
the example type ``SHIPMENT``. [OBS] ups.com shows the weight with two decimals ("1.00 LBS"). UPS
weighs in pounds and inches where the shipper does (the US) and in kilograms and centimetres
elsewhere (INFER from the spec's two units).
"""

from __future__ import annotations

from typing import Any

from sim import packages
from sim.events import Package

#: Countries whose shippers weigh in pounds and measure in inches.
IMPERIAL = frozenset({"US", "PR"})


def fields(box: Package | None, origin_country: str | None) -> dict[str, Any]:
    """``weight``, ``dimension`` and ``referenceNumber`` of a package, in the spec's key order."""
    if box is None:
        return {}
    if origin_country in IMPERIAL:
        length, width, height = packages.inches(box)
        weight, unit, dims, dim_unit = packages.pounds(box), "LBS", (length, width, height), "IN"
    else:
        weight, unit = box.weight_kg, "KGS"
        dims, dim_unit = (int(box.length_cm), int(box.width_cm), int(box.height_cm)), "CM"
    return {
        "dimension": {
            "height": str(dims[2]),
            "length": str(dims[0]),
            "unitOfDimension": dim_unit,
            "width": str(dims[1]),
        },
        "referenceNumber": [{"number": box.reference, "type": "SHIPMENT"}],
        "weight": {"unitOfMeasurement": unit, "weight": f"{weight:.2f}"},
    }
