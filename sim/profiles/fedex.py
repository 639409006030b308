"""FedEx: Ground / Home Delivery and Express in the US, its calendar, failed deliveries, visibility, ETAs."""

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

# FedEx Ground transit map: 1–5 business days in the contiguous US by zone, like UPS Ground
# (fedex.com service maps, secondary summaries; docs/realism.md §5).
GROUND_BY_ZONE = (1, 1, 2, 3, 3, 4, 4, 5)
# FedEx Ground Economy (formerly SmartPost, last mile often by USPS): 2–7 business days; modelled as
# the Ground standard plus one day (an assumption inside the published range).
ECONOMY_BY_ZONE = tuple(d + 1 for d in GROUND_BY_ZONE)
CUTOFF_S = 18.0 * H  # last pickup call 19:00 (sim.pickups) less an hour
END_OF_DAY_S = 20 * H

_us = dict(pickup_days=MON_FRI, cutoff_s=CUTOFF_S, end_of_day_s=END_OF_DAY_S)

# FedEx Express's US hubs besides the Memphis World Hub and the Indianapolis national hub (both main
# air hubs here, ``sim.network.AIR_HUBS``): Newark, Fort Worth (Alliance) and Oakland, which sort
# and fly their regions' overnight (aviationpros.com, "FedExpansion in Indy", 2006: six major US
# hubs with Anchorage; docs/realism.md §5).
REGIONAL_AIR_HUBS = ("EWR", "DFW", "OAK")

# FedEx Ground's line-haul is run by contractors on "assigned runs", each with a fixed dispatch time
# and fixed days of the week it runs, and an "unassigned board" of trucks that dispatch calls for
# extra work at the usual dispatch times, AM and PM (fleetamb.com, "Types of FedEx runs",
# secondary; docs/realism.md §5): a departure takes as many trailers as its day needs. Between hubs
# more than a night's drive apart (over 9 h): after the twilight sort Monday–Friday and after the
# night sort Tuesday–Saturday, none on Sunday, as UPS's (the times are the world's hub waves: an
# assumption).
US_LOAD_PLAN = LoadPlan(
    departures=(after_wave("night"), after_wave("twilight")),
    runs=(TUE_SAT, MON_FRI),
    min_drive_s=9 * H,
)

PROFILE = CarrierProfile(
    key="fedex",
    name="FedEx",
    countries=frozenset({"US", "CA"}),
    services=MappingProxyType(
        {
            # FedEx Home Delivery delivers Saturdays (and, since 2020, Sundays in much of the US: FedEx
            # newsroom, Jan 2019); issue 12's calibration keeps Ground off Sundays, so Monday–Saturday.
            ("ground", "US"): ServiceProfile(
                "FedEx Ground / Home Delivery",
                Standard(5, GROUND_BY_ZONE, "1–5 business days by zone"),
                MON_SAT,
                **_us,
            ),
            ("economy", "US"): ServiceProfile(
                "FedEx Ground Economy", Standard(6, ECONOMY_BY_ZONE, "2–7 business days"), MON_SAT, **_us
            ),
            ("two_day", "US"): ServiceProfile(
                "FedEx 2Day",
                Standard(2, None, "2 business days, guaranteed"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
            ("next_day", "US"): ServiceProfile(
                "FedEx Standard Overnight",
                Standard(1, None, "next business day, guaranteed"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
            # FedEx International Economy: 2–5 business days to most countries (fedex.com service guide).
            ("international", "XB"): ServiceProfile(
                "FedEx International Economy",
                Standard(5, None, "2–5 business days"),
                MON_FRI,
                guaranteed=True,
                **_us,
            ),
        }
    ),
    # FedEx holiday schedule: Ground and Express closed New Year's Day, Memorial Day, Independence Day,
    # Labor Day, Thanksgiving and Christmas; Veterans Day and the other federal holidays are normal days
    # (fedex.com holiday schedule, secondary summaries).
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
            "CA": ALL_HOLIDAYS,
        }
    ),
    # Up to three attempts when a signature is needed, a door tag each time, then held at a FedEx
    # location for pickup for 5 business days before return (fedex.com "door tag" help; secondary).
    failed_delivery=FailedDeliveryPolicy(
        attempts=3,
        notice_left=True,
        auto_redelivery=True,
        hold_at="station",
        hold_days=5,
        hold_business_days=True,
    ),
    # Assumption inside the 0–2 h aggregator band (docs/realism.md §9) plus hours-late batches.
    visibility=VisibilityProfile(
        batch_interval_s=5 * 60,
        lag_median_s=5 * 60,
        lag_p95_s=45 * 60,
        late_batch_share=0.01,
        late_batch_s=(2 * H, 6 * H),
    ),
    # ShipMatrix December on-time 91.8–95.3 % (strict; docs/realism.md §1): below UPS.
    eta=EtaProfile(
        first_met_target=0.93,
        optimistic_share=0.04,
        pessimistic_share=0.05,
        revision_early_share=0.06,
        revision_wrong_share=0.05,
        missing_scan_after_s=1 * DAY,
        window_s=4 * H,
        window_missed_share=0.1,
    ),
    first_attempt=0.972,  # US first-attempt success (Parcel Monitor via smartroutes.io; docs/realism.md §3)
    # ShipMatrix, December, strict: 91.8 % (2024); FedEx Express 95.3 % (2025) (docs/realism.md §1)
    on_time=(0.918, 0.953),
    regional_air_hubs=MappingProxyType({"US": REGIONAL_AIR_HUBS}),
    load_plans=MappingProxyType({"US": US_LOAD_PLAN}),
    texts=MappingProxyType(
        {
            "running_late": "Delay",
            "date_updated": "Scheduled delivery date updated",
            "notice_left": "Customer not available or business closed",
            "held": "Held at FedEx location for pickup",
            "unable_to_locate": "Package not due for delivery",
        }
    ),
)
