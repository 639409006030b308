"""Ship24's request bodies, checked as its API checks them: the tracker creation payload (``POST
/public/v1/trackers``, ``/trackers/track``, each item of ``/trackers/bulk``), the per-call search
and the tracker update [SPEC ``tracker-create-request``, ``PATCH /public/v1/trackers/{trackerId}``].

Every problem is reported at once, one ``validation_error`` each, as the docs' example does for
two problems of one field [DOCS docs.ship24.com/errors]. Fields the API does not know are ignored.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime
from typing import Any

from . import errors

NUMBER_PATTERN = re.compile(r"^[a-zA-Z0-9\-_/.]*$")
COUNTRY_PATTERN = re.compile(r"^[A-Za-z]{2,3}$")
MAX_COURIERS = 3
#: Optional string fields of the creation payload, in the spec's order.
TEXT_FIELDS = (
    "shipmentReference",
    "clientTrackerId",
    "destinationPostCode",
    "courierName",
    "trackingUrl",
    "orderNumber",
    "title",
)
#: Fields a tracker update may change [SPEC]; all but ``isSubscribed`` only before results exist.
SHIPMENT_FIELDS = (
    "courierCode",
    "originCountryCode",
    "destinationCountryCode",
    "destinationPostCode",
    "shippingDate",
)


def dummy(number: str) -> bool:
    """ "Dummy patterns and consecutive numbers" [SPEC message]: one character repeated, or a run
    of consecutive digits."""
    if len(set(number.upper())) == 1:
        return True
    if number.isdigit():
        steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(number)}
        return steps in ({1}, {9})
    return False


def check_number(value: Any) -> str | None:
    """The problem with a ``trackingNumber``, or None."""
    if not isinstance(value, str) or not 5 <= len(value) <= 50 or not NUMBER_PATTERN.match(value):
        return errors.INVALID_NUMBER
    if dummy(value):
        return errors.INVALID_NUMBER
    return None


def _country(name: str, value: Any, problems: list[str]) -> str | None:
    if not isinstance(value, str) or len(value) not in (2, 3):
        problems.append(f"Please make sure that {name} contains only 2 or 3 characters.")
        return None
    if not COUNTRY_PATTERN.match(value):
        problems.append(
            f"Please make sure that {name} is a valid country code and is in ISO 3166-1 alpha-2 or "
            "alpha-3 format."
        )
        return None
    return value.upper()


def _date(value: Any, problems: list[str]) -> str | None:
    """``shippingDate``: a date or a date-time, with or without an offset [SPEC examples]."""
    if isinstance(value, str) and value.strip():
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value
        except ValueError:
            pass
    problems.append("Please make sure that shippingDate is a valid date in ISO 8601 format.")
    return None


def _couriers(value: Any, problems: list[str]) -> list[str] | None:
    codes = [value] if isinstance(value, str) else value
    if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
        problems.append("Please make sure that courierCode is a string or an array of strings.")
        return None
    if len(codes) > MAX_COURIERS:
        problems.append(f"Please make sure that courierCode contains at most {MAX_COURIERS} couriers.")
        return None
    return list(dict.fromkeys(codes))


def _shipment_fields(raw: dict[str, Any], out: dict[str, Any], problems: list[str]) -> None:
    for name in ("originCountryCode", "destinationCountryCode"):
        if name in raw:
            out[name] = _country(name, raw[name], problems)
    if "destinationPostCode" in raw:
        _text("destinationPostCode", raw["destinationPostCode"], out, problems)
    if "shippingDate" in raw:
        out["shippingDate"] = _date(raw["shippingDate"], problems)
    if "courierCode" in raw:
        out["courierCode"] = _couriers(raw["courierCode"], problems)


def _text(name: str, value: Any, out: dict[str, Any], problems: list[str]) -> None:
    if isinstance(value, str):
        out[name] = value
    else:
        problems.append(f"Please make sure that {name} is a string.")


def parse_create(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """The creation payload as the tracker keeps it, and the problems found (none: valid)."""
    if not isinstance(raw, dict):
        return {}, ["The request body must be a JSON object."]
    problems: list[str] = []
    out: dict[str, Any] = {}
    number_problem = check_number(raw.get("trackingNumber"))
    if number_problem:
        problems.append(number_problem)
    else:
        out["trackingNumber"] = raw["trackingNumber"]
    for name in TEXT_FIELDS:
        if name in raw and name != "destinationPostCode":
            _text(name, raw[name], out, problems)
    _shipment_fields(raw, out, problems)
    recipient = raw.get("recipient")
    if recipient is not None:
        if not isinstance(recipient, dict) or not all(
            isinstance(recipient.get(k, ""), str) for k in ("email", "name")
        ):
            problems.append("Please make sure that recipient is an object with a string email and name.")
        else:
            out["recipient"] = {k: recipient[k] for k in ("email", "name") if k in recipient}
    settings = raw.get("settings")
    if settings is not None:
        restrict = (
            settings.get("restrictTrackingToCourierCode", False) if isinstance(settings, dict) else None
        )
        if not isinstance(restrict, bool):
            problems.append("Please make sure that settings.restrictTrackingToCourierCode is a boolean.")
        else:
            out["settings"] = {"restrictTrackingToCourierCode": restrict}
    return out, problems


def parse_update(raw: Any) -> tuple[dict[str, Any], list[str]]:
    """A tracker update: ``isSubscribed`` and the shipment fields."""
    if not isinstance(raw, dict):
        return {}, ["The request body must be a JSON object."]
    problems: list[str] = []
    out: dict[str, Any] = {}
    if "isSubscribed" in raw:
        if isinstance(raw["isSubscribed"], bool):
            out["isSubscribed"] = raw["isSubscribed"]
        else:
            problems.append("Please make sure that isSubscribed is a boolean.")
    _shipment_fields(raw, out, problems)
    return out, problems
