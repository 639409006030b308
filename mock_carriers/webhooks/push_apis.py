"""What the hub offers carriers' own push APIs (``mock_carriers.carriers.spec.PushHub``): a carrier
whose API subscribes webhooks itself (FedEx, Ship24, …) reuses or makes a hub subscription of its
format, and keeps its per-namespace push state in the hub (so a reset clears it with the rest)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from mock_carriers.webhooks.models import WebhookError
from mock_carriers.webhooks.push import PushState, PushStates

if TYPE_CHECKING:
    from mock_carriers.webhooks.models import Subscription


class PushApis:
    """Mixed into ``WebhookHub``, which owns the lock, the subscriptions and ``subscribe``."""

    _lock: threading.RLock
    _subs: dict[str, Subscription]
    _push: PushStates

    if TYPE_CHECKING:

        def subscribe(self, url: str, secret: str, format: str, *, scope: str) -> Any: ...

    def has_subscription(self, format: str) -> bool:
        with self._lock:
            return any(s.format == format for s in self._subs.values())

    def ensure_subscription(self, url: str, secret: str, format: str, scope: str) -> str | None:
        """Reuse the subscription of ``format`` with this URL and secret, or subscribe one; or why not."""
        with self._lock:
            for sub in self._subs.values():
                if sub.format == format and sub.url == url and sub.secret == secret:
                    return None
        try:
            self.subscribe(url, secret, format, scope=scope)
        except WebhookError as exc:
            return str(exc)
        return None

    def push_state(self, namespace: str) -> PushState:
        return self._push.of(namespace)
