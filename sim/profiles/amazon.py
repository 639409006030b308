"""Amazon Logistics / Amazon Shipping: same-day, next-day, two-day and ground, seven days a week."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.types import (
    DAY,
    EVERY_DAY,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    ServiceProfile,
    Standard,
    VisibilityProfile,
)

END_OF_DAY_S = 22 * H  # Amazon couriers deliver until 22:00 (sim.courier_routes)
SAME_DAY_CUTOFF_S = 12 * H  # same-day orders until noon at the warehouse (sim.same_day)
CUTOFF_S = 20 * H  # Amazon's own trailers leave every four hours (sim.pickups); evening orders roll over

# Amazon delivers seven days a week and counts every day (amazon.com delivery help: "Amazon
# Logistics delivers 7 days a week"); its promises are calendar days.
# Amazon publishes no zone table: each order is shown a delivery date at checkout that its network
# plans for it (amazon.com "Delivery date" help: "the delivery date shown at checkout"): the
# advertised days below, or later where its plan for the order cannot make them.
_all = dict(pickup_days=EVERY_DAY, business_days=EVERY_DAY, end_of_day_s=END_OF_DAY_S, promise_from_plan=True)

PROFILE = CarrierProfile(
    key="amazon",
    name="Amazon",
    countries=frozenset({"US"}),
    services=MappingProxyType(
        {
            ("same_day", "US"): ServiceProfile(
                "Amazon Same-Day",
                Standard(0, None, "today, ordered by noon"),
                EVERY_DAY,
                cutoff_s=SAME_DAY_CUTOFF_S,
                **_all,
            ),
            ("next_day", "US"): ServiceProfile(
                "Amazon One-Day", Standard(1, None, "tomorrow"), EVERY_DAY, cutoff_s=CUTOFF_S, **_all
            ),
            ("two_day", "US"): ServiceProfile(
                "Amazon Prime Two-Day", Standard(2, None, "2 days"), EVERY_DAY, cutoff_s=CUTOFF_S, **_all
            ),
            # Amazon Shipping Ground: 2–5 days (Amazon Shipping service page, secondary)
            ("ground", "US"): ServiceProfile(
                "Amazon Shipping Ground", Standard(5, None, "2–5 days"), EVERY_DAY, cutoff_s=CUTOFF_S, **_all
            ),
        }
    ),
    # Amazon delivers on most holidays; Christmas Day is its one day without regular deliveries
    # (an assumption from Amazon's holiday delivery notices, secondary).
    closed_on=MappingProxyType({"US": frozenset({"us.christmas"})}),
    # Up to three attempts on the following days, then back to the shipper; a chosen Amazon Hub Locker
    # keeps a parcel 3 calendar days (amazon.com "Amazon Hub Locker" help, secondary).
    failed_delivery=FailedDeliveryPolicy(
        attempts=3,
        notice_left=False,
        auto_redelivery=True,
        hold_at="locker",
        hold_days=3,
        hold_business_days=False,
        hold_after_last=False,
    ),
    # Drivers' app scans stream live; an assumption inside the aggregator band (docs/realism.md §9).
    visibility=VisibilityProfile(
        batch_interval_s=2 * 60,
        lag_median_s=2 * 60,
        lag_p95_s=20 * 60,
        late_batch_share=0.006,
        late_batch_s=(2 * H, 4 * H),
    ),
    # ShipMatrix Thanksgiving week: Amazon drivers 98.2 % (docs/realism.md §2); the estimate is the
    # promise itself, revised to "running late" the evening it is missed.
    eta=EtaProfile(
        first_met_target=0.94,
        optimistic_share=0.03,
        pessimistic_share=0.04,
        revision_early_share=0.03,
        revision_wrong_share=0.04,
        missing_scan_after_s=0.5 * DAY,
        window_s=4 * H,
        window_missed_share=0.08,
    ),
    first_attempt=0.972,  # US first-attempt success (Parcel Monitor via smartroutes.io; docs/realism.md §3)
    # ShipMatrix, Thanksgiving week 2019: Amazon drivers 98.2 % (docs/realism.md §2)
    on_time=(0.982, 0.982),
    texts=MappingProxyType(
        {
            "running_late": "Running late",
            "date_updated": "Delivery date updated",
            "notice_left": "Delivery attempted",
            "held": "Available for pickup",
            "unable_to_locate": "Package may be lost",
        }
    ),
)
