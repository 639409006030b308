"""Where a FedEx scan happened, as FedEx writes it: address blocks (city in capitals, a state code or
nothing), the label's postcode-only location, FedEx location ids and location types."""

from __future__ import annotations

from typing import Any

from mock_carriers.carriers.fedex import codes
from sim.events import EventCode, Location, ScanEvent

_LOCATION_ID_SUFFIX = {
    "sort_hub": "H",
    "delivery_station": "A",
    "fulfilment_centre": "C",
    "pickup_point": "P",
}


def state_code(region: str | None) -> str:
    # FedEx's field is a state/province *code*; a spelled-out region name would not be one.
    return region if region and len(region) <= 3 else ""


def address(
    city: str | None,
    region: str | None,
    country: str | None,
    postal_code: str | None = None,
    *,
    street: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if street:
        out["streetLines"] = [""]
    if city:
        out["city"] = city.upper()
    if state_code(region):
        out["stateOrProvinceCode"] = state_code(region)
    if postal_code:
        out["postalCode"] = postal_code
    if country:
        out["countryCode"] = country.upper()
    out["residential"] = False
    if country:
        out["countryName"] = codes.country_name(country)
    return out


def location_address(loc: Location, *, street: bool = False, postal: bool = False) -> dict[str, Any]:
    return address(loc.city, loc.region, loc.country, loc.postal_code if postal else None, street=street)


def truth_address(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if not d:
        return None
    return address(d.get("city"), d.get("region"), d.get("country"))


def scan_location(ev: ScanEvent) -> dict[str, Any]:
    loc = ev.location
    if ev.code is EventCode.LABEL_CREATED:
        # Label data is the shipper's, not a scan: FedEx shows only postcode and country [3P].
        return {
            "streetLines": [""],
            "postalCode": loc.postal_code,
            "countryCode": loc.country.upper(),
            "residential": False,
            "countryName": codes.country_name(loc.country),
        }
    return location_address(loc, street=True, postal=True)


def location_id(loc: Location) -> str | None:
    if loc.kind == "address" or not loc.facility_id:
        return None
    letters = "".join(c for c in loc.city.upper() if "A" <= c <= "Z")[:3].ljust(3, "X")
    return letters + _LOCATION_ID_SUFFIX.get(loc.kind, "F")


def location_type(ev: ScanEvent) -> str:
    if ev.code in codes.EVENT_LOCATION_TYPES:
        return codes.EVENT_LOCATION_TYPES[ev.code]
    return codes.LOCATION_TYPES.get(ev.location.kind, "FEDEX_FACILITY")
