"""The tracker's state and its poll loop: an asyncio task that, every ``poll_interval``, asks each
carrier about the parcels due, in batches as large as the carrier takes, at most ``concurrency``
requests at a time, skipping a carrier while it is rate-limited or backing off."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import httpx

from examples.reference_tracker.carriers import CLIENTS, CarrierClient
from examples.reference_tracker.carriers.base import CarrierError, RateLimited, Rejected
from examples.reference_tracker.clock import Clock, ClockUnavailable
from examples.reference_tracker.config import TrackerConfig
from examples.reference_tracker.derive import apply_view, assess
from examples.reference_tracker.model import Shipment
from examples.reference_tracker.retry import Gate
from examples.reference_tracker.variants import behaviour_for

log = logging.getLogger("reference_tracker")

#: Registered parcels at most; beyond, registration is refused rather than memory exhausted.
MAX_SHIPMENTS = 100_000


class TrackerFull(Exception):
    pass


class Tracker:
    def __init__(self, config: TrackerConfig, http: httpx.AsyncClient, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.behaviour = behaviour_for(config.broken, config.stale_every)
        self.clients: dict[str, CarrierClient] = {
            c: CLIENTS[c](http, config.base_url(c), config.carrier_credentials(c)) for c in config.carriers
        }
        self.gates = {c: Gate(base=config.backoff_base, cap=config.backoff_cap) for c in config.carriers}
        self.shipments: dict[tuple[str, str], Shipment] = {}
        self._semaphore = asyncio.Semaphore(config.concurrency)
        self._wake = asyncio.Event()
        self._urgent: set[tuple[str, str]] = set()
        self.now: datetime | None = None
        self.rounds = 0
        self.last_round_error: str | None = None
        self.in_flight = 0
        self.max_in_flight = 0

    # -- registry ------------------------------------------------------------------------------

    def register(self, carrier: str, tracking_number: str, now: datetime) -> tuple[Shipment, bool]:
        key = (carrier, tracking_number)
        if key in self.shipments:
            return self.shipments[key], False
        if len(self.shipments) >= MAX_SHIPMENTS:
            raise TrackerFull(f"the tracker holds {MAX_SHIPMENTS} parcels already")
        shipment = Shipment(carrier=carrier, tracking_number=tracking_number, registered_at=now)
        self.shipments[key] = shipment
        return shipment, True

    def get(self, carrier: str, tracking_number: str) -> Shipment | None:
        return self.shipments.get((carrier, tracking_number))

    def poll_soon(self, keys: Iterable[tuple[str, str]]) -> None:
        """Refresh these parcels now rather than at the next round (a webhook said they moved)."""
        self._urgent.update(keys)
        self._wake.set()

    # -- the loop ----------------------------------------------------------------------------------

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.safe_round()
            deadline = loop.time() + self.config.poll_interval
            while (left := deadline - loop.time()) > 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), left)
                except TimeoutError:
                    break
                self._wake.clear()
                urgent, self._urgent = self._urgent, set()
                if urgent:
                    await self.safe_round(urgent)

    async def safe_round(self, only: set[tuple[str, str]] | None = None) -> None:
        """A round that never takes the loop down: a failure is logged and shown in /api/metrics."""
        try:
            await self.round(only)
            self.last_round_error = None
        except ClockUnavailable as exc:
            self.last_round_error = str(exc)
            log.warning("%s", exc)
        except Exception as exc:  # the loop must outlive any one bad answer
            self.last_round_error = f"{type(exc).__name__}: {exc}"
            log.exception("poll round failed")

    async def round(self, only: set[tuple[str, str]] | None = None) -> None:
        now = await self.clock.now()
        self.now = now
        by_carrier: dict[str, list[Shipment]] = defaultdict(list)
        for shipment in list(self.shipments.values()):
            if (only is None or shipment.key in only) and self._due(shipment, now):
                by_carrier[shipment.carrier].append(shipment)
        batches = []
        for carrier, due in by_carrier.items():
            size = self.clients[carrier].batch_size
            batches += [(carrier, due[i : i + size]) for i in range(0, len(due), size)]
        await asyncio.gather(*(self._poll(carrier, batch, now) for carrier, batch in batches))
        for shipment in self.shipments.values():
            # Silence grows while nothing is polled too (a carrier backing off, a stale cache).
            assess(shipment, now, self.behaviour, self.config.silence_after)
        if only is None:
            self.rounds += 1

    def _due(self, shipment: Shipment, now: datetime) -> bool:
        if shipment.rejected:
            return False
        if shipment.terminal_since is not None and now - shipment.terminal_since > self.config.terminal_grace:
            return False
        return self.behaviour.refresh_due(shipment, now)

    async def _poll(self, carrier: str, batch: list[Shipment], now: datetime) -> None:
        gate = self.gates[carrier]
        if not gate.is_open():
            self._waiting(batch, gate)
            return
        split = False
        async with self._semaphore:
            if not gate.admit():  # closed by a 429 while this batch waited its turn, or probing
                self._waiting(batch, gate)
                return
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                views = await self.clients[carrier].track([s.tracking_number for s in batch])
            except RateLimited as exc:
                wait = gate.rate_limited(exc.retry_after)
                self._failed(batch, f"{exc}; retrying in {wait:g} s")
            except Rejected as exc:
                # The request, not the carrier, is at fault: find the number the carrier refuses
                # and stop asking about it, rather than stall every other parcel of the carrier.
                split = len(batch) > 1
                if not split:
                    batch[0].rejected = True
                    self._failed(batch, f"{exc}; not asked again")
            except CarrierError as exc:
                wait = gate.unavailable(str(exc))
                self._failed(batch, f"{exc}; retrying in {wait:g} s")
            else:
                gate.succeeded()
                for shipment in batch:
                    apply_view(
                        shipment,
                        views[shipment.tracking_number],
                        now,
                        self.behaviour,
                        self.config.silence_after,
                    )
            finally:
                gate.release()
                self.in_flight -= 1
        if split:
            await asyncio.gather(*(self._poll(carrier, [s], now) for s in batch))

    @staticmethod
    def _waiting(batch: list[Shipment], gate: Gate) -> None:
        if gate.failures:
            for shipment in batch:
                shipment.last_error = f"waiting: {shipment.carrier} {gate.reason}"

    @staticmethod
    def _failed(batch: list[Shipment], message: str) -> None:
        # The parcels stay registered and due: they are asked about again once the gate opens.
        for shipment in batch:
            shipment.last_error = message

    # -- what /api/metrics shows ------------------------------------------------------------------

    def metrics(self) -> dict[str, Any]:
        return {
            "variant": self.behaviour.name,
            "rounds": self.rounds,
            "now": self.now.isoformat() if self.now else None,
            "last_round_error": self.last_round_error,
            "shipments": len(self.shipments),
            "max_in_flight": self.max_in_flight,
            "carriers": {
                carrier: {
                    **dict(client.stats),
                    "gate": {
                        "open": self.gates[carrier].is_open(),
                        "wait_left_s": round(self.gates[carrier].wait_left(), 3),
                        "failures": self.gates[carrier].failures,
                        "reason": self.gates[carrier].reason,
                        "waits_s": self.gates[carrier].history,
                    },
                }
                for carrier, client in self.clients.items()
            },
        }
