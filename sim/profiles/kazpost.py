"""Kazpost: the last mile of cross-border items in Kazakhstan; post offices and Postamat lockers."""

from __future__ import annotations

from types import MappingProxyType

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

PROFILE = CarrierProfile(
    key="kazpost",
    name="Kazpost",
    countries=frozenset({"KZ"}),
    services=MappingProxyType(
        {
            # Domestic leg of an inbound international parcel: 3–7 days between regional centres
            # (kazpost.kz tariffs and terms, secondary); the upper bound is the standard.
            ("international", "KZ"): ServiceProfile(
                "Kazpost parcel",
                Standard(7, None, "3–7 days"),
                MON_SAT,
                pickup_days=MON_SAT,
                business_days=MON_SAT,
                cutoff_s=16.5 * H,
            ),
        }
    ),
    closed_on=MappingProxyType({"KZ": ALL_HOLIDAYS}),
    # Postal practice under the UPU Convention: a notice, the item waits at the post office (or a
    # Postamat) for the recipient — 30 calendar days for international items (an assumption at the
    # UPU's usual upper bound) — then goes back.
    failed_delivery=FailedDeliveryPolicy(
        attempts=1,
        notice_left=True,
        auto_redelivery=False,
        hold_at="post_office",
        hold_days=30,
        hold_business_days=False,
    ),
    # Assumption: the slowest feeds in the world, hours-late batches most often.
    visibility=VisibilityProfile(
        batch_interval_s=30 * 60,
        lag_median_s=20 * 60,
        lag_p95_s=100 * 60,
        late_batch_share=0.025,
        late_batch_s=(3 * H, 24 * H),
    ),
    eta=EtaProfile(
        first_met_target=0.8,
        optimistic_share=0.12,
        pessimistic_share=0.12,
        revision_early_share=0.1,
        revision_wrong_share=0.1,
        missing_scan_after_s=3 * DAY,
        window_s=None,
        window_missed_share=0.0,
    ),
    first_attempt=None,
    texts=MappingProxyType(
        {
            "running_late": "Отправление задерживается",
            "date_updated": "Срок доставки обновлён",
            "notice_left": "Извещение оставлено",
            "held": "Прибыло в отделение, ожидает получателя",
            "unable_to_locate": "Отправление разыскивается",
        }
    ),
)
