"""Canonical ``EventCode`` / ``ExceptionReason`` → Hermes Germany's own status codes and texts.

Hermes keeps one catalogue, ``vendor/specs/hermes_de/hermes-germany-eventcodes.csv`` [SPEC]: a
9-digit internal "3x3" code (three 3-digit blocks) maps to the 4-digit "2x2" code that the Shipment
Info API shows in ``status[].code``, with a long text in German and English (``textLang DE/EN``).
The rows used here are copied verbatim from that file, typos included (the texts are what Hermes
sends). Texts may hold placeholders (``#IM# #ORT# #CITY#`` …) that ``render.describe`` fills in.

What is SPEC and what is INFER:

- every row (3x3, 2x2, both texts) is SPEC;
- which row stands for which canonical event is our reading of the row's meaning. The fit is exact
  for most codes; where it is loose the entry says ``INFER`` and why. Hermes has no departure scan
  and no domestic "in transit" scan (a parcel goes warehouse → LC sort → depot → tour), so those
  canonical codes reuse the LC sort row ``1510``.

``status_for`` applies the context rules (a return in progress, a PaketShop drop-off, a mailbox
delivery, the attempt number, how long a lost parcel has been missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sim.events import EventCode, ExceptionReason, ScanEvent


@dataclass(frozen=True, slots=True)
class HermesStatus:
    """One row of Hermes's event-code catalogue."""

    code_3x3: str
    code_2x2: str
    text_de: str
    text_en: str

    @property
    def status_code(self) -> str:
        """The 3-digit ``statusCode`` of the deprecated ``/shipmentstatus`` endpoints ("3 digits with
        leading '0'") — the first block of the 3x3 code [INFER: the catalogue's leading block is the
        main status, ``090`` delivered, ``060`` back at the depot …]."""
        return self.code_3x3[:3]

    def text(self, language: str) -> str:
        return self.text_de if language == "de" else self.text_en


def _row(code_3x3: str, code_2x2: str, text_de: str, text_en: str) -> HermesStatus:
    return HermesStatus(code_3x3, code_2x2, text_de, text_en)


