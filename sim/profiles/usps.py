"""USPS: Ground Advantage, Priority Mail and Priority Mail Express; post-office holds; Sunday delivery
of Amazon parcels; federal holidays."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.markets import DE_CARRY_OVER
from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_SAT,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    ServiceProfile,
    Standard,
    VisibilityProfile,
)

# Service standards (usps.com product pages, secondary summaries; docs/realism.md §5): Ground
# Advantage 2–5 business days, Priority Mail 1–3, Priority Mail Express overnight to 2 days (money
# back). Spread over the zones by distance (an assumption inside each published range).
GROUND_ADVANTAGE_BY_ZONE = (2, 2, 2, 3, 3, 4, 4, 5)
PRIORITY_BY_ZONE = (1, 1, 2, 2, 2, 3, 3, 3)
EXPRESS_BY_ZONE = (1, 1, 1, 1, 2, 2, 2, 2)
CUTOFF_S = 17.0 * H  # last pickup 18:00 (sim.pickups) less an hour
END_OF_DAY_S = 20 * H
# USPS delivers Amazon's parcels on Sundays (its Sunday delivery agreement with Amazon, 2013 on);
# other parcels only Monday–Saturday. Standards count Monday–Saturday delivery days.
AMAZON_SUNDAY = MappingProxyType({"amazon": frozenset({6})})
# In peak USPS adds a scheduled delivery day to its packages, but only in its own service
# measurement ("a 3-day package that took 4 days" counts as on time): management told the OIG it did
# not communicate the extra day to customers (OIG 25-036-R25, FY2025 peak 9 November – 10 January;
# Supply Chain Dive, 21 Jul 2025; docs/realism.md §2, §6). So the date a customer is shown keeps the
# standard, and no peak adjustment is published for the promise.

# Plant capacity: USPS could process ~29 M packages a day against ~24 M received off-peak (USPS OIG
# NO-AR-14-002; docs/realism.md §5): its plants sort about 1.21 normal days a day, so a peak above
# that (Cyber Week +30 %, §6) backlogs them, where the integrators add peak capacity (ups.py).
PLANT_CAPACITY_DAYS = 29.0 / 24.0

# Delivery units: a share of the parcels reaching a post office wait for the next day's tours, each
# day anew — routes that run too long (USPS's goal is 95 % of city carriers back before 17:00; an OIG
# audit found ~70 % back by 19:00 in Atlanta, some at 22:00: "Delivery Delays – Atlanta District",
# 2018) leave mail at the unit. No share is published; the world takes the German delivery bases'
# (``markets.DE_CARRY_OVER``, calibrated to the Bundesnetzagentur's tail), which puts USPS inside
# ShipMatrix's strict December band (90.4–94.1 %, on_time below; docs/realism.md §1, §10). Priority
# Mail goes out with the same letter carriers, so it is not spared (``express_couriers``).
CARRY_OVER = DE_CARRY_OVER

_us = dict(pickup_days=MON_SAT, business_days=MON_SAT, cutoff_s=CUTOFF_S, end_of_day_s=END_OF_DAY_S)

PROFILE = CarrierProfile(
    key="usps",
    name="USPS",
    countries=frozenset({"US"}),
    services=MappingProxyType(
        {
            ("ground", "US"): ServiceProfile(
                "USPS Ground Advantage",
                Standard(5, GROUND_ADVANTAGE_BY_ZONE, "2–5 business days"),
                MON_SAT,
                extra_days_for=AMAZON_SUNDAY,
                **_us,
            ),
            # the last mile of UPS Ground Saver / FedEx Ground Economy parcels handed to USPS
            ("economy", "US"): ServiceProfile(
                "USPS Ground Advantage",
                Standard(5, GROUND_ADVANTAGE_BY_ZONE, "2–5 business days"),
                MON_SAT,
                extra_days_for=AMAZON_SUNDAY,
                **_us,
            ),
            ("two_day", "US"): ServiceProfile(
                "Priority Mail",
                Standard(3, PRIORITY_BY_ZONE, "1–3 business days"),
                MON_SAT,
                extra_days_for=AMAZON_SUNDAY,
                **_us,
            ),
            ("next_day", "US"): ServiceProfile(
                "Priority Mail Express",
                Standard(2, EXPRESS_BY_ZONE, "overnight to 2-day, guaranteed"),
                MON_SAT,
                guaranteed=True,
                **_us,
            ),
            # Priority Mail International: 6–10 business days (usps.com)
            ("international", "XB"): ServiceProfile(
                "Priority Mail International", Standard(10, None, "6–10 business days"), MON_SAT, **_us
            ),
        }
    ),
    # Post offices are closed and mail is not delivered on the federal holidays, Veterans Day included
    # (usps.com "Postal holidays"; 5 U.S.C. 6103).
    closed_on=MappingProxyType({"US": ALL_HOLIDAYS}),
    # One attempt: the carrier leaves a notice (PS Form 3849) and the parcel waits at the post office;
    # no automatic second attempt — the recipient books a redelivery or collects it. Held 15 days from
    # the first notice, then returned (usps.com Redelivery help; secondary summaries).
    failed_delivery=FailedDeliveryPolicy(
        attempts=1,
        notice_left=True,
        auto_redelivery=False,
        hold_at="post_office",
        hold_days=15,
        hold_business_days=False,
    ),
    # Plants' scan feeds arrive in batches; an assumption inside the 0–2 h aggregator band
    # (docs/realism.md §9), with more hours-late batches than the integrators (the OIG's scanning
    # audits, docs/realism.md §1 row 9, §3).
    visibility=VisibilityProfile(
        batch_interval_s=15 * 60,
        lag_median_s=10 * 60,
        lag_p95_s=90 * 60,
        late_batch_share=0.015,
        late_batch_s=(2 * H, 8 * H),
    ),
    # ShipMatrix December on-time 90.4–94.1 % (strict; docs/realism.md §1): the lowest of the three.
    eta=EtaProfile(
        first_met_target=0.89,
        optimistic_share=0.06,
        pessimistic_share=0.08,
        revision_early_share=0.08,
        revision_wrong_share=0.07,
        missing_scan_after_s=2 * DAY,
        window_s=None,
        window_missed_share=0.0,
    ),
    first_attempt=0.972,  # US first-attempt success (Parcel Monitor via smartroutes.io; docs/realism.md §3)
    # ShipMatrix, December, strict: 90.4 % (2024), 94.1 % (2025) (docs/realism.md §1)
    on_time=(0.904, 0.941),
    sort_capacity_days=PLANT_CAPACITY_DAYS,
    carry_over=MappingProxyType({"US": CARRY_OVER}),
    express_couriers=False,
    texts=MappingProxyType(
        {
            "running_late": "In Transit, Arriving Late",
            "date_updated": "Expected Delivery Date Updated",
            "notice_left": "Notice Left (No Authorized Recipient Available)",
            "held": "Available for Pickup",
            "unable_to_locate": "Delivery Status Not Updated",
        }
    ),
)
