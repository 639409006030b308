"""What is in the box: each parcel's weight, dimensions and the shipper's reference, drawn from its
own stream so adding them never moves any other draw of the world (the event log stays the same).

The distribution (docs/realism.md §"Package attributes"): e-commerce parcels are mostly small — "most
fall in the small-parcel range, typically under 5 lb … roughly 10 × 8 × 4 inches; the average
weighs 1–3 lb" (Red Stag Fulfillment's package benchmarks), carriers cap a parcel at 70 lb (USPS) /
150 lb (UPS, FedEx), and the box grows with what it holds. So the weight is log-normal (median
1.8 lb, σ 0.9: mean 2.7 lb, 87 % under 5 lb), the box's volume follows from the weight through a
log-normal packing density (median 8 lb/ft³: 1.8 lb in a 10 × 8 × 4 in box is 9.7 lb/ft³), and its
sides keep a box's usual proportions (about 1 : 0.75 : 0.45), rounded up to whole centimetres.
"""

from __future__ import annotations

import math

from sim.events import Package
from sim.streams import ParcelRng, stream_seed

LB_KG = 0.45359237
IN_CM = 2.54
FT3_CM3 = 28_316.846592

WEIGHT_MEDIAN_LB = 1.8
WEIGHT_SIGMA = 0.9
WEIGHT_MIN_LB = 0.1  # a padded envelope with one small item
WEIGHT_MAX_LB = 70.0  # the smallest carrier cap (USPS); the world's parcels are all small-parcel
DENSITY_MEDIAN_LB_FT3 = 8.0
DENSITY_SIGMA = 0.5
SHAPE = (1.0, 0.75, 0.45)  # length : width : height of a typical shipping box
SHAPE_JITTER = 0.15
MIN_SIDE_CM = 2.0  # a poly mailer's thickness
MAX_LENGTH_CM = 150.0  # well inside every carrier's length limit (UPS/FedEx 274 cm)


def stream(seed: int, tracking_number: str) -> ParcelRng:
    """The package's own stream, keyed on its number: independent of every other draw."""
    return ParcelRng(stream_seed(seed, f"package:{tracking_number}"))


def weight_lb(rng: ParcelRng) -> float:
    lb = WEIGHT_MEDIAN_LB * math.exp(rng.gauss(0.0, WEIGHT_SIGMA))
    return min(WEIGHT_MAX_LB, max(WEIGHT_MIN_LB, lb))


def sides_cm(rng: ParcelRng, weight: float) -> tuple[float, float, float]:
    """Length ≥ width ≥ height in whole centimetres for a box holding ``weight`` pounds."""
    density = DENSITY_MEDIAN_LB_FT3 * math.exp(rng.gauss(0.0, DENSITY_SIGMA))
    volume_cm3 = weight / density * FT3_CM3
    shape = [s * math.exp(rng.uniform(-SHAPE_JITTER, SHAPE_JITTER)) for s in SHAPE]
    scale = (volume_cm3 / (shape[0] * shape[1] * shape[2])) ** (1.0 / 3.0)
    sides = sorted((min(MAX_LENGTH_CM, max(MIN_SIDE_CM, math.ceil(s * scale))) for s in shape), reverse=True)
    return float(sides[0]), float(sides[1]), float(sides[2])


def reference(rng: ParcelRng) -> str:
    """The shipper's reference on the label: its order number, ``123-1234567-1234567``."""
    return f"{100 + rng.randrange(900)}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"


def draw(seed: int, tracking_number: str) -> Package:
    rng = stream(seed, tracking_number)
    lb = weight_lb(rng)
    length, width, height = sides_cm(rng, lb)
    return Package(
        weight_kg=round(lb * LB_KG, 3),
        length_cm=length,
        width_cm=width,
        height_cm=height,
        reference=reference(rng),
    )


def pounds(package: Package) -> float:
    """The weight in pounds, for the carriers that weigh in pounds (UPS and FedEx in the US, USPS)."""
    return package.weight_kg / LB_KG


def inches(package: Package) -> tuple[int, int, int]:
    """Length, width, height in whole inches, rounded up as carriers measure a box."""
    return (
        math.ceil(package.length_cm / IN_CM - 1e-9),
        math.ceil(package.width_cm / IN_CM - 1e-9),
        math.ceil(package.height_cm / IN_CM - 1e-9),
    )
