"""What goes wrong, how often: per-parcel (or per-transfer, per-trip) probabilities of loss,
misdelivery, damage, failed attempts and the rest, and what follows a failed attempt.

The draws themselves are ``sim.incidents``'s; these are only the rates.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.fields import StrictModel


class AfterFailedAttempt(StrictModel):
    retry: float = Field(0.70, ge=0, le=1, description="Redelivery on the next delivery day.")
    pickup_point: float = Field(0.25, ge=0, le=1, description="Held at a pickup point / locker.")
    return_to_sender: float = Field(0.05, ge=0, le=1, description="Sent back to the shipper at once.")

    @model_validator(mode="after")
    def _sums(self) -> AfterFailedAttempt:
        total = self.retry + self.pickup_point + self.return_to_sender
        if abs(total - 1) > 1e-6:
            raise ValueError(f"retry + pickup_point + return_to_sender must sum to 1 (got {total:g})")
        return self


class IncidentRates(StrictModel):
    """Per-parcel probabilities. Defaults follow docs/realism.md §9."""

    loss: float = Field(0.002, ge=0, le=1, description="Lost in the network (scans stop).")
    lost_exception_share: float = Field(
        0.5, ge=0, le=1, description="Share of lost parcels the carrier later flags 'unable to locate'."
    )
    misdelivery: float = Field(0.004, ge=0, le=1, description="DELIVERED scan at the wrong address.")
    damage: float = Field(0.005, ge=0, le=1, description="Contents damaged in a hub.")
    failed_attempt: float = Field(0.045, ge=0, le=1, description="A delivery attempt fails.")
    address_error: float = Field(0.003, ge=0, le=1, description="Address unusable: exception/return.")
    address_corrected_share: float = Field(
        0.5, ge=0, le=1, description="Address issues fixed by the carrier."
    )
    missed_connection: float = Field(0.008, ge=0, le=1, description="Per hub transfer: misses its trailer.")
    breakdown: float = Field(0.002, ge=0, le=1, description="Per line-haul trip: breakdown (2-8 h).")
    customs_hold: float = Field(0.08, ge=0, le=1, description="Cross-border parcels held in customs.")
    pickup_point_choice: float = Field(0.03, ge=0, le=1, description="Recipients shipping to a locker.")
    unclaimed: float = Field(0.05, ge=0, le=1, description="Pickup-point parcels never collected.")
    after_failed_attempt: AfterFailedAttempt = Field(
        default_factory=AfterFailedAttempt, description="What happens after a failed attempt (shares)."
    )
    max_attempts: int | None = Field(
        None,
        ge=1,
        le=5,
        description="Delivery attempts before the parcel is held or returned, for every carrier "
        "(default: each carrier's own policy, sim/profiles).",
    )