#: The catalogue rows this adapter uses, keyed by 3x3 code (verbatim from the CSV).
STATUSES: dict[str, HermesStatus] = {
    s.code_3x3: s
    for s in (
        _row(
            "000000000",
            "0000",
            "Die Sendung wurde Hermes elektronisch angekündigt.",
            "The shipment has been notified to Hermes electronically.",
        ),
        _row(
            "000001000",
            "0600",
            "Die angekündigte Sendung ist bisher noch nicht im erwarteten Hermes Zieldepot eingetroffen.",
            "The notified shipment has not yet arrived at the expected Hermes destination depot.",
        ),
        _row(
            "000002000",
            "0700",
            "Die angekündigte Sendung ist bisher noch nicht im erwarteten Hermes Zieldepot eingetroffen.",
            "The notified shipment has not yet arrived at the expected Hermes destination depot.",
        ),
        _row(
            "000003000",
            "0800",
            "Die angekündigte Sendung ist bisher noch nicht im erwarteten Hermes Zieldepot eingetroffen.",
            "The notified shipment has not yet arrived at the expected Hermes destination depot.",
        ),
        _row(
            "000004000",
            "0900",
            "Die angekündigte Sendung ist bisher noch nicht im erwarteten Hermes Zieldepot eingetroffen.",
            "The notified shipment has not yet arrived at the expected Hermes destination depot.",
        ),
        _row(
            "010000000",
            "1000",
            "Die Sendung hat das Lager des Auftraggebers verlassen.",
            "The shipment has left the clients warehouse.",
        ),
        _row(
            "030000006",
            "1510",
            "Die Sendung wurde #IM# #ORT# #CITY# sortiert.",
            "The shipment has been sorted #IM# #ORT# #CITY#.",
        ),
        _row(
            "033002009",
            "1720",
            "Die Zollabfertigung wurde erfolgreich abgeschlossen.",
            "Customs clearance was successfully completed.",
        ),
        _row(
            "033003009",
            "1730",
            "Die Sendung wird #IN# #CITY# beim Zoll aufbewahrt.",
            "Shipment is held by customs #IN# #CITY#.",
        ),
        _row(
            "033005006",
            "1810",
            "Die Sendung wird an den Hermes Partner-Spediteur für den internationalen Versand übergeben.",
            "The shipment will be handed over to the Hermes partner carrier for international shipping.",
        ),
        _row(
            "033051009",
            "1751",
            "Die Sendung wurde vom Zoll zurückgewiesen.",
            "The shipment was rejected by customs.",
        ),
        _row(
            "035001000",
            "1610",
            "Die Sendung befindet sich #IN# #CITY# auf dem Weitertransport #LAND#.",
            "Shipment is in international transit and located in #ORT# #LAND#.",
        ),
        _row(
            "045001002",
            "2000",
            "Die Sendung ist #IM# #ORT# #CITY# eingetroffen.",
            "The shipment has arrived #IM# #ORT# #CITY#.",
        ),
        _row(
            "045001008",
            "2400",
            "Die Sendung ist am PaketShop #PAKETSHOPNAME# abgegeben worden.",
            "The shipment has been handed in at the #PAKETSHOPNAME# ParcelShop.",
        ),
        _row(
            "050001000",
            "3000",
            "Die Sendung ist auf Zustelltour gegangen. Die Zustellung erfolgt voraussichtlich heute.",
            "The shipment has gone out on a delivery route. Delivery is expected today.",
        ),
        _row(
            "055001005",
            "3410",
            "Die Sendung liegt im Hermes PaketShop #PAKETSHOPNAME# zur Abholung bereit.",
            "The shipment is available for collection from the Hermes ParcelShop #PAKETSHOPNAME#.",
        ),
        _row(
            "060001004",
            "3710",
            "Die Sendung wurde beim Zustellversuch nicht angenommen und befindet sich auf dem Rückweg "
            "ins nächste Hermes Verteilzentrum.",
            "The shipment was not accepted when delivery was attempted and its on way back to the nearest "
            "Hermes distribution centre.",
        ),
        _row(
            "060001008",
            "4010",
            "Die Sendung befindet sich auf dem Rückweg ins nächste Hermes Verteilzentrum.",
            "The shipment is on its way back to the nearest Hermes distribution centre.",
        ),
        _row(
            "060002003",
            "4020",
            "Die Sendung befindet sich wieder #IM# #ORT# #CITY#, da die angegebene Anschrift nicht "
            "gefunden werden konnte.",
            "The shipment is back #IM# #ORT# #CITY#, as the specified address was unable to be found.",
        ),
        _row(
            "060002004",
            "3720",
            "Die angegebene Anschrift konnte nicht gefunden werden.",
            "The specified address was unable to be found.",
        ),
        _row(
            "060003003",
            "4031",
            "Die Sendung befindet sich wieder #IM# #ORT# #CITY#.",
            "The shipment is back #IM# #ORT# #CITY#.",
        ),
        _row(
            "060003004",
            "3731",
            "Der Empfänger wurde nicht angetroffen. Hermes wird einen weiteren Zustellversuch durchführen.",
            "The recipient was not present. Hermes will make another delivery attempt.",
        ),
        _row(
            "060004004",
            "3732",
            "Der Empfänger wurde zum 2. Mal nicht angetroffen. Hermes wird einen weiteren Zustellversuch "
            "durchführen.",
            "The recipient was not present for the 2nd time. Hermes will make another delivery attempt.",
        ),
        _row(
            "060005004",
            "3733",
            "Der Empfänger wurde zum 3. Mal nicht angetroffen. Bitte nehmen Sie Kontakt mit Ihrem Kunden "
            "auf.",
            "The recipient was not present for the 3rd time. Please contact your customer.",
        ),
        _row(
            "060006004",
            "3734",
            "Der Empfänger wurde zum 4. Mal nicht angetroffen. Sie wird für den Rückversand an den "
            "Auftraggeber vorbereitet.",
            "The recipient was not present for the 4th time. The shipment shall be prepared for return to "
            "the client.",
        ),
        _row(
            "060008003",
            "4040",
            "Die Sendung ist mit einem möglichen Schaden #IM# #ORT# #CITY# eingegangen.",
            "The shipment has been received with potential damage #IM# #ORT# #CITY#.",
        ),
        _row(
            "060008004",
            "3740",
            "Die Zustellung wird aufgrund eines möglichen Schadens abgebrochen.",
            "The shipment will be stopped due to a possible damage.",
        ),
        _row(
            "060009004",
            "3750",
            "Die Sendung konnte aufgrund eines Tourenabbruchs nicht zugestellt werden. Mögliche Gründe: "
            "Krankheit, defektes Fahrzeug oder Überschreitung der Arbeitszeit. Wir werden einen weiteren "
            "Zustellversuch durchführen.",
            "The shipment was unable to be delivered due to a route cancellation. Possible reasons: "
            "Illness, defective vehicle or working hours exceeded. We will make another delivery attempt.",
        ),
        _row(
            "060012005",
            "4035",
            "Die Sendung wurde innerhalb der 10 Tage nicht am Hermes PaketShop abgeholt.",
            "The shipment was not collected from the Hermes ParcelShop within 10 days.",
        ),
        _row(
            "080004003",
            "4100",
            "Hermes kann die Sendung leider nicht wie geplant zustellen. Die Sendung wird #AM# #ORT# "
            "aufbewahrt und zu einem späteren Zeitpunkt zugestellt. Mögliche Gründe: Kapazitätsengpässe "
            "oder Verzögerungen beim Sendungstransport.",
            "Unfortunately Hermes is unable to deliver the parcel as planned. The shipment will be kept "
            "#AM# #ORT# and delivered at a later date. Possible reasons: capacity bots or delays in the "
            "transport of shipments.",
        ),
        _row(
            "080006003",
            "4100",
            "Die Sendung wird #AM# #ORT# aufbewahrt.",
            "The shipment is being kept #AM# #ORT#.",
        ),
        _row("090000000", "3500", "Die Sendung wurde zugestellt.", "The shipment has been delivered."),
        _row(
            "090003008",
            "3530",
            "Die Sendung wurde vom Empfänger im Hermes PaketShop #PAKETSHOPNAME# abgeholt.",
            "The shipment has been collected by the recipient from the Hermes ParcelShop #PAKETSHOPNAME#.",
        ),
        _row(
            "090005004",
            "3511",
            "Die Sendung wurde im Briefkasten zugestellt.",
            "The shipment has been delivered in the letterbox.",
        ),
        _row(
            "100000003",
            "6080",
            "Die Sendung wurde #IM# #ORT# #CITY# bearbeitet.",
            "The shipment has been processed #IM# #ORT# #CITY#.",
        ),
        _row(
            "100001000",
            "6081",
            "Die Sendung wird an den Auftraggeber zurückgeführt.",
            "The shipment will be returned to the client.",
        ),
        _row(
            "100003003",
            "6083",
            "Die Sendung befindet sich auf dem Rückweg zum Auftraggeber.",
            "The shipment is on its way back to the client.",
        ),
        _row(
            "100004000",
            "6084",
            "Der Empfänger wurde wiederholt nicht angetroffen. Die Sendung befindet sich auf dem Rückweg "
            "zum Auftraggeber.",
            "The receiver was repeatedly not present. The shipment is on its way back to the client.",
        ),
        _row(
            "100005002",
            "6085",
            "Aufgrund eines möglichen Schadens geht die Sendung zurück zum Depot.",
            "Due to a possible damage the shipment returns to the distribution centre.",
        ),
        _row(
            "100015000",
            "6093",
            "Die Sendung befindet sich auf dem Rückweg zum Auftraggeber, da sie am Hermes PaketShop nicht "
            "abgeholt wurde.",
            "The shipment is on its way back to the client because it was not collected from the Hermes "
            "ParcelShop.",
        ),
        _row(
            "115001006",
            "1520",
            "Die Retoure/Rücksendung wurde #IM# #ORT# #CITY# sortiert und befindet sich auf dem Rückweg zum "
            "Auftraggeber.",
            "The return/return shipment has been sorted #IM# #ORT# #CITY# and is on its way back to the "
            "client.",
        ),
        _row(
            "125001009",
            "7500",
            "Die Retoure/Rücksendung ist beim Auftraggeber eingegangen.",
            "The return/return shipment has arrived at the client.",
        ),
    )
}

