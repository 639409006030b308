"""DPD parcel numbers in sim.tracking_numbers, judged by jkeen's tracking_number_data.

Why a separate file: the ``tracking-numbers`` package (0.1.8) does not know DPD, so DPD is a
``REGIONAL_CARRIER`` kept out of the two-judge checks of ``test_tracking_numbers.py``. The judge
here is jkeen's ``couriers/dpd.json`` itself: its regexes (translated to Python) and its
``mod_37_36`` checksum, implemented below from that file's own parameters (modulo, alphabet) —
independently of the minting code — plus the file's valid and invalid test numbers.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import tracking_numbers

from sim.tracking_numbers import (
    CARRIERS,
    REGIONAL_CARRIERS,
    SERVICES,
    TrackingNumberFactory,
    detect_carrier,
    dpd_barcode,
    format_name,
    is_valid,
)

pytestmark = pytest.mark.unit

DPD_JSON = Path(__file__).resolve().parents[1] / "vendor" / "tracking_number_data" / "couriers" / "dpd.json"
FORMATS = {f["name"]: f for f in json.loads(DPD_JSON.read_text(encoding="utf-8"))["tracking_numbers"]}


def jkeen_valid(name: str, number: str) -> bool:
    """jkeen's rule for one DPD format: its regex (Ruby named groups → Python) and mod_37_36."""
    spec = FORMATS[name]
    pattern = re.compile("".join(spec["regex"]).replace("(?<", "(?P<"))
    match = pattern.fullmatch(number)
    if match is None:
        return False
    checksum = spec["validation"]["checksum"]
    assert checksum["name"] == "mod_37_36"
    modulo, alphabet = checksum["modulo"], checksum["alphabet"]
    serial = re.sub(r"\s", "", match["SerialNumber"])
    product = modulo
    for char in serial:  # ISO 7064 hybrid system MOD 37,36
        total = (product + alphabet.index(char)) % modulo or modulo
        product = total * 2 % (modulo + 1)
    return alphabet[(modulo + 1 - product) % modulo] == match["CheckDigit"].strip()


def _mint(seed: int, service: str, count: int, namespace: int = 0) -> list[str]:
    f = TrackingNumberFactory(random.Random(seed), namespace)
    return [f.mint("dpd", service, "DE", "DE") for _ in range(count)]


def test_dpd_is_a_regional_carrier() -> None:
    assert "dpd" in REGIONAL_CARRIERS and "dpd" not in CARRIERS


@pytest.mark.parametrize("name", ["DPD (14)", "DPD (28)"])
def test_jkeens_test_numbers(name: str) -> None:
    for number in FORMATS[name]["test_numbers"]["valid"]:
        assert jkeen_valid(name, number), number
        assert is_valid("dpd", number) and format_name(number) == name
    for number in FORMATS[name]["test_numbers"]["invalid"]:
        assert not jkeen_valid(name, number), number
        assert not is_valid("dpd", number), number


@pytest.mark.parametrize("service", SERVICES)
def test_every_minted_number_is_a_valid_dpd_14(service: str) -> None:
    for number in _mint(11, service, 2000):
        assert len(number) == 15 and number[:14].isdigit() and number.startswith("01"), number
        assert jkeen_valid("DPD (14)", number), number
        assert is_valid("dpd", number) and format_name(number) in ("DPD (14)", "FedEx Ground"), number
        # A 15-digit number whose check character is a digit can also pass FedEx Ground's mod 10.
        assert detect_carrier(number) == "dpd" or is_valid("fedex", number), number


def test_every_barcode_is_a_valid_dpd_28() -> None:
    for number in _mint(12, "ground", 500):
        barcode = dpd_barcode(number, "80469")
        assert len(barcode) == 28 and barcode.startswith("0080469") and barcode[7:21] == number[:14]
        assert barcode[21:27] == "101276"  # normal parcel, Germany
        assert jkeen_valid("DPD (28)", barcode) and is_valid("dpd", barcode), barcode


def test_a_changed_character_is_caught() -> None:
    for number in _mint(13, "ground", 300):
        for i in range(14):
            digit = str((int(number[i]) + 3) % 10)
            assert not jkeen_valid("DPD (14)", number[:i] + digit + number[i + 1 :])
            assert not is_valid("dpd", number[:i] + digit + number[i + 1 :])


def test_tracking_numbers_package_does_not_know_dpd() -> None:
    """Stated in the module: the independent package cannot judge these numbers."""
    for number in (*FORMATS["DPD (14)"]["test_numbers"]["valid"], *_mint(5, "ground", 20)):
        parsed = tracking_numbers.get_tracking_number(number.replace(" ", ""))
        assert parsed is None or parsed.courier.code != "dpd"


def test_unique_deterministic_and_namespaced() -> None:
    a = _mint(2024, "ground", 5000)
    assert len(set(a)) == len(a) and a == _mint(2024, "ground", 5000) and a != _mint(2025, "ground", 5000)
    assert not set(a) & set(_mint(2024, "ground", 5000, namespace=1))
    assert len({n[2:8] for n in a[:50]}) > 40  # consecutive numbers do not look sequential


def test_adding_dpd_left_the_other_streams_alone() -> None:
    """DPD's serial block is drawn after all others, so existing numbers keep their values."""
    f = TrackingNumberFactory(random.Random(42))
    g = TrackingNumberFactory(random.Random(42))
    g.mint("dpd", "ground")
    for carrier in ("ups", "fedex", "dhl", "usps", "amazon", "hermes"):
        assert f.mint(carrier, "ground") == g.mint(carrier, "ground")
