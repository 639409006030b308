"""Hermes Germany: parcels Monday–Saturday, up to three attempts, ten days in store."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.markets import BNETZA_TRANSIT_SHARES, DE_CARRY_OVER, DE_FIRST_ATTEMPT
from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_SAT,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    HubOperations,
    ServiceProfile,
    Standard,
    VisibilityProfile,
)
from sim.waves import Wave

# Hermes's logistics centres sort the day's parcels in the evening and truck them to each other
# overnight; the receiving centre sorts them for its depots, which lie further out than DHL's
# delivery bases (Berlin's parcels come from Haldensleben, Stuttgart's from Frankfurt or Nürnberg),
# so the depots' trucks leave earlier, and Hermes sells two to three working days rather than one
# to two. The times are assumptions in that shape (no published Hermes schedule was found); the
# centres' sorters are sized like DHL's (docs/realism.md §10, "German parcel centres").
DE_HUBS = HubOperations(
    waves=(
        Wave("Tag", 10.0 * H, 14.0 * H, 0.5),
        Wave("Ausgang", 16.5 * H, 22.0 * H, 1.0),
        Wave("Eingang", 23.0 * H, 29.0 * H, 1.0),
    ),
    hub_to_hub_departures=(14.25 * H + 300, *(20.25 * H + 300 + k * 1800 for k in range(5))),
    station_arrivals_s=(4.0 * H, 5.5 * H, 6.75 * H),
    direct=True,
    clear_s=2.5 * H,
    carry_over=DE_CARRY_OVER,
)

PROFILE = CarrierProfile(
    key="hermes",
    name="Hermes Germany",
    countries=frozenset({"DE"}),
    services=MappingProxyType(
        {
            # Couriers out Monday–Saturday 08:00–20:00 (myhermes.de FAQ); parcels within Germany are
            # usually delivered in two to three working days (smileypack.de "Hermes Lieferzeiten",
            # secondary) — a day longer than DHL and DPD sell.
            ("ground", "DE"): ServiceProfile(
                "Hermes Paket",
                Standard(3, None, "2–3 Werktage"),
                MON_SAT,
                pickup_days=MON_SAT,
                business_days=MON_SAT,
                cutoff_s=18.0 * H,  # last pickup 19:00 (sim.pickups) less an hour
                end_of_day_s=20 * H,
                transit_shares=BNETZA_TRANSIT_SHARES,
            ),
        }
    ),
    closed_on=MappingProxyType({"DE": ALL_HOLIDAYS}),
    # Up to three attempts on consecutive working days, a notice card each time (or a neighbour, or a
    # PaketShop); after the third the parcel is stored ten calendar days at Hermes, then returned
    # (myhermes.de FAQ "Benachrichtigungskarte"; paketda.de "Hermes Lagerfrist"). A PaketShop keeps a
    # parcel ten days as well.
    failed_delivery=FailedDeliveryPolicy(
        attempts=3,
        notice_left=True,
        auto_redelivery=True,
        hold_at="parcel_shop",
        hold_days=10,
        hold_business_days=False,
        address_hold_days=10,
    ),
    # Assumption inside the aggregator band (docs/realism.md §9).
    visibility=VisibilityProfile(
        batch_interval_s=15 * 60,
        lag_median_s=10 * 60,
        lag_p95_s=75 * 60,
        late_batch_share=0.012,
        late_batch_s=(2 * H, 8 * H),
    ),
    # Hermes shows a forecast day (and a time slot the evening before: the HSI deliveryForecast field).
    eta=EtaProfile(
        first_met_target=0.88,
        optimistic_share=0.07,
        pessimistic_share=0.06,
        revision_early_share=0.06,
        revision_wrong_share=0.06,
        missing_scan_after_s=1.5 * DAY,
        window_s=4 * H,
        window_missed_share=0.12,
    ),
    first_attempt=DE_FIRST_ATTEMPT,
    hubs=MappingProxyType({"DE": DE_HUBS}),
    texts=MappingProxyType(
        {
            "running_late": "Die Sendung verzögert sich leider.",
            "date_updated": "Die Zustellprognose wurde aktualisiert.",
            "notice_left": "Der Empfänger wurde nicht angetroffen. Benachrichtigungskarte hinterlassen.",
            "held": "Die Sendung liegt im Hermes PaketShop zur Abholung bereit.",
            "unable_to_locate": "Die Sendung wird gesucht.",
        }
    ),
)
