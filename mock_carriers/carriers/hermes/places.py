"""The words Hermes uses for places: countries (ISO alpha-3 and names in German and English) and
the kinds of Hermes building the status catalogue's ``#ORT#`` placeholder names."""

from __future__ import annotations

from dataclasses import dataclass

#: ISO alpha-2 → (alpha-3, German name, English name) for the countries a Hermes parcel meets.
COUNTRIES: dict[str, tuple[str, str, str]] = {
    "DE": ("DEU", "Deutschland", "Germany"),
    "AT": ("AUT", "Österreich", "Austria"),
    "CH": ("CHE", "Schweiz", "Switzerland"),
    "NL": ("NLD", "Niederlande", "Netherlands"),
    "BE": ("BEL", "Belgien", "Belgium"),
    "LU": ("LUX", "Luxemburg", "Luxembourg"),
    "FR": ("FRA", "Frankreich", "France"),
    "DK": ("DNK", "Dänemark", "Denmark"),
    "PL": ("POL", "Polen", "Poland"),
    "CZ": ("CZE", "Tschechien", "Czechia"),
    "SK": ("SVK", "Slowakei", "Slovakia"),
    "HU": ("HUN", "Ungarn", "Hungary"),
    "SI": ("SVN", "Slowenien", "Slovenia"),
    "HR": ("HRV", "Kroatien", "Croatia"),
    "IT": ("ITA", "Italien", "Italy"),
    "ES": ("ESP", "Spanien", "Spain"),
    "PT": ("PRT", "Portugal", "Portugal"),
    "IE": ("IRL", "Irland", "Ireland"),
    "GB": ("GBR", "Vereinigtes Königreich", "United Kingdom"),
    "SE": ("SWE", "Schweden", "Sweden"),
    "FI": ("FIN", "Finnland", "Finland"),
    "NO": ("NOR", "Norwegen", "Norway"),
    "EE": ("EST", "Estland", "Estonia"),
    "LV": ("LVA", "Lettland", "Latvia"),
    "LT": ("LTU", "Litauen", "Lithuania"),
    "RO": ("ROU", "Rumänien", "Romania"),
    "BG": ("BGR", "Bulgarien", "Bulgaria"),
    "GR": ("GRC", "Griechenland", "Greece"),
    "TR": ("TUR", "Türkei", "Türkiye"),
    "US": ("USA", "Vereinigte Staaten", "United States"),
    "CA": ("CAN", "Kanada", "Canada"),
    "CN": ("CHN", "China", "China"),
    "KZ": ("KAZ", "Kasachstan", "Kazakhstan"),
}


@dataclass(frozen=True, slots=True)
class PlaceWords:
    """How the catalogue's placeholders read for one kind of place: ``#ORT#`` and the German
    preposition/article that go with its gender (``im`` Verteilzentrum, ``das`` Logistik-Center)."""

    ort_de: str
    im_de: str
    art_de: str
    ort_en: str


#: Location kind → words. Verteilzentrum/distribution centre and PaketShop/ParcelShop are the
#: catalogue's own words [SPEC CSV]; Logistik-Center is its "LC" spelled out [INFER].
PLACES: dict[str, PlaceWords] = {
    "sort_hub": PlaceWords("Hermes Logistik-Center", "im", "das", "Hermes Logistics Center"),
    "delivery_station": PlaceWords("Hermes Verteilzentrum", "im", "das", "Hermes distribution centre"),
    "pickup_point": PlaceWords("Hermes PaketShop", "im", "den", "Hermes ParcelShop"),
    "fulfilment_centre": PlaceWords("Lager des Auftraggebers", "im", "das", "client's warehouse"),
}
#: Any other place: a Hermes branch (the catalogue's "Niederlassung"/NDL).
OTHER_PLACE = PlaceWords("Hermes Niederlassung", "in der", "die", "Hermes branch")
