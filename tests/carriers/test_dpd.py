"""Mock DPD Web Connect (SOAP 1.1): LoginService 2.1, ParcelLifeCycleService 2.0, every answer
validated against DPD's XSDs; faults, safe XML, languages, Predict and the code tables."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from mock_carriers.carriers.dpd import codes, create_carrier_app, errors, texts
from mock_carriers.carriers.dpd.auth import TOKEN_SHAPE, depot_of
from mock_carriers.carriers.dpd.render import us_date
from mock_carriers.world.credentials import CredentialPolicy, TokenIssuer
from sim.events import EventCode, ExceptionReason, Location, ScanEvent
from sim.tracking_numbers import dpd_barcode
from tests.carriers import client_dpd as soap
from tests.carriers.client_dpd import LOGIN_NS, LOGIN_PATH, PLC_PATH, DpdClient
from tests.carriers.dpd_world import LABEL_ONLY, NOT_YET_VISIBLE, NUMBERS, UNKNOWN, make_ctx

pytestmark = pytest.mark.unit

FINAL_STATUS = {
    "delivered": "Delivered",
    "failed_then_locker": "Delivered",
    "returned": "Delivered",
    "customs": "BetweenDepots",
    "lost": "Warehouse",
    "damaged": "DeliveryFailure",
}


def client_for(ctx: object | None = None, raise_server_exceptions: bool = True) -> TestClient:
    return TestClient(create_carrier_app(ctx or make_ctx()), raise_server_exceptions=raise_server_exceptions)


def logged_in(http: TestClient, language: str = "en_EN") -> DpdClient:
    client = DpdClient(http, "http://testserver", language=language)
    client.authenticate()
    return client


def assert_fault(r: httpx.Response, status: int, faultcode: str, code: str | None = None) -> None:
    assert r.status_code == status, r.text
    soap.validate(r)
    got = soap.fault(r)
    assert got["faultcode"] == faultcode, r.text
    assert got["code"] == code, r.text
    assert "Traceback" not in r.text


# --- LoginService ------------------------------------------------------------------------------------


def test_get_auth_answers_dpds_login() -> None:
    http = client_for()
    client = DpdClient(http, "http://testserver", delis_id="KD12345")
    before = datetime.now(UTC).replace(tzinfo=None)
    r = client.login()
    assert r.status_code == 200 and r.headers["content-type"] == "text/xml; charset=utf-8"
    soap.validate(r)
    ret = soap.body_element(r).find(f"{{{LOGIN_NS}}}return")
    assert ret is not None
    values = {child.tag.split("}")[1]: child.text for child in ret}
    assert list(values) == ["delisId", "customerUid", "authToken", "depot", "authTokenExpires"]
    assert values["delisId"] == values["customerUid"] == "KD12345"
    assert TOKEN_SHAPE.fullmatch(values["authToken"] or "")
    assert values["depot"] == depot_of("KD12345") and re.fullmatch(r"01[0-9]{2}", values["depot"] or "")
    # UTC without an offset, hundredths of a second, 24 hours ahead (karrio parses %S.%f).
    expires_text = values["authTokenExpires"] or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\d", expires_text)
    expires = datetime.strptime(expires_text, "%Y-%m-%dT%H:%M:%S.%f")
    assert timedelta(hours=23, minutes=59) < expires - before <= timedelta(hours=24, seconds=5)


def test_logging_in_again_returns_the_same_token_until_it_expires() -> None:
    ctx = make_ctx()
    http = client_for(ctx)
    first = logged_in(http).token
    assert logged_in(http).token == first  # DPD: "The same token 'A' is obtained"
    ctx.tokens.expire_all("dpd")
    third = logged_in(http).token
    assert third != first and TOKEN_SHAPE.fullmatch(third or "")


def test_wrong_credentials_get_dpds_authentication_fault() -> None:
    ctx = make_ctx(credentials=CredentialPolicy(allowed={"dpd": {"KD12345": "right"}}))
    http = client_for(ctx)
    for delis_id, password in (("KD12345", "wrong"), ("other", "right"), ("KD12345", "")):
        r = DpdClient(http, "http://testserver").login(delis_id, password or " ")
        assert_fault(r, 500, "soap:Server", errors.AUTHENTICATION)
        assert soap.fault(r)["faultstring"] == "Fault occured"
        assert "check delisId and password" in r.text
    ok = DpdClient(http, "http://testserver", delis_id="KD12345", password="right").login()
    assert ok.status_code == 200


# --- the authentication header -----------------------------------------------------------------------


def test_tracking_needs_a_valid_token_of_the_same_delis_id() -> None:
    ctx = make_ctx(tokens=TokenIssuer(seed=1, lifetimes={"dpd": 3600}))
    http = client_for(ctx)
    client = logged_in(http)
    n = NUMBERS["delivered"]
    assert client.track(n).status_code == 200
    assert_fault(client.track(n, token=""), 500, "soap:Server", errors.AUTHENTICATION)
    assert_fault(client.track(n, token="my-password"), 500, "soap:Server", errors.AUTHENTICATION)
    assert_fault(client.track(n, token="A" * 64), 500, "soap:Server", errors.TOKEN_INCORRECT)
    other = DpdClient(http, "http://testserver", delis_id="someone-else")
    other.token = client.token
    assert_fault(other.track(n), 500, "soap:Server", errors.TOKEN_INCORRECT)
    no_header = http.post(
        PLC_PATH,
        content=soap.envelope(
            f"<plc:getTrackingData><parcelLabelNumber>{n}</parcelLabelNumber></plc:getTrackingData>"
        ),
    )
    assert_fault(no_header, 500, "soap:Server", errors.AUTHENTICATION)
    ctx.tokens.expire_all("dpd")
    assert_fault(client.track(n), 500, "soap:Server", errors.TOKEN_EXPIRED)
    client.authenticate()
    assert client.track(n).status_code == 200


# --- ParcelLifeCycleService ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(NUMBERS))
def test_every_story_validates_and_ends_in_dpds_status(kind: str) -> None:
    client = logged_in(client_for())
    r = client.track(NUMBERS[kind])
    assert r.status_code == 200, r.text
    soap.validate(r)
    shown = soap.statuses(r)
    assert shown and shown[-1]["status"] == FINAL_STATUS[kind]
    assert [s["current"] for s in shown] == [False] * (len(shown) - 1) + [True]
    assert all(s["status"] in codes.STATUS_LABELS for s in shown)
    for s in shown:
        assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d:\d\d [AP]M", s["date"]), s
        assert re.fullmatch(r".+ \([A-Z]{2}\)", s["location"]), s


def test_statuses_are_oldest_first_in_the_scans_local_time() -> None:
    shown = soap.statuses(logged_in(client_for()).track(NUMBERS["delivered"]))
    assert [s["status"] for s in shown][:2] == ["PickedUp", "BetweenDepots"]
    assert shown[-2]["status"] == "Courier" and shown[-1]["status"] == "Delivered"
    # The fakes' courier scan: 2026-11-06 08:10 Chicago = 15:10 in Munich (CET).
    assert shown[-2]["date"] == "11/6/2026 3:10:00 PM"
    assert shown[-2]["location"] == "München (DE)"
    assert us_date("2026-11-06T00:05:09+01:00") == "11/6/2026 12:05:09 AM"
    assert us_date("2026-11-06T12:00:00+01:00") == "11/6/2026 12:00:00 PM"


def test_every_number_form_finds_the_parcel() -> None:
    client = logged_in(client_for())
    n = NUMBERS["delivered"]
    barcode = dpd_barcode(n, "80469")
    for form in (n, n[:14], n.lower(), f"{n[:4]} {n[4:8]} {n[8:]}", barcode):
        r = client.track(form)
        assert r.status_code == 200 and soap.statuses(r)[-1]["status"] == "Delivered", form
    wrong_check = n[:14] + ("A" if n[14] != "A" else "B")
    for form in (wrong_check, UNKNOWN, UNKNOWN[:14], "12345", "!!bad$$", "", barcode[:-1] + "0"):
        r = client.track(form)
        assert client.is_not_found(r), (form, r.text)
        assert_fault(r, 500, "soap:Server", errors.PARCEL_NOT_FOUND)


def test_a_label_without_scans_shows_no_status_and_an_invisible_one_is_unknown() -> None:
    client = logged_in(client_for())
    r = client.track(LABEL_ONLY)
    assert r.status_code == 200
    soap.validate(r)
    assert soap.statuses(r) == []
    assert client.is_not_found(client.track(NOT_YET_VISIBLE))


def test_languages_follow_message_language() -> None:
    http = client_for()
    n = NUMBERS["delivered"]
    german = logged_in(http, "de_DE").track(n)
    english = logged_in(http, "en_US").track(n)
    other = logged_in(http, "fr_FR").track(n)
    for r in (german, english, other):
        soap.validate(r)
    assert soap.statuses(german)[-1]["label"] == "Zugestellt"
    assert soap.statuses(german)[-1]["description"] == "Erfolgreich zugestellt."
    assert "Ihr DPD Service:" in german.text
    assert soap.statuses(english)[-1]["label"] == "Parcel delivered"
    assert english.content == other.content  # a language DPD does not serve here: English
    # The date format does not change with the language (karrio parses it either way).
    assert [s["date"] for s in soap.statuses(german)] == [s["date"] for s in soap.statuses(english)]


def test_predict_announces_a_one_hour_window_while_the_courier_has_the_parcel() -> None:
    ctx = make_ctx()
    ctx.clock = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)  # after the courier scan, before delivery
    http = client_for(ctx)
    n = NUMBERS["delivered"]
    english = logged_in(http).track(n)
    soap.validate(english)
    assert soap.statuses(english)[-1]["status"] == "Courier"
    assert soap.predict(english) == "Your parcel will be delivered on 06.11.2026 between 10:15 and 11:15."
    german = logged_in(http, "de_DE").track(n)
    assert soap.predict(german) == "Ihr Paket wird am 06.11.2026 zwischen 10:15 und 11:15 Uhr zugestellt."
    ctx.clock = datetime(2026, 11, 10, tzinfo=UTC)
    assert soap.predict(logged_in(http).track(n)) is None


def test_receiver_and_depot_contact_are_shown() -> None:
    r = logged_in(client_for()).track(NUMBERS["delivered"])
    assert "80469 München (DE)" in r.text
    assert "Erika" not in r.text and "Fraunhoferstr" not in r.text  # no name or street
    assert "DPD Depot München" in r.text and "<linkTarget>" in r.text


def test_parcel_label_number_for_web_number() -> None:
    client = logged_in(client_for())
    n = NUMBERS["delivered"]
    for form in (n, n[:14], dpd_barcode(n, "80469")):
        r = client.label_number(form)
        assert r.status_code == 200
        soap.validate(r)
        assert soap.body_element(r)[0].text == n[:14]
    empty = client.label_number(UNKNOWN)
    assert empty.status_code == 200 and len(soap.body_element(empty)) == 0
    soap.validate(empty)


def test_responses_are_byte_identical_for_the_same_world() -> None:
    def session() -> list[bytes]:
        client = logged_in(client_for())
        return [client.track(n).content for n in NUMBERS.values()]

    assert session() == session()


# --- requests DPD cannot read: SOAP faults, never a crash ------------------------------------------------


BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&x;'
    b"</soapenv:Body></soapenv:Envelope>"
)


@pytest.mark.parametrize(
    ("body", "faultcode"),
    [
        (b"", "soap:Client"),
        (b"<notxml", "soap:Client"),
        (b"\xff\xfe garbage", "soap:Client"),
        (BOMB, "soap:Client"),
        (EXTERNAL, "soap:Client"),
        (b"<a><b/></a>", "soap:Client"),
        (b'<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>', "soap:Client"),
        (b'<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body/></Envelope>', "soap:Client"),
        (
            b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
            "soap:VersionMismatch",
        ),
        (soap.envelope("<plc:deleteEverything/>").encode(), "soap:Client"),
        (soap.envelope("<log:getTrackingData/>").encode(), "soap:Client"),
        (b"<" + b"a>" * 5000 + b"x" + b"</a>" * 5000, "soap:Client"),
    ],
)
@pytest.mark.parametrize("path", [LOGIN_PATH, PLC_PATH])
def test_unreadable_requests_get_a_client_fault(body: bytes, faultcode: str, path: str) -> None:
    http = client_for(raise_server_exceptions=False)
    r = http.post(path, content=body, headers={"Content-Type": "text/xml"})
    assert_fault(r, 400, faultcode)


def test_framework_failures_are_soap_faults() -> None:
    http = client_for(raise_server_exceptions=False)
    assert_fault(http.get(PLC_PATH), 405, "soap:Client")
    assert_fault(http.post("/soap/services/ShipmentService/V3_3", content=b"<x/>"), 404, "soap:Client")
    assert_fault(http.post(PLC_PATH, content=b"<" + b"a" * (2 << 20) + b"/>"), 413, "soap:Client")


def test_rate_limit_and_server_error_bodies_are_soap_faults() -> None:
    from starlette.requests import Request

    request = Request({"type": "http", "method": "POST", "path": PLC_PATH, "headers": []})
    limited = errors.rate_limited(request, retry_after=7, daily=True)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert b"<faultcode>soap:Server</faultcode>" in limited.body and b"Daily request limit" in limited.body
    failed = errors.server_error(request, 503)
    assert failed.status_code == 503 and b"soap:Fault" in failed.body


# --- code tables ------------------------------------------------------------------------------------


def _event(code: EventCode, reason: ExceptionReason | None = None, kind: str = "sort_hub") -> ScanEvent:
    loc = Location("x", kind, "DPD Hub Leipzig", "Leipzig", "SN", "04109", "DE", 51.3, 12.4)
    return ScanEvent(
        "e",
        1,
        "n",
        "dpd",
        "ground",
        code,
        reason,
        "2026-11-02T09:00:00+01:00",
        "2026-11-02T09:00:00+01:00",
        loc,
        None,
    )


def test_every_event_code_and_reason_maps_to_a_dpd_status() -> None:
    for code in EventCode:
        status = codes.status_for(_event(code))
        assert (status is None) == (code is EventCode.LABEL_CREATED), code
        for reason in ExceptionReason:
            for kind in ("sort_hub", "delivery_station", "address", "pickup_point"):
                got = codes.status_for(_event(code, reason, kind))
                if code is not EventCode.LABEL_CREATED:
                    assert got is not None and got.code in codes.STATUS_LABELS, (code, reason, kind)
                    assert got.text in texts.DESCRIPTIONS, got


def test_every_text_exists_in_english_and_german() -> None:
    for table in (texts.LABELS, texts.DESCRIPTIONS):
        for key, words in table.items():
            assert set(words) == set(texts.LANGUAGES) and all(words.values()), key
    assert set(codes.STATUS_LABELS.values()) <= set(texts.LABELS)


def test_context_rules() -> None:
    attempt = codes.status_for(_event(EventCode.DELIVERY_ATTEMPTED, ExceptionReason.REFUSED, "address"))
    assert attempt == codes.DpdStatus("DeliveryFailure", "refused")
    shop = codes.status_for(_event(EventCode.PICKED_UP, None, "pickup_point"))
    assert shop == codes.DpdStatus("PickedUp", "dropped_at_shop")
    breakdown = codes.status_for(_event(EventCode.EXCEPTION, ExceptionReason.BREAKDOWN, "delivery_station"))
    assert breakdown is not None and breakdown.code == "ReturningFromDelivery"
    first = _event(EventCode.EXCEPTION, ExceptionReason.RECIPIENT_UNAVAILABLE, "delivery_station")
    assert codes.status_for(first) == codes.DpdStatus("DeliveryFailure", "not_delivered")
    tried = [_event(EventCode.DELIVERY_ATTEMPTED, ExceptionReason.RECIPIENT_UNAVAILABLE, "address")]
    assert codes.status_for(first, tried) == codes.DpdStatus("ReturningFromDelivery", "back_at_depot")
    assert codes.status_for(_event(EventCode.RETURNED_TO_SENDER)) == codes.DpdStatus("Delivered", "returned")
