"""What ``verify`` is told: where the sandbox and the tracker are, how to read the tracker, how
fast to drive the clock, and the thresholds that decide the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.status import Status

#: The canonical words a tracker's words may map onto.
CANONICAL: tuple[str, ...] = tuple(status.value for status in Status)

#: Words mapped when the user gives no mapping for them: the canonical words themselves, and a
#: few every tracker has in some spelling. A word mapped to None is "no status yet" (not scored).
DEFAULT_MAP: dict[str, str | None] = {
    **{w: w for w in CANONICAL},
    "pending": None,
    "unknown": None,
    "lost_suspected": "lost",
}


@dataclass(frozen=True)
class Thresholds:
    """The CI gate: a run below any of these fails (exit 1)."""

    min_accuracy: float = 0.90  # share of answers that agree with what the carrier showed
    max_lag_p90_hours: float = 24.0  # sandbox hours for 90 % of status changes to reach the tracker
    min_caught: float = 0.80  # per exception kind: share the tracker showed at all
    max_eta_error_days: float | None = None  # mean absolute ETA error, when set


@dataclass(frozen=True)
class VerifySettings:
    sandbox: str
    tracker: str  # URL template with {carrier} and {tracking_number}
    token: str | None = None
    status_path: str = "$.status"
    eta_path: str | None = "$.eta"
    events_path: str | None = "$.events"
    adapter: str | None = None  # "module:function" instead of the URL template and paths
    register: str | None = None  # URL template POSTed {"carrier", "tracking_number"} before reading
    status_map: dict[str, str | None] = field(default_factory=dict)
    step_s: float = 6 * 3600.0  # sandbox time per clock move
    grace_s: float = 1.0  # wall time the tracker gets after each move
    duration_s: float = 10 * 86400.0  # sandbox time to drive for
    per_carrier: int = 15  # parcels sampled per carrier, besides cases and exceptions
    exceptions: int = 40  # parcels sampled because the carrier showed an exception on them
    carriers: tuple[str, ...] | None = None
    lost_after_s: float = 3 * 86400.0  # silence after which the tracker is expected to say lost
    reset: bool = False  # start the sandbox's world over first
    timeout_s: float = 10.0  # per tracker request
    thresholds: Thresholds = field(default_factory=Thresholds)

    def word(self, word: str | None) -> tuple[bool, str | None]:
        """(known, canonical) for a tracker's status word; unknown words are reported."""
        if word is None:
            return True, None
        mapping = {**DEFAULT_MAP, **self.status_map}
        if word in mapping:
            return True, mapping[word]
        return False, None
