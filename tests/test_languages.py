"""Carrier descriptions in en, de, ru, sl and kk: negotiation, fallback, script, spec validity and
table completeness for the three carriers that take a language (UPS ``locale``, DHL ``language``,
FedEx ``x-locale``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers import dhl, fedex, ups
from mock_carriers.carriers.dhl import codes as dhl_codes
from mock_carriers.carriers.fedex import codes as fedex_codes
from mock_carriers.carriers.fedex import texts as fedex_texts
from mock_carriers.carriers.ups import codes as ups_codes
from mock_carriers.carriers.ups import render as ups_render
from mock_carriers.carriers.ups import texts as ups_texts
from mock_carriers.http import i18n
from sim.events import EventCode, ExceptionReason
from tests.carriers.fakes import FakeContext, story
from tests.spec_validation import validate_response

pytestmark = pytest.mark.unit

KINDS = ("delivered", "failed_then_locker", "returned", "customs", "lost", "damaged")
LANGUAGES = i18n.SUPPORTED
LOCALES = {"en": "en_US", "de": "de_DE", "ru": "ru_RU", "sl": "sl_SI", "kk": "kk_KZ"}
CARRIERS = ("ups", "dhl", "fedex")

UPS_NUMBERS = {
    "delivered": "1Z12345E0205271688",
    "failed_then_locker": "1Z12345E6605272234",
    "returned": "1Z12345E0305271640",
    "customs": "1Z12345E1305277940",
    "lost": "1Z12345E6205277936",
    "damaged": "1Z1442YY7229014688",
}
DHL_NUMBERS = {kind: f"33188100{i}{int(f'33188100{i}') % 7}" for i, kind in enumerate(KINDS, start=10)}
FEDEX_NUMBERS = {kind: f"7946000000{i}{i - 1}" for i, kind in enumerate(KINDS, start=1)}

#: Letters Kazakh has and Russian does not.
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
#: Latin text a translated description may keep: brands, the support URL, DHL's upper-case places.
KEPT_LATIN = re.compile(r"<[^>]+>|FedEx|Access Point|\b[A-Z][A-Z0-9 ,.'-]*[A-Z]\b")

#: The delivered scan of the "delivered" story, per carrier and language.
DELIVERED_TEXT = {
    "ups": {
        "en": "DELIVERED ",
        "de": "ZUGESTELLT ",
        "ru": "ДОСТАВЛЕНО ",
        "sl": "DOSTAVLJENO ",
        "kk": "ЖЕТКІЗІЛДІ ",
    },
    "dhl": {
        "en": "Delivered",
        "de": "Zugestellt",
        "ru": "Доставлено",
        "sl": "Dostavljeno",
        "kk": "Жеткізілді",
    },
    "fedex": {
        "en": "Delivered",
        "de": "Zugestellt",
        "ru": "Доставлено",
        "sl": "Dostavljeno",
        "kk": "Жеткізілді",
    },
}


# --- one request per carrier -------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]


def _ups_client() -> tuple[TestClient, dict[str, str]]:
    ctx = FakeContext("ups", {n: story(n, "ups", "ground", k) for k, n in UPS_NUMBERS.items()})
    client = TestClient(ups.create_carrier_app(ctx))
    r = client.post(
        "/security/v1/oauth/token",
        auth=("acme-client", "acme-secret"),
        data={"grant_type": "client_credentials"},
    )
    token = r.json()["access_token"]
    return client, {"Authorization": f"Bearer {token}", "transId": "lang-0001", "transactionSrc": "testing"}


def _fedex_client() -> tuple[TestClient, dict[str, str]]:
    ctx = FakeContext("fedex", {n: story(n, "fedex", "next_day", k) for k, n in FEDEX_NUMBERS.items()})
    client = TestClient(fedex.create_carrier_app(ctx))
    r = client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": "a", "client_secret": "b"}
    )
    return client, {"authorization": f"Bearer {r.json()['access_token']}", "content-type": "application/json"}


def _dhl_client() -> tuple[TestClient, dict[str, str]]:
    ctx = FakeContext("dhl", {n: story(n, "dhl", "international", k) for k, n in DHL_NUMBERS.items()})
    return TestClient(dhl.create_carrier_app(ctx)), {"DHL-API-Key": "sandbox-dhl-key"}


@pytest.fixture(scope="module")
def ask() -> Callable[[str, str, str | None], Reply]:
    """``ask(carrier, kind, value)``: track the ``kind`` story, sending ``value`` as the carrier's
    language (UPS ``locale``, DHL ``language``, FedEx ``x-locale``; ``None`` sends nothing)."""
    clients = {"ups": _ups_client(), "dhl": _dhl_client(), "fedex": _fedex_client()}
    cache: dict[tuple[str, str, str | None], Reply] = {}

    def run(carrier: str, kind: str, value: str | None) -> Reply:
        key = (carrier, kind, value)
        if key in cache:
            return cache[key]
        client, headers = clients[carrier]
        if carrier == "ups":
            params = {"returnMilestones": "true", **({"locale": value} if value is not None else {})}
            r = client.get(f"/api/track/v1/details/{UPS_NUMBERS[kind]}", headers=headers, params=params)
        elif carrier == "dhl":
            params = {
                "trackingNumber": DHL_NUMBERS[kind],
                **({"language": value} if value is not None else {}),
            }
            r = client.get("/track/shipments", headers=headers, params=params)
        else:
            h = {**headers, **({"x-locale": value} if value is not None else {})}
            body = {
                "includeDetailedScans": True,
                "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": FEDEX_NUMBERS[kind]}}],
            }
            r = client.post("/track/v1/trackingnumbers", json=body, headers=h)
        reply = Reply(r.status_code, dict(r.headers), r.json())
        cache[key] = reply
        return reply

    return run


def request_value(carrier: str, language: str) -> str:
    return language if carrier == "dhl" else LOCALES[language]


def descriptions(carrier: str, body: dict[str, Any]) -> Iterator[str]:
    """Every human-readable status text of a tracking body."""
    if carrier == "ups":
        for package in body["trackResponse"]["shipment"][0]["package"]:
            yield from (a["status"]["description"] for a in package["activity"])
            yield package["currentStatus"]["description"]
            yield from (m["description"] for m in package.get("milestones", []))
    elif carrier == "dhl":
        for shipment in body["shipments"]:
            for item in [shipment["status"], *shipment["events"]]:
                yield from (item[k] for k in ("description", "remark", "nextSteps") if k in item)
            if "estimatedTimeOfDeliveryRemark" in shipment:
                yield shipment["estimatedTimeOfDeliveryRemark"]
    else:
        for complete in body["output"]["completeTrackResults"]:
            result = complete["trackResults"][0]
            latest = result["latestStatusDetail"]
            yield latest["statusByLocale"]
            yield latest["description"]
            for detail in latest.get("ancillaryDetails", []):
                yield from (detail["reasonDescription"], detail["action"], detail["actionDescription"])
            for scan in result["scanEvents"]:
                yield scan["eventDescription"]
                yield scan["derivedStatus"]
                if scan["exceptionDescription"]:
                    yield scan["exceptionDescription"]


def all_descriptions(
    ask: Callable[[str, str, str | None], Reply], carrier: str, value: str | None
) -> list[str]:
    out: list[str] = []
    for kind in KINDS:
        reply = ask(carrier, kind, value)
        assert reply.status == 200, reply.body
        out.extend(descriptions(carrier, reply.body))
    return out


# --- what each carrier's codes can emit, in English ----------------------------------------------


def ups_english() -> set[str]:
    statuses = [
        *ups_codes.EVENT_STATUS.values(),
        *ups_codes.REASON_STATUS.values(),
        *ups_codes.PARTNER_STATUS.values(),
    ]
    out = {s.description for s in statuses}
    out |= set(ups_codes.STATUS_TEXT.values())
    out |= {name for name, _, _ in ups_render._MILESTONES}
    return out


def fedex_english() -> set[str]:
    events = [*fedex_codes.EVENT_CODES.values(), *fedex_codes.PARTNER_EVENTS.values()]
    out = {text for e in events for text in (e.description, e.derived_status, e.status_text)}
    out |= {
        text for r in fedex_codes.REASONS.values() for text in (r.description, r.action, r.action_description)
    }
    return out


def _template(text: str) -> re.Pattern[str]:
    """A DHL text with its ``{facility}`` filled by any DHL Express place (``CHICAGO - USA``)."""
    return re.compile(re.escape(text).replace(re.escape("{facility}"), r"[A-Z0-9 ,.'()-]+"))


def allowed(carrier: str, language: str) -> Callable[[str], bool]:
    """Whether a description is one of ``language``'s texts for ``carrier``."""
    if carrier == "dhl":
        patterns = [_template(t) for t in dhl_codes.TEXTS[language].values()]
        return lambda d: any(p.fullmatch(d) for p in patterns)
    english = ups_english() if carrier == "ups" else fedex_english()
    tables = ups_texts.TEXTS if carrier == "ups" else fedex_texts.TEXTS
    texts = english if language == "en" else set(tables[language].values())
    return texts.__contains__


