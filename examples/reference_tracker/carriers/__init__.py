"""One client per carrier, each speaking that carrier's own tracking API."""

from __future__ import annotations

from examples.reference_tracker.carriers.amazon import AmazonClient
from examples.reference_tracker.carriers.base import CarrierClient
from examples.reference_tracker.carriers.dhl import DhlClient
from examples.reference_tracker.carriers.dpd import DpdClient
from examples.reference_tracker.carriers.fedex import FedexClient
from examples.reference_tracker.carriers.hermes import HermesClient
from examples.reference_tracker.carriers.ups import UpsClient
from examples.reference_tracker.carriers.usps import UspsClient

CLIENTS: dict[str, type[CarrierClient]] = {
    c.name: c for c in (UpsClient, FedexClient, DhlClient, UspsClient, AmazonClient, HermesClient, DpdClient)
}
CARRIERS: tuple[str, ...] = tuple(CLIENTS)
