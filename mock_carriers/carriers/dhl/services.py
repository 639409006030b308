"""Which DHL backend a sandbox parcel belongs to — the Unified API's ``service`` per shipment.

DHL's Unified API fronts several backends and names the one that answered in ``shipments[].service``
(spec enum: ``express``, ``parcel-de``, ``ecommerce``, …). Each backend issues numbers of its own
shape, so the number says which one holds it, as it does for DHL's API: ``00340434…``/12-digit
Identcode/``JJD…`` are **DHL Paket** (``parcel-de``), ``GM…``/``LX…``/``CN…`` and the other
eCommerce prefixes **DHL eCommerce** (``ecommerce``), 10-digit waybills **DHL Express**. The world
mints them by who carries the parcel (``sim.tracking_numbers.dhl_backend``): US domestic economy
and ground is eCommerce, ground/economy/international from Germany is Paket, the rest Express.
"""

from __future__ import annotations

from mock_carriers.world.context import ParcelView
from sim.tracking_numbers import carrier_format
from sim.tracking_numbers.tables import dhl_backend

EXPRESS = "express"
PARCEL_DE = "parcel-de"
ECOMMERCE = "ecommerce"

#: Services DHL's backends render with an offset on every timestamp (eCommerce and Parcel DE
#: captures); DHL Express writes the scan's local wall clock without one.
WITH_OFFSETS: frozenset[str] = frozenset({PARCEL_DE, ECOMMERCE})

#: The backend whose numbers have each shape (``sim.tracking_numbers`` format names).
_BY_FORMAT: dict[str, str] = {
    "DHL Paket (20)": PARCEL_DE,
    "DHL Paket (12)": PARCEL_DE,
    "DHL Paket (JJD)": PARCEL_DE,
    "DHL E-Commerce": ECOMMERCE,
    "DHL E-Commerce (14)": ECOMMERCE,
}

#: ``details.product.productName`` per (backend, cross-border?): DHL's own product names.
PRODUCTS: dict[tuple[str, bool], str] = {
    (EXPRESS, False): "EXPRESS DOMESTIC",
    (EXPRESS, True): "EXPRESS WORLDWIDE",
    (PARCEL_DE, False): "DHL PAKET",
    (PARCEL_DE, True): "DHL PAKET International",
    (ECOMMERCE, False): "DHL Parcel Ground",
    (ECOMMERCE, True): "DHL Parcel International Standard",
}


def _countries(view: ParcelView) -> tuple[str | None, str | None]:
    truth = view.truth
    if truth is not None:
        return truth.origin.get("country"), truth.destination.get("country")
    first = view.events[0].location.country if view.events else None
    return first, None


def service_of(view: ParcelView) -> str:
    """The Unified API backend of this parcel: the one whose number shape it carries; for an
    Express-shaped (or unknown) number, the rule the world mints by, from the parcel's route."""
    backend = _BY_FORMAT.get(carrier_format("dhl", view.tracking_number) or "")
    if backend is not None:
        return backend
    origin, destination = _countries(view)
    return dhl_backend(view.service, origin or "", destination or "")


def product_name(view: ParcelView, service: str) -> str:
    origin, destination = _countries(view)
    return PRODUCTS[(service, bool(origin and destination and origin != destination))]
