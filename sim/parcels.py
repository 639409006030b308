"""A parcel in the world: its records, the ground truth it starts with, and the scans it emits.

``Parcel`` is one physical parcel; ``Stream`` is what one tracking number shows (a parcel has two
after a partner hand-over); ``Story`` is what a pinned QA case forces. ``Ledger`` is the one place
scan events are made and finished truths collected.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import simpy

from sim.addresses import Address, neighbour_line
from sim.events import (
    EstimatedDelivery,
    EventCode,
    ExceptionReason,
    Location,
    ParcelTruth,
    ScanEvent,
    Service,
)
from sim.incidents import ParcelFate, visibility_lag
from sim.localtime import iso_pair
from sim.network import Facility
from sim.places import Place
from sim.scenario import PinnedCase
from sim.streams import Rng
from sim.visibility import Uploads

_BLAKE2B_8 = hashlib.blake2b(digest_size=8)  # copied, not constructed: half the cost of a new one


def event_id(tracking_number: str, seq: int) -> str:
    """Stable per (number, sequence): a replayed or re-served world gives each scan the same id."""
    h = _BLAKE2B_8.copy()
    h.update(f"{tracking_number}:{seq}".encode())
    return h.hexdigest()


@dataclass(slots=True)
class Stream:
    """The events one tracking number shows (a parcel has two after a partner hand-over)."""

    tracking_number: str
    carrier: str
    service: str
    seq: int = 0
    last_visible: float = 0.0


@dataclass(slots=True)
class Story:
    """What a pinned QA case forces; the defaults leave everything to chance."""

    attempt_failures: int = 0  # fail this many attempts, whatever the dice say
    after_failure: str | None = None  # "retry" | "pickup_point" | "return"
    hold_at: str | None = None  # facility id where a forced delay happens
    hold_s: float = 0.0
    hold_cause: ExceptionReason = ExceptionReason.WEATHER
    customs_hold_s: float | None = None
    no_incidents: bool = False


#: What an ordinary parcel is told: nothing (never changed; a pinned case gets a Story of its own).
NO_STORY = Story()


@dataclass(slots=True)
class Parcel:
    tracking_number: str
    carrier: str
    service: Service
    express: bool
    rng: Rng
    fc: Facility
    dest: Place
    dest_location: Location
    route: list[str]
    truth: ParcelTruth
    fate: ParcelFate
    stream: Stream
    streams: list[Stream]
    eta_day: date
    eta: EstimatedDelivery | None
    partner: str | None = None
    handover: int | None = None  # route index of the hub where a partner takes over
    pinned: bool = False
    case: PinnedCase | None = None
    pickup_point: Facility | None = None  # where a customer return was dropped off
    story: Story = field(default_factory=lambda: NO_STORY)  # shared: only a pinned case's is its own
    hubs_done: int = 0
    # line-haul (sim.processes.linehaul): the route index it is at, which way it goes, the country
    # it last left (customs at a border), and the event its journey waits on while vehicles carry it
    at: int = 0
    forward: bool = True
    prev_country: str | None = None
    planned_dep: float | None = None  # the first departure it was ready for on its current lane
    waiter: simpy.Event | None = None


# --- truth ----------------------------------------------------------------------------------


def facility_address(f: Facility) -> dict[str, Any]:
    """A facility as a shipment's origin in the truth log."""
    return {
        "facility_id": f.id,
        "city": f.place.city,
        "region": f.place.region,
        "postal_code": f.place.postal_code,
        "country": f.place.country,
        "lat": f.place.lat,
        "lon": f.place.lon,
        "name": f.name,
    }


def home_address(place: Place, address: Address) -> dict[str, Any]:
    """A person's address in ``place`` (a recipient, or a customer sending a return)."""
    street, name, lat, lon, postcode = address
    return {
        "address": street,
        "name": name,
        "city": place.city,
        "region": place.region,
        "postal_code": postcode,
        "country": place.country,
        "lat": round(lat, 5),
        "lon": round(lon, 5),
    }


def home_location(place: Place, address: Address) -> Location:
    """Where a doorstep scan happens."""
    street, name, lat, lon, postcode = address
    return Location(
        None,
        "address",
        name,
        place.city,
        place.region,
        postcode,
        place.country,
        round(lat, 5),
        round(lon, 5),
        address=street,
    )


def neighbour_door(destination: dict[str, Any]) -> dict[str, Any]:
    """The door a misdelivered parcel really went to: two house numbers on, a few metres away."""
    return {
        **destination,
        "address": neighbour_line(destination["address"]),
        "lat": round(destination["lat"] + 0.0004, 5),
        "lon": round(destination["lon"] - 0.0003, 5),
    }


# --- scans ----------------------------------------------------------------------------------


