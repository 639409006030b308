"""DPD Germany: DPD Classic and Express, Predict's one-hour window, two attempts then a Pickup shop."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.markets import BNETZA_TRANSIT_SHARES, DE_CARRY_OVER, DE_FIRST_ATTEMPT
from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_FRI,
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

CUTOFF_S = 17.5 * H  # last pickup 18:30 (sim.pickups) less an hour

# DPD Germany's depots sort the day's pickups in the evening and send them overnight to the
# receiving depots (through its hubs; the world has no separate DPD hub, so the hub's night sort is
# folded into the depots' long night sort and the trucks run depot to depot), which sort them for the
# morning's drivers. DPD's pickups come earlier than DHL's (sim.pickups), so its evening sort ends
# earlier. Times are assumptions in that shape (docs/realism.md §10, "German parcel centres").
DE_HUBS = HubOperations(
    waves=(
        Wave("Tag", 9.5 * H, 14.0 * H, 0.5),
        Wave("Abend", 16.0 * H, 21.5 * H, 1.0),
        Wave("Nacht", 21.75 * H, 29.5 * H, 1.0),
    ),
    hub_to_hub_departures=(
        14.25 * H + 300,
        *(19.25 * H + 300 + k * 1800 for k in range(6)),
        *(0.25 * H + 300 + k * 3600 for k in range(3)),
    ),
    station_arrivals_s=(3.5 * H, 5.0 * H, 6.0 * H),
    direct=True,
    clear_s=2 * H,
    carry_over=DE_CARRY_OVER,
)

PROFILE = CarrierProfile(
    key="dpd",
    name="DPD Germany",
    countries=frozenset({"DE"}),
    services=MappingProxyType(
        {
            # DPD Classic: 1–2 days within Germany (asklubo.com, secondary); delivered Monday–Friday and
            # lately Saturdays (paketda.de "DPD in Zustellung"); the standard counts Monday–Friday.
            ("ground", "DE"): ServiceProfile(
                "DPD Classic",
                Standard(2, None, "1–2 Werktage"),
                MON_SAT,
                cutoff_s=CUTOFF_S,
                end_of_day_s=20 * H,
                transit_shares=BNETZA_TRANSIT_SHARES,
            ),
            # DPD Express 12: next working day by 12:00 (dpd.com/de Express); the promise keeps the
            # world's end of day, the 12:00 commitment is the product's.
            ("next_day", "DE"): ServiceProfile(
                "DPD Express 12",
                Standard(1, None, "nächster Werktag bis 12 Uhr"),
                MON_FRI,
                cutoff_s=CUTOFF_S,
                end_of_day_s=20 * H,
                guaranteed=True,
            ),
        }
    ),
    closed_on=MappingProxyType({"DE": ALL_HOLIDAYS}),
    # Two attempts (a third only when asked), a notice card with a PIN each time; then the parcel goes
    # to a Pickup Paketshop for 7 calendar days before it returns (paketda.de DPD status pages;
    # bezahlen.net "DPD-Status").
    failed_delivery=FailedDeliveryPolicy(
        attempts=2,
        notice_left=True,
        auto_redelivery=True,
        hold_at="parcel_shop",
        hold_days=7,
        hold_business_days=False,
    ),
    # Assumption inside the aggregator band (docs/realism.md §9).
    visibility=VisibilityProfile(
        batch_interval_s=10 * 60,
        lag_median_s=8 * 60,
        lag_p95_s=60 * 60,
        late_batch_share=0.01,
        late_batch_s=(2 * H, 6 * H),
    ),
    # Predict: a one-hour window announced on the morning of delivery (sim.timing.predict_window).
    eta=EtaProfile(
        first_met_target=0.92,
        optimistic_share=0.04,
        pessimistic_share=0.04,
        revision_early_share=0.05,
        revision_wrong_share=0.04,
        missing_scan_after_s=1 * DAY,
        window_s=1 * H,
        window_missed_share=0.1,
    ),
    first_attempt=DE_FIRST_ATTEMPT,
    hubs=MappingProxyType({"DE": DE_HUBS}),
    texts=MappingProxyType(
        {
            "running_late": "Ihr Paket konnte nicht wie geplant zugestellt werden.",
            "date_updated": "Neuer Zustelltermin.",
            "notice_left": "Der Empfänger wurde nicht angetroffen. Benachrichtigung wurde hinterlassen.",
            "held": "Übergabe durch Zusteller an Pickup Paketshop.",
            "unable_to_locate": "Ihr Paket wird gesucht.",
        }
    ),
)
