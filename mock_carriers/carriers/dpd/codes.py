"""Canonical events → DPD ParcelLifeCycle statuses (``statusInfo/status``) with their label and text.

DPD's status codes and what they mean, as DPD Netherlands lists them for this service [3P: its
shipper-webservice integration docs, quoted by integrators] and as karrio's captured-looking
Belgian response uses them [3P-K]:

=========================  ==============================================================
``PickedUp``               accepted (and picked up) by DPD
``BetweenDepots``          on a transport between DPD hubs/depots
``Depot``                  at the delivery depot
``Courier``                out for delivery
``DeliveryFailure``        unable to deliver the parcel
``ReturningFromDelivery``  back at the delivery depot after an unsuccessful attempt
``ParcelShop``             at a Pickup parcelshop
``Customs``                at cross-border (customs) checking
``Warehouse``              held at a warehouse (consolidation, rerouting)
``Consolidation``          consolidated for a new delivery
``Delivered``              received by the recipient
=========================  ==============================================================

DPD has no status for "data received" (a label with no scan) nor for "returned to sender": a label
shows no ``statusInfo`` at all, and a parcel back at its sender is ``Delivered`` to the sender
(with a text that says so) [INFER from the table].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.events import EventCode, ExceptionReason, ScanEvent

PICKED_UP = "PickedUp"
BETWEEN_DEPOTS = "BetweenDepots"
DEPOT = "Depot"
COURIER = "Courier"
DELIVERY_FAILURE = "DeliveryFailure"
RETURNING_FROM_DELIVERY = "ReturningFromDelivery"
PARCEL_SHOP = "ParcelShop"
CUSTOMS = "Customs"
WAREHOUSE = "Warehouse"
CONSOLIDATION = "Consolidation"
DELIVERED = "Delivered"

#: Every status code DPD's table has → its milestone label (texts.LABELS) [3P-K for the ones the
#: captured response shows: Depot sits under "Parcel out for delivery" there; INFER for the rest].
STATUS_LABELS: dict[str, str] = {
    PICKED_UP: "handed_over",
    BETWEEN_DEPOTS: "in_transit",
    CUSTOMS: "in_transit",
    WAREHOUSE: "in_transit",
    DEPOT: "out_for_delivery",
    COURIER: "out_for_delivery",
    DELIVERY_FAILURE: "out_for_delivery",
    RETURNING_FROM_DELIVERY: "out_for_delivery",
    PARCEL_SHOP: "out_for_delivery",
    CONSOLIDATION: "out_for_delivery",
    DELIVERED: "delivered",
}


@dataclass(frozen=True, slots=True)
class DpdStatus:
    """One ``statusInfo``: DPD's status code and the ids of its label and description texts."""

    code: str
    text: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.code]


#: Every canonical code → its default status. ``None``: DPD shows no status for it.
EVENT_CODES: dict[EventCode, DpdStatus | None] = {
    EventCode.LABEL_CREATED: None,
    EventCode.PICKED_UP: DpdStatus(PICKED_UP, "received"),
    EventCode.ARRIVED_AT_FACILITY: DpdStatus(BETWEEN_DEPOTS, "at_hub"),
    EventCode.PROCESSED_AT_FACILITY: DpdStatus(BETWEEN_DEPOTS, "at_hub"),
    EventCode.DEPARTED_FACILITY: DpdStatus(BETWEEN_DEPOTS, "on_the_road"),
    EventCode.IN_TRANSIT: DpdStatus(BETWEEN_DEPOTS, "on_the_road"),
    EventCode.ARRIVED_AT_DELIVERY_STATION: DpdStatus(DEPOT, "at_depot"),
    EventCode.OUT_FOR_DELIVERY: DpdStatus(COURIER, "courier"),
    EventCode.DELIVERY_ATTEMPTED: DpdStatus(DELIVERY_FAILURE, "not_home"),
    EventCode.DELIVERED: DpdStatus(DELIVERED, "delivered"),
    EventCode.AVAILABLE_FOR_PICKUP: DpdStatus(PARCEL_SHOP, "at_shop"),
    EventCode.PICKED_UP_BY_RECIPIENT: DpdStatus(DELIVERED, "collected"),
    EventCode.EXCEPTION: DpdStatus(WAREHOUSE, "delayed"),
    EventCode.DELAYED: DpdStatus(WAREHOUSE, "delayed"),
    EventCode.CUSTOMS_HOLD: DpdStatus(CUSTOMS, "customs_hold"),
    EventCode.CUSTOMS_CLEARED: DpdStatus(CUSTOMS, "customs_cleared"),
    EventCode.HANDED_TO_PARTNER: DpdStatus(BETWEEN_DEPOTS, "partner"),
    EventCode.RETURN_TO_SENDER: DpdStatus(BETWEEN_DEPOTS, "returning"),
    EventCode.RETURNED_TO_SENDER: DpdStatus(DELIVERED, "returned"),
    EventCode.DELIVERY_RESCHEDULED: DpdStatus(CONSOLIDATION, "rescheduled"),
}

