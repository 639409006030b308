"""DPD parcel numbers as clients send them → the form the sandbox files parcels under.

DPD's services take the 14-digit ``parcelLabelNumber`` ("05… (14-digit string)") [DOC DPD
Netherlands]; people also copy the number with its check character (15 characters, as DPD's
tracking page and the label print it) or scan the 28-character barcode [jkeen's tracking_number_data
``DPD (14)``/``DPD (28)``]. The sandbox mints the 15-character form (``sim.tracking_numbers``); all
three forms find the parcel, a wrong check character finds nothing.
"""

from __future__ import annotations

import re

from sim.tracking_numbers import mod37_36

_SPACES = re.compile(r"\s+")
_DIGITS14 = re.compile(r"[0-9]{14}")
_WITH_CHECK = re.compile(r"([0-9]{14})([0-9A-Z])")
_BARCODE = re.compile(r"([0-9]{27})([0-9A-Z])")


def parcel_number(value: str | None) -> str | None:
    """The 15-character number (14 digits + check) for any of DPD's forms, else None."""
    if not value:
        return None
    raw = _SPACES.sub("", value).upper()
    if _DIGITS14.fullmatch(raw):
        return raw + mod37_36(raw)
    match = _WITH_CHECK.fullmatch(raw)
    if match is not None:
        return raw if mod37_36(match[1]) == match[2] else None
    match = _BARCODE.fullmatch(raw)
    if match is not None and mod37_36(match[1]) == match[2]:
        digits = match[1][7:21]
        return digits + mod37_36(digits)
    return None


def label_number(number: str) -> str:
    """The 14-digit ``parcelLabelNumber`` of a 15-character number."""
    return number[:14]
