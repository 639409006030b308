"""Real places the network is built on: cities with coordinates, postal codes and IANA time zones.

Sources: coordinates are city-centre points as published by the US Census Bureau Gazetteer and
GeoNames (rounded to 4 decimals); metro populations (millions) are the US Census Bureau 2020
metropolitan statistical area counts, Statistics Canada 2021 census metropolitan areas, and city
populations from Destatis (2022), the Kazakh Bureau of National Statistics (2023) and SURS
(Slovenia, 2023), rounded — they only weight where parcels go. Places with population 0 are
logistics towns that host hubs (Hodgkins IL, Ontario CA, Hebron KY, Haldensleben ST) rather than demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    city: str
    region: str
    country: str
    postal_code: str
    lat: float
    lon: float
    tz: str
    population: float  # metro population in millions; 0 = hub town, no own demand

    @property
    def zone(self) -> ZoneInfo:
        return zone(self.tz)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# key, city, region, country, postal code, lat, lon, tz, metro population (M)
_TABLE: tuple[tuple[str, str, str, str, str, float, float, str, float], ...] = (
    ("NYC", "New York", "NY", "US", "10001", 40.7128, -74.0060, "America/New_York", 19.5),
    ("LAX", "Los Angeles", "CA", "US", "90012", 34.0522, -118.2437, "America/Los_Angeles", 12.8),
    ("CHI", "Chicago", "IL", "US", "60601", 41.8781, -87.6298, "America/Chicago", 9.3),
    ("DFW", "Dallas", "TX", "US", "75201", 32.7767, -96.7970, "America/Chicago", 7.9),
    ("HOU", "Houston", "TX", "US", "77002", 29.7604, -95.3698, "America/Chicago", 7.3),
    ("WAS", "Washington", "DC", "US", "20001", 38.9072, -77.0369, "America/New_York", 6.3),
    ("PHL", "Philadelphia", "PA", "US", "19107", 39.9526, -75.1652, "America/New_York", 6.2),
    ("MIA", "Miami", "FL", "US", "33130", 25.7617, -80.1918, "America/New_York", 6.1),
    ("ATL", "Atlanta", "GA", "US", "30303", 33.7490, -84.3880, "America/New_York", 6.2),
    ("BOS", "Boston", "MA", "US", "02108", 42.3601, -71.0589, "America/New_York", 4.9),
    ("PHX", "Phoenix", "AZ", "US", "85004", 33.4484, -112.0740, "America/Phoenix", 4.8),
    ("SFO", "San Francisco", "CA", "US", "94103", 37.7749, -122.4194, "America/Los_Angeles", 4.7),
    ("DTW", "Detroit", "MI", "US", "48226", 42.3314, -83.0458, "America/Detroit", 4.4),
    ("SEA", "Seattle", "WA", "US", "98101", 47.6062, -122.3321, "America/Los_Angeles", 4.0),
    ("MSP", "Minneapolis", "MN", "US", "55401", 44.9778, -93.2650, "America/Chicago", 3.7),
    ("SAN", "San Diego", "CA", "US", "92101", 32.7157, -117.1611, "America/Los_Angeles", 3.3),
    ("TPA", "Tampa", "FL", "US", "33602", 27.9506, -82.4572, "America/New_York", 3.2),
    ("DEN", "Denver", "CO", "US", "80202", 39.7392, -104.9903, "America/Denver", 3.0),
    ("BWI", "Baltimore", "MD", "US", "21202", 39.2904, -76.6122, "America/New_York", 2.8),
    ("STL", "St. Louis", "MO", "US", "63101", 38.6270, -90.1994, "America/Chicago", 2.8),
    ("MCO", "Orlando", "FL", "US", "32801", 28.5383, -81.3792, "America/New_York", 2.7),
    ("CLT", "Charlotte", "NC", "US", "28202", 35.2271, -80.8431, "America/New_York", 2.7),
    ("SAT", "San Antonio", "TX", "US", "78205", 29.4241, -98.4936, "America/Chicago", 2.6),
    ("PDX", "Portland", "OR", "US", "97204", 45.5152, -122.6784, "America/Los_Angeles", 2.5),
    ("SMF", "Sacramento", "CA", "US", "95814", 38.5816, -121.4944, "America/Los_Angeles", 2.4),
    ("PIT", "Pittsburgh", "PA", "US", "15222", 40.4406, -79.9959, "America/New_York", 2.4),
    ("AUS", "Austin", "TX", "US", "78701", 30.2672, -97.7431, "America/Chicago", 2.3),
    ("LAS", "Las Vegas", "NV", "US", "89101", 36.1699, -115.1398, "America/Los_Angeles", 2.3),
    ("CVG", "Cincinnati", "OH", "US", "45202", 39.1031, -84.5120, "America/New_York", 2.3),
    ("MCI", "Kansas City", "MO", "US", "64106", 39.0997, -94.5786, "America/Chicago", 2.2),
    ("CMH", "Columbus", "OH", "US", "43215", 39.9612, -82.9988, "America/New_York", 2.1),
    ("IND", "Indianapolis", "IN", "US", "46204", 39.7684, -86.1581, "America/Indiana/Indianapolis", 2.1),
    ("BNA", "Nashville", "TN", "US", "37203", 36.1627, -86.7816, "America/Chicago", 2.0),
    ("JAX", "Jacksonville", "FL", "US", "32202", 30.3322, -81.6557, "America/New_York", 1.6),
    ("OKC", "Oklahoma City", "OK", "US", "73102", 35.4676, -97.5164, "America/Chicago", 1.4),
    ("RDU", "Raleigh", "NC", "US", "27601", 35.7796, -78.6382, "America/New_York", 1.4),
    ("MEM", "Memphis", "TN", "US", "38103", 35.1495, -90.0490, "America/Chicago", 1.3),
    ("SDF", "Louisville", "KY", "US", "40202", 38.2527, -85.7585, "America/Kentucky/Louisville", 1.3),
    ("SLC", "Salt Lake City", "UT", "US", "84101", 40.7608, -111.8910, "America/Denver", 1.3),
    ("BUF", "Buffalo", "NY", "US", "14202", 42.8864, -78.8784, "America/New_York", 1.2),
    ("ABQ", "Albuquerque", "NM", "US", "87102", 35.0844, -106.6504, "America/Denver", 0.9),
    ("OMA", "Omaha", "NE", "US", "68102", 41.2565, -95.9345, "America/Chicago", 1.0),
    ("BOI", "Boise", "ID", "US", "83702", 43.6150, -116.2023, "America/Boise", 0.8),
    ("EWR", "Newark", "NJ", "US", "07102", 40.7357, -74.1724, "America/New_York", 0.0),
    ("HDG", "Hodgkins", "IL", "US", "60525", 41.7689, -87.8573, "America/Chicago", 0.0),
    ("ONT", "Ontario", "CA", "US", "91761", 34.0633, -117.6509, "America/Los_Angeles", 0.0),
    ("HEB", "Hebron", "KY", "US", "41048", 39.0488, -84.6678, "America/New_York", 0.0),
    ("OAK", "Oakland", "CA", "US", "94607", 37.8044, -122.2712, "America/Los_Angeles", 0.0),
    ("BER", "Berlin", "BE", "DE", "10117", 52.5200, 13.4050, "Europe/Berlin", 3.7),
    ("HAM", "Hamburg", "HH", "DE", "20095", 53.5511, 9.9937, "Europe/Berlin", 1.9),
    ("MUC", "München", "BY", "DE", "80331", 48.1351, 11.5820, "Europe/Berlin", 1.5),
    ("CGN", "Köln", "NW", "DE", "50667", 50.9375, 6.9603, "Europe/Berlin", 1.1),
    ("FRA", "Frankfurt am Main", "HE", "DE", "60311", 50.1109, 8.6821, "Europe/Berlin", 0.8),
    ("STR", "Stuttgart", "BW", "DE", "70173", 48.7758, 9.1829, "Europe/Berlin", 0.6),
    ("DUS", "Düsseldorf", "NW", "DE", "40213", 51.2277, 6.7735, "Europe/Berlin", 0.6),
    ("LEJ", "Leipzig", "SN", "DE", "04109", 51.3397, 12.3731, "Europe/Berlin", 0.6),
    ("DTM", "Dortmund", "NW", "DE", "44137", 51.5136, 7.4653, "Europe/Berlin", 0.6),
    ("BRE", "Bremen", "HB", "DE", "28195", 53.0793, 8.8017, "Europe/Berlin", 0.6),
    ("DRS", "Dresden", "SN", "DE", "01067", 51.0504, 13.7373, "Europe/Berlin", 0.6),
    ("HAJ", "Hannover", "NI", "DE", "30159", 52.3759, 9.7320, "Europe/Berlin", 0.5),
    ("NUE", "Nürnberg", "BY", "DE", "90402", 49.4521, 11.0767, "Europe/Berlin", 0.5),
    ("HDL", "Haldensleben", "ST", "DE", "39340", 52.2891, 11.4097, "Europe/Berlin", 0.0),
    ("ALA", "Almaty", "ALA", "KZ", "050000", 43.2220, 76.8512, "Asia/Almaty", 2.2),
    ("NQZ", "Astana", "AST", "KZ", "010000", 51.1694, 71.4491, "Asia/Almaty", 1.4),
    ("CIT", "Shymkent", "SHY", "KZ", "160000", 42.3417, 69.5901, "Asia/Almaty", 1.2),
    ("KGF", "Karaganda", "KAR", "KZ", "100000", 49.8047, 73.1094, "Asia/Almaty", 0.5),
    ("LJU", "Ljubljana", "LJ", "SI", "1000", 46.0569, 14.5058, "Europe/Ljubljana", 0.3),
    ("YYZ", "Toronto", "ON", "CA", "M5H 2N2", 43.6532, -79.3832, "America/Toronto", 6.2),
    ("YUL", "Montreal", "QC", "CA", "H2Y 1C6", 45.5017, -73.5673, "America/Toronto", 4.3),
    ("YVR", "Vancouver", "BC", "CA", "V6B 1A1", 49.2827, -123.1207, "America/Vancouver", 2.6),
    ("YYC", "Calgary", "AB", "CA", "T2P 2M5", 51.0447, -114.0719, "America/Edmonton", 1.5),
)

PLACES: dict[str, Place] = {row[0]: Place(*row) for row in _TABLE}


def places_in(countries: list[str] | tuple[str, ...]) -> list[Place]:
    wanted = set(countries)
    return [p for p in PLACES.values() if p.country in wanted]


def get(key: str) -> Place:
    return PLACES[key]


@cache
def _zones_by_city() -> dict[tuple[str, str], str]:
    return {(p.country, p.city): p.tz for p in PLACES.values()}


def zone_of(city: str | None, country: str | None) -> ZoneInfo | None:
    """The time zone of a known city (an address's local day for carriers that write dates)."""
    name = _zones_by_city().get((country or "", city or ""))
    return zone(name) if name else None
