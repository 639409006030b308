"""The tracker's notion of "now", which lost-parcel silence, ``last_checked`` and the stale
variant are measured in.

A tracker in production uses its system clock. Pointed at a sandbox whose clock the tester moves,
it must follow that clock instead — as a test freezes or moves time for the code under test — so
``--clock sandbox`` (the default) reads ``GET /_sandbox/clock`` once per poll round. That is the
tracker's only read of the control plane; parcels are tracked through the carriers' APIs alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx


class ClockUnavailable(Exception):
    pass


class SystemClock:
    async def now(self) -> datetime:
        return datetime.now(UTC)


class SandboxClock:
    def __init__(self, http: httpx.AsyncClient, sandbox_url: str) -> None:
        self.http = http
        self.url = f"{sandbox_url.rstrip('/')}/_sandbox/clock"
        self.last: datetime | None = None

    async def now(self) -> datetime:
        try:
            response = await self.http.get(self.url)
            response.raise_for_status()
            now = datetime.fromisoformat(response.json()["now"])
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise ClockUnavailable(f"cannot read the sandbox clock at {self.url}: {exc}") from exc
        if now.tzinfo is None:
            raise ClockUnavailable(f"the sandbox clock answered an instant without offset: {now}")
        # The sandbox clock never runs backwards; a reset does start it over, and then so do we.
        self.last = now
        return now


Clock = SystemClock | SandboxClock
