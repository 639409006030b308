"""Correctness under load: each tracker answer a shopper gets is checked against the sandbox's
truth at that instant (``GET /_sandbox/truth/{n}``), so a tracker that turns stale or wrong under
load fails the run, not only a slow one. Pure functions; the shopper makes the two requests.

An answer is **stale** when the tracker's status (mapped onto the sandbox's canonical words) is not
what the carrier shows, and the carrier has shown it for longer than the tolerance (sandbox time):
a tracker that has not polled since the last scan is still within it. ``lost`` is also right once
the parcel really is lost. The canonical words are spelled out here (load tests import nothing from
the simulation)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

CANONICAL = frozenset(
    {
        "label_created",
        "in_transit",
        "out_for_delivery",
        "failed_attempt",
        "available_for_pickup",
        "delivered",
        "delayed",
        "exception",
        "returning",
        "returned",
        "lost",
    }
)
#: Tracker words mapped when not given: the canonical words, "no status yet" words, a suspicion.
DEFAULT_MAP: dict[str, str | None] = {
    **{w: w for w in CANONICAL},
    "pending": None,
    "unknown": None,
    "lost_suspected": "lost",
}
TRUTH_PAGE_NAME = "/_sandbox/truth/[tracking_number]"


def parse_status_map(text: str) -> dict[str, str | None]:
    """``--status-map 'Zugestellt=delivered,Unterwegs=in_transit,pending='`` -> a mapping; ValueError
    naming a pair that is not WORD=CANONICAL."""
    out: dict[str, str | None] = {}
    for pair in (p.strip() for p in text.split(",") if p.strip()):
        word, sep, canonical = pair.partition("=")
        if not sep or not word or (canonical and canonical not in CANONICAL):
            raise ValueError(
                f"--status-map: {pair[:60]!r} is not WORD=CANONICAL "
                f"(canonical: {', '.join(sorted(CANONICAL))})"
            )
        out[word.strip()] = canonical.strip() or None
    return out


def tracker_status(body: str) -> str | None:
    """The ``status`` field of a JSON tracker answer, or None."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        return None
    status = data.get("status") if isinstance(data, dict) else None
    return status if isinstance(status, str) else None


def stale(
    word: str | None, truth: dict[str, Any], tolerance_s: float, mapping: dict[str, str | None]
) -> str | None:
    """Why the tracker's answer is stale against ``truth`` (the truth API's record), or None."""
    shown = truth.get("shown") or {}
    carrier = shown.get("status")
    if carrier is None:
        return None  # the carrier shows nothing yet: nothing to be stale about
    said = {**DEFAULT_MAP, **mapping}.get(word) if word is not None else None
    if said == carrier or (said == "lost" and truth.get("fate") == "lost"):
        return None
    since = shown.get("last_visible_at")
    as_of = truth.get("as_of")
    if not since or not as_of:
        return None
    age = (datetime.fromisoformat(as_of) - datetime.fromisoformat(since)).total_seconds()
    if age <= tolerance_s:
        return None  # the carrier's newest scan is recent: the tracker may not have polled yet
    return f"stale: tracker says {word!r}, the carrier has shown {carrier} for {age / 3600:.1f} h"