# --- every carrier answers in every language -----------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("carrier", CARRIERS)
def test_every_description_is_in_the_requested_language(ask, carrier: str, language: str) -> None:
    texts = all_descriptions(ask, carrier, request_value(carrier, language))
    is_ours = allowed(carrier, language)
    assert [d for d in texts if not is_ours(d)] == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("carrier", CARRIERS)
def test_delivered_scan_reads_in_the_requested_language(ask, carrier: str, language: str) -> None:
    body = ask(carrier, "delivered", request_value(carrier, language)).body
    if carrier == "ups":
        newest = body["trackResponse"]["shipment"][0]["package"][0]["activity"][0]["status"]["description"]
    elif carrier == "dhl":
        newest = body["shipments"][0]["events"][0]["description"]
    else:
        newest = body["output"]["completeTrackResults"][0]["trackResults"][0]["scanEvents"][0][
            "eventDescription"
        ]
    assert newest == DELIVERED_TEXT[carrier][language]


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("carrier", CARRIERS)
def test_russian_and_kazakh_are_written_in_cyrillic(ask, carrier: str, language: str) -> None:
    texts = all_descriptions(ask, carrier, request_value(carrier, language))
    assert [d for d in texts if not CYRILLIC.search(d)] == []
    assert [d for d in texts if re.search("[A-Za-z]", KEPT_LATIN.sub("", d))] == []


