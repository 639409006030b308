"""The carriers the sandbox serves: key -> package. Adding a carrier is one package (its ``SPEC``,
``mock_carriers.carriers.spec``) plus one line here; this is the only place the core learns
carrier names. The keys agree with the simulation's ``sim.events.CARRIERS`` (a test checks), in
the same order: the order carriers are mounted, listed and documented in."""

from __future__ import annotations

import functools
import importlib

from mock_carriers.carriers.spec import CarrierSpec, WebhookFormat

PACKAGES: dict[str, str] = {
    "ups": "mock_carriers.carriers.ups",
    "fedex": "mock_carriers.carriers.fedex",
    "dhl": "mock_carriers.carriers.dhl",
    "usps": "mock_carriers.carriers.usps",
    "amazon": "mock_carriers.carriers.amazon",
    "hermes": "mock_carriers.carriers.hermes",
    "dpd": "mock_carriers.carriers.dpd",
}

#: Every carrier key, in registry order.
KEYS: tuple[str, ...] = tuple(PACKAGES)


@functools.cache
def spec(key: str) -> CarrierSpec:
    """The carrier's spec (its package is imported on first use); KeyError for an unknown key."""
    found = importlib.import_module(PACKAGES[key]).SPEC
    if not isinstance(found, CarrierSpec) or found.key != key:
        raise TypeError(f"{PACKAGES[key]}.SPEC is not the CarrierSpec of {key!r}")
    return found


def specs() -> tuple[CarrierSpec, ...]:
    return tuple(spec(key) for key in KEYS)


@functools.cache
def webhook_formats() -> dict[str, WebhookFormat]:
    """Every carrier-native webhook format by name, in registry order."""
    formats: dict[str, WebhookFormat] = {}
    for carrier in specs():
        for fmt in carrier.webhook_formats:
            if fmt.name in formats:
                raise ValueError(f"webhook format {fmt.name!r} registered twice")
            formats[fmt.name] = fmt
    return formats