#: Every canonical code → its default catalogue row (3x3 code). Context rules in ``status_for``.
EVENT_CODES: dict[EventCode, str] = {
    EventCode.LABEL_CREATED: "000000000",  # 0000 notified electronically
    EventCode.PICKED_UP: "010000000",  # 1000 left the client's warehouse (PaketShop drop-off: 2400)
    EventCode.ARRIVED_AT_FACILITY: "045001002",  # 2000 arrived (#ORT# names the kind of place)
    EventCode.PROCESSED_AT_FACILITY: "030000006",  # 1510 sorted at the logistics centre
    # INFER: Hermes has no departure scan; the LC's outbound sort (1510) is the scan a leaving parcel
    # gets. 3010 "has left …" exists but belongs to the delivery-tour family (30xx).
    EventCode.DEPARTED_FACILITY: "030000006",
    # INFER: no domestic line-haul scan either (international transit: 1610, see status_for).
    EventCode.IN_TRANSIT: "030000006",
    EventCode.ARRIVED_AT_DELIVERY_STATION: "045001002",  # 2000 arrived at the depot
    EventCode.OUT_FOR_DELIVERY: "050001000",  # 3000 out on a delivery route
    EventCode.DELIVERY_ATTEMPTED: "060003004",  # 3731 recipient not present (2nd–4th: 3732–3734)
    EventCode.DELIVERED: "090000000",  # 3500 delivered (letterbox: 3511)
    EventCode.AVAILABLE_FOR_PICKUP: "055001005",  # 3410 ready for collection at the PaketShop
    EventCode.PICKED_UP_BY_RECIPIENT: "090003008",  # 3530 collected from the PaketShop
    EventCode.EXCEPTION: "080004003",  # 4100 cannot deliver as planned (by reason: REASON_CODES)
    EventCode.DELAYED: "080004003",  # 4100 (by reason: REASON_CODES)
    EventCode.CUSTOMS_HOLD: "033003009",  # 1730 held by customs
    EventCode.CUSTOMS_CLEARED: "033002009",  # 1720 customs clearance completed
    EventCode.HANDED_TO_PARTNER: "033005006",  # 1810 handed to the partner carrier
    EventCode.RETURN_TO_SENDER: "100000003",  # 6080 Rückversand (by reason: RETURN_REASON_CODES)
    EventCode.RETURNED_TO_SENDER: "125001009",  # 7500 return arrived at the client
    # INFER: 4100 "Lagernd wegen Termin" (stored for an appointment) — the parcel waits for the
    # next delivery date; Hermes's 9324 "PreferredDeliveryDate chosen" would claim the recipient chose it.
    EventCode.DELIVERY_RESCHEDULED: "080006003",
}

