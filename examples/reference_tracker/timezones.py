"""Local wall-clock times to instants. Some carriers write scan times in the scan's local time with
no offset (DHL Express, DPD) or give delivery windows as local times (UPS, USPS, Hermes); the
tracker then needs the place's time zone, from its country and, in North America, its state."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

_US = {
    "America/New_York": "CT DE DC FL GA ME MD MA NH NJ NY NC OH PA RI SC VT VA WV",
    "America/Detroit": "MI",
    "America/Indiana/Indianapolis": "IN",
    "America/Kentucky/Louisville": "KY",
    "America/Chicago": "AL AR IL IA KS LA MN MS MO NE ND OK SD TN TX WI",
    "America/Denver": "CO MT NM UT WY",
    "America/Boise": "ID",
    "America/Phoenix": "AZ",
    "America/Los_Angeles": "CA NV OR WA",
    "America/Anchorage": "AK",
    "Pacific/Honolulu": "HI",
    "America/Puerto_Rico": "PR",
}
_CA = {
    "America/Toronto": "ON QC",
    "America/Halifax": "NS NB PE",
    "America/St_Johns": "NL",
    "America/Winnipeg": "MB",
    "America/Regina": "SK",
    "America/Edmonton": "AB",
    "America/Vancouver": "BC",
}
STATE_ZONES: dict[tuple[str, str], str] = {
    **{("US", s): z for z, states in _US.items() for s in states.split()},
    **{("CA", s): z for z, states in _CA.items() for s in states.split()},
}
COUNTRY_ZONES: dict[str, str] = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "DE": "Europe/Berlin",
    "AT": "Europe/Vienna",
    "CH": "Europe/Zurich",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "FR": "Europe/Paris",
    "PL": "Europe/Warsaw",
    "SI": "Europe/Ljubljana",
    "GB": "Europe/London",
    "KZ": "Asia/Almaty",
    "RU": "Europe/Moscow",
}
#: ISO 3166 alpha-3 (Hermes writes ``DEU``) to alpha-2, for the countries above.
ALPHA3 = {
    "USA": "US", "CAN": "CA", "DEU": "DE", "AUT": "AT", "CHE": "CH", "NLD": "NL", "BEL": "BE",
    "FRA": "FR", "POL": "PL", "SVN": "SI", "GBR": "GB", "KAZ": "KZ", "RUS": "RU",
}  # fmt: skip


def zone_for(country: str | None, region: str | None = None) -> ZoneInfo:
    """The place's zone; UTC when the country is unknown (the tracker then errs by the offset)."""
    cc = (country or "").upper()
    cc = ALPHA3.get(cc, cc)
    name = STATE_ZONES.get((cc, (region or "").upper())) or COUNTRY_ZONES.get(cc)
    return ZoneInfo(name) if name else ZoneInfo("UTC")


def local_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall-clock time at a place, as an aware instant (already-aware ones pass)."""
    return wall if wall.tzinfo is not None else wall.replace(tzinfo=zone)


def local_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)


def utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)