class Ledger:
    """What the world has written: scan events since the engine last took them, truths of parcels
    whose story ended, and the parcels still in flight by every tracking number they carry."""

    __slots__ = ("_env", "_low", "_minutes", "_n", "_start", "finished", "in_flight", "uploads")

    def __init__(self, env: simpy.Environment, start_epoch: float, uploads: Uploads | None = None) -> None:
        self._env = env
        self.uploads = uploads  # the carriers' scan uploads (sim.visibility); None: the flat lag
        self._start = start_epoch
        self.finished: list[ParcelTruth] = []
        self.in_flight: dict[str, Parcel] = {}
        # written but not yet handed out, by the minute of their upload: (upload, order written, scan)
        self._minutes: dict[int, list[tuple[float, int, ScanEvent]]] = {}
        self._low = int(start_epoch) // 60  # no scan waits in a minute before this one
        self._n = 0

    @property
    def events(self) -> list[ScanEvent]:
        """The scans written and not yet handed out, in the order written."""
        return [
            e for _, _, e in sorted((item for b in self._minutes.values() for item in b), key=lambda x: x[1])
        ]

    @property
    def waiting(self) -> int:
        """Scans written and not yet handed out."""
        return sum(len(b) for b in self._minutes.values())

    def release(self, until: float) -> list[ScanEvent]:
        """The scans uploaded by ``until``, in the order of their upload (ties: the order written):
        a scan's upload is when it occurs, or when it was written if it was stamped a little
        before (a courier's stop). Scans written ahead (a vehicle's unload, customs) wait until
        they occur, so the log stays complete up to the clock. Scans wait by the minute of their
        upload: a release sorts only the minutes it passes."""
        minutes = self._minutes
        out: list[ScanEvent] = []
        last = int(until) // 60
        for m in range(self._low, last + 1):
            bucket = minutes.pop(m, None)
            if bucket is None:
                continue
            bucket.sort()
            if m == last:  # the minute under way: what has occurred goes, the rest waits
                keep = [item for item in bucket if item[0] > until]
                if keep:
                    minutes[m] = keep
                    bucket = [item for item in bucket if item[0] <= until]
            out.extend(item[2] for item in bucket)
        self._low = max(self._low, last)
        return out

    def emit(
        self,
        p: Parcel,
        code: EventCode,
        loc: Location,
        tz: ZoneInfo,
        reason: ExceptionReason | None = None,
        details: dict[str, Any] | None = None,
        stream: Stream | None = None,
        at: float | None = None,
    ) -> None:
        """Record a scan at ``at`` (default now). A batch process stamps each parcel's own instant:
        a courier route a little before now (its stops), a trailer's unload ahead of now. A scan is
        uploaded — released to trackers, and given its ``visible_at`` — from the later of the two,
        never before the world has done it: the log is complete up to the engine's clock."""
        s = stream or p.stream
        s.seq = seq = s.seq + 1
        upload = self._start + self._env._now
        now = upload
        if at is not None:
            now = at
            if at > upload:
                upload = at
        # a tracker never sees a later scan before an earlier one of the same number
        up = self.uploads
        if up is None:
            visible = upload + visibility_lag(p.rng, seq == 1)
        else:
            device = loc.facility_id or f"{s.carrier}:couriers:{loc.city}"
            visible = up.visible_at(upload, device, s.carrier, p.rng, seq == 1)
        if visible < s.last_visible:
            visible = s.last_visible
        s.last_visible = visible
        self._n = n = self._n + 1
        m = int(upload) // 60
        bucket = self._minutes.get(m)
        if bucket is None:
            bucket = self._minutes[m] = []
        tn = s.tracking_number
        occurred, shown = iso_pair(now, visible, tz)
        # positional: the dataclass's field order (a keyword call costs a quarter more, per scan)
        eid, carrier, eta, extra = event_id(tn, seq), s.carrier, p.eta, details or {}
        event = ScanEvent(eid, seq, tn, carrier, s.service, code, reason, occurred, shown, loc, eta, extra)
        bucket.append((upload, n, event))

    def at_facility(
        self,
        p: Parcel,
        code: EventCode,
        f: Facility,
        reason: ExceptionReason | None = None,
        at: float | None = None,
        **details: Any,
    ) -> None:
        self.emit(p, code, f.location, f.tz, reason, details or None, at=at)

    def conclude(
        self,
        p: Parcel,
        code: EventCode,
        loc: Location,
        tz: ZoneInfo,
        details: dict[str, Any] | None = None,
        at: float | None = None,
    ) -> None:
        """A terminal scan. After a hand-over the original carrier shows the partner's ending too
        (UPS SurePost / FedEx Ground Economy show the post office's delivery)."""
        self.emit(p, code, loc, tz, None, details, at=at)
        if len(p.streams) > 1:
            partner = {"carrier": p.stream.carrier, "tracking_number": p.stream.tracking_number}
            extra = {**(details or {}), "partner": partner}
            self.emit(p, code, loc, tz, None, extra, stream=p.streams[0], at=at)

    def track(self, tracking_number: str, p: Parcel) -> None:
        self.in_flight[tracking_number] = p

    def finish(self, p: Parcel) -> None:
        self.in_flight.pop(p.tracking_number, None)
        for s in p.streams[1:]:
            self.in_flight.pop(s.tracking_number, None)
        self.finished.append(p.truth)
