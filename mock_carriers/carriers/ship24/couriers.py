"""The couriers Ship24 knows in the sandbox (``GET /public/v1/couriers``) and which of the world's
carriers a tracking number may belong to.

Ship24 "is able to automatically detect the courier from the tracking number in most cases";
``courierCode`` hints (up to 3) narrow or extend that, and ``restrictTrackingToCourierCode`` keeps
the tracker to the hinted couriers [DOCS docs.ship24.com/couriers; SPEC tracker-create-request].
Detection here is by number format with check digits (``sim.tracking_numbers``), the same rules
the world's numbers are minted by.

Courier codes: ``us-post`` is Ship24's own [SPEC examples]; the others are [INFER] in Ship24's
lower-case, hyphenated style (the live list is behind the API and the dashboard's CSV).
"""

from __future__ import annotations

from typing import NamedTuple

from sim.events import CARRIERS
from sim.tracking_numbers import detect_carrier, is_valid


class Courier(NamedTuple):
    carrier: str  # the sandbox carrier key
    code: str
    name: str
    website: str
    is_post: bool
    country: str | None
    source: str  # the event's ``sourceCode``: "Internal code of the source" [SPEC]


COURIERS: tuple[Courier, ...] = (
    Courier("ups", "ups", "UPS", "https://www.ups.com", False, "US", "ups-tracking"),
    Courier("fedex", "fedex", "FedEx", "https://www.fedex.com", False, "US", "fedex-tracking"),
    Courier("dhl", "dhl", "DHL Express", "https://www.dhl.com", False, None, "dhl-tracking"),
    Courier("usps", "us-post", "USPS", "https://www.usps.com", True, "US", "usps-tracking"),
    Courier(
        "amazon",
        "amazon-shipping",
        "Amazon Shipping",
        "https://ship.amazon.com",
        False,
        None,
        "amazon-tracking",
    ),
    Courier(
        "hermes", "hermes-de", "Hermes Germany", "https://www.myhermes.de", False, "DE", "hermes-tracking"
    ),
    Courier("dpd", "dpd-de", "DPD Germany", "https://www.dpd.com/de", False, "DE", "dpd-tracking"),
)
BY_CARRIER: dict[str, Courier] = {c.carrier: c for c in COURIERS}
BY_CODE: dict[str, Courier] = {c.code: c for c in COURIERS}


def detected(number: str) -> list[str]:
    """The world's carriers whose number format ``number`` fits, most likely first."""
    first = detect_carrier(number)
    found = [first] if first in BY_CARRIER else []
    found += [c for c in CARRIERS if c not in found and c in BY_CARRIER and is_valid(c, number)]
    return found


def candidates(number: str, hints: list[str], restrict: bool) -> list[str]:
    """The carriers to look ``number`` up in, in order: the hinted couriers, then (unless the
    tracker is restricted to its hints) the couriers detected from the number."""
    hinted = [BY_CODE[h].carrier for h in hints if h in BY_CODE]
    if restrict and hints:
        return list(dict.fromkeys(hinted))
    return list(dict.fromkeys([*hinted, *detected(number)]))


def as_json(courier: Courier) -> dict[str, object]:
    """One item of ``GET /public/v1/couriers``."""
    return {
        "courierCode": courier.code,
        "courierName": courier.name,
        "website": courier.website,
        "isPost": courier.is_post,
        "countryCode": courier.country,
        "requiredFields": None,
        "isDeprecated": False,
    }
