"""Driving a verification: step the sandbox clock, give the tracker its grace period, sample
parcels (every pinned case, some of every carrier, the ones the carrier shows an exception on,
the lost ones), and record what the carrier showed, what the truth was and what the tracker said."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from parcel_sandbox.client import Sandbox, SandboxError
from parcel_sandbox.verify.score import Observation, ParcelRun, score
from parcel_sandbox.verify.settings import VerifySettings
from parcel_sandbox.verify.tracker import Adapter, HttpTracker, TrackerAnswer, load_adapter

#: EventCodes a carrier shows when something goes wrong: a parcel showing one is followed.
ALARM_CODES = (
    "DELAYED",
    "DELIVERY_ATTEMPTED",
    "EXCEPTION",
    "CUSTOMS_HOLD",
    "RETURN_TO_SENDER",
    "DELIVERY_RESCHEDULED",
)


def _epoch(iso: str | None) -> float | None:
    return datetime.fromisoformat(iso).timestamp() if iso else None


class Verification:
    def __init__(self, settings: VerifySettings, progress: Callable[[str], None] | None = None) -> None:
        self.s = settings
        self.sandbox = Sandbox(settings.sandbox, token=settings.token)
        self.read: Adapter
        if settings.adapter:
            self.read = load_adapter(settings.adapter)
            self._http: HttpTracker | None = None
        else:
            self._http = HttpTracker(settings)
            self.read = self._http.read
        self.parcels: dict[str, ParcelRun] = {}
        self.unmapped: dict[str, int] = {}
        self.progress = progress or (lambda _msg: None)
        self._per_carrier: dict[str, int] = {}
        self._exceptions = 0
        self._cursor = ""

    def _wanted(self, carrier: str) -> bool:
        return self.s.carriers is None or carrier in self.s.carriers

    def _add(self, tn: str, carrier: str, case: str | None = None) -> None:
        if tn not in self.parcels and self._wanted(carrier):
            self.parcels[tn] = ParcelRun(tn, carrier, case)

    def _discover(self) -> None:
        """Cheap reads only (``/_sandbox/parcels`` summaries): new parcels up to the quota per
        carrier, parcels whose carrier now shows an alarm, the lost ones. Scoring reads the truth."""
        while True:  # only the parcels that appeared since the last step
            page, more, self._cursor = self.sandbox.truth_page(self._cursor or None, limit=1000)
            for t in page:
                if self._per_carrier.get(t.carrier, 0) < self.s.per_carrier and self._wanted(t.carrier):
                    self._per_carrier[t.carrier] = self._per_carrier.get(t.carrier, 0) + 1
                    self._add(t.tracking_number, t.carrier, t.case)
            if more is None:
                break
        for code in ALARM_CODES:
            if self._exceptions >= self.s.exceptions:
                break
            for p in self.sandbox.parcels(status=code):
                if p.tracking_number in self.parcels or not self._wanted(p.carrier):
                    continue
                self._add(p.tracking_number, p.carrier, p.case)
                self._exceptions += 1
                if self._exceptions >= self.s.exceptions:
                    break
        # Listed lost from the instant it went missing (the truth as of now, live and replayed
        # alike), days before its carrier admits it: followed from then on.
        for p in self.sandbox.parcels(fate="lost"):
            self._add(p.tracking_number, p.carrier, p.case)

    def _observe(self, now: datetime) -> None:
        for p in self.parcels.values():
            try:
                truth = self.sandbox.truth(p.tracking_number)
            except SandboxError as exc:
                if exc.status == 404:
                    continue  # a case not shipped yet
                raise
            answer: TrackerAnswer = self.read(p.carrier, p.tracking_number)
            known, canonical = self.s.word(answer.word)
            if not known and answer.word is not None:
                self.unmapped[answer.word] = self.unmapped.get(answer.word, 0) + 1
            p.observations.append(
                Observation(
                    t=now.timestamp(),
                    carrier=truth.shown.status,
                    tracker=canonical,
                    word=answer.word,
                    eta=answer.eta,
                    carrier_eta=truth.shown.estimated_delivery,
                    error=answer.error,
                    lost=truth.fate == "lost",
                )
            )

    def _finish(self) -> None:
        for p in self.parcels.values():
            if not p.observations:
                continue
            truth = self.sandbox.truth(p.tracking_number)
            p.fate = truth.fate
            p.delivered_day = truth.delivered_at[:10] if truth.delivered_at else None
            p.lost_at = _epoch(truth.lost_at.at) if truth.lost_at else None

    def run(self) -> dict[str, Any]:
        if self.s.reset:
            self.sandbox.reset()
        health = self.sandbox.health()
        started = self.sandbox.clock.now
        for case in self.sandbox.cases.values():  # known from the start, followed from the start
            if case.tracking_number:
                self._add(case.tracking_number, case.carrier, case.name)
        elapsed = 0.0
        steps = 0
        while elapsed < self.s.duration_s:
            step = min(self.s.step_s, self.s.duration_s - elapsed)
            now = self.sandbox.clock.advance(step)
            elapsed += step
            steps += 1
            time.sleep(self.s.grace_s)
            self._discover()
            self._observe(now)
            self.progress(f"{now.isoformat()}: {len(self.parcels)} parcels followed")
        self._finish()
        # A tracker needs its silence window, and the step it is seen at, to call a parcel lost.
        window = self.s.lost_after_s + self.s.step_s
        result = score(list(self.parcels.values()), self.s.thresholds, window)
        if self.unmapped:
            words = ", ".join(sorted(self.unmapped))
            result["findings"].append(f"tracker words not mapped to the canonical ones: {words} (--map)")
            result["passed"] = False
        result["run"] = {
            "scenario": health.get("scenario"),
            "seed": health.get("seed"),
            "from": started.isoformat(),
            "to": self.sandbox.clock.now.isoformat(),
            "steps": steps,
            "step_hours": self.s.step_s / 3600,
            "grace_seconds": self.s.grace_s,
            "tracker": self.s.adapter or self.s.tracker,
            "parcels": sum(bool(p.observations) for p in self.parcels.values()),
            "cases": sorted(p.case for p in self.parcels.values() if p.case and p.observations),
            "unmapped_words": self.unmapped,
        }
        result["parcels"] = [_parcel_row(p) for p in self.parcels.values() if p.observations]
        return result

    def close(self) -> None:
        self.sandbox.close()
        if self._http is not None:
            self._http.close()


def _parcel_row(p: ParcelRun) -> dict[str, Any]:
    obs = p.observations
    scored = [o for o in obs if o.carrier is not None]
    right = sum(
        o.error is None and (o.tracker == o.carrier or (o.lost and o.tracker == "lost")) for o in scored
    )
    return {
        "tracking_number": p.tracking_number,
        "carrier": p.carrier,
        "case": p.case,
        "fate": p.fate,
        "answers": len(scored),
        "right": right,
        "timeline": [[o.t, o.carrier, o.tracker, o.word] for o in obs],
    }


def verify(settings: VerifySettings, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run a verification and return its result (``result["passed"]``, ``result["findings"]``)."""
    v = Verification(settings, progress)
    try:
        return v.run()
    finally:
        v.close()
