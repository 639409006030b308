"""What a scenario gets when it leaves a field out: the carriers' real hubs and working days, the
shippers' warehouses, and the shape of online demand over a day and a week.

Tables only; the models that use them (``network``, ``demand``, ``model``) copy them into fields.
"""

from __future__ import annotations

from sim.scenario.types import WEEKDAYS

# Published hub locations, by carrier (place keys from sim.places). UPS: Worldport (Louisville),
# CACH (Hodgkins), Ontario CA, Atlanta, Dallas, Parsippany/Newark, Philadelphia, the Phoenix metro's
# Goodyear hub (UPS press release via azbigmedia.com, 2017) and the Jacksonville ground hub ("one of
# the larger U.S. ground processing facilities", UPS press release via thestreet.com, 2016); FedEx: Memphis
# World Hub, Indianapolis, Northlake/Chicago; DHL: CVG Americas hub (Hebron KY); Amazon Air:
# KCVG (Hebron KY) plus regional sort centres; USPS: regional processing & distribution centres.
DEFAULT_HUBS: dict[str, tuple[str, ...]] = {
    "ups": (
        *("SDF", "HDG", "ONT", "ATL", "DFW", "EWR", "PHL", "OAK", "SEA", "DEN", "MCI", "PHX", "JAX"),
        *("YYZ", "YVR"),
    ),
    "fedex": ("MEM", "IND", "CHI", "DFW", "ATL", "EWR", "ONT", "OAK", "SEA", "DEN", "PIT", "YYZ", "YVR"),
    "usps": ("CHI", "ATL", "DFW", "LAX", "EWR", "DEN", "SEA", "PHL", "MEM", "MCI", "CVG", "MSP", "SFO"),
    "dhl": ("HEB", "LAX", "NYC", "CHI", "MIA", "DFW", "SFO", "YYZ", "YVR"),
    "amazon": ("HEB", "ONT", "DFW", "ATL", "EWR", "HDG", "SEA", "PHX", "BWI", "JAX", "SMF", "MSP"),
    "hermes": ("HDL", "HAJ", "LEJ", "NUE", "DTM", "MUC", "FRA", "HAM"),
    # DPD Germany: depots in the large German metros, Frankfurt nearest its Aschaffenburg hub.
    "dpd": ("FRA", "HAJ", "DTM", "LEJ", "NUE", "MUC", "STR", "HAM", "BER"),
    "canadapost": ("YYZ", "YUL", "YVR", "YYC"),
    "kazpost": ("ALA", "NQZ"),
}
# Germany (and the Almaty gateway for Kazakhstan) for the carriers that also run there:
# DHL's parcel centres and its Leipzig air hub (of its 38 parcel centres, those serving the shipped
# metros: Bremen, Lehrte for Hannover, Feucht for Nürnberg, Ottendorf-Okrilla for Dresden among
# them — dhl.de "Paketzentren"); UPS's Köln/Bonn air hub and German centres.
DEFAULT_HUBS["dhl"] += (
    *("LEJ", "BER", "HAM", "CGN", "FRA", "MUC", "STR", "DTM", "BRE", "HAJ", "NUE", "DRS"),
    *("ALA", "LJU"),
)
DEFAULT_HUBS["ups"] += ("CGN", "FRA", "MUC", "HAM", "BER", "LEJ")

DEFAULT_DELIVERY_DAYS: dict[str, tuple[str, ...]] = {
    "ups": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "fedex": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "usps": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "dhl": ("mon", "tue", "wed", "thu", "fri"),
    "amazon": WEEKDAYS,
    "hermes": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "dpd": ("mon", "tue", "wed", "thu", "fri", "sat"),
    "canadapost": ("mon", "tue", "wed", "thu", "fri"),
    "kazpost": ("mon", "tue", "wed", "thu", "fri", "sat"),
}

# Large shippers get Saturday pickups; Amazon's own network runs every day.
DEFAULT_PICKUP_DAYS: dict[str, tuple[str, ...]] = {
    carrier: WEEKDAYS if carrier == "amazon" else ("mon", "tue", "wed", "thu", "fri", "sat")
    for carrier in DEFAULT_DELIVERY_DAYS
}

#: Place keys of the shippers' fulfilment centres / warehouses.
DEFAULT_FULFILMENT_CENTRES: tuple[str, ...] = (
    "ONT",
    "DFW",
    "CMH",
    "EWR",
    "ATL",
    "IND",
    "PHX",
    "SEA",
    "JAX",
    "MEM",
)

# Share of a day's orders per local hour (online-shopping curve: evening peak, night trough).
DEFAULT_DAILY_CURVE: tuple[float, ...] = (
    1.2,
    0.8,
    0.5,
    0.4,
    0.4,
    0.6,
    1.5,
    2.8,
    4.0,
    5.2,
    5.8,
    6.0,
    6.0,
    5.9,
    5.8,
    5.7,
    5.6,
    5.6,
    5.8,
    6.2,
    6.4,
    5.8,
    4.2,
    2.2,
)

#: Relative order volume per weekday.
DEFAULT_WEEKDAY_WEIGHTS: dict[str, float] = {
    "mon": 1.15,
    "tue": 1.1,
    "wed": 1.05,
    "thu": 1.0,
    "fri": 0.95,
    "sat": 0.85,
    "sun": 0.9,
}
