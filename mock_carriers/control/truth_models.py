"""The truth API's models (``GET /_sandbox/truth``): what really happened to a parcel, typed, with
units, and always "as of" the sandbox instant it was read at. docs/truth.md lists every field.

``record()`` builds one from the store's record at an instant. A field appears only once the
world has reached the instant it describes, so a served world (whose truth grows as the clock
moves) and a replayed one (which read the whole truth from disk up front) answer the same."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from mock_carriers.carriers import registry
from mock_carriers.world.archive import epoch
from mock_carriers.world.store import Record
from sim.events import EventCode, Fate, ScanEvent
from sim.status import Status

FateName = Literal["delivered", "misdelivered", "lost", "returned", "damaged", "in_network"]


class Place(BaseModel):
    """An address or facility: an origin, a destination, the door a parcel really reached."""

    name: str | None = Field(None, description="The person, or the facility's name.")
    address: str | None = Field(None, description="Street line (a person's door); null for a facility.")
    facility_id: str | None = Field(None, description="The network facility's id; null for a door.")
    kind: str | None = Field(None, description="Facility kind (pickup_point, …) when a facility.")
    city: str
    region: str
    postal_code: str
    country: str = Field(description="ISO 3166-1 alpha-2.")
    lat: float = Field(description="Latitude, decimal degrees (WGS 84).")
    lon: float = Field(description="Longitude, decimal degrees (WGS 84).")


class LostAt(BaseModel):
    """Where and when a parcel went missing — one shape for both places it can happen."""

    kind: Literal["facility", "lane"] = Field(
        description="'facility': inside a hub or station; 'lane': on a line-haul between two."
    )
    facility_id: str | None = Field(description="The facility ('facility'), or the lane's origin ('lane').")
    to_facility_id: str | None = Field(description="The lane's destination; null for 'facility'.")
    at: str = Field(description="The instant it was lost (ISO-8601 with the place's UTC offset).")


class DelayItem(BaseModel):
    cause: str = Field(description="An ExceptionReason: weather, missed_connection, hub_backlog, …")
    minutes: int = Field(description="How long it held the parcel up, in minutes.")
    at: str = Field(description="When it began (ISO-8601 with the place's UTC offset).")
    facility_id: str | None = Field(description="Where, when at a facility.")


class ParcelRef(BaseModel):
    tracking_number: str
    carrier: str


class CarrierView(BaseModel):
    """What the carrier shows of this number at ``as_of`` (its visible scans), canonically."""

    status: Status | None = Field(
        description="The canonical word the carrier's API conveys now (its newest visible scan, "
        "read through the carrier's own codes: Amazon has no delay code, so a delay reads in_transit)."
    )
    code: str | None = Field(description="The latest visible scan's EventCode.")
    events: int = Field(description="How many scans are visible.")
    last_event_at: str | None = Field(description="occurred_at of the latest visible scan.")
    last_visible_at: str | None = Field(description="visible_at of the latest visible scan.")
    estimated_delivery: str | None = Field(description="The carrier's current ETA, a local date.")


class TruthRecord(BaseModel):
    """One tracking number's ground truth, as of the sandbox instant ``as_of``."""

    tracking_number: str = Field(description="The number asked about (a partner's number too).")
    carrier: str = Field(description="The carrier that serves this number (its API shows it).")
    service: str = Field(description="same_day, next_day, two_day, ground, economy, international.")
    parcel: ParcelRef = Field(
        description="The physical parcel's first label: differs from this number when a partner "
        "carrier took the parcel over (then ``carrier`` is the partner)."
    )
    partner: ParcelRef | None = Field(description="The partner's number, once handed over.")
    as_of: str = Field(description="The sandbox instant this record describes (ISO-8601, UTC).")
    final: bool = Field(
        description="True once the parcel's story is over: ``fate`` is then its final fate. While "
        "false, ``fate`` is what is true so far (in_network, or lost once it went missing)."
    )
    fate: FateName = Field(description="What really happened, as far as known at ``as_of``.")
    shown: CarrierView = Field(description="What the carrier shows at ``as_of``.")
    created_at: str = Field(description="Label created (ISO-8601 with the origin's UTC offset).")
    promised_by: str = Field(description="The delivery promise it was sold with (end of that local day).")
    late: bool = Field(
        description="Not delivered by ``promised_by``: delivered after it, or not (yet, or ever: "
        "lost, returned) delivered and ``as_of`` is past it."
    )
    delayed: bool = Field(description="At least one delay so far.")
    delay_minutes: int = Field(description="Sum of ``delays[].minutes``.")
    delays: list[DelayItem] = Field(description="Every delay that began by ``as_of``, with its cause.")
    attempts: int = Field(
        description="Delivery attempts: the failed ones so far; once final, every attempt including "
        "the one that delivered."
    )
    delivered_at: str | None = Field(
        description="When it reached a door or the recipient's chosen locker, or was collected; "
        "shown once final."
    )
    delivered_to: Place | None = Field(
        description="The door it really reached: a neighbour's when misdelivered."
    )
    misdelivered: bool = Field(description="Delivered, but to the wrong door.")
    lost_at: LostAt | None = Field(description="Where and when it went missing.")
    returned_at: str | None = Field(description="When it was back with the sender; shown once final.")
    damaged: bool = Field(description="Damaged in the network.")
    origin: Place
    destination: Place
    international: bool
    customer_return: bool = Field(description="A customer's return to the merchant, not an outbound parcel.")
    case: str | None = Field(description="The pinned QA case this parcel is, if any.")
    updated_at: str | None = Field(
        description="The latest instant by ``as_of`` at which something about it happened or became "
        "visible (the ``changed_since`` filter compares this)."
    )


