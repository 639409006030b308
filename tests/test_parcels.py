"""A parcel's records and scans: sequence numbers per tracking number, visibility that never runs
backwards, the partner's ending shown under both numbers, truth addresses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import simpy

from sim.events import EventCode, ParcelTruth, Service
from sim.incidents import ParcelFate
from sim.parcels import (
    Ledger,
    Parcel,
    Stream,
    event_id,
    facility_address,
    home_address,
    home_location,
    neighbour_door,
)
from sim.places import PLACES
from tests.tinyworld import Scripted, facility

pytestmark = pytest.mark.unit

ADDRESS = ("350 Fifth Avenue", "Ada Lovelace", 40.748441, -73.985664, "10118")


def parcel(rng: Any) -> Parcel:
    fc = facility("fc", "fulfilment_centre", None, "EWR")
    nyc = PLACES["NYC"]
    stream = Stream("1Z0001", "ups", "ground")
    truth = ParcelTruth("1Z0001", "ups", "ground", "t", "t", facility_address(fc), home_address(nyc, ADDRESS))
    return Parcel(
        "1Z0001", "ups", Service.GROUND, False, rng, fc, nyc, home_location(nyc, ADDRESS), ["fc", "ds"],
        truth, ParcelFate(), stream, [stream], date.min, None,
    )  # fmt: skip


def test_scans_number_from_one_and_become_visible_after_a_lag() -> None:
    env = simpy.Environment(initial_time=100.0)
    ledger = Ledger(env, 1_000_000.0)
    p = parcel(Scripted(0.5, 0.0))
    ledger.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    ledger.at_facility(p, EventCode.PICKED_UP, p.fc)
    first, second = ledger.events
    assert (first.seq, second.seq) == (1, 2)
    assert first.event_id == event_id("1Z0001", 1) != second.event_id
    # first appearance 10–30 min after the scan (u = 0.5: 20 min); the update with no lag
    assert first.occurred_at == "1970-01-12T08:48:20-05:00"  # local time at the facility
    assert first.visible_at == "1970-01-12T09:08:20-05:00"
    # an update that would show sooner waits for the scan before it: trackers never see them reorder
    assert second.visible_at == first.visible_at


def test_a_batch_writes_scans_ahead_or_a_little_behind_and_uploads_them_once_done() -> None:
    env = simpy.Environment(initial_time=100.0)
    ledger = Ledger(env, 1_000_000.0)
    p = parcel(Scripted(0.5, 0.0, 0.0))
    ledger.at_facility(p, EventCode.ARRIVED_AT_FACILITY, p.fc, at=1_000_160.0)  # an unload, a minute on
    ahead = ledger.events[0]
    assert ahead.occurred_at == "1970-01-12T08:49:20-05:00"
    assert ahead.visible_at == "1970-01-12T09:09:20-05:00"  # uploaded once it has happened (+20 min)
    assert ledger.release(1_000_100.0) == []  # not yet happened: it waits
    # a courier's stop stamped 40 s ago: it occurred then, but is uploaded from now (no lag drawn: 0)
    ledger.at_facility(p, EventCode.DEPARTED_FACILITY, p.fc, at=1_000_060.0)
    behind = ledger.events[1]
    assert behind.occurred_at == "1970-01-12T08:47:40-05:00"
    assert behind.visible_at == ahead.visible_at  # never before the scan written before it
    assert ledger.release(1_000_100.0) == [behind]  # handed out at once, though the minute had passed
    assert ledger.release(1_000_160.0) == [ahead]
    assert ledger.waiting == 0
    # a parcel's first scan stamped behind: its lag counts from the upload, not from the stop
    q = parcel(Scripted(0.5))
    ledger.at_facility(q, EventCode.PICKED_UP, q.fc, at=1_000_040.0)
    first = ledger.events[0]
    assert first.occurred_at == "1970-01-12T08:47:20-05:00"
    assert first.visible_at == "1970-01-12T09:08:20-05:00"  # now (08:48:20) + 20 min


def test_a_terminal_scan_after_a_hand_over_shows_under_both_numbers() -> None:
    env = simpy.Environment()
    ledger = Ledger(env, 0.0)
    p = parcel(Scripted(*[0.1] * 10))
    ledger.at_facility(p, EventCode.LABEL_CREATED, p.fc)
    partner = Stream("9400100000000000000001", "usps", "ground")
    p.stream = partner
    p.streams.append(partner)
    ledger.track(partner.tracking_number, p)
    ledger.track(p.tracking_number, p)
    ledger.conclude(p, EventCode.DELIVERED, p.dest_location, p.fc.tz, {"delivery_location": "mailbox"})
    usps, ups = ledger.events[1:]
    assert (usps.tracking_number, usps.seq, usps.details) == (
        partner.tracking_number,
        1,
        {"delivery_location": "mailbox"},
    )
    assert (ups.tracking_number, ups.seq) == ("1Z0001", 2)
    assert ups.details == {
        "delivery_location": "mailbox",
        "partner": {"carrier": "usps", "tracking_number": partner.tracking_number},
    }
    ledger.finish(p)
    assert ledger.in_flight == {} and ledger.finished == [p.truth]


def test_a_misdelivery_goes_two_doors_down() -> None:
    dest = home_address(PLACES["NYC"], ADDRESS)
    door = neighbour_door(dest)
    assert door["address"] == "352 Fifth Avenue"
    assert (door["lat"], door["lon"]) == (round(40.74844 + 0.0004, 5), round(-73.98566 - 0.0003, 5))
    assert list(door) == list(dest)  # same fields, same order in the truth log
    assert {k: v for k, v in door.items() if k not in ("address", "lat", "lon")} == {
        k: v for k, v in dest.items() if k not in ("address", "lat", "lon")
    }
    assert dest["address"] == "350 Fifth Avenue"  # the recipient's own address is untouched


def test_event_ids_are_blake2b_of_number_and_sequence() -> None:
    # part of every golden trace: an 8-byte blake2b of "number:seq", however it is computed
    assert event_id("1Z0001", 1) == "de0f5b5573bc13a4"
    assert event_id("9400100000000000000001", 12) == "82636fc7222497ff"
    assert len({event_id("1Z0001", s) for s in range(1, 5001)}) == 5000
