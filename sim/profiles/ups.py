"""UPS: its services in the US and Germany, calendar, failed-delivery policy, scan visibility, ETAs.

Sources per row; the figures are in docs/realism.md §11 with the same wording.
"""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_FRI,
    MON_SAT,
    TUE_SAT,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    LoadPlan,
    ServiceProfile,
    Standard,
    VisibilityProfile,
    after_wave,
)

# UPS Ground transit map: 1–5 business days in the contiguous US by zone, zone 2 ≈ 1 day … zone 8 ≈
# 5 days (ups.com transit maps, secondary summaries; docs/realism.md §5).
GROUND_BY_ZONE = (1, 1, 2, 3, 3, 4, 4, 5)
# UPS Ground Saver (formerly SurePost, last mile often by USPS): sold as 2–7 business days; modelled
# as the Ground standard plus one day (an assumption inside the published range).
SAVER_BY_ZONE = tuple(d + 1 for d in GROUND_BY_ZONE)
# The last of UPS's two daily pickup calls (sim.pickups: 19:30) less the hour a label needs.
CUTOFF_S = 18.5 * H
END_OF_DAY_S = 21 * H  # UPS couriers deliver until 21:00 (sim.courier_routes)

# Air capacity planned for peak: UPS Worldport handles ~1.6–2 M packages a normal day and > 4 M a day
# at peak (UPS press material, secondary summaries; docs/realism.md §10): UPS sizes its air network
# (aircraft, charters, the hub's sort) for over twice a normal day, 4 M / 1.8 M (the normal range's
# middle). A normal day is a working day: the air network flies five nights a week (Monday–Friday
# pickups), so a week's express rides in five: × 7/5 of a lane's calendar-day load.
AIR_CAPACITY_DAYS = 4.0 / 1.8 * 7 / 5

_us = dict(pickup_days=MON_FRI, cutoff_s=CUTOFF_S, end_of_day_s=END_OF_DAY_S)

# UPS's US air hubs (UPS "Air Operations Facts", 2019; docs/realism.md §5): Louisville (Worldport,
# the main air hub) and regional air hubs at Ontario CA (the West Coast region: the western states),
# Philadelphia (the East Coast region: New England to Maryland and DC), Dallas and Rockford IL (not a
# place of the world; its region falls to the others). Each sorts its region's air at night and
# flies it direct; a region here: the hubs and stations nearer to it than to any other air hub.
REGIONAL_AIR_HUBS = ("ONT", "PHL", "DFW")

# Ground line-haul between hubs more than a night's drive apart (over 9 h, ``sim.lanes``'s overnight
# truck): trailers on a load plan, not after every sort — after the twilight sort (the day's pickups)
# Monday–Friday and after the night sort Tuesday–Saturday (Friday night's), none on Sunday. "The
# ground operation is a Monday–Friday operation. The ground hubs are closed on Sundays, and for the
# most part on Saturdays too", beside a UPS spokesperson's "UPS never has packages in motion on
# Sundays" (a UPS ground hub worker, flightinfo.com, 2003); tracking shows a cross-country parcel
# reach a hub on Saturday and wait there until Monday (ask.metafilter.com/198038, 2011). Since 2017
# UPS also picks up and delivers ground on Saturdays in most metros (the delivery days below): a
# local operation, the long hauls keep the weekday plan (an assumption); a departure takes as many
# trailers as its day needs (extra sections, as FedEx's unassigned board: an assumption for UPS).
# docs/realism.md §5.
US_LOAD_PLAN = LoadPlan(
    departures=(after_wave("night"), after_wave("twilight")),
    runs=(TUE_SAT, MON_FRI),
    min_drive_s=9 * H,
)

