"""A hand-built world for carrier adapter unit tests: a fake context and canonical stories.

The served sandbox gives adapters the real context; these fakes let an adapter be tested before
and without the engine, with every ``EventCode`` and ``ExceptionReason`` reachable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from mock_carriers.world.context import ParcelView
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim import packages
from sim.events import (
    EstimatedDelivery,
    EventCode,
    ExceptionReason,
    Fate,
    Location,
    ParcelTruth,
    ScanEvent,
)

EASTERN = timezone(timedelta(hours=-5))
CENTRAL = timezone(timedelta(hours=-6))

ORIGIN_FC = Location(
    "fc-cmh-1", "fulfilment_centre", "Columbus FC", "Columbus", "OH", "43215", "US", 39.9612, -82.9988
)
ORIGIN_HUB = Location(
    "ups-hub-cmh", "sort_hub", "Columbus Hub", "Columbus", "OH", "43217", "US", 39.8951, -82.9724
)
MID_HUB = Location(
    "ups-hub-sdf", "sort_hub", "Louisville Worldport", "Louisville", "KY", "40209", "US", 38.1740, -85.7360
)
DEST_STATION = Location(
    "ups-ds-chi",
    "delivery_station",
    "Chicago Delivery Station",
    "Chicago",
    "IL",
    "60608",
    "US",
    41.8500,
    -87.6500,
)
ADDRESS = Location(
    None,
    "address",
    "Jane Doe",
    "Chicago",
    "IL",
    "60614",
    "US",
    41.9220,
    -87.6530,
    address="2100 N Lincoln Ave",
)
LOCKER = Location(
    "ups-pp-chi-1",
    "pickup_point",
    "Access Point — Lincoln Park",
    "Chicago",
    "IL",
    "60614",
    "US",
    41.9200,
    -87.6510,
)


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")


def story(
    tracking_number: str, carrier: str, service: str = "ground", kind: str = "delivered"
) -> list[ScanEvent]:
    """A canonical event list for one parcel. ``kind``: ``delivered`` (with a weather delay),
    ``failed_then_locker`` (attempt, pickup point, collected), ``returned`` (address issue → RTS),
    ``customs`` (customs hold and release, then partner hand-over), ``lost`` (scans stop, then an
    "unable to locate" exception)."""
    t0 = datetime(2026, 11, 2, 9, 15, tzinfo=EASTERN)
    eta = EstimatedDelivery("2026-11-05", "2026-11-05T09:00:00-06:00", "2026-11-05T19:00:00-06:00")
    seq = itertools.count(1)
    out: list[ScanEvent] = []

    def add(
        code: EventCode,
        loc: Location,
        at: datetime,
        reason: ExceptionReason | None = None,
        est: EstimatedDelivery | None = eta,
        **details: Any,
    ) -> None:
        n = next(seq)
        out.append(
            ScanEvent(
                event_id=f"ev-{tracking_number}-{n}",
                seq=n,
                tracking_number=tracking_number,
                carrier=carrier,
                service=service,
                code=code,
                reason=reason,
                occurred_at=_iso(at),
                visible_at=_iso(at + timedelta(minutes=20)),
                location=loc,
                estimated_delivery=est,
                details=details,
            )
        )

    add(EventCode.LABEL_CREATED, ORIGIN_FC, t0)
    add(EventCode.PICKED_UP, ORIGIN_FC, t0 + timedelta(hours=8))
    add(EventCode.ARRIVED_AT_FACILITY, ORIGIN_HUB, t0 + timedelta(hours=9))
    add(EventCode.PROCESSED_AT_FACILITY, ORIGIN_HUB, t0 + timedelta(hours=10))
    add(EventCode.DEPARTED_FACILITY, ORIGIN_HUB, t0 + timedelta(hours=12))
    if kind == "lost":
        add(EventCode.IN_TRANSIT, MID_HUB, t0 + timedelta(hours=14))
        add(EventCode.EXCEPTION, MID_HUB, t0 + timedelta(days=7), ExceptionReason.LOST, est=None)
        return out
    add(EventCode.IN_TRANSIT, MID_HUB, t0 + timedelta(hours=14))
    add(EventCode.ARRIVED_AT_FACILITY, MID_HUB, (t0 + timedelta(hours=16)).astimezone(EASTERN))
    late = EstimatedDelivery("2026-11-06", None, None)
    if kind == "customs":
        add(EventCode.CUSTOMS_HOLD, MID_HUB, t0 + timedelta(hours=17), ExceptionReason.CUSTOMS_HOLD, est=late)
        add(EventCode.CUSTOMS_CLEARED, MID_HUB, t0 + timedelta(hours=30), est=late)
        add(
            EventCode.HANDED_TO_PARTNER,
            MID_HUB,
            t0 + timedelta(hours=31),
            est=late,
            partner={"carrier": "usps", "tracking_number": "9400111206206406260787"},
        )
        return out
    add(EventCode.DELAYED, MID_HUB, t0 + timedelta(hours=17), ExceptionReason.WEATHER, est=late)
    add(EventCode.DEPARTED_FACILITY, MID_HUB, t0 + timedelta(hours=40), est=late)
    t_ds = datetime(2026, 11, 5, 23, 30, tzinfo=CENTRAL)
    add(EventCode.ARRIVED_AT_DELIVERY_STATION, DEST_STATION, t_ds, est=late)
    t_ofd = datetime(2026, 11, 6, 8, 10, tzinfo=CENTRAL)
    add(EventCode.OUT_FOR_DELIVERY, DEST_STATION, t_ofd, est=late)
    if kind == "delivered":
        add(
            EventCode.DELIVERED,
            ADDRESS,
            t_ofd + timedelta(hours=4),
            est=None,
            signed_by="DOE",
            delivery_location="front_door",
        )
    elif kind == "failed_then_locker":
        add(
            EventCode.DELIVERY_ATTEMPTED,
            ADDRESS,
            t_ofd + timedelta(hours=4),
            ExceptionReason.RECIPIENT_UNAVAILABLE,
            est=late,
            attempt=1,
        )
        add(EventCode.DELIVERY_RESCHEDULED, DEST_STATION, t_ofd + timedelta(hours=10), est=late)
        add(EventCode.AVAILABLE_FOR_PICKUP, LOCKER, t_ofd + timedelta(days=1), est=None)
        add(
            EventCode.PICKED_UP_BY_RECIPIENT,
            LOCKER,
            t_ofd + timedelta(days=2),
            est=None,
            delivery_location="locker",
        )
    elif kind == "returned":
        add(
            EventCode.EXCEPTION,
            DEST_STATION,
            t_ofd + timedelta(hours=1),
            ExceptionReason.ADDRESS_ISSUE,
            est=None,
        )
        add(EventCode.RETURN_TO_SENDER, DEST_STATION, t_ofd + timedelta(hours=2), est=None)
        add(EventCode.DEPARTED_FACILITY, DEST_STATION, t_ofd + timedelta(hours=12), est=None)
        add(
            EventCode.RETURNED_TO_SENDER,
            ORIGIN_FC,
            t_ofd + timedelta(days=3),
            est=None,
            signed_by="SHIPPING DOCK",
        )
    elif kind == "damaged":
        add(EventCode.EXCEPTION, DEST_STATION, t_ofd + timedelta(hours=1), ExceptionReason.DAMAGED)
        add(
            EventCode.DELIVERY_ATTEMPTED,
            ADDRESS,
            t_ofd + timedelta(hours=4),
            ExceptionReason.REFUSED,
            attempt=1,
        )
        add(
            EventCode.DELIVERY_ATTEMPTED,
            ADDRESS,
            t_ofd + timedelta(hours=5),
            ExceptionReason.NO_ACCESS,
            attempt=2,
        )
    return out


def truth_for(events: list[ScanEvent]) -> ParcelTruth:
    first = events[0]
    delivered = next(
        (e for e in events if e.code in (EventCode.DELIVERED, EventCode.PICKED_UP_BY_RECIPIENT)), None
    )
    return ParcelTruth(
        tracking_number=first.tracking_number,
        carrier=first.carrier,
        service=first.service,
        created_at=first.occurred_at,
        promised_by="2026-11-05T20:00:00-06:00",
        origin={**ORIGIN_FC.to_dict(), "address": "3500 Alum Creek Dr", "name": "Acme Fulfilment"},
        destination={**ADDRESS.to_dict(), "name": "Jane Doe"},
        fate=Fate.DELIVERED if delivered else Fate.IN_NETWORK,
        delivered_at=delivered.occurred_at if delivered else None,
        delivered_to={**ADDRESS.to_dict()} if delivered else None,
        package=packages.draw(1, first.tracking_number),
    )


@dataclass
class FakeContext:
    """A ``CarrierContext`` over a fixed set of parcels and a settable clock."""

    carrier: str
    parcels: dict[str, list[ScanEvent]] = field(default_factory=dict)
    clock: datetime = datetime(2026, 11, 10, tzinfo=UTC)
    # Seed-stable tokens: carrier tests compare whole sessions byte for byte, tokens included.
    tokens: TokenIssuer = field(default_factory=lambda: TokenIssuer(seed=1, deterministic=True))
    credentials: CredentialPolicy = field(default_factory=CredentialPolicy)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def now(self) -> datetime:
        return self.clock

    def lookup(self, tracking_number: str) -> ParcelView | None:
        events = self.parcels.get(tracking_number)
        if events is None or events[0].carrier != self.carrier:
            return None
        visible = [e for e in events if datetime.fromisoformat(e.visible_at) <= self.clock]
        return ParcelView(tracking_number, self.carrier, events[0].service, visible, truth_for(events))

    def request_id(self, kind: str) -> str:
        return f"{kind}-{next(self._ids):08d}"
