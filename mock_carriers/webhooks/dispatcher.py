"""The dispatcher: a background asyncio task (started by the app's lifespan) that syncs the world —
a realtime clock moves without any request — claims the outbox rows that are due and POSTs them
with httpx, at most ``max_in_flight`` at once. A non-2xx answer, a timeout or a connection error is
an outcome the hub records (and retries with backoff); nothing a receiver does stops the task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

import httpx

from mock_carriers.webhooks.models import Delivery, Subscription
from mock_carriers.webhooks.signing import build_request

if TYPE_CHECKING:
    from mock_carriers.webhooks.hub import WebhookHub

log = logging.getLogger("parcel_sandbox.webhooks")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


class Dispatcher:
    def __init__(self, hub: WebhookHub) -> None:
        self.hub = hub
        self.config = hub.config
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._stopping = False
        self._sends: set[asyncio.Task[None]] = set()

    async def _send(
        self, client: httpx.AsyncClient, row: Delivery, sub: Subscription, duplicate: bool = False
    ) -> None:
        hub = self.hub
        attempt = row.attempts + 1
        body, headers = build_request(sub, row, attempt)
        started = time.perf_counter()
        status_code: int | None = None
        error: str | None = None
        try:
            # httpx's timeout bounds each read; the outer one bounds a receiver that drips its answer.
            response = await asyncio.wait_for(
                client.post(sub.url, content=body, headers=headers, timeout=sub.retry.timeout_seconds),
                timeout=sub.retry.timeout_seconds * 2,
            )
            status_code = response.status_code
        except (httpx.TimeoutException, TimeoutError):
            error = "timeout"
        except asyncio.CancelledError:
            if not duplicate:
                hub.cancelled(row)  # still pending: a restarted dispatcher sends it
            raise
        except Exception as exc:  # any failure to talk to the receiver is an outcome, never a crash
            error = _describe(exc)
        elapsed = (time.perf_counter() - started) * 1000.0
        outcome = await asyncio.to_thread(
            hub.record, row, sub, attempt, status_code, error, elapsed, duplicate
        )
        self.poke()
        if (
            outcome == "delivered"
            and sub.inject.duplicate > 0
            and hub.chance(f"{row.delivery_id}:duplicate") < sub.inject.duplicate
        ):
            await asyncio.sleep(self.config.duplicate_delay_seconds)
            await self._send(client, row, sub, duplicate=True)

    async def _run(self, wake: asyncio.Event) -> None:
        hub = self.hub
        limits = httpx.Limits(max_connections=self.config.max_in_flight)
        # trust_env=False: a proxy from the environment must never see the receiver's traffic.
        async with httpx.AsyncClient(trust_env=False, follow_redirects=False, limits=limits) as client:
            try:
                while not self._stopping:
                    try:
                        if hub.busy():
                            await asyncio.to_thread(hub.advance)
                        for row, sub in hub.claim():
                            task = asyncio.create_task(self._send(client, row, sub))
                            self._sends.add(task)
                            task.add_done_callback(self._sends.discard)
                    except Exception:  # the dispatcher must outlive any one bad tick
                        log.exception("webhook dispatcher tick failed")
                    await self._sleep(wake)
            finally:
                await self._drain()

    async def _sleep(self, wake: asyncio.Event) -> None:
        # Each dispatcher task waits on its own event: an Event belongs to the loop that first
        # waits on it, and a test suite may run the app under several loops in turn.
        timeout = self.config.tick_seconds
        due = self.hub.next_due()
        if due is not None:
            timeout = min(timeout, max(0.001, due - self.hub.wall()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=timeout)
        wake.clear()

    async def _drain(self) -> None:
        if self._sends:
            _, late = await asyncio.wait(set(self._sends), timeout=self.config.stop_grace_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.gather(*late, return_exceptions=True)

    def poke(self) -> None:
        """Wake the dispatcher now (callable from any thread)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None or loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(wake.set)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Run on the running event loop (the app's lifespan calls this)."""
        loop = asyncio.get_running_loop()
        if not (self.running and self._loop is loop):
            self._launch(loop)

    def ensure_started(self) -> None:
        """Start from a request handler when no lifespan did (an ASGI server run with lifespan
        off); a no-op outside an event loop or when it already runs."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if not (self.running and self._loop is not None and not self._loop.is_closed()):
            self._launch(loop)

    def _launch(self, loop: asyncio.AbstractEventLoop) -> None:
        self.hub.forget_in_flight()  # a previous loop's sends died with it
        self._loop = loop
        self._wake = wake = asyncio.Event()
        self._stopping = False
        self._task = loop.create_task(self._run(wake), name="parcel-sandbox-webhooks")

    async def stop(self) -> None:
        """Stop; in-flight requests get a grace period, then stay pending."""
        task = self._task
        if task is None:
            return
        if task.get_loop() is not asyncio.get_running_loop():
            # The dispatcher runs under another loop (another server or test client started it):
            # ask that loop to cancel it rather than await a task this loop cannot.
            other = task.get_loop()
            if not other.is_closed():
                with contextlib.suppress(RuntimeError):
                    other.call_soon_threadsafe(task.cancel)
            self._task = None
            return
        self._stopping = True
        self.poke()
        try:
            await asyncio.wait_for(
                task, timeout=self.config.stop_grace_seconds + self.config.tick_seconds + 5
            )
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._task = None
