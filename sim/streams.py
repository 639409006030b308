"""Seeded random streams: one per named purpose in a world, one per parcel.

Every random draw in the world comes from a stream seeded from ``(world seed, stream name)``, so
adding draws to one stream (a new incident, a longer address pool) never moves another: demand,
tracking numbers, addresses and each parcel's story stay where they were.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect
from collections.abc import Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")

_MASK = (1 << 64) - 1
_sqrt, _log, _cos = math.sqrt, math.log, math.cos
_TWO_PI = 2.0 * math.pi


_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied, not constructed: half the cost of a new one


def stream_seed(seed: int, name: str) -> int:
    """An independent, stable seed per named stream (blake2b, not ``hash()``: stable across runs)."""
    h = _BLAKE2B_8.copy()
    h.update(f"{seed}:{name}".encode())
    return int.from_bytes(h.digest(), "big")


def named_random(seed: int, name: str) -> random.Random:
    """A world-level stream (demand, tracking numbers, addresses): Mersenne Twister, seeded by name."""
    return random.Random(stream_seed(seed, name))


def choose(rng: random.Random, items: Sequence[T], cum_weights: Sequence[float]) -> T:
    """``rng.choices(items, cum_weights=cum_weights)[0]``, draw for draw, without its per-call
    checks and list: demand picks a carrier and a service for every candidate arrival."""
    return items[bisect(cum_weights, rng.random() * (cum_weights[-1] + 0.0), 0, len(items) - 1)]


def skip(rng: Rng, n: int) -> None:
    """Move ``rng`` on by ``n`` uniform draws whose values are not needed (a draw that only counts
    for a rare outcome keeps its place in the stream): free for a ``ParcelRng``."""
    if type(rng) is ParcelRng:
        rng.skip(n)
    else:
        for _ in range(n):
            rng.random()


class Rng(Protocol):
    """What a parcel's story draws from: ``random.Random`` fits, and so does ``ParcelRng``."""

    def random(self) -> float: ...
    def uniform(self, a: float, b: float) -> float: ...
    def gauss(self, mu: float, sigma: float) -> float: ...
    def randrange(self, n: int) -> int: ...


class ParcelRng:
    """SplitMix64: a parcel's own random stream in one integer of state.

    A world at benchmark volume holds ~10^5 parcels in flight; a ``random.Random`` each (2.5 KB of
    Mersenne-Twister state) would dominate memory. Statistically fine for incident draws, and
    deterministic from its seed like everything else.
    """

    __slots__ = ("_state",)

    def __init__(self, seed: int) -> None:
        self._state = seed & _MASK

    def _next(self) -> int:
        self._state = z = (self._state + 0x9E3779B97F4A7C15) & _MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        # _next() inlined, the mask written out (no global lookup): this is the hottest call in
        # the model (~70 draws a parcel)
        self._state = z = (self._state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return ((z ^ (z >> 31)) >> 11) * 1.1102230246251565e-16  # 2**-53

    def skip(self, n: int) -> None:
        """Move on ``n`` draws without making them: the state is a counter (one addition)."""
        self._state = (self._state + n * 0x9E3779B97F4A7C15) & _MASK

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.random()

    def randrange(self, n: int) -> int:
        return min(n - 1, int(self.random() * n))

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        u1 = 1.0 - self.random()  # (0, 1]: log is finite
        u2 = self.random()
        return mu + sigma * _sqrt(-2.0 * _log(u1)) * _cos(_TWO_PI * u2)
