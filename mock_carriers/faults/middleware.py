"""The gateway in front of each carrier sub-app: per request, injected latency, then the rate limit
(the carrier's own 429), then a token-expiry storm, then at most one fault — an error status in the
carrier's own body, a held request, a dropped connection or a truncated body; otherwise the
carrier answers as usual."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_carriers.carriers import registry
from mock_carriers.faults.routes import local_path, route_of
from mock_carriers.http.disconnect import close_connection

if TYPE_CHECKING:
    from mock_carriers.faults.state import Faults


class FaultMiddleware:
    """Wraps one carrier sub-app. Per request: latency, then the rate limit (the carrier's 429),
    then a token storm, then at most one fault; otherwise the carrier answers as usual."""

    def __init__(self, faults: Faults, carrier: str, app: ASGIApp) -> None:
        self.faults = faults
        self.carrier = carrier
        self.spec = registry.spec(carrier)
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_of(self.carrier, local_path(scope))
        if route is None:
            await self.app(scope, receive, send)
            return
        faults, carrier = self.faults, self.carrier
        metrics = faults.metrics
        metrics.inc("parcel_sandbox_requests_total", carrier=carrier, route=route)
        if not faults.active_for(carrier):
            await self.app(scope, receive, send)
            return
        decision = faults.decide(carrier, route)
        labels = {"carrier": carrier, "route": route}
        if decision.latency > 0:
            metrics.inc("parcel_sandbox_faults_total", kind="latency", **labels)
            metrics.inc("parcel_sandbox_injected_latency_seconds_total", decision.latency, **labels)
            await asyncio.sleep(decision.latency)
        denial = faults.admit(carrier, route, scope)
        if denial is not None:
            metrics.inc("parcel_sandbox_rate_limited_total", limit=denial.limit, **labels)
            retry_after = denial.retry_after if faults.sends_retry_after(carrier) else None
            response = self.spec.rate_limited(
                self._request(scope), retry_after, daily=denial.limit == "daily"
            )
            await response(scope, receive, send)
            return
        if decision.storm:
            faults.token_storm(carrier, trigger="rate")
            metrics.inc("parcel_sandbox_faults_total", kind="token_storm", **labels)
        if decision.outcome == "pass":
            await self.app(scope, receive, send)
            return
        kind = f"error_{decision.status}" if decision.outcome == "error" else decision.outcome
        metrics.inc("parcel_sandbox_faults_total", kind=kind, **labels)
        if decision.outcome == "error":
            await self._error(decision.status, scope, receive, send)
        elif decision.outcome == "timeout":
            await self._hold(scope, receive, send)
        elif decision.outcome == "drop":
            await close_connection("connection dropped")
        else:
            await self._truncate(scope, receive, send)

    def _request(self, scope: Scope) -> Request:
        # The carrier's error writers find its context through request.app (the sub-app).
        return Request({**scope, "app": self.app})

    async def _error(self, status: int, scope: Scope, receive: Receive, send: Send) -> None:
        if status == 429:
            retry_after = 1 if self.faults.sends_retry_after(self.carrier) else None
            response = self.spec.rate_limited(self._request(scope), retry_after, daily=False)
        else:
            response = self.spec.server_error(self._request(scope), status)
        await response(scope, receive, send)

    async def _hold(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer nothing until the client gives up; at the cap, answer 504 as a gateway would."""
        try:
            async with asyncio.timeout(self.faults.config.timeout_cap):
                while (await receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            response = self.spec.server_error(self._request(scope), 504)
            await response(scope, receive, send)

    async def _truncate(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The carrier's real answer, announced in full (Content-Length) but cut in half."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            await close_connection("connection dropped")
            return
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
        await close_connection("body truncated")
