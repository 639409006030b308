"""Hermes Germany shipment IDs in sim.tracking_numbers.

Why a separate file: Hermes is in neither of the two judges ``test_tracking_numbers.py`` checks every
carrier against — jkeen's tracking_number_data has no Hermes file and the ``tracking-numbers`` package
(0.1.8) recognises no Hermes number — so Hermes is a ``REGIONAL_CARRIER`` and is tested here against
the one published check-digit rule (paketda.de: 14-digit Hermes numbers use mod 10 with weights 3,1
from the left; example ``09133131530724``) and the HSI spec's example ID.
"""

from __future__ import annotations

import random

import pytest
import tracking_numbers

from sim.tracking_numbers import (
    CARRIERS,
    REGIONAL_CARRIERS,
    SERVICES,
    TrackingNumberFactory,
    detect_carrier,
    format_name,
    is_valid,
)

pytestmark = pytest.mark.unit

PER_SERVICE = 300
#: paketda.de's worked example of a 14-digit Hermes number [3P].
PUBLISHED_14 = "09133131530724"
#: openapi-shipment.yaml ``ShipmentInfo.shipmentID`` example (HSI-generated, 20 characters) [SPEC].
HSI_EXAMPLE = "H9746130018743501086"


def _check_digit(serial: str) -> int:
    """The published rule, written out independently of the module's table-driven code."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(serial))
    return (10 - total % 10) % 10


def _mint(seed: int, service: str, count: int = PER_SERVICE, namespace: int = 0) -> list[str]:
    f = TrackingNumberFactory(random.Random(seed), namespace=namespace)
    return [f.mint("hermes", service, "DE", "DE") for _ in range(count)]


def test_hermes_is_a_regional_carrier() -> None:
    assert "hermes" in REGIONAL_CARRIERS and "hermes" not in CARRIERS


def test_published_example_is_valid() -> None:
    assert _check_digit(PUBLISHED_14[:13]) == int(PUBLISHED_14[13])
    assert is_valid("hermes", PUBLISHED_14)
    assert detect_carrier(PUBLISHED_14) == "hermes"
    assert format_name(PUBLISHED_14) == "Hermes Germany (14)"


def test_hsi_ids_are_valid_without_a_check_digit() -> None:
    assert is_valid("hermes", HSI_EXAMPLE)
    assert is_valid("hermes", "h9746130018743501086 ")  # case and whitespace are ignored
    assert detect_carrier(HSI_EXAMPLE) == "hermes"
    assert format_name(HSI_EXAMPLE) == "Hermes Germany HSI (20)"
    for bad in ("H974613001874350108", "H97461300187435010860", "X9746130018743501086"):
        assert not is_valid("hermes", bad)


@pytest.mark.parametrize("service", SERVICES)
def test_minted_numbers_are_14_digit_hermes_ids(service: str) -> None:
    for number in _mint(99, service):
        assert len(number) == 14 and number.isdigit()
        assert _check_digit(number[:13]) == int(number[13]), number
        assert is_valid("hermes", number)
        assert detect_carrier(number) == "hermes"
        assert format_name(number) == "Hermes Germany (14)"


@pytest.mark.parametrize("service", SERVICES)
def test_changed_digit_is_rejected(service: str) -> None:
    """Mod 10 with weights 3 and 1 catches every single-digit change."""
    for number in _mint(3, service, 100):
        for index in range(14):
            corrupted = number[:index] + str((int(number[index]) + 1) % 10) + number[index + 1 :]
            assert not is_valid("hermes", corrupted), f"{number} -> {corrupted}"


def test_other_carriers_numbers_are_not_hermes() -> None:
    for number in (
        "1Z5R89390357567127",
        "9400111206206406260787",
        "3318810025",
        "TBA123456789012",
        "RB123456785GB",
        "60120172242323",
    ):  # the last: jkeen's DHL eCommerce 14-digit example
        assert not is_valid("hermes", number), number
        assert detect_carrier(number) != "hermes", number


def test_tracking_numbers_package_does_not_know_hermes() -> None:
    """Stated in the module: the independent package cannot judge these numbers."""
    for number in (PUBLISHED_14, HSI_EXAMPLE, *_mint(5, "ground", 20)):
        assert tracking_numbers.get_tracking_number(number) is None


def test_unique_and_deterministic() -> None:
    a = _mint(2024, "ground", 5000)
    assert len(set(a)) == len(a)
    assert a == _mint(2024, "ground", 5000)
    assert a != _mint(2025, "ground", 5000)


def test_consecutive_ids_do_not_look_sequential() -> None:
    a = _mint(1, "ground", 50)
    assert len({n[:6] for n in a}) > 40


@pytest.mark.parametrize("namespace", [1, 7, 500, 999])
def test_namespaces_never_collide(namespace: int) -> None:
    base = set()
    for seed in (0, 1, 2):
        base.update(_mint(seed, "ground", 3000))
    other = {n for seed in (0, 1, 2) for n in _mint(seed, "ground", 3000, namespace)}
    assert not base & other


def test_adding_hermes_left_the_other_streams_alone() -> None:
    """Hermes's serial block is drawn after all others, so existing numbers keep their values."""
    f = TrackingNumberFactory(random.Random(42))
    g = TrackingNumberFactory(random.Random(42))
    g.mint("hermes", "ground")
    for carrier in ("ups", "fedex", "dhl", "usps", "amazon"):
        assert f.mint(carrier, "ground") == g.mint(carrier, "ground")


def test_only_the_given_rng_is_used_and_only_at_construction() -> None:
    random.seed(1234)
    state = random.getstate()
    rng = random.Random(7)
    f = TrackingNumberFactory(rng)
    rng_state = rng.getstate()
    _ = [f.mint("hermes", s) for s in SERVICES for _ in range(50)]
    assert random.getstate() == state
    assert rng.getstate() == rng_state


def test_unknown_service_and_carrier_are_rejected() -> None:
    f = TrackingNumberFactory(random.Random(1))
    with pytest.raises(ValueError, match="service"):
        f.mint("hermes", "teleport")
    with pytest.raises(ValueError, match="hermes"):
        f.mint("royalmail", "ground")  # the message lists the carriers, Hermes included
    with pytest.raises(ValueError, match="carrier"):
        is_valid("royalmail", PUBLISHED_14)
