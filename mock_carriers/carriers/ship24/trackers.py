"""Trackers as state: created idempotently, found by id, client id or number, listed by page.

"This endpoint is idempotent, any subsequent calls with the same parameters won't duplicate
``Tracker``. However, providing different information in any of the fields will create a new
``Tracker``" [SPEC create-tracker]: a tracker is keyed by its whole creation payload. Several
trackers may follow one number ("As a tracking number is not unique, the endpoint may return
multiple trackings") [SPEC]. A ``clientTrackerId`` names one active tracker at a time: it can be
reused once its tracker is unsubscribed [SPEC update-tracker ``isSubscribed``].

Ids are UUID-shaped like Ship24's (``26148317-7502-d3ac-44a9-546d240ac0dd`` [SPEC]), derived from
the sandbox's deterministic request ids, so a replayed session gets the same ids.

The records live in the webhook hub's push-API state under the namespace ``ship24`` (durable with
``--db``, cleared when the world starts over, like UPS Track Alert's subscriptions); the webhook
filter (``webhook.py``) reads the same records. A context without a hub (unit tests) keeps them in
memory.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mock_carriers.carriers.spec import PushState
from mock_carriers.world.context import CarrierContext

NAMESPACE = "ship24"


class MemoryState:
    """``PushState`` in a dict, for a context without a webhook hub."""

    def __init__(self) -> None:
        self._values: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self._values.get(key)

    def put_many(self, items: Mapping[str, Any]) -> None:
        self._values.update(items)


class ClientIdTaken(Exception):
    pass


def iso_ms(at: datetime) -> str:
    """Ship24's timestamps: UTC with milliseconds and ``Z`` ("2021-03-10T05:13:00.000Z" [SPEC])."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def tracker_ids(state: PushState, number: str) -> list[str]:
    return list(state.get(f"n:{number}") or [])


def record(state: PushState, tracker_id: str) -> dict[str, Any] | None:
    found = state.get(f"t:{tracker_id}")
    return dict(found) if found is not None else None


class TrackerStore:
    def __init__(self, ctx: CarrierContext) -> None:
        self.ctx = ctx
        self._local = MemoryState()
        self._lock = threading.Lock()

    @property
    def state(self) -> PushState:
        hub = getattr(self.ctx, "webhooks", None)
        return hub.push_state(NAMESPACE) if hub is not None else self._local

    def _new_id(self) -> str:
        raw = hashlib.sha256(self.ctx.request_id("tracker").encode()).digest()[:16]
        return str(uuid.UUID(bytes=raw, version=4))

    def create(self, payload: dict[str, Any], now: datetime) -> tuple[dict[str, Any], bool]:
        """The tracker of this payload — the existing one (False) or a new one (True)."""
        key = "k:" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        state = self.state
        with self._lock:
            existing = state.get(key)
            if existing is not None and (found := record(state, existing)) is not None:
                return found, False
            client_id = payload.get("clientTrackerId")
            if client_id is not None:
                holder = record(state, state.get(f"c:{client_id}") or "")
                if holder is not None and holder["isSubscribed"]:
                    raise ClientIdTaken(client_id)
            tracker_id = self._new_id()
            number = payload["trackingNumber"]
            count = int(state.get("count") or 0) + 1
            tracker = {
                "trackerId": tracker_id,
                "trackingNumber": number,
                "shipmentReference": payload.get("shipmentReference"),
                "clientTrackerId": client_id,
                "isSubscribed": True,
                "createdAt": iso_ms(now),
                "created": now.timestamp(),
                "input": payload,
            }
            items: dict[str, Any] = {
                f"t:{tracker_id}": tracker,
                key: tracker_id,
                f"n:{number}": [*tracker_ids(state, number), tracker_id],
                f"i:{count}": tracker_id,
                "count": count,
            }
            if client_id is not None:
                items[f"c:{client_id}"] = tracker_id
            state.put_many(items)
            return dict(tracker), True

    def find(self, key: str, search_by: str = "trackerId") -> dict[str, Any] | None:
        state = self.state
        if search_by == "clientTrackerId":
            key = state.get(f"c:{key}") or ""
        return record(state, key)

    def save(self, tracker: dict[str, Any]) -> None:
        with self._lock:
            self.state.put_many({f"t:{tracker['trackerId']}": tracker})

    def resent(self, tracker: dict[str, Any]) -> int:
        """Count one more resend of the tracker's webhooks; returns how many came before (each
        resend's messages get ids of their own)."""
        key = f"r:{tracker['trackerId']}"
        with self._lock:
            count = int(self.state.get(key) or 0)
            self.state.put_many({key: count + 1})
        return count

    def by_number(self, number: str) -> list[dict[str, Any]]:
        state = self.state
        return [t for i in tracker_ids(state, number) if (t := record(state, i)) is not None]

    def page(self, page: int, limit: int, newest_first: bool) -> list[dict[str, Any]]:
        """One page of every tracker by creation time (``sort`` 1: oldest first)."""
        state = self.state
        count = int(state.get("count") or 0)
        start = (page - 1) * limit
        if start >= count:
            return []
        positions = range(start + 1, min(count, start + limit) + 1)
        if newest_first:
            positions = range(count - start, max(0, count - start - limit), -1)
        return [t for n in positions if (t := record(state, state.get(f"i:{n}") or "")) is not None]
