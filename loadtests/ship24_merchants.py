"""Locustfile: merchants following their parcels through Ship24, the aggregator, instead of each
carrier's API.

Each user is one merchant's app: the same watch lists, cadences and typo share as the aggregators
(``aggregators.AggregatorUser``: every three hours in transit, every quarter of an hour out for
delivery, never once delivered — divided by the time scale), but every parcel, whatever its carrier,
goes through one Ship24 integration (``ship24_api.Ship24Api``). A 429 from Ship24 holds back the
whole app, as one API key is limited as a whole.

    locust -f loadtests/ship24_merchants.py --host http://127.0.0.1:8000 --headless -u 4 -r 4 -t 2m
"""

from __future__ import annotations

import time

import loadtests.aggregators as aggregators  # the module, so locust does not run its user here too
from loadtests.carrier_apis import TrackOutcome
from loadtests.ship24_api import Ship24Api


class Ship24MerchantUser(aggregators.AggregatorUser):
    """A merchant app tracking every carrier's parcels through Ship24."""

    def on_start(self) -> None:
        super().on_start()
        api = Ship24Api(self.client)
        self.apis = dict.fromkeys(self.apis, api)

    def learn(self, carrier: str, batch: list[aggregators.Watched], outcome: TrackOutcome) -> None:
        if outcome.retry_after is not None:  # one key, one limit: every list waits
            until = time.monotonic() + outcome.retry_after
            self.blocked_until = dict.fromkeys(self.blocked_until, until)
            return
        super().learn(carrier, batch, outcome)
