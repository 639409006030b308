"""A typed Python client for a running sandbox's control plane (httpx), for tests and scripts:

    sb = Sandbox("http://127.0.0.1:8000", token="…")
    sb.clock.advance("2d")
    lost = sb.cases["lost-at-hub"]
    assert sb.truth(lost.tracking_number).fate == "lost"
    ups_base = sb.base_url("ups")          # point a carrier client here

Errors the sandbox answers come back as ``SandboxError`` with the problem body's detail.
docs/pytest-plugin.md describes it with the pytest fixture built on it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from mock_carriers.control.truth_models import TruthRecord
from sim.scenario import parse_duration

#: The header the control plane accepts its token in (besides ``Authorization: Bearer``).
TOKEN_HEADER = "X-Sandbox-Token"


class SandboxError(RuntimeError):
    """The sandbox refused a request: its status and the problem body's ``detail``."""

    def __init__(self, status: int, detail: str, method: str, path: str) -> None:
        super().__init__(f"{method} {path}: {status} {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True, slots=True)
class Case:
    """A pinned QA case: a named parcel with a scripted story."""

    name: str
    tracking_number: str | None
    carrier: str
    story: str


@dataclass(frozen=True, slots=True)
class ParcelSummary:
    tracking_number: str
    carrier: str
    service: str
    status: str | None
    fate: str | None  # as of now, as the truth API says it; final once ``final``
    case: str | None
    final: bool = False


class Clock:
    """The sandbox clock: ``now``, ``advance("2d")``, ``to(instant)``, ``set(mode=, speed=)``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    @property
    def now(self) -> datetime:
        return datetime.fromisoformat(self._sb.request("GET", "/_sandbox/clock")["now"])

    def state(self) -> dict[str, Any]:
        return dict(self._sb.request("GET", "/_sandbox/clock"))

    def advance(self, duration: str | float) -> datetime:
        """Move forward ('90m', '2h', '4d', 'PT2H' or seconds); returns the new instant."""
        return self._set({"advance": duration})

    def to(self, instant: datetime | str) -> datetime:
        """Jump to an instant (never back); returns it."""
        return self._set({"to": instant.isoformat() if isinstance(instant, datetime) else instant})

    def set(self, *, mode: str | None = None, speed: float | None = None) -> datetime:
        body = {k: v for k, v in (("mode", mode), ("speed", speed)) if v is not None}
        return self._set(body)

    def _set(self, body: dict[str, Any]) -> datetime:
        """A 200 answers with the new instant; a 202 (a long move the sandbox makes in the
        background) is followed by reading the clock until it gets there."""
        before = self.now if ("advance" in body or "to" in body) else None
        response = self._sb.http.post("/_sandbox/clock", json=body)
        if response.status_code != 202:
            return datetime.fromisoformat(self._sb.checked(response, "POST", "/_sandbox/clock")["now"])
        assert before is not None
        if "advance" in body:
            target = before + timedelta(seconds=parse_duration(body["advance"]))
        else:
            target = max(before, datetime.fromisoformat(body["to"]))
        deadline = time.monotonic() + self._sb.timeout
        while (now := self.now) < target:
            if time.monotonic() > deadline:
                raise SandboxError(
                    504, f"the clock did not reach {target.isoformat()}", "POST", "/_sandbox/clock"
                )
            time.sleep(0.05)
        return now


class Cases(Mapping[str, Case]):
    """The scenario's pinned cases by name (read afresh on each access: numbers are known from the
    start in both ``serve`` and ``replay``)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    def _all(self) -> dict[str, Case]:
        return {c["name"]: Case(**c) for c in self._sb.request("GET", "/_sandbox/cases")}

    def __getitem__(self, name: str) -> Case:
        cases = self._all()
        if name not in cases:
            known = ", ".join(cases) or "none"
            raise KeyError(f"no pinned case {name!r} in this scenario (cases: {known})")
        return cases[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class Webhooks:
    """``/_sandbox/webhooks``: subscribe a receiver, list, inspect deliveries, unsubscribe."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox

    def subscribe(
        self,
        url: str,
        secret: str,
        *,
        carriers: list[str] | None = None,
        format: str = "sandbox",
        **settings: Any,
    ) -> dict[str, Any]:
        """Subscribe ``url``; ``settings`` are the request's other fields (scope, retry, inject)."""
        body = {"url": url, "secret": secret, "carriers": carriers, "format": format, **settings}
        return dict(self._sb.request("POST", "/_sandbox/webhooks", json=body))

    def list(self) -> list[dict[str, Any]]:
        return list(self._sb.request("GET", "/_sandbox/webhooks"))

    def deliveries(self, subscription_id: str, **params: Any) -> dict[str, Any]:
        return dict(
            self._sb.request("GET", f"/_sandbox/webhooks/{subscription_id}/deliveries", params=params)
        )

    def unsubscribe(self, subscription_id: str) -> None:
        self._sb.request("DELETE", f"/_sandbox/webhooks/{subscription_id}")


class Sandbox:
    """A running sandbox at ``base_url``; ``token`` is its control token, when it has one."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        http: httpx.Client | None = None,
    ) -> None:
        self.url = base_url.rstrip("/")
        self.timeout = timeout
        headers = {TOKEN_HEADER: token} if token else {}
        self.http = http or httpx.Client(base_url=self.url, headers=headers, timeout=timeout)
        self.clock = Clock(self)
        self.cases = Cases(self)
        self.webhooks = Webhooks(self)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """One control-plane call: its JSON body, or ``SandboxError`` for a refusal."""
        return self.checked(self.http.request(method, path, **kwargs), method, path)

    def checked(self, response: httpx.Response, method: str, path: str) -> Any:
        if response.status_code >= 400:
            try:
                detail = str(response.json().get("detail", response.text))
            except (ValueError, AttributeError):
                detail = response.text[:500]
            raise SandboxError(response.status_code, detail, method, path)
        return response.json() if response.content else None

    def base_url(self, carrier: str) -> str:
        """Where a client of ``carrier``'s real API points instead of the carrier."""
        return f"{self.url}/{carrier}"

    def health(self) -> dict[str, Any]:
        return dict(self.request("GET", "/_sandbox/health"))

    def reset(self, seed: int | None = None) -> None:
        """Start the world over (clock at the start, no parcels, no tokens)."""
        self.request("POST", "/_sandbox/reset", json={} if seed is None else {"seed": seed})

    def truth(self, tracking_number: str) -> TruthRecord:
        """What really happened to one parcel, as of the sandbox's now."""
        return TruthRecord.model_validate(self.request("GET", f"/_sandbox/truth/{tracking_number}"))

    def truths(self, **filters: Any) -> Iterator[TruthRecord]:
        """Every parcel's truth as of now (``carrier``, ``fate``, ``late``, ``delayed``, ``case``,
        ``final``, ``changed_since``), page after page."""
        params = {k: _param(v) for k, v in filters.items() if v is not None}
        params.setdefault("limit", 1000)
        while True:
            response = self.http.get("/_sandbox/truth", params=params)
            if response.status_code >= 400:
                self.checked(response, "GET", "/_sandbox/truth")  # raises with the problem's detail
            for line in response.text.splitlines():
                yield TruthRecord.model_validate(json.loads(line))
            cursor = response.headers.get("x-next-cursor")
            if cursor is None:
                return
            params["cursor"] = cursor

    def truth_page(
        self, cursor: str | None = None, **filters: Any
    ) -> tuple[list[TruthRecord], str | None, str]:
        """One page of the truth stream: (records, the next page's cursor or None at the end, the
        cursor to resume from later for parcels that appear after this page)."""
        params = {k: _param(v) for k, v in filters.items() if v is not None}
        if cursor:
            params["cursor"] = cursor
        response = self.http.get("/_sandbox/truth", params=params)
        if response.status_code >= 400:
            self.checked(response, "GET", "/_sandbox/truth")
        records = [TruthRecord.model_validate(json.loads(line)) for line in response.text.splitlines()]
        return records, response.headers.get("x-next-cursor"), response.headers.get("x-resume-cursor", "")

    def parcels(self, **filters: Any) -> Iterator[ParcelSummary]:
        """Parcels the world has so far (``carrier``, ``status``, ``fate``, ``case``), every page."""
        params = {k: _param(v) for k, v in filters.items() if v is not None}
        params.setdefault("limit", 1000)
        while True:
            page = self.request("GET", "/_sandbox/parcels", params=params)
            for item in page["items"]:
                yield ParcelSummary(**item)
            if page["next"] is None:
                return
            params["cursor"] = page["next"]

    def statuses(self) -> dict[str, Any]:
        """The canonical status words and each carrier's codes mapped onto them."""
        return dict(self.request("GET", "/_sandbox/statuses"))

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    return value