#: Reason of an ``EXCEPTION`` or ``DELAYED`` event → its row.
REASON_CODES: dict[ExceptionReason, str] = {
    # 4100's text names "capacity bottlenecks or delays in the transport of shipments" — every
    # network delay. INFER for weather (Hermes has no weather code).
    ExceptionReason.WEATHER: "080004003",
    ExceptionReason.MISSED_CONNECTION: "080004003",
    ExceptionReason.HUB_BACKLOG: "080004003",
    ExceptionReason.HUB_OUTAGE: "080004003",
    ExceptionReason.BREAKDOWN: "080004003",  # on the last mile: 3750 route cancellation (status_for)
    ExceptionReason.ADDRESS_ISSUE: "060002003",  # 4020 back at the depot, address not found
    ExceptionReason.RECIPIENT_UNAVAILABLE: "060003003",  # 4031 back at the depot after attempt 1
    ExceptionReason.NO_ACCESS: "060003003",  # INFER: Hermes has no "no access" code; 4031 as above
    ExceptionReason.DAMAGED: "060008003",  # 4040 received with potential damage
    ExceptionReason.CUSTOMS_HOLD: "033003009",  # 1730 held by customs
    ExceptionReason.LOST: "000003000",  # 0800 not arrived at the depot (7 days); by age in status_for
    ExceptionReason.REFUSED: "060001008",  # 4010 refused, on the way back to the depot
    ExceptionReason.UNCLAIMED: "060012005",  # 4035 not collected from the PaketShop in 10 days
}

#: Reasons of a ``DELIVERY_ATTEMPTED`` event that have their own tour code (others: ATTEMPT_CODES).
ATTEMPT_REASON_CODES: dict[ExceptionReason, str] = {
    ExceptionReason.REFUSED: "060001004",  # 3710 not accepted at the door
    ExceptionReason.ADDRESS_ISSUE: "060002004",  # 3720 address not found
    ExceptionReason.DAMAGED: "060008004",  # 3740 delivery stopped, possible damage
    ExceptionReason.BREAKDOWN: "060009004",  # 3750 route cancellation (defective vehicle …)
}

#: Attempt number → "recipient not present" row (N1–N4); a 5th+ attempt reads as the 4th.
ATTEMPT_CODES: dict[int, str] = {1: "060003004", 2: "060004004", 3: "060005004", 4: "060006004"}

#: Why a parcel goes back (the event's reason, else the latest reason before it) → Rückversand row.
RETURN_REASON_CODES: dict[ExceptionReason, str] = {
    ExceptionReason.REFUSED: "100001000",  # 6081 refused
    ExceptionReason.ADDRESS_ISSUE: "100003003",  # 6083 address not found
    ExceptionReason.RECIPIENT_UNAVAILABLE: "100004000",  # 6084 receiver repeatedly not present
    ExceptionReason.NO_ACCESS: "100004000",  # INFER: as above
    ExceptionReason.DAMAGED: "100005002",  # 6085 damage
    ExceptionReason.UNCLAIMED: "100015000",  # 6093 not collected from the PaketShop
    ExceptionReason.CUSTOMS_HOLD: "033051009",  # 1751 rejected by customs
}