@pytest.mark.parametrize("carrier", CARRIERS)
def test_kazakh_uses_kazakh_letters(ask, carrier: str) -> None:
    letters = set("".join(all_descriptions(ask, carrier, request_value(carrier, "kk"))))
    assert len(letters & KAZAKH_LETTERS) >= 5, sorted(letters & KAZAKH_LETTERS)


@pytest.mark.parametrize("carrier", CARRIERS)
def test_russian_uses_no_kazakh_letters(ask, carrier: str) -> None:
    letters = set("".join(all_descriptions(ask, carrier, request_value(carrier, "ru"))))
    assert letters & KAZAKH_LETTERS == set()


@pytest.mark.parametrize(("language", "letters"), [("de", "äöüß"), ("sl", "čšž")])
@pytest.mark.parametrize("carrier", CARRIERS)
def test_german_and_slovenian_use_their_own_letters_and_no_cyrillic(
    ask, carrier: str, language: str, letters: str
) -> None:
    text = "".join(all_descriptions(ask, carrier, request_value(carrier, language)))
    assert set(letters) & set(text)
    assert not CYRILLIC.search(text)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("carrier", CARRIERS)
def test_translated_bodies_still_match_the_spec(ask, carrier: str, language: str) -> None:
    for kind in KINDS:
        body = ask(carrier, kind, request_value(carrier, language)).body
        if carrier == "ups":
            validate_response("ups", "/track/v1/details/{inquiryNumber}", "get", 200, body)
        elif carrier == "dhl":
            validate_response("dhl", "/shipments", "get", 200, body)
        else:
            validate_response("fedex", "/track/v1/trackingnumbers", "post", 200, body)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dhl_content_language_names_the_language_answered_in(ask, language: str) -> None:
    assert ask("dhl", "delivered", language).headers["content-language"] == language


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
@pytest.mark.parametrize("carrier", CARRIERS)
def test_only_the_texts_change_with_the_language(ask, carrier: str, language: str) -> None:
    english = ask(carrier, "customs", request_value(carrier, "en")).body
    translated = ask(carrier, "customs", request_value(carrier, language)).body
    texts = sorted(
        {*descriptions(carrier, english), *descriptions(carrier, translated)}, key=len, reverse=True
    )

    def skeleton(body: dict[str, Any]) -> str:
        # FedEx's transactionId is per request, not per language.
        text = repr({k: v for k, v in body.items() if k != "transactionId"})
        for d in texts:
            text = text.replace(repr(d)[1:-1], "<text>")
        return text

    assert skeleton(translated) == skeleton(english)


