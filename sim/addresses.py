"""Recipients' addresses: many per city, drawn on demand from an index, with postcodes that belong
to the city's area and house numbers where the country writes them.

A city has ``ADDRESSES_PER_CITY`` households; household ``i`` is computed from ``(seed, city, i)``
alone (a SplitMix64 hash), so memory does not grow with volume and the same household always has
the same door. Each city draws its streets from a stream of its own, so adding a city never moves
another's addresses. Words (street names, first and last names) come from the country's Faker
locale, generated once per process from a fixed seed: a shared lexicon, not a per-world draw.
Names are first name + last name only: Faker's name formats add prefixes ("Dr.", "Prof.") to a
share of German names, which real recipient lists do not show.

Postcodes: US cities use the real ZIP codes (with centroids) inside the city's service area
(``sim/data/us_zips.csv``, from the MIT-licensed ``zipcodes`` package); streets sit around their
ZIP's centroid. Elsewhere the city's published postcode ranges are cited below, and a street's
postcode follows its position (a grid of ~2 km cells, each one code), so neighbours share codes.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from faker import Faker

from sim.places import Place
from sim.streams import ParcelRng, stream_seed

ADDRESSES_PER_CITY = 50_000  # households a city's parcels are drawn from
STREETS_PER_CITY = 400
LEXICON_SIZE = {"street": 600, "first": 300, "last": 400}
STREET_SPREAD_KM = 0.9  # a street's centre around its ZIP centroid (US), sd
STREET_LENGTH_KM = 0.6  # doors spread along a street this far either side of its centre
CELL_KM = 2.0  # postcode cells outside the US
APARTMENT_SHARE = {"US": 0.25, "CA": 0.2, "KZ": 0.5}  # addresses with a unit number

# Faker has no Kazakh locale (kk_KZ); Russian is an official language of Kazakhstan and how most
# addresses there are printed, so ru_RU stands in.
FAKER_LOCALES = {"US": "en_US", "CA": "en_CA", "DE": "de_DE", "KZ": "ru_RU", "SI": "sl_SI", "GB": "en_GB"}
FALLBACK_LOCALE = "en_US"
NUMBER_FIRST = frozenset({"US", "CA", "GB"})  # "1234 Oak St"; elsewhere "Hauptstraße 5"

# Postcode ranges per city (inclusive), outside the US. Germany: Deutsche Post's Postleitzahlen
# of each city as listed in its German Wikipedia article (e.g. Berlin 10115–14199, Hamburg
# 20095–22769, München 80331–81929). Kazakhstan: Kazpost's six-digit indices of each city (Almaty
# 050000–050063, Astana 010000–010017, Shymkent 160000–160050, Karaganda 100000–100030).
# Slovenia: Pošta Slovenije's Ljubljana codes (1000 and the districts' 1210–1261). Canada (below):
# the forward sortation areas of each city, Canada Post via Wikipedia's "List of postal codes of
# Canada: M / H / V / T".
POSTCODE_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "BER": ((10115, 14199),),
    "HAM": ((20095, 22769),),
    "MUC": ((80331, 81929),),
    "CGN": ((50667, 51149),),
    "FRA": ((60306, 60599),),
    "STR": ((70173, 70629),),
    "DUS": ((40210, 40629),),
    "LEJ": ((4103, 4357),),
    "DTM": ((44135, 44388),),
    "BRE": ((28195, 28779),),
    "DRS": ((1067, 1328),),
    "HAJ": ((30159, 30669),),
    "NUE": ((90402, 90491),),
    "ALA": ((50000, 50063),),
    "NQZ": ((10000, 10017),),
    "CIT": ((160000, 160050),),
    "KGF": ((100000, 100030),),
    "LJU": ((1000, 1000), (1210, 1211), (1231, 1231), (1260, 1261)),
}
POSTCODE_DIGITS = {"DE": 5, "KZ": 6, "SI": 4}

_TORONTO = (
    "M1B M1C M1E M1G M1H M1J M1K M1L M1M M1N M1P M1R M1S M1T M1V M1W M1X M2H M2J M2K M2L M2M M2N "
    "M2P M2R M3A M3B M3C M3H M3J M3K M3L M3M M3N M4A M4B M4C M4E M4G M4H M4J M4K M4L M4M M4N M4P "
    "M4R M4S M4T M4V M4W M4X M4Y M5A M5B M5C M5E M5G M5H M5J M5M M5N M5P M5R M5S M5T M5V M6A M6B "
    "M6C M6E M6G M6H M6J M6K M6L M6M M6N M6P M6R M6S M8V M8W M8X M8Y M8Z M9A M9B M9C M9L M9M M9N "
    "M9P M9R M9V M9W"
)
_MONTREAL = (
    "H1A H1B H1C H1E H1G H1H H1J H1K H1L H1M H1N H1P H1R H1S H1T H1V H1W H1X H1Y H1Z H2A H2B H2C "
    "H2E H2G H2H H2J H2K H2L H2M H2N H2P H2R H2S H2T H2V H2W H2X H2Y H2Z H3A H3B H3C H3E H3G H3H "
    "H3J H3K H3L H3M H3N H3P H3R H3S H3T H3V H3W H3X H3Y H3Z H4A H4B H4C H4E H4G H4H H4J H4K H4L "
    "H4M H4N H4P H4R H4S H4T H4V H4W H4X H4Y H4Z"
)
_VANCOUVER = (
    "V5K V5L V5M V5N V5P V5R V5S V5T V5V V5W V5X V5Y V5Z V6A V6B V6C V6E V6G V6H V6J V6K V6L V6M "
    "V6N V6P V6R V6S V6T V6Z"
)
_CALGARY = (
    "T1Y T2A T2B T2C T2E T2G T2H T2J T2K T2L T2M T2N T2P T2R T2S T2T T2V T2W T2X T2Y T2Z T3A T3B "
    "T3C T3E T3G T3H T3J T3K T3L T3M T3N T3P T3R T3S T3Z"
)
FSAS: dict[str, tuple[str, ...]] = {
    "YYZ": tuple(_TORONTO.split()),
    "YUL": tuple(_MONTREAL.split()),
    "YVR": tuple(_VANCOUVER.split()),
    "YYC": tuple(_CALGARY.split()),
}
_LDU_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # letters Canada Post uses in a postal code

Address = tuple[str, str, float, float, str]  # street line, name, lat, lon, postcode
Street = tuple[str, str, float, float]  # name, postcode, lat, lon

_MASK = (1 << 64) - 1
_HOUSE = re.compile(r"(\d+)")


def service_radius_km(place: Place) -> float:
    """The radius of a city's delivery area: larger for larger metros (10 km plus 4 km per
    square root of its population in millions; ~28 km for New York, ~14 km for Boise)."""
    return 10.0 + 4.0 * math.sqrt(max(0.0, place.population))


def service_area_km2(place: Place) -> float:
    return math.pi * service_radius_km(place) ** 2


def _hash(seed: int, i: int) -> int:
    """SplitMix64 of ``seed + i``: household ``i``'s own bits."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


