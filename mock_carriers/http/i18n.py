"""Language negotiation for the carriers that take a language or locale, and the shared fallback.

A carrier adapter keeps its English texts where they always were (``codes.py``) and its other
languages in ``carriers/<name>/texts.py``. This module turns what a client sent (UPS ``locale``
query ``de_DE``, DHL ``language`` query ``de``, FedEx ``x-locale`` header ``de_DE``) into one of
:data:`SUPPORTED`, and looks a text up with the fallback every carrier shares: the requested
language, else the carrier's English. The chain is Faker's (locale → language → base) with the
locale level empty: no carrier here words a status differently for ``de_AT`` than for ``de_DE``.

What is known and what is inferred, per carrier:

- **UPS** [SPEC ``Tracking.yaml``]: query ``locale``, "Language and country code of the user,
  separated by an underscore. Default value is 'en_US'". [OBS] a production capture in German
  shows UPS translating activity descriptions (``MP`` "Versender hat einen Aufkleber erstellt, UPS
  hat das Paket noch nicht erhalten. ", trailing space as in English). [INFER] a locale UPS does
  not serve, or a malformed one, gets English rather than an error: the spec documents no error
  for it and English is its default. A bare ``de`` is read as German.
- **DHL Unified** [SPEC ``dhl-shipment-tracking-unified-1.4.1.yaml``]: query ``language``,
  "ISO 639-1 2-character language code … an indication of the client preferences ONLY … The
  actual response language is indicated by the Content-Language header" (default ``en``). So an
  unavailable language silently falls back to English and ``Content-Language: en`` says so.
  [INFER] ``de-DE``, ``de_DE`` and ``DE`` are read as ``de``.
- **FedEx** [SPEC ``track-api.json``]: header ``x-locale``, "the combination of language code and
  country code", example ``en_US``; ``latestStatusDetail.statusByLocale`` is "the latest tracking
  status by locale". [INFER] which other texts follow the locale (we translate every
  human-readable status text: ``description``, ``eventDescription``, ``derivedStatus``, the
  exception and ancillary texts) and English for a locale FedEx does not serve.
- [INFER] for all three: whether the real carrier serves each of de, ru, sl and kk is not
  confirmed by any source at hand; the sandbox serves all five languages wherever a carrier takes
  one, so a client's language handling can be tested against each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The languages the sandbox writes carrier descriptions in (ISO 639-1). Kazakh is in Cyrillic.
SUPPORTED: tuple[str, ...] = ("en", "de", "ru", "sl", "kk")

#: Every carrier here answers in English when it cannot answer in the language asked for.
DEFAULT_LANGUAGE = "en"

#: ``de``, ``de_DE``, ``de-DE`` (any case); a region may also be a UN M.49 number (``es-419``).
_LOCALE = re.compile(r"([A-Za-z]{2})(?:[-_]([A-Za-z]{2}|[0-9]{3}))?")


def split_locale(value: str | None) -> tuple[str | None, str | None]:
    """``"de_DE"`` → ``("de", "DE")``; ``"de"`` → ``("de", None)``; unreadable → ``(None, None)``."""
    if value is None:
        return None, None
    match = _LOCALE.fullmatch(value.strip())
    if match is None:
        return None, None
    language, region = match.groups()
    return language.lower(), region.upper() if region else None


def negotiate(value: str | None, available: tuple[str, ...] | frozenset[str] = SUPPORTED) -> str:
    """The language of ``value`` when it is available, else English."""
    language, _ = split_locale(value)
    return language if language is not None and language in available else DEFAULT_LANGUAGE


def ups_language(locale: str | None) -> str:
    """UPS ``locale`` query parameter (``de_DE``) → the language of the descriptions."""
    return negotiate(locale)


def dhl_language(language: str | None, available: tuple[str, ...] | frozenset[str] = SUPPORTED) -> str:
    """DHL ``language`` query parameter (``de``) → the language answered in, which DHL echoes in
    ``Content-Language``."""
    return negotiate(language, available)


def fedex_language(x_locale: str | None) -> str:
    """FedEx ``x-locale`` header (``de_DE``) → the language of the status texts."""
    return negotiate(x_locale)


def translate(tables: Mapping[str, Mapping[str, str]], language: str, english: str) -> str:
    """``english`` (the carrier's own text) in ``language``, from tables keyed by that English
    text, gettext-style; English itself when the language or the entry is missing."""
    if language == DEFAULT_LANGUAGE:
        return english
    return tables.get(language, {}).get(english, english)