PROFILE = CarrierProfile(
    key="ups",
    name="UPS",
    countries=frozenset({"US", "CA", "DE"}),
    services=MappingProxyType(
        {
            # Ground delivers Monday–Friday, plus Saturday residential delivery in most metros
            # (UPS press release, 2017); the standard counts Monday–Friday only.
            ("ground", "US"): ServiceProfile(
                "UPS Ground", Standard(5, GROUND_BY_ZONE, "1–5 business days by zone"), MON_SAT, **_us
            ),
            ("economy", "US"): ServiceProfile(
                "UPS Ground Saver", Standard(6, SAVER_BY_ZONE, "2–7 business days"), MON_SAT, **_us
            ),
            ("two_day", "US"): ServiceProfile(
                "UPS 2nd Day Air",
                Standard(2, None, "2 business days, guaranteed"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
            ("next_day", "US"): ServiceProfile(
                "UPS Next Day Air",
                Standard(1, None, "next business day, guaranteed"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
            # Cross-border from the US: UPS Worldwide Expedited, 2–5 business days (ups.com service guide).
            ("international", "XB"): ServiceProfile(
                "UPS Worldwide Expedited",
                Standard(5, None, "2–5 business days"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
            # Germany: UPS Standard, day-definite, usually the next working day and 1–2 working days
            # nationwide (ups.com/de service overview, secondary); no Saturday delivery.
            ("ground", "DE"): ServiceProfile(
                "UPS Standard",
                Standard(2, None, "1–2 Werktage"),
                MON_FRI,
                cutoff_s=CUTOFF_S,
                end_of_day_s=END_OF_DAY_S,
            ),
            ("next_day", "DE"): ServiceProfile(
                "UPS Express Saver",
                Standard(1, None, "nächster Werktag, garantiert"),
                MON_FRI,
                cutoff_s=CUTOFF_S,
                end_of_day_s=END_OF_DAY_S,
                guaranteed=True,
            ),
        }
    ),
    # UPS holiday schedule: no pickup or delivery on New Year's Day, Memorial Day, Independence Day,
    # Labor Day, Thanksgiving and Christmas; MLK Day, Presidents' Day, Columbus Day, Veterans Day and
    # Juneteenth are normal days (ups.com holiday schedule; secondary summaries 2008–2026 agree).
    # In Germany and Canada: the public holidays of the place.
    closed_on=MappingProxyType(
        {
            "US": frozenset(
                {
                    "us.new_year",
                    "us.memorial_day",
                    "us.independence_day",
                    "us.labor_day",
                    "us.thanksgiving",
                    "us.christmas",
                }
            ),
            "DE": ALL_HOLIDAYS,
            "CA": ALL_HOLIDAYS,
        }
    ),
    # Up to three attempts on consecutive business days, an InfoNotice left each time, then held at
    # the UPS customer centre or an Access Point for pickup, 5 business days, then returned (UPS
    # help centre "delivery attempts"; secondary summaries).
    failed_delivery=FailedDeliveryPolicy(
        attempts=3,
        notice_left=True,
        auto_redelivery=True,
        hold_at="access_point",
        hold_days=5,
        hold_business_days=True,
    ),
    # Handheld scanners (DIAD) upload over cellular as they scan; facility scans in small batches.
    # Lags: an assumption inside the 0–2 h aggregator band (docs/realism.md §9), with hours-late
    # batches so that ≥ 0.5 % of scans show more than 2 h late (issue 12's target).
    visibility=VisibilityProfile(
        batch_interval_s=5 * 60,
        lag_median_s=4 * 60,
        lag_p95_s=40 * 60,
        late_batch_share=0.008,
        late_batch_s=(2 * H, 6 * H),
    ),
    # UPS leads the ShipMatrix on-time ranking (96.5–97.2 % strict, December; docs/realism.md §1):
    # its first estimate is met most often. UPS My Choice announces a 2-hour (earlier 4-hour) window.
    eta=EtaProfile(
        first_met_target=0.955,
        optimistic_share=0.02,
        pessimistic_share=0.05,
        revision_early_share=0.05,
        revision_wrong_share=0.04,
        missing_scan_after_s=1 * DAY,
        window_s=4 * H,
        window_missed_share=0.08,
    ),
    first_attempt=0.972,  # US first-attempt success (Parcel Monitor via smartroutes.io; docs/realism.md §3)
    # ShipMatrix, December, strict, all services: 96.5 % (2024), 97.2 % (2025) (docs/realism.md §1)
    on_time=(0.965, 0.972),
    load_plans=MappingProxyType({"US": US_LOAD_PLAN}),
    air_capacity_days=AIR_CAPACITY_DAYS,
    regional_air_hubs=MappingProxyType({"US": REGIONAL_AIR_HUBS}),
    texts=MappingProxyType(
        {
            "running_late": "Your package will arrive later than expected, but is still on its way.",
            "date_updated": "The delivery date has been updated.",
            "notice_left": "The receiver was not available for delivery. "
            "We'll make a second attempt the next business day.",
            "held": "The package is being held at a UPS Access Point location for the receiver to pick up.",
            "unable_to_locate": "We're sorry, we were unable to locate your package.",
        }
    ),
)
