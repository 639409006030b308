"""What the simulated carriers and services are called on real numbers: the carriers minted, the
services, the namespaces, the S10 issuing countries and each carrier's service codes."""

from __future__ import annotations

from collections.abc import Sequence

CARRIERS: tuple[str, ...] = ("ups", "fedex", "dhl", "usps", "amazon", "s10")
#: Carriers the ``tracking-numbers`` package (0.1.8) does not know: Hermes Germany (in neither judge)
#: and DPD (in jkeen's tracking_number_data only, checked against that alone).  Kept out of CARRIERS,
#: which is the set cross-checked against both judges; minted, validated and detected all the same.
REGIONAL_CARRIERS: tuple[str, ...] = ("hermes", "dpd")
_ALL_CARRIERS: tuple[str, ...] = CARRIERS + REGIONAL_CARRIERS
SERVICES: tuple[str, ...] = ("same_day", "next_day", "two_day", "ground", "economy", "international")
_SERVICE_SET = frozenset(SERVICES)

#: Namespaces are 0 <= namespace < NAMESPACE_LIMIT.  Every serial space is cut into this many equal
#: slices; the smallest space (DHL Express, 9e8 serials) still leaves a namespace 900k numbers.
NAMESPACE_LIMIT = 1000

#: Issuing postal operators accepted in a UPU S10 number: the country lookup of jkeen's s10.json (the
#: ``tracking-numbers`` package carries the identical list).  Territories such as TW or PR are absent there.
S10_COUNTRIES: frozenset[str] = frozenset(
    """
    AF AL DZ AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI KH CM CA CV CF TD CL
    CN HK CO KM CG CR HR CU CY CZ CI KP CD DK DJ DM DO EC EG SV GQ ER EE ET FJ FI FR GA GM GE DE GH GB GR
    GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KR KW KG LA LV LB LS LR LY LI LT LU
    MG MW MY MV ML MT MR MU MX MD MC MN ME MA MZ MM NA NR NP NL NZ NI NE NG NO OM PK PA PG PY PE PH PL PT
    QA RO RU RW KN LC VC WS SM ST SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SZ SE CH SY TJ TZ TH MK
    TL TG TO TT TN TR TM TV UG UA AE US UY UZ VU VA VE VN YE ZM ZW
    """.split()
)

# --------------------------------------------------------------------------------------------------
# Service mapping (what the real carrier prints for each simulated service)
# --------------------------------------------------------------------------------------------------

#: UPS 1Z service codes, from the service-type table in ups.json.  UPS has no same-day 1Z code in that
#: table, so same_day uses its most premium overnight product (Next Day Air Early A.M.).
UPS_SERVICE_CODES: dict[str, str] = {
    "same_day": "15",  # Next Day Air Early A.M.
    "next_day": "01",  # Next Day Air
    "two_day": "02",  # 2nd Day Air
    "ground": "03",  # Ground
    "economy": "12",  # 3 Day Select
    "international": "66",  # Worldwide Express
}

#: USPS IMpb service type codes (Publication 199 STCs).  usps.json names only 612 (Parcel Select); the
#: others are the codes seen on real labels: 701 Priority Mail Express ("9270 1..."), 055 Priority Mail
#: ("9205 5..."), 001 USPS Ground Advantage, formerly First-Class Package ("9200 1...").  International
#: USPS items carry UPU S10 numbers instead (see TrackingNumberFactory.usps).
USPS_SERVICE_TYPE_CODES: dict[str, str] = {
    "same_day": "701",  # USPS has no same-day product; Priority Mail Express is its fastest
    "next_day": "701",  # Priority Mail Express
    "two_day": "055",  # Priority Mail
    "ground": "001",  # USPS Ground Advantage
    "economy": "612",  # Parcel Select
}

#: UPU S10 service indicator per service: first letter = product (E EMS, R registered, C parcel,
#: L tracked letter-post packet), second letter = the operator's preferred variant.  All are accepted by
#: the ``tracking-numbers`` package, whose S10 definition requires E/L/M/Q[A-M]/R/U/V/C/H/domestic letters.
S10_SERVICE_INDICATORS: dict[str, str] = {
    "same_day": "EE",  # EMS, the fastest UPU product
    "next_day": "EE",
    "two_day": "RR",  # registered letter post, tracked end to end
    "ground": "CP",  # parcel post
    "economy": "LX",  # tracked letter-post packet (small e-commerce items)
    "international": "CP",
}

# FedEx: Express (12 digits) for air services; Ground for ground/economy.  Ground is minted in both of its
# shapes: the 22-digit "96" barcode (AI 96, SCNC 12, service 019 as on real FedEx Ground labels) for
# "ground", and the 15-digit printed Ground number (the barcode's last 15 digits) for "economy".
_FEDEX_GROUND_BARCODE_PREFIX = "9612019"
_FEDEX_GROUND_SERVICES = frozenset({"ground", "economy"})


def unknown(kind: str, value: str, allowed: Sequence[str]) -> ValueError:
    return ValueError(f"unknown {kind} {value!r}; expected one of {', '.join(allowed)}")


# --------------------------------------------------------------------------------------------------
# DHL: which of DHL's businesses carries a parcel (and so which number format it gets)
# --------------------------------------------------------------------------------------------------

DHL_EXPRESS = "express"
DHL_PARCEL_DE = "parcel-de"
DHL_ECOMMERCE = "ecommerce"
_DHL_PAKET_SERVICES = frozenset({"ground", "economy", "international"})


def dhl_backend(service: str, origin_country: str, dest_country: str) -> str:
    """The DHL business of a parcel, named as DHL's Unified Tracking API names its backends.

    Known when the label is printed, so a number never changes backend during its life: within
    the US, DHL has no parcel network of its own — economy and ground are **DHL eCommerce**
    (line-haul by DHL, last mile by USPS); from Germany, ground, economy and international parcels
    are **DHL Paket** / Paket International (handed to the destination's post abroad); everything
    else (international from the US, next-day) is **DHL Express**.
    """
    if origin_country == "US" and dest_country == "US" and service in ("ground", "economy"):
        return DHL_ECOMMERCE
    if origin_country == "DE" and service in _DHL_PAKET_SERVICES:
        return DHL_PARCEL_DE
    return DHL_EXPRESS
