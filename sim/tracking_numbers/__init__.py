"""Carrier tracking numbers: minting for the simulator, validation and detection for the mock APIs.

Why this package exists: the mock carrier APIs must hand out numbers that client code, and third-party
parsers such as the ``tracking-numbers`` package, recognise as the real carrier's.  So every number has
the carrier's real shape, a service code that fits the service, and a correct check digit.  The formats
and check-digit algorithms follow jkeen/tracking_number_data (``vendor/tracking_number_data``) and
section 7 of ``docs/carrier-apis.md``; they are transcribed here, not read at run time, because
the vendored data is reference material the test suite reads, never shipped with the package.

Minting sits on the simulator's hot path (~100k numbers per benchmark), so:

* serial parts come from per-carrier counters (unique by construction, no retry loops);
* check digits are computed from precomputed tables of weighted digit sums for 4-digit blocks, and the
  fixed prefix of a number (shipper account, service code) is summed once per account, not per number.

Reproducibility: all randomness comes from the ``random.Random`` passed to the factory, drawn once in
``__init__`` (random start offsets in each serial space), so the same seed and namespace replay the same
sequence.  Each namespace owns a disjoint slice of every serial space, so numbers minted under different
namespaces can never collide, whatever the seeds.

Modules: ``tables`` (carriers, services, namespaces, service codes), ``check_digits`` (the minting
tables, serial spaces, MOD 37,36), ``factory`` (``TrackingNumberFactory``), ``formats`` (validation
and detection).  Everything public is importable from ``sim.tracking_numbers`` itself.
"""

from __future__ import annotations

from sim.tracking_numbers.check_digits import dpd_barcode, mod37_36
from sim.tracking_numbers.factory import TrackingNumberFactory
from sim.tracking_numbers.formats import carrier_format, detect_carrier, format_name, is_valid
from sim.tracking_numbers.tables import (
    CARRIERS,
    NAMESPACE_LIMIT,
    REGIONAL_CARRIERS,
    S10_COUNTRIES,
    S10_SERVICE_INDICATORS,
    SERVICES,
    UPS_SERVICE_CODES,
    USPS_SERVICE_TYPE_CODES,
)

__all__ = [
    "CARRIERS",
    "NAMESPACE_LIMIT",
    "REGIONAL_CARRIERS",
    "S10_COUNTRIES",
    "S10_SERVICE_INDICATORS",
    "SERVICES",
    "UPS_SERVICE_CODES",
    "USPS_SERVICE_TYPE_CODES",
    "TrackingNumberFactory",
    "carrier_format",
    "detect_carrier",
    "dpd_barcode",
    "format_name",
    "is_valid",
    "mod37_36",
]
