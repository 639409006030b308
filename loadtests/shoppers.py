"""Locustfile: shoppers checking a tracking page.

A shopper ordered one to three things and keeps opening the tracking page of the one they are most
curious about: twice a day while it is in transit, every ten minutes once it is out for delivery,
never again once it is delivered (``policy.SHOPPER_INTERVAL_S``, divided by the time scale). A few
mistype their number and get "not found"; after an error some give up at once, the rest after three.
When a shopper has nothing left to watch, the next shopper takes their place with new orders.

The tracking page is the sandbox's own ``GET /_sandbox/parcels/{tracking_number}`` — or, with
``--tracker-url-template 'http://host:port/track/{carrier}/{tracking_number}'``, the page of the
tracking system under test, which then has to know the sandbox's parcels (it reads them from the
carrier mocks). Tracking numbers come from the sandbox at ``--host`` when the test starts. Each
tracker answer is checked against the sandbox's truth at that instant (``loadtests.correctness``):
a stale one is a failure (``--truth-tolerance``, ``--status-map``, ``--no-truth-check``).

    locust -f loadtests/shoppers.py --host http://127.0.0.1:8000 --headless -u 50 -r 10 -t 2m
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from locust import FastHttpUser, task
from locust.exception import StopUser

from loadtests import hooks
from loadtests.correctness import TRUTH_PAGE_NAME, parse_status_map, stale, tracker_status
from loadtests.policy import SHOPPER_INTERVAL_S, Phase, mistype, next_delay, page_phase, seeded_rng

SANDBOX_PAGE_NAME = "/_sandbox/parcels/[tracking_number]"
RETRY_AFTER_ERROR_S = 20 * 60.0  # real seconds a shopper waits before trying a failed page again


@dataclass
class Order:
    tracking_number: str
    carrier: str
    mistyped: bool
    due: float  # monotonic instant of the next look
    errors: int = 0


class ShopperUser(FastHttpUser):
    """Someone waiting for their parcels, refreshing the tracking page."""

    weight = 3
    _serial = itertools.count(1)

    def on_start(self) -> None:
        self.orders: list[Order] = []
        if not hooks.ensure_pool(self.environment):
            return  # the first task stops this user (StopUser in on_start is logged as an error)
        worker = getattr(self.environment.runner, "worker_index", 0)
        seed = hooks.option(self.environment, "loadtest_seed", 42)
        self.rng = seeded_rng(seed, "shopper", worker, next(self._serial))
        self.template = str(hooks.option(self.environment, "tracker_url_template", "") or "")
        self.typo_share = float(hooks.option(self.environment, "typo_share", 0.03))
        self.check_truth = bool(self.template) and not hooks.option(self.environment, "no_truth_check", False)
        self.tolerance_s = float(hooks.option(self.environment, "truth_tolerance", 7200.0))
        self.status_map = parse_status_map(str(hooks.option(self.environment, "status_map", "") or ""))
        self.place_orders()

    def place_orders(self) -> None:
        """A shopper arrives with one to three parcels on the way; some are impatient."""
        parcels = hooks.STATE.pool.all()
        count = min(len(parcels), self.rng.choice((1, 1, 2, 2, 3)))
        now = time.monotonic()
        self.orders = []
        for parcel in self.rng.sample(parcels, count):
            mistyped = self.rng.random() < self.typo_share
            number = mistype(parcel.tracking_number) if mistyped else parcel.tracking_number
            self.orders.append(Order(number, parcel.carrier, mistyped, due=now + self.rng.uniform(0.0, 1.0)))
        self.patience = 1 if self.rng.random() < 0.2 else 3  # errors before giving up on a parcel

    def wait_time(self) -> float:
        if not self.orders:
            return 0.0
        return max(0.0, min(o.due for o in self.orders) - time.monotonic())

    @task
    def check_on_my_order(self) -> None:
        if not self.orders:
            raise StopUser()  # no tracking numbers to be had from the sandbox
        order = min(self.orders, key=lambda o: o.due)
        phase = self.open_tracking_page(order)
        now = time.monotonic()
        if phase is None:
            order.errors += 1
            if order.errors >= self.patience:
                self.orders.remove(order)  # gives up on this one
            else:
                order.due = now + RETRY_AFTER_ERROR_S / hooks.STATE.time_scale
        else:
            order.errors = 0
            delay = next_delay(phase, SHOPPER_INTERVAL_S, hooks.STATE.time_scale, self.rng)
            if delay is None:
                self.orders.remove(order)  # delivered: nothing more to check
            else:
                order.due = now + delay
        if not self.orders:
            self.place_orders()  # this shopper is done; the next one arrives

    def open_tracking_page(self, order: Order) -> Phase | None:
        """The phase the page shows, or ``None`` when the shopper saw an error."""
        if self.template:
            url = self.template.format(tracking_number=order.tracking_number, carrier=order.carrier)
            name = self.template
        else:
            url, name = f"/_sandbox/parcels/{order.tracking_number}", SANDBOX_PAGE_NAME
        headers = {"Accept": "text/html,application/json;q=0.9"}
        with self.client.get(url, name=name, headers=headers, catch_response=True) as page:
            if page.status_code == 200:
                why = self.stale_answer(order, page.text or "") if self.check_truth else None
                if why is not None:
                    page.failure(why)  # counted against the tracker's page in locust's statistics
                else:
                    page.success()
                return page_phase(page.text or "")
            if page.status_code == 404 and order.mistyped:
                # What a mistyped number should get: an honest "not found", not a failure.
                page.request_meta["name"] = f"{name} [404 mistyped]"
                page.success()
                return None
            page.failure(f"tracking page: HTTP {page.status_code}")
            return None

    def stale_answer(self, order: Order, body: str) -> str | None:
        """Why the tracker's answer is stale against the truth right now, or None (a mistyped
        number, or a truth the sandbox cannot give, is not judged)."""
        if order.mistyped:
            return None
        with self.client.get(
            f"/_sandbox/truth/{order.tracking_number}", name=TRUTH_PAGE_NAME, catch_response=True
        ) as truth:
            if truth.status_code != 200:
                truth.success()  # not yet shipped, or left memory: nothing to compare with
                return None
            truth.success()
            try:
                record = truth.json()
            except ValueError:
                return None
        return stale(tracker_status(body), record, self.tolerance_s, self.status_map)
