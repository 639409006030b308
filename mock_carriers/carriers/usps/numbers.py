"""What USPS makes of a tracking number it does not know: a USPS number, another shipper's, or junk.

Formats and check digits follow jkeen/tracking_number_data (``vendor/specs/tracking_numbers/``,
docs/carrier-apis.md §7): IMpb (``9[1-5]`` + service type + mailer id + serial, 20/22/26 digits, with an
optional ``420``+ZIP routing prefix; mod 10 with weight 3 on the rightmost serial digit), the
legacy 20-digit form, and UPU S10 (``RB123456785US``).
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["usps", "other_carrier", "invalid"]

_S10 = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
_IMPB = re.compile(r"^9[1-5]\d{18}(\d{2}|\d{6})?$")  # 20, 22 or 26 digits
_LEGACY20 = re.compile(r"^\d{20}$")
#: Numbers that are plainly some other carrier's: UPS 1Z, Amazon TBA, FedEx 12/15, DHL Express 10.
_OTHER = re.compile(r"^(1Z[0-9A-Z]{16}|TB[ACM]\d{12}|\d{10,12}|\d{15}|JJD\d{8,})$")

#: A valid IMpb number from the published test set, used as the ``example`` in 400 bodies.
EXAMPLE = "9400111206206406260787"


def normalize(raw: str) -> str:
    """USPS ignores spaces (numbers are printed in groups of four) and letter case."""
    return re.sub(r"\s+", "", raw).upper()


def _mod10_weight3_right(digits: str) -> bool:
    serial, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(serial)))
    return (10 - total % 10) % 10 == check


def _s10(number: str) -> bool:
    digits = number[2:10]
    total = sum(int(d) * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    r = 11 - total % 11
    check = 5 if r == 11 else 0 if r == 10 else r
    return check == int(number[10])


def _without_routing(number: str) -> list[str]:
    """The number itself, plus what remains after a ``420`` + ZIP5 / ZIP+4 routing prefix."""
    out = [number]
    if number.startswith("420"):
        out += [number[8:], number[12:]]
    return out


def classify(number: str) -> Kind:
    """``usps`` when the number is a well-formed USPS number with a valid check digit."""
    if not number or not number.isalnum() or len(number) > 40:
        return "invalid"
    if _S10.match(number):
        return "usps" if _s10(number) else "invalid"
    if number.isdigit():
        for candidate in _without_routing(number):
            if (_IMPB.match(candidate) or _LEGACY20.match(candidate)) and _mod10_weight3_right(candidate):
                return "usps"
    if _OTHER.match(number):
        return "other_carrier"
    return "invalid"


def service_type_code(number: str) -> str | None:
    """The IMpb service type code (digits 3–5 after the application identifier), if the number has one."""
    for candidate in _without_routing(number):
        if _IMPB.match(candidate) and len(candidate) >= 22:
            return candidate[2:5]
    return None
