"""The ``CarrierContext`` a carrier sub-app gets from the served sandbox: its reads of the world at
the effective clock, its tokens, credentials, request ids and webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from mock_carriers.carriers import registry
from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer

if TYPE_CHECKING:
    from mock_carriers.world.sandbox import Sandbox


class SandboxContext:
    """The ``CarrierContext`` a carrier sub-app gets from the served sandbox."""

    def __init__(self, sandbox: Sandbox, carrier: str) -> None:
        if carrier not in registry.KEYS:
            raise ValueError(f"unknown carrier {carrier!r}")
        self.sandbox = sandbox
        self.carrier = carrier

    def now(self) -> datetime:
        return self.sandbox.now()

    def lookup(self, tracking_number: str) -> ParcelView | None:
        return self.lookup_in(self.carrier, tracking_number)

    def lookup_in(self, carrier: str, tracking_number: str, now: datetime | None = None) -> ParcelView | None:
        """The parcel under ``carrier``'s number as that carrier shows it: what an aggregator's
        face (``mock_carriers.world.context.WorldContext``) reads of every carrier's parcels."""
        return self.sandbox.view(carrier, tracking_number, now or self.now())

    @property
    def tokens(self) -> TokenIssuer:
        return self.sandbox.tokens

    @property
    def credentials(self) -> CredentialPolicy:
        return self.sandbox.credentials

    def request_id(self, kind: str) -> str:
        return self.sandbox.request_id(self.carrier, kind)

    @property
    def webhooks(self) -> Any:
        return self.sandbox.webhooks
