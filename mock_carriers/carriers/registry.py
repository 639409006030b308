"""The carriers the sandbox serves: key -> package. Adding a carrier is one package (its ``SPEC``,
``mock_carriers.carriers.spec``) plus one line here; this is the only place the core learns
carrier names. The carriers' keys agree with the simulation's ``sim.events.CARRIERS`` (a test
checks), in the same order: the order carriers are mounted, listed and documented in. After them
come the faces over the whole world that are no carrier of their own (Ship24, an aggregator): they
are mounted, faulted, rate limited and documented like a carrier, and ship no parcels."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from mock_carriers.carriers.spec import CarrierSpec, WebhookFormat
from sim.events import CARRIERS, ScanEvent
from sim.status import current_status

PACKAGES: dict[str, str] = {
    "ups": "mock_carriers.carriers.ups",
    "fedex": "mock_carriers.carriers.fedex",
    "dhl": "mock_carriers.carriers.dhl",
    "usps": "mock_carriers.carriers.usps",
    "amazon": "mock_carriers.carriers.amazon",
    "hermes": "mock_carriers.carriers.hermes",
    "dpd": "mock_carriers.carriers.dpd",
    "ship24": "mock_carriers.carriers.ship24",
}

#: Every key, in registry order.
KEYS: tuple[str, ...] = tuple(PACKAGES)
#: The keys of the carriers whose parcels the world ships (events carry one of these).
WORLD_KEYS: tuple[str, ...] = tuple(key for key in KEYS if key in CARRIERS)


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


def _statuses(key: str) -> Any:
    """The carrier package's ``statuses`` module, or None when the carrier has none (then its
    table is empty and its parcels read by their scans alone)."""
    package = PACKAGES.get(key)
    if package is None:
        return None
    try:
        return importlib.import_module(package + ".statuses")
    except ModuleNotFoundError as exc:
        if exc.name != package + ".statuses":
            raise
        return None


def shown_status(key: str, events: list[ScanEvent]) -> str | None:
    """The canonical word the carrier's API conveys for a parcel showing ``events`` (oldest first):
    the carrier package's ``statuses.shown`` where its vocabulary cannot say everything, else the
    word of the newest scan (``sim.status.current_status``). Unknown keys (postal partners with no
    API) get the latter."""
    shown = getattr(_statuses(key), "shown", None)
    status = shown(events) if shown is not None else current_status(events)
    return status.value if status is not None else None


def carrier_code(key: str, history: list[ScanEvent]) -> str | None:
    """The carrier's own status code for the newest scan of ``history`` (oldest first), as its API
    shows it (the carrier package's ``statuses.code_of``); None for a carrier without one."""
    code_of = getattr(_statuses(key), "code_of", None)
    return str(code_of(history)) if code_of is not None and history else None


@functools.cache
def status_table(key: str) -> dict[str, list[str]]:
    """The carrier's status codes -> the canonical words they stand for (``sim.status``), from the
    carrier package's ``statuses`` module (empty without one); KeyError for an unknown key."""
    if key not in PACKAGES:
        raise KeyError(key)
    module = _statuses(key)
    table = module.table() if module is not None else {}
    return {code: [str(s) for s in words] for code, words in table.items()}
