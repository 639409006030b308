"""Public holidays of the countries the world ships in, computed by rule for any year.

Each holiday has a stable key (``us.veterans_day``, ``de.buss_und_bettag``) so a carrier's calendar
(``sim.calendars``) can say which ones it works. Rules and sources (docs/realism.md §10):

- US: the eleven federal holidays of 5 U.S.C. 6103(a); a Saturday holiday is observed on the Friday
  before, a Sunday one on the Monday after (5 U.S.C. 6103(b), Executive Order 11582).
- DE: the nine national holidays and the Länder holidays (Feiertagsgesetze of the Länder, as
  summarised by the Federal Ministry of the Interior); a Sunday holiday is not moved.
  Mariä Himmelfahrt (15 Aug) is left out for BY, where it holds only in communes with a Catholic
  majority, and Fronleichnam for SN, where it holds only in some communes.
- CA: the federal statutory holidays of the Canada Labour Code (s. 166) and the provinces' own
  (Family Day in ON, BC, AB; Fête nationale in QC); a weekend holiday gives the next free weekday
  off (the federal public service's practice).
- SI: Zakon o praznikih in dela prostih dnevih v RS (Jan 2 restored from 2017).
- KZ: Labour Code art. 84 and the Law on holidays (Oct 25 restored, Dec 17 dropped, from 2022); a
  holiday on a day off moves to the next working day. Kurban Ait, whose date follows the lunar
  calendar and is set each year by decree, is not included.

Easter comes from the Gregorian computus (Anonymous / Meeus–Jones–Butcher algorithm).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

Holidays = dict[date, str]  # date -> holiday key


def easter_sunday(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the Meeus–Jones–Butcher computus."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month; ``n = -1`` is the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _us_observed(d: date) -> date:
    return d - timedelta(days=1) if d.weekday() == 5 else d + timedelta(days=1) if d.weekday() == 6 else d


def _us(year: int, region: str) -> Holidays:
    days = {
        "us.new_year": date(year, 1, 1),
        "us.mlk_day": nth_weekday(year, 1, 0, 3),
        "us.washington_birthday": nth_weekday(year, 2, 0, 3),
        "us.memorial_day": nth_weekday(year, 5, 0, -1),
        "us.independence_day": date(year, 7, 4),
        "us.labor_day": nth_weekday(year, 9, 0, 1),
        "us.columbus_day": nth_weekday(year, 10, 0, 2),
        "us.veterans_day": date(year, 11, 11),
        "us.thanksgiving": nth_weekday(year, 11, 3, 4),
        "us.christmas": date(year, 12, 25),
    }
    if year >= 2021:  # Juneteenth National Independence Day Act, 17 June 2021
        days["us.juneteenth"] = date(year, 6, 19)
    out: Holidays = {}
    for key, d in days.items():
        out[d] = key
        out.setdefault(_us_observed(d), key)  # the observed weekday (a Saturday keeps its own day too)
    # New Year's Day of next year observed on 31 Dec when 1 Jan falls on a Saturday
    if date(year + 1, 1, 1).weekday() == 5:
        out[date(year, 12, 31)] = "us.new_year"
    return out


#: German Länder holidays: key -> Länder (ISO 3166-2:DE suffixes) that keep it.
DE_LAENDER: dict[str, frozenset[str]] = {
    "de.heilige_drei_koenige": frozenset({"BW", "BY", "ST"}),
    "de.frauentag": frozenset({"BE", "MV"}),  # BE since 2019, MV since 2023
    "de.fronleichnam": frozenset({"BW", "BY", "HE", "NW", "RP", "SL"}),
    "de.mariae_himmelfahrt": frozenset({"SL"}),
    "de.weltkindertag": frozenset({"TH"}),
    # HB, HH, NI and SH since 2018
    "de.reformationstag": frozenset({"BB", "MV", "SN", "ST", "TH", "HB", "HH", "NI", "SH"}),
    "de.allerheiligen": frozenset({"BW", "BY", "NW", "RP", "SL"}),
    "de.buss_und_bettag": frozenset({"SN"}),
}


def _de(year: int, region: str) -> Holidays:
    easter = easter_sunday(year)
    national = {
        "de.neujahr": date(year, 1, 1),
        "de.karfreitag": easter - timedelta(days=2),
        "de.ostermontag": easter + timedelta(days=1),
        "de.tag_der_arbeit": date(year, 5, 1),
        "de.christi_himmelfahrt": easter + timedelta(days=39),
        "de.pfingstmontag": easter + timedelta(days=50),
        "de.deutsche_einheit": date(year, 10, 3),
        "de.weihnachten_1": date(year, 12, 25),
        "de.weihnachten_2": date(year, 12, 26),
    }
    regional = {
        "de.heilige_drei_koenige": date(year, 1, 6),
        "de.frauentag": date(year, 3, 8),
        "de.fronleichnam": easter + timedelta(days=60),
        "de.mariae_himmelfahrt": date(year, 8, 15),
        "de.weltkindertag": date(year, 9, 20),
        "de.reformationstag": date(year, 10, 31),
        "de.allerheiligen": date(year, 11, 1),
        # the Wednesday before 23 November (the last Sunday before Advent minus four days)
        "de.buss_und_bettag": date(year, 11, 22) - timedelta(days=(date(year, 11, 22).weekday() - 2) % 7),
    }
    out = {d: k for k, d in national.items()}
    for key, d in regional.items():
        if region in DE_LAENDER[key]:
            out[d] = key
    return out


def _ca(year: int, region: str) -> Holidays:
    easter = easter_sunday(year)
    may_25 = date(year, 5, 25)
    days = {
        "ca.new_year": date(year, 1, 1),
        "ca.good_friday": easter - timedelta(days=2),
        "ca.victoria_day": may_25 - timedelta(days=may_25.weekday() or 7),  # the Monday before 25 May
        "ca.canada_day": date(year, 7, 1),
        "ca.labour_day": nth_weekday(year, 9, 0, 1),
        "ca.thanksgiving": nth_weekday(year, 10, 0, 2),
        "ca.remembrance_day": date(year, 11, 11),
        "ca.christmas": date(year, 12, 25),
        "ca.boxing_day": date(year, 12, 26),
    }
    if year >= 2021:
        days["ca.truth_and_reconciliation"] = date(year, 9, 30)
    if region in ("ON", "BC", "AB"):
        days["ca.family_day"] = nth_weekday(year, 2, 0, 3)
    if region == "QC":
        days["ca.fete_nationale"] = date(year, 6, 24)
    return _with_weekend_moves(list(days.items()))


def _si(year: int, region: str) -> Holidays:
    easter = easter_sunday(year)
    days = {
        "si.novo_leto_1": date(year, 1, 1),
        "si.presernov_dan": date(year, 2, 8),
        "si.velika_noc": easter,
        "si.velikonocni_ponedeljek": easter + timedelta(days=1),
        "si.dan_upora": date(year, 4, 27),
        "si.praznik_dela_1": date(year, 5, 1),
        "si.praznik_dela_2": date(year, 5, 2),
        "si.binkosti": easter + timedelta(days=49),
        "si.dan_drzavnosti": date(year, 6, 25),
        "si.marijino_vnebovzetje": date(year, 8, 15),
        "si.dan_reformacije": date(year, 10, 31),
        "si.dan_spomina_na_mrtve": date(year, 11, 1),
        "si.bozic": date(year, 12, 25),
        "si.dan_samostojnosti": date(year, 12, 26),
    }
    if year >= 2017:
        days["si.novo_leto_2"] = date(year, 1, 2)
    return {d: k for k, d in days.items()}


def _kz(year: int, region: str) -> Holidays:
    days = [
        ("kz.new_year_1", date(year, 1, 1)),
        ("kz.new_year_2", date(year, 1, 2)),
        ("kz.christmas_orthodox", date(year, 1, 7)),
        ("kz.womens_day", date(year, 3, 8)),
        ("kz.nauryz_1", date(year, 3, 21)),
        ("kz.nauryz_2", date(year, 3, 22)),
        ("kz.nauryz_3", date(year, 3, 23)),
        ("kz.unity_day", date(year, 5, 1)),
        ("kz.defender_day", date(year, 5, 7)),
        ("kz.victory_day", date(year, 5, 9)),
        ("kz.capital_day", date(year, 7, 6)),
        ("kz.constitution_day", date(year, 8, 30)),
        ("kz.independence_day", date(year, 12, 16)),
    ]
    if year >= 2022:
        days.append(("kz.republic_day", date(year, 10, 25)))
    else:
        days.append(("kz.independence_day_2", date(year, 12, 17)))
    # Orthodox Christmas is a holiday but not a day off that moves (Labour Code art. 84)
    return _with_weekend_moves(days, fixed=frozenset({"kz.christmas_orthodox"}))


def _with_weekend_moves(days: list[tuple[str, date]], fixed: frozenset[str] = frozenset()) -> Holidays:
    """The holidays, plus for each one on a Saturday or Sunday the next weekday that is not already
    a holiday (how Canada and Kazakhstan give the day off back)."""
    out: Holidays = {d: k for k, d in days}
    for key, d in sorted(days, key=lambda kv: kv[1]):
        if d.weekday() >= 5 and key not in fixed:
            moved = d + timedelta(days=1)
            while moved.weekday() >= 5 or moved in out:
                moved += timedelta(days=1)
            out[moved] = key
    return out


_RULES: dict[str, Callable[[int, str], Holidays]] = {"US": _us, "DE": _de, "CA": _ca, "SI": _si, "KZ": _kz}
COUNTRIES: tuple[str, ...] = tuple(_RULES)


@cache
def public_holidays(country: str, region: str, year: int) -> Mapping[date, str]:
    """The public holidays (date -> key) of ``country``/``region`` in ``year``, observed days
    included; an unknown country has none (a carrier's own weekdays still apply)."""
    rule = _RULES.get(country)
    return MappingProxyType(rule(year, region) if rule else {})


def holiday(country: str, region: str, day: date) -> str | None:
    """The key of the public holiday on ``day`` there, or None."""
    return public_holidays(country, region, day.year).get(day)
