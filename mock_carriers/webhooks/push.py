"""Carriers' push-API state (``mock_carriers.carriers.spec.PushState``): per namespace — a push API's
webhook format — key to JSON-able value, in memory and in the outbox's tables (durable with
``--db``), cleared when the world starts over. The hub hands a push API its namespace's view."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from mock_carriers.webhooks.outbox import Outbox


class PushState:
    """One namespace's state."""

    def __init__(self, states: PushStates, namespace: str) -> None:
        self._states = states
        self._namespace = namespace

    def get(self, key: str) -> Any:
        with self._states.lock:
            return self._states.values.get(self._namespace, {}).get(key)

    def put_many(self, items: Mapping[str, Any]) -> None:
        with self._states.lock:
            self._states.values.setdefault(self._namespace, {}).update(items)
            self._states.outbox.put_push_state(self._namespace, items)


class PushStates:
    def __init__(self, outbox: Outbox, lock: threading.RLock) -> None:
        self.outbox = outbox
        self.lock = lock
        self.values: dict[str, dict[str, Any]] = outbox.push_state()

    def of(self, namespace: str) -> PushState:
        return PushState(self, namespace)

    def clear(self) -> None:
        """In memory only: ``Outbox.restart`` clears the table with the rest of the world's state."""
        with self.lock:
            self.values.clear()