# --- negotiation and fallback --------------------------------------------------------------------


@pytest.mark.parametrize("carrier", CARRIERS)
def test_no_language_sent_means_english(ask, carrier: str) -> None:
    assert all_descriptions(ask, carrier, None) == all_descriptions(
        ask, carrier, request_value(carrier, "en")
    )


@pytest.mark.parametrize("value", ["fr_FR", "xx", "zz_ZZ", "", "deu", "de_DE_x", "../../etc"])
@pytest.mark.parametrize("carrier", CARRIERS)
def test_unsupported_or_malformed_language_falls_back_to_english(ask, carrier: str, value: str) -> None:
    reply = ask(carrier, "returned", value)
    assert reply.status == 200
    assert list(descriptions(carrier, reply.body)) == list(
        descriptions(carrier, ask(carrier, "returned", request_value(carrier, "en")).body)
    )


def test_dhl_fallback_says_english_in_content_language(ask) -> None:
    assert ask("dhl", "delivered", "fr").headers["content-language"] == "en"


@pytest.mark.parametrize(
    ("carrier", "value", "expected"),
    [
        ("ups", "de_AT", "de"),  # the region does not change UPS's words
        ("ups", "DE-de", "de"),
        ("ups", "ru_KZ", "ru"),
        ("ups", "sl", "sl"),
        ("fedex", "kk_KZ", "kk"),
        ("fedex", "de-CH", "de"),
        ("fedex", "en_GB", "en"),
        ("dhl", "DE", "de"),
        ("dhl", "ru-RU", "ru"),
        ("dhl", " sl ", "sl"),
    ],
)
def test_language_variants_select_the_language(ask, carrier: str, value: str, expected: str) -> None:
    assert all_descriptions(ask, carrier, value) == all_descriptions(
        ask, carrier, request_value(carrier, expected)
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("de_DE", ("de", "DE")),
        ("de-de", ("de", "DE")),
        ("KK_kz", ("kk", "KZ")),
        ("es-419", ("es", "419")),
        ("ru", ("ru", None)),
        (" sl_SI ", ("sl", "SI")),
        ("deu", (None, None)),
        ("de_DE.UTF-8", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_locale(value: str | None, expected: tuple[str | None, str | None]) -> None:
    assert i18n.split_locale(value) == expected


def test_translate_falls_back_to_the_english_text() -> None:
    tables = {"de": {"Delivered": "Zugestellt"}}
    assert [i18n.translate(tables, lang, "Delivered") for lang in ("de", "en", "ru")] == [
        "Zugestellt",
        "Delivered",
        "Delivered",
    ]
    assert i18n.translate(tables, "de", "Picked up") == "Picked up"


# --- completeness of the tables ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
def test_ups_has_every_emitted_text_in_every_language(language: str) -> None:
    assert set(ups_texts.TEXTS[language]) == ups_english()


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
def test_fedex_has_every_emitted_text_in_every_language(language: str) -> None:
    assert set(fedex_texts.TEXTS[language]) == fedex_english()


def test_dhl_has_every_language() -> None:
    assert set(dhl_codes.TEXTS) == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_dhl_has_every_code_and_reason_in_every_language(language: str) -> None:
    table = dhl_codes.TEXTS[language]
    missing = [c.value for c in EventCode if not table.get(f"event.{c.value}")]
    missing += [r.value for r in ExceptionReason if not table.get(f"reason.{r.value}")]
    assert missing == []


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
def test_dhl_translations_keep_the_facility_placeholder(language: str) -> None:
    english = dhl_codes.TEXTS["en"]
    wrong = [
        k for k, t in dhl_codes.TEXTS[language].items() if ("{facility}" in t) != ("{facility}" in english[k])
    ]
    assert wrong == []


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
def test_ups_translations_keep_ups_trailing_spaces(language: str) -> None:
    table = ups_texts.TEXTS[language]
    assert [e for e, t in table.items() if e.endswith(" ") != t.endswith(" ")] == []


@pytest.mark.parametrize("language", ["de", "ru", "sl", "kk"])
@pytest.mark.parametrize("table", [ups_texts.TEXTS, fedex_texts.TEXTS], ids=["ups", "fedex"])
def test_no_text_is_left_untranslated(table: dict[str, dict[str, str]], language: str) -> None:
    # Short brand-only texts would be legitimately equal; none of ours is.
    assert [e for e, t in table[language].items() if e == t] == []
