"""How USPS production writes values the spec types differently (issue 14 item 1).

Evidence for every choice is in FIDELITY.md ("Production, not the spec"); the strongest is karrio's
captured production body for ``9400109104250532908587`` (Nov 2024), which sends:

- booleans as strings: ``"emailEnabled": "true"``, ``"authorizedAgent": "false"``;
- ``mailClass`` as the product's display name with HTML entities
  (``"USPS Ground Advantage<SUP>&#153;</SUP>"``) and ``mailType`` ``"DM"``;
- ``uniqueMailPieceID`` (capital D);
- every event with all its keys, ``null`` where USPS has nothing (``eventCountry``, ``firm``,
  ``name``, ``additionalProp``, and city/state/ZIP of network scans);
- ``eventTimestamp`` local without offset (``2024-11-22T13:58:00``), which the spec's
  ``format: date-time`` does not allow.

Tests map these back to the spec's shapes to validate the rest (``tests/carriers/usps_spec.py``).
"""

from __future__ import annotations

#: The spec's ``mailClass`` enum value (kept internally) → the display name production sends.
#: Ground Advantage is OBS; the others follow its style with USPS's own marks (INFER).
MAIL_CLASS_NAMES: dict[str, str] = {
    "USPS_RETAIL_GROUND": "USPS Ground Advantage<SUP>&#153;</SUP>",
    "PRIORITY_MAIL": "Priority Mail<SUP>&#174;</SUP>",
    "PRIORITY_MAIL_EXPRESS": "Priority Mail Express<SUP>&#174;</SUP>",
    "PARCEL_SELECT": "Parcel Select<SUP>&#174;</SUP>",
    "PRIORITY_MAIL_INTERNATIONAL_PARCELS": "Priority Mail International<SUP>&#174;</SUP>",
}

#: ``mailType``: domestic mail is ``DM`` (OBS). No international capture was found; those keep the
#: spec's enum names (INFER).
MAIL_TYPES: dict[str, str] = {"DOMESTIC_MAIL": "DM"}

#: Every event's keys in production's order; absent values are ``null``.
EVENT_KEYS: tuple[str, ...] = (
    "eventType",
    "eventTimestamp",
    "GMTTimestamp",
    "GMTOffset",
    "eventCountry",
    "eventCity",
    "eventState",
    "eventZIP",
    "firm",
    "name",
    "authorizedAgent",
    "eventCode",
    "additionalProp",
)


def flag(value: bool) -> str:
    """A boolean the way USPS sends it: ``"true"`` / ``"false"``."""
    return "true" if value else "false"


def mail_class(spec_value: str) -> str:
    return MAIL_CLASS_NAMES.get(spec_value, spec_value)


def mail_type(spec_value: str) -> str:
    return MAIL_TYPES.get(spec_value, spec_value)
