"""Carrier tracking numbers: minting for the simulator, validation and detection for the mock APIs.

Why this module exists: the mock carrier APIs must hand out numbers that client code, and third-party
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
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from functools import cache
from math import gcd
from typing import NamedTuple

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
    "detect_carrier",
    "format_name",
    "is_valid",
]

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

# --------------------------------------------------------------------------------------------------
# Check-digit helpers used when minting (table driven, see module docstring)
# --------------------------------------------------------------------------------------------------

_BLOCK = 10_000  # digits are summed in blocks of four through a 10k-entry table


@cache
def _block_table(weights: tuple[int, ...]) -> tuple[int, ...]:
    """Weighted digit sums of every ``len(weights)``-digit block, most significant weight first."""
    table = [0]
    for weight in weights:
        table = [partial + digit * weight for partial in table for digit in range(10)]
    return tuple(table)


def _weighted_digit_sum(weights: Sequence[int]) -> Callable[[int], int]:
    """Return f(v) = sum(digit_i * weights[i]) over the zero-padded ``len(weights)``-digit form of v.

    Why: a per-digit Python loop costs ~2 µs per number; two or three table look-ups cost ~0.2 µs.
    """
    weights = tuple(weights)
    tables: list[tuple[int, ...]] = []  # least significant block first
    end = len(weights)
    while end > 0:
        start = max(0, end - 4)
        tables.append(_block_table(weights[start:end]))
        end = start
    if len(tables) == 1:
        (t0,) = tables
        return t0.__getitem__
    if len(tables) == 2:
        t0, t1 = tables
        return lambda v: t0[v % _BLOCK] + t1[v // _BLOCK]
    if len(tables) == 3:
        t0, t1, t2 = tables
        return lambda v: t0[v % _BLOCK] + t1[v // _BLOCK % _BLOCK] + t2[v // (_BLOCK * _BLOCK)]
    raise ValueError("at most 12 digits per weighted block")


def _alternating(length: int, first: int, second: int) -> tuple[int, ...]:
    return tuple(first if i % 2 == 0 else second for i in range(length))


def _ups_char_value(char: str) -> int:
    """UPS maps letters onto digits as (ord - 3) % 10 before the mod-10 check."""
    return int(char) if char.isdigit() else (ord(char) - 3) % 10


def _base36(value: int, width: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for _ in range(width):
        value, r = divmod(value, 36)
        out.append(digits[r])
    return "".join(reversed(out))


# Serial parts are passed through x -> (x * A + K) mod size.  With gcd(A, size) == 1 this is a bijection,
# so uniqueness and namespace disjointness survive, but consecutive accounts and air-waybill numbers no
# longer read 0000001, 0000002...  A is the integer nearest size / golden ratio that is coprime to size,
# which spreads consecutive values evenly over the whole space (no visible arithmetic progression).
_SCRAMBLE_K = 314_159_265_358_979


@cache
def _scramble_multiplier(size: int) -> int:
    multiplier = round(size * 0.6180339887498949)
    while gcd(multiplier, size) != 1:
        multiplier += 1
    return multiplier


def _scramble(value: int, size: int) -> int:
    return (value * _scramble_multiplier(size) + _SCRAMBLE_K) % size


# Serial-space sizes (how many distinct numbers each stream can ever produce).
_UPS_PACKAGES = 10**7  # 7-digit package id per shipper account
_UPS_SHIPPERS = 36**6  # 6-char alphanumeric shipper account
_FEDEX_EXPRESS_SIZE = 10**10  # "7" + 10 digits (+ check)
_FEDEX_GROUND_PACKAGES = 10**7  # 7-digit package id per shipper
_FEDEX_GROUND_SHIPPERS = 10**7  # 7-digit Ground shipper id
_DHL_SIZE = 9 * 10**8  # 9-digit serials 100000000..999999999 (+ mod-7 check)
_USPS_PACKAGES = 10**7  # 7-digit serial per 9-digit Mailer ID
_USPS_MAILERS = 10**8  # Mailer IDs 9xxxxxxxx
_AMAZON_SIZE = 9 * 10**11  # TBA + 12 digits, 100000000000..999999999999
_S10_SERIALS = 10**8  # 8-digit S10 serial per service indicator
_S10_VARIANTS = 26  # second indicator letter, used as overflow space beyond the preferred variant
_HERMES_SIZE = 10**13  # Hermes Germany 14-digit shipment ID: 13-digit serial (+ check)
_DPD_SIZE = 10**12  # DPD 14-digit parcel number: "01" (a German depot) + 12-digit serial (+ check)

# Multipliers for the hot-path scrambles, looked up once here rather than per number.
_FEDEX_EXPRESS_MULTIPLIER = _scramble_multiplier(_FEDEX_EXPRESS_SIZE)
_DHL_MULTIPLIER = _scramble_multiplier(_DHL_SIZE)
_AMAZON_MULTIPLIER = _scramble_multiplier(_AMAZON_SIZE)
_S10_MULTIPLIER = _scramble_multiplier(_S10_SERIALS)
_HERMES_MULTIPLIER = _scramble_multiplier(_HERMES_SIZE)
_DPD_MULTIPLIER = _scramble_multiplier(_DPD_SIZE)

_UPS_PACKAGE_SUM = _weighted_digit_sum((1, 2, 1, 2, 1, 2, 1))  # serial positions 8..14, odds x2
_FEDEX_EXPRESS_SUM = _weighted_digit_sum((1, 7, 3, 1, 7, 3, 1, 7, 3, 1))  # positions 1..10 of 3,1,7,...
_FEDEX_GROUND_SHIPPER_SUM = _weighted_digit_sum(_alternating(7, 1, 3))  # positions 0..6, odds x3
_FEDEX_GROUND_PACKAGE_SUM = _weighted_digit_sum(_alternating(7, 3, 1))  # positions 7..13
_USPS_PACKAGE_SUM = _weighted_digit_sum(_alternating(7, 3, 1))  # positions 14..20 of 21, evens x3
_S10_SUM = _weighted_digit_sum((8, 6, 4, 2, 3, 5, 9, 7))
# Hermes 14: weights 3,1,3,1... from the left over 13 digits; the tables take 12, so the leading digit
# (weight 3) is added separately and the other 12 start with weight 1.
_HERMES_TAIL_SUM = _weighted_digit_sum(_alternating(12, 1, 3))
_HERMES_TAIL = 10**12
_S10_CHECK_BY_REMAINDER = (5, 0, 9, 8, 7, 6, 5, 4, 3, 2, 1)  # r=0 -> 5, r=1 -> 0, else 11 - r

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _variant_letters(preferred: str) -> str:
    return preferred + _ALPHABET.replace(preferred, "")


# Keyed by the first letter (not the service) so that services sharing a product letter also share one
# variant order: the (variant, serial) pair then stays unique across them.
_S10_VARIANT_ORDER: dict[str, str] = {
    indicator[0]: _variant_letters(indicator[1]) for indicator in S10_SERVICE_INDICATORS.values()
}


_MOD36_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def mod37_36(serial: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) check character of ``serial`` (digits and capital letters), as
    jkeen's ``mod_37_36`` defines it for DPD numbers."""
    product = 36
    for char in serial:
        total = (product + _MOD36_ALPHABET.index(char)) % 36 or 36
        product = total * 2 % 37
    return _MOD36_ALPHABET[(37 - product) % 36]


