"""What every carrier client shares: the token cache, the one re-authentication a rejected token
earns, turning 429 / 5xx / broken connections into exceptions the poller backs off on, counters.

A client speaks its carrier's own wire format (see ``docs/carriers/<name>.md``); nothing here knows
a carrier fact. Subclasses implement ``_authenticate``, ``_request``, ``_auth_rejected`` and
``_parse``; the poller only calls ``track``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx

from examples.reference_tracker.model import CarrierView
from examples.reference_tracker.retry import parse_retry_after

#: A token is renewed this long before the carrier says it expires (a tenth of its life if shorter).
TOKEN_MARGIN_S = 60.0


class CarrierError(Exception):
    """The carrier did not give an answer about the parcels; they stay queued."""


class RateLimited(CarrierError):
    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(CarrierError):
    """5xx, a timeout, a dropped or truncated answer, a body that is not what the carrier sends."""


class AuthFailed(CarrierError):
    """The carrier refused the credentials themselves (not merely an expired token)."""


class Rejected(CarrierError):
    """The carrier refused the request as malformed (4xx): retrying the same request will not help."""


@dataclass
class Token:
    value: str
    expires_at: float  # monotonic seconds
    margin: float = TOKEN_MARGIN_S

    @classmethod
    def lasting(cls, value: str, seconds: float) -> Token:
        return cls(value, time.monotonic() + seconds, min(TOKEN_MARGIN_S, seconds / 10))

    def fresh(self) -> bool:
        return time.monotonic() < self.expires_at - self.margin


class CarrierClient:
    name: ClassVar[str] = ""
    #: Tracking numbers per request (FedEx takes 30, Hermes 100, the others one).
    batch_size: ClassVar[int] = 1
    #: Credentials this carrier needs, with the defaults used against a sandbox that accepts any.
    credential_defaults: ClassVar[dict[str, str]] = {}

    def __init__(self, http: httpx.AsyncClient, base_url: str, credentials: Mapping[str, str]) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.credentials = {**self.credential_defaults, **credentials}
        self.token: Token | None = None
        self.stats: Counter[str] = Counter()
        self._token_lock = asyncio.Lock()

    # -- what subclasses provide ----------------------------------------------------------------

    async def _authenticate(self) -> None:
        """Fetch a token into ``self.token`` (carriers without tokens keep this no-op)."""

    @property
    def uses_token(self) -> bool:
        return type(self)._authenticate is not CarrierClient._authenticate

    async def _request(self, numbers: Sequence[str]) -> httpx.Response:
        raise NotImplementedError

    def _auth_rejected(self, response: httpx.Response) -> bool:
        """The carrier's answer to an expired, revoked or unknown token."""
        return response.status_code == 401

    def _parse(self, numbers: Sequence[str], response: httpx.Response) -> dict[str, CarrierView]:
        raise NotImplementedError

    # -- shared behaviour --------------------------------------------------------------------------

    async def track(self, numbers: Sequence[str]) -> dict[str, CarrierView]:
        """The carrier's view of each number. Raises ``CarrierError`` when it gave none."""
        if len(numbers) > self.batch_size:
            raise ValueError(f"{self.name} tracks at most {self.batch_size} numbers per call")
        if self.uses_token:
            await self._ensure_token()
        used = self.token
        response = await self._send(numbers)
        if self.uses_token and self._auth_rejected(response):
            # Tokens die early (revoked, a token storm, a server restart): one fresh token, one retry.
            self.stats["token_rejected"] += 1
            await self._ensure_token(rejected=used)
            response = await self._send(numbers)
            if self._auth_rejected(response):
                raise AuthFailed(f"{self.name}: a fresh token was refused too ({response.status_code})")
        self.check(response, "track")
        views = self._parse(numbers, response)
        self.stats["answers"] += 1
        return views

    async def _ensure_token(self, rejected: Token | None = None) -> None:
        """One token fetch at a time: concurrent requests that find the token missing, expiring or
        refused wait for the one fetch instead of each logging in (DPD allows ten logins a day)."""
        async with self._token_lock:
            if self.token is not None and self.token is not rejected and self.token.fresh():
                return
            self.token = None
            self.stats["token_fetches"] += 1
            await self._authenticate()

    async def _send(self, numbers: Sequence[str]) -> httpx.Response:
        return await self.call(self._request(numbers))

    async def call(self, request: Any) -> httpx.Response:
        """Await an httpx request coroutine; connection trouble becomes ``Unavailable``."""
        self.stats["requests"] += 1
        try:
            response = await request
            await response.aread()
        except httpx.TimeoutException as exc:
            self.stats["timeouts"] += 1
            raise Unavailable(f"{self.name}: timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            self.stats["connection_errors"] += 1
            raise Unavailable(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        return response

    def check(self, response: httpx.Response, what: str) -> None:
        """Raise for answers that say nothing about the parcels: 429, 5xx, other 4xx."""
        status = response.status_code
        if status == 429:
            self.stats["rate_limited"] += 1
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise RateLimited(f"{self.name} {what}: 429 Too Many Requests", retry_after)
        if status >= 500 and not self._is_answer(response):
            self.stats["server_errors"] += 1
            raise Unavailable(f"{self.name} {what}: HTTP {status}")
        if status in (401, 403) and not self._is_answer(response):
            raise AuthFailed(f"{self.name} {what}: HTTP {status}: {response.text[:200]}")
        if 400 <= status < 500 and not self._is_answer(response):
            raise Rejected(f"{self.name} {what}: HTTP {status}: {response.text[:200]}")

    def _is_answer(self, response: httpx.Response) -> bool:
        """Whether a non-2xx answer still speaks about the parcels (e.g. DHL's 404 "no result")."""
        return False

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; a truncated or garbled body is the carrier being unavailable."""
        try:
            return response.json()
        except ValueError as exc:
            self.stats["bad_bodies"] += 1
            raise Unavailable(f"{self.name}: unreadable answer ({exc})") from exc


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def place(*parts: Any) -> str:
    """``Baltimore, MD, US`` from whatever parts a carrier gives."""
    return ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
