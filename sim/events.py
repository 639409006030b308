"""The canonical event and truth model — the contract between the simulation and everything else.

docs/architecture.md §3. The simulation writes these; carrier adapters, the control plane and the
webhook dispatcher read them. Plain dataclasses (not pydantic) because a benchmark run creates
millions of them; ``to_dict``/``from_dict`` give the JSON shape of the logs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson

_dumps = orjson.dumps


class EventCode(StrEnum):
    LABEL_CREATED = "LABEL_CREATED"
    PICKED_UP = "PICKED_UP"
    ARRIVED_AT_FACILITY = "ARRIVED_AT_FACILITY"
    PROCESSED_AT_FACILITY = "PROCESSED_AT_FACILITY"
    DEPARTED_FACILITY = "DEPARTED_FACILITY"
    IN_TRANSIT = "IN_TRANSIT"
    ARRIVED_AT_DELIVERY_STATION = "ARRIVED_AT_DELIVERY_STATION"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERY_ATTEMPTED = "DELIVERY_ATTEMPTED"
    DELIVERED = "DELIVERED"
    AVAILABLE_FOR_PICKUP = "AVAILABLE_FOR_PICKUP"
    PICKED_UP_BY_RECIPIENT = "PICKED_UP_BY_RECIPIENT"
    EXCEPTION = "EXCEPTION"
    DELAYED = "DELAYED"
    CUSTOMS_HOLD = "CUSTOMS_HOLD"
    CUSTOMS_CLEARED = "CUSTOMS_CLEARED"
    HANDED_TO_PARTNER = "HANDED_TO_PARTNER"
    RETURN_TO_SENDER = "RETURN_TO_SENDER"
    RETURNED_TO_SENDER = "RETURNED_TO_SENDER"
    DELIVERY_RESCHEDULED = "DELIVERY_RESCHEDULED"


class ExceptionReason(StrEnum):
    WEATHER = "weather"
    MISSED_CONNECTION = "missed_connection"
    HUB_BACKLOG = "hub_backlog"
    HUB_OUTAGE = "hub_outage"
    BREAKDOWN = "breakdown"
    ADDRESS_ISSUE = "address_issue"
    RECIPIENT_UNAVAILABLE = "recipient_unavailable"
    NO_ACCESS = "no_access"
    DAMAGED = "damaged"
    CUSTOMS_HOLD = "customs_hold"
    LOST = "lost"
    REFUSED = "refused"
    UNCLAIMED = "unclaimed"


class Fate(StrEnum):
    DELIVERED = "delivered"
    MISDELIVERED = "misdelivered"
    LOST = "lost"
    RETURNED = "returned"
    DAMAGED = "damaged"
    IN_NETWORK = "in_network"


class Service(StrEnum):
    SAME_DAY = "same_day"
    NEXT_DAY = "next_day"
    TWO_DAY = "two_day"
    GROUND = "ground"
    ECONOMY = "economy"
    INTERNATIONAL = "international"


#: Carriers with a mock API (each a package under mock_carriers/carriers/).
CARRIERS: tuple[str, ...] = ("ups", "fedex", "dhl", "usps", "amazon", "hermes", "dpd")
#: Postal operators that take over cross-border items (UPU S10 numbers) in the simulation; their
#: scans are in the event log, but no mock API serves them.
POSTAL_PARTNERS: tuple[str, ...] = ("canadapost", "kazpost")
SIM_CARRIERS: tuple[str, ...] = CARRIERS + POSTAL_PARTNERS

#: Codes after which a parcel's story is over for the carrier that shows it.
TERMINAL_CODES: frozenset[EventCode] = frozenset(
    {EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT, EventCode.RETURNED_TO_SENDER}
)


@dataclass(slots=True, frozen=True)
class Location:
    """Where a scan happened: a facility, or a recipient's address (``kind == "address"``)."""

    facility_id: str | None
    kind: str
    name: str
    city: str
    region: str
    postal_code: str
    country: str
    lat: float
    lon: float
    address: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "facility_id": self.facility_id,
            "kind": self.kind,
            "name": self.name,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
            "lat": self.lat,
            "lon": self.lon,
            "address": self.address,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        return cls(
            facility_id=d.get("facility_id"),
            kind=d["kind"],
            name=d["name"],
            city=d["city"],
            region=d["region"],
            postal_code=d["postal_code"],
            country=d["country"],
            lat=d["lat"],
            lon=d["lon"],
            address=d.get("address"),
        )


