"""Scan-data faults: what a carrier shows of one parcel when its tracking goes wrong in the ways real
tracking does — duplicated, swapped, late and missing scans, a false DELIVERED later corrected, a
frozen tracker. Decided per tracking number by a hash of (seed, number, fault), so one parcel shows
the same fault on every request. Only the view changes; the truth never does."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from datetime import datetime, timedelta

from mock_carriers.faults.config import CorrectedDelivery, ScanFaults
from sim.events import TERMINAL_CODES, EventCode, ExceptionReason, ScanEvent

SCAN_KINDS: tuple[str, ...] = ("stale", "late", "missing", "corrected_delivery", "duplicate", "out_of_order")


@functools.lru_cache(maxsize=1 << 16)
def _parcel_draw(seed: int, tracking_number: str, kind: str) -> tuple[float, int]:
    """(uniform in [0, 1), a free integer) for one parcel and fault kind; stable across requests."""
    digest = hashlib.blake2b(f"{seed}|{tracking_number}|{kind}".encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64, int.from_bytes(digest[8:], "big")


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def _shift(iso: str, seconds: float) -> str:
    return (datetime.fromisoformat(iso) + timedelta(seconds=seconds)).isoformat()


def _by_seq(events: list[ScanEvent], seq: int) -> int | None:
    return next((i for i, e in enumerate(events) if e.seq == seq), None)


#: A false DELIVERED shows this long after the OUT_FOR_DELIVERY it follows (a scan at van loading).
PHANTOM_LAG_S = 60.0

_CORRECTION_REASONS: dict[EventCode, ExceptionReason | None] = {
    EventCode.DELIVERY_ATTEMPTED: ExceptionReason.RECIPIENT_UNAVAILABLE,
    EventCode.EXCEPTION: ExceptionReason.ADDRESS_ISSUE,
    EventCode.OUT_FOR_DELIVERY: None,
}


def apply(
    cfg: ScanFaults, seed: int, tn: str, events: list[ScanEvent], now: datetime
) -> tuple[list[ScanEvent], list[str]]:
    """The events the carrier shows of ``tn`` at ``now``, and the fault kinds that changed them."""
    now_s = now.timestamp()
    out = events
    applied: list[str] = []

    def hit(kind: str, rate: float) -> int | None:
        if rate <= 0:
            return None
        u, n = _parcel_draw(seed, tn, kind)
        return n if u < rate else None

    # Stale: after scan k, nothing new shows until `duration` after scan k showed.
    n = hit("stale", cfg.stale.rate)
    if n is not None:
        i = _by_seq(out, 2 + n % 4)
        if i is not None and i + 1 < len(out) and now_s < _epoch(out[i].visible_at) + cfg.stale.duration:
            out = out[: i + 1]
            applied.append("stale")
    # Late: scan k shows `delay` after it should, while the later scans already show.
    n = hit("late", cfg.late.rate)
    if n is not None:
        i = _by_seq(out, 2 + n % 5)
        if i is not None and now_s < _epoch(out[i].visible_at) + cfg.late.delay:
            out = out[:i] + out[i + 1 :]
            applied.append("late")
    # Missing: scan k (never the first, never a terminal one) never shows.
    n = hit("missing", cfg.missing)
    if n is not None:
        i = _by_seq(out, 2 + n % 5)
        if i is not None and out[i].code not in TERMINAL_CODES:
            out = out[:i] + out[i + 1 :]
            applied.append("missing")
    # Corrected delivery: a false DELIVERED right after the first OUT_FOR_DELIVERY, shown for
    # `after`, then removed or replaced by the correction.
    if hit("corrected_delivery", cfg.corrected_delivery.rate) is not None:
        i = next((j for j, e in enumerate(out) if e.code is EventCode.OUT_FOR_DELIVERY), None)
        if i is not None:
            shown = _phantom_delivery(cfg.corrected_delivery, out[i], now_s)
            if shown is not None:
                out = [*out[: i + 1], shown, *out[i + 1 :]]
            if shown is not None or now_s >= _epoch(out[i].visible_at) + PHANTOM_LAG_S:
                applied.append("corrected_delivery")
    # Duplicate: scan k shows twice (the same event, id included, as a re-sent scan).
    n = hit("duplicate", cfg.duplicate)
    if n is not None:
        i = _by_seq(out, 1 + n % 6)
        if i is not None:
            out = [*out[: i + 1], out[i], *out[i + 1 :]]
            applied.append("duplicate")
    # Out of order: scans k and k+1 swap places in the list the carrier renders.
    n = hit("out_of_order", cfg.out_of_order)
    if n is not None:
        k = 1 + n % 6
        i, j = _by_seq(out, k), _by_seq(out, k + 1)
        if i is not None and j is not None:
            out = list(out)
            out[i], out[j] = out[j], out[i]
            applied.append("out_of_order")
    return out, applied


def _phantom_delivery(cfg: CorrectedDelivery, ofd: ScanEvent, now_s: float) -> ScanEvent | None:
    shows_at = _epoch(ofd.visible_at) + PHANTOM_LAG_S
    if now_s < shows_at:
        return None
    if now_s < shows_at + cfg.after:
        return dataclasses.replace(
            ofd,
            event_id=f"{ofd.event_id}-delivered",
            code=EventCode.DELIVERED,
            reason=None,
            occurred_at=_shift(ofd.occurred_at, PHANTOM_LAG_S),
            visible_at=_shift(ofd.visible_at, PHANTOM_LAG_S),
            details={},
        )
    if cfg.replace_with is None:
        return None
    code = EventCode(cfg.replace_with)
    return dataclasses.replace(
        ofd,
        event_id=f"{ofd.event_id}-corrected",
        code=code,
        reason=_CORRECTION_REASONS[code],
        occurred_at=_shift(ofd.occurred_at, PHANTOM_LAG_S),
        visible_at=_shift(ofd.visible_at, PHANTOM_LAG_S + cfg.after),
        details={"attempt": 1} if code is EventCode.DELIVERY_ATTEMPTED else {},
    )
