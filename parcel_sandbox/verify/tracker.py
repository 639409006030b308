"""Reading the tracker under test: a URL template and JSON paths, or a Python adapter."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from parcel_sandbox.verify import jsonpath
from parcel_sandbox.verify.settings import VerifySettings


@dataclass(frozen=True, slots=True)
class TrackerAnswer:
    """What the tracker says of one parcel: its own status word, ETA (a date) and event count."""

    word: str | None
    eta: str | None = None
    events: int | None = None
    error: str | None = None


#: A Python adapter: (carrier, tracking number) -> the tracker's answer.
Adapter = Callable[[str, str], TrackerAnswer]


def load_adapter(spec: str) -> Adapter:
    """``module:function`` -> the function (ValueError naming what is missing)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ValueError(f"--adapter {spec!r}: expected module:function")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"--adapter {spec!r}: cannot import {module_name}: {exc}") from None
    found = getattr(module, attr, None)
    if not callable(found):
        raise ValueError(f"--adapter {spec!r}: {module_name} has no function {attr}")
    return found  # type: ignore[no-any-return]


class HttpTracker:
    """The tracker through ``settings.tracker`` (a URL template) and the JSON paths."""

    def __init__(self, settings: VerifySettings, http: httpx.Client | None = None) -> None:
        for name in ("{carrier}", "{tracking_number}"):
            if name not in settings.tracker:
                raise ValueError(f"--tracker {settings.tracker!r}: the template needs {name}")
        self.settings = settings
        self.paths = {
            "status": jsonpath.compile_path(settings.status_path),
            "eta": jsonpath.compile_path(settings.eta_path) if settings.eta_path else None,
            "events": jsonpath.compile_path(settings.events_path) if settings.events_path else None,
        }
        self.http = http or httpx.Client(timeout=settings.timeout_s)
        self.registered: set[str] = set()

    def read(self, carrier: str, number: str) -> TrackerAnswer:
        s = self.settings
        try:
            if s.register and number not in self.registered:
                url = s.register.format(carrier=carrier, tracking_number=number)
                self.http.post(url, json={"carrier": carrier, "tracking_number": number})
                self.registered.add(number)
            response = self.http.get(s.tracker.format(carrier=carrier, tracking_number=number))
        except httpx.HTTPError as exc:
            return TrackerAnswer(None, error=f"{type(exc).__name__}: {exc}"[:200])
        if response.status_code != 200:
            return TrackerAnswer(None, error=f"HTTP {response.status_code}")
        try:
            body: Any = response.json()
        except ValueError:
            return TrackerAnswer(None, error="the answer is not JSON")
        word = jsonpath.get(body, self.paths["status"])
        eta = jsonpath.get(body, self.paths["eta"]) if self.paths["eta"] is not None else None
        events = jsonpath.get(body, self.paths["events"]) if self.paths["events"] is not None else None
        return TrackerAnswer(
            str(word) if word is not None else None,
            str(eta)[:10] if eta else None,
            len(events) if isinstance(events, list) else None,
        )

    def close(self) -> None:
        self.http.close()