@dataclass(slots=True, frozen=True)
class EstimatedDelivery:
    """The carrier's promise at one instant: a local date, optionally a time window (ISO-8601)."""

    date: str
    start: str | None = None
    end: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> EstimatedDelivery | None:
        if d is None:
            return None
        return cls(date=d["date"], start=d.get("start"), end=d.get("end"))


_FRAGMENTS: dict[Location | EstimatedDelivery, str] = {}
# The same, by the object: a frozen dataclass hashes all its fields on every lookup, and a scan
# looks up two. The entry holds the object, so its id is not reused while the entry lives.
_BY_ID: dict[int, tuple[Location | EstimatedDelivery, str]] = {}


def _fragment(value: Location | EstimatedDelivery) -> str:
    """A frozen value's JSON, serialised once when many scans share it: a facility, a promised
    day. A recipient's door or a one-hour window belongs to one parcel and is serialised anew."""
    hit = _BY_ID.get(id(value))
    if hit is not None and hit[0] is value:
        return hit[1]
    frag = _FRAGMENTS.get(value)
    if frag is None:
        shared = value.facility_id is not None if isinstance(value, Location) else value.start is None
        if not shared:
            return orjson.dumps(value).decode()
        if len(_FRAGMENTS) > 20_000:
            _FRAGMENTS.clear()
        frag = _FRAGMENTS[value] = orjson.dumps(value).decode()
    if len(_BY_ID) > 20_000:
        _BY_ID.clear()
    _BY_ID[id(value)] = (value, frag)
    return frag


@dataclass(slots=True)
class ScanEvent:
    """One scan as a carrier records it. ``occurred_at``/``visible_at`` carry local UTC offsets."""

    event_id: str
    seq: int
    tracking_number: str
    carrier: str
    service: str
    code: EventCode
    reason: ExceptionReason | None
    occurred_at: str
    visible_at: str
    location: Location
    estimated_delivery: EstimatedDelivery | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "seq": self.seq,
            "tracking_number": self.tracking_number,
            "carrier": self.carrier,
            "service": self.service,
            "code": self.code.value,
            "reason": self.reason.value if self.reason is not None else None,
            "occurred_at": self.occurred_at,
            "visible_at": self.visible_at,
            "location": self.location.to_dict(),
            "estimated_delivery": (
                self.estimated_delivery.to_dict() if self.estimated_delivery is not None else None
            ),
            "details": self.details,
        }

    def to_json(self) -> str:
        # The same shape and bytes as orjson.dumps(to_dict()), in field order, written out: every
        # field but the details is a number, null, or a string JSON needs no escape for (hex ids,
        # tracking numbers, names of codes, ISO instants; tests/test_events.py checks each against
        # orjson). A scan's place and promise are shared by many scans and never change (frozen):
        # each is serialised once (``_fragment``). A third cheaper than a dict through orjson.
        eta, reason, details = self.estimated_delivery, self.reason, self.details
        why = "null" if reason is None else '"' + reason + '"'
        return (
            f'{{"event_id":"{self.event_id}","seq":{self.seq},"tracking_number":"{self.tracking_number}",'
            f'"carrier":"{self.carrier}","service":"{self.service}","code":"{self.code}",'
            f'"reason":{why},'
            f'"occurred_at":"{self.occurred_at}","visible_at":"{self.visible_at}",'
            f'"location":{_fragment(self.location)},'
            f'"estimated_delivery":{"null" if eta is None else _fragment(eta)},'
            f'"details":{_dumps(details).decode() if details else "{}"}}}'
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ScanEvent:
        return cls(
            event_id=d["event_id"],
            seq=d["seq"],
            tracking_number=d["tracking_number"],
            carrier=d["carrier"],
            service=d["service"],
            code=EventCode(d["code"]),
            reason=ExceptionReason(d["reason"]) if d.get("reason") else None,
            occurred_at=d["occurred_at"],
            visible_at=d["visible_at"],
            location=Location.from_dict(d["location"]),
            estimated_delivery=EstimatedDelivery.from_dict(d.get("estimated_delivery")),
            details=d.get("details") or {},
        )


@dataclass(slots=True, frozen=True)
class Package:
    """What the label says of the box (``sim.packages`` draws it): SI units, as carriers store them
    before each renders its own (pounds and inches for UPS in the US, kilograms elsewhere)."""

    weight_kg: float
    length_cm: float
    width_cm: float
    height_cm: float
    #: The shipper's reference printed on the label (its order number).
    reference: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight_kg": self.weight_kg,
            "length_cm": self.length_cm,
            "width_cm": self.width_cm,
            "height_cm": self.height_cm,
            "reference": self.reference,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Package | None:
        if d is None:
            return None
        return cls(
            weight_kg=float(d["weight_kg"]),
            length_cm=float(d["length_cm"]),
            width_cm=float(d["width_cm"]),
            height_cm=float(d["height_cm"]),
            reference=str(d["reference"]),
        )


@dataclass(slots=True)
class Delay:
    cause: ExceptionReason
    minutes: int
    at: str
    facility_id: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause.value,
            "minutes": self.minutes,
            "at": self.at,
            "facility_id": self.facility_id,
        }