def _ts(iso: str | None) -> float | None:
    return epoch(iso) if iso else None


def _before(iso: str | None, now: float) -> bool:
    """Whether the world has passed ``iso`` at ``now``: strictly before, since an instant the
    clock stands on is still being simulated (a live engine runs up to, not through, it)."""
    at = _ts(iso)
    return at is not None and at < now


def lost_at(raw: dict[str, object] | None) -> LostAt | None:
    """The simulation's two shapes of ``lost_at`` ({facility_id, at} or {lane: "A>B", at}) as one."""
    if not raw:
        return None
    at = str(raw.get("at", ""))
    lane = raw.get("lane")
    if isinstance(lane, str):
        start, _, end = lane.partition(">")
        return LostAt(kind="lane", facility_id=start or None, to_facility_id=end or None, at=at)
    fid = raw.get("facility_id")
    return LostAt(kind="facility", facility_id=str(fid) if fid else None, to_facility_id=None, at=at)


def carrier_view(carrier: str, visible: list[ScanEvent]) -> CarrierView:
    last = visible[-1] if visible else None
    eta = last.estimated_delivery if last is not None else None
    return CarrierView(
        status=registry.shown_status(carrier, visible),  # type: ignore[arg-type]
        code=last.code.value if last is not None else None,
        events=len(visible),
        last_event_at=last.occurred_at if last is not None else None,
        last_visible_at=last.visible_at if last is not None else None,
        estimated_delivery=eta.date if eta is not None else None,
    )


def record(rec: Record, now: datetime) -> TruthRecord | None:
    """The truth of ``rec`` as of ``now``; None when the store holds no truth for it.

    Before the story is final, only what is already settled shows: the scans that happened, the
    delays that began, the loss once it happened. Where the parcel ends up (delivered where, or
    returned) shows once final — a live world may set and undo it on the way (a locker parcel
    nobody collects), a recording knows only the end."""
    truth = rec.truth
    if truth is None:
        return None
    t = now.timestamp()
    final = rec.final(t)
    occurred = [e for e in rec.events if _before(e.occurred_at, t)]
    visible = rec.visible_events(t)
    delays = [d for d in truth.delays if final or _before(d.at, t)]
    lost = lost_at(truth.lost_at)
    if lost is not None and not (final or _before(lost.at, t)):
        lost = None
    fate = truth.fate.value if final else ("lost" if lost is not None else Fate.IN_NETWORK.value)
    if final:
        attempts = truth.attempts
    else:
        attempts = sum(e.code is EventCode.DELIVERY_ATTEMPTED for e in occurred)
    handed = (
        final
        or rec.tracking_number != truth.tracking_number
        or any(e.code is EventCode.HANDED_TO_PARTNER for e in occurred)
    )
    partner = (
        ParcelRef(tracking_number=truth.partner["tracking_number"], carrier=truth.partner["carrier"])
        if truth.partner and handed
        else None
    )
    delivered_at = truth.delivered_at if final else None
    reached = _ts(delivered_at)
    late = (reached if reached is not None else t) > (_ts(truth.promised_by) or 0.0)
    changes = [_ts(e.occurred_at) or 0.0 for e in occurred[-1:]]
    changes += [_ts(e.visible_at) or 0.0 for e in visible[-1:]]
    updated = max(changes) if changes else None
    return TruthRecord(
        tracking_number=rec.tracking_number,
        carrier=rec.carrier,
        service=rec.service,
        parcel=ParcelRef(tracking_number=truth.tracking_number, carrier=truth.carrier),
        partner=partner,
        as_of=now.isoformat(),
        final=final,
        fate=fate,  # type: ignore[arg-type]
        shown=carrier_view(rec.carrier, visible),
        created_at=truth.created_at,
        promised_by=truth.promised_by,
        late=late,
        delayed=bool(delays),
        delay_minutes=sum(d.minutes for d in delays),
        delays=[DelayItem(**d.to_dict()) for d in delays],
        attempts=attempts,
        delivered_at=delivered_at,
        delivered_to=Place.model_validate(truth.delivered_to) if final and truth.delivered_to else None,
        misdelivered=fate == Fate.MISDELIVERED.value,
        lost_at=lost,
        returned_at=truth.returned_at if final else None,
        damaged=truth.damaged and final,
        origin=Place.model_validate(truth.origin),
        destination=Place.model_validate(truth.destination),
        international=truth.international,
        customer_return=truth.customer_return,
        case=truth.case,
        updated_at=datetime.fromtimestamp(updated, now.tzinfo).isoformat() if updated is not None else None,
    )
