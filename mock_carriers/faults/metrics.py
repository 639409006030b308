"""Every request that reached a mock carrier and every injected fault, counted with labels and
rendered in the Prometheus text exposition format (0.0.4) for ``GET /_sandbox/metrics``."""

from __future__ import annotations

import threading

_HELP: dict[str, str] = {
    "parcel_sandbox_requests_total": "Requests that reached a mock carrier, per route class.",
    "parcel_sandbox_faults_total": "Injected HTTP faults, per carrier, route class and kind.",
    "parcel_sandbox_injected_latency_seconds_total": "Latency added by fault injection.",
    "parcel_sandbox_rate_limited_total": "Requests answered 429 by a rate limit, per limit kind.",
    "parcel_sandbox_token_storms_total": "Token-expiry storms, per carrier and trigger.",
    "parcel_sandbox_tokens_expired_total": "Live tokens expired by token-expiry storms.",
    "parcel_sandbox_scan_faults_total": "Carrier views changed by a scan-data fault, per kind.",
}


def label_key(**labels: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(labels.items()))


class Metrics:
    """Counters with labels, rendered in the Prometheus text exposition format (0.0.4)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}

    def inc(self, name: str, by: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + by

    def inc_labelled(self, name: str, key: tuple[tuple[str, str], ...], by: float = 1.0) -> None:
        """``inc`` with the labels given as the sorted ``(name, value)`` pairs ``label_key`` makes."""
        with self._lock:
            series = self._counters.setdefault(name, {})
            series[key] = series.get(key, 0.0) + by

    def value(self, name: str, **labels: str) -> float:
        """The sum of every series of ``name`` whose labels include ``labels``."""
        want = set(labels.items())
        with self._lock:
            return sum(v for k, v in self._counters.get(name, {}).items() if want <= set(k))

    def clear(self) -> None:
        with self._lock:
            self._counters.clear()

    def render(self) -> str:
        lines: list[str] = []
        with self._lock:
            for name in _HELP:
                lines.append(f"# HELP {name} {_HELP[name]}")
                lines.append(f"# TYPE {name} counter")
                for key, value in sorted(self._counters.get(name, {}).items()):
                    labels = ",".join(f'{k}="{_escape(v)}"' for k, v in key)
                    lines.append(f"{name}{{{labels}}} {_number(value)}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)