Names = tuple[tuple[str, ...], tuple[str, ...]]  # first names, last names of one gender


def plain_name(name: str) -> bool:
    """A name as people write it on a parcel: words with lower-case letters, no title, no
    generational suffix ("Dr.", "Prof.", "II", "MBA")."""
    words = re.split(r"[ -]", name)
    return all(w and "." not in w and any(ch.islower() for ch in w) for w in words)


def _unique(draw: Callable[[], str], n: int, keep: Callable[[str], bool] = bool) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in (draw() for _ in range(n)) if keep(w)))


@cache
def lexicon(locale: str) -> tuple[tuple[str, ...], tuple[Names, Names]]:
    """Street names and (female, male) first and last names of a locale (fixed seed; once per
    process). Last names are drawn per gender: Russian and Slovene surnames agree with it."""
    fk = Faker(locale)
    fk.seed_instance(stream_seed(0, f"lexicon:{locale}"))
    n = LEXICON_SIZE
    streets = _unique(fk.street_name, n["street"])
    female = (
        _unique(fk.first_name_female, n["first"], plain_name),
        _unique(fk.last_name_female, n["last"], plain_name),
    )
    male = (
        _unique(fk.first_name_male, n["first"], plain_name),
        _unique(fk.last_name_male, n["last"], plain_name),
    )
    return streets, (female, male)


