"""Scan visibility: when a scan a carrier records becomes visible to a tracker.

A scanner (a facility's scanner bank, a courier's handheld) does not send each scan as it happens:
it uploads what it holds every so often, at its own phase in that cycle, so the scans of one device
between two uploads share their upload instant. Now and then a whole batch is hours late (a device
out of coverage, a facility's feed stalled). After the upload, each scan still takes its own
transmission and processing time. Parameters per carrier: ``sim.profiles`` (``VisibilityProfile``).

The device's phase and a batch's lateness are properties of the device and the batch, not of one
parcel, so they come from the world seed keyed by device (and batch): every parcel scanned on that
device sees the same phase and the same late batch. The per-scan lag comes from the parcel's own
stream (``rng``). Pure: no clock, no SimPy.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from sim.profiles.types import VisibilityProfile
from sim.streams import Rng, stream_seed

_TWO_64 = float(1 << 64)
Z95 = 1.6448536269514722  # the standard normal's 95th percentile


def keyed_uniform(seed: int, key: str) -> float:
    """A uniform draw in [0, 1) fixed by the world seed and a key (a device, a batch)."""
    return stream_seed(seed, key) / _TWO_64


def device_phase(seed: int, device: str, interval_s: float) -> float:
    """Where in its upload cycle a device sits: seconds after each multiple of the interval."""
    return keyed_uniform(seed, f"visibility-phase:{device}") * interval_s


def upload_at(scan_at: float, interval_s: float, phase_s: float) -> float:
    """The device's first upload at or after ``scan_at`` (``interval_s = 0``: it streams)."""
    if interval_s <= 0:
        return scan_at
    k = math.ceil((scan_at - phase_s) / interval_s)
    return phase_s + k * interval_s


def batch_delay(seed: int, device: str, upload_s: float, vis: VisibilityProfile) -> float:
    """Extra seconds a whole batch (one device, one upload) arrives late; usually 0."""
    u = keyed_uniform(seed, f"visibility-batch:{device}:{round(upload_s)}")
    if u >= vis.late_batch_share:
        return 0.0
    lo, hi = vis.late_batch_s
    return lo + (hi - lo) * (u / vis.late_batch_share)  # the same draw, rescaled: one per batch


def transmission_lag(rng: Rng, vis: VisibilityProfile) -> float:
    """One scan's transmission and processing after its upload: lognormal (median, p95)."""
    sigma = math.log(vis.lag_p95_s / vis.lag_median_s) / Z95
    return vis.lag_median_s * math.exp(sigma * rng.gauss(0.0, 1.0))


def first_visible_at(label_at: float, rng: Rng, vis: VisibilityProfile) -> float:
    """When a new shipment's label data first shows (10–30 min after it reaches the carrier)."""
    lo, hi = vis.first_event_s
    return label_at + lo + (hi - lo) * rng.random()


def visible_at(scan_at: float, device: str, seed: int, rng: Rng, vis: VisibilityProfile) -> float:
    """When a scan made at ``scan_at`` on ``device`` becomes visible to a tracker."""
    up = upload_at(scan_at, vis.batch_interval_s, device_phase(seed, device, vis.batch_interval_s))
    return up + batch_delay(seed, device, up, vis) + transmission_lag(rng, vis)


#: for a carrier no profile describes: streams within minutes, a batch hours late now and then
DEFAULT = VisibilityProfile(
    batch_interval_s=5 * 60,
    lag_median_s=5 * 60,
    lag_p95_s=40 * 60,
    late_batch_share=0.008,
    late_batch_s=(2 * 3600, 6 * 3600),
)
LAG_STEPS = 512  # transmission lags drawn from this many quantiles of the lognormal, interpolated


def lag_quantiles(vis: VisibilityProfile, steps: int = LAG_STEPS) -> tuple[float, ...]:
    """The lognormal (median, p95) transmission lag at ``steps + 1`` evenly spaced probabilities
    (the ends at half a step in, so the table stays finite)."""
    sigma = math.log(vis.lag_p95_s / vis.lag_median_s) / Z95
    dist = NormalDist()
    probs = [min(max(k / steps, 0.5 / steps), 1 - 0.5 / steps) for k in range(steps + 1)]
    return tuple(vis.lag_median_s * math.exp(sigma * dist.inv_cdf(q)) for q in probs)


MEMO_KEPT = 200_000  # device phases and batch delays remembered (bounded: a served world runs on)


class Uploads:
    """The world's scanners: each device's phase and each batch's lateness drawn once (one hash per
    device and per batch, not per scan), each scan's own lag from its parcel's stream."""

    __slots__ = ("_batches", "_carriers", "_phases", "_profiles", "seed")

    def __init__(self, seed: int, profiles: dict[str, VisibilityProfile]) -> None:
        self.seed = seed
        self._profiles = profiles
        self._phases: dict[str, float] = {}
        self._batches: dict[tuple[str, float], float] = {}
        # per carrier: its profile, its upload interval and its lag quantiles (made on first use)
        self._carriers: dict[str, tuple[VisibilityProfile, float, tuple[float, ...]]] = {}

    def _carrier(self, carrier: str) -> tuple[VisibilityProfile, float, tuple[float, ...]]:
        vis = self._profiles.get(carrier, DEFAULT)
        found = self._carriers[carrier] = (vis, vis.batch_interval_s, lag_quantiles(vis))
        return found

    def visible_at(self, scan_at: float, device: str, carrier: str, rng: Rng, first: bool) -> float:
        """When a scan made (or written) at ``scan_at`` by ``carrier`` on ``device`` shows (what it
        needs of the carrier found once: a scan's hottest lines after its own record)."""
        found = self._carriers.get(carrier) or self._carrier(carrier)
        vis, interval, table = found
        if first:
            return first_visible_at(scan_at, rng, vis)
        phase = self._phases.get(device)
        if phase is None:
            if len(self._phases) > MEMO_KEPT:
                self._phases.clear()
            phase = self._phases[device] = device_phase(self.seed, device, interval)
        up = upload_at(scan_at, interval, phase)
        key = (device, up)
        late = self._batches.get(key)
        if late is None:
            if len(self._batches) > MEMO_KEPT:
                self._batches.clear()
            late = self._batches[key] = batch_delay(self.seed, device, up, vis)
        x = rng.random() * LAG_STEPS  # the lognormal by its quantiles: one uniform, no gauss
        k = int(x)
        return up + late + table[k] + (table[k + 1] - table[k]) * (x - k)
