"""Canada Post: the last mile of US postal items in Canada; notice cards and post-office holds."""

from __future__ import annotations

from types import MappingProxyType

from sim.profiles.types import (
    ALL_HOLIDAYS,
    DAY,
    MON_FRI,
    CarrierProfile,
    EtaProfile,
    FailedDeliveryPolicy,
    H,
    ServiceProfile,
    Standard,
    VisibilityProfile,
)

PROFILE = CarrierProfile(
    key="canadapost",
    name="Canada Post",
    countries=frozenset({"CA"}),
    services=MappingProxyType(
        {
            # Expedited Parcel: 1–7 business days by lane (canadapost.ca delivery standards); the
            # world's partner leg is inside Canada, modelled with the upper bound between its metros.
            ("international", "CA"): ServiceProfile(
                "Expedited Parcel", Standard(4, None, "1–7 business days"), MON_FRI, cutoff_s=17.0 * H
            ),
        }
    ),
    # Canada Post does not deliver on the statutory holidays, Remembrance Day included.
    closed_on=MappingProxyType({"CA": ALL_HOLIDAYS}),
    # "Notice left": a delivery notice card and the item goes to a post office; no second attempt
    # (canadapost.ca "What does Notice left mean"); held 15 calendar days, then returned
    # (canadapost.ca help, an assumption on the exact days).
    failed_delivery=FailedDeliveryPolicy(
        attempts=1,
        notice_left=True,
        auto_redelivery=False,
        hold_at="post_office",
        hold_days=15,
        hold_business_days=False,
    ),
    # Assumption: postal feeds, slower than the integrators (docs/realism.md §9).
    visibility=VisibilityProfile(
        batch_interval_s=30 * 60,
        lag_median_s=15 * 60,
        lag_p95_s=90 * 60,
        late_batch_share=0.02,
        late_batch_s=(2 * H, 12 * H),
    ),
    eta=EtaProfile(
        first_met_target=0.85,
        optimistic_share=0.08,
        pessimistic_share=0.1,
        revision_early_share=0.08,
        revision_wrong_share=0.08,
        missing_scan_after_s=2 * DAY,
        window_s=None,
        window_missed_share=0.0,
    ),
    first_attempt=None,
    texts=MappingProxyType(
        {
            "running_late": "Delivery may be delayed",
            "date_updated": "Expected delivery date updated",
            "notice_left": "Notice card left indicating where item can be picked up",
            "held": "Item available for pickup at Post Office",
            "unable_to_locate": "Item being investigated",
        }
    ),
)
