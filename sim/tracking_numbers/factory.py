"""``TrackingNumberFactory``: unique, carrier-realistic numbers from one ``random.Random``, each
namespace in its own slice of every serial space."""

from __future__ import annotations

import random
from collections.abc import Callable

from sim.tracking_numbers.check_digits import (
    _AMAZON_MULTIPLIER,
    _AMAZON_SIZE,
    _DHL_ECOMMERCE_MULTIPLIER,
    _DHL_ECOMMERCE_SIZE,
    _DHL_MULTIPLIER,
    _DHL_PAKET_MULTIPLIER,
    _DHL_PAKET_PREFIX,
    _DHL_PAKET_PREFIX_SUM,
    _DHL_PAKET_SERIAL_SUM,
    _DHL_PAKET_SIZE,
    _DHL_SIZE,
    _DPD_MULTIPLIER,
    _DPD_SIZE,
    _FEDEX_EXPRESS_MULTIPLIER,
    _FEDEX_EXPRESS_SIZE,
    _FEDEX_EXPRESS_SUM,
    _FEDEX_GROUND_PACKAGE_SUM,
    _FEDEX_GROUND_PACKAGES,
    _FEDEX_GROUND_SHIPPER_SUM,
    _FEDEX_GROUND_SHIPPERS,
    _HERMES_MULTIPLIER,
    _HERMES_SIZE,
    _HERMES_TAIL,
    _HERMES_TAIL_SUM,
    _S10_CHECK_BY_REMAINDER,
    _S10_MULTIPLIER,
    _S10_SERIALS,
    _S10_SUM,
    _S10_VARIANT_ORDER,
    _S10_VARIANTS,
    _SCRAMBLE_K,
    _UPS_PACKAGE_SUM,
    _UPS_PACKAGES,
    _UPS_SHIPPERS,
    _USPS_MAILERS,
    _USPS_PACKAGE_SUM,
    _USPS_PACKAGES,
    _base36,
    _scramble,
    _ups_char_value,
    mod37_36,
)
from sim.tracking_numbers.tables import (
    _ALL_CARRIERS,
    _FEDEX_GROUND_BARCODE_PREFIX,
    _FEDEX_GROUND_SERVICES,
    _SERVICE_SET,
    DHL_ECOMMERCE,
    DHL_PARCEL_DE,
    NAMESPACE_LIMIT,
    S10_COUNTRIES,
    S10_SERVICE_INDICATORS,
    SERVICES,
    UPS_SERVICE_CODES,
    USPS_SERVICE_TYPE_CODES,
    dhl_backend,
    unknown,
)


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
        self._dhl_paket = _SerialBlock("DHL Paket", _DHL_PAKET_SIZE, namespace, rng)
        self._dhl_ecommerce = _SerialBlock("DHL eCommerce", _DHL_ECOMMERCE_SIZE, namespace, rng)

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

        ``origin_country`` matters for ``s10`` (the issuing postal operator's country suffix) and,
        with ``dest_country``, for ``dhl`` (which DHL business carries the parcel, ``dhl_backend``).
        No minted shape encodes the destination itself (the routing-prefixed USPS/FedEx 34-digit
        barcodes, which do, are not minted).
        """
        if carrier == "s10":
            return self.s10(origin_country, service)
        if carrier == "dhl":
            return self.dhl(service, origin_country, dest_country)
        minter = self._minters.get(carrier)
        if minter is None:
            raise unknown("carrier", carrier, _ALL_CARRIERS)
        return minter(service)

    def ups(self, service: str) -> str:
        """``1Z`` + shipper account (6) + service code (2) + package id (7) + mod-10 check."""
        code = UPS_SERVICE_CODES.get(service)
        if code is None:
            raise unknown("service", service, SERVICES)
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
            raise unknown("service", service, SERVICES)
        serial = (self._fedex_express.take() * _FEDEX_EXPRESS_MULTIPLIER + _SCRAMBLE_K) % _FEDEX_EXPRESS_SIZE
        check = (21 + _FEDEX_EXPRESS_SUM(serial)) % 11 % 10  # leading 7 x weight 3 = 21
        return f"7{serial:010d}{check}"

    def dhl(self, service: str, origin_country: str = "US", dest_country: str = "US") -> str:
        """The number of the DHL business that carries the parcel (``dhl_backend``).

        - **DHL Paket** (Parcel DE): 20 digits, ``00`` + DHL's GS1 company prefix ``340434`` + an
          11-digit serial + mod-10 check (weights 3,1 from the left): the shape of Parcel DE's
          business labels (``00340434…``; paketda.de, jkeen/tracking_number_data issue 30);
        - **DHL eCommerce** (US domestic): ``GM`` + 16 digits, no check digit (jkeen's
          ``DHL E-Commerce``, e.g. ``GM2951173225174494``);
        - **DHL Express**: 10-digit waybill, 9-digit serial + mod-7 check.
        """
        if service not in _SERVICE_SET:
            raise unknown("service", service, SERVICES)
        backend = dhl_backend(service, origin_country, dest_country)
        if backend == DHL_PARCEL_DE:
            serial = (self._dhl_paket.take() * _DHL_PAKET_MULTIPLIER + _SCRAMBLE_K) % _DHL_PAKET_SIZE
            check = -(_DHL_PAKET_PREFIX_SUM + _DHL_PAKET_SERIAL_SUM(serial)) % 10
            return f"{_DHL_PAKET_PREFIX}{serial:011d}{check}"
        if backend == DHL_ECOMMERCE:
            serial = self._dhl_ecommerce.take() * _DHL_ECOMMERCE_MULTIPLIER + _SCRAMBLE_K
            serial %= _DHL_ECOMMERCE_SIZE
            return f"GM{10**15 + serial}"
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
            raise unknown("service", service, SERVICES)
        account, package = divmod(self._usps.take(), _USPS_PACKAGES)
        if account != self._usps_account:
            self._set_usps_account(account)
        prefix, prefix_sum = self._usps_prefix[stc]
        return f"{prefix}{package:07d}{-(prefix_sum + _USPS_PACKAGE_SUM(package)) % 10}"

    def amazon(self, service: str = "ground") -> str:
        """Amazon Logistics ``TBA`` + 12 digits (no check digit), whatever the service."""
        if service not in _SERVICE_SET:
            raise unknown("service", service, SERVICES)
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
            raise unknown("service", service, SERVICES)
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
            raise unknown("service", service, SERVICES)
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
            raise unknown("service", service, SERVICES)
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
