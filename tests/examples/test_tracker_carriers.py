"""Each carrier client's reading of its carrier's wire format, on small bodies shaped as the
carrier documents them (docs/carriers/*.md): the codes that only a text or a leg tells apart,
local times without offsets, not-found answers, and SOAP faults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest

from examples.reference_tracker.carriers import amazon, dhl, dpd, fedex, hermes, ups, usps
from examples.reference_tracker.carriers.base import Unavailable
from examples.reference_tracker.vocabulary import Status

pytestmark = pytest.mark.unit


def client(cls: type) -> Any:
    """A client for reading answers only: it never sends, so it needs no HTTP connection."""
    return cls(cast(httpx.AsyncClient, None), "http://sandbox/x", {})


def test_ups_reads_status_codes_then_types_and_gmt_times() -> None:
    def activity(code: str, status_code: str, kind: str, gmt: str) -> dict:
        return {
            "status": {"type": kind, "code": code, "statusCode": status_code, "description": "d"},
            "gmtDate": "20261104",
            "gmtTime": gmt,
            "location": {"address": {"city": "Baltimore", "stateProvince": "MD", "countryCode": "US"}},
        }

    package = {
        "activity": [  # newest first, as UPS lists them
            activity("UA", "034", "X", "18:00:00"),
            activity("ZZ", "999", "D", "17:00:00"),  # a status code the tracker does not know
            activity("2A", "052", "X", "16:00:00"),
            activity("OT", "021", "I", "13:41:56"),
        ],
        "deliveryDate": [{"type": "RDD", "date": "20261105"}],
        "deliveryTime": {"type": "EDW", "startTime": "111032", "endTime": "151032"},
        "packageAddress": [{"type": "DESTINATION", "address": {"stateProvince": "AZ", "countryCode": "US"}}],
    }
    view = ups.parse_package(package)
    assert [e.status for e in view.events] == [
        Status.OUT_FOR_DELIVERY,
        Status.DELAYED,
        Status.DELIVERED,
        Status.RETURNED,
    ]
    assert view.events[0].time == datetime(2026, 11, 4, 13, 41, 56, tzinfo=UTC)
    assert view.events[0].location == "Baltimore, MD, US"
    assert view.eta is not None and view.eta.date == "2026-11-05"
    assert view.eta.start == datetime(2026, 11, 5, 18, 10, 32, tzinfo=UTC)  # 11:10:32 in Phoenix (UTC-7)


def test_ups_unknown_number_is_a_200_with_a_warning() -> None:
    body = {"trackResponse": {"shipment": [{"inquiryNumber": "1Z1", "warnings": [{"code": "TW0001"}]}]}}
    views = client(ups.UpsClient)._parse(["1Z1"], httpx.Response(200, json=body))
    assert views == {"1Z1": ups.CarrierView.not_found()}


def test_fedex_tells_returning_from_returned_by_its_text_and_lost_by_its_exception_code() -> None:
    def scan(kind: str, derived: str, text: str, exception: str = "") -> dict:
        return {
            "date": "2026-11-05T14:21:12-06:00",
            "eventType": kind,
            "eventDescription": text,
            "derivedStatusCode": derived,
            "derivedStatus": text,
            "exceptionCode": exception,
        }

    assert fedex.scan_status(scan("RS", "RS", "Return to shipper")) is Status.RETURNING
    assert fedex.scan_status(scan("RS", "RS", "Returned to shipper")) is Status.RETURNED
    assert fedex.scan_status(scan("SE", "SE", "Shipment exception", "A12")) is Status.LOST
    assert fedex.scan_status(scan("SE", "SE", "Shipment exception", "03")) is Status.EXCEPTION
    assert fedex.scan_status(scan("ZZ", "OD", "new code")) is Status.OUT_FOR_DELIVERY


def test_fedex_batch_answers_each_number_and_leaves_unknown_ones_not_found() -> None:
    found = {
        "scanEvents": [{"date": "2026-11-05T09:06:16-06:00", "eventType": "OD", "eventDescription": "x"}]
    }
    body = {
        "output": {
            "completeTrackResults": [
                {"trackingNumber": "111", "trackResults": [found]},
                {"trackingNumber": "222", "trackResults": [{"error": {"code": fedex.NOT_FOUND}}]},
            ]
        }
    }
    views = client(fedex.FedexClient)._parse(["111", "222", "333"], httpx.Response(200, json=body))
    assert views["111"].found and views["111"].events[0].status is Status.OUT_FOR_DELIVERY
    assert not views["222"].found and not views["333"].found


def test_dhl_reads_checkpoint_texts_and_local_times_of_the_scan_place() -> None:
    shipment = {
        "events": [
            {
                "timestamp": "2026-11-04T08:32:32",
                "statusCode": "failure",
                "description": "Delivered - Returned to shipper",
                "location": {"address": {"countryCode": "US", "addressLocality": "DALLAS, TX - USA"}},
            }
        ],
        "estimatedTimeOfDelivery": "2026-11-06T16:56:22Z",
        "estimatedDeliveryTimeFrame": {"estimatedFrom": "2026-11-06T16:56:22Z"},
        "destination": {"address": {"countryCode": "DE", "addressLocality": "LEIPZIG - GERMANY"}},
    }
    view = dhl.parse_shipment(shipment)
    assert view.events[0].status is Status.RETURNED
    assert view.events[0].time == datetime(2026, 11, 4, 14, 32, 32, tzinfo=UTC)  # Dallas is UTC-6
    # DHL's "Z" on ETAs is local wall clock: 16:56 in Leipzig.
    assert view.eta is not None and view.eta.date == "2026-11-06"
    assert view.eta.start == datetime(2026, 11, 6, 15, 56, 22, tzinfo=UTC)
    for text, status in [
        ("Delivery delayed due to adverse weather conditions", Status.DELAYED),
        ("Shipment is on hold", Status.EXCEPTION),
        ("Delivery attempted but no response at Consignee address", Status.FAILED_ATTEMPT),
        ("Shipment could not be located", Status.LOST),
        ("Returned to shipper", Status.RETURNING),
        ("Processed at LEIPZIG - GERMANY", Status.IN_TRANSIT),
    ]:
        assert dhl.event_status("transit", text) is status, text


def test_dhl_no_result_is_an_answer_but_another_404_is_not() -> None:
    c = client(dhl.DhlClient)
    assert c._is_answer(httpx.Response(404, json={"title": "No result found", "status": 404}))
    assert not c._is_answer(httpx.Response(404, json={"title": "Not Found", "status": 404}))


def test_usps_delivered_to_the_original_sender_is_returned() -> None:
    event = {
        "eventCode": "01",
        "eventType": "Delivered, To Original Sender",
        "GMTTimestamp": "2026-11-07T23:16:39Z",
    }
    assert usps.event_status(event) is Status.RETURNED
    assert usps.event_status({**event, "eventType": "Delivered, Front Door/Porch"}) is Status.DELIVERED
    body = {"trackingEvents": [event], "expectedDeliveryDate": "2026-11-04", "destinationState": "NY"}
    view = usps.parse_details(body)
    assert (
        view.events[0].time == datetime(2026, 11, 7, 23, 16, 39, tzinfo=UTC) and view.eta.date == "2026-11-04"
    )
    c = client(usps.UspsClient)
    pending = {"error": {"errors": [{"code": "150006"}]}}
    assert c._is_answer(httpx.Response(404, json=pending))
    assert not c._is_answer(httpx.Response(404, json={"error": {"errors": [{"code": "999"}]}}))


def test_amazon_return_leg_and_promised_date_in_local_time() -> None:
    history = [
        {"eventCode": "ReturnInitiated", "eventTime": "2026-11-05T10:00:00.000Z", "shipmentType": "RETURNS"},
        {"eventCode": "Departed", "eventTime": "2026-11-05T12:00:00.000Z", "shipmentType": "RETURNS"},
        {
            "eventCode": "Delivered",
            "eventTime": "2026-11-06T12:00:00.000Z",
            "shipmentType": "RETURNS",
            "location": {"countryCode": "US", "stateOrRegion": "CA"},
        },
    ]
    view = amazon.parse_payload({"eventHistory": history, "promisedDeliveryDate": "2026-11-07T05:00:00.000Z"})
    assert [e.status for e in view.events] == [Status.RETURNING, Status.RETURNING, Status.RETURNED]
    assert view.eta is not None and view.eta.date == "2026-11-06"  # 21:00 on the 6th in California
    c = client(amazon.AmazonClient)
    denied = httpx.Response(403, json={"errors": [{"code": "Unauthorized", "message": "denied"}]})
    assert c._auth_rejected(denied) and not c._auth_rejected(httpx.Response(403, json={"errors": []}))


def test_hermes_codes_and_code_families() -> None:
    assert hermes.code_status("3511") is Status.DELIVERED
    assert hermes.code_status("3599") is Status.DELIVERED  # the 35xx family
    assert hermes.code_status("3733") is Status.FAILED_ATTEMPT
    assert hermes.code_status("6084") is Status.RETURNING and hermes.code_status("7500") is Status.RETURNED
    assert hermes.code_status("0900") is Status.LOST and hermes.code_status("4100") is Status.DELAYED
    body = {
        "shipmentinfo": [{"shipmentID": "1", "result": {"code": "e001"}}, {"shipmentID": "2", "status": []}]
    }
    views = client(hermes.HermesClient)._parse(["1", "2"], httpx.Response(200, json=body))
    assert not views["1"].found and views["2"].found


PLC = dpd.PLC


def soap(inner: str) -> bytes:
    return (f'<soap:Envelope xmlns:soap="{dpd.SOAP}"><soap:Body>{inner}</soap:Body></soap:Envelope>').encode()


def test_dpd_reads_status_infos_local_times_and_predict() -> None:
    info = (
        "<statusInfo><status>{s}</status><description><content><content>{d}</content></content>"
        "</description><location><content>Hamburg (DE)</content></location>"
        "<date><content>{t}</content></date></statusInfo>"
    )
    body = soap(
        f'<getTrackingDataResponse xmlns="{PLC}"><trackingresult><shipmentInfo><predictInformation>'
        "<content><content>Your parcel will be delivered on 04.11.2026 between 9:00 and 10:00."
        "</content></content></predictInformation></shipmentInfo>"
        + info.format(
            s="BetweenDepots", d="The parcel is on its way back to the sender.", t="11/3/2026 2:00:00 AM"
        )
        + info.format(
            s="Delivered", d="The parcel has been delivered back to the sender.", t="11/4/2026 1:05:09 PM"
        )
        + "</trackingresult></getTrackingDataResponse>"
    )
    views = client(dpd.DpdClient)._parse(["0134821544512"], httpx.Response(200, content=body))
    view = views["0134821544512"]
    assert [e.status for e in view.events] == [Status.RETURNING, Status.RETURNED]
    assert view.events[1].time == datetime(2026, 11, 4, 12, 5, 9, tzinfo=UTC)  # CET is UTC+1
    assert view.eta is not None and view.eta.start == datetime(2026, 11, 4, 8, 0, tzinfo=UTC)


def test_dpd_faults_are_answers_or_auth_problems_by_their_detail_code() -> None:
    def fault(code: str) -> httpx.Response:
        inner = (
            "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occured</faultstring>"
            f"<detail><faults><faultCode>{code}</faultCode></faults></detail></soap:Fault>"
        )
        return httpx.Response(500, content=soap(inner))

    c = client(dpd.DpdClient)
    assert c._is_answer(fault(dpd.NOT_FOUND)) and not c._auth_rejected(fault(dpd.NOT_FOUND))
    assert c._auth_rejected(fault("ERR_DELICOM_TOKEN_EXPIRED")) and not c._is_answer(fault("ERR_X"))
    assert not c._is_answer(httpx.Response(500, content=b"gateway exploded"))


def test_dpd_refuses_xml_with_entities() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(Unavailable, match="unreadable SOAP answer"):
        client(dpd.DpdClient)._parse(["1"], httpx.Response(200, content=bomb))
