"""Language negotiation for the carriers that take a language or locale, and the fallback they share.

A carrier adapter keeps its English texts where they always were (``codes.py``) and its other
languages in ``carriers/<name>/texts.py``; which parameter or header carries the language, and what
the carrier does with one it does not serve, is the carrier's (its ``texts.py`` or ``codes.py``, with
the evidence). This module turns the value a client sent (``de``, ``de_DE``, ``de-DE``) into one of
:data:`SUPPORTED`, and looks a text up with the fallback every carrier shares: the requested
language, else the carrier's English. The chain is Faker's (locale → language → base) with the
locale level empty: no carrier here words a status differently for ``de_AT`` than for ``de_DE``.

[INFER] whether each real carrier serves each of de, ru, sl and kk is not confirmed by any source
at hand; the sandbox serves all five languages wherever a carrier takes one, so a client's language
handling can be tested against each.
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


def translate(tables: Mapping[str, Mapping[str, str]], language: str, english: str) -> str:
    """``english`` (the carrier's own text) in ``language``, from tables keyed by that English
    text, gettext-style; English itself when the language or the entry is missing."""
    if language == DEFAULT_LANGUAGE:
        return english
    return tables.get(language, {}).get(english, english)