@cache
def us_zips() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """Real ZIP codes (code, lat, lon) per US metro key."""
    out: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    with (Path(__file__).parent / "data" / "us_zips.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["metro"]].append((row["zip"], float(row["lat"]), float(row["lon"])))
    return {k: tuple(v) for k, v in out.items()}


def postcode_in_ranges(ranges: tuple[tuple[int, int], ...], digits: int, u: float) -> str:
    """A postcode from a city's ranges (uniform over all codes in them), zero-padded."""
    sizes = [hi - lo + 1 for lo, hi in ranges]
    k = min(sum(sizes) - 1, int(u * sum(sizes)))
    for (lo, _), n in zip(ranges, sizes, strict=True):
        if k < n:
            return str(lo + k).zfill(digits)
        k -= n
    raise AssertionError("unreachable")


def canadian_postcode(fsa: str, rng: ParcelRng) -> str:
    """An FSA plus a local delivery unit (digit, letter, digit), printed "M5H 2N2"."""
    return f"{fsa} {rng.randrange(10)}{_LDU_LETTERS[rng.randrange(len(_LDU_LETTERS))]}{rng.randrange(10)}"


def _km_to_deg(lat: float, dn_km: float, de_km: float) -> tuple[float, float]:
    return dn_km / 111.2, de_km / (111.2 * math.cos(math.radians(lat)))


@dataclass(frozen=True, slots=True)
class City:
    """One city's streets and the seed its households are hashed from."""

    place: Place
    seed: int
    streets: tuple[Street, ...]
    locale: str


@lru_cache(maxsize=256)
def city(seed: int, place: Place) -> City:
    """A city's streets, from a stream of its own (``addresses:<key>``)."""
    rng = ParcelRng(stream_seed(seed, f"addresses:{place.key}"))
    locale = FAKER_LOCALES.get(place.country, FALLBACK_LOCALE)
    names, _ = lexicon(locale)
    radius = service_radius_km(place)
    zips = us_zips().get(place.key) if place.country == "US" else None
    cells: dict[tuple[int, int], str] = {}
    streets: list[Street] = []
    for _ in range(STREETS_PER_CITY):
        name = names[rng.randrange(len(names))]
        if zips:
            code, lat0, lon0 = zips[rng.randrange(len(zips))]
            dlat, dlon = _km_to_deg(lat0, rng.gauss(0, STREET_SPREAD_KM), rng.gauss(0, STREET_SPREAD_KM))
            streets.append((name, code, lat0 + dlat, lon0 + dlon))
            continue
        # uniform over the disc: radius ∝ sqrt(u)
        r = radius * math.sqrt(rng.random())
        a = 2 * math.pi * rng.random()
        dn, de = r * math.cos(a), r * math.sin(a)
        cell = (math.floor(dn / CELL_KM), math.floor(de / CELL_KM))
        code = cells.get(cell)
        if code is None:
            code = cells[cell] = _postcode(place, rng)
        dlat, dlon = _km_to_deg(place.lat, dn, de)
        streets.append((name, code, place.lat + dlat, place.lon + dlon))
    return City(place, stream_seed(seed, f"households:{place.key}"), tuple(streets), locale)


def _postcode(place: Place, rng: ParcelRng) -> str:
    if place.key in FSAS:
        fsas = FSAS[place.key]
        return canadian_postcode(fsas[rng.randrange(len(fsas))], rng)
    ranges = POSTCODE_RANGES.get(place.key)
    if ranges is None:
        return place.postal_code
    return postcode_in_ranges(ranges, POSTCODE_DIGITS.get(place.country, 5), rng.random())


def house_number(country: str, u: float) -> int:
    """A house number: US/Canadian street numbers run into the thousands; European ones are small
    (most German houses are below 60). Skewed towards low numbers either way."""
    top = 9999 if country in NUMBER_FIRST else 180
    return 1 + int(top * u * u)


def street_line(country: str, street: str, number: int, unit: int | None) -> str:
    """The first address line as the country writes it."""
    if country == "KZ":
        line = f"{street}, д. {number}"
        return f"{line}, кв. {unit}" if unit else line
    if country in NUMBER_FIRST:
        line = f"{number} {street}"
        return f"{line} Apt {unit}" if unit else line
    return f"{street} {number}"


def household(c: City, i: int) -> Address:
    """Household ``i`` of a city: its street line, resident, door position and postcode."""
    rng = ParcelRng(_hash(c.seed, i))
    j = rng.randrange(len(c.streets))
    name, code, lat, lon = c.streets[j]
    _, genders = lexicon(c.locale)
    first, last = genders[rng.randrange(2)]
    country = c.place.country
    number = house_number(country, rng.random())
    unit = 1 + rng.randrange(40) if rng.random() < APARTMENT_SHARE.get(country, 0.0) else None
    person = f"{first[rng.randrange(len(first))]} {last[rng.randrange(len(last))]}"
    along = (2 * rng.random() - 1) * STREET_LENGTH_KM
    heading = 2 * math.pi * (_hash(c.seed, -1 - j) % 3600) / 3600  # the street's own direction
    dlat, dlon = _km_to_deg(lat, along * math.cos(heading), along * math.sin(heading))
    return street_line(country, name, number, unit), person, lat + dlat, lon + dlon, code


def neighbour_line(line: str) -> str:
    """The same street two doors on: the house number + 2, wherever the country writes it (first
    in "1234 Oak St", after the street in "Hauptstraße 5", after "д." in "ул. Абая, д. 5")."""
    numbers = list(_HOUSE.finditer(line))
    if not numbers:
        return f"{line} A"
    m = numbers[0] if line[:1].isdigit() else _house_after_street(line, numbers)
    return f"{line[: m.start()]}{int(m.group(1)) + 2}{line[m.end() :]}"


def _house_after_street(line: str, numbers: list[re.Match[str]]) -> re.Match[str]:
    marker = line.find("д. ")
    if marker >= 0:
        for m in numbers:
            if m.start() >= marker:
                return m
    # "Hauptstraße 5", "Straße des 17. Juni 5", "Zarnikova ulica 12": the last number
    return numbers[-1]
