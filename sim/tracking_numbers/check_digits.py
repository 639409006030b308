"""Check digits and serial spaces for minting, table driven (see the package docstring), and the
DPD MOD 37,36 check and label barcode."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from math import gcd

from sim.tracking_numbers.tables import S10_SERVICE_INDICATORS

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
_DHL_PAKET_SIZE = 10**11  # DHL Paket 20-digit: "00" + "340434" (DHL's GS1 prefix) + 11-digit serial (+ check)
_DHL_ECOMMERCE_SIZE = 9 * 10**15  # DHL eCommerce "GM" + 16 digits, 1000000000000000..9999999999999999

# Multipliers for the hot-path scrambles, looked up once here rather than per number.
_FEDEX_EXPRESS_MULTIPLIER = _scramble_multiplier(_FEDEX_EXPRESS_SIZE)
_DHL_MULTIPLIER = _scramble_multiplier(_DHL_SIZE)
_AMAZON_MULTIPLIER = _scramble_multiplier(_AMAZON_SIZE)
_S10_MULTIPLIER = _scramble_multiplier(_S10_SERIALS)
_HERMES_MULTIPLIER = _scramble_multiplier(_HERMES_SIZE)
_DPD_MULTIPLIER = _scramble_multiplier(_DPD_SIZE)
_DHL_PAKET_MULTIPLIER = _scramble_multiplier(_DHL_PAKET_SIZE)
_DHL_ECOMMERCE_MULTIPLIER = _scramble_multiplier(_DHL_ECOMMERCE_SIZE)

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
# DHL Paket 20: mod 10 with weights 3,1,3,1... from the left over 19 digits (paketda.de's "Modulo 10,
# Gewichtung 3131", GS1's SSCC check); the fixed "00340434" weighs 30, the 11-digit serial starts at 3.
_DHL_PAKET_PREFIX = "00340434"
_DHL_PAKET_PREFIX_SUM = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(_DHL_PAKET_PREFIX))
_DHL_PAKET_SERIAL_SUM = _weighted_digit_sum(_alternating(11, 3, 1))
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
