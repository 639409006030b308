"""Seeded streams: stable seeds per name, SplitMix64 as published, and streams that never move
each other — the property the golden traces and pinned cases rely on."""

from __future__ import annotations

import itertools
import random
import statistics

import pytest

from sim.engine import Engine
from sim.streams import ParcelRng, choose, named_random, stream_seed
from tests.conftest import small_scenario

pytestmark = pytest.mark.unit


def test_stream_seeds_are_stable_across_runs_and_python_versions() -> None:
    # blake2b of "seed:name", not hash(): these values are part of every golden trace
    assert stream_seed(42, "demand") == 9164710300008448284
    assert stream_seed(42, "parcel:1") == 11558769366519489462
    assert len({stream_seed(42, f"parcel:{i}") for i in range(10_000)}) == 10_000
    assert stream_seed(42, "demand") != stream_seed(43, "demand")


def test_parcel_rng_is_splitmix64() -> None:
    # the reference outputs of Vigna's splitmix64.c for seeds 0 and 1234567
    r = ParcelRng(0)
    assert [r._next() for _ in range(3)] == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]
    r = ParcelRng(1234567)
    assert [r._next() for _ in range(2)] == [6457827717110365317, 3203168211198807973]


def test_the_inlined_draw_is_the_top_53_bits_of_the_next_output() -> None:
    a, b = ParcelRng(99), ParcelRng(99)
    for _ in range(1000):
        assert a.random() == (b._next() >> 11) / 2**53


def test_parcel_rng_draws_are_in_range_and_well_spread() -> None:
    r = ParcelRng(stream_seed(7, "parcel:1"))
    u = [r.random() for _ in range(20_000)]
    assert min(u) >= 0.0 and max(u) < 1.0
    assert statistics.fmean(u) == pytest.approx(0.5, abs=0.01)
    assert {r.randrange(3) for _ in range(1000)} == {0, 1, 2}
    assert all(2.0 <= r.uniform(2.0, 5.0) < 5.0 for _ in range(1000))
    g = [r.gauss(10.0, 2.0) for _ in range(20_000)]
    assert statistics.fmean(g) == pytest.approx(10.0, abs=0.05)
    assert statistics.stdev(g) == pytest.approx(2.0, rel=0.03)


def test_draws_on_one_stream_never_move_another() -> None:
    def sequence(interleave: bool) -> tuple[list[float], list[float]]:
        demand, parcel = named_random(42, "demand"), ParcelRng(stream_seed(42, "parcel:1"))
        other, other_parcel = named_random(42, "addresses"), ParcelRng(stream_seed(42, "parcel:2"))
        out_d, out_p = [], []
        for _ in range(100):
            if interleave:  # a new consumer draws in between, on its own streams
                other.random(), other_parcel.random(), other_parcel.gauss(0, 1)
            out_d.append(demand.random())
            out_p.append(parcel.random())
        return out_d, out_p

    assert sequence(False) == sequence(True)


def test_named_random_is_a_mersenne_twister_seeded_by_name() -> None:
    assert named_random(5, "tracking").random() == random.Random(stream_seed(5, "tracking")).random()


def test_pinned_case_numbers_do_not_depend_on_the_rest_of_the_world() -> None:
    cases = [
        {"name": "a", "carrier": "ups", "origin": "EWR", "destination": "CHI", "story": "lost"},
        {"name": "b", "carrier": "fedex", "origin": "EWR", "destination": "LAX"},
    ]
    small = Engine(small_scenario(cases=cases)).cases()
    busy = Engine(small_scenario(cases=cases[::-1], demand={"parcels_per_day": 5000})).cases()
    alone = Engine(small_scenario(cases=cases[1:])).cases()
    numbers = {c["name"]: c["tracking_number"] for c in small}
    assert numbers == {c["name"]: c["tracking_number"] for c in busy}
    assert numbers["b"] == alone[0]["tracking_number"]


def test_choose_is_random_choices_draw_for_draw() -> None:
    items = ["ups", "fedex", "usps", "dhl", "amazon"]
    weights = [0.3, 0.0, 0.25, 0.05, 0.4]
    cum = list(itertools.accumulate(weights))
    a, b = named_random(3, "demand"), named_random(3, "demand")
    for _ in range(5000):
        assert choose(a, items, cum) == b.choices(items, weights)[0]
        assert a.random() == b.random()  # and they leave the stream in the same place


@pytest.mark.unit
def test_skipping_draws_lands_where_making_them_does() -> None:
    from sim.streams import skip

    for n in (0, 1, 4, 37):
        made, skipped, other = ParcelRng(99), ParcelRng(99), random.Random(5)
        for _ in range(n):
            made.random()
        skip(skipped, n)
        assert [made.random() for _ in range(5)] == [skipped.random() for _ in range(5)]
        twin = random.Random(5)
        for _ in range(n):
            twin.random()
        skip(other, n)  # any other stream makes the draws
        assert other.random() == twin.random()
