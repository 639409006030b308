"""Trimming a shared world's event stream (mock_carriers.world.redis_trim): an entry goes only once
every parcel with a scan in it has expired at the slowest worker's clock and every live replica
has read it; a worker that joins after a trim serves the parcels still shown exactly as one that
read everything (same bodies, same numbering)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mock_carriers.world import redis_feed, retention
from mock_carriers.world.redis_trim import TrimPlan, entry_key, trim_point
from mock_carriers.world.sandbox import Sandbox
from tests.conftest import small_scenario

T0 = "2026-01-05T09:00:00+00:00"
T1 = "2026-01-06T09:00:00+00:00"
T2 = "2026-01-07T09:00:00+00:00"
DAY = 86400.0


def _at(instant: str) -> float:
    return datetime.fromisoformat(instant).timestamp()


def _plan() -> TrimPlan:
    return TrimPlan(lambda carrier, born, finished: finished + DAY)  # a day's retention


@pytest.mark.unit
def test_the_cut_is_the_birth_of_the_oldest_parcel_still_shown() -> None:
    plan = _plan()
    plan.see("1-0", [("A", 1, "ups", T0)], [])
    plan.see("2-0", [("B", 1, "ups", T0), ("A", 2, "ups", T1)], ["A"])
    plan.see("3-0", [("B", 2, "ups", T2)], ["B"])
    assert plan.cut(_at(T1)) == "1-0"  # A finished at T1 (its last scan): shown a day more
    assert plan.cut(_at(T1) + DAY - 1) == "1-0"
    assert plan.cut(_at(T1) + DAY) == "2-0"  # A expired: its birth entry may go
    assert plan.cut(_at(T2) + DAY) is None  # B expired too: nothing is needed
    assert len(plan) == 0


@pytest.mark.unit
def test_a_parcel_that_never_finishes_or_never_expires_holds_its_entry() -> None:
    plan = TrimPlan(lambda carrier, born, finished: None if carrier == "forever" else finished + DAY)
    plan.see("1-0", [("A", 1, "forever", T0), ("B", 1, "ups", T0)], ["A"])
    plan.see("2-0", [("C", 1, "ups", T1)], [])
    assert plan.cut(_at(T2) + 100 * DAY) == "1-0"


@pytest.mark.unit
def test_a_partner_number_ends_with_its_parcel() -> None:
    plan = _plan()
    plan.see("1-0", [("A", 1, "ups", T0), ("P", 1, "canadapost", T0)], [])
    plan.see("2-0", [("Z", 1, "ups", T1)], ["A", "P"])
    assert plan.cut(_at(T0) + 2 * DAY) == "2-0"


@pytest.mark.unit
def test_the_trim_point_waits_for_the_slowest_replica() -> None:
    assert trim_point("5-0", ["9-3", "7-1"], "9-3") == "5-0"
    assert trim_point("5-0", ["3-2", "9-0"], "9-0") == "3-3"  # entries up to 3-2 were read
    assert trim_point("5-0", ["9-0", None], "9-0") is None  # a replica that has read nothing yet
    assert trim_point(None, ["9-0"], "9-0") is None
    assert trim_point("5-0", [], None) is None
    assert trim_point("5-0", [], "9-0") == "5-0"


def _listing(sandbox: Sandbox) -> list[tuple[int, str, str | None, str | None]]:
    now = sandbox.now().timestamp()
    return [(p.ord, p.tracking_number, p.status, p.fate) for p in sandbox.store.list(now, limit=100_000)]


def _bodies(sandbox: Sandbox, numbers: list[str]) -> dict[str, Any]:
    now = sandbox.now()
    out: dict[str, Any] = {}
    for tn in numbers:
        rec = sandbox.store.get(tn)
        assert rec is not None, tn
        view = sandbox.view(rec.carrier, tn, now)
        out[tn] = None if view is None else ([e.to_json() for e in view.events], view.truth)
    return out


@pytest.mark.live
def test_a_worker_that_joins_after_a_trim_serves_what_the_others_serve(
    tmp_path: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every carrier keeps a parcel 12 hours after it finished (stores and trim alike), so a week
    # of a small world is enough to see parcels expire.
    monkeypatch.setattr(retention, "expires", lambda carrier, born, finished: finished + 12 * 3600)
    # The test trims by hand: an automatic trim during a slow 6-day move (one every 10 s) would
    # leave nothing for it to cut, and "after < before" would fail on a loaded machine.
    monkeypatch.setattr(redis_feed, "TRIM_EVERY_S", float("inf"))
    scenario = small_scenario(duration="2d", demand={"parcels_per_day": 60})
    common: dict[str, Any] = {"runner": "thread", "lookahead": timedelta(0), "retention": timedelta(hours=1)}
    first = Sandbox(scenario, store=redis_url, state_dir=tmp_path / "a", **common)
    publisher = first.engine_publisher(expiry=retention.expires)
    publisher.start()
    late: Sandbox | None = None
    try:
        first.clock.advance(6 * DAY)
        assert first.settled(120)
        shared = first.shared
        assert shared is not None
        feed = shared.gen(first.generation).feed
        # what the stream holds once the publisher's last appends are in (seen once on a loaded
        # machine: read as 0 just after `settled`, 52 a moment later)
        before = shared.client.xlen(feed)
        for _ in range(100):
            if before:
                break
            first._feed.wait(lambda: False, 0.1)
            before = shared.client.xlen(feed)
        point = None
        for _ in range(100):  # the replica reports what it has read every half second
            point = publisher.trim(first.generation)
            if point is not None:
                break
            first._feed.wait(lambda: False, 0.1)
        assert point is not None, "parcels expired, so the stream is trimmed"
        after = shared.client.xlen(feed)
        assert after < before, (after, before)
        assert after > 0, "entries still needed stay"
        assert entry_key(shared.client.xrange(feed, count=1)[0][0].decode()) >= entry_key(point)

        late = Sandbox(scenario, store=redis_url, state_dir=tmp_path / "b", **common)
        assert late.catch_up(60)
        for sandbox in (first, late):
            for _ in range(3):
                sandbox.housekeeping(sandbox._feed)
        shown = _listing(first)
        assert shown, "parcels still shown"
        assert _listing(late) == shown  # the same parcels, the same numbering
        numbers = [tn for _, tn, _, _ in shown]
        assert _bodies(late, numbers) == _bodies(first, numbers)
    finally:
        publisher.stop()
        if late is not None:
            late.close()
        first.close()