#: Age of a lost parcel (days since its first scan) → the depot's "not arrived" notice:
#: 0600 after 1 day, 0700 after 2, 0800 after 7, 0900 after 28 (the CSV's "1T/2T/7T/28T").
LOST_NOTICES: tuple[tuple[int, str], ...] = (
    (28, "000004000"),
    (7, "000003000"),
    (2, "000002000"),
    (0, "000001000"),
)

#: A parcel going back to its sender is re-sorted as a return (1520) instead of 1510.
RETURN_SORT = "115001006"
INTERNATIONAL_TRANSIT = "035001000"  # 1610
PARCELSHOP_DROP_OFF = "045001008"  # 2400
LETTERBOX_DELIVERY = "090005004"  # 3511
#: Places of the last mile, where a breakdown cancels the delivery route (3750).
LAST_MILE_KINDS = frozenset({"delivery_station", "address", "pickup_point"})
#: Places where Hermes customers hand parcels in (PaketShops; the sandbox calls them pickup points).
PARCELSHOP_KINDS = frozenset({"pickup_point", "parcel_shop", "locker"})
#: ``details.delivery_location`` values that mean the letterbox.
LETTERBOX_LOCATIONS = frozenset({"mailbox", "letterbox"})

#: The 2x2 codes Hermes files under "delivered" (the 35xx family): delivered, with/without scanner,
#: letterbox, collected from a PaketShop.
DELIVERED_CODES = frozenset({"3500", "3510", "3511", "3520", "3530"})

_RESORTED = frozenset({EventCode.PROCESSED_AT_FACILITY, EventCode.DEPARTED_FACILITY, EventCode.IN_TRANSIT})


def _latest_reason(event: ScanEvent, earlier: Sequence[ScanEvent]) -> ExceptionReason | None:
    if event.reason is not None:
        return event.reason
    for previous in reversed(earlier):
        if previous.reason is not None:
            return previous.reason
    return None


def _lost_notice(event: ScanEvent, earlier: Sequence[ScanEvent]) -> str:
    first = earlier[0] if earlier else event
    days = (datetime.fromisoformat(event.occurred_at) - datetime.fromisoformat(first.occurred_at)).days
    return next(code for min_days, code in LOST_NOTICES if days >= min_days)


def status_for(
    event: ScanEvent, earlier: Sequence[ScanEvent] = (), destination_country: str | None = None
) -> HermesStatus:
    """The catalogue row Hermes shows for ``event``; ``earlier`` are the parcel's events before it
    (oldest first), ``destination_country`` the ISO alpha-2 country it is addressed to."""
    code, reason, kind = event.code, event.reason, event.location.kind
    if code in (EventCode.EXCEPTION, EventCode.DELAYED) and reason is not None:
        if reason is ExceptionReason.LOST:
            return STATUSES[_lost_notice(event, earlier)]
        if reason is ExceptionReason.BREAKDOWN and kind in LAST_MILE_KINDS:
            return STATUSES[ATTEMPT_REASON_CODES[ExceptionReason.BREAKDOWN]]
        return STATUSES[REASON_CODES[reason]]
    if code is EventCode.DELIVERY_ATTEMPTED:
        if reason in ATTEMPT_REASON_CODES:
            return STATUSES[ATTEMPT_REASON_CODES[reason]]
        attempt = event.details.get("attempt")
        if not isinstance(attempt, int) or attempt < 1:
            attempt = 1 + sum(e.code is EventCode.DELIVERY_ATTEMPTED for e in earlier)
        return STATUSES[ATTEMPT_CODES[min(attempt, 4)]]
    if code is EventCode.RETURN_TO_SENDER:
        why = _latest_reason(event, earlier)
        row = RETURN_REASON_CODES.get(why) if why is not None else None
        return STATUSES[row or EVENT_CODES[code]]
    if code in _RESORTED and any(e.code is EventCode.RETURN_TO_SENDER for e in earlier):
        return STATUSES[RETURN_SORT]
    if (
        code is EventCode.IN_TRANSIT
        and destination_country
        and (event.location.country.upper() != destination_country.upper())
    ):
        return STATUSES[INTERNATIONAL_TRANSIT]
    if code is EventCode.PICKED_UP and kind in PARCELSHOP_KINDS:
        return STATUSES[PARCELSHOP_DROP_OFF]
    if code is EventCode.DELIVERED and event.details.get("delivery_location") in LETTERBOX_LOCATIONS:
        return STATUSES[LETTERBOX_DELIVERY]
    return STATUSES[EVENT_CODES[code]]
