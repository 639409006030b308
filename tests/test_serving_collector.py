"""The serving process's collector (mock_carriers.world.collector): startup's objects frozen, the
young generation collected less often, a collector switched off left off."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mock_carriers.world import collector

pytestmark = pytest.mark.unit


@pytest.fixture
def restored() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    try:
        yield saved
    finally:
        gc.unfreeze()
        gc.set_threshold(*saved)


def test_settle_freezes_what_exists_and_raises_the_young_threshold(restored: tuple[int, int, int]) -> None:
    gc.set_threshold(700, 10, 10)
    kept = [[i] for i in range(1000)]  # containers alive now: frozen, never scanned again
    before = collector.settle()
    assert before == (700, 10, 10)
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, 10, collector.OLD_THRESHOLD)
    assert gc.get_freeze_count() >= len(kept)
    frozen_ids = {id(o) for o in gc.get_objects()}
    assert id(kept[0]) not in frozen_ids  # no generation holds it any more: it is permanent


def test_settle_keeps_a_higher_threshold_and_a_collector_switched_off(
    restored: tuple[int, int, int],
) -> None:
    gc.set_threshold(collector.YOUNG_THRESHOLD * 3, 5, collector.OLD_THRESHOLD * 2)
    collector.settle()
    assert gc.get_threshold() == (collector.YOUNG_THRESHOLD * 3, 5, collector.OLD_THRESHOLD * 2)
    gc.set_threshold(0, 10, 10)
    collector.settle()
    assert gc.get_threshold()[0] == 0
