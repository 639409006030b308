"""USPS bodies back in the spec's shapes, to validate everything production does not write
differently: the deviations of ``mock_carriers/carriers/usps/wire.py`` (each listed with its
evidence in usps/FIDELITY.md) are undone, nothing else is touched."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mock_carriers.carriers.usps import wire
from tests.spec_validation import validate_response

SPEC_PATH = "/tracking/{trackingNumber}"
_FLAGS = {"true": True, "false": False}
_BOOLEANS = (
    "emailEnabled",
    "kahalaIndicator",
    "onTime",
    "proofOfDeliveryEnabled",
    "redeliveryEnabled",
    "restoreEnabled",
    "RRAMEnabled",
    "RREEnabled",
)
_CLASS_ENUM = {name: enum for enum, name in wire.MAIL_CLASS_NAMES.items()}
_TYPE_ENUM = {code: enum for enum, code in wire.MAIL_TYPES.items()}


def _event(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in event.items() if v is not None}
    out["authorizedAgent"] = _FLAGS[event["authorizedAgent"]]
    # local wall clock + GMTOffset is the instant the spec's date-time wants
    local = datetime.fromisoformat(event["eventTimestamp"] + event["GMTOffset"])
    out["eventTimestamp"] = local.isoformat()
    return out


def as_spec(body: dict[str, Any]) -> dict[str, Any]:
    """A ``TrackingDetails`` body as the spec would type it (SUMMARY bodies pass unchanged)."""
    if "trackingEvents" not in body:
        return body
    out = dict(body)
    for key in _BOOLEANS:
        if key in out:
            out[key] = _FLAGS[out[key]]
    out["mailClass"] = _CLASS_ENUM.get(out["mailClass"], out["mailClass"])
    out["mailType"] = _TYPE_ENUM.get(out["mailType"], out["mailType"])
    out["uniqueMailPieceId"] = out.pop("uniqueMailPieceID")
    out["trackingEvents"] = [_event(e) for e in body["trackingEvents"]]
    return out


def validate_tracking(body: dict[str, Any], status: int = 200) -> None:
    validate_response("usps", SPEC_PATH, "get", status, as_spec(body) if status == 200 else body)
