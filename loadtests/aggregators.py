"""Locustfile: a tracking aggregator's pollers, tracking through the carriers' own APIs.

Merchants registered parcels with the aggregator; it keeps each one fresh by polling the carrier on
a schedule by status (``policy.AGGREGATOR_INTERVAL_S``: every three hours in transit, every quarter
of an hour out for delivery, never once delivered — divided by the time scale). Each user is one
aggregator with one integration per carrier (``carrier_apis``): OAuth tokens fetched and refreshed
before they expire, FedEx numbers sent 30 to a call, a 429's ``Retry-After`` honoured by leaving
that carrier alone for as long as it asks while the others carry on. A delivered parcel leaves the
watch list and a newly registered one takes its place.

    locust -f loadtests/aggregators.py --host http://127.0.0.1:8000 --headless -u 4 -r 4 -t 2m
    locust -f loadtests/aggregators.py --carriers fedex ...      # one carrier's API only
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from locust import FastHttpUser, task
from locust.exception import StopUser

from loadtests import hooks
from loadtests.carrier_apis import APIS, CarrierApi, TrackOutcome
from loadtests.policy import (
    AGGREGATOR_INTERVAL_S,
    AGGREGATOR_NOT_FOUND_LIMIT,
    Phase,
    mistype,
    next_delay,
    seeded_rng,
)

MAX_IDLE_S = 5.0  # longest nap between looks at the schedule (a new registration may be due)
RETRY_FAILED_S = 1.0  # wall seconds before a parcel whose poll failed is tried again
BATCH_LOOKAHEAD_S = 10 * 60.0  # real seconds: a batch call also takes parcels due this soon


@dataclass
class Watched:
    tracking_number: str
    due: float  # monotonic instant of the next poll
    not_found: int = 0


class AggregatorUser(FastHttpUser):
    """One aggregator (think AfterShip) polling every carrier for its merchants' parcels."""

    weight = 1
    _serial = itertools.count(1)

    def on_start(self) -> None:
        self.apis: dict[str, CarrierApi] = {}
        self.watchlist: dict[str, list[Watched]] = {}
        if not hooks.ensure_pool(self.environment):
            return  # the first task stops this user (StopUser in on_start is logged as an error)
        carriers = [c for c in hooks.carriers_option(self.environment) if hooks.STATE.pool.by_carrier.get(c)]
        worker = getattr(self.environment.runner, "worker_index", 0)
        seed = hooks.option(self.environment, "loadtest_seed", 42)
        self.rng = seeded_rng(seed, "aggregator", worker, next(self._serial))
        self.typo_share = float(hooks.option(self.environment, "typo_share", 0.03))
        size = int(hooks.option(self.environment, "watchlist", 40))
        self.apis = {c: APIS[c](self.client) for c in carriers}
        self.blocked_until = dict.fromkeys(carriers, 0.0)
        self.watchlist = {c: [] for c in carriers}
        self.finished: set[str] = set()  # delivered or abandoned: never registered again
        now = time.monotonic()
        for carrier in carriers:
            for _ in range(min(size, len(hooks.STATE.pool.by_carrier[carrier]))):
                self.register_parcel(carrier, now)

    def register_parcel(self, carrier: str, now: float) -> None:
        """A merchant hands the aggregator a parcel to follow (a few numbers arrive mistyped)."""
        skip = self.finished | {w.tracking_number for w in self.watchlist[carrier]}
        candidates = [p for p in hooks.STATE.pool.by_carrier[carrier] if p.tracking_number not in skip]
        # Merchants register parcels that are on their way; a finished one only if nothing else is left.
        moving = [p for p in candidates if p.phase is not Phase.DONE]
        candidates = moving or candidates
        if not candidates:
            return
        number = self.rng.choice(candidates).tracking_number
        if self.rng.random() < self.typo_share:
            number = mistype(number)
        self.watchlist[carrier].append(Watched(number, due=now + self.rng.uniform(0.0, 1.0)))

    def wait_time(self) -> float:
        now = time.monotonic()
        upcoming = [
            max(self.blocked_until[c], min(w.due for w in watched))
            for c, watched in self.watchlist.items()
            if watched
        ]
        return min(MAX_IDLE_S, max(0.0, min(upcoming, default=now + MAX_IDLE_S) - now))

    @task
    def poll_parcels_that_are_due(self) -> None:
        if not self.apis:
            raise StopUser()  # no tracking numbers of our carriers to be had from the sandbox
        for carrier, api in self.apis.items():
            now = time.monotonic()
            if self.blocked_until[carrier] > now:
                continue  # the carrier asked us to wait
            due = sorted((w for w in self.watchlist[carrier] if w.due <= now), key=lambda w: w.due)
            if not due:
                continue
            if api.batch_size > 1 and len(due) < api.batch_size:
                # A batch call costs the same for 1 number or 30: fill it with the parcels due next.
                soon = now + BATCH_LOOKAHEAD_S / hooks.STATE.time_scale
                due += sorted(
                    (w for w in self.watchlist[carrier] if now < w.due <= soon), key=lambda w: w.due
                )
            batch = due[: api.batch_size]
            if batch:
                outcome = api.track([w.tracking_number for w in batch])
                self.learn(carrier, batch, outcome)

    def learn(self, carrier: str, batch: list[Watched], outcome: TrackOutcome) -> None:
        """Reschedule each polled parcel from what the carrier said."""
        now = time.monotonic()
        if outcome.retry_after is not None:
            self.blocked_until[carrier] = now + outcome.retry_after
            return  # the batch stays due and goes first once the carrier accepts calls again
        for watched in batch:
            phase = outcome.phases.get(watched.tracking_number)
            if phase is None:
                watched.due = now + RETRY_FAILED_S
                continue
            if phase is Phase.NOT_FOUND:
                watched.not_found += 1
                if watched.not_found >= AGGREGATOR_NOT_FOUND_LIMIT:
                    self.forget(carrier, watched, now)  # the merchant's number was wrong
                    continue
            delay = next_delay(phase, AGGREGATOR_INTERVAL_S, hooks.STATE.time_scale, self.rng)
            if delay is None:
                self.forget(carrier, watched, now)  # delivered: stop polling it
            else:
                watched.due = now + delay

    def forget(self, carrier: str, watched: Watched, now: float) -> None:
        self.watchlist[carrier].remove(watched)
        self.finished.add(watched.tracking_number)
        self.register_parcel(carrier, now)