def dpd_barcode(parcel_number: str, postal_code: str, service_code: str = "101", country: str = "276") -> str:
    """The 28-character DPD label barcode: destination postcode (7, zero-padded), the 14-digit
    parcel number, service code (3, ``101`` normal parcel), ISO 3166 numeric country (3, ``276``
    Germany) and the MOD 37,36 check character over those 27 digits (jkeen's ``DPD (28)``)."""
    digits = "".join(c for c in postal_code if c.isdigit())[-7:].rjust(7, "0")
    body = f"{digits}{parcel_number[:14]}{service_code}{country}"
    return body + mod37_36(body)


class _SerialBlock:
    """One namespace's private slice of a serial space, handed out in order.

    The slice is [namespace * size, (namespace + 1) * size); the starting point inside it is drawn from
    the factory's rng (within the first quarter), which is what makes different seeds differ.
    """

    __slots__ = ("end", "name", "next")

    def __init__(self, name: str, capacity: int, namespace: int, rng: random.Random) -> None:
        size = capacity // NAMESPACE_LIMIT
        start = namespace * size
        self.name = name
        self.next = start + rng.randrange(size // 4)
        self.end = start + size

    def take(self) -> int:
        value = self.next
        if value >= self.end:
            raise RuntimeError(f"{self.name} serial block of this namespace is exhausted")
        self.next = value + 1
        return value


def _unknown(kind: str, value: str, allowed: Sequence[str]) -> ValueError:
    return ValueError(f"unknown {kind} {value!r}; expected one of {', '.join(allowed)}")


class TrackingNumberFactory:
    """Mints unique, carrier-realistic tracking numbers, reproducibly from one ``random.Random``.

    ``namespace`` (0 <= namespace < NAMESPACE_LIMIT) selects a disjoint slice of every carrier's serial
    space, so e.g. pinned QA fixtures minted under their own namespace never collide with simulation
    traffic minted under namespace 0.
    """

    def __init__(self, rng: random.Random, namespace: int = 0) -> None:
        if not isinstance(namespace, int) or not 0 <= namespace < NAMESPACE_LIMIT:
            raise ValueError(f"namespace must be an int in [0, {NAMESPACE_LIMIT}), got {namespace!r}")
        self.namespace = namespace
        # Draw order is part of the reproducibility contract: do not reorder.
        self._ups = _SerialBlock("UPS", _UPS_SHIPPERS * _UPS_PACKAGES, namespace, rng)
        self._fedex_express = _SerialBlock("FedEx Express", _FEDEX_EXPRESS_SIZE, namespace, rng)
        self._fedex_ground = _SerialBlock(
            "FedEx Ground", _FEDEX_GROUND_SHIPPERS * _FEDEX_GROUND_PACKAGES, namespace, rng
        )
        self._dhl = _SerialBlock("DHL Express", _DHL_SIZE, namespace, rng)
        self._usps = _SerialBlock("USPS IMpb", _USPS_MAILERS * _USPS_PACKAGES, namespace, rng)
        self._amazon = _SerialBlock("Amazon", _AMAZON_SIZE, namespace, rng)
        self._s10 = _SerialBlock("S10", _S10_VARIANTS * _S10_SERIALS, namespace, rng)
        # Appended after the original draws, so adding Hermes left every other stream unchanged.
        self._hermes = _SerialBlock("Hermes", _HERMES_SIZE, namespace, rng)
        self._dpd = _SerialBlock("DPD", _DPD_SIZE, namespace, rng)

        # Per-account prefixes, recomputed only when a counter rolls over into the next account.
        self._ups_account = -1
        self._ups_prefix: dict[str, tuple[str, int]] = {}
        self._fedex_ground_account = -1
        self._fedex_ground_shipper = ""
        self._fedex_ground_shipper_sum = 0
        self._usps_account = -1
        self._usps_prefix: dict[str, tuple[str, int]] = {}

        self._minters: dict[str, Callable[[str], str]] = {
            "ups": self.ups,
            "fedex": self.fedex,
            "dhl": self.dhl,
            "usps": self.usps,
            "amazon": self.amazon,
            "hermes": self.hermes,
            "dpd": self.dpd,
        }

    # -- public API ------------------------------------------------------------------------------

    def mint(self, carrier: str, service: str, origin_country: str = "US", dest_country: str = "US") -> str:
        """Mint the next number for ``carrier``/``service``.

        ``origin_country`` matters only for ``s10`` (the issuing postal operator's country suffix).
        ``dest_country`` is accepted for interface symmetry: none of the minted shapes encode the
        destination (the routing-prefixed USPS/FedEx 34-digit barcodes, which do, are not minted).
        """
        if carrier == "s10":
            return self.s10(origin_country, service)
        minter = self._minters.get(carrier)
        if minter is None:
            raise _unknown("carrier", carrier, _ALL_CARRIERS)
        return minter(service)

    def ups(self, service: str) -> str:
        """``1Z`` + shipper account (6) + service code (2) + package id (7) + mod-10 check."""
        code = UPS_SERVICE_CODES.get(service)
        if code is None:
            raise _unknown("service", service, SERVICES)
        account, package = divmod(self._ups.take(), _UPS_PACKAGES)
        if account != self._ups_account:
            self._set_ups_account(account)
        prefix, prefix_sum = self._ups_prefix[code]
        return f"1Z{prefix}{package:07d}{-(prefix_sum + _UPS_PACKAGE_SUM(package)) % 10}"

    def fedex(self, service: str) -> str:
        """Express 12-digit for air/international services; Ground (22-digit ``96`` or 15-digit) otherwise."""
        if service in _FEDEX_GROUND_SERVICES:
            account, package = divmod(self._fedex_ground.take(), _FEDEX_GROUND_PACKAGES)
            if account != self._fedex_ground_account:
                self._set_fedex_ground_account(account)
            total = self._fedex_ground_shipper_sum + _FEDEX_GROUND_PACKAGE_SUM(package)
            tail = f"{self._fedex_ground_shipper}{package:07d}{-total % 10}"
            return _FEDEX_GROUND_BARCODE_PREFIX + tail if service == "ground" else tail
        if service not in _SERVICE_SET:
            raise _unknown("service", service, SERVICES)
        serial = (self._fedex_express.take() * _FEDEX_EXPRESS_MULTIPLIER + _SCRAMBLE_K) % _FEDEX_EXPRESS_SIZE
        check = (21 + _FEDEX_EXPRESS_SUM(serial)) % 11 % 10  # leading 7 x weight 3 = 21
        return f"7{serial:010d}{check}"

    def dhl(self, service: str) -> str:
        """DHL Express 10-digit waybill (9-digit serial + mod-7 check) for every service.

        DHL's domestic economy product is DHL eCommerce (``GM…`` numbers), but the ``tracking-numbers``
        package does not know that format, so all services use Express waybills.
        """
        if service not in _SERVICE_SET:
            raise _unknown("service", service, SERVICES)
        serial = 100_000_000 + (self._dhl.take() * _DHL_MULTIPLIER + _SCRAMBLE_K) % _DHL_SIZE
        return f"{serial}{serial % 7}"

    def usps(self, service: str) -> str:
        """IMpb ``92`` + STC (3) + 9-digit Mailer ID + 7-digit serial + mod-10 check (22 digits).

        ``international`` yields a UPU S10 number issued by the US (``CP…US``, Priority Mail
        International), which is what USPS puts on outbound international items.
        """
        if service == "international":
            return self.s10("US", service)
        stc = USPS_SERVICE_TYPE_CODES.get(service)
        if stc is None:
            raise _unknown("service", service, SERVICES)
        account, package = divmod(self._usps.take(), _USPS_PACKAGES)
        if account != self._usps_account:
            self._set_usps_account(account)
        prefix, prefix_sum = self._usps_prefix[stc]
        return f"{prefix}{package:07d}{-(prefix_sum + _USPS_PACKAGE_SUM(package)) % 10}"

    def amazon(self, service: str = "ground") -> str:
        """Amazon Logistics ``TBA`` + 12 digits (no check digit), whatever the service."""
        if service not in _SERVICE_SET:
            raise _unknown("service", service, SERVICES)
        serial = (self._amazon.take() * _AMAZON_MULTIPLIER + _SCRAMBLE_K) % _AMAZON_SIZE
        return f"TBA{100_000_000_000 + serial}"

    def hermes(self, service: str = "ground") -> str:
        """Hermes Germany 14-digit shipment ID: 13-digit serial + check digit, whatever the service.

        Check digit: mod 10 with weights 3,1,3,1… from the left, as paketda.de documents for 14-digit
        Hermes numbers (its example ``09133131530724`` passes).  Hermes publishes no structure for the
        13 leading digits, so they are one scrambled serial.  The 20-character ``H…`` IDs that HSI
        also issues (spec example ``H9746130018743501086``) have no documented check digit and are
        accepted by ``is_valid`` but not minted.
        """
        if service not in _SERVICE_SET:
            raise _unknown("service", service, SERVICES)
        serial = (self._hermes.take() * _HERMES_MULTIPLIER + _SCRAMBLE_K) % _HERMES_SIZE
        head, tail = divmod(serial, _HERMES_TAIL)
        return f"{serial:013d}{-(3 * head + _HERMES_TAIL_SUM(tail)) % 10}"

    def dpd(self, service: str = "ground") -> str:
        """DPD parcel number as a person types it: 14 digits + the ISO 7064 MOD 37,36 check character.

        The 14 digits are the ``parcelLabelNumber`` DPD's web services take; their first four are the
        sending depot (DPD Germany's depots are numbered 01xx, e.g. ``0140…``), the rest a scrambled
        serial.  The check character is printed after them on the label and in DPD's own tracking
        (jkeen's ``DPD (14)``: ``09 9800 0002 0033 F``).  Every service gets the same shape.
        """
        if service not in _SERVICE_SET:
            raise _unknown("service", service, SERVICES)
        serial = (self._dpd.take() * _DPD_MULTIPLIER + _SCRAMBLE_K) % _DPD_SIZE
        number = f"01{serial:012d}"
        return number + mod37_36(number)

    def s10(self, country: str, service: str = "international") -> str:
        """UPU S10: indicator (2 letters) + 8-digit serial + check + issuing country (ISO 3166 alpha-2).

        The second indicator letter is the operator's preferred variant (e.g. ``RR``); only a namespace
        whose slice lies beyond the first 10^8 serials spills over to other variants (``RA``, ``RB``…).
        """
        indicator = S10_SERVICE_INDICATORS.get(service)
        if indicator is None:
            raise _unknown("service", service, SERVICES)
        if country not in S10_COUNTRIES:
            country = country.upper()
            if country not in S10_COUNTRIES:
                raise ValueError(f"{country!r} is not a UPU S10 issuing country")
        variant, serial = divmod(self._s10.take(), _S10_SERIALS)
        serial = (serial * _S10_MULTIPLIER + _SCRAMBLE_K) % _S10_SERIALS
        first = indicator[0]
        check = _S10_CHECK_BY_REMAINDER[_S10_SUM(serial) % 11]
        return f"{first}{_S10_VARIANT_ORDER[first][variant]}{serial:08d}{check}{country}"

    # -- account rollover ------------------------------------------------------------------------

    def _set_ups_account(self, account: int) -> None:
        shipper = _base36(_scramble(account, _UPS_SHIPPERS), 6)
        self._ups_account = account
        self._ups_prefix = {}
        for code in UPS_SERVICE_CODES.values():
            prefix = shipper + code
            weighted = sum(_ups_char_value(c) * (2 if i % 2 else 1) for i, c in enumerate(prefix))
            self._ups_prefix[code] = (prefix, weighted)

    def _set_fedex_ground_account(self, account: int) -> None:
        shipper = _scramble(account, _FEDEX_GROUND_SHIPPERS)
        self._fedex_ground_account = account
        self._fedex_ground_shipper = f"{shipper:07d}"
        self._fedex_ground_shipper_sum = _FEDEX_GROUND_SHIPPER_SUM(shipper)

    def _set_usps_account(self, account: int) -> None:
        mailer_id = f"9{_scramble(account, _USPS_MAILERS):08d}"
        self._usps_account = account
        self._usps_prefix = {}
        for stc in USPS_SERVICE_TYPE_CODES.values():
            # Serial = AI(2) + STC(3) + MID(9) + package(7) = 21 digits; counted from the right, even
            # positions weigh 3 -- with 21 digits those are the even positions from the left too.
            prefix = f"92{stc}{mailer_id}"
            weighted = sum(int(c) * (1 if i % 2 else 3) for i, c in enumerate(prefix))
            self._usps_prefix[stc] = (prefix, weighted)


# --------------------------------------------------------------------------------------------------
# Validation and detection (regex + checksum per format, transcribed from tracking_number_data)
# --------------------------------------------------------------------------------------------------
#
# Semantics follow jkeen's tracking_number gem: whitespace anywhere is ignored; a number is valid for a
# format when it fully matches the format's regex, passes its checksum, and every lookup listed under
# ``validation.additional.exists`` matches (only S10's country uses that).  Other lookups (UPS/USPS
# service tables, FedEx SSCC container type) are descriptive, so unknown codes do not invalidate.

_WHITESPACE = re.compile(r"\s+")

_Check = Callable[[re.Match[str]], bool]


class _Format(NamedTuple):
    name: str
    carrier: str
    pattern: re.Pattern[str]
    check: _Check | None


def _mod10(
    odds: int, evens: int, *, reverse: bool = False, letters: bool = False, prepend91: bool = False
) -> _Check:
    """jkeen ``mod10``: index i over the serial (optionally reversed); odd i x odds, even i x evens."""

    def check(match: re.Match[str]) -> bool:
        serial = match["serial"]
        if prepend91 and not serial.startswith("91"):
            serial = "91" + serial
        values = [_ups_char_value(c) for c in serial] if letters else [int(c) for c in serial]
        if reverse:
            values.reverse()
        total = sum(v * (odds if i % 2 else evens) for i, v in enumerate(values))
        return -total % 10 == int(match["check"])

    return check


def _weighted_mod(weights: Sequence[int], modulo1: int, modulo2: int) -> _Check:
    """jkeen ``sum_product_with_weightings_and_modulo``: sum(d_i * w_i) % modulo1 % modulo2."""

    def check(match: re.Match[str]) -> bool:
        total = sum(int(c) * w for c, w in zip(match["serial"], weights, strict=True))
        return total % modulo1 % modulo2 == int(match["check"])

    return check


def _mod37_36_check(match: re.Match[str]) -> bool:
    return mod37_36(match["serial"]) == match["check"]


def _mod7(match: re.Match[str]) -> bool:
    return int(match["serial"]) % 7 == int(match["check"])


def _s10_check(countries: frozenset[str]) -> _Check:
    """UPU S10 weights 8,6,4,2,3,5,9,7 mod 11, plus the issuing country must be a known operator."""

    def check(match: re.Match[str]) -> bool:
        if match["country"] not in countries:
            return False
        total = sum(int(c) * w for c, w in zip(match["serial"], (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
        return _S10_CHECK_BY_REMAINDER[total % 11] == int(match["check"])

    return check


def _fmt(name: str, carrier: str, regex: str, check: _Check | None) -> _Format:
    return _Format(name, carrier, re.compile(regex), check)


# USPS IMpb pieces.  A leading "420" + ZIP (+4) routing prefix is optional; lookaheads pin the total
# length so that ZIP+4 is only taken when exactly 22 digits follow (as in usps.json).
_IMPB_N = (
    r"(?:420[0-9]{5}(?=[0-9]{22}\Z|[0-9]{26}\Z)(?:[0-9]{4}(?=[0-9]{22}\Z))?)?"
    r"(?P<serial>94[0-9]{3}"
    r"(?=9[0-9]{8}(?:[0-9]{15}|[0-9]{11}|[0-9]{7})[0-9]\Z|[0-8][0-9]{5}(?:[0-9]{14}|[0-9]{10})[0-9]\Z)"
    r"(?:9[0-9]{8}|[0-8][0-9]{5})"
    r"(?:[0-9]{15}|[0-9]{14}|[0-9]{11}|[0-9]{10}|[0-9]{7}))"
    r"(?P<check>[0-9])"
)
_IMPB_C = (
    r"(?:420[0-9]{5}(?:[0-9]{4}(?=[0-9]{22}\Z))?)?"
    r"(?P<serial>(?:92(?=[0-9]{3}9)|93(?=[0-9]{3}[0-8])|95)[0-9]{3}"
    r"(?=9[0-9]{8}(?:[0-9]{11}|[0-9]{7})[0-9]\Z|[0-8][0-9]{5}(?:[0-9]{14}|[0-9]{10})[0-9]\Z)"
    r"(?:9[0-9]{8}|[0-8][0-9]{5})"
    r"(?:[0-9]{14}|[0-9]{11}|[0-9]{10}|[0-9]{7}))"
    r"(?P<check>[0-9])"
)
_S10 = r"(?P<indicator>[A-Z]{2})(?P<serial>[0-9]{8})(?P<check>[0-9])(?P<country>[A-Z]{2})"

_FORMATS: tuple[_Format, ...] = (
    # Formats with a check digit first, so detect_carrier prefers them over check-less look-alikes.
    _fmt("S10", "s10", _S10, _s10_check(S10_COUNTRIES)),
    _fmt(
        "UPS",
        "ups",
        r"1Z(?P<serial>[A-Z0-9]{6}[A-Z0-9]{2}[A-Z0-9]{7})(?P<check>[0-9])",
        _mod10(2, 1, letters=True),
    ),
    _fmt("UPS Waybill", "ups", r"[AHJKTV](?P<serial>[0-9]{9})(?P<check>[0-9])", _mod10(2, 1)),
    # USPS before FedEx: a "420"-routed 34-digit IMpb also fits FedEx Express (34)'s loose shape.
    _fmt("USPS 20", "usps", r"(?P<serial>[0-9]{19})(?P<check>[0-9])", _mod10(1, 3)),
    _fmt("USPS IMpb N", "usps", _IMPB_N, _mod10(1, 3, reverse=True)),
    _fmt(
        "USPS Legacy",
        "usps",
        r"(?:420[0-9]{5}(?:[0-9]{4})?)?(?P<serial>(?:91)?[0-9]{19})(?P<check>[0-9])",
        _mod10(1, 3, prepend91=True),
    ),
    _fmt("USPS IMpb C", "usps", _IMPB_C, _mod10(1, 3)),
    # USPS's own international items carry S10 numbers issued by "US".
    _fmt("USPS S10", "usps", _S10, _s10_check(frozenset({"US"}))),
    _fmt(
        "FedEx Express (12)",
        "fedex",
        r"(?P<serial>[0-9]{11})(?P<check>[0-9])",
        _weighted_mod((3, 1, 7) * 3 + (3, 1), 11, 10),
    ),
    _fmt(
        "FedEx Express (34)",
        "fedex",
        r"[0-8][0-9]{14}[0-9]{5}(?P<serial>[0-9]{13})(?P<check>[0-9])",
        _weighted_mod((1, 7, 3) * 4 + (1,), 11, 10),
    ),
    _fmt(
        "FedEx ASTRA (32)",
        "fedex",
        r"3[0-9]{15}(?P<serial>[0-9]{11})(?P<check>[0-9])[0-9]{4}",
        _weighted_mod((3, 1, 7) * 3 + (3, 1), 11, 10),
    ),
    _fmt("FedEx Ground", "fedex", r"(?P<serial>[0-9]{14})(?P<check>[0-9])", _mod10(3, 1)),
    _fmt("FedEx Ground (SSCC-18)", "fedex", r"[0-9]{2}(?P<serial>[0-9]{15})(?P<check>[0-9])", _mod10(1, 3)),
    _fmt(
        "FedEx Ground 96 (22)",
        "fedex",
        r"96[0-9]{2}[0-9]{3}(?P<serial>[0-9]{14})(?P<check>[0-9])",
        _mod10(3, 1),
    ),
    _fmt(
        "FedEx Ground GSN",
        "fedex",
        r"96[0-9]{2}[0-9]{5}[0-9]{10}[0-9](?P<serial>[0-9]{13})(?P<check>[0-9])",
        _weighted_mod((1, 7, 3) * 4 + (1,), 11, 10),
    ),
    _fmt("DHL Express", "dhl", r"(?P<serial>[0-9]{9,10})(?P<check>[0-9])", _mod7),
    # Before the check-less "DHL E-Commerce (14)": a 14-digit number whose Hermes check digit holds
    # is read as Hermes (none of jkeen's DHL 14-digit test numbers passes it).
    _fmt("Hermes Germany (14)", "hermes", r"(?P<serial>[0-9]{13})(?P<check>[0-9])", _mod10(1, 3)),
    # DPD: the check character is a letter or digit over 14 (or 27) digits; "DPD (14)" is 15 characters,
    # so no 14/15-digit format above can take it once its check fails.
    _fmt("DPD (28)", "dpd", r"(?P<serial>[0-9]{27})(?P<check>[0-9A-Z])", _mod37_36_check),
    _fmt("DPD (14)", "dpd", r"(?P<serial>[0-9]{14})(?P<check>[0-9A-Z])", _mod37_36_check),
    # Check-less formats last.
    _fmt("Amazon Logistics", "amazon", r"TB[ACM][0-9]{12}", None),
    _fmt("DHL Express (Piece ID)", "dhl", r"J[A-Z]{2,3}[0-9]{9,10}", None),
    _fmt("DHL E-Commerce", "dhl", r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)[0-9][0-9A-Z]{9,38}", None),
    _fmt("DHL E-Commerce (14)", "dhl", r"[0-9]{14}", None),
    _fmt("Amazon International", "amazon", r"[AFC][0-9]{10}", None),
    # HSI-generated IDs (openapi-shipment.yaml example "H9746130018743501086"); no documented check.
    _fmt("Hermes Germany HSI (20)", "hermes", r"H[0-9]{19}", None),
)

_FORMATS_BY_CARRIER: dict[str, tuple[_Format, ...]] = {
    carrier: tuple(f for f in _FORMATS if f.carrier == carrier) for carrier in _ALL_CARRIERS
}


def _normalize(number: str) -> str:
    return _WHITESPACE.sub("", number).upper()


def _first_match(formats: Sequence[_Format], text: str) -> _Format | None:
    for fmt in formats:
        match = fmt.pattern.fullmatch(text)
        if match is not None and (fmt.check is None or fmt.check(match)):
            return fmt
    return None


def is_valid(carrier: str, number: str) -> bool:
    """True if ``number`` is a well-formed ``carrier`` number with a correct check digit.

    Why our own validator: the mock APIs must reject malformed numbers the way the carriers do, and the
    ``tracking-numbers`` package lags the reference data (no UPS waybills, DHL eCommerce, IMpb variants).
    Whitespace is ignored and letters are case-insensitive, as carrier tracking pages are.
    """
    formats = _FORMATS_BY_CARRIER.get(carrier)
    if formats is None:
        raise _unknown("carrier", carrier, _ALL_CARRIERS)
    return _first_match(formats, _normalize(number)) is not None


def format_name(number: str) -> str | None:
    """Name of the first format (in detection order) that ``number`` satisfies, e.g. ``"USPS IMpb C"``."""
    fmt = _first_match(_FORMATS, _normalize(number))
    return None if fmt is None else fmt.name


def detect_carrier(number: str) -> str | None:
    """Best-effort guess of whose format ``number`` is, or None.

    Formats with a check digit are tried before check-less ones, so e.g. ``LX123456785CN`` is read as an
    S10 postal item rather than a DHL eCommerce id.  Any S10 number (including USPS-issued ``…US`` ones)
    is reported as ``"s10"``: the format, not the operator.
    """
    fmt = _first_match(_FORMATS, _normalize(number))
    return None if fmt is None else fmt.carrier