@dataclass(slots=True)
class ParcelTruth:
    """What really happened to one physical parcel — which no carrier shows."""

    tracking_number: str
    carrier: str
    service: str
    created_at: str
    promised_by: str
    origin: dict[str, Any]
    destination: dict[str, Any]
    fate: Fate = Fate.IN_NETWORK
    delivered_at: str | None = None
    delivered_to: dict[str, Any] | None = None
    lost_at: dict[str, Any] | None = None
    delays: list[Delay] = field(default_factory=list)
    attempts: int = 0
    international: bool = False
    case: str | None = None
    #: Tracking numbers of partner carriers that carried this parcel (last-mile hand-over).
    partner: dict[str, str] | None = None
    returned_at: str | None = None
    damaged: bool = False
    #: A customer's return to the merchant (reverse logistics), not an outbound parcel.
    customer_return: bool = False
    #: Weight, dimensions and reference of the box (None in recordings made before they existed).
    package: Package | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tracking_number": self.tracking_number,
            "carrier": self.carrier,
            "service": self.service,
            "created_at": self.created_at,
            "promised_by": self.promised_by,
            "origin": self.origin,
            "destination": self.destination,
            "fate": self.fate.value,
            "delivered_at": self.delivered_at,
            "delivered_to": self.delivered_to,
            "lost_at": self.lost_at,
            "delays": [d.to_dict() for d in self.delays],
            "attempts": self.attempts,
            "international": self.international,
            "case": self.case,
            "partner": self.partner,
            "returned_at": self.returned_at,
            "damaged": self.damaged,
            "customer_return": self.customer_return,
            "package": self.package.to_dict() if self.package is not None else None,
        }

    def to_json(self) -> str:
        # orjson serialises the dataclass directly, in field order — the same shape as to_dict()
        return orjson.dumps(self).decode()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ParcelTruth:
        return cls(
            tracking_number=d["tracking_number"],
            carrier=d["carrier"],
            service=d["service"],
            created_at=d["created_at"],
            promised_by=d["promised_by"],
            origin=d["origin"],
            destination=d["destination"],
            fate=Fate(d["fate"]),
            delivered_at=d.get("delivered_at"),
            delivered_to=d.get("delivered_to"),
            lost_at=d.get("lost_at"),
            delays=[
                Delay(ExceptionReason(x["cause"]), x["minutes"], x["at"], x.get("facility_id"))
                for x in d.get("delays", [])
            ],
            attempts=d.get("attempts", 0),
            international=d.get("international", False),
            case=d.get("case"),
            partner=d.get("partner"),
            returned_at=d.get("returned_at"),
            damaged=d.get("damaged", False),
            customer_return=d.get("customer_return", False),
            package=Package.from_dict(d.get("package")),
        )