#: Why a delivery attempt failed → the text DPD gives (status ``DeliveryFailure``).
ATTEMPT_TEXTS: dict[ExceptionReason, str] = {
    ExceptionReason.RECIPIENT_UNAVAILABLE: "not_home",
    ExceptionReason.NO_ACCESS: "access_code",
    ExceptionReason.ADDRESS_ISSUE: "address",
    ExceptionReason.REFUSED: "refused",
    ExceptionReason.DAMAGED: "refused_damaged",
}

#: Reason of an ``EXCEPTION``/``DELAYED`` event → its status. Last-mile reasons are delivery
#: failures; network delays hold the parcel in a hub (``Warehouse``) [INFER from the table].
REASON_STATUSES: dict[ExceptionReason, DpdStatus] = {
    ExceptionReason.WEATHER: DpdStatus(WAREHOUSE, "delayed"),
    ExceptionReason.MISSED_CONNECTION: DpdStatus(WAREHOUSE, "delayed"),
    ExceptionReason.HUB_BACKLOG: DpdStatus(WAREHOUSE, "delayed"),
    ExceptionReason.HUB_OUTAGE: DpdStatus(WAREHOUSE, "delayed"),
    ExceptionReason.BREAKDOWN: DpdStatus(WAREHOUSE, "delayed"),
    ExceptionReason.ADDRESS_ISSUE: DpdStatus(DELIVERY_FAILURE, "address"),
    ExceptionReason.RECIPIENT_UNAVAILABLE: DpdStatus(RETURNING_FROM_DELIVERY, "back_at_depot"),
    ExceptionReason.NO_ACCESS: DpdStatus(DELIVERY_FAILURE, "access_code"),
    ExceptionReason.DAMAGED: DpdStatus(WAREHOUSE, "damage_check"),
    ExceptionReason.CUSTOMS_HOLD: DpdStatus(CUSTOMS, "customs_hold"),
    ExceptionReason.LOST: DpdStatus(WAREHOUSE, "search"),
    ExceptionReason.REFUSED: DpdStatus(DELIVERY_FAILURE, "refused"),
    ExceptionReason.UNCLAIMED: DpdStatus(PARCEL_SHOP, "not_collected"),
}

#: Places of the last mile: a breakdown there is a failed delivery, not a network delay.
LAST_MILE_KINDS = frozenset({"delivery_station", "address", "pickup_point"})
#: Places where a sender hands a parcel in (DPD Pickup parcelshops).
PARCELSHOP_KINDS = frozenset({"pickup_point", "parcel_shop", "locker"})


def status_for(event: ScanEvent, earlier: Sequence[ScanEvent] = ()) -> DpdStatus | None:
    """The status DPD shows for ``event`` (``earlier``: the parcel's events before it, oldest
    first), or None when DPD shows nothing for it."""
    code, reason, kind = event.code, event.reason, event.location.kind
    if code in (EventCode.EXCEPTION, EventCode.DELAYED) and reason is not None:
        if reason is ExceptionReason.BREAKDOWN and kind in LAST_MILE_KINDS:
            return DpdStatus(RETURNING_FROM_DELIVERY, "back_at_depot")
        if reason is ExceptionReason.RECIPIENT_UNAVAILABLE and not any(
            e.code is EventCode.DELIVERY_ATTEMPTED for e in earlier
        ):
            return DpdStatus(DELIVERY_FAILURE, "not_delivered")
        return REASON_STATUSES[reason]
    if code is EventCode.DELIVERY_ATTEMPTED:
        text = ATTEMPT_TEXTS.get(reason, "not_delivered") if reason is not None else "not_home"
        return DpdStatus(DELIVERY_FAILURE, text)
    if code is EventCode.PICKED_UP and kind in PARCELSHOP_KINDS:
        return DpdStatus(PICKED_UP, "dropped_at_shop")
    return EVENT_CODES[code]
